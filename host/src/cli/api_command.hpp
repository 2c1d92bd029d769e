#pragma once
// `sluice api METHOD PATH`: one request to a worker's REST API, over http or https, with the
// credentials the API asks for (HTTP Basic, a client certificate) and the CA that signs its
// certificate. Prints the answer's body; a 4xx/5xx answer or a failed connection exits 1.
#include <CLI/CLI.hpp>

namespace sluice {

void addApiCommand(CLI::App& app);

}  // namespace sluice
