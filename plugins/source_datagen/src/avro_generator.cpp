#include "avro_generator.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "json_out.hpp"

namespace sluice::datagen {

using nlohmann::json;
// 128-bit arithmetic keeps iteration and range maths exact across the whole int64 domain.
__extension__ typedef __int128 Int128;

namespace {

enum class Type { Null, Boolean, Int, Long, Float, Double, Bytes, String, Record, Enum, Array, Map, Union, Fixed };

const char* typeName(Type t) {
  static constexpr const char* kNames[] = {"null",   "boolean", "int",  "long", "float", "double", "bytes",
                                           "string", "record",  "enum", "array", "map",  "union",  "fixed"};
  return kNames[static_cast<int>(t)];
}

[[noreturn]] void schemaError(const std::string& message) { throw std::invalid_argument(message); }

constexpr int kMaxDepth = 64;  // recursive named types end here instead of overflowing the stack

int64_t absMod(Int128 value, Int128 modulus) {
  if (value < 0) value = -value;
  return static_cast<int64_t>(value % modulus);
}

}  // namespace

struct AvroGenerator::Node {
  Type type = Type::Null;
  std::string name;  // named types: the simple name (a union branch's field name)
  std::string logicalType;
  int precision = 0;
  int scale = 0;
  size_t fixedSize = 0;

  // Record fields (pre-rendered `"name":` keys), enum symbols, children.
  std::vector<std::string> fieldKeys;
  std::vector<std::string> fieldNames;
  std::vector<Node*> fieldTypes;
  std::vector<std::string> symbols;
  Node* items = nullptr;   // array items / map values
  std::vector<Node*> branches;
  int nonNullBranches = 0;

  // arg.properties, compiled.
  std::vector<std::string> options;  // each option already rendered as JSON
  std::vector<json> optionValues;    // the literals themselves (record options give the key text)
  bool iterates = false;
  bool floatingIteration = false;
  Int128 iStart = 0, iRange = 1, iStep = 1, iInitialOffset = 0, iCur = 0;
  double fStart = 0, fRange = 1, fStep = 1, fInitialOffset = 0, fCur = 0;
  bool boolStart = false;
  int64_t boolCount = 0;
  bool hasRange = false;
  int64_t lMin = 0, lMax = 0;
  double dMin = 0, dMax = 0;
  size_t lenMin = 8, lenMax = 16;  // [min, max)
  std::unique_ptr<RegexGenerator> regex;
  std::string prefix, suffix;
  double odds = -1;
  Node* keys = nullptr;  // map keys (a string node) or null: one random ASCII character

  // Scratch reused across records (maps dedupe keys; strings are built then escaped).
  std::vector<std::pair<std::string, std::string>> mapEntries;
  std::string scratch;
};

namespace {

using Node = AvroGenerator::Node;

struct Builder {
  std::vector<std::unique_ptr<Node>>& nodes;
  std::unordered_map<std::string, Node*> named;

  Node* make() {
    nodes.push_back(std::make_unique<Node>());
    return nodes.back().get();
  }

  static std::string fullName(const json& j, const std::string& enclosingNs) {
    std::string name = j.value("name", "");
    if (name.find('.') != std::string::npos) return name;
    std::string ns = j.contains("namespace") && j["namespace"].is_string() ? j["namespace"].get<std::string>() : enclosingNs;
    return ns.empty() ? name : ns + "." + name;
  }

