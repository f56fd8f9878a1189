#include "interop/safetensors.h"

#include <algorithm>
#include <array>
#include <functional>
#include <new>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/weight_set.h"
#include "util/byte_reader.h"
#include "util/checked.h"

namespace safemodel {
namespace {

using Json = nlohmann::json;

// The header starts right after its 8-byte length.
constexpr uint64_t kHeaderStart = 8;
// A legal header nests exactly this deep: root object > tensor > shape array.
constexpr int kMaxJsonDepth = 3;
constexpr std::string_view kMetadataKey = "__metadata__";

struct DTypeSpelling {
  std::string_view name;
  DType dtype;
};
constexpr std::array<DTypeSpelling, kNumDTypes> kSpellings = {{
    {"BOOL", DType::kBool}, {"U8", DType::kU8},   {"I8", DType::kI8},   {"I16", DType::kI16},
    {"U16", DType::kU16},   {"F16", DType::kF16}, {"BF16", DType::kBF16}, {"I32", DType::kI32},
    {"U32", DType::kU32},   {"F32", DType::kF32}, {"F64", DType::kF64}, {"I64", DType::kI64},
    {"U64", DType::kU64},
}};
// Legal safetensors dtypes without a safemodel counterpart: refused as
// kUnsupported rather than kCorruption, since the file itself is fine.
constexpr std::array<std::string_view, 9> kKnownUnsupported = {
    "F8_E4M3", "F8_E5M2", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F6_E2M3", "F6_E3M2", "F4", "C64"};

// One tensor entry of the header, validated on its own.
struct Entry {
  std::string name;
  DType dtype;
  std::vector<uint64_t> shape;
  uint64_t begin;
  uint64_t end;
};

std::string HeaderWhere(uint64_t pos_in_header) {
  return "safetensors header@" + HexOffset(kHeaderStart + pos_in_header);
}

// A key as quoted in a message: keys are not length-checked yet when these
// errors are found, and a message should not carry megabytes.
std::string Clip(const std::string& key) {
  constexpr size_t kMax = 80;
  return key.size() <= kMax ? key : key.substr(0, kMax) + "...";
}

// Thrown by the parser callback; caught, with the library's exceptions, in
// ParseHeaderJson only.
struct HeaderAbort {
  Status status;
};

// Stops nesting past kMaxJsonDepth before it is built, and duplicate keys,
// which nlohmann would silently collapse (last one wins) — two readers could
// then disagree about which tensor a name means.
class HeaderGuard {
 public:
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        Enter();
        keys_.emplace_back();
        break;
      case Json::parse_event_t::array_start:
        Enter();
        break;
      case Json::parse_event_t::object_end:
        keys_.pop_back();
        --depth_;
        break;
      case Json::parse_event_t::array_end:
        --depth_;
        break;
      case Json::parse_event_t::key:
        AddKey(*parsed.get_ptr<const std::string*>());
        break;
      case Json::parse_event_t::value:
        break;
    }
    return true;
  }

 private:
  void Enter() {
    if (++depth_ > kMaxJsonDepth) {
      throw HeaderAbort{Corruption(HeaderWhere(0) + ": JSON nests deeper than " +
                                   std::to_string(kMaxJsonDepth) + " levels")};
    }
  }
  void AddKey(const std::string& key) {
    if (keys_.empty() || !keys_.back().insert(key).second) {
      throw HeaderAbort{Corruption(HeaderWhere(0) + ": duplicate key '" + Clip(key) + "'")};
    }
  }

