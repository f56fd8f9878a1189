#include "mapping/graph_read.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "util/byte_reader.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

std::string At(const Value* v) { return "pickle@" + HexOffset(v == nullptr ? 0 : v->offset); }

std::string Where(const Value* v, std::string_view what) { return At(v) + ": " + std::string(what); }

namespace {

Status Wrong(const Value* v, std::string_view what, std::string_view expected) {
  return Corruption(Where(v, what) + ": expected " + std::string(expected) + ", got " + pickle::Describe(v));
}

bool NumericKindOk(char kind, uint64_t itemsize) {
  switch (kind) {
    case 'f': return itemsize == 2 || itemsize == 4 || itemsize == 8;
    case 'i':
    case 'u': return itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8;
    case 'b': return itemsize == 1;
    default: return false;
  }
}

// Little-endian bytes of one element as an unsigned integer of `size` bytes.
uint64_t LoadLe(const std::byte* p, uint64_t size) {
  uint64_t r = 0;
  for (uint64_t i = 0; i < size; ++i) r |= static_cast<uint64_t>(p[i]) << (8 * i);
  return r;
}

double HalfToDouble(uint16_t h) {
  const int sign = (h >> 15) ? -1 : 1;
  const int exp = (h >> 10) & 0x1f;
  const int frac = h & 0x3ff;
  if (exp == 0) return sign * std::ldexp(frac, -24);
  if (exp == 31) return frac ? std::numeric_limits<double>::quiet_NaN() : sign * std::numeric_limits<double>::infinity();
  return sign * std::ldexp(frac + 1024, exp - 25);
}

// One element (kind/itemsize checked by the caller) as f64.
double ElementToDouble(char kind, uint64_t itemsize, const std::byte* p) {
  const uint64_t bits = LoadLe(p, itemsize);
  switch (kind) {
    case 'f':
      if (itemsize == 8) { double d; std::memcpy(&d, &bits, 8); return d; }
      if (itemsize == 4) { uint32_t b = static_cast<uint32_t>(bits); float f; std::memcpy(&f, &b, 4); return f; }
      return HalfToDouble(static_cast<uint16_t>(bits));
    case 'i': {
      const int shift = static_cast<int>(64 - 8 * itemsize);
      return static_cast<double>(static_cast<int64_t>(bits << shift) >> shift);
    }
    default: return static_cast<double>(bits);  // 'u', 'b'
  }
}

// Rearranges Fortran-order elements into C order. Dims of size 1 do not
// change the layout and are dropped first, so the odometer below carries
// through at most 64 dims (each >= 2) and costs O(1) amortized per element.
std::vector<std::byte> FortranToC(std::span<const std::byte> in, uint64_t itemsize, std::span<const uint64_t> shape,
                                  uint64_t count) {
  std::vector<uint64_t> dims;
  for (uint64_t d : shape) if (d != 1) dims.push_back(d);
  std::vector<std::byte> out(in.size());
  if (dims.size() <= 1 || count == 0) {
    std::copy(in.begin(), in.end(), out.begin());
    return out;
  }
  const size_t k = dims.size();
  std::vector<uint64_t> fstride, idx(k, 0);
  uint64_t stride = 1;
  for (size_t j = 0; j < k; ++j) {
    fstride.push_back(stride);
    stride *= dims[j];  // the product of all dims is `count`: no overflow
  }
  uint64_t f = 0;
  for (uint64_t c = 0; c < count; ++c) {
    std::memcpy(out.data() + c * itemsize, in.data() + f * itemsize, itemsize);
    for (size_t j = k; j-- > 0;) {
      if (++idx[j] < dims[j]) { f += fstride[j]; break; }
      f -= (dims[j] - 1) * fstride[j];
      idx[j] = 0;
    }
  }
  return out;
}

const pickle::NdArray* AsArray(const Value* v) {
  return v != nullptr && v->kind == Kind::kNdArray && v->array != nullptr && v->array->dtype != nullptr
             ? v->array.get()
             : nullptr;
}

// itemsize * product(shape) == data.size(), computed without overflow.
Result<uint64_t> CheckedCount(const Value* v, const pickle::NdArray& a, std::string_view what, bool objects) {
  auto count = CheckedProduct(a.shape);
  if (!count) return LimitExceeded(Where(v, what) + ": array shape overflows");
  if (objects) {
    if (*count != a.objects.size()) {
      return Corruption(Where(v, what) + ": object array holds " + std::to_string(a.objects.size()) +
                        " values for " + std::to_string(*count) + " elements");
    }
    return *count;
  }
  auto bytes = CheckedMul(*count, a.dtype->itemsize);
  if (!bytes) return LimitExceeded(Where(v, what) + ": array size overflows");
  if (*bytes != a.data.size()) {
    return Corruption(Where(v, what) + ": array data has " + std::to_string(a.data.size()) + " bytes, shape needs " +
                      std::to_string(*bytes));
  }
  return *count;
}

}  // namespace