  Node* parse(const json& j, const std::string& ns) {
    if (j.is_string()) return parseName(j.get<std::string>(), ns);
    if (j.is_array()) return parseUnion(j, ns);
    if (!j.is_object()) schemaError("Invalid schema: expected a type name, an object or a union array, got " + j.dump());
    if (!j.contains("type")) schemaError("Invalid schema: no 'type' in " + j.dump());
    const json& t = j["type"];
    if (!t.is_string()) {
      // {"type": {"type": "long", ...}} or {"type": [...]}: the props of the outer object don't apply.
      return parse(t, ns);
    }
    std::string type = t.get<std::string>();
    Node* n = nullptr;
    if (type == "record" || type == "error") {
      n = parseRecord(j, ns);
    } else if (type == "enum") {
      n = make();
      n->type = Type::Enum;
      registerName(j, ns, n);
      if (!j.contains("symbols") || !j["symbols"].is_array() || j["symbols"].empty()) schemaError("Invalid schema: enum " + n->name + " needs a non-empty 'symbols' array");
      for (const auto& s : j["symbols"]) n->symbols.push_back(s.get<std::string>());
    } else if (type == "array") {
      n = make();
      n->type = Type::Array;
      if (!j.contains("items")) schemaError("Invalid schema: array without 'items'");
      n->items = parse(j["items"], ns);
    } else if (type == "map") {
      n = make();
      n->type = Type::Map;
      if (!j.contains("values")) schemaError("Invalid schema: map without 'values'");
      n->items = parse(j["values"], ns);
    } else if (type == "fixed") {
      n = make();
      n->type = Type::Fixed;
      registerName(j, ns, n);
      if (!j.contains("size") || !j["size"].is_number_integer() || j["size"].get<int64_t>() < 0) schemaError("Invalid schema: fixed " + n->name + " needs a 'size'");
      n->fixedSize = j["size"].get<size_t>();
    } else {
      n = parsePrimitive(type);
      if (!n) return parseName(type, ns);
    }
    if (j.contains("logicalType") && j["logicalType"].is_string()) {
      n->logicalType = j["logicalType"].get<std::string>();
      n->precision = j.value("precision", 0);
      n->scale = j.value("scale", 0);
    }
    if (j.contains("arg.properties")) applyArgs(*n, j["arg.properties"]);
    return n;
  }

  Node* parsePrimitive(const std::string& type) {
    static const std::pair<const char*, Type> kPrimitives[] = {
        {"null", Type::Null},   {"boolean", Type::Boolean}, {"int", Type::Int},     {"long", Type::Long},
        {"float", Type::Float}, {"double", Type::Double},   {"bytes", Type::Bytes}, {"string", Type::String}};
    for (const auto& [name, t] : kPrimitives) {
      if (type == name) {
        Node* n = make();
        n->type = t;
        return n;
      }
    }
    return nullptr;
  }

  Node* parseName(const std::string& name, const std::string& ns) {
    if (Node* p = parsePrimitive(name)) return p;
    auto it = named.find(name);
    if (it == named.end() && !ns.empty()) it = named.find(ns + "." + name);
    if (it == named.end()) schemaError("Invalid schema: unknown type '" + name + "'");
    return it->second;
  }

  void registerName(const json& j, const std::string& ns, Node* n) {
    if (!j.contains("name") || !j["name"].is_string()) schemaError("Invalid schema: a named type needs a 'name': " + j.dump());
    std::string full = fullName(j, ns);
    n->name = full.substr(full.rfind('.') == std::string::npos ? 0 : full.rfind('.') + 1);
    named[full] = n;
    named.emplace(n->name, n);
  }

  Node* parseRecord(const json& j, const std::string& ns) {
    Node* n = make();
    n->type = Type::Record;
    registerName(j, ns, n);
    std::string full = fullName(j, ns);
    std::string innerNs = full.rfind('.') == std::string::npos ? "" : full.substr(0, full.rfind('.'));
    if (!j.contains("fields") || !j["fields"].is_array()) schemaError("Invalid schema: record " + n->name + " needs a 'fields' array");
    for (const auto& f : j["fields"]) {
      if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("type"))
        schemaError("Invalid schema: every field of record " + n->name + " needs a 'name' and a 'type'");
      std::string fname = f["name"].get<std::string>();
      std::string key;
      appendJsonString(key, fname);
      key += ':';
      n->fieldNames.push_back(fname);
      n->fieldKeys.push_back(std::move(key));
      n->fieldTypes.push_back(parse(f["type"], innerNs));
    }
    return n;
  }

  Node* parseUnion(const json& j, const std::string& ns) {
    Node* n = make();
    n->type = Type::Union;
    if (j.empty()) schemaError("Invalid schema: empty union");
    for (const auto& b : j) {
      Node* branch = parse(b, ns);
      if (branch->type != Type::Null) ++n->nonNullBranches;
      n->branches.push_back(branch);
    }
    return n;
  }

  // ---- arg.properties ------------------------------------------------------------------------