  int depth_ = 0;
  std::vector<std::set<std::string>> keys_;
};

// The one place where JSON exceptions are turned into a Status.
Status ParseHeaderJson(std::span<const std::byte> text, Json& out) {
  const char* begin = reinterpret_cast<const char*>(text.data());
  HeaderGuard guard;
  try {
    out = Json::parse(begin, begin + text.size(), std::ref(guard), /*allow_exceptions=*/true,
                      /*ignore_comments=*/false);
  } catch (const HeaderAbort& abort) {
    return abort.status;
  } catch (const Json::parse_error& e) {
    uint64_t pos = e.byte > 0 ? e.byte - 1 : 0;  // nlohmann counts from 1
    return Corruption(HeaderWhere(pos) + ": invalid JSON: " + e.what());
  } catch (const Json::exception& e) {
    return Corruption(HeaderWhere(0) + ": invalid JSON: " + e.what());
  } catch (const std::bad_alloc&) {
    return LimitExceeded(HeaderWhere(0) + ": out of memory parsing the JSON header");
  }
  return Status::Ok();
}

Result<std::map<std::string, std::string>> ParseMetadata(const Json& value) {
  std::string where = HeaderWhere(0) + ": __metadata__";
  if (!value.is_object()) return Corruption(where + " is not an object");
  std::map<std::string, std::string> out;
  for (const auto& [key, v] : value.items()) {
    const auto* s = v.get_ptr<const std::string*>();
    if (!s) return Corruption(where + " value of '" + Clip(key) + "' is not a string");
    out.emplace(key, *s);
  }
  return out;
}

const Json* Field(const Json& object, std::string_view key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Result<DType> ParseDType(const std::string& where, const Json& value) {
  const auto* s = value.get_ptr<const std::string*>();
  if (!s) return Corruption(where + ": dtype is not a string");
  if (auto dtype = DTypeFromSafetensorsName(*s)) return *dtype;
  if (std::find(kKnownUnsupported.begin(), kKnownUnsupported.end(), *s) != kKnownUnsupported.end()) {
    return Unsupported(where + ": dtype " + *s + " is not supported");
  }
  return Corruption(where + ": unknown dtype '" + *s + "'");
}

// A short description of a value for messages: numbers as written, anything
// else by type (a string could be megabytes long).
std::string Describe(const Json& v) {
  return v.is_number() ? v.dump() : std::string("a ") + v.type_name();
}

Result<std::vector<uint64_t>> ParseUints(const std::string& where, std::string_view field,
                                         const Json& value, uint64_t max_count) {
  std::string what = where + ": " + std::string(field);
  if (!value.is_array()) return Corruption(what + " is not an array");
  if (value.size() > max_count) {
    return LimitExceeded(what + " has " + std::to_string(value.size()) + " entries, over the limit of " +
                         std::to_string(max_count) + " (ImportOptions::max_dims)");
  }
  std::vector<uint64_t> out;
  for (const Json& v : value) {
    const auto* n = v.get_ptr<const Json::number_unsigned_t*>();
    if (!n) return Corruption(what + " holds " + Describe(v) + ", not a non-negative integer");
    out.push_back(*n);
  }
  return out;
}

Status CheckEntryKeys(const std::string& where, const Json& value) {
  if (!value.is_object()) return Corruption(where + ": entry is not a JSON object");
  for (const auto& [key, v] : value.items()) {
    if (key != "dtype" && key != "shape" && key != "data_offsets") {
      return Corruption(where + ": unknown key '" + Clip(key) + "'");
    }
  }
  for (std::string_view key : {"dtype", "shape", "data_offsets"}) {
    if (!Field(value, key)) return Corruption(where + ": missing key '" + std::string(key) + "'");
  }
  return Status::Ok();
}

// [begin, end) inside the data region, and exactly itemsize x product(shape)
// bytes long (checked: a shape may claim more than 2^64 bytes).
Status CheckExtent(const Entry& e, uint64_t data_size) {
  std::string where = "tensor '" + e.name + "'";
  std::string range = "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + ")";
  if (e.begin > e.end) return Corruption(where + ": " + range + " end before they begin");
  if (e.end > data_size) {
    return Corruption(where + ": " + range + " run past the end of the data region (" +
                      std::to_string(data_size) + " bytes)");
  }
  std::string type = "dtype " + std::string(SafetensorsDTypeName(e.dtype)) + " shape " + ShapeString(e.shape);
  auto count = CheckedProduct(e.shape);
  auto need = count ? CheckedMul(*count, DTypeSize(e.dtype)) : std::nullopt;
  if (!need) return Corruption(where + ": " + type + " needs more than 2^64 bytes");
  if (*need != e.end - e.begin) {
    return Corruption(where + ": " + range + " but " + type + " needs " + std::to_string(*need) + " bytes");
  }
  return Status::Ok();
}

Result<Entry> ParseEntry(const std::string& name, const Json& value, uint64_t data_size,
                         const ImportOptions& options) {
  SAFEMODEL_RETURN_IF_ERROR(CheckTensorName(name, HeaderWhere(0)));
  std::string where = "tensor '" + name + "'";
  SAFEMODEL_RETURN_IF_ERROR(CheckEntryKeys(where, value));
  Entry e{name, DType::kU8, {}, 0, 0};
  SAFEMODEL_ASSIGN_OR_RETURN(e.dtype, ParseDType(where, *Field(value, "dtype")));
  SAFEMODEL_ASSIGN_OR_RETURN(e.shape, ParseUints(where, "shape", *Field(value, "shape"), options.max_dims));
  const Json& offsets_json = *Field(value, "data_offsets");
  if (!offsets_json.is_array() || offsets_json.size() != 2) {
    return Corruption(where + ": data_offsets must be [begin, end]");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto offsets, ParseUints(where, "data_offsets", offsets_json, 2));
  e.begin = offsets[0];
  e.end = offsets[1];
  SAFEMODEL_RETURN_IF_ERROR(CheckExtent(e, data_size));
  return e;
}

Status CheckTensorCount(const Json& root, const ImportOptions& options) {
  uint64_t count = root.size() - (Field(root, kMetadataKey) ? 1 : 0);
  if (count <= options.max_tensors) return Status::Ok();
  return LimitExceeded(HeaderWhere(0) + ": " + std::to_string(count) + " tensors, over the limit of " +
                       std::to_string(options.max_tensors) + " (ImportOptions::max_tensors)");
}

Result<std::vector<Entry>> ParseEntries(const Json& root, uint64_t data_size, const ImportOptions& options) {
  SAFEMODEL_RETURN_IF_ERROR(CheckTensorCount(root, options));
  std::vector<Entry> entries;
  for (const auto& [key, value] : root.items()) {
    if (key == kMetadataKey) continue;
    SAFEMODEL_ASSIGN_OR_RETURN(Entry e, ParseEntry(key, value, data_size, options));
    entries.push_back(std::move(e));
  }
  return entries;
}

// safetensors' rule: sorted by offset, the tensors tile the data region
// exactly — no gap, no overlap, no trailing byte — so every byte of the file
// means one thing.
Status CheckCoverage(const std::vector<Entry>& sorted, uint64_t data_size, uint64_t data_start) {
  uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry& e : sorted) {
    std::string range = "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + ")";
    if (e.begin > covered) {
      return Corruption("tensor '" + e.name + "': " + range + " leave data bytes [" + std::to_string(covered) +
                        ", " + std::to_string(e.begin) + ") unused (safetensors data@" +
                        HexOffset(data_start + covered) + ")");
    }
    if (e.begin < covered) {
      return Corruption("tensor '" + e.name + "': " + range + " overlap tensor '" + previous->name + "' [" +
                        std::to_string(previous->begin) + ", " + std::to_string(previous->end) + ")");
    }
    covered = e.end;
    previous = &e;
  }
  if (covered != data_size) {
    return Corruption("safetensors data@" + HexOffset(data_start + covered) + ": " +
                      std::to_string(data_size - covered) + " trailing bytes not covered by any tensor");
  }
  return Status::Ok();
}