Result<PlainArray> ReadPlainArray(const Value* v, std::string_view what) {
  const pickle::NdArray* a = AsArray(v);
  if (a == nullptr) return Wrong(v, what, "a numpy array");
  const pickle::DTypeDesc& dt = *a->dtype;
  if (dt.structured() || !NumericKindOk(dt.kind, dt.itemsize)) {
    return Unsupported(Where(v, what) + ": numpy dtype '" + EscapeForTerminal(dt.Str()) + "' is not supported here");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(uint64_t count, CheckedCount(v, *a, what, false));
  PlainArray out;
  out.kind = dt.kind;
  out.itemsize = dt.itemsize;
  out.shape = a->shape;
  if (a->fortran_order) {
    out.bytes = FortranToC(a->data, dt.itemsize, a->shape, count);
  } else {
    out.bytes.assign(a->data.begin(), a->data.end());
  }
  if (dt.byteorder == '>' && dt.itemsize > 1) {
    for (uint64_t i = 0; i < count; ++i) std::reverse(out.bytes.begin() + i * dt.itemsize, out.bytes.begin() + (i + 1) * dt.itemsize);
  }
  return out;
}

Result<std::vector<double>> ReadDoubles(const Value* v, std::string_view what, std::vector<uint64_t>* shape) {
  SAFEMODEL_ASSIGN_OR_RETURN(PlainArray a, ReadPlainArray(v, what));
  const uint64_t n = a.bytes.size() / a.itemsize;
  std::vector<double> out(n);
  for (uint64_t i = 0; i < n; ++i) out[i] = ElementToDouble(a.kind, a.itemsize, a.bytes.data() + i * a.itemsize);
  if (shape != nullptr) *shape = std::move(a.shape);
  return out;
}

Result<std::vector<int64_t>> ReadInt64s(const Value* v, std::string_view what, std::vector<uint64_t>* shape) {
  SAFEMODEL_ASSIGN_OR_RETURN(PlainArray a, ReadPlainArray(v, what));
  if (a.kind == 'f') return Corruption(Where(v, what) + ": expected an integer array, got float");
  const uint64_t n = a.bytes.size() / a.itemsize;
  std::vector<int64_t> out(n);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t bits = LoadLe(a.bytes.data() + i * a.itemsize, a.itemsize);
    if (a.kind == 'i') {
      const int shift = static_cast<int>(64 - 8 * a.itemsize);
      out[i] = static_cast<int64_t>(bits << shift) >> shift;
    } else {
      if (bits > static_cast<uint64_t>(INT64_MAX)) {
        return Corruption(Where(v, what) + "[" + std::to_string(i) + "]: " + std::to_string(bits) + " does not fit int64");
      }
      out[i] = static_cast<int64_t>(bits);
    }
  }
  if (shape != nullptr) *shape = std::move(a.shape);
  return out;
}