  static int64_t integral(const json& v, const std::string& what, Type t) {
    if (v.is_number_integer()) {
      int64_t x = v.get<int64_t>();
      if (t == Type::Int && (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()))
        schemaError(what + " is out of range for an int schema");
      return x;
    }
    if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()) return static_cast<int64_t>(v.get<double>());
    schemaError(what + " must be an integral number for a " + std::string(typeName(t)) + " schema, got " + v.dump());
  }
  static double number(const json& v, const std::string& what) {
    if (!v.is_number()) schemaError(what + " must be a number, got " + v.dump());
    return v.get<double>();
  }

  void applyArgs(Node& n, const json& args) {
    if (!args.is_object()) schemaError("arg.properties must be a JSON object, got " + args.dump());
    auto has = [&](const char* k) { return args.contains(k); };
    if (has("options")) {
      for (const char* other : {"length", "regex", "iteration", "range"})
        if (has(other)) schemaError(std::string("Cannot specify ") + other + " prop when options prop is given");
    }
    if (has("iteration")) {
      for (const char* other : {"length", "regex", "options", "range"})
        if (has(other)) schemaError(std::string("Cannot specify ") + other + " prop when iteration prop is given");
    }
    if (has("options")) compileOptions(n, args["options"]);
    if (has("iteration")) compileIteration(n, args["iteration"]);
    if (has("range")) compileRange(n, args["range"]);
    if (has("length")) compileLength(n, args["length"]);
    for (const char* k : {"prefix", "suffix"}) {
      if (!has(k)) continue;
      if (!args[k].is_string()) schemaError(std::string(k) + " property must be a string");
      if (n.type != Type::String) schemaError(std::string(k) + " property is only supported on string schemas");
      (std::string(k) == "prefix" ? n.prefix : n.suffix) = args[k].get<std::string>();
    }
    if (has("regex")) {
      if (n.type != Type::String) schemaError("regex property is only supported on string schemas");
      if (!args["regex"].is_string()) schemaError("regex property must be a string");
      n.regex = std::make_unique<RegexGenerator>(args["regex"].get<std::string>());
    }
    if (has("odds")) {
      if (n.type != Type::Boolean) schemaError("odds property is only supported on boolean schemas");
      double odds = number(args["odds"], "odds property");
      if (odds < 0.0 || odds > 1.0) schemaError("odds property must be between 0.0 and 1.0");
      n.odds = odds;
    }
    if (has("keys")) {
      if (n.type != Type::Map) schemaError("keys property is only supported on map schemas");
      if (!args["keys"].is_object()) schemaError("keys property must be a JSON object");
      Node* k = make();
      k->type = Type::String;
      applyArgs(*k, args["keys"]);
      n.keys = k;
    }
  }

  void compileLength(Node& n, const json& len) {
    if (n.type != Type::String && n.type != Type::Bytes && n.type != Type::Array && n.type != Type::Map)
      schemaError(std::string("length property is not supported on ") + typeName(n.type) + " schemas");
    int64_t lo = 0, hi = std::numeric_limits<int32_t>::max();
    if (len.is_number_integer()) {
      lo = len.get<int64_t>();
      hi = lo + 1;
    } else if (len.is_object()) {
      if (!len.contains("min") && !len.contains("max")) schemaError("length property must contain at least one of min, max");
      if (len.contains("min")) lo = integral(len["min"], "length min", Type::Int);
      if (len.contains("max")) hi = integral(len["max"], "length max", Type::Int);
    } else {
      schemaError("length property must be an integer or an object with min/max");
    }
    if (lo < 0) schemaError("length min must be non-negative");
    if (hi <= lo) schemaError("length max must be greater than length min");
    n.lenMin = static_cast<size_t>(lo);
    n.lenMax = static_cast<size_t>(hi);
  }