void SortByOffset(std::vector<Entry>& entries) {
  // Stable, so zero-size tensors sharing an offset keep the header's
  // (name-sorted) order and the result is deterministic.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
  });
}

Result<Json> ParseHeader(ByteReader& reader, const ImportOptions& options, uint64_t file_size) {
  SAFEMODEL_ASSIGN_OR_RETURN(uint64_t n, reader.U64LE());
  if (n > options.max_header_size) {
    return LimitExceeded("safetensors@0x0: header length " + std::to_string(n) + " is over the limit of " +
                         std::to_string(options.max_header_size) + " (ImportOptions::max_header_size)");
  }
  if (n > reader.remaining()) {
    return Corruption("safetensors@0x0: header length " + std::to_string(n) + " runs past the end of the " +
                      std::to_string(file_size) + "-byte file");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto text, reader.Bytes(static_cast<size_t>(n)));
  // Like safetensors itself: no byte-order mark, no leading whitespace.
  if (text.empty() || text[0] != std::byte{'{'}) return Corruption(HeaderWhere(0) + ": does not start with '{'");
  // nlohmann stops at a NUL as if the input ended there, which would hide
  // whatever follows; legal JSON never holds a raw NUL.
  auto nul = std::find(text.begin(), text.end(), std::byte{0});
  if (nul != text.end()) return Corruption(HeaderWhere(nul - text.begin()) + ": NUL byte in the JSON header");
  Json root;
  SAFEMODEL_RETURN_IF_ERROR(ParseHeaderJson(text, root));
  if (!root.is_object()) return Corruption(HeaderWhere(0) + ": not a JSON object");
  return root;
}

WeightSet MakeWeightSet(std::vector<Entry>& entries, std::span<const std::byte> data,
                        std::map<std::string, std::string> metadata) {
  WeightSet set;
  set.format = "safetensors";
  set.metadata = std::move(metadata);
  set.tensors.reserve(entries.size());
  for (Entry& e : entries) {
    set.tensors.push_back(TensorView{std::move(e.name), e.dtype, std::move(e.shape),
                                     data.subspan(static_cast<size_t>(e.begin),
                                                  static_cast<size_t>(e.end - e.begin))});
  }
  return set;
}

}  // namespace

std::string_view SafetensorsDTypeName(DType dtype) {
  for (const auto& s : kSpellings) {
    if (s.dtype == dtype) return s.name;
  }
  return "?";
}

