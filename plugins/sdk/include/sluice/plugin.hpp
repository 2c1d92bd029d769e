// sluice/plugin.hpp: the header-only C++ SDK over <sluice/plugin.h>.
//
// A plugin author writes one class and one config table:
//
//   class Echo : public sluice::Transform {
//    public:
//     static constexpr const char* kName = "echo";
//     static constexpr const char* kVersion = "1.0.0";
//     static constexpr const char* kDescription = "Passes records through unchanged.";
//     static constexpr sluice_config_def kConfig[] = {
//         {"prefix", SLUICE_CFG_STRING, 0, "", SLUICE_IMPORTANCE_LOW, -1, "Prepended.", nullptr, nullptr}};
//     Echo(const sluice::Config& config, sluice::Context& context);
//     void apply(const sluice_record& in, sluice::Batch& out) override { out.emit(in); }
//   };
//   SLUICE_PLUGINS(Echo)
//
// Optional static members: kAliases (a nullptr-terminated array of const char*) and
// `static void validate(const sluice::Config&, sluice::Validation&)` for cross-key rules.
// Errors are C++ exceptions inside the plugin; the trampolines here turn every exception into a
// status plus host->set_error, so none ever crosses the C boundary.
#pragma once

#include <sluice/plugin.h>
#include <sluice/text.hpp>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sluice {

namespace detail {
// The host API handed to sluice_plugin_entry. Set once at load, before any other call.
inline const sluice_host_api* g_host = nullptr;
}  // namespace detail

// Thrown by a plugin for an unusable configuration; becomes SLUICE_ERR_CONFIG.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown for a transient failure; becomes SLUICE_RETRY.
class RetriableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline std::string_view view(sluice_bytes b) {
  return b.data ? std::string_view(reinterpret_cast<const char*>(b.data), b.len) : std::string_view();
}
inline sluice_bytes bytes(std::string_view s) {
  return sluice_bytes{reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline constexpr sluice_bytes kNullBytes{nullptr, 0};

// A record with every field empty or unset.
inline sluice_record emptyRecord() {
  sluice_record r{};
  r.partition = -1;
  r.timestamp_ms = -1;
  r.kafka_offset = -1;
  return r;
}

// Connect-style configuration: string values with typed getters. Keys the host validated against the
// plugin's table carry their defaults already, so get*(key) without a fallback is safe for them.
class Config {
 public:
  Config() = default;
  Config(const sluice_kv* props, size_t n) {
    for (size_t i = 0; i < n; ++i) values_[props[i].key] = props[i].value;
  }
  explicit Config(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::map<std::string, std::string>& all() const { return values_; }

  std::string getString(const std::string& key, const std::string& fallback = "") const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  int64_t getLong(const std::string& key, int64_t fallback = 0) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.empty()) return fallback;
    int64_t v = 0;
    const char* b = it->second.data();
    const char* e = b + it->second.size();
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e) throw ConfigError("Invalid value " + it->second + " for configuration " + key + ": Not a number of type LONG");
    return v;
  }
  double getDouble(const std::string& key, double fallback = 0) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.empty()) return fallback;
    try {
      size_t used = 0;
      double v = std::stod(it->second, &used);
      if (used == it->second.size()) return v;
    } catch (const std::exception&) {
    }
    throw ConfigError("Invalid value " + it->second + " for configuration " + key + ": Not a number of type DOUBLE");
  }
  bool getBool(const std::string& key, bool fallback = false) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.empty()) return fallback;
    std::string v = it->second;
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "true") return true;
    if (v == "false") return false;
    throw ConfigError("Invalid value " + it->second + " for configuration " + key + ": Expected value to be either true or false");
  }
  // Comma-separated list, items trimmed, empty items dropped (Connect's LIST).
  std::vector<std::string> getList(const std::string& key) const {
    std::vector<std::string> out;
    std::string s = getString(key);
    size_t start = 0;
    while (start <= s.size()) {
      size_t end = s.find(',', start);
      if (end == std::string::npos) end = s.size();
      std::string_view item = trimView(std::string_view(s).substr(start, end - start));
      if (!item.empty()) out.emplace_back(item);
      start = end + 1;
    }
    return out;
  }

 private:
  std::map<std::string, std::string> values_;
};

