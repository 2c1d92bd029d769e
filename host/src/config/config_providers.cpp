#include "config/config_providers.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <sstream>
#include <tuple>

#include "config/java_properties.hpp"

namespace sluice {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPrefix = "config.providers.";

std::vector<std::string> splitList(const std::string& value) {
  std::vector<std::string> out;
  std::stringstream in(value);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// KIP-993 allowed.paths: a file is read only when its normalised absolute path lies below one of
// these folders (".." cannot climb out; symbolic links are resolved first).
class AllowedPaths {
 public:
  static Result<AllowedPaths> parse(const std::string& value, const std::string& key) {
    AllowedPaths a;
    for (const auto& p : splitList(value)) {
      if (!fs::path(p).is_absolute()) return Error{"Invalid value " + p + " for configuration " + key + ": Path " + p + " is not absolute"};
      a.roots_.push_back(fs::path(p).lexically_normal());
    }
    return a;
  }
  Result<bool> check(const fs::path& path) const {
    if (roots_.empty()) return true;
    std::error_code ec;
    fs::path real = fs::weakly_canonical(path, ec);
    if (ec) real = path.lexically_normal();
    for (const auto& root : roots_) {
      auto rel = real.lexically_relative(root);
      if (!rel.empty() && *rel.begin() != "..") return true;
    }
    return Error{"path " + path.string() + " is not allowed to be accessed (it is not below allowed.paths)"};
  }

 private:
  std::vector<fs::path> roots_;
};

Result<std::string> readWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path.string()};
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Connect's FileConfigProvider: `path` is a Java properties file, `key` one of its keys.
class FileConfigProvider : public ConfigProvider {
 public:
  explicit FileConfigProvider(AllowedPaths allowed) : allowed_(std::move(allowed)) {}
  Result<std::string> get(const std::string& path, const std::string& key) const override {
    if (path.empty()) return Error{"the file provider needs a path: ${file:/path/to/file.properties:key}"};
    auto allowed = allowed_.check(path);
    if (!allowed.ok()) return Error{allowed.error()};
    auto text = readWholeFile(path);
    if (!text.ok()) return Error{"Could not read properties from file " + path};
    auto props = parseJavaProperties(text.value());
    auto it = props.find(key);
    if (it == props.end()) return Error{"the file " + path + " has no key '" + key + "'"};
    return it->second;
  }

 private:
  AllowedPaths allowed_;
};

// Connect's DirectoryConfigProvider: `path` is a folder, `key` the name of a regular file directly
// in it (as Kubernetes and Docker mount secrets); the value is the file's content.
class DirectoryConfigProvider : public ConfigProvider {
 public:
  explicit DirectoryConfigProvider(AllowedPaths allowed) : allowed_(std::move(allowed)) {}
  Result<std::string> get(const std::string& path, const std::string& key) const override {
    if (path.empty()) return Error{"the directory provider needs a path: ${directory:/path/to/folder:file}"};
    auto allowed = allowed_.check(path);
    if (!allowed.ok()) return Error{allowed.error()};
    std::error_code ec;
    if (!fs::is_directory(path, ec)) return Error{"Could not read directory " + path};
    // Only a file directly in the folder: "../x" or "a/b" name no entry of it.
    if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..")
      return Error{"the directory " + path + " has no file '" + key + "'"};
    fs::path file = fs::path(path) / key;
    if (!fs::is_regular_file(file, ec)) return Error{"the directory " + path + " has no file '" + key + "'"};
    auto text = readWholeFile(file);
    if (!text.ok()) return Error{text.error()};
    return text.value();
  }

 private:
  AllowedPaths allowed_;
};

// Connect's EnvVarConfigProvider: `key` is an environment variable of the worker's process; the path
// must be empty (`${env:NAME}` or `${env::NAME}`).
class EnvVarConfigProvider : public ConfigProvider {
 public:
  explicit EnvVarConfigProvider(std::optional<std::regex> allowlist) : allowlist_(std::move(allowlist)) {}
  Result<std::string> get(const std::string& path, const std::string& key) const override {
    if (!path.empty()) return Error{"the env provider takes no path: ${env:NAME}"};
    if (allowlist_ && !std::regex_match(key, *allowlist_))
      return Error{"the environment variable " + key + " is not allowed by allowlist.pattern"};
    const char* value = std::getenv(key.c_str());
    if (!value) return Error{"the environment variable " + key + " is not set"};
    return std::string(value);
  }