std::optional<DType> DTypeFromSafetensorsName(std::string_view name) {
  for (const auto& s : kSpellings) {
    if (s.name == name) return s.dtype;
  }
  return std::nullopt;
}

Result<WeightSet> ParseSafetensors(std::span<const std::byte> bytes, const ImportOptions& options) {
  if (bytes.size() > options.max_file_size) {
    return LimitExceeded("safetensors: " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                         std::to_string(options.max_file_size) + " (ImportOptions::max_file_size)");
  }
  ByteReader reader(bytes, "safetensors");
  SAFEMODEL_ASSIGN_OR_RETURN(Json root, ParseHeader(reader, options, bytes.size()));
  uint64_t data_start = reader.offset();
  std::span<const std::byte> data = bytes.subspan(static_cast<size_t>(data_start));
  std::map<std::string, std::string> metadata;
  if (const Json* m = Field(root, kMetadataKey)) {
    SAFEMODEL_ASSIGN_OR_RETURN(metadata, ParseMetadata(*m));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto entries, ParseEntries(root, data.size(), options));
  SortByOffset(entries);
  SAFEMODEL_RETURN_IF_ERROR(CheckCoverage(entries, data.size(), data_start));
  return MakeWeightSet(entries, data, std::move(metadata));
}

// ---- Writing ----------------------------------------------------------------

namespace {

// `s` as a JSON string literal. Strings must be valid UTF-8: JSON cannot
// carry anything else, and a reader would refuse the header.
Result<std::string> JsonString(const std::string& s, std::string_view what) {
  try {
    return Json(s).dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    return InvalidArgument(std::string(what) + " is not valid UTF-8");
  }
}

Result<std::string> FormatMetadata(const std::map<std::string, std::string>& metadata) {
  std::string out = "\"__metadata__\":{";
  for (const auto& [key, value] : metadata) {
    SAFEMODEL_ASSIGN_OR_RETURN(std::string k, JsonString(key, "metadata key"));
    SAFEMODEL_ASSIGN_OR_RETURN(std::string v, JsonString(value, "metadata value of " + k));
    if (out.back() != '{') out += ',';
    out += k + ":" + v;
  }
  return out + "}";
}

std::string FormatShape(std::span<const uint64_t> shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

Result<std::string> FormatEntry(const TensorView& t, uint64_t begin) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string name, JsonString(t.name, "tensor name '" + t.name + "'"));
  return name + ":{\"dtype\":\"" + std::string(SafetensorsDTypeName(t.dtype)) + "\",\"shape\":" +
         FormatShape(t.shape) + ",\"data_offsets\":[" + std::to_string(begin) + "," +
         std::to_string(begin + t.bytes.size()) + "]}";
}

Status WriteAll(AtomicFile& file, std::string_view header, std::span<const TensorView> tensors) {
  std::array<std::byte, 8> length;
  PutU64LE(length.data(), header.size());
  SAFEMODEL_RETURN_IF_ERROR(file.Write(length));
  SAFEMODEL_RETURN_IF_ERROR(file.Write(header));
  for (const TensorView& t : tensors) SAFEMODEL_RETURN_IF_ERROR(file.Write(t.bytes));
  return Status::Ok();
}

}  // namespace

Result<std::string> FormatSafetensorsHeader(std::span<const TensorView> tensors,
                                            const std::map<std::string, std::string>& metadata) {
  SAFEMODEL_RETURN_IF_ERROR(CheckTensorsForWrite(tensors));
  std::string out = "{";
  if (!metadata.empty()) {
    SAFEMODEL_ASSIGN_OR_RETURN(out, FormatMetadata(metadata));
    out = "{" + out;
  }
  uint64_t offset = 0;  // cannot overflow: the sum of sizes of spans in memory
  for (const TensorView& t : tensors) {
    if (t.name == kMetadataKey) return InvalidArgument("tensor name '__metadata__' is reserved by safetensors");
    SAFEMODEL_ASSIGN_OR_RETURN(std::string entry, FormatEntry(t, offset));
    if (out.size() > 1) out += ',';
    out += entry;
    offset += t.bytes.size();
  }
  out += '}';
  // safetensors pads with spaces so the data region starts 8-byte aligned.
  out.append((8 - out.size() % 8) % 8, ' ');
  return out;
}

Status WriteSafetensors(const std::string& path, std::span<const TensorView> tensors,
                        const std::map<std::string, std::string>& metadata) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string header, FormatSafetensorsHeader(tensors, metadata));
  SAFEMODEL_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
  SAFEMODEL_RETURN_IF_ERROR(WriteAll(file, header, tensors));
  return file.Commit();
}

}  // namespace safemodel