  void compileRange(Node& n, const json& range) {
    if (!range.is_object()) schemaError("range property must be an object");
    n.hasRange = true;
    switch (n.type) {
      case Type::Int:
      case Type::Long: {
        bool isInt = n.type == Type::Int;
        n.lMin = isInt ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
        n.lMax = isInt ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
        if (range.contains("min")) n.lMin = integral(range["min"], "range min", n.type);
        if (range.contains("max")) n.lMax = integral(range["max"], "range max", n.type);
        if (n.lMin >= n.lMax) schemaError("'min' field must be strictly less than 'max' field in range property");
        break;
      }
      case Type::Float:
      case Type::Double: {
        double top = n.type == Type::Float ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
        n.dMin = range.contains("min") ? number(range["min"], "range min") : -top;
        n.dMax = range.contains("max") ? number(range["max"], "range max") : top;
        if (n.dMin >= n.dMax) schemaError("'min' field must be strictly less than 'max' field in range property");
        break;
      }
      default:
        schemaError(std::string("range property is not supported on ") + typeName(n.type) + " schemas");
    }
  }

  void compileIteration(Node& n, const json& it) {
    if (!it.is_object()) schemaError("iteration property must be an object");
    if (!it.contains("start")) schemaError("iteration property must contain a start field");
    n.iterates = true;
    if (n.type == Type::Boolean) {
      if (!it["start"].is_boolean()) schemaError("iteration start must be a boolean for a boolean schema");
      if (it.contains("restart") || it.contains("step")) schemaError("iteration restart and step are not allowed on boolean schemas");
      n.boolStart = it["start"].get<bool>();
      return;
    }
    if (n.type == Type::Float || n.type == Type::Double) {
      n.floatingIteration = true;
      double top = n.type == Type::Float ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
      double start = number(it["start"], "iteration start");
      bool hasRestart = it.contains("restart"), hasStep = it.contains("step");
      double restart = hasRestart ? number(it["restart"], "iteration restart") : 0;
      double step = hasStep ? number(it["step"], "iteration step") : 0;
      resolveIteration(start, restart, step, hasRestart, hasStep, -top, top);
      double initial = it.contains("initial") ? number(it["initial"], "iteration initial") : start;
      n.fStart = start;
      n.fRange = std::fabs(restart - start);
      n.fStep = step;
      n.fInitialOffset = initial - start;
      n.fCur = n.fInitialOffset;
      return;
    }
    if (n.type != Type::Int && n.type != Type::Long && n.type != Type::String)
      schemaError(std::string("iteration property is not supported on ") + typeName(n.type) + " schemas");
    Type asType = n.type == Type::Long ? Type::Long : Type::Int;  // strings iterate as ints
    int64_t lo = asType == Type::Int ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
    int64_t hi = asType == Type::Int ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
    int64_t start = integral(it["start"], "iteration start", asType);
    bool hasRestart = it.contains("restart"), hasStep = it.contains("step");
    int64_t restart = hasRestart ? integral(it["restart"], "iteration restart", asType) : 0;
    int64_t step = hasStep ? integral(it["step"], "iteration step", asType) : 0;
    resolveIteration(start, restart, step, hasRestart, hasStep, lo, hi);
    int64_t initial = it.contains("initial") ? integral(it["initial"], "iteration initial", asType) : start;
    n.iStart = start;
    n.iRange = static_cast<Int128>(restart) - start;
    if (n.iRange < 0) n.iRange = -n.iRange;
    n.iStep = step;
    n.iInitialOffset = static_cast<Int128>(initial) - start;
    n.iCur = n.iInitialOffset;
  }

  // The defaults and checks of avro-random-generator's iteration props (a negative step alone runs
  // down to the type's minimum, where upstream's default is broken).
  template <class T>
  static void resolveIteration(T start, T& restart, T& step, bool hasRestart, bool hasStep, T lo, T hi) {
    if (!hasRestart && !hasStep) {
      step = 1;
      restart = hi;
    } else if (!hasRestart) {
      if (step == 0) schemaError("iteration step must not be zero");
      restart = step > 0 ? hi : lo;
    } else if (!hasStep) {
      if (restart == start) schemaError("iteration start and restart must not be equal");
      step = restart > start ? 1 : -1;
    } else {
      if (step == 0) schemaError("iteration step must not be zero");
      if (restart == start) schemaError("iteration start and restart must not be equal");
      if (restart > start && step < 0) schemaError("iteration step must be positive when restart is greater than start");
      if (restart < start && step > 0) schemaError("iteration step must be negative when restart is less than start");
    }
  }

