#pragma once
// The plugin call a thread is in: the host sets it around every hook call into plugin code, so a
// fatal signal or an exit() can be blamed on the plugin, hook, connector and task that caused it.
// It is read from signal handlers, so it is plain thread-local data set with a few stores per call:
// no allocation and no lock on the per-record path.
#include <string>

namespace sluice {

struct PluginDescriptor;

// Who runs a plugin instance; fixed for the instance's life (filled in once, when it is created).
struct PluginCallSite {
  std::string connector;  // "" when created outside a task (validation, tools)
  int taskId = -1;
  std::string plugin;
  std::string file;  // the .so it came from
};

struct PluginCall {
  const PluginCallSite* site = nullptr;  // nullptr: not in plugin code
  const char* hook = nullptr;            // "apply", "poll", ...
};

// This thread's current call. constinit: no lazy initialisation, so a signal handler may read it.
extern constinit thread_local PluginCall tlsPluginCall;

// Marks this thread as inside `hook` of `site` for the scope's life (nesting restores the outer call).
class PluginCallScope {
 public:
  PluginCallScope(const PluginCallSite& site, const char* hook) noexcept : outer_(tlsPluginCall) {
    tlsPluginCall = {&site, hook};
  }
  ~PluginCallScope() { tlsPluginCall = outer_; }
  PluginCallScope(const PluginCallScope&) = delete;
  PluginCallScope& operator=(const PluginCallScope&) = delete;

 private:
  PluginCall outer_;
};

// Marks this thread as building the plugin instances of one connector task, so every instance
// created meanwhile knows the task it belongs to. Also gives the thread an alternate signal stack
// (sigaltstack(2)), so a stack overflow in plugin code can still be reported.
class PluginTaskScope {
 public:
  PluginTaskScope(const std::string& connector, int taskId) noexcept;
  ~PluginTaskScope();
  PluginTaskScope(const PluginTaskScope&) = delete;
  PluginTaskScope& operator=(const PluginTaskScope&) = delete;

 private:
  const std::string* outerConnector_;
  int outerTaskId_;
};

// The call site of an instance of `plugin` created on this thread now (inside a PluginTaskScope or not).
PluginCallSite pluginCallSiteFor(const PluginDescriptor& plugin);

// Gives the calling thread an alternate signal stack unless it has one (kept until the thread ends).
void ensureAlternateSignalStack();

}  // namespace sluice
