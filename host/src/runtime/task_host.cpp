#include "runtime/task_host.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <stdexcept>

#include "common/logging.hpp"
#include "config/worker_config.hpp"
#include "plugin/plugin_permissions.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/frame_channel.hpp"
#include "runtime/task_protocol.hpp"

namespace sluice {

namespace {

// Nothing is left to do for a task whose worker is gone: its offsets could not be stored.
[[noreturn]] void workerGone(const std::string& why) {
  logger("sluice.worker")->warn("task process {}: {}; exiting", ::getpid(), why);
  std::_Exit(1);
}

// The worker's OffsetStore, seen from the task process. A read waits for the worker's answer;
// a write is one-way and reaches the worker before the result of the commit that made it.
class WorkerOffsetStore : public OffsetStore {
 public:
  WorkerOffsetStore(FrameChannel& channel, std::function<void()> onStop)
      : channel_(channel), onStop_(std::move(onStop)) {}

  std::optional<std::string> read(const std::string&, const std::string& partitionJson) override {
    auto sent = channel_.send(nlohmann::json{{"op", "offset.read"}, {"partition", partitionJson}}.dump());
    if (!sent.ok()) workerGone(sent.error());
    while (true) {
      auto frame = channel_.receive(-1);
      if (!frame.ok()) workerGone(frame.error());
      auto msg = parseTaskMessage(**frame);
      if (!msg.ok()) workerGone(msg.error());
      const auto op = (*msg)["op"].get<std::string>();
      if (op == "stop") {
        onStop_();  // may arrive while the worker has not seen our question yet
        continue;
      }
      if (op != "offset") workerGone("unexpected message while reading an offset: " + op);
      const auto& value = (*msg)["value"];
      if (value.is_null()) return std::nullopt;
      return value.get<std::string>();
    }
  }
  void write(const std::string&, const std::string& partitionJson, const std::string& offsetJson) override {
    // dump() throws on an offset that is not valid UTF-8: the task fails with that message.
    auto sent = channel_.send(
        nlohmann::json{{"op", "offset.write"}, {"partition", partitionJson}, {"offset", offsetJson}}.dump());
    if (!sent.ok()) workerGone(sent.error());
  }
  // The pipeline only reads and writes; the worker's REST offset endpoints use its own store.
  std::vector<std::pair<std::string, std::string>> all(const std::string&) override {
    throw std::logic_error("a task process cannot list offsets");
  }
  void remove(const std::string&, const std::string&) override {
    throw std::logic_error("a task process cannot remove offsets");
  }
  void removeAll(const std::string&) override { throw std::logic_error("a task process cannot remove offsets"); }
  // The worker writes its store to disk when it reads this, right after the writes sent before it.
  bool flush() override {
    auto sent = channel_.send(nlohmann::json{{"op", "offset.flush"}}.dump());
    if (!sent.ok()) workerGone(sent.error());
    return sent.ok();
  }

 private:
  FrameChannel& channel_;
  std::function<void()> onStop_;
};

class TaskHost {
 public:
  explicit TaskHost(int fd) : channel_(fd), offsets_(channel_, [this] { requestStop(); }) {}

  int serve(pid_t parent) {
    while (true) {
      auto frame = channel_.receive(1000);
      if (!frame.ok()) workerGone(frame.error());
      if (!frame.value()) {
        if (::getppid() != parent) workerGone("the worker exited");
        continue;
      }
      auto message = parseTaskMessage(**frame);
      if (!message.ok()) workerGone(message.error());
      const auto op = (*message)["op"].get<std::string>();
      if (op == "stop") {
        requestStop();
        continue;  // one-way
      }
      nlohmann::json result{{"op", "result"}, {"ok", true}};
      try {
        handle(op, *message, result);
      } catch (const std::exception& e) {
        result = {{"op", "result"}, {"ok", false}, {"error", std::string("task process: ") + e.what()}};
      }
      auto sent = channel_.send(result.dump());
      if (!sent.ok()) workerGone(sent.error());
      if (op == "close") return 0;
    }
  }

 private:
  void requestStop() {
    stopRequested_ = true;
    if (pipeline_) pipeline_->stop();
  }

  static void fail(nlohmann::json& result, const std::string& error) {
    result = {{"op", "result"}, {"ok", false}, {"error", error}};
  }

  void handle(const std::string& op, const nlohmann::json& msg, nlohmann::json& result) {
    if (op == "init") {
      worker_ = WorkerConfig::fromMap(msg.at("worker").get<std::map<std::string, std::string>>());
      initLogging(worker_.get("log.level", "info"));
      // The worker already logged what its scan accepted and refused; at every restart again it
      // would only bury the crash that caused it.
      logger("sluice.plugins")->set_level(spdlog::level::off);
      // The worker refused a bad value before it started any task.
      registry_.setPermissions(parsePluginPermissions(worker_.get("plugin.path.permissions", "strict")).value_or(PluginPermissions::Strict));
      for (const auto& dir : msg.at("pluginDirs").get<std::vector<std::string>>()) registry_.scanDirectory(dir);
      PipelineSpec spec;
      specFromJson(msg.at("spec"), spec);
      spec.worker = std::shared_ptr<const WorkerConfig>(std::shared_ptr<void>(), &worker_);  // borrowed: outlives the pipeline
      spec.plugins = std::shared_ptr<PluginRegistry>(std::shared_ptr<void>(), &registry_);  // borrowed: outlives the pipeline
      spec.offsets = std::shared_ptr<OffsetStore>(std::shared_ptr<void>(), &offsets_);  // borrowed: outlives the pipeline
      auto built = Pipeline::build(spec);
      if (!built.ok()) return fail(result, built.error());
      pipeline_ = std::move(built.value());
      if (stopRequested_) pipeline_->stop();
      return;
    }
    if (op == "close") {  // also after a failed init: there is nothing to close then
      if (pipeline_) pipeline_->close();
      pipeline_.reset();
      return;
    }
    if (!pipeline_) return fail(result, "task process: " + op + " before init");
    if (op == "start") {
      auto r = pipeline_->start();
      if (!r.ok()) fail(result, r.error());
    } else if (op == "runOnce") {
      auto r = pipeline_->runOnce(msg.at("timeoutMs").get<int>());
      if (!r.ok()) return fail(result, r.error());
      result["value"] = r.value();
      result["metrics"] = metricsToJson(pipeline_->metrics());
      result["topics"] = pipeline_->activeTopics();
    } else if (op == "commit") {
      auto r = pipeline_->commit();
      if (!r.ok()) fail(result, r.error());
    } else {
      fail(result, "task process: unknown request " + op);
    }
  }

  FrameChannel channel_;
  WorkerOffsetStore offsets_;
  WorkerConfig worker_;
  PluginRegistry registry_;
  std::unique_ptr<Pipeline> pipeline_;
  bool stopRequested_ = false;
};

}  // namespace

int runTaskHost(int fd, pid_t parent) {
  // Dies with the worker even when the worker is SIGKILLed (no socket close reaches us then
  // before the next receive timeout). Checked against `parent` after arming, since the worker
  // may have died before.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) return 1;
  TaskHost host(fd);
  return host.serve(parent);
}

}  // namespace sluice
