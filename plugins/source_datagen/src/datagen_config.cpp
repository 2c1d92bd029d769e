#include "datagen_config.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "avro_generator.hpp"
#include "quickstarts.hpp"

namespace sluice::datagen {

namespace {
constexpr const char* kExactlyOne = "Must set exactly one of schema.string, schema.filename, quickstart";

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;  // control plane, once per task start
  text << in.rdbuf();
  return text.str();
}

// Where the schema comes from, in datagen's precedence: quickstart, schema.string, schema.filename.
// Returns the key the schema came from, for error attribution.
std::string schemaSource(const DatagenSettings& s) {
  if (!s.quickstart.empty()) return "quickstart";
  if (!s.schemaString.empty()) return "schema.string";
  if (!s.schemaFilename.empty()) return "schema.filename";
  return "";
}
}  // namespace

DatagenSettings readSettings(const Config& config) {
  DatagenSettings s;
  s.topic = config.getString("kafka.topic");
  s.maxIntervalMs = config.getLong("max.interval", 500);
  s.iterations = config.getLong("iterations", -1);
  if (config.has("random.seed") && !config.getString("random.seed").empty()) s.randomSeed = config.getLong("random.seed");
  s.quickstart = config.getString("quickstart");
  s.schemaString = config.getString("schema.string");
  s.schemaFilename = config.getString("schema.filename");
  s.keyField = config.getString("schema.keyfield");
  s.ecommerce.timestampFormat = config.getString("transactions.timestamp.format", "yyyy-MM-dd HH:mm:ss.SSS");
  if (s.ecommerce.timestampFormat.empty()) s.ecommerce.timestampFormat = "yyyy-MM-dd HH:mm:ss.SSS";
  s.ecommerce.timeZone = config.getString("transactions.time.zone", "UTC");
  if (s.ecommerce.timeZone.empty()) s.ecommerce.timeZone = "UTC";
  if (config.has("transactions.start.ms") && !config.getString("transactions.start.ms").empty())
    s.ecommerce.startMs = config.getLong("transactions.start.ms");
  if (config.has("transactions.time.step.ms") && !config.getString("transactions.time.step.ms").empty())
    s.ecommerce.stepMs = config.getLong("transactions.time.step.ms");
  s.taskId = config.getLong("task.id", 0);
  s.taskCount = config.getLong("task.count", 1);
  s.taskGeneration = config.getLong("task.generation", 0);
  s.connectorName = config.getString("name");
  if (s.taskCount < 1) throw ConfigError("task.count must be at least 1, got " + std::to_string(s.taskCount));
  if (s.taskId < 0 || s.taskId >= s.taskCount)
    throw ConfigError("task.id must be in [0, task.count), got " + std::to_string(s.taskId));
  return s;
}

std::unique_ptr<RecordGenerator> makeGenerator(const DatagenSettings& s) {
  std::string source = schemaSource(s);
  if (source.empty()) throw ConfigError(kExactlyOne);
  std::unique_ptr<RecordGenerator> generator;
  std::string defaultKey;
  try {
    if (source == "quickstart") {
      const Quickstart* q = findQuickstart(s.quickstart);
      if (!q) throw ConfigError("quickstart must be one out of " + quickstartNames());
      defaultKey = q->keyField;
      if (std::string(q->name) == kEcommerceQuickstart) {
        generator = std::make_unique<EcommerceGenerator>(s.ecommerce);
      } else {
        generator = std::make_unique<AvroGenerator>(bundledSchema(q->file));
      }
    } else if (source == "schema.string") {
      generator = std::make_unique<AvroGenerator>(s.schemaString);
    } else {
      std::optional<std::string> text = readFile(s.schemaFilename);
      if (!text) {
        // As datagen falls back to its classpath: the bundled schema files by resource name.
        std::string name = s.schemaFilename.substr(s.schemaFilename.find_last_of('/') == std::string::npos ? 0 : s.schemaFilename.find_last_of('/') + 1);
        if (const char* bundled = bundledSchema(name)) text = bundled;
      }
      if (!text) throw ConfigError("Unable to find the schema file " + s.schemaFilename);
      generator = std::make_unique<AvroGenerator>(*text);
    }
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(std::string(e.what()));
  }
  try {
    generator->setKeyField(s.keyField.empty() ? defaultKey : s.keyField);
  } catch (const std::exception& e) {
    throw ConfigError(e.what());
  }
  return generator;
}

std::vector<std::pair<std::string, std::string>> validateDatagen(const Config& config) {
  std::vector<std::pair<std::string, std::string>> errors;
  std::vector<std::string> set;
  for (const char* key : {"schema.string", "schema.filename", "quickstart"})
    if (!config.getString(key).empty()) set.push_back(key);
  if (set.size() != 1) {
    const std::vector<std::string> all{"schema.string", "schema.filename", "quickstart"};
    for (const auto& key : set.empty() ? all : set) errors.emplace_back(key, kExactlyOne);
    return errors;
  }
  const std::string& source = set[0];
  if (source == "quickstart" && !findQuickstart(config.getString("quickstart"))) {
    errors.emplace_back("quickstart", "quickstart must be one out of " + quickstartNames());
    return errors;
  }
  DatagenSettings settings;
  try {
    settings = readSettings(config);
  } catch (const std::exception&) {
    return errors;  // type problems are the host's table checks; nothing cross-key to add
  }
  // Build the generator once without a key field to see whether the schema itself is usable.
  DatagenSettings noKey = settings;
  noKey.keyField.clear();
  std::unique_ptr<RecordGenerator> generator;
  try {
    generator = makeGenerator(noKey);
  } catch (const std::exception& e) {
    std::string message = e.what();
    std::string key = source;
    // Options of the e-commerce generator are reported on their own keys.
    if (source == "quickstart" && message.find("time zone") != std::string::npos) key = "transactions.time.zone";
    else if (source == "quickstart" && message.find("time format") != std::string::npos) key = "transactions.timestamp.format";
    errors.emplace_back(key, message);
    return errors;
  }
  if (!settings.keyField.empty()) {
    try {
      generator->setKeyField(settings.keyField);
    } catch (const std::exception&) {
      errors.emplace_back("schema.keyfield", "The schema does not contain the field provided in 'schema.keyfield'");
    }
  }
  return errors;
}

}  // namespace sluice::datagen
