#pragma once
// Crash records: what the worker writes when plugin code kills it (a fatal signal or exit() inside
// a hook), so the next start can fail that connector with the cause instead of running it into the
// same crash again. One small JSON file per crash, next to the state files:
//   <dir>/sluice-crash-<pid>.json
//   {"connector":"c","task":0,"plugin":"p","file":"/x/p.so","hook":"apply",
//    "signal":11,"exit_code":-1,"time_ms":1764417000123}
// signal is 0 for exit(), exit_code -1 for a signal. Written from a signal handler with
// async-signal-safe calls only (a temp file, fsync, rename(2)); read and removed by the herder.
#include <cstdint>
#include <string>
#include <vector>

#include "config/worker_config.hpp"
#include "plugin/plugin_call.hpp"

namespace sluice {

struct CrashRecord {
  std::string connector;
  int task = -1;
  std::string plugin;
  std::string file;
  std::string hook;
  int signal = 0;      // 0: the plugin called exit()
  int exitCode = -1;   // with signal 0; -1 when unknown (quick_exit)
  int64_t timeMs = 0;  // wall clock, ms since the epoch
  std::string path;    // the record file

  // "signal 11 (SIGSEGV)", "exit(3)".
  std::string cause() const;
  // The status trace of the failed connector: what happened, where, and how to run it again.
  std::string trace() const;
};

// Where crash records live: the directory of config.storage.file.filename (else of
// offset.storage.file.filename); "" when the worker keeps no state files.
std::string crashRecordDir(const WorkerConfig& worker);

// Every readable record in dir, oldest first. An unreadable one is logged and left in place.
std::vector<CrashRecord> readCrashRecords(const std::string& dir);
// Removes the records of `connector` (a restart or new config was asked for). Errors are logged.
void clearCrashRecords(const std::string& dir, const std::string& connector);

// Pre-formatted at worker start, so the signal handler only copies bytes.
struct CrashRecordTarget {
  char path[4096] = {0};
  char tmpPath[4096 + 40] = {0};  // <dir>/.sluice-crash-<pid>.json.tmp-<random>: not guessable in advance
};
// The target for this process in dir; false when dir is "" or the path would be too long.
bool prepareCrashRecordTarget(const std::string& dir, CrashRecordTarget& target);

// Writes the record of `call` dying of `signal` (or exit(exitCode)). Async-signal-safe: open,
// write, fsync, close, rename. Returns false when it could not be written.
bool writeCrashRecord(const CrashRecordTarget& target, const PluginCall& call, int signal, int exitCode, int64_t timeMs) noexcept;

// "SIGSEGV" etc. for the fatal signals the worker reports; "a signal" otherwise. Async-signal-safe.
const char* fatalSignalName(int signal) noexcept;

}  // namespace sluice