  void compileOptions(Node& n, const json& options) {
    if (options.is_object()) schemaError("options property with a 'file' is not supported; give the options as a JSON array");
    if (!options.is_array()) schemaError("options property must be a JSON array");
    if (options.empty()) schemaError("options property cannot be empty");
    for (const auto& o : options) {
      std::string rendered;
      renderLiteral(n, o, rendered, 0);
      n.options.push_back(std::move(rendered));
      n.optionValues.push_back(o);
    }
  }

  // Renders a literal option as the JSON this schema's values are written as, or throws.
  static void renderLiteral(const Node& n, const json& v, std::string& out, int depth) {
    if (depth > kMaxDepth) schemaError("option nested too deeply");
    auto bad = [&]() { schemaError(std::string("Invalid option for ") + typeName(n.type) + " schema: " + v.dump()); };
    switch (n.type) {
      case Type::Null:
        if (!v.is_null()) bad();
        out += "null";
        return;
      case Type::Boolean:
        if (!v.is_boolean()) bad();
        out += v.get<bool>() ? "true" : "false";
        return;
      case Type::Int:
      case Type::Long:
        if (!v.is_number_integer()) bad();
        if (n.type == Type::Int && (v.get<int64_t>() < std::numeric_limits<int32_t>::min() || v.get<int64_t>() > std::numeric_limits<int32_t>::max())) bad();
        appendInt(out, v.get<int64_t>());
        return;
      case Type::Float:
        if (!v.is_number()) bad();
        appendFloating(out, static_cast<float>(v.get<double>()));
        return;
      case Type::Double:
        if (!v.is_number()) bad();
        appendFloating(out, v.get<double>());
        return;
      case Type::String:
        if (!v.is_string()) bad();
        appendJsonString(out, v.get<std::string>());
        return;
      case Type::Bytes:
      case Type::Fixed: {
        if (!v.is_string()) bad();
        std::string b = v.get<std::string>();
        if (n.type == Type::Fixed && b.size() != n.fixedSize) bad();
        out += '"';
        appendBase64(out, b);
        out += '"';
        return;
      }
      case Type::Enum:
        if (!v.is_string() || std::find(n.symbols.begin(), n.symbols.end(), v.get<std::string>()) == n.symbols.end()) bad();
        appendJsonString(out, v.get<std::string>());
        return;
      case Type::Array: {
        if (!v.is_array()) bad();
        out += '[';
        bool first = true;
        for (const auto& e : v) {
          if (!first) out += ',';
          first = false;
          renderLiteral(*n.items, e, out, depth + 1);
        }
        out += ']';
        return;
      }
      case Type::Map: {
        if (!v.is_object()) bad();
        out += '{';
        bool first = true;
        for (const auto& [k, e] : v.items()) {
          if (!first) out += ',';
          first = false;
          appendJsonString(out, k);
          out += ':';
          renderLiteral(*n.items, e, out, depth + 1);
        }
        out += '}';
        return;
      }
      case Type::Record: {
        if (!v.is_object()) bad();
        out += '{';
        for (size_t i = 0; i < n.fieldNames.size(); ++i) {
          if (!v.contains(n.fieldNames[i])) schemaError("Invalid option for record schema " + n.name + ": no value for field '" + n.fieldNames[i] + "' in " + v.dump());
          if (i) out += ',';
          out += n.fieldKeys[i];
          renderLiteral(*n.fieldTypes[i], v[n.fieldNames[i]], out, depth + 1);
        }
        out += '}';
        return;
      }
      case Type::Union: {
        // The first branch the value fits, as Avro's JSON decoding of a union literal would pick.
        for (const Node* b : n.branches) {
          std::string attempt;
          try {
            renderLiteral(*b, v, attempt, depth + 1);
          } catch (const std::invalid_argument&) {
            continue;
          }
          if (b->type == Type::Null || n.nonNullBranches == 1) {
            out += attempt;
          } else {
            unionStruct(n, b, attempt, out);
          }
          return;
        }
        bad();
      }
    }
  }

