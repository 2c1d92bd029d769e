#pragma once
// CrashGuard: the worker's last words when plugin code kills the process. Handlers for SIGSEGV,
// SIGBUS, SIGFPE, SIGILL and SIGABRT (on an alternate stack) and for exit()/quick_exit() look at
// the thread's current plugin call (plugin/plugin_call.hpp); inside plugin code they write a crash
// record (storage/crash_record.hpp) and log one line to stderr, using async-signal-safe calls only
// (signal-safety(7)). Then the process still dies as it would have: the previous handler (the
// default, or AddressSanitizer's) is restored and the signal delivered again; exit() keeps its
// status. A fault outside plugin code is logged as such and blamed on no one.
#include <string>

namespace sluice {

// Installs the handlers once per process; records go to recordDir ("" logs only).
void installCrashGuard(const std::string& recordDir);

}  // namespace sluice