Result<double> ScalarToDouble(const Value* v, std::string_view what) {
  if (v == nullptr || v->kind != Kind::kScalar || v->dtype == nullptr) return Wrong(v, what, "a numpy scalar");
  const pickle::DTypeDesc& dt = *v->dtype;
  if (dt.structured() || !NumericKindOk(dt.kind, dt.itemsize) || v->bytes().size() != dt.itemsize) {
    return Unsupported(Where(v, what) + ": numpy scalar of dtype '" + EscapeForTerminal(dt.Str()) + "' is not a number");
  }
  std::vector<std::byte> b(v->bytes().begin(), v->bytes().end());
  if (dt.byteorder == '>') std::reverse(b.begin(), b.end());
  return ElementToDouble(dt.kind, dt.itemsize, b.data());
}

Result<double> ReadNumber(const Value* v, std::string_view what) {
  if (v == nullptr) return Wrong(v, what, "a number");
  switch (v->kind) {
    case Kind::kFloat: return v->f;
    case Kind::kBool: return v->b ? 1.0 : 0.0;
    case Kind::kInt:
      if (v->big) return Corruption(Where(v, what) + ": integer too large");
      return static_cast<double>(v->i);
    case Kind::kScalar: return ScalarToDouble(v, what);
    case Kind::kNdArray: {
      const pickle::NdArray* a = AsArray(v);
      if (a != nullptr && a->shape.empty()) {
        SAFEMODEL_ASSIGN_OR_RETURN(auto d, ReadDoubles(v, what, nullptr));
        if (d.size() == 1) return d[0];
      }
      return Wrong(v, what, "a number");
    }
    default: return Wrong(v, what, "a number");
  }
}

Result<int64_t> ReadInt(const Value* v, std::string_view what) {
  if (v != nullptr && v->kind == Kind::kInt && !v->big) return v->i;
  if (v != nullptr && v->kind == Kind::kBool) return v->b ? 1 : 0;
  if (v != nullptr && v->kind == Kind::kScalar && v->dtype != nullptr &&
      (v->dtype->kind == 'i' || v->dtype->kind == 'u') && !v->dtype->structured() &&
      NumericKindOk(v->dtype->kind, v->dtype->itemsize) && v->bytes().size() == v->dtype->itemsize) {
    // Read the bits, not a double: int64 scalars are not all exact in f64.
    std::vector<std::byte> b(v->bytes().begin(), v->bytes().end());
    if (v->dtype->byteorder == '>') std::reverse(b.begin(), b.end());
    const uint64_t bits = LoadLe(b.data(), b.size());
    if (v->dtype->kind == 'u') {
      if (bits > static_cast<uint64_t>(INT64_MAX)) return Corruption(Where(v, what) + ": does not fit int64");
      return static_cast<int64_t>(bits);
    }
    const int shift = static_cast<int>(64 - 8 * b.size());
    return static_cast<int64_t>(bits << shift) >> shift;
  }
  return Wrong(v, what, "an integer");
}

Result<bool> ReadBool(const Value* v, std::string_view what) {
  if (v != nullptr && v->kind == Kind::kBool) return v->b;
  if (v != nullptr && v->kind == Kind::kInt && !v->big && (v->i == 0 || v->i == 1)) return v->i == 1;
  if (v != nullptr && v->kind == Kind::kScalar && v->dtype != nullptr && v->dtype->kind == 'b') {
    SAFEMODEL_ASSIGN_OR_RETURN(double d, ScalarToDouble(v, what));
    return d != 0.0;
  }
  return Wrong(v, what, "a bool");
}

Result<std::string> ReadStr(const Value* v, std::string_view what) {
  if (v != nullptr && v->kind == Kind::kStr) return std::string(v->text());
  return Wrong(v, what, "a str");
}

