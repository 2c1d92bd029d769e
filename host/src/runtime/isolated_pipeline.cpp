#include "runtime/isolated_pipeline.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/logging.hpp"
#include "runtime/task_protocol.hpp"

extern char** environ;

namespace sluice {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kChildFd = 3;            // the child's end of the socket, after stdin/stdout/stderr
constexpr int kExitGraceMs = 2000;     // how long a child that closed its socket may take to exit
constexpr int kReplyPollMs = 200;      // how often a wait for a reply checks for a stop timeout

std::string signalName(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    case SIGSYS: return "SIGSYS";
    default: return "signal " + std::to_string(sig);
  }
}

std::string describeExit(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return "task process died with " + signalName(sig) + " (" + strsignal(sig) + ")";
  }
  if (WIFEXITED(status)) return "task process exited with code " + std::to_string(WEXITSTATUS(status));
  return "task process ended (wait status " + std::to_string(status) + ")";
}

std::string describeDelay(int ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// The plugin hooks a request runs in the child, for the trace of a child that died during it.
std::string phaseOf(const std::string& op) {
  if (op == "init") return "create()";
  if (op == "start") return "start()";
  if (op == "runOnce") return "poll()/apply()/put()";
  if (op == "commit") return "flush()/delivered()";
  if (op == "close") return "stop()/destroy()";
  return op;
}

void add(PipelineMetrics& into, const PipelineMetrics& m) {
  into.recordsPolled += m.recordsPolled;
  into.recordsWritten += m.recordsWritten;
  into.errorsTolerated += m.errorsTolerated;
}

}  // namespace

bool wantsProcessIsolation(const std::map<std::string, std::string>& connectorConfig) {
  auto it = connectorConfig.find("plugin.isolation");
  return it != connectorConfig.end() && it->second == "process";
}

IsolatedPipeline::IsolatedPipeline(PipelineSpec spec, IsolationOptions options)
    : spec_(std::move(spec)), options_(std::move(options)) {}

IsolatedPipeline::~IsolatedPipeline() { close(); }

bool IsolatedPipeline::stopRequested() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopRequested_;
}

Result<bool> IsolatedPipeline::spawn() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return Error{std::string("cannot create the task process socket: ") + std::strerror(errno)};
  // Moved above kChildFd so dup2 onto kChildFd really copies it (and so clears close-on-exec);
  // close-on-exec until then keeps it out of children other threads spawn meanwhile.
  int childEnd = ::fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
  ::close(sv[1]);
  if (childEnd < 0) {
    ::close(sv[0]);
    return Error{std::string("cannot create the task process socket: ") + std::strerror(errno)};
  }
  std::vector<std::string> args{options_.executable};
  if (options_.arguments.empty()) {
    args.insert(args.end(), {"task-host", "--fd", std::to_string(kChildFd), "--parent", std::to_string(::getpid())});
  } else {
    args.insert(args.end(), options_.arguments.begin(), options_.arguments.end());
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, childEnd, kChildFd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The worker blocks SIGINT/SIGTERM in every thread (it sigwait()s for them); the child must
  // not inherit that, or SIGTERM could not stop it. Its own process group keeps a terminal's
  // Ctrl-C away from it: the worker stops its tasks in order instead.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, options_.executable.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(childEnd);
  if (rc != 0) {
    ::close(sv[0]);
    return Error{"cannot start the task process " + options_.executable + ": " + std::strerror(rc)};
  }
  std::lock_guard<std::mutex> lock(mutex_);
  pid_ = pid;
  channel_ = std::make_shared<FrameChannel>(sv[0]);
  killedForProtocol_ = false;
  return true;
}

