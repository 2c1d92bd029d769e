// Safe files, as a local user without privileges would attack a worker that runs as root: a plugin
// in a folder they can write, a plugin file they own, a folder above the plugin folder they can
// write; links planted at the names where state files are written. Real `sluice worker` processes;
// the unprivileged side runs as nobody through setpriv (util-linux) when the test runs as root.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "process_support.hpp"

namespace fs = std::filesystem;

namespace sluice::testing {
namespace {

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;
const std::string kMarkerPlugin = std::string(SLUICE_FIXTURE_DIR) + "/marker/constructor_marker.so";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A folder made with `mode` (umask aside) and, when `owner` is set, chowned to it.
std::string makeFolder(const std::string& path, mode_t mode, uid_t owner = 0, gid_t group = 0) {
  fs::create_directories(path);
  ::chown(path.c_str(), owner, group);
  ::chmod(path.c_str(), mode);
  return path;
}

// The constructor-marker plugin copied into `folder`, 0755, owned by `owner`.
std::string copyMarkerPlugin(const std::string& folder, uid_t owner = 0, gid_t group = 0) {
  std::string to = folder + "/constructor_marker.so";
  fs::copy_file(kMarkerPlugin, to, fs::copy_options::overwrite_existing);
  ::chown(to.c_str(), owner, group);
  ::chmod(to.c_str(), 0755);
  return to;
}

// `sluice worker <config>`, as nobody when this process is root (the test's own user otherwise),
// with SLUICE_CONSTRUCTOR_MARKER set to `marker`. Stderr goes to `logPath`.
class WorkerAsUser {
 public:
  WorkerAsUser(const std::string& config, const std::string& logPath, const std::string& marker, bool unprivileged,
               const std::string& binary = SLUICE_BINARY)
      : log_(logPath) {
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* f = std::freopen(log_.c_str(), "w", stderr);
      (void)f;
      ::dup2(STDERR_FILENO, STDOUT_FILENO);
      ::setenv("SLUICE_CONSTRUCTOR_MARKER", marker.c_str(), 1);
      if (unprivileged && ::geteuid() == 0)
        ::execlp("setpriv", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", SLUICE_BINARY, "worker",
                 config.c_str(), static_cast<char*>(nullptr));
      else
        ::execl(binary.c_str(), binary.c_str(), "worker", config.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~WorkerAsUser() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  WorkerAsUser(const WorkerAsUser&) = delete;
  WorkerAsUser& operator=(const WorkerAsUser&) = delete;
  std::string log() const { return readFile(log_); }
  // The worker logs its plugin count once every plugin folder was scanned, before the REST API listens.
  bool waitUntilScanned() {
    return eventually([&] { return contains(log(), "REST API listening on") || exited(); }) && !exited();
  }
  bool exited() {
    if (pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
    return pid_ <= 0;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

// A worker config that starts without Kafka on any free port, plus `extra`.
std::string writeConfig(const TempDir& dir, const std::string& name, std::map<std::string, std::string> extra) {
  extra.emplace("listeners", "http://127.0.0.1:0");
  extra.emplace("bootstrap.servers", "127.0.0.1:1");
  std::string path = dir.file(name);
  writeWorkerConfig(path, extra);
  ::chmod(path.c_str(), 0644);
  return path;
}

// Seen: plugin.path dlopen'ed any *.so, so a library another user could write ran its constructor
// as the worker's user (root) before any check. Now each such file is refused with its reason
// and never mapped: the marker its constructor would leave never appears.
TEST(SafeFiles, APluginAnotherUserCouldWriteIsRefusedBeforeItIsMapped) {
  TempDir dir;
  ::chmod(dir.file("").c_str(), 0755);
  struct Case {
    std::string name, folder, reason;
  };
  std::vector<Case> cases;
  // A folder writable by everyone (as /tmp/sluice-plugins was, before anyone created it).
  std::string open = makeFolder(dir.file("open"), 0777);
  copyMarkerPlugin(open);
  cases.push_back({"folder writable by others", open, "the plugin folder " + open + " is writable by others (mode 0777)"});
  // A file the other user owns, in the worker's own folder.
  std::string theirs = makeFolder(dir.file("theirs"), 0755);
  std::string theirFile = copyMarkerPlugin(theirs, kNobody, kNogroup);
  cases.push_back({"file owned by another user", theirs, "the plugin file " + theirFile + " is owned by uid 65534"});
  // A group-writable file.
  std::string group = makeFolder(dir.file("group"), 0755);
  std::string groupFile = copyMarkerPlugin(group);
  ::chmod(groupFile.c_str(), 0775);
  cases.push_back({"file writable by its group", group, "the plugin file " + groupFile + " is writable by its group (mode 0775)"});
  // A safe folder below one anybody can write (and so rename it away and put their own in its place).
  std::string above = makeFolder(dir.file("above"), 0777);
  std::string below = makeFolder(above + "/plugins", 0755);
  copyMarkerPlugin(below);
  cases.push_back({"folder above writable by others", below,
                   "the folder " + above + " above it is writable by others without the sticky bit (mode 0777)"});

  int i = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string marker = dir.file("marker-" + std::to_string(i));
    auto config = writeConfig(dir, "w" + std::to_string(i) + ".yaml", {{"plugin.path", c.folder}});
    WorkerAsUser worker(config, dir.file("w" + std::to_string(i++) + ".log"), marker, false);
    ASSERT_TRUE(worker.waitUntilScanned()) << worker.log();
    std::string log = worker.log();
    EXPECT_TRUE(contains(log, "refused plugin " + c.folder + "/constructor_marker.so: " + c.reason)) << log;
    EXPECT_TRUE(contains(log, "or set plugin.path.permissions: relaxed")) << log;
    EXPECT_FALSE(fs::exists(marker)) << "the refused plugin's constructor ran:\n" << log;
  }

  // plugin.path.permissions: relaxed is the explicit way out, for development: the same folder loads.
  std::string marker = dir.file("marker-relaxed");
  auto config = writeConfig(dir, "relaxed.yaml", {{"plugin.path", open}, {"plugin.path.permissions", "relaxed"}});
  WorkerAsUser relaxed(config, dir.file("relaxed.log"), marker, false);
  ASSERT_TRUE(relaxed.waitUntilScanned()) << relaxed.log();
  EXPECT_TRUE(contains(relaxed.log(), "registered sink plugin 'constructor-marker'")) << relaxed.log();
  EXPECT_TRUE(fs::exists(marker)) << relaxed.log();
}

// A folder above the worker's own executable is trusted as the executable is: whoever can replace
// it can replace the worker binary already. So a build tree cloned below a folder others can write
// still loads its built-in plugins (bin/../plugins), while the same folder above a plugin.path
// folder of another executable is refused (the case above).
TEST(SafeFiles, FoldersAboveTheWorkersOwnExecutableAreTrustedAsTheExecutableIs) {
  TempDir dir;
  ::chmod(dir.file("").c_str(), 0755);
  std::string tree = makeFolder(dir.file("tree"), 0777);
  std::string binary = makeFolder(tree + "/bin", 0755) + "/sluice";
  fs::copy_file(SLUICE_BINARY, binary);
  ::chmod(binary.c_str(), 0755);
  copyMarkerPlugin(makeFolder(tree + "/plugins", 0755));

  std::string marker = dir.file("marker");
  auto config = writeConfig(dir, "w.yaml", {});
  WorkerAsUser worker(config, dir.file("w.log"), marker, false, binary);
  ASSERT_TRUE(worker.waitUntilScanned()) << worker.log();
  EXPECT_TRUE(contains(worker.log(), "registered sink plugin 'constructor-marker'")) << worker.log();
  EXPECT_TRUE(fs::exists(marker)) << worker.log();
}

// The other side: a worker run by an unprivileged user loads the plugins that user owns and the
// built-in ones (root's), from folders nobody else can write.
TEST(SafeFiles, AnUnprivilegedWorkerLoadsItsOwnPluginsAndTheBuiltInOnes) {
  TempDir dir;
  ::chmod(dir.file("").c_str(), 0755);
  bool asNobody = ::geteuid() == 0;
  uid_t me = asNobody ? kNobody : ::geteuid();
  gid_t myGroup = asNobody ? kNogroup : ::getegid();
  std::string mine = makeFolder(dir.file("mine"), 0755, me, myGroup);
  copyMarkerPlugin(mine, me, myGroup);
  std::string markers = makeFolder(dir.file("markers"), 0777);  // the worker's user creates the marker here
  std::string marker = markers + "/marker";
  auto config = writeConfig(dir, "w.yaml", {{"plugin.path", mine}});
  WorkerAsUser worker(config, dir.file("w.log"), marker, true);
  ASSERT_TRUE(worker.waitUntilScanned()) << worker.log();
  std::string log = worker.log();
  EXPECT_TRUE(contains(log, "registered sink plugin 'constructor-marker'")) << log;
  EXPECT_TRUE(contains(log, "registered source plugin 'file-source'")) << log;  // built in, owned by root
  EXPECT_TRUE(contains(log, "plugins (0 refused)")) << log;
  EXPECT_TRUE(fs::exists(marker)) << log;
}

// Seen: state files were written through `<path>.tmp`, opened with O_CREAT | O_TRUNC: with the
// state under /tmp, a link planted at that name made a root worker overwrite the file it points
// to. Now the temp names are random and created with O_EXCL | O_NOFOLLOW: the planted links are
// left alone, their target is unchanged, and the state is written where it belongs.
TEST(SafeFiles, LinksPlantedAtStateFileNamesNeverRedirectAWrite) {
  TempDir dir;
  std::string state = makeFolder(dir.file("state"), 01777);  // as /tmp is
  std::string victim = dir.file("root-only");
  {
    std::ofstream out(victim);
    out << "root's own secret\n";
  }
  ::chmod(victim.c_str(), 0600);
  std::string configs = state + "/connectors.json", offsets = state + "/offsets.json";
  for (const auto& planted : {configs + ".tmp", offsets + ".tmp"}) ASSERT_EQ(::symlink(victim.c_str(), planted.c_str()), 0);
  std::string input = dir.file("input.txt");
  std::ofstream(input) << "a line\n";

  auto config = writeConfig(dir, "w.yaml",
                            {{"config.storage.file.filename", configs},
                             {"offset.storage.file.filename", offsets},
                             {"offset.flush.interval.ms", "100"}});
  WorkerProcess worker(config, dir.file("w.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  auto created = http.post("/connectors", {{"name", "src"},
                                           {"config", {{"connector.class", "FileStreamSource"}, {"file", input}, {"topic", "t"}}},
                                           {"initial_state", "STOPPED"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  auto altered = http.patch("/connectors/src/offsets",
                            {{"offsets", {{{"partition", {{"filename", input}}}, {"offset", {{"position", 7}}}}}}});
  ASSERT_EQ(altered.status, 200) << altered.raw;
  ASSERT_TRUE(eventually([&] { return contains(readFile(configs), "\"src\"") && contains(readFile(offsets), "position"); }))
      << worker.log();

  EXPECT_EQ(readFile(victim), "root's own secret\n");
  for (const auto& written : {configs, offsets}) {
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(written))) << written;
    struct stat st {};
    ASSERT_EQ(::stat(written.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << written << ": state may hold credentials";
  }
  for (const auto& planted : {configs + ".tmp", offsets + ".tmp"})
    EXPECT_TRUE(fs::is_symlink(fs::symlink_status(planted))) << planted << " was not left alone";
}

// A state folder the worker creates is private to its user (0700), as are the files in it.
TEST(SafeFiles, AStateFolderTheWorkerCreatesIsPrivate) {
  TempDir dir;
  std::string state = dir.file("data/state");
  auto config = writeConfig(dir, "w.yaml", {{"config.storage.file.filename", state + "/connectors.json"}});
  WorkerProcess worker(config, dir.file("w.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  std::string input = dir.file("input.txt");
  std::ofstream(input) << "a line\n";
  auto created = http.post("/connectors", {{"name", "src"},
                                           {"config", {{"connector.class", "FileStreamSource"}, {"file", input}, {"topic", "t"}}},
                                           {"initial_state", "STOPPED"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  ASSERT_TRUE(eventually([&] { return fs::exists(state + "/connectors.json"); })) << worker.log();
  for (const auto& folder : {dir.file("data"), state}) {
    struct stat st {};
    ASSERT_EQ(::stat(folder.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u) << folder;
  }
}

// Seen: any client of the REST API could POST a FileStreamSource on a root-only file and a
// FileStreamSink into a world-readable one. With file.allowed.paths set, a file connector outside
// those folders gets Connect's 400 validation error on its `file` key, naming the setting; paths are
// judged by where they resolve (links, `..`), and a connector config cannot lift the setting.
TEST(SafeFiles, FileConnectorsStayBelowFileAllowedPaths) {
  TempDir dir;
  std::string allowed = makeFolder(dir.file("allowed"), 0755);
  std::string secret = dir.file("secret.txt");
  std::ofstream(secret) << "root's own secret\n";
  ::chmod(secret.c_str(), 0600);
  ASSERT_EQ(::symlink(secret.c_str(), (allowed + "/link.txt").c_str()), 0);
  std::ofstream(allowed + "/in.txt") << "a line\n";

  auto config = writeConfig(dir, "w.yaml", {{"file.allowed.paths", allowed}});
  WorkerProcess worker(config, dir.file("w.log"));
  int port = worker.waitForPort();
  ASSERT_GT(port, 0) << worker.log();
  Http http(port);
  auto post = [&](const std::string& name, const std::string& cls, const std::string& file, json extra = json::object()) {
    json c = {{"connector.class", cls}, {"file", file}, {"topic", "t"}, {"topics", "t"}};
    c.update(extra);
    return http.post("/connectors", {{"name", name}, {"config", c}, {"initial_state", "STOPPED"}});
  };
  struct Refused {
    std::string name, cls, file, because;
    json extra;
  };
  const std::string setting = "is not below any folder of the worker's file.allowed.paths (" + allowed + ")";
  const std::vector<Refused> refused = {
      {"read-secret", "FileStreamSource", secret, "the path " + secret + " " + setting, json::object()},
      {"write-outside", "FileStreamSink", dir.file("out.txt"), "the path " + dir.file("out.txt") + " " + setting, json::object()},
      {"via-link", "FileStreamSource", allowed + "/link.txt",
       "the path " + allowed + "/link.txt (it resolves to " + secret + ") " + setting, json::object()},
      {"via-dotdot", "FileStreamSource", allowed + "/../secret.txt",
       "the path " + allowed + "/../secret.txt (it resolves to " + secret + ") " + setting, json::object()},
      {"lift-it", "FileStreamSource", secret, "the path " + secret + " " + setting, json{{"file.allowed.paths", "/"}}},
  };
  for (const auto& r : refused) {
    SCOPED_TRACE(r.name);
    auto reply = post(r.name, r.cls, r.file, r.extra);
    ASSERT_EQ(reply.status, 400) << reply.raw;
    EXPECT_EQ(reply.body["error_code"], 400) << reply.raw;
    EXPECT_TRUE(contains(reply.body["message"].get<std::string>(),
                         "Invalid value " + r.file + " for configuration file: " + r.because))
        << reply.raw;
  }
  EXPECT_EQ(http.get("/connectors").body, json::array()) << "a refused connector was created";

  // The same on the validate endpoint: the error sits on the `file` key.
  auto validated = http.put("/connector-plugins/FileStreamSource/config/validate",
                            {{"name", "v"}, {"connector.class", "FileStreamSource"}, {"file", secret}, {"topic", "t"}});
  ASSERT_EQ(validated.status, 200) << validated.raw;
  EXPECT_EQ(validated.body["error_count"], 1) << validated.raw;
  json fileErrors;
  for (const auto& entry : validated.body["configs"])
    if (entry["value"]["name"] == "file") fileErrors = entry["value"]["errors"];
  EXPECT_EQ(fileErrors, json::array({"Invalid value " + secret + " for configuration file: the path " + secret + " " + setting}))
      << validated.raw;

  // Inside the folders, both connectors are accepted.
  EXPECT_EQ(post("reads-inside", "FileStreamSource", allowed + "/in.txt").status, 201);
  EXPECT_EQ(post("writes-inside", "FileStreamSink", allowed + "/out.txt").status, 201);
  EXPECT_EQ(readFile(secret), "root's own secret\n");
}

}  // namespace
}  // namespace sluice::testing