namespace {

// numpy 'U' (UTF-32, NUL-padded) elements as UTF-8.
Result<std::vector<std::string>> DecodeUnicode(const Value* v, const pickle::NdArray& a, std::string_view what,
                                               uint64_t count) {
  const uint64_t itemsize = a.dtype->itemsize;
  const bool big = a.dtype->byteorder == '>';
  std::vector<std::string> out;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::string s;
    const std::byte* p = a.data.data() + i * itemsize;
    for (uint64_t c = 0; c < itemsize / 4; ++c) {
      std::byte q[4];
      std::memcpy(q, p + 4 * c, 4);
      if (big) std::reverse(q, q + 4);
      const uint32_t cp = static_cast<uint32_t>(LoadLe(q, 4));
      if (cp == 0) break;  // numpy pads with NULs; a label cannot end in NUL
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return Corruption(Where(v, what) + "[" + std::to_string(i) + "]: invalid code point");
      }
      if (cp < 0x80) {
        s += static_cast<char>(cp);
      } else if (cp < 0x800) {
        s += static_cast<char>(0xc0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3f));
      } else if (cp < 0x10000) {
        s += static_cast<char>(0xe0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        s += static_cast<char>(0x80 | (cp & 0x3f));
      } else {
        s += static_cast<char>(0xf0 | (cp >> 18));
        s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        s += static_cast<char>(0x80 | (cp & 0x3f));
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

// Python objects (object array items or list items) that must all be str,
// all int/bool, or all float.
Result<estimators::LabelValues> LabelsFromObjects(const Value* v, std::span<const Value* const> items,
                                                  std::string_view what) {
  if (items.empty()) return estimators::LabelValues(std::vector<int64_t>{});
  const Value* first = items[0];
  if (first == nullptr) return Wrong(v, what, "labels");
  const std::string item_what = std::string(what) + "[0]";
  if (first->kind == Kind::kStr) {
    std::vector<std::string> out;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i] == nullptr || items[i]->kind != Kind::kStr) {
        return Wrong(items[i], std::string(what) + "[" + std::to_string(i) + "]", "a str label like the first");
      }
      out.emplace_back(items[i]->text());
    }
    return estimators::LabelValues(std::move(out));
  }
  const bool floats = first->kind == Kind::kFloat ||
                      (first->kind == Kind::kScalar && first->dtype != nullptr && first->dtype->kind == 'f');
  if (floats) {
    std::vector<double> out;
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string w = std::string(what) + "[" + std::to_string(i) + "]";
      if (items[i] == nullptr || (items[i]->kind != Kind::kFloat && items[i]->kind != Kind::kScalar)) {
        return Wrong(items[i], w, "a float label like the first");
      }
      SAFEMODEL_ASSIGN_OR_RETURN(double d, ReadNumber(items[i], w));
      out.push_back(d);
    }
    return estimators::LabelValues(std::move(out));
  }
  std::vector<int64_t> out;
  for (size_t i = 0; i < items.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(int64_t x, ReadInt(items[i], std::string(what) + "[" + std::to_string(i) + "]"));
    out.push_back(x);
  }
  return estimators::LabelValues(std::move(out));
}

}  // namespace

Result<estimators::LabelValues> ReadLabels(const Value* v, std::string_view what) {
  if (v != nullptr && (v->kind == Kind::kList || v->kind == Kind::kTuple)) {
    return LabelsFromObjects(v, v->items, what);
  }
  const pickle::NdArray* a = AsArray(v);
  if (a == nullptr) return Wrong(v, what, "an array of class labels");
  if (a->shape.size() != 1) {
    return Corruption(Where(v, what) + ": class labels must be 1-d, got " + std::to_string(a->shape.size()) + " dims");
  }
  const pickle::DTypeDesc& dt = *a->dtype;
  if (dt.kind == 'O') {
    SAFEMODEL_ASSIGN_OR_RETURN(uint64_t n, CheckedCount(v, *a, what, true));
    (void)n;
    return LabelsFromObjects(v, a->objects, what);
  }
  if (dt.kind == 'U' && !dt.structured()) {
    if (dt.itemsize % 4 != 0) return Corruption(Where(v, what) + ": unicode itemsize not a multiple of 4");
    SAFEMODEL_ASSIGN_OR_RETURN(uint64_t n, CheckedCount(v, *a, what, false));
    SAFEMODEL_ASSIGN_OR_RETURN(auto s, DecodeUnicode(v, *a, what, n));
    return estimators::LabelValues(std::move(s));
  }
  if (dt.kind == 'f') {
    SAFEMODEL_ASSIGN_OR_RETURN(auto d, ReadDoubles(v, what, nullptr));
    return estimators::LabelValues(std::move(d));
  }
  if (dt.kind == 'i' || dt.kind == 'u' || dt.kind == 'b') {
    SAFEMODEL_ASSIGN_OR_RETURN(auto d, ReadInt64s(v, what, nullptr));
    return estimators::LabelValues(std::move(d));
  }
  return Unsupported(Where(v, what) + ": class labels of dtype '" + EscapeForTerminal(dt.Str()) + "' are not supported");
}