  // Connect's AvroData turns a union of several non-null types into a struct with one optional field
  // per branch; JsonConverter writes every field, the unchosen ones as null.
  static void unionStruct(const Node& u, const Node* chosen, std::string_view value, std::string& out) {
    out += '{';
    bool first = true;
    for (const Node* b : u.branches) {
      if (b->type == Type::Null) continue;
      if (!first) out += ',';
      first = false;
      appendJsonString(out, b->name.empty() ? typeName(b->type) : b->name);
      out += ':';
      if (b == chosen) {
        out += value;
      } else {
        out += "null";
      }
    }
    out += '}';
  }
};

// ---- generation --------------------------------------------------------------------------------

void appendDecimal(const Node& n, JavaRandom& rng, std::string& out) {
  // Random digits up to the declared precision (capped at 18 so the unscaled value fits 64 bits),
  // random sign, written as JsonConverter's default BASE64 of the big-endian two's complement.
  int digits = std::clamp(n.precision, 1, 18);
  int64_t unscaled = 0;
  int count = 1 + rng.nextInt(digits);
  for (int i = 0; i < count; ++i) unscaled = unscaled * 10 + rng.nextInt(10);
  if (rng.nextBoolean()) unscaled = -unscaled;
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(static_cast<uint64_t>(unscaled) >> (56 - 8 * i));
  int skip = 0;  // minimal two's complement: drop redundant sign bytes
  while (skip < 7 && ((bytes[skip] == 0 && (bytes[skip + 1] & 0x80) == 0) ||
                      (bytes[skip] == static_cast<char>(0xFF) && (bytes[skip + 1] & 0x80) != 0)))
    ++skip;
  if (n.type == Type::Fixed && n.fixedSize > 0) {
    // A fixed decimal keeps its declared size: sign-extend or truncate to it.
    std::string fixed(n.fixedSize, unscaled < 0 ? static_cast<char>(0xFF) : '\0');
    size_t take = std::min<size_t>(n.fixedSize, 8);
    for (size_t i = 0; i < take; ++i) fixed[n.fixedSize - 1 - i] = bytes[7 - i];
    out += '"';
    appendBase64(out, fixed);
    out += '"';
    return;
  }
  out += '"';
  appendBase64(out, std::string_view(bytes + skip, static_cast<size_t>(8 - skip)));
  out += '"';
}

void appendRandomBytes(JavaRandom& rng, size_t len, std::string& scratch) {
  // java.util.Random.nextBytes: four bytes per nextInt(), low byte first.
  scratch.resize(len);
  for (size_t i = 0; i < len;) {
    int32_t rnd = rng.nextInt();
    for (size_t k = std::min<size_t>(len - i, 4); k-- > 0; rnd >>= 8) scratch[i++] = static_cast<char>(rnd);
  }
}

size_t randomLength(const Node& n, JavaRandom& rng) {
  size_t span = n.lenMax - n.lenMin;
  if (span <= 1) return n.lenMin;
  return n.lenMin + static_cast<size_t>(rng.nextInt(static_cast<int32_t>(std::min<size_t>(span, std::numeric_limits<int32_t>::max()))));
}

int64_t nextIterationInt(Node& n) {
  Int128 value = n.iStart + n.iCur;
  Int128 next = n.iCur + n.iStep;
  int64_t mag = absMod(next, n.iRange);
  n.iCur = n.iStep < 0 ? -static_cast<Int128>(mag) : mag;
  return static_cast<int64_t>(value);
}

double nextIterationFloat(Node& n) {
  double value = n.fStart + n.fCur;
  double mag = std::fmod(std::fabs(n.fCur + n.fStep), n.fRange);
  n.fCur = n.fStep < 0 ? -mag : mag;
  return value;
}

void generateString(Node& n, JavaRandom& rng, std::string& out) {
  std::string& s = n.scratch;
  s.clear();
  if (n.iterates) {
    s += n.prefix;
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, nextIterationInt(n));
    s.append(tmp, r.ptr);
    s += n.suffix;
  } else if (n.regex) {
    s += n.prefix;
    n.regex->generate(rng, n.lenMin, n.lenMax - 1, s);
    s += n.suffix;
  } else {
    s += n.prefix;
    size_t len = randomLength(n, rng);
    for (size_t i = 0; i < len; ++i) s += static_cast<char>(rng.nextInt(128));
    s += n.suffix;
  }
  appendJsonString(out, s);
}

