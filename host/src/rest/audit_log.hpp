#pragma once
// The REST audit log: one line on the `sluice.rest.audit` logger for every request that changes
// something or tries to (every method but GET, HEAD and OPTIONS), refused ones included: who (the
// principal and how it was established), what (method, path, status) and from where (the client's
// address and the listener's scheme). Request text is escaped and bounded, so a path cannot forge
// or flood log lines.
#include <string>

#include <httplib.h>

#include "rest/rest_access.hpp"

namespace sluice {

// The line for `req` answered with `res`, or "" for a read that changes nothing.
std::string auditLine(const httplib::Request& req, const httplib::Response& res, const RestPrincipal& who,
                      const std::string& scheme);

void auditRequest(const httplib::Request& req, const httplib::Response& res, const RestPrincipal& who,
                  const std::string& scheme);

}  // namespace sluice
