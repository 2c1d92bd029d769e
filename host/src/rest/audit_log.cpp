#include "rest/audit_log.hpp"

#include <cstdio>

#include "common/logging.hpp"

namespace sluice {

namespace {

constexpr size_t kMaxField = 512;

// Printable ASCII as is, everything else (newlines, escapes, UTF-8) as \xNN; at most kMaxField bytes.
std::string escaped(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMaxField; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (text.size() > kMaxField) out += "...(" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace

std::string auditLine(const httplib::Request& req, const httplib::Response& res, const RestPrincipal& who,
                      const std::string& scheme) {
  if (isReadOnlyMethod(req.method)) return "";
  return "principal=\"" + escaped(who.name) + "\" via=" + who.via + " role=" + roleName(who.role) + " from=" +
         escaped(req.remote_addr) + ":" + std::to_string(req.remote_port) + " listener=" + scheme + " request=\"" +
         escaped(req.method) + " " + escaped(req.path) + "\" status=" + std::to_string(res.status);
}

void auditRequest(const httplib::Request& req, const httplib::Response& res, const RestPrincipal& who,
                  const std::string& scheme) {
  std::string line = auditLine(req, res, who, scheme);
  if (!line.empty()) logger("sluice.rest.audit")->info("{}", line);
}

}  // namespace sluice