IsolatedPipeline::Reply IsolatedPipeline::call(const nlohmann::json& request) {
  std::shared_ptr<FrameChannel> channel;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    channel = channel_;
  }
  if (!channel) return {Outcome::Died, "no task process", {}};
  auto sent = channel->send(request.dump());
  if (!sent.ok()) return {Outcome::Died, sent.error(), {}};
  auto protocolError = [&](const std::string& what) {
    // A child that breaks the protocol cannot be trusted to stop by itself.
    killedForProtocol_ = true;
    ::kill(pid_, SIGKILL);
    return Reply{Outcome::Died, "task process broke the protocol (" + what + ")", {}};
  };
  while (true) {
    auto frame = channel->receive(kReplyPollMs);
    if (!frame.ok()) return channel->peerClosed() ? Reply{Outcome::Died, frame.error(), {}} : protocolError(frame.error());
    if (!frame.value()) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - stopRequestedAt_).count();
      if (stopRequested_ && waited > options_.gracefulStopMs && !killedForProtocol_) {
        logger("sluice.worker")
            ->warn("task {}-{}: the task process did not stop within {} ms; killing it", spec_.connector, spec_.taskId,
                   options_.gracefulStopMs);
        ::kill(pid_, SIGKILL);
      }
      continue;
    }
    auto message = parseTaskMessage(**frame);
    if (!message.ok()) return protocolError(message.error());
    try {
      const auto& msg = message.value();
      const std::string op = msg.at("op").get<std::string>();
      if (op == "offset.read") {
        std::optional<std::string> value;
        if (spec_.offsets) value = spec_.offsets->read(spec_.connector, msg.at("partition").get<std::string>());
        auto answered = channel->send(nlohmann::json{{"op", "offset"}, {"value", value ? nlohmann::json(*value) : nullptr}}.dump());
        if (!answered.ok()) return {Outcome::Died, answered.error(), {}};
      } else if (op == "offset.write") {
        // Only this connector's offsets: the child names the partition, never the connector.
        if (spec_.offsets)
          spec_.offsets->write(spec_.connector, msg.at("partition").get<std::string>(), msg.at("offset").get<std::string>());
      } else if (op == "offset.flush") {
        if (spec_.offsets) spec_.offsets->flush();
      } else if (op == "result") {
        if (msg.at("ok").get<bool>()) return {Outcome::Answered, "", msg};
        return {Outcome::Failed, msg.at("error").get<std::string>(), {}};
      } else {
        return protocolError("a message the worker does not expect: " + op);
      }
    } catch (const nlohmann::json::exception& e) {
      return protocolError(std::string("malformed message: ") + e.what());
    }
  }
}

