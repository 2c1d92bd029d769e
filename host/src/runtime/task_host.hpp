#pragma once
// The task process of `plugin.isolation: process` (`sluice task-host`, started by IsolatedPipeline):
// runs one connector task's ordinary Pipeline on the worker's requests. It loads the plugins
// itself, reads and writes source offsets through the worker, and exits when told to close, when
// the worker's socket closes, or (PR_SET_PDEATHSIG) when the worker dies.
#include <sys/types.h>

namespace sluice {

// Serves the worker on `fd` until close; returns the process exit code.
int runTaskHost(int fd, pid_t parent);

}  // namespace sluice