void generate(Node& n, JavaRandom& rng, std::string& out, int depth);

void generateMap(Node& n, JavaRandom& rng, std::string& out, int depth) {
  size_t len = randomLength(n, rng);
  auto& entries = n.mapEntries;
  size_t used = 0;  // entries are reused across records: only [0, used) are live
  for (size_t i = 0; i < len; ++i) {
    std::string key;
    if (n.keys) {
      std::string quoted;
      generate(*n.keys, rng, quoted, depth + 1);
      keyTextFromJson(quoted, key);
    } else {
      key.assign(1, static_cast<char>(rng.nextInt(128)));
    }
    std::string value;
    generate(*n.items, rng, value, depth + 1);
    // A repeated key replaces the earlier value (a Java map), so maps can come out smaller.
    size_t at = 0;
    while (at < used && entries[at].first != key) ++at;
    if (at == used) {
      if (used == entries.size()) entries.emplace_back();
      entries[used].first = std::move(key);
      ++used;
    }
    entries[at].second = std::move(value);
  }
  out += '{';
  for (size_t i = 0; i < used; ++i) {
    if (i) out += ',';
    appendJsonString(out, entries[i].first);
    out += ':';
    out += entries[i].second;
  }
  out += '}';
}

void generate(Node& n, JavaRandom& rng, std::string& out, int depth) {
  if (depth > kMaxDepth) throw std::runtime_error("schema recursion deeper than 64 levels while generating");
  if (!n.options.empty()) {
    out += n.options[static_cast<size_t>(rng.nextInt(static_cast<int32_t>(n.options.size())))];
    return;
  }
  switch (n.type) {
    case Type::Null:
      out += "null";
      return;
    case Type::Boolean: {
      bool b;
      if (n.iterates) {
        b = n.boolStart != ((n.boolCount++ & 1) == 1);
      } else if (n.odds >= 0) {
        b = rng.nextDouble() < n.odds;
      } else {
        b = rng.nextBoolean();
      }
      out += b ? "true" : "false";
      return;
    }
    case Type::Int:
    case Type::Long: {
      int64_t v;
      if (n.iterates) {
        v = nextIterationInt(n);
      } else if (n.hasRange) {
        double span = static_cast<double>(static_cast<Int128>(n.lMax) - n.lMin);
        auto off = static_cast<Int128>(rng.nextDouble() * span);
        v = static_cast<int64_t>(std::min<Int128>(n.lMin + off, static_cast<Int128>(n.lMax) - 1));
      } else {
        v = n.type == Type::Int ? rng.nextInt() : rng.nextLong();
      }
      appendInt(out, v);
      return;
    }
    case Type::Float: {
      float v;
      if (n.iterates) {
        v = static_cast<float>(nextIterationFloat(n));
      } else if (n.hasRange) {
        float lo = static_cast<float>(n.dMin), hi = static_cast<float>(n.dMax), u = rng.nextFloat();
        v = lo + u * hi - u * lo;  // no overflow when the range spans most of float
        if (v >= hi) v = std::nextafter(hi, lo);
      } else {
        v = rng.nextFloat();
      }
      appendFloating(out, v);
      return;
    }
    case Type::Double: {
      double v;
      if (n.iterates) {
        v = nextIterationFloat(n);
      } else if (n.hasRange) {
        double u = rng.nextDouble();
        v = n.dMin + u * n.dMax - u * n.dMin;
        if (v >= n.dMax) v = std::nextafter(n.dMax, n.dMin);
      } else {
        v = rng.nextDouble();
      }
      appendFloating(out, v);
      return;
    }
    case Type::String:
      generateString(n, rng, out);
      return;
    case Type::Bytes:
    case Type::Fixed:
      if (n.logicalType == "decimal") {
        appendDecimal(n, rng, out);
        return;
      }
      appendRandomBytes(rng, n.type == Type::Fixed ? n.fixedSize : randomLength(n, rng), n.scratch);
      out += '"';
      appendBase64(out, n.scratch);
      out += '"';
      return;
    case Type::Enum:
      appendJsonString(out, n.symbols[static_cast<size_t>(rng.nextInt(static_cast<int32_t>(n.symbols.size())))]);
      return;
    case Type::Array: {
      size_t len = randomLength(n, rng);
      out += '[';
      for (size_t i = 0; i < len; ++i) {
        if (i) out += ',';
        generate(*n.items, rng, out, depth + 1);
      }
      out += ']';
      return;
    }
    case Type::Map:
      generateMap(n, rng, out, depth);
      return;
    case Type::Record:
      out += '{';
      for (size_t i = 0; i < n.fieldTypes.size(); ++i) {
        if (i) out += ',';
        out += n.fieldKeys[i];
        generate(*n.fieldTypes[i], rng, out, depth + 1);
      }
      out += '}';
      return;
    case Type::Union: {
      Node& b = *n.branches[static_cast<size_t>(rng.nextInt(static_cast<int32_t>(n.branches.size())))];
      if (b.type == Type::Null || n.nonNullBranches == 1) {
        generate(b, rng, out, depth + 1);
        return;
      }
      std::string value;
      generate(b, rng, value, depth + 1);
      Builder::unionStruct(n, &b, value, out);
      return;
    }
  }
}

}  // namespace