// The instance's link to the host: logging, stored source offsets.
class Context {
 public:
  explicit Context(sluice_host_ctx* ctx) : ctx_(ctx) {}
  void log(int32_t level, const std::string& message) const {
    if (detail::g_host && detail::g_host->log) detail::g_host->log(ctx_, level, message.c_str());
  }
  void info(const std::string& m) const { log(SLUICE_LOG_INFO, m); }
  void warn(const std::string& m) const { log(SLUICE_LOG_WARN, m); }
  // The committed source offset for a source partition (flat JSON objects), if any.
  std::optional<std::string> readOffset(const std::string& partitionJson) const {
    if (!detail::g_host || !detail::g_host->read_offset) return std::nullopt;
    const char* s = detail::g_host->read_offset(ctx_, partitionJson.c_str());
    if (!s) return std::nullopt;
    return std::string(s);
  }
  // Whether the outside system this source or sink talks to can be reached now (host API 1.1;
  // a no-op on a 1.0 host, which lacks report_health). Any thread.
  void reportHealth(bool healthy, const std::string& message) const {
    if (detail::g_host && SLUICE_HAS(detail::g_host, sluice_host_api, report_health) && detail::g_host->report_health)
      detail::g_host->report_health(ctx_, healthy ? 1 : 0, message.c_str());
  }
  sluice_host_ctx* raw() const { return ctx_; }

 private:
  sluice_host_ctx* ctx_;
};

// Where a plugin puts its output. emit() copies, so the record's buffers may be reused at once.
class Batch {
 public:
  explicit Batch(sluice_batch* batch) : batch_(batch) {}
  void emit(const sluice_record& record) {
    if (detail::g_host->emit(batch_, &record) != SLUICE_OK) throw std::runtime_error("host refused emit");
  }

 private:
  sluice_batch* batch_;
};

// Cross-key validation results (validate() only).
class Validation {
 public:
  explicit Validation(sluice_host_ctx* ctx) : ctx_(ctx) {}
  void addError(const std::string& key, const std::string& message) {
    detail::g_host->add_config_error(ctx_, key.c_str(), message.c_str());
  }

 private:
  sluice_host_ctx* ctx_;
};

// Base classes. A subclass's constructor takes (const Config&, Context&) and may throw ConfigError.
class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual void start() {}
  // May be called from another thread: set a flag, wake what blocks. Must not throw.
  virtual void stop() noexcept {}
};

class Source : public Plugin {
 public:
  static constexpr sluice_kind kKind = SLUICE_KIND_SOURCE;
  // Emit 0..n records; return within timeoutMs. Return SLUICE_END_OF_INPUT when finished.
  virtual sluice_status poll(Batch& out, int32_t timeoutMs) = 0;
  virtual void onDelivered(const sluice_record& /*record*/, int32_t /*partition*/, int64_t /*offset*/) {}
};

class Transform : public Plugin {
 public:
  static constexpr sluice_kind kKind = SLUICE_KIND_TRANSFORM;
  virtual void apply(const sluice_record& in, Batch& out) = 0;
  virtual void tick(int64_t /*nowMs*/, Batch& /*out*/) {}
  // Lowest input offset still held in state, -1 for none (see sluice_plugin.held_offset).
  virtual int64_t heldOffset(std::string_view /*topic*/, int32_t /*partition*/) { return -1; }
};

class Sink : public Plugin {
 public:
  static constexpr sluice_kind kKind = SLUICE_KIND_SINK;
  virtual void put(std::span<const sluice_record* const> records) = 0;
  // Return only once everything put() so far is durable.
  virtual void flush() = 0;
};

