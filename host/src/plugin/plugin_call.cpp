#include "plugin/plugin_call.hpp"

#include <signal.h>

#include <cstdlib>

#include "plugin/plugin_descriptor.hpp"

namespace sluice {

constinit thread_local PluginCall tlsPluginCall{};

namespace {

constinit thread_local const std::string* tlsTaskConnector = nullptr;
constinit thread_local int tlsTaskId = -1;

// Frees this thread's alternate signal stack when the thread ends (after disabling it).
struct AlternateSignalStack {
  void* memory = nullptr;
  ~AlternateSignalStack() {
    if (!memory) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
    std::free(memory);
  }
};
thread_local AlternateSignalStack tlsAlternateStack;

// Enough for the crash handlers (they format into small fixed buffers) and AddressSanitizer's.
constexpr size_t kAlternateStackBytes = 64 * 1024;

}  // namespace

void ensureAlternateSignalStack() {
  stack_t current{};
  if (sigaltstack(nullptr, &current) != 0 || !(current.ss_flags & SS_DISABLE)) return;  // one is set already
  void* memory = std::malloc(kAlternateStackBytes);
  if (!memory) return;  // the handlers still run on the thread's own stack
  stack_t stack{};
  stack.ss_sp = memory;
  stack.ss_size = kAlternateStackBytes;
  if (sigaltstack(&stack, nullptr) != 0) {
    std::free(memory);
    return;
  }
  tlsAlternateStack.memory = memory;
}

PluginTaskScope::PluginTaskScope(const std::string& connector, int taskId) noexcept
    : outerConnector_(tlsTaskConnector), outerTaskId_(tlsTaskId) {
  tlsTaskConnector = &connector;
  tlsTaskId = taskId;
  ensureAlternateSignalStack();
}

PluginTaskScope::~PluginTaskScope() {
  tlsTaskConnector = outerConnector_;
  tlsTaskId = outerTaskId_;
}

PluginCallSite pluginCallSiteFor(const PluginDescriptor& plugin) {
  PluginCallSite site;
  if (tlsTaskConnector) {
    site.connector = *tlsTaskConnector;
    site.taskId = tlsTaskId;
  }
  site.plugin = plugin.name;
  site.file = plugin.path;
  return site;
}

}  // namespace sluice