 private:
  std::optional<std::regex> allowlist_;
};

// Connect's class names, their simple names, and Sluice's short aliases.
enum class ProviderKind { File, Directory, Env };
std::optional<ProviderKind> providerKind(const std::string& cls) {
  const std::string package = "org.apache.kafka.common.config.provider.";
  for (auto [kind, simple, alias] : {std::tuple{ProviderKind::File, "FileConfigProvider", "file"},
                                     std::tuple{ProviderKind::Directory, "DirectoryConfigProvider", "directory"},
                                     std::tuple{ProviderKind::Env, "EnvVarConfigProvider", "env"}}) {
    if (cls == alias || cls == simple || cls == package + simple) return kind;
  }
  return std::nullopt;
}

const std::regex& placeholderPattern() {
  static const std::regex pattern(R"(\$\{([^}]*?):(([^}]*?):)?([^}]*?)\})");
  return pattern;
}

}  // namespace

Result<ConfigProviders> ConfigProviders::fromWorker(const std::map<std::string, std::string>& workerValues) {
  ConfigProviders out;
  auto listed = workerValues.find("config.providers");
  if (listed == workerValues.end()) return out;
  for (const auto& name : splitList(listed->second)) {
    std::string base = kPrefix + name + ".";
    auto cls = workerValues.find(base + "class");
    if (cls == workerValues.end())
      return Error{"config.providers names '" + name + "' but " + base + "class is not set (e.g. FileConfigProvider)"};
    auto kind = providerKind(cls->second);
    if (!kind)
      return Error{"Invalid value " + cls->second + " for configuration " + base +
                   "class: Class not found; the config providers are FileConfigProvider, DirectoryConfigProvider and "
                   "EnvVarConfigProvider (org.apache.kafka.common.config.provider.*) or file, directory, env"};
    auto param = [&](const std::string& p) {
      auto it = workerValues.find(base + "param." + p);
      return it == workerValues.end() ? std::string() : it->second;
    };
    if (*kind == ProviderKind::Env) {
      std::optional<std::regex> allowlist;
      if (std::string pattern = param("allowlist.pattern"); !pattern.empty()) {
        try {
          allowlist = std::regex(pattern, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          return Error{"Invalid value " + pattern + " for configuration " + base + "param.allowlist.pattern: " + e.what()};
        }
      }
      out.providers_[name] = std::make_shared<EnvVarConfigProvider>(std::move(allowlist));
      continue;
    }
    auto allowed = AllowedPaths::parse(param("allowed.paths"), base + "param.allowed.paths");
    if (!allowed.ok()) return Error{allowed.error()};
    if (*kind == ProviderKind::File)
      out.providers_[name] = std::make_shared<FileConfigProvider>(std::move(allowed.value()));
    else
      out.providers_[name] = std::make_shared<DirectoryConfigProvider>(std::move(allowed.value()));
  }
  return out;
}

bool ConfigProviders::hasPlaceholder(const std::string& value) {
  return value.find("${") != std::string::npos && std::regex_search(value, placeholderPattern());
}

Result<std::map<std::string, std::string>> ConfigProviders::resolve(const std::map<std::string, std::string>& config) const {
  std::map<std::string, std::string> out = config;
  for (auto& [key, value] : out) {
    if (!hasPlaceholder(value)) continue;
    std::string resolved;
    auto begin = std::sregex_iterator(value.begin(), value.end(), placeholderPattern());
    size_t copiedUpTo = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      std::string provider = m[1].str(), path = m[3].matched ? m[3].str() : "", name = m[4].str();
      std::string placeholder = m[0].str();
      auto p = providers_.find(provider);
      if (p == providers_.end()) {
        std::string known;
        for (const auto& [n, _] : providers_) known += (known.empty() ? "" : ", ") + n;
        return Error{"Invalid value " + placeholder + " for configuration " + key + ": unknown config provider '" + provider +
                     "' (the worker's config.providers: " + (known.empty() ? "none" : known) + ")"};
      }
      auto got = p->second->get(path, name);
      if (!got.ok()) return Error{"Invalid value " + placeholder + " for configuration " + key + ": " + got.error()};
      resolved += value.substr(copiedUpTo, static_cast<size_t>(m.position(0)) - copiedUpTo) + got.value();
      copiedUpTo = static_cast<size_t>(m.position(0) + m.length(0));
    }
    resolved += value.substr(copiedUpTo);
    value = std::move(resolved);
  }
  return out;
}

Result<std::map<std::string, std::string>> resolveWorkerPlaceholders(const std::map<std::string, std::string>& workerValues) {
  auto providers = ConfigProviders::fromWorker(workerValues);
  if (!providers.ok()) return Error{providers.error()};
  std::map<std::string, std::string> toResolve, out;
  for (const auto& [k, v] : workerValues) (k.rfind(kPrefix, 0) == 0 ? out : toResolve)[k] = v;
  auto resolved = providers->resolve(toResolve);
  if (!resolved.ok()) return Error{resolved.error()};
  out.insert(resolved->begin(), resolved->end());
  return out;
}

}  // namespace sluice