int IsolatedPipeline::reapChild(int graceMs) {
  int status = 0;
  auto deadline = Clock::now() + std::chrono::milliseconds(graceMs);
  while (true) {
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) return status;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

void IsolatedPipeline::childDied(const std::string& channelError, const std::string& phase) {
  auto log = logger("sluice.worker");
  int status = reapChild(killedForProtocol_ ? 0 : kExitGraceMs);
  std::string what = killedForProtocol_ ? channelError + "; killed it" : describeExit(status);
  what += " in " + phase;
  std::lock_guard<std::mutex> lock(mutex_);
  add(finishedMetrics_, childMetrics_);
  childMetrics_ = {};
  channel_.reset();
  pid_ = -1;
  if (stopRequested_) {
    log->info("task {}-{}: {} while stopping", spec_.connector, spec_.taskId, what);
    return;
  }
  ++attempt_;
  int64_t delay = options_.initialBackoffMs;
  for (int i = 1; i < attempt_ && delay < options_.maxBackoffMs; ++i) delay *= 2;
  delay = std::min<int64_t>(delay, options_.maxBackoffMs);
  nextStart_ = Clock::now() + std::chrono::milliseconds(delay);
  restartingTrace_ = what + "; restarting in " + describeDelay(static_cast<int>(delay)) + " (attempt " +
                     std::to_string(attempt_) + ")";
  log->error("task {}-{}: {}", spec_.connector, spec_.taskId, restartingTrace_);
}

IsolatedPipeline::Reply IsolatedPipeline::launch() {
  auto spawned = spawn();
  if (!spawned.ok()) return {Outcome::Failed, spawned.error(), {}};
  nlohmann::json init{{"op", "init"},
                      {"spec", specToJson(spec_)},
                      {"worker", spec_.worker ? spec_.worker->values() : std::map<std::string, std::string>{}},
                      {"pluginDirs", options_.pluginDirs}};
  for (const nlohmann::json& request : {init, nlohmann::json{{"op", "start"}}}) {
    Reply reply = call(request);
    if (reply.outcome == Outcome::Died) {
      childDied(reply.message, phaseOf(request["op"]));
      return reply;
    }
    if (reply.outcome == Outcome::Failed) {
      close();  // the child is alive and holds plugin instances; the task fails as in-process
      return reply;
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  restartingTrace_.clear();
  runningSince_ = Clock::now();
  return {Outcome::Answered, "", {}};
}

Result<bool> IsolatedPipeline::start() {
  Reply reply = launch();
  if (reply.outcome == Outcome::Failed) return Error{reply.message};
  return true;  // running, or a restart is pending (restartingTrace() says why)
}

Result<bool> IsolatedPipeline::runOnce(int timeoutMs) {
  if (!channel_) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto until = std::min(nextStart_, Clock::now() + std::chrono::milliseconds(timeoutMs));
    cv_.wait_until(lock, until, [&] { return stopRequested_; });
    if (stopRequested_ || Clock::now() < nextStart_) return true;
    lock.unlock();
    logger("sluice.worker")->info("task {}-{}: restarting the task process (attempt {})", spec_.connector, spec_.taskId,
                                  attempt_);
    Reply reply = launch();
    if (reply.outcome == Outcome::Failed) return Error{reply.message};
    return true;
  }
  if (attempt_ > 0 && Clock::now() - runningSince_ >= std::chrono::milliseconds(options_.stableResetMs)) attempt_ = 0;
  Reply reply = call({{"op", "runOnce"}, {"timeoutMs", timeoutMs}});
  if (reply.outcome == Outcome::Failed) return Error{reply.message};
  if (reply.outcome == Outcome::Died) {
    childDied(reply.message, phaseOf("runOnce"));
    return true;
  }
  try {
    auto metrics = metricsFromJson(reply.result.at("metrics"));
    auto topics = reply.result.at("topics").get<std::vector<std::string>>();
    bool more = reply.result.at("value").get<bool>();
    std::lock_guard<std::mutex> lock(mutex_);
    childMetrics_ = metrics;
    topics_ = std::move(topics);
    return more;
  } catch (const nlohmann::json::exception& e) {
    killedForProtocol_ = true;
    ::kill(pid_, SIGKILL);
    childDied(std::string("task process broke the protocol (malformed result: ") + e.what() + ")", phaseOf("runOnce"));
    return true;
  }
}

Result<bool> IsolatedPipeline::commit() {
  // A dead child's undelivered records are polled again by the next child (at least once).
  if (!channel_) return true;
  Reply reply = call({{"op", "commit"}});
  if (reply.outcome == Outcome::Failed) return Error{reply.message};
  if (reply.outcome == Outcome::Died) childDied(reply.message, phaseOf("commit"));
  return true;
}

void IsolatedPipeline::stop() {
  std::shared_ptr<FrameChannel> channel;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopRequested_) stopRequestedAt_ = Clock::now();
    stopRequested_ = true;
    channel = channel_;
    cv_.notify_all();
  }
  if (channel) (void)channel->send(nlohmann::json{{"op", "stop"}}.dump());  // a dead child needs no stop
}

void IsolatedPipeline::close() {
  if (closed_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopRequested_) stopRequestedAt_ = Clock::now();
    stopRequested_ = true;  // bounds the wait for close's reply by gracefulStopMs
  }
  closed_ = true;
  if (!channel_) return;
  Reply reply = call({{"op", "close"}});
  if (reply.outcome == Outcome::Failed)
    logger("sluice.worker")->warn("task {}-{}: close failed: {}", spec_.connector, spec_.taskId, reply.message);
  // The child exits after answering close; one that does not gets SIGTERM, then SIGKILL.
  int status = 0;
  auto exitedBy = Clock::now() + std::chrono::milliseconds(kExitGraceMs);
  pid_t r = 0;
  while ((r = ::waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < exitedBy)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (r == 0) {
    ::kill(pid_, SIGTERM);
    reapChild(options_.gracefulStopMs);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  add(finishedMetrics_, childMetrics_);
  childMetrics_ = {};
  channel_.reset();
  pid_ = -1;
}

PipelineMetrics IsolatedPipeline::metrics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  PipelineMetrics m = finishedMetrics_;
  add(m, childMetrics_);
  return m;
}

std::vector<std::string> IsolatedPipeline::activeTopics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return topics_;
}

std::string IsolatedPipeline::restartingTrace() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return restartingTrace_;
}

}  // namespace sluice
