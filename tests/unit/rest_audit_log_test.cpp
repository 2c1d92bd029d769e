// The audit line: who, what and from where for a change, nothing for a read, and request text that
// cannot forge a second line or flood the log.
#include <gtest/gtest.h>

#include "rest/audit_log.hpp"

namespace sluice {
namespace {

httplib::Request request(const std::string& method, const std::string& path) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.remote_addr = "10.0.0.7";
  req.remote_port = 51234;
  return req;
}

TEST(RestAuditLog, ChangeNamesWhoWhatAndWhere) {
  httplib::Response res;
  res.status = 201;
  RestPrincipal who{"admin", "basic", RestRole::Admin};
  EXPECT_EQ(auditLine(request("POST", "/connectors"), res, who, "https"),
            "principal=\"admin\" via=basic role=admin from=10.0.0.7:51234 listener=https request=\"POST /connectors\" status=201");
  EXPECT_EQ(auditLine(request("GET", "/connectors"), res, who, "https"), "");
}

TEST(RestAuditLog, RequestTextCannotForgeOrFloodLines) {
  httplib::Response res;
  res.status = 404;
  RestPrincipal who{"eve\n[info] principal=\"admin\"", "basic", RestRole::ReadOnly};
  std::string line = auditLine(request("DELETE", "/connectors/x\r\nforged \"line\"" + std::string(5000, 'a')), res, who, "http");
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos) << line;
  EXPECT_NE(line.find("principal=\"eve\\x0a[info] principal=\\x22admin\\x22\""), std::string::npos) << line;
  EXPECT_NE(line.find("/connectors/x\\x0d\\x0aforged \\x22line\\x22"), std::string::npos) << line;
  EXPECT_NE(line.find("...(5028 bytes)"), std::string::npos) << line;
  EXPECT_LT(line.size(), 1400u) << line;
}

}  // namespace
}  // namespace sluice
