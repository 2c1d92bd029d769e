#include "storage/crash_record.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/logging.hpp"
#include "common/private_folder.hpp"
#include "common/signal_safe_writer.hpp"

namespace fs = std::filesystem;

namespace sluice {

namespace {

constexpr const char* kPrefix = "sluice-crash-";
constexpr const char* kSuffix = ".json";

std::string utcTime(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

bool isRecordFile(const fs::path& p) {
  std::string name = p.filename().string();
  return name.rfind(kPrefix, 0) == 0 && name.size() > std::string(kSuffix).size() &&
         name.compare(name.size() - std::string(kSuffix).size(), std::string::npos, kSuffix) == 0;
}

// Appends a C string to a fixed buffer; false when it does not fit.
bool append(char* out, size_t capacity, size_t& used, const char* text) {
  size_t n = std::strlen(text);
  if (used + n + 1 > capacity) return false;
  std::memcpy(out + used, text, n + 1);
  used += n;
  return true;
}

}  // namespace

const char* fatalSignalName(int signal) noexcept {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    default: return "a signal";
  }
}

std::string CrashRecord::cause() const {
  if (signal != 0) return "signal " + std::to_string(signal) + " (" + fatalSignalName(signal) + ")";
  if (exitCode < 0) return "quick_exit()";
  return "exit(" + std::to_string(exitCode) + ")";
}

std::string CrashRecord::trace() const {
  std::string who = connector + "-" + std::to_string(task);
  return "The worker process died of " + cause() + " in plugin '" + plugin + "' hook " + hook + " (file " + file +
         ", task " + std::to_string(task) + ", " + who + ") at " + utcTime(timeMs) +
         ". The connector was not started again, so the crash cannot repeat in a loop. Fix or replace the plugin, "
         "then POST /connectors/" + connector + "/restart?includeTasks=true, or PUT a new config to "
         "/connectors/" + connector + "/config. (Crash record: " + path + ")";
}

std::string crashRecordDir(const WorkerConfig& worker) {
  for (const char* key : {"config.storage.file.filename", "offset.storage.file.filename"}) {
    std::string file = worker.get(key);
    if (file.empty()) continue;
    fs::path dir = fs::path(file).parent_path();
    return dir.empty() ? std::string(".") : dir.string();
  }
  return "";
}

std::vector<CrashRecord> readCrashRecords(const std::string& dir) {
  std::vector<CrashRecord> out;
  if (dir.empty()) return out;
  std::error_code ec;
  auto log = logger("sluice.worker");
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    // symlink_status: a link planted among the records is not followed.
    if (!fs::is_regular_file(entry.symlink_status(ec)) || !isRecordFile(entry.path())) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto j = nlohmann::json::parse(text.str(), nullptr, false);
    CrashRecord r;
    r.path = entry.path().string();
    try {
      if (!j.is_object()) throw std::runtime_error("not a JSON object");
      r.connector = j.at("connector").get<std::string>();
      r.task = j.at("task").get<int>();
      r.plugin = j.at("plugin").get<std::string>();
      r.file = j.at("file").get<std::string>();
      r.hook = j.at("hook").get<std::string>();
      r.signal = j.at("signal").get<int>();
      r.exitCode = j.at("exit_code").get<int>();
      r.timeMs = j.at("time_ms").get<int64_t>();
    } catch (const std::exception& e) {
      // Torn by a second fault or edited by hand: keep it for a human, but do not guess a connector.
      log->warn("ignoring the unreadable crash record {}: {}", r.path, e.what());
      continue;
    }
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const CrashRecord& a, const CrashRecord& b) { return a.timeMs < b.timeMs; });
  return out;
}

void clearCrashRecords(const std::string& dir, const std::string& connector) {
  for (const auto& r : readCrashRecords(dir)) {
    if (r.connector != connector) continue;
    std::error_code ec;
    fs::remove(r.path, ec);
    if (ec) logger("sluice.worker")->error("could not remove the crash record {}: {}", r.path, ec.message());
    else logger("sluice.worker")->info("connector {}: cleared the crash record {}", connector, r.path);
  }
}

bool prepareCrashRecordTarget(const std::string& dir, CrashRecordTarget& target) {
  if (dir.empty()) return false;
  if (!createPrivateDirectories(dir).ok()) return false;
  std::error_code ec;
  std::string name = kPrefix + std::to_string(::getpid()) + kSuffix;
  std::string path = (fs::absolute(dir, ec) / name).string();
  char random[24];
  std::snprintf(random, sizeof random, "%016llx",
                (static_cast<unsigned long long>(std::random_device{}()) << 32) ^ std::random_device{}());
  std::string tmpPath = (fs::absolute(dir, ec) / ("." + name + ".tmp-" + random)).string();
  size_t used = 0, usedTmp = 0;
  return append(target.path, sizeof target.path, used, path.c_str()) &&
         append(target.tmpPath, sizeof target.tmpPath, usedTmp, tmpPath.c_str());
}

bool writeCrashRecord(const CrashRecordTarget& target, const PluginCall& call, int signal, int exitCode, int64_t timeMs) noexcept {
  if (!call.site || target.path[0] == '\0') return false;
  const PluginCallSite& site = *call.site;
  // The temp name is known in advance (no allocation in a signal handler), so whatever is there is
  // removed (a planted link itself, not its target) and the file created anew: O_EXCL | O_NOFOLLOW
  // fail rather than write through a link planted in between.
  ::unlink(target.tmpPath);
  int fd = ::open(target.tmpPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok;
  {
    SignalSafeWriter out(fd);
    out.text("{\"connector\":").jsonString(site.connector.data(), site.connector.size());
    out.text(",\"task\":").number(site.taskId);
    out.text(",\"plugin\":").jsonString(site.plugin.data(), site.plugin.size());
    out.text(",\"file\":").jsonString(site.file.data(), site.file.size());
    out.text(",\"hook\":").jsonString(call.hook, std::strlen(call.hook));
    out.text(",\"signal\":").number(signal);
    out.text(",\"exit_code\":").number(exitCode);
    out.text(",\"time_ms\":").number(timeMs).text("}\n");
    ok = out.flush();
  }
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  // rename(2) is async-signal-safe: the record appears whole or not at all.
  return ok && ::rename(target.tmpPath, target.path) == 0;
}

}  // namespace sluice