namespace detail {

template <class T>
struct Instance {
  sluice_host_ctx* ctx;
  Context context;
  std::unique_ptr<T> plugin;
};

template <class T>
Instance<T>* self(sluice_instance* s) {
  return reinterpret_cast<Instance<T>*>(s);
}

inline void setError(sluice_host_ctx* ctx, const char* message) {
  if (g_host && g_host->set_error) g_host->set_error(ctx, message);
}

// The exception barrier: every hook body runs inside it.
template <class F>
sluice_status guarded(sluice_host_ctx* ctx, F&& body) noexcept {
  try {
    return body();
  } catch (const ConfigError& e) {
    setError(ctx, e.what());
    return SLUICE_ERR_CONFIG;
  } catch (const RetriableError& e) {
    setError(ctx, e.what());
    return SLUICE_RETRY;
  } catch (const std::exception& e) {
    setError(ctx, e.what());
    return SLUICE_ERR_FATAL;
  } catch (...) {
    setError(ctx, "unknown C++ exception");
    return SLUICE_ERR_FATAL;
  }
}

template <class T>
concept HasAliases = requires { T::kAliases; };
template <class T>
concept HasValidate = requires(const Config& c, Validation& v) { T::validate(c, v); };
template <class T>
concept HasConfig = requires { T::kConfig; };

template <class T>
struct Trampolines {
  static sluice_status validate(sluice_host_ctx* ctx, const sluice_kv* props, size_t n) {
    return guarded(ctx, [&] {
      if constexpr (HasValidate<T>) {
        Config config(props, n);
        Validation v(ctx);
        T::validate(config, v);
      }
      return SLUICE_OK;
    });
  }
  static sluice_status create(sluice_host_ctx* ctx, const sluice_kv* props, size_t n, sluice_instance** out) {
    return guarded(ctx, [&] {
      auto inst = std::make_unique<Instance<T>>(Instance<T>{ctx, Context(ctx), nullptr});
      Config config(props, n);
      inst->plugin = std::make_unique<T>(config, inst->context);
      *out = reinterpret_cast<sluice_instance*>(inst.release());
      return SLUICE_OK;
    });
  }
  static sluice_status start(sluice_instance* s) {
    auto* i = self<T>(s);
    return guarded(i->ctx, [&] {
      i->plugin->start();
      return SLUICE_OK;
    });
  }
  static void stop(sluice_instance* s) { self<T>(s)->plugin->stop(); }
  static void destroy(sluice_instance* s) {
    auto* i = self<T>(s);
    try {
      delete i;
    } catch (...) {
    }
  }
  static sluice_status poll(sluice_instance* s, sluice_batch* out, int32_t timeoutMs) {
    auto* i = self<T>(s);
    return guarded(i->ctx, [&] {
      Batch b(out);
      return i->plugin->poll(b, timeoutMs);
    });
  }
  static void onDelivered(sluice_instance* s, const sluice_record* rec, int32_t partition, int64_t offset) {
    auto* i = self<T>(s);
    guarded(i->ctx, [&] {
      i->plugin->onDelivered(*rec, partition, offset);
      return SLUICE_OK;
    });
  }
  static sluice_status apply(sluice_instance* s, const sluice_record* in, sluice_batch* out) {
    auto* i = self<T>(s);
    return guarded(i->ctx, [&] {
      Batch b(out);
      i->plugin->apply(*in, b);
      return SLUICE_OK;
    });
  }
  static sluice_status tick(sluice_instance* s, int64_t nowMs, sluice_batch* out) {
    auto* i = self<T>(s);
    return guarded(i->ctx, [&] {
      Batch b(out);
      i->plugin->tick(nowMs, b);
      return SLUICE_OK;
    });
  }
  static int64_t heldOffset(sluice_instance* s, const char* topic, int32_t partition) {
    try {
      return self<T>(s)->plugin->heldOffset(topic ? topic : "", partition);
    } catch (...) {
      return 0;  // when unsure, hold everything: replaying is safe, skipping is not
    }
  }
  static sluice_status put(sluice_instance* s, const sluice_record* const* records, size_t n) {
    auto* i = self<T>(s);
    return guarded(i->ctx, [&] {
      i->plugin->put(std::span<const sluice_record* const>(records, n));
      return SLUICE_OK;
    });
  }
  static sluice_status flush(sluice_instance* s) {
    auto* i = self<T>(s);
    return guarded(i->ctx, [&] {
      i->plugin->flush();
      return SLUICE_OK;
    });
  }
};

template <class T>
const sluice_plugin* describe() {
  static const sluice_plugin plugin = [] {
    sluice_plugin p{};
    p.struct_size = sizeof(sluice_plugin);
    p.kind = T::kKind;
    p.name = T::kName;
    if constexpr (HasAliases<T>) p.aliases = T::kAliases;
    p.version = T::kVersion;
    p.description = T::kDescription;
    if constexpr (HasConfig<T>) {
      p.config_defs = T::kConfig;
      p.config_def_count = std::size(T::kConfig);
    }
    using Tr = Trampolines<T>;
    p.validate = &Tr::validate;
    p.create = &Tr::create;
    p.start = &Tr::start;
    p.stop = &Tr::stop;
    p.destroy = &Tr::destroy;
    if constexpr (std::is_base_of_v<Source, T>) {
      p.poll = &Tr::poll;
      p.on_delivered = &Tr::onDelivered;
    } else if constexpr (std::is_base_of_v<Transform, T>) {
      p.apply = &Tr::apply;
      p.tick = &Tr::tick;
      p.held_offset = &Tr::heldOffset;
    } else {
      static_assert(std::is_base_of_v<Sink, T>, "a plugin derives from sluice::Source, Transform or Sink");
      p.put = &Tr::put;
      p.flush = &Tr::flush;
    }
    return p;
  }();
  return &plugin;
}

template <class... Ts>
const sluice_manifest* manifest(const sluice_host_api* host) {
  if (!host || host->abi_major != SLUICE_ABI_MAJOR) return nullptr;
  g_host = host;
  static const sluice_plugin* const plugins[] = {describe<Ts>()...};
  static const sluice_manifest m{sizeof(sluice_manifest), SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR,
                                 sizeof(sluice_config_def), sizeof(sluice_record), plugins, sizeof...(Ts)};
  return &m;
}

}  // namespace detail
}  // namespace sluice

// Emits the entry point for one or more plugin classes carried by this .so.
#define SLUICE_PLUGINS(...)                                                                 \
  extern "C" SLUICE_EXPORT const sluice_manifest* sluice_plugin_entry(const sluice_host_api* host) { \
    return ::sluice::detail::manifest<__VA_ARGS__>(host);                                  \
  }
