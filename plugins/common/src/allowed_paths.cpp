#include "sluice_common/allowed_paths.hpp"

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace sluice::common {

namespace {

std::vector<std::string> splitList(const std::string& value) {
  std::vector<std::string> out;
  std::stringstream items(value);
  for (std::string item; std::getline(items, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// `path` is `folder` or below it, both absolute and normal.
bool isBelow(const fs::path& path, const fs::path& folder) {
  auto p = path.begin();
  for (auto f = folder.begin(); f != folder.end(); ++f, ++p) {
    if (f->empty()) continue;  // the trailing "" of "/data/"
    if (p == path.end() || *p != *f) return false;
  }
  return true;
}

}  // namespace

std::string resolvedPath(const std::string& file) {
  std::error_code ec;
  fs::path absolute = fs::absolute(file, ec);
  if (ec) return "";
  // realpath of the longest part that exists; the rest (not created yet) may not climb out with "..".
  fs::path existing = absolute;
  fs::path rest;
  char buf[PATH_MAX];
  while (!::realpath(existing.c_str(), buf)) {
    if (!existing.has_relative_path()) return "";
    rest = rest.empty() ? existing.filename() : existing.filename() / rest;
    existing = existing.parent_path();
  }
  for (const auto& part : rest)
    if (part == "..") return "";
  if (rest.empty()) return buf;  // `/ ""` would add a trailing separator
  return (fs::path(buf) / rest).lexically_normal().string();
}

std::string fileNotAllowedReason(const std::string& file, const std::string& allowed) {
  auto folders = splitList(allowed);
  if (folders.empty()) return "";
  std::string list;
  for (const auto& f : folders) list += (list.empty() ? "" : ", ") + f;
  std::string setting = std::string(kFileAllowedPathsKey) + " (" + list + ")";
  if (file.empty()) return "";  // stdin / stdout: no file of the machine is named
  std::string real = resolvedPath(file);
  if (real.empty()) return "the path " + file + " cannot be resolved, so it cannot be checked against the worker's " + setting;
  for (const auto& folder : folders) {
    std::string root = resolvedPath(folder);
    if (!root.empty() && isBelow(fs::path(real), fs::path(root))) return "";
  }
  std::string where = real == file ? "" : " (it resolves to " + real + ")";
  return "the path " + file + where + " is not below any folder of the worker's " + setting;
}

}  // namespace sluice::common