std::optional<int> ParseSklearnVersion(std::string_view v) {
  // Release strings are short and plain ("1.2.1", "0.24.dev0", "1.0rc1+local").
  if (v.size() > 32) return std::nullopt;
  for (char c : v) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '+' || c == '-')) return std::nullopt;
  }
  int part[2] = {0, 0};
  size_t i = 0;
  for (int k = 0; k < 2; ++k) {
    size_t start = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9' && i - start < 4) part[k] = part[k] * 10 + (v[i++] - '0');
    if (i == start) return std::nullopt;
    if (k == 0) {
      if (i >= v.size() || v[i] != '.') return std::nullopt;
      ++i;
    }
  }
  // What follows minor: end, ".patch", or a pre-release tag ("rc1", "dev0", "post1").
  if (i < v.size() && v[i] != '.' && !(v[i] >= 'a' && v[i] <= 'z')) return std::nullopt;
  if (part[1] >= 100) return std::nullopt;
  return part[0] * 100 + part[1];
}

// ---- Attrs -----------------------------------------------------------------

namespace {
constexpr int kOldestVersion = 18;   // 0.18: first release that pickles _sklearn_version
constexpr int kNewestVersion = 109;  // 1.9
}  // namespace

Result<Attrs> Attrs::Open(const Value* obj, std::string path) {
  if (obj == nullptr || obj->kind != Kind::kObject) return Wrong(obj, path, "an estimator object");
  if (obj->state == nullptr || obj->state->kind != Kind::kDict) {
    return Corruption(Where(obj, path) + ": " + pickle::Describe(obj) + " has no state dict (got " +
                      pickle::Describe(obj->state) + ")");
  }
  Attrs a;
  a.obj_ = obj;
  a.state_ = obj->state;
  a.path_ = std::move(path);
  const Value* ver = a.state_->Get("_sklearn_version");
  if (ver == nullptr) {
    return Unsupported(Where(obj, a.path_) + ": " + EscapeForTerminal(obj->module + "." + obj->name) +
                       " has no _sklearn_version: written by scikit-learn older than 0.18, whose layout is not supported");
  }
  if (ver->kind != Kind::kStr) return Wrong(ver, a.Field("_sklearn_version"), "a str");
  a.version_ = std::string(ver->text());
  auto parsed = ParseSklearnVersion(a.version_);
  if (!parsed || *parsed < kOldestVersion || *parsed > kNewestVersion) {
    return Unsupported(Where(ver, a.Field("_sklearn_version")) + ": scikit-learn '" + EscapeForTerminal(a.version_) +
                       "' is not a version whose layout is known (0.18 to 1.9)");
  }
  a.ver_ = *parsed;
  return a;
}

const Value* Attrs::Get(std::string_view attr) const { return state_->Get(attr); }

Status Attrs::Refuse(const Value* v, std::string_view what) const {
  return Unsupported(Where(v == nullptr ? obj_ : v, path_) + ": " + std::string(what) + " (scikit-learn " +
                     EscapeForTerminal(version_) + ")");
}

Result<const Value*> Attrs::Need(std::string_view attr) const {
  const Value* v = Get(attr);
  if (v == nullptr) return Refuse(nullptr, "missing attribute '" + std::string(attr) + "'");
  return v;
}

