#include "runtime/crash_guard.hpp"

#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "common/signal_safe_writer.hpp"
#include "plugin/plugin_call.hpp"
#include "storage/crash_record.hpp"

namespace sluice {

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

// Filled in before the handlers are installed, read-only afterwards.
CrashRecordTarget gTarget;
bool gHaveTarget = false;
struct sigaction gPrevious[NSIG];
// The first thread to die writes the record; a second one waits for the process to end.
std::atomic<bool> gClaimed{false};
std::atomic<bool> gInstalled{false};

int64_t nowMs() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);  // async-signal-safe
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void describeCall(SignalSafeWriter& out, const PluginCall& call) noexcept {
  const PluginCallSite& site = *call.site;
  out.text(" in plugin '").text(site.plugin.c_str()).text("' hook ").text(call.hook);
  out.text(" (connector ").text(site.connector.empty() ? "-" : site.connector.c_str());
  out.text(", task ").number(site.taskId).text(", file ").text(site.file.c_str()).text(")");
}

// Writes the record and the log line for a death of `signal` (0: exit with exitCode).
void reportCrash(const PluginCall& call, int signal, int exitCode) noexcept {
  bool recorded = gHaveTarget && writeCrashRecord(gTarget, call, signal, exitCode, nowMs());
  SignalSafeWriter err(STDERR_FILENO);
  err.text("sluice: the worker dies: ");
  if (signal != 0) err.text("signal ").number(signal).text(" (").text(fatalSignalName(signal)).text(")");
  else if (exitCode >= 0) err.text("exit(").number(exitCode).text(") called");
  else err.text("quick_exit() called");
  describeCall(err, call);
  if (recorded) err.text("; the connector will start FAILED, crash record ").text(gTarget.path);
  else if (gHaveTarget) err.text("; the crash record could not be written to ").text(gTarget.path);
  else err.text("; no crash record: the worker keeps no state files");
  err.text("\n");
}

void waitForTheFirstCrash() noexcept {
  // Another thread is writing the record and will end the process; give it time, then die anyway.
  timespec step{0, 100 * 1000 * 1000};
  for (int i = 0; i < 50; ++i) nanosleep(&step, nullptr);
}

void onFatalSignal(int signal, siginfo_t* info, void*) {
  int savedErrno = errno;
  PluginCall call = tlsPluginCall;
  if (gClaimed.exchange(true)) {
    waitForTheFirstCrash();
  } else if (call.site) {
    reportCrash(call, signal, -1);
  } else {
    SignalSafeWriter err(STDERR_FILENO);
    err.text("sluice: the worker dies: signal ").number(signal).text(" (").text(fatalSignalName(signal));
    err.text(") outside plugin code\n");
  }
  sigaction(signal, &gPrevious[signal], nullptr);
  // A fault raised by the CPU repeats when the handler returns, now reaching the previous handler
  // with its original siginfo; a signal sent by kill()/raise()/abort() has to be sent again.
  if (info == nullptr || info->si_code <= 0) raise(signal);
  errno = savedErrno;
}

// on_exit(3) (glibc), which unlike atexit(3) passes the status given to exit().
void onExit(int status, void*) {
  PluginCall call = tlsPluginCall;
  if (!call.site || gClaimed.exchange(true)) return;
  reportCrash(call, 0, status);
  // Leave at once with the plugin's status: running static destructors under still-running task
  // threads would only add a second crash to the report.
  _exit(status);
}

void onQuickExit() {
  PluginCall call = tlsPluginCall;
  if (!call.site || gClaimed.exchange(true)) return;
  reportCrash(call, 0, -1);
}

}  // namespace

void installCrashGuard(const std::string& recordDir) {
  if (gInstalled.exchange(true)) return;
  gHaveTarget = prepareCrashRecordTarget(recordDir, gTarget);
  ensureAlternateSignalStack();
  for (int signal : kFatalSignals) {
    struct sigaction action {};
    action.sa_sigaction = onFatalSignal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, &gPrevious[signal]);
  }
  // Registered last, so it runs first: before any static destructor.
  on_exit(onExit, nullptr);
  at_quick_exit(onQuickExit);
}

}  // namespace sluice