AvroGenerator::AvroGenerator(std::string_view schemaJson) {
  json schema;
  try {
    schema = json::parse(schemaJson, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("Unable to parse the provided schema: ") + e.what());
  }
  Builder builder{nodes_, {}};
  try {
    root_ = builder.parse(schema, "");
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("Invalid schema: ") + e.what());
  }
  if (root_->type != Type::Record) throw std::invalid_argument("The schema must be a record, not " + std::string(typeName(root_->type)));
  fieldNames_ = root_->fieldNames;
}

AvroGenerator::~AvroGenerator() = default;

void AvroGenerator::setKeyField(const std::string& field) {
  if (field.empty()) {
    keyField_ = -1;
    return;
  }
  auto it = std::find(fieldNames_.begin(), fieldNames_.end(), field);
  if (it == fieldNames_.end()) throw std::invalid_argument("The schema does not contain the field provided in 'schema.keyfield'");
  keyField_ = static_cast<int>(it - fieldNames_.begin());
  optionKeys_.clear();
  for (const json& option : root_->optionValues) {
    std::string rendered;
    Builder::renderLiteral(*root_->fieldTypes[static_cast<size_t>(keyField_)], option[field], rendered, 0);
    std::string key;
    bool has = keyTextFromJson(rendered, key);
    optionKeys_.emplace_back(has, std::move(key));
  }
}

void AvroGenerator::setGeneration(int64_t recordsBefore) {
  for (auto& n : nodes_) {
    if (!n->iterates) continue;
    if (n->type == Type::Boolean) {
      n->boolCount = recordsBefore;
    } else if (n->floatingIteration) {
      double mag = std::fmod(std::fabs(static_cast<double>(recordsBefore) * n->fStep + n->fInitialOffset), n->fRange);
      n->fCur = n->fStep < 0 ? -mag : mag;
    } else {
      int64_t mag = absMod(static_cast<Int128>(recordsBefore) * n->iStep + n->iInitialOffset, n->iRange);
      n->iCur = n->iStep < 0 ? -static_cast<Int128>(mag) : mag;
    }
  }
}

void AvroGenerator::next(JavaRandom& rng, GeneratedRecord& out) {
  out.clear();
  std::string& v = out.value;
  if (!root_->options.empty()) {
    // A whole-record option: the key text was worked out once per option in setKeyField.
    auto pick = static_cast<size_t>(rng.nextInt(static_cast<int32_t>(root_->options.size())));
    v += root_->options[pick];
    if (keyField_ >= 0) {
      out.hasKey = optionKeys_[pick].first;
      out.key = optionKeys_[pick].second;
    }
    return;
  }
  Node& r = *root_;
  v += '{';
  for (size_t i = 0; i < r.fieldTypes.size(); ++i) {
    if (i) v += ',';
    v += r.fieldKeys[i];
    size_t start = v.size();
    generate(*r.fieldTypes[i], rng, v, 1);
    if (static_cast<int>(i) == keyField_) out.hasKey = keyTextFromJson(std::string_view(v).substr(start), out.key);
  }
  v += '}';
}

}  // namespace sluice::datagen