Result<std::optional<int64_t>> Attrs::OptInt(std::string_view attr) const {
  const Value* v = Get(attr);
  if (v == nullptr || v->kind == Kind::kNone) return std::optional<int64_t>();
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t x, ReadInt(v, Field(attr)));
  return std::optional<int64_t>(x);
}

Result<int64_t> Attrs::Int(std::string_view attr) const {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, Need(attr));
  return ReadInt(v, Field(attr));
}

Result<bool> Attrs::Bool(std::string_view attr) const {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, Need(attr));
  return ReadBool(v, Field(attr));
}

Result<std::string> Attrs::Str(std::string_view attr) const {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, Need(attr));
  return ReadStr(v, Field(attr));
}

Result<std::vector<double>> Attrs::Doubles(std::string_view attr, std::vector<uint64_t>* shape) const {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, Need(attr));
  return ReadDoubles(v, Field(attr), shape);
}

Result<estimators::LabelValues> Attrs::Labels(std::string_view attr) const {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, Need(attr));
  return ReadLabels(v, Field(attr));
}

Result<int64_t> Attrs::NumFeatures(bool required) const {
  SAFEMODEL_ASSIGN_OR_RETURN(auto in, OptInt("n_features_in_"));
  if (in) return *in;
  SAFEMODEL_ASSIGN_OR_RETURN(auto old, OptInt("n_features_"));
  if (old) return *old;
  if (!required) return int64_t{-1};
  return Refuse(nullptr, "missing attribute 'n_features_in_' (or the older 'n_features_')");
}

uint64_t RecordField::Bits(const std::byte* record) const {
  std::byte b[8] = {};
  std::memcpy(b, record + offset, size);
  if (big) std::reverse(b, b + size);
  uint64_t r = 0;
  for (uint64_t i = 0; i < size; ++i) r |= static_cast<uint64_t>(b[i]) << (8 * i);
  return r;
}

int64_t RecordField::Int(const std::byte* record) const {
  const uint64_t bits = Bits(record);
  if (kind == 'i') {
    const int shift = static_cast<int>(64 - 8 * size);
    return static_cast<int64_t>(bits << shift) >> shift;
  }
  return bits > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(bits);
}

double RecordField::Float(const std::byte* record) const {
  const uint64_t bits = Bits(record);
  if (size == 8) {
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  const uint32_t b32 = static_cast<uint32_t>(bits);
  float f;
  std::memcpy(&f, &b32, 4);
  return f;
}

Result<RecordField> FindRecordField(const Value* nodes, const pickle::DTypeDesc& dt, std::string_view name,
                                    std::string_view kinds, const std::string& where, bool required) {
  const pickle::DTypeField* f = dt.Field(name);
  if (f == nullptr || f->dtype == nullptr) {
    if (!required) return RecordField{};
    return Unsupported(Where(nodes, where) + ": node records have no field '" + std::string(name) + "' (dtype " +
                       EscapeForTerminal(dt.Str()) + ")");
  }
  const pickle::DTypeDesc& fd = *f->dtype;
  const bool size_ok = fd.kind == 'f' ? (fd.itemsize == 4 || fd.itemsize == 8)
                                      : (fd.itemsize == 1 || fd.itemsize == 2 || fd.itemsize == 4 || fd.itemsize == 8);
  if (kinds.find(fd.kind) == std::string_view::npos || fd.structured() || !size_ok) {
    return Unsupported(Where(nodes, where) + ": node field '" + std::string(name) + "' has dtype '" +
                       EscapeForTerminal(fd.Str()) + "'");
  }
  auto end = CheckedAdd(f->offset, fd.itemsize);
  if (!end || *end > dt.itemsize) {
    return Corruption(Where(nodes, where) + ": node field '" + std::string(name) + "' lies outside the " +
                      std::to_string(dt.itemsize) + "-byte record");
  }
  return RecordField{true, f->offset, fd.itemsize, fd.kind, fd.byteorder == '>'};
}

}  // namespace safemodel::mapping
