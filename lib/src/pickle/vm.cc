#include "pickle/vm.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "pickle/allowlist.h"
#include "pickle/vm_internal.h"
#include "safemodel/tensor.h"
#include "util/byte_reader.h"
#include "util/checked.h"
#include "util/file.h"
#include "util/text.h"

namespace safemodel::pickle {
namespace {

using internal::ParseDTypeSpec;

// Opcodes of protocols 0-5 (Lib/pickle.py names).
enum Op : uint8_t {
  MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', FLOAT = 'F', INT = 'I',
  BININT = 'J', BININT1 = 'K', LONG = 'L', BININT2 = 'M', NONE = 'N', PERSID = 'P',
  BINPERSID = 'Q', REDUCE = 'R', STRING = 'S', BINSTRING = 'T', SHORT_BINSTRING = 'U',
  UNICODE = 'V', BINUNICODE = 'X', APPEND = 'a', BUILD = 'b', GLOBAL = 'c', DICT = 'd',
  EMPTY_DICT = '}', APPENDS = 'e', GET = 'g', BINGET = 'h', INST = 'i', LONG_BINGET = 'j',
  LIST = 'l', EMPTY_LIST = ']', OBJ = 'o', PUT = 'p', BINPUT = 'q', LONG_BINPUT = 'r',
  SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')', SETITEMS = 'u', BINFLOAT = 'G',
  PROTO = 0x80, NEWOBJ = 0x81, EXT1 = 0x82, EXT2 = 0x83, EXT4 = 0x84, TUPLE1 = 0x85,
  TUPLE2 = 0x86, TUPLE3 = 0x87, NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b,
  BINBYTES = 'B', SHORT_BINBYTES = 'C', SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d,
  BINBYTES8 = 0x8e, EMPTY_SET = 0x8f, ADDITEMS = 0x90, FROZENSET = 0x91, NEWOBJ_EX = 0x92,
  STACK_GLOBAL = 0x93, MEMOIZE = 0x94, FRAME = 0x95, BYTEARRAY8 = 0x96, NEXT_BUFFER = 0x97,
  READONLY_BUFFER = 0x98,
};

std::string OpName(uint8_t op) {
  switch (op) {
#define SM_OP(x) case x: return #x;
    SM_OP(MARK) SM_OP(STOP) SM_OP(POP) SM_OP(POP_MARK) SM_OP(DUP) SM_OP(FLOAT) SM_OP(INT)
    SM_OP(BININT) SM_OP(BININT1) SM_OP(LONG) SM_OP(BININT2) SM_OP(NONE) SM_OP(PERSID)
    SM_OP(BINPERSID) SM_OP(REDUCE) SM_OP(STRING) SM_OP(BINSTRING) SM_OP(SHORT_BINSTRING)
    SM_OP(UNICODE) SM_OP(BINUNICODE) SM_OP(APPEND) SM_OP(BUILD) SM_OP(GLOBAL) SM_OP(DICT)
    SM_OP(EMPTY_DICT) SM_OP(APPENDS) SM_OP(GET) SM_OP(BINGET) SM_OP(INST) SM_OP(LONG_BINGET)
    SM_OP(LIST) SM_OP(EMPTY_LIST) SM_OP(OBJ) SM_OP(PUT) SM_OP(BINPUT) SM_OP(LONG_BINPUT)
    SM_OP(SETITEM) SM_OP(TUPLE) SM_OP(EMPTY_TUPLE) SM_OP(SETITEMS) SM_OP(BINFLOAT) SM_OP(PROTO)
    SM_OP(NEWOBJ) SM_OP(EXT1) SM_OP(EXT2) SM_OP(EXT4) SM_OP(TUPLE1) SM_OP(TUPLE2) SM_OP(TUPLE3)
    SM_OP(NEWTRUE) SM_OP(NEWFALSE) SM_OP(LONG1) SM_OP(LONG4) SM_OP(BINBYTES) SM_OP(SHORT_BINBYTES)
    SM_OP(SHORT_BINUNICODE) SM_OP(BINUNICODE8) SM_OP(BINBYTES8) SM_OP(EMPTY_SET) SM_OP(ADDITEMS)
    SM_OP(FROZENSET) SM_OP(NEWOBJ_EX) SM_OP(STACK_GLOBAL) SM_OP(MEMOIZE) SM_OP(FRAME)
    SM_OP(BYTEARRAY8) SM_OP(NEXT_BUFFER) SM_OP(READONLY_BUFFER)
#undef SM_OP
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", op);
  return std::string("opcode ") + buf;
}

std::string Quote(std::string_view module, std::string_view name) {
  return "'" + EscapeForTerminal(std::string(module) + "." + std::string(name)) + "'";
}

// Dict key identity as Python's == would see it for the simple key types;
// nullopt for keys we do not merge (tuples, NaN, objects...).
std::optional<std::string> KeyRepr(const Value* k) {
  switch (k->kind) {
    case Kind::kNone: return std::string("n");
    case Kind::kBool: return std::string(k->b ? "i:1" : "i:0");
    case Kind::kInt:
      return k->big ? "I:" + std::string(k->bytes_sv()) : "i:" + std::to_string(k->i);
    case Kind::kFloat: {
      double f = k->f;
      if (f != f) return std::nullopt;
      if (f >= -9.2e18 && f <= 9.2e18 && f == double(int64_t(f))) return "i:" + std::to_string(int64_t(f));
      uint64_t bits = std::bit_cast<uint64_t>(f);
      return "f:" + std::to_string(bits);
    }
    case Kind::kStr: return "s:" + std::string(k->text_view);
    case Kind::kBytes: return "b:" + std::string(k->bytes_sv());
    default: return std::nullopt;
  }
}

class Vm {
 public:
  Vm(std::span<const std::byte> data, const Limits& limits, Graph* graph, ScanReport* report)
      : data_(data), limits_(limits), g_(graph), rep_(report) {}

  // Runs one stream from the current position to its STOP. Refusals are
  // recorded (first_refusal_) and execution goes on with an opaque value;
  // the returned status is a structural error that stops reading.
  Status RunStream(const Value** root);
  size_t pos() const { return pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  const Status& first_refusal() const { return first_refusal_; }
  void Reset() {
    stack_.clear();
    marks_.clear();
    memo_.clear();
  }
  bool saw_joblib() const { return saw_joblib_; }
  Status CheckGraph(const Value* root);

 private:
  // ---- errors --------------------------------------------------------------
  Status Err(Code code, std::string_view msg) const {
    return Status(code, "pickle@" + HexOffset(op_off_) + ": " + std::string(msg));
  }
  Status Truncated(uint64_t need) const {
    return Err(Code::kCorruption, "truncated: " + OpName(op_) + " needs " + std::to_string(need) +
                                      " bytes, " + std::to_string(data_.size() - pos_) + " left");
  }
  // Records a refusal and yields an opaque value so scanning can go on.
  Result<Value*> Refuse(Code code, std::string_view msg) {
    if (first_refusal_.ok()) first_refusal_ = Err(code, msg);
    return Opaque();
  }

  // ---- reading -------------------------------------------------------------
  Result<std::span<const std::byte>> Take(uint64_t n) {
    if (n > data_.size() - pos_) return Truncated(n);
    auto out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  template <typename T>
  Result<T> Little() {
    SAFEMODEL_ASSIGN_OR_RETURN(auto b, Take(sizeof(T)));
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v |= uint64_t(uint8_t(b[i])) << (8 * i);
    return static_cast<T>(v);
  }
  Result<std::span<const std::byte>> Payload(uint64_t n) {
    if (n > limits_.max_string_bytes) {
      return Err(Code::kLimitExceeded, OpName(op_) + " length " + std::to_string(n) +
                                           " exceeds the limit of " + std::to_string(limits_.max_string_bytes));
    }
    return Take(n);
  }
  Result<std::string_view> Line() {
    size_t avail = data_.size() - pos_;
    size_t scan = size_t(std::min<uint64_t>(avail, limits_.max_line_bytes + 1));
    const char* p = reinterpret_cast<const char*>(data_.data()) + pos_;
    const void* nl = std::memchr(p, '\n', scan);
    if (nl == nullptr) {
      if (scan < avail || avail > limits_.max_line_bytes) {
        return Err(Code::kLimitExceeded, OpName(op_) + " line longer than " + std::to_string(limits_.max_line_bytes));
      }
      return Err(Code::kCorruption, "truncated: " + OpName(op_) + " line has no newline");
    }
    size_t len = size_t(static_cast<const char*>(nl) - p);
    pos_ += len + 1;
    return std::string_view(p, len);
  }

  // ---- nodes and stack -----------------------------------------------------
  Status Charge(uint64_t n) {
    auto t = CheckedAdd(total_, n);
    if (!t || *t > limits_.max_total_bytes) {
      return Err(Code::kLimitExceeded, "the graph needs more than " + std::to_string(limits_.max_total_bytes) +
                                           " bytes of memory (limit)");
    }
    total_ = *t;
    return Status::Ok();
  }
  Result<Value*> New(Kind kind) {
    if (g_->size() >= limits_.max_nodes) {
      return Err(Code::kLimitExceeded, "more than " + std::to_string(limits_.max_nodes) + " values (limit)");
    }
    SAFEMODEL_RETURN_IF_ERROR(Charge(sizeof(Value)));
    return g_->New(kind, op_off_);
  }
  Result<Value*> Opaque() { return New(Kind::kOpaque); }
  Status Push(Value* v) {
    if (stack_.size() >= limits_.max_stack) {
      return Err(Code::kLimitExceeded, "stack deeper than " + std::to_string(limits_.max_stack) + " (limit)");
    }
    stack_.push_back(v);
    return Status::Ok();
  }
  Status PushResult(Result<Value*> r) {
    if (!r.ok()) return r.status();
    return Push(*r);
  }
  size_t Base() const { return marks_.empty() ? 0 : marks_.back(); }
  Result<Value*> Pop() {
    if (stack_.size() <= Base()) {
      return Err(Code::kCorruption, OpName(op_) + ": stack underflow" + (marks_.empty() ? "" : " (at a MARK)"));
    }
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Result<Value*> Top() {
    if (stack_.size() <= Base()) return Err(Code::kCorruption, OpName(op_) + ": stack underflow");
    return stack_.back();
  }
  Result<std::vector<Value*>> PopMark() {
    if (marks_.empty()) return Err(Code::kCorruption, OpName(op_) + " without a MARK");
    size_t base = marks_.back();
    marks_.pop_back();
    std::vector<Value*> items(stack_.begin() + ptrdiff_t(base), stack_.end());
    stack_.resize(base);
    return items;
  }

  // ---- value makers --------------------------------------------------------
  Result<Value*> MakeInt(int64_t i) {
    SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kInt));
    v->i = i;
    return v;
  }
  Result<Value*> MakeBigInt(std::span<const std::byte> le, std::string owned);
  Result<Value*> MakeStr(std::string_view borrowed, std::string owned, bool use_owned);
  Result<Value*> MakePy2Str(std::span<const std::byte> raw, std::string owned_raw, bool use_owned);
  Result<Value*> MakeBytes(Kind kind, std::span<const std::byte> borrowed);
  Result<Value*> MakeSeq(Kind kind, std::span<Value* const> items);
  Status AddItem(Value* seq, Value* item) {
    SAFEMODEL_RETURN_IF_ERROR(Charge(sizeof(void*)));
    seq->items.push_back(item);
    return Status::Ok();
  }
  Status SetItem(Value* dict, Value* key, Value* value);

  // ---- opcode groups -------------------------------------------------------
  Status Step();
  Status StepNumber();
  Status StepText();
  Status StepContainer();
  Status StepMemo();
  Status StepObject();
  Status OpGlobal(std::string module, std::string name);
  Status OpStackGlobal();
  Status OpBuild();
  Result<Value*> ResolveGlobal(std::string_view module, std::string_view name);
  Status Memo(uint64_t index, Value* v);
  Status Get(uint64_t index);

  // ---- emulations (numpy.cc-style helpers live below) -----------------------
  Result<Value*> Call(Value* fn, Value* args, std::string_view how);
  Result<Value*> NewObject(const Value* cls, Value* args, Value* kwargs, std::string_view how);
  Result<Value*> EmuReconstruct(const Value* args);
  Result<Value*> EmuScalar(const Value* args);
  Result<Value*> EmuDType(const Value* args);
  Result<Value*> EmuFromBuffer(const Value* args);
  Result<Value*> EmuCodecsEncode(const Value* args);
  Result<Value*> EmuCopyreg(const Value* args);
  Result<Value*> EmuOrderedDict(const Value* args);
  Result<Value*> EmuByteArray(const Value* args);
  Result<Value*> EmuSet(const Value* args, Kind kind);
  Result<Value*> BuildDType(Value* dt, const Value* state);
  Result<Value*> BuildArray(Value* arr, const Value* state);
  Result<Value*> BuildJoblib(Value* wrapper, const Value* state);
  Result<Value*> NestedObjectArray(Value* wrapper, const Value* state);
  Result<std::span<const std::byte>> ArrayBytes(Value* owner, const Value* raw);
  Result<std::shared_ptr<const DTypeDesc>> DTypeOf(const Value* v, std::string_view what);
  Result<std::vector<uint64_t>> ShapeOf(const Value* v);
  Result<Value*> FinishArray(Value* arr, std::shared_ptr<const DTypeDesc> dt, std::vector<uint64_t> shape,
                             bool fortran, const Value* raw, std::span<const std::byte> data);

  std::span<const std::byte> data_;
  const Limits& limits_;
  Graph* g_;
  ScanReport* rep_;
  size_t pos_ = 0;
  uint64_t op_off_ = 0;
  uint8_t op_ = 0;
  uint64_t total_ = 0;
  std::vector<Value*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Value*> memo_;
  std::unordered_set<std::string> listed_allowed_;
  Status first_refusal_;
  bool saw_joblib_ = false;
  int nesting_ = 0;  // joblib object arrays: a pickle inside the pickle (one level only)
};

// ============================================================================
// Value makers

Result<Value*> Vm::MakeBigInt(std::span<const std::byte> le, std::string owned) {
  if (le.size() > limits_.max_bigint_bytes) {
    return Err(Code::kLimitExceeded, "integer of " + std::to_string(le.size()) + " bytes (limit " +
                                         std::to_string(limits_.max_bigint_bytes) + ")");
  }
  if (!owned.empty()) le = std::as_bytes(std::span(owned));
  // Fits in int64 when every byte above the 8th repeats the sign.
  bool neg = !le.empty() && (uint8_t(le.back()) & 0x80);
  bool fits = true;
  for (size_t k = 8; k < le.size(); ++k) fits = fits && uint8_t(le[k]) == (neg ? 0xFF : 0x00);
  if (le.size() > 8 && fits) fits = ((uint8_t(le[7]) & 0x80) != 0) == neg;
  if (fits) {
    uint64_t u = neg ? ~uint64_t{0} : 0;
    for (size_t k = 0; k < std::min<size_t>(8, le.size()); ++k) {
      u &= ~(uint64_t{0xFF} << (8 * k));
      u |= uint64_t(uint8_t(le[k])) << (8 * k);
    }
    return MakeInt(int64_t(u));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kInt));
  v->big = true;
  if (!owned.empty()) {
    SAFEMODEL_RETURN_IF_ERROR(Charge(owned.size()));
    v->own_bytes = std::move(owned);
    v->byte_view = std::as_bytes(std::span(v->own_bytes));
  } else {
    v->byte_view = le;
  }
  return v;
}

Result<Value*> Vm::MakeStr(std::string_view borrowed, std::string owned, bool use_owned) {
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kStr));
  if (use_owned) {
    SAFEMODEL_RETURN_IF_ERROR(Charge(owned.size()));
    v->own_text = std::move(owned);
    v->text_view = v->own_text;
  } else {
    v->text_view = borrowed;
  }
  return v;
}

// Python 2 `str`: raw bytes kept, text is their latin-1 reading (as
// pickle.load(encoding='latin1') does).
Result<Value*> Vm::MakePy2Str(std::span<const std::byte> raw, std::string owned_raw, bool use_owned) {
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kStr));
  v->py2_str = true;
  if (use_owned) {
    SAFEMODEL_RETURN_IF_ERROR(Charge(owned_raw.size()));
    v->own_bytes = std::move(owned_raw);
    raw = std::as_bytes(std::span(v->own_bytes));
  }
  v->byte_view = raw;
  bool ascii = std::all_of(raw.begin(), raw.end(), [](std::byte b) { return uint8_t(b) < 0x80; });
  if (ascii) {
    v->text_view = std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size());
  } else {
    SAFEMODEL_RETURN_IF_ERROR(Charge(raw.size() * 2));
    v->own_text = internal::Latin1ToUtf8(raw);
    v->text_view = v->own_text;
  }
  return v;
}

Result<Value*> Vm::MakeBytes(Kind kind, std::span<const std::byte> borrowed) {
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(kind));
  v->byte_view = borrowed;
  return v;
}

Result<Value*> Vm::MakeSeq(Kind kind, std::span<Value* const> items) {
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(kind));
  SAFEMODEL_RETURN_IF_ERROR(Charge(items.size() * sizeof(void*)));
  v->items.assign(items.begin(), items.end());
  return v;
}

Status Vm::SetItem(Value* dict, Value* key, Value* value) {
  auto repr = KeyRepr(key);
  SAFEMODEL_RETURN_IF_ERROR(Charge(2 * sizeof(void*) + (repr ? repr->size() + 64 : 0)));
  if (repr) {
    if (!dict->dict_index) dict->dict_index = std::make_unique<std::unordered_map<std::string, size_t>>();
    auto [it, inserted] = dict->dict_index->emplace(std::move(*repr), dict->entries.size());
    if (!inserted) {  // Python keeps the first key's position and the last value
      dict->entries[it->second].second = value;
      return Status::Ok();
    }
  }
  dict->entries.emplace_back(key, value);
  return Status::Ok();
}

// ============================================================================
// The opcode loop

Status Vm::RunStream(const Value** root) {
  for (;;) {
    op_off_ = pos_;
    if (pos_ == data_.size()) {
      op_ = STOP;
      return Err(Code::kCorruption, "truncated: the stream ends without STOP");
    }
    op_ = uint8_t(data_[pos_++]);
    if (op_ == STOP) {
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, Pop());
      if (!stack_.empty() || !marks_.empty()) {
        return Err(Code::kCorruption, "STOP leaves " + std::to_string(stack_.size()) + " values and " +
                                          std::to_string(marks_.size()) + " marks on the stack");
      }
      *root = v;
      return Status::Ok();
    }
    SAFEMODEL_RETURN_IF_ERROR(Step());
  }
}

Status Vm::Step() {
  switch (op_) {
    case PROTO: {
      SAFEMODEL_ASSIGN_OR_RETURN(uint8_t p, Little<uint8_t>());
      if (p > 5) return Err(Code::kUnsupported, "pickle protocol " + std::to_string(p) + " (0-5 are known)");
      if (g_->protocol() == 0) g_->set_protocol(p);
      return Status::Ok();
    }
    case FRAME: {
      SAFEMODEL_ASSIGN_OR_RETURN(uint64_t n, Little<uint64_t>());
      if (n > data_.size() - pos_) return Truncated(n);
      return Status::Ok();  // frames only group bytes; opcodes may run on past them
    }
    case MARK:
      if (marks_.size() >= limits_.max_marks) {
        return Err(Code::kLimitExceeded, "MARKs nested deeper than " + std::to_string(limits_.max_marks) + " (limit)");
      }
      marks_.push_back(stack_.size());
      return Status::Ok();
    case POP:
      if (stack_.size() > Base()) {
        stack_.pop_back();
        return Status::Ok();
      }
      return PopMark().status();  // Python: POP on an empty level pops the mark
    case POP_MARK: return PopMark().status();
    case DUP: {
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, Top());
      return Push(v);
    }
    case NONE: return PushResult(New(Kind::kNone));
    case NEWTRUE:
    case NEWFALSE: {
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kBool));
      v->b = op_ == NEWTRUE;
      return Push(v);
    }
    case PERSID:
    case BINPERSID:
      return Err(Code::kUnsupported, OpName(op_) + ": persistent ids refer to data outside the pickle");
    case EXT1:
    case EXT2:
    case EXT4:
      return Err(Code::kUnsupported, OpName(op_) + ": extension registry codes name code we cannot check");
    case NEXT_BUFFER:
    case READONLY_BUFFER:
      return Err(Code::kUnsupported, OpName(op_) + ": out-of-band buffers are not supported");
    default: break;
  }
  switch (op_) {
    case INT: case BININT: case BININT1: case BININT2: case LONG: case LONG1: case LONG4:
    case FLOAT: case BINFLOAT:
      return StepNumber();
    case STRING: case BINSTRING: case SHORT_BINSTRING: case UNICODE: case BINUNICODE:
    case SHORT_BINUNICODE: case BINUNICODE8: case BINBYTES: case SHORT_BINBYTES: case BINBYTES8:
    case BYTEARRAY8:
      return StepText();
    case EMPTY_LIST: case APPEND: case APPENDS: case LIST: case EMPTY_TUPLE: case TUPLE:
    case TUPLE1: case TUPLE2: case TUPLE3: case EMPTY_DICT: case DICT: case SETITEM: case SETITEMS:
    case EMPTY_SET: case ADDITEMS: case FROZENSET:
      return StepContainer();
    case GET: case BINGET: case LONG_BINGET: case PUT: case BINPUT: case LONG_BINPUT: case MEMOIZE:
      return StepMemo();
    case GLOBAL: case STACK_GLOBAL: case INST: case OBJ: case REDUCE: case NEWOBJ: case NEWOBJ_EX:
    case BUILD:
      return StepObject();
    default:
      return Err(Code::kCorruption, "unknown " + OpName(op_));
  }
}

Status Vm::StepNumber() {
  switch (op_) {
    case BININT: {
      SAFEMODEL_ASSIGN_OR_RETURN(uint32_t u, Little<uint32_t>());
      return PushResult(MakeInt(int32_t(u)));
    }
    case BININT1: {
      SAFEMODEL_ASSIGN_OR_RETURN(uint8_t u, Little<uint8_t>());
      return PushResult(MakeInt(u));
    }
    case BININT2: {
      SAFEMODEL_ASSIGN_OR_RETURN(uint16_t u, Little<uint16_t>());
      return PushResult(MakeInt(u));
    }
    case LONG1:
    case LONG4: {
      uint64_t n = 0;
      if (op_ == LONG1) {
        SAFEMODEL_ASSIGN_OR_RETURN(n, Little<uint8_t>());
      } else {
        SAFEMODEL_ASSIGN_OR_RETURN(uint32_t u, Little<uint32_t>());
        if (int32_t(u) < 0) return Err(Code::kCorruption, "LONG4 with a negative length");
        n = u;
      }
      if (n > limits_.max_bigint_bytes) {
        return Err(Code::kLimitExceeded, OpName(op_) + " of " + std::to_string(n) + " bytes (limit " +
                                             std::to_string(limits_.max_bigint_bytes) + ")");
      }
      SAFEMODEL_ASSIGN_OR_RETURN(auto b, Take(n));
      return PushResult(MakeBigInt(b, ""));
    }
    case INT:
    case LONG: {
      SAFEMODEL_ASSIGN_OR_RETURN(std::string_view line, Line());
      if (op_ == INT && (line == "00" || line == "01")) {
        SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kBool));
        v->b = line == "01";
        return Push(v);
      }
      if (op_ == LONG && !line.empty() && line.back() == 'L') line.remove_suffix(1);
      auto parsed = internal::ParseDecimalInt(line, limits_.max_bigint_bytes);
      if (!parsed) return Err(Code::kCorruption, OpName(op_) + " is not a decimal integer (or too large)");
      if (!parsed->big) return PushResult(MakeInt(parsed->small));
      std::string bytes = std::move(parsed->bytes);
      return PushResult(MakeBigInt({}, std::move(bytes)));
    }
    case FLOAT: {
      SAFEMODEL_ASSIGN_OR_RETURN(std::string_view line, Line());
      double f = 0;
      auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), f);
      if (ec != std::errc() || p != line.data() + line.size()) {
        return Err(Code::kCorruption, "FLOAT is not a number");
      }
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kFloat));
      v->f = f;
      return Push(v);
    }
    case BINFLOAT: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto b, Take(8));
      uint64_t u = 0;
      for (int k = 0; k < 8; ++k) u = (u << 8) | uint8_t(b[size_t(k)]);  // big-endian
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kFloat));
      v->f = std::bit_cast<double>(u);
      return Push(v);
    }
    default: return Err(Code::kCorruption, "unknown " + OpName(op_));
  }
}

Status Vm::StepText() {
  uint64_t n = 0;
  switch (op_) {
    case SHORT_BINSTRING: case SHORT_BINUNICODE: case SHORT_BINBYTES: {
      SAFEMODEL_ASSIGN_OR_RETURN(n, Little<uint8_t>());
      break;
    }
    case BINSTRING: {
      SAFEMODEL_ASSIGN_OR_RETURN(uint32_t u, Little<uint32_t>());
      if (int32_t(u) < 0) return Err(Code::kCorruption, "BINSTRING with a negative length");
      n = u;
      break;
    }
    case BINUNICODE: case BINBYTES: {
      SAFEMODEL_ASSIGN_OR_RETURN(n, Little<uint32_t>());
      break;
    }
    case BINUNICODE8: case BINBYTES8: case BYTEARRAY8: {
      SAFEMODEL_ASSIGN_OR_RETURN(n, Little<uint64_t>());
      break;
    }
    case STRING: {
      SAFEMODEL_ASSIGN_OR_RETURN(std::string_view line, Line());
      if (line.size() < 2 || line.front() != line.back() || (line.front() != '\'' && line.front() != '"')) {
        return Err(Code::kCorruption, "STRING argument is not quoted");
      }
      auto decoded = internal::EscapeDecode(line.substr(1, line.size() - 2));
      if (!decoded.ok()) return Err(decoded.status().code(), decoded.status().message());
      return PushResult(MakePy2Str({}, std::move(*decoded), true));
    }
    case UNICODE: {
      SAFEMODEL_ASSIGN_OR_RETURN(std::string_view line, Line());
      auto decoded = internal::RawUnicodeEscapeDecode(line);
      if (!decoded.ok()) return Err(decoded.status().code(), decoded.status().message());
      return PushResult(MakeStr({}, std::move(*decoded), true));
    }
    default: return Err(Code::kCorruption, "unknown " + OpName(op_));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto b, Payload(n));
  switch (op_) {
    case SHORT_BINSTRING: case BINSTRING: return PushResult(MakePy2Str(b, "", false));
    case SHORT_BINBYTES: case BINBYTES: case BINBYTES8: return PushResult(MakeBytes(Kind::kBytes, b));
    case BYTEARRAY8: return PushResult(MakeBytes(Kind::kByteArray, b));
    default: {
      std::string_view s(reinterpret_cast<const char*>(b.data()), b.size());
      if (!IsValidUtf8(s)) return Err(Code::kCorruption, OpName(op_) + " is not valid UTF-8");
      return PushResult(MakeStr(s, "", false));
    }
  }
}

Status Vm::StepContainer() {
  switch (op_) {
    case EMPTY_LIST: return PushResult(New(Kind::kList));
    case EMPTY_TUPLE: return PushResult(New(Kind::kTuple));
    case EMPTY_DICT: return PushResult(New(Kind::kDict));
    case EMPTY_SET: return PushResult(New(Kind::kSet));
    case TUPLE1: case TUPLE2: case TUPLE3: {
      size_t n = size_t(op_ - TUPLE1 + 1);
      if (stack_.size() < Base() + n) return Err(Code::kCorruption, OpName(op_) + ": stack underflow");
      std::vector<Value*> items(stack_.end() - ptrdiff_t(n), stack_.end());
      stack_.resize(stack_.size() - n);
      return PushResult(MakeSeq(Kind::kTuple, items));
    }
    case TUPLE: case LIST: case FROZENSET: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto items, PopMark());
      Kind k = op_ == TUPLE ? Kind::kTuple : op_ == LIST ? Kind::kList : Kind::kFrozenSet;
      return PushResult(MakeSeq(k, items));
    }
    case DICT: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto items, PopMark());
      if (items.size() % 2) return Err(Code::kCorruption, "DICT with an odd number of items");
      SAFEMODEL_ASSIGN_OR_RETURN(Value * d, New(Kind::kDict));
      for (size_t k = 0; k < items.size(); k += 2) SAFEMODEL_RETURN_IF_ERROR(SetItem(d, items[k], items[k + 1]));
      return Push(d);
    }
    default: break;
  }
  // Mutations of the container below the new items.
  std::vector<Value*> items;
  if (op_ == APPEND || op_ == SETITEM) {
    size_t n = op_ == APPEND ? 1 : 2;
    if (stack_.size() < Base() + n) return Err(Code::kCorruption, OpName(op_) + ": stack underflow");
    items.assign(stack_.end() - ptrdiff_t(n), stack_.end());
    stack_.resize(stack_.size() - n);
  } else {
    SAFEMODEL_ASSIGN_OR_RETURN(items, PopMark());
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Value * target, Top());
  if (target->kind == Kind::kOpaque) return Status::Ok();
  if (op_ == APPEND || op_ == APPENDS) {
    if (target->kind != Kind::kList) {
      return Refuse(Code::kUnsupported, OpName(op_) + " to " + Describe(target) + " (only lists)").status();
    }
    for (Value* v : items) SAFEMODEL_RETURN_IF_ERROR(AddItem(target, v));
    return Status::Ok();
  }
  if (op_ == ADDITEMS) {
    if (target->kind != Kind::kSet) {
      return Refuse(Code::kUnsupported, "ADDITEMS to " + Describe(target) + " (only sets)").status();
    }
    for (Value* v : items) SAFEMODEL_RETURN_IF_ERROR(AddItem(target, v));
    return Status::Ok();
  }
  if (items.size() % 2) return Err(Code::kCorruption, "SETITEMS with an odd number of items");
  if (target->kind != Kind::kDict) {
    return Refuse(Code::kUnsupported, OpName(op_) + " on " + Describe(target) + " (only dicts)").status();
  }
  for (size_t k = 0; k < items.size(); k += 2) SAFEMODEL_RETURN_IF_ERROR(SetItem(target, items[k], items[k + 1]));
  return Status::Ok();
}

Status Vm::Memo(uint64_t index, Value* v) {
  if (memo_.size() >= limits_.max_memo && !memo_.count(index)) {
    return Err(Code::kLimitExceeded, "more than " + std::to_string(limits_.max_memo) + " memo entries (limit)");
  }
  SAFEMODEL_RETURN_IF_ERROR(Charge(48));
  memo_[index] = v;
  return Status::Ok();
}

Status Vm::Get(uint64_t index) {
  auto it = memo_.find(index);
  if (it == memo_.end()) return Err(Code::kCorruption, OpName(op_) + " of memo index " + std::to_string(index) + ", which was never stored");
  return Push(it->second);
}

Status Vm::StepMemo() {
  switch (op_) {
    case GET: case PUT: {
      SAFEMODEL_ASSIGN_OR_RETURN(std::string_view line, Line());
      uint64_t index = 0;
      auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), index);
      if (ec != std::errc() || p != line.data() + line.size()) {
        return Err(Code::kCorruption, OpName(op_) + " index is not a number");
      }
      if (op_ == GET) return Get(index);
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, Top());
      return Memo(index, v);
    }
    case BINGET: case BINPUT: {
      SAFEMODEL_ASSIGN_OR_RETURN(uint8_t index, Little<uint8_t>());
      if (op_ == BINGET) return Get(index);
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, Top());
      return Memo(index, v);
    }
    case LONG_BINGET: case LONG_BINPUT: {
      SAFEMODEL_ASSIGN_OR_RETURN(uint32_t index, Little<uint32_t>());
      if (op_ == LONG_BINGET) return Get(index);
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, Top());
      return Memo(index, v);
    }
    case MEMOIZE: {
      SAFEMODEL_ASSIGN_OR_RETURN(Value * v, Top());
      return Memo(memo_.size(), v);
    }
    default: return Err(Code::kCorruption, "unknown " + OpName(op_));
  }
}

// ============================================================================
// Globals and objects

Result<Value*> Vm::ResolveGlobal(std::string_view module, std::string_view name) {
  GlobalRef ref;
  ref.offset = op_off_;
  ref.opcode = OpName(op_);
  ref.module = std::string(module);
  ref.name = std::string(name);
  const AllowEntry* e = FindAllowed(module, name);
  ref.allowed = e != nullptr && e->role != Role::kJoblibOldWrapper;
  if (ref.allowed) {
    ref.reason = std::string(e->why);
  } else if (e != nullptr) {
    ref.reason = "joblib < 0.10 NDArrayWrapper: the array lives in a companion file named inside the pickle "
                 "(a path-traversal surface); re-save with a current joblib";
  } else {
    ref.reason = "not on the allowlist";
  }
  bool allowed = ref.allowed;
  if (!allowed) {
    ++rep_->disallowed_total;
    if (rep_->globals.size() < 4096) rep_->globals.push_back(std::move(ref));
  } else if (listed_allowed_.insert(ref.module + "\n" + ref.name).second && rep_->globals.size() < 4096) {
    rep_->globals.push_back(std::move(ref));
  }
  if (!allowed) return Opaque();
  if (e->role == Role::kJoblibWrapper) saw_joblib_ = true;
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kGlobal));
  v->module = std::string(module);
  v->name = std::string(name);
  SAFEMODEL_RETURN_IF_ERROR(Charge(v->module.size() + v->name.size()));
  return v;
}

Status Vm::OpGlobal(std::string module, std::string name) {
  if (!IsValidUtf8(module) || !IsValidUtf8(name)) {
    return Err(Code::kCorruption, OpName(op_) + " names are not valid UTF-8");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Value * g, ResolveGlobal(module, name));
  if (op_ == GLOBAL) return Push(g);
  // INST: the class applied to the items since the MARK.
  SAFEMODEL_ASSIGN_OR_RETURN(auto items, PopMark());
  SAFEMODEL_ASSIGN_OR_RETURN(Value * args, MakeSeq(Kind::kTuple, items));
  return PushResult(NewObject(g, args, nullptr, "INST"));
}

Status Vm::OpStackGlobal() {
  SAFEMODEL_ASSIGN_OR_RETURN(Value * name, Pop());
  SAFEMODEL_ASSIGN_OR_RETURN(Value * module, Pop());
  if (module->kind == Kind::kStr && name->kind == Kind::kStr) {
    return PushResult(ResolveGlobal(module->text(), name->text()));
  }
  // Not statically resolvable (opaque results, numbers, tuples...): list it as refused.
  GlobalRef ref;
  ref.offset = op_off_;
  ref.opcode = "STACK_GLOBAL";
  ref.module = module->kind == Kind::kStr ? std::string(module->text()) : "<" + std::string(KindName(module->kind)) + ">";
  ref.name = name->kind == Kind::kStr ? std::string(name->text()) : "<" + std::string(KindName(name->kind)) + ">";
  ref.reason = "STACK_GLOBAL operands are not strings";
  ++rep_->disallowed_total;
  if (rep_->globals.size() < 4096) rep_->globals.push_back(std::move(ref));
  return PushResult(Opaque());
}

Status Vm::StepObject() {
  switch (op_) {
    case GLOBAL: case INST: {
      SAFEMODEL_ASSIGN_OR_RETURN(std::string_view m, Line());
      SAFEMODEL_ASSIGN_OR_RETURN(std::string_view n, Line());
      return OpGlobal(std::string(m), std::string(n));
    }
    case STACK_GLOBAL: return OpStackGlobal();
    case OBJ: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto items, PopMark());
      if (items.empty()) return Err(Code::kCorruption, "OBJ without a class");
      SAFEMODEL_ASSIGN_OR_RETURN(Value * args, MakeSeq(Kind::kTuple, std::span(items).subspan(1)));
      return PushResult(NewObject(items[0], args, nullptr, "OBJ"));
    }
    case REDUCE: {
      SAFEMODEL_ASSIGN_OR_RETURN(Value * args, Pop());
      SAFEMODEL_ASSIGN_OR_RETURN(Value * fn, Pop());
      return PushResult(Call(fn, args, "REDUCE"));
    }
    case NEWOBJ: {
      SAFEMODEL_ASSIGN_OR_RETURN(Value * args, Pop());
      SAFEMODEL_ASSIGN_OR_RETURN(Value * cls, Pop());
      return PushResult(NewObject(cls, args, nullptr, "NEWOBJ"));
    }
    case NEWOBJ_EX: {
      SAFEMODEL_ASSIGN_OR_RETURN(Value * kwargs, Pop());
      SAFEMODEL_ASSIGN_OR_RETURN(Value * args, Pop());
      SAFEMODEL_ASSIGN_OR_RETURN(Value * cls, Pop());
      return PushResult(NewObject(cls, args, kwargs, "NEWOBJ_EX"));
    }
    case BUILD: return OpBuild();
    default: return Err(Code::kCorruption, "unknown " + OpName(op_));
  }
}

bool HasOpaque(const Value* v) {
  if (v == nullptr) return false;
  if (v->kind == Kind::kOpaque) return true;
  for (const Value* i : v->items) {
    if (i->kind == Kind::kOpaque) return true;
  }
  return false;
}

// Creating an instance: only an allowlisted class, only recorded.
Result<Value*> Vm::NewObject(const Value* cls, Value* args, Value* kwargs, std::string_view how) {
  if (HasOpaque(cls) || HasOpaque(args) || HasOpaque(kwargs)) return Opaque();
  if (cls->kind != Kind::kGlobal) {
    return Refuse(Code::kUnsupported, std::string(how) + " on " + Describe(cls) + ": only allowlisted classes can be instantiated");
  }
  const AllowEntry* e = FindAllowed(cls->module, cls->name);
  // A dict subclass (scikit-learn's Bunch) pickles as NEWOBJ(cls, ()) and SETITEMs: a plain dict.
  if (e != nullptr && e->role == Role::kOrderedDict && args->kind == Kind::kTuple && kwargs == nullptr) {
    return EmuOrderedDict(args);
  }
  if (e == nullptr || (e->role != Role::kClass && e->role != Role::kJoblibWrapper)) {
    return Refuse(Code::kUnsupported, std::string(how) + " of " + Quote(cls->module, cls->name) + ": not a class we instantiate");
  }
  if (args->kind != Kind::kTuple) {
    return Refuse(Code::kUnsupported, std::string(how) + " arguments are a " + std::string(KindName(args->kind)) + ", not a tuple");
  }
  if (kwargs != nullptr && kwargs->kind != Kind::kDict) {
    return Refuse(Code::kUnsupported, std::string(how) + " keyword arguments are not a dict");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Value * o, New(Kind::kObject));
  o->module = cls->module;
  o->name = cls->name;
  o->args = args;
  o->kwargs = kwargs;
  return o;
}

Result<Value*> Vm::Call(Value* fn, Value* args, std::string_view how) {
  if (HasOpaque(fn) || HasOpaque(args)) return Opaque();
  if (fn->kind != Kind::kGlobal) {
    return Refuse(Code::kUnsupported, std::string(how) + " on " + Describe(fn) + ": only allowlisted globals can be called");
  }
  if (args->kind != Kind::kTuple) {
    return Refuse(Code::kUnsupported, std::string(how) + " arguments are a " + std::string(KindName(args->kind)) + ", not a tuple");
  }
  const AllowEntry* e = FindAllowed(fn->module, fn->name);
  if (e == nullptr) return Refuse(Code::kUnsupported, std::string(how) + " of " + Quote(fn->module, fn->name));
  switch (e->role) {
    case Role::kClass:
    case Role::kJoblibWrapper: return NewObject(fn, args, nullptr, how);
    case Role::kReconstruct: return EmuReconstruct(args);
    case Role::kScalar: return EmuScalar(args);
    case Role::kDTypeCtor: return EmuDType(args);
    case Role::kFromBuffer: return EmuFromBuffer(args);
    case Role::kCodecsEncode: return EmuCodecsEncode(args);
    case Role::kCopyregRecon: return EmuCopyreg(args);
    case Role::kOrderedDict: return EmuOrderedDict(args);
    case Role::kByteArray: return EmuByteArray(args);
    case Role::kBytes:
      if (!args->items.empty()) return Refuse(Code::kUnsupported, "bytes() takes no arguments here");
      return New(Kind::kBytes);
    case Role::kSet: return EmuSet(args, Kind::kSet);
    case Role::kFrozenSet: return EmuSet(args, Kind::kFrozenSet);
    case Role::kRandomState:
    case Role::kBitGenerator: {
      // (name) or (name, __bit_generator_ctor): recorded as an inert object of the factory's name.
      bool ok = !args->items.empty() && args->items.size() <= 2 && args->items[0]->kind == Kind::kStr &&
                (args->items.size() == 1 || args->items[1]->kind == Kind::kGlobal);
      if (!ok) return Refuse(Code::kUnsupported, "random state factory with unexpected arguments");
      SAFEMODEL_ASSIGN_OR_RETURN(Value * o, New(Kind::kObject));
      o->module = fn->module;
      o->name = fn->name;
      o->args = args;
      return o;
    }
    case Role::kTypeValue:
    case Role::kArrayType:
    case Role::kObjectBase:
    case Role::kJoblibOldWrapper: break;
  }
  return Refuse(Code::kUnsupported, std::string(how) + " of " + Quote(fn->module, fn->name) + ": it may be named but not called");
}

Status Vm::OpBuild() {
  SAFEMODEL_ASSIGN_OR_RETURN(Value * state, Pop());
  SAFEMODEL_ASSIGN_OR_RETURN(Value * target, Top());
  if (target->kind == Kind::kOpaque || state->kind == Kind::kOpaque) return Status::Ok();
  Result<Value*> r = static_cast<Value*>(nullptr);
  if (target->built) {
    r = Refuse(Code::kUnsupported, "BUILD on " + Describe(target) + ", which is already built");
  } else if (target->kind == Kind::kObject) {
    const AllowEntry* e = FindAllowed(target->module, target->name);
    if (e != nullptr && e->role == Role::kJoblibWrapper) {
      r = BuildJoblib(target, state);
      if (!r.ok()) return r.status();  // the stream cannot be followed past a wrapper we could not read
    } else {
      target->state = state;
      target->built = true;
      r = target;
    }
  } else if (target->kind == Kind::kNdArray && !target->array->dtype) {
    r = BuildArray(target, state);
  } else if (target->kind == Kind::kDType) {
    r = BuildDType(target, state);
  } else {
    r = Refuse(Code::kUnsupported, "BUILD on " + Describe(target) + " is not allowed (only on objects the pickle created)");
  }
  if (!r.ok()) return r.status();
  stack_.back() = *r;
  return Status::Ok();
}

// ============================================================================
// Emulated callables. Each accepts exactly the argument shapes real files use.

Result<std::shared_ptr<const DTypeDesc>> Vm::DTypeOf(const Value* v, std::string_view what) {
  if (v->kind != Kind::kDType || !v->dtype) {
    return Err(Code::kUnsupported, std::string(what) + " is a " + std::string(KindName(v->kind)) + ", not a dtype");
  }
  return v->dtype;
}

Result<std::vector<uint64_t>> Vm::ShapeOf(const Value* v) {
  if (v->kind != Kind::kTuple || v->items.size() > 32) {
    return Err(Code::kUnsupported, "array shape is not a tuple of at most 32 ints");
  }
  std::vector<uint64_t> shape;
  for (const Value* d : v->items) {
    if (d->kind != Kind::kInt || d->big || d->i < 0) {
      return Err(Code::kCorruption, "array shape holds a " + std::string(KindName(d->kind)) + " that is not a size");
    }
    shape.push_back(uint64_t(d->i));
  }
  return shape;
}

Result<Value*> Vm::EmuReconstruct(const Value* a) {
  const auto& it = a->items;
  bool ok = it.size() == 3 && it[0]->kind == Kind::kGlobal && it[1]->kind == Kind::kTuple &&
            it[1]->items.size() == 1 && it[1]->items[0]->kind == Kind::kInt && !it[1]->items[0]->big &&
            it[1]->items[0]->i == 0 &&
            ((it[2]->kind == Kind::kBytes && it[2]->bytes_sv() == "b") || it[2]->IsStr("b"));
  const AllowEntry* e = ok ? FindAllowed(it[0]->module, it[0]->name) : nullptr;
  if (e == nullptr || e->role != Role::kArrayType) {
    return Refuse(Code::kUnsupported, "numpy _reconstruct expects (numpy.ndarray, (0,), b'b')");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kNdArray));
  v->array = std::make_unique<NdArray>();
  v->array->subclass = it[0]->module + "." + it[0]->name;
  return v;
}

Result<std::span<const std::byte>> Vm::ArrayBytes(Value* owner, const Value* raw) {
  if (raw->kind == Kind::kBytes || raw->kind == Kind::kByteArray || (raw->kind == Kind::kStr && raw->py2_str)) {
    return raw->bytes();
  }
  if (raw->kind == Kind::kStr) {  // Python 2 str read as text: back to its latin-1 bytes
    auto latin1 = internal::Utf8ToLatin1(raw->text());
    if (!latin1) return Err(Code::kCorruption, "array text data has characters above U+00FF");
    SAFEMODEL_RETURN_IF_ERROR(Charge(latin1->size()));
    owner->own_bytes = std::move(*latin1);
    return std::as_bytes(std::span(owner->own_bytes));
  }
  return Err(Code::kUnsupported, "array data is a " + std::string(KindName(raw->kind)) + ", not bytes");
}

Result<Value*> Vm::EmuScalar(const Value* a) {
  if (a->items.size() != 2) return Refuse(Code::kUnsupported, "numpy scalar expects (dtype, bytes)");
  auto dt = DTypeOf(a->items[0], "scalar dtype");
  if (!dt.ok()) return Refuse(dt.status().code(), dt.status().message());
  if ((*dt)->kind == 'O' || (*dt)->structured()) return Refuse(Code::kUnsupported, "numpy scalar of dtype " + (*dt)->Str());
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kScalar));
  auto bytes = ArrayBytes(v, a->items[1]);
  if (!bytes.ok()) return Refuse(bytes.status().code(), bytes.status().message());
  if (bytes->size() != (*dt)->itemsize) {
    return Refuse(Code::kCorruption, "numpy scalar of dtype " + (*dt)->Str() + " has " + std::to_string(bytes->size()) + " bytes");
  }
  v->dtype = *dt;
  v->byte_view = *bytes;
  return v;
}

Result<Value*> Vm::EmuDType(const Value* a) {
  const auto& it = a->items;
  bool ok = !it.empty() && it.size() <= 3 && it[0]->kind == Kind::kStr;
  for (size_t k = 1; ok && k < it.size(); ++k) ok = it[k]->kind == Kind::kBool || (it[k]->kind == Kind::kInt && !it[k]->big);
  if (!ok) return Refuse(Code::kUnsupported, "numpy.dtype expects (str, bool, bool)");
  auto d = ParseDTypeSpec(it[0]->text());
  if (!d.ok()) return Refuse(d.status().code(), "numpy.dtype('" + EscapeForTerminal(it[0]->text()) + "'): " + d.status().message());
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kDType));
  v->dtype = std::move(*d);
  return v;
}

Result<Value*> Vm::EmuFromBuffer(const Value* a) {
  const auto& it = a->items;
  bool ok = it.size() == 4 && (it[0]->kind == Kind::kByteArray || it[0]->kind == Kind::kBytes) &&
            (it[3]->IsStr("C") || it[3]->IsStr("F"));
  if (!ok) return Refuse(Code::kUnsupported, "numpy _frombuffer expects (bytearray, dtype, shape, 'C'|'F')");
  auto dt = DTypeOf(it[1], "_frombuffer dtype");
  if (!dt.ok()) return Refuse(dt.status().code(), dt.status().message());
  auto shape = ShapeOf(it[2]);
  if (!shape.ok()) return Refuse(shape.status().code(), shape.status().message());
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kNdArray));
  v->array = std::make_unique<NdArray>();
  return FinishArray(v, *dt, std::move(*shape), it[3]->IsStr("F"), it[0], it[0]->bytes());
}

Result<Value*> Vm::EmuCodecsEncode(const Value* a) {
  const auto& it = a->items;
  bool ok = it.size() == 2 && it[0]->kind == Kind::kStr && (it[1]->IsStr("latin1") || it[1]->IsStr("latin-1"));
  if (!ok) return Refuse(Code::kUnsupported, "_codecs.encode expects (str, 'latin1')");
  auto latin1 = internal::Utf8ToLatin1(it[0]->text());
  if (!latin1) return Refuse(Code::kCorruption, "_codecs.encode text has characters above U+00FF");
  SAFEMODEL_RETURN_IF_ERROR(Charge(latin1->size()));
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kBytes));
  v->own_bytes = std::move(*latin1);
  v->byte_view = std::as_bytes(std::span(v->own_bytes));
  return v;
}

Result<Value*> Vm::EmuCopyreg(const Value* a) {
  const auto& it = a->items;
  bool ok = it.size() == 3 && it[1]->kind == Kind::kGlobal && it[2]->kind == Kind::kNone;
  const AllowEntry* base = ok ? FindAllowed(it[1]->module, it[1]->name) : nullptr;
  if (base == nullptr || base->role != Role::kObjectBase) {
    return Refuse(Code::kUnsupported, "copyreg._reconstructor expects (class, object, None)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Value * empty, New(Kind::kTuple));
  return NewObject(it[0], empty, nullptr, "copyreg._reconstructor");
}

Result<Value*> Vm::EmuOrderedDict(const Value* a) {
  const auto& it = a->items;
  if (it.size() > 1 || (it.size() == 1 && it[0]->kind != Kind::kList && it[0]->kind != Kind::kTuple)) {
    return Refuse(Code::kUnsupported, "collections.OrderedDict expects () or (list of pairs,)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Value * d, New(Kind::kDict));
  if (it.empty()) return d;
  for (const Value* p : it[0]->items) {
    if ((p->kind != Kind::kTuple && p->kind != Kind::kList) || p->items.size() != 2) {
      return Refuse(Code::kUnsupported, "collections.OrderedDict item is not a pair");
    }
    SAFEMODEL_RETURN_IF_ERROR(SetItem(d, const_cast<Value*>(p->items[0]), const_cast<Value*>(p->items[1])));
  }
  return d;
}

Result<Value*> Vm::EmuByteArray(const Value* a) {
  const auto& it = a->items;
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(Kind::kByteArray));
  if (it.empty()) return v;
  if (it.size() == 1 && it[0]->kind == Kind::kBytes) {
    v->byte_view = it[0]->bytes();
    return v;
  }
  if (it.size() == 2 && it[0]->kind == Kind::kStr && (it[1]->IsStr("latin-1") || it[1]->IsStr("latin1"))) {
    auto bytes = ArrayBytes(v, it[0]);
    if (!bytes.ok()) return Refuse(bytes.status().code(), bytes.status().message());
    v->byte_view = *bytes;
    return v;
  }
  return Refuse(Code::kUnsupported, "bytearray expects (), (bytes,) or (str, 'latin-1')");
}

Result<Value*> Vm::EmuSet(const Value* a, Kind kind) {
  const auto& it = a->items;
  if (it.size() > 1 || (it.size() == 1 && it[0]->kind != Kind::kList && it[0]->kind != Kind::kTuple &&
                        it[0]->kind != Kind::kSet && it[0]->kind != Kind::kFrozenSet)) {
    return Refuse(Code::kUnsupported, "set/frozenset expects () or (list,)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Value * v, New(kind));
  if (!it.empty()) {
    SAFEMODEL_RETURN_IF_ERROR(Charge(it[0]->items.size() * sizeof(void*)));
    v->items = it[0]->items;
  }
  return v;
}

// BUILD state of a dtype: (3, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]).
Result<Value*> Vm::BuildDType(Value* dt, const Value* state) {
  const auto& s = state->items;
  bool shape_ok = state->kind == Kind::kTuple && (s.size() == 8 || s.size() == 9) && s[0]->kind == Kind::kInt &&
                  (s[0]->i == 3 || s[0]->i == 4) && s[1]->kind == Kind::kStr && s[1]->text().size() == 1 &&
                  std::string_view("<>|=").find(s[1]->text()[0]) != std::string_view::npos &&
                  s[5]->kind == Kind::kInt && s[6]->kind == Kind::kInt && s[7]->kind == Kind::kInt &&
                  (s.size() == 8 || s[8]->kind == Kind::kNone);
  if (!shape_ok) return Refuse(Code::kUnsupported, "dtype state is not (3, byteorder, None, names, fields, elsize, alignment, flags)");
  if (s[2]->kind != Kind::kNone) return Refuse(Code::kUnsupported, "subarray dtypes are not supported");
  DTypeDesc d = *dt->dtype;
  d.byteorder = s[1]->text()[0] == '=' ? '<' : s[1]->text()[0];
  int64_t elsize = s[5]->i;
  bool has_names = s[3]->kind != Kind::kNone;
  if (has_names != (s[4]->kind != Kind::kNone)) return Refuse(Code::kCorruption, "dtype has names without fields (or fields without names)");
  if (!has_names) {
    if (elsize >= 0 && (d.kind == 'V' || d.kind == 'S' || d.kind == 'U') && (d.itemsize == 0 || d.itemsize == uint64_t(elsize))) {
      d.itemsize = uint64_t(elsize);
    } else if (elsize != -1 && uint64_t(elsize) != d.itemsize) {
      return Refuse(Code::kCorruption, "dtype state size " + std::to_string(elsize) + " disagrees with " + d.Str());
    }
  } else {
    if (s[3]->kind != Kind::kTuple || s[4]->kind != Kind::kDict || d.kind != 'V' || elsize < 0 ||
        (d.itemsize != 0 && d.itemsize != uint64_t(elsize)) || s[3]->items.size() > 4096 ||
        s[4]->entries.size() != s[3]->items.size()) {
      return Refuse(Code::kCorruption, "structured dtype state is inconsistent");
    }
    d.itemsize = uint64_t(elsize);
    std::vector<std::pair<uint64_t, uint64_t>> spans;
    for (const Value* n : s[3]->items) {
      const Value* f = n->kind == Kind::kStr ? s[4]->Get(n->text()) : nullptr;
      if (f == nullptr || f->kind != Kind::kTuple || f->items.size() != 2 || f->items[0]->kind != Kind::kDType ||
          f->items[1]->kind != Kind::kInt || f->items[1]->i < 0) {
        return Refuse(Code::kUnsupported, "structured dtype field is not (dtype, offset)");
      }
      DTypeField field{std::string(n->text()), f->items[0]->dtype, uint64_t(f->items[1]->i)};
      auto end = CheckedAdd(field.offset, field.dtype->itemsize);
      if (!end || *end > d.itemsize || field.dtype->kind == 'O') {
        return Refuse(Code::kCorruption, "structured dtype field '" + EscapeForTerminal(field.name) + "' is outside the record or holds objects");
      }
      spans.emplace_back(field.offset, *end);
      d.depth = std::max(d.depth, field.dtype->depth + 1);
      d.fields.push_back(std::move(field));
    }
    std::sort(spans.begin(), spans.end());
    for (size_t k = 1; k < spans.size(); ++k) {
      if (spans[k].first < spans[k - 1].second) return Refuse(Code::kCorruption, "structured dtype fields overlap");
    }
    if (d.depth > 4) return Refuse(Code::kUnsupported, "structured dtypes nested deeper than 4");
  }
  if (d.itemsize == 0) return Refuse(Code::kUnsupported, "zero-size dtype");
  SAFEMODEL_RETURN_IF_ERROR(Charge(sizeof(DTypeDesc) + d.fields.size() * 64));
  dt->dtype = std::make_shared<const DTypeDesc>(std::move(d));
  dt->built = true;
  return dt;
}

Result<Value*> Vm::FinishArray(Value* arr, std::shared_ptr<const DTypeDesc> dt, std::vector<uint64_t> shape,
                               bool fortran, const Value* raw, std::span<const std::byte> data) {
  auto count = CheckedProduct(shape);
  if (!count) return Refuse(Code::kCorruption, "array shape " + ShapeString(shape) + " overflows");
  NdArray& a = *arr->array;
  if (dt->kind == 'O') {
    if (raw == nullptr || raw->kind != Kind::kList || raw->items.size() != *count) {
      return Refuse(Code::kCorruption, "object array of shape " + ShapeString(shape) + " does not hold a list of " +
                                           std::to_string(*count) + " values");
    }
    a.objects = raw->items;
  } else {
    auto nbytes = CheckedMul(*count, dt->itemsize);
    if (!nbytes || *nbytes != data.size()) {
      return Refuse(Code::kCorruption, "array data is " + std::to_string(data.size()) + " bytes; shape " +
                                           ShapeString(shape) + " of " + dt->Str() + " needs " +
                                           (nbytes ? std::to_string(*nbytes) : std::string("more than 2^64")));
    }
    a.data = data;
  }
  a.dtype = std::move(dt);
  a.shape = std::move(shape);
  a.fortran_order = fortran;
  arr->built = true;
  return arr;
}

// BUILD state of an array: ([1,] shape, dtype, is_fortran, raw).
Result<Value*> Vm::BuildArray(Value* arr, const Value* state) {
  if (state->kind != Kind::kTuple || (state->items.size() != 5 && state->items.size() != 4)) {
    return Refuse(Code::kUnsupported, "array state is not (version, shape, dtype, is_fortran, data)");
  }
  std::span<const Value* const> s = state->items;
  if (s.size() == 5) {
    if (s[0]->kind != Kind::kInt || s[0]->i != 1) return Refuse(Code::kUnsupported, "array state version is not 1");
    s = s.subspan(1);
  }
  auto shape = ShapeOf(s[0]);
  if (!shape.ok()) return Refuse(shape.status().code(), shape.status().message());
  auto dt = DTypeOf(s[1], "array dtype");
  if (!dt.ok()) return Refuse(dt.status().code(), dt.status().message());
  if (s[2]->kind != Kind::kBool && s[2]->kind != Kind::kInt) return Refuse(Code::kUnsupported, "array is_fortran is not a bool");
  bool fortran = s[2]->kind == Kind::kBool ? s[2]->b : s[2]->i != 0;
  std::span<const std::byte> data;
  if ((*dt)->kind != 'O') {
    auto bytes = ArrayBytes(arr, s[3]);
    if (!bytes.ok()) return Refuse(bytes.status().code(), bytes.status().message());
    data = *bytes;
  }
  return FinishArray(arr, *dt, std::move(*shape), fortran, s[3], data);
}

// joblib's NumpyArrayWrapper: the array bytes follow this BUILD in the stream,
// after an optional alignment padding (1 length byte, then that many 0xff).
Result<Value*> Vm::BuildJoblib(Value* w, const Value* state) {
  const Value* dtype_v = state->Get("dtype");
  const Value* shape_v = state->Get("shape");
  const Value* order = state->Get("order");
  const Value* align = state->Get("numpy_array_alignment_bytes");
  if (state->kind != Kind::kDict || dtype_v == nullptr || shape_v == nullptr || order == nullptr ||
      !(order->IsStr("C") || order->IsStr("F"))) {
    return Err(Code::kUnsupported, "joblib NumpyArrayWrapper state lacks dtype/shape/order");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto dt, DTypeOf(dtype_v, "joblib array dtype"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto shape, ShapeOf(shape_v));
  if (dt->kind == 'O') return NestedObjectArray(w, state);
  auto count = CheckedProduct(shape);
  auto nbytes = count ? CheckedMul(*count, dt->itemsize) : std::nullopt;
  if (!nbytes) return Err(Code::kCorruption, "joblib array shape " + ShapeString(shape) + " overflows");
  if (align != nullptr && align->kind != Kind::kNone) {
    if (align->kind != Kind::kInt || align->i < 1 || align->i > 255) {
      return Err(Code::kUnsupported, "joblib alignment is not 1..255");
    }
    uint64_t a = uint64_t(align->i);
    uint64_t expect = a - (pos_ + 1) % a;
    SAFEMODEL_ASSIGN_OR_RETURN(uint8_t pad, Little<uint8_t>());
    if (pad != expect) return Err(Code::kCorruption, "joblib padding of " + std::to_string(pad) + " bytes, expected " + std::to_string(expect));
    SAFEMODEL_ASSIGN_OR_RETURN(auto fill, Take(pad));
    for (std::byte b : fill) {
      if (uint8_t(b) != 0xFF) return Err(Code::kCorruption, "joblib padding byte is not 0xff");
    }
  }
  if (*nbytes > limits_.max_string_bytes) return Err(Code::kLimitExceeded, "joblib array of " + std::to_string(*nbytes) + " bytes (limit)");
  SAFEMODEL_ASSIGN_OR_RETURN(auto data, Take(*nbytes));
  w->state = state;
  w->built = true;
  SAFEMODEL_ASSIGN_OR_RETURN(Value * arr, New(Kind::kNdArray));
  arr->offset = w->offset;
  arr->array = std::make_unique<NdArray>();
  const Value* sub = state->Get("subclass");
  arr->array->subclass = sub != nullptr && sub->kind == Kind::kGlobal ? sub->module + "." + sub->name : "numpy.ndarray";
  return FinishArray(arr, dt, std::move(shape), order->IsStr("F"), nullptr, data);
}

// joblib writes an object-dtype array as a complete nested pickle (protocol 2)
// right after the wrapper. We run it with the same graph, limits and report
// but a fresh stack and memo; it must produce an object array. One level only.
Result<Value*> Vm::NestedObjectArray(Value* w, const Value* state) {
  if (nesting_ > 0) return Err(Code::kUnsupported, "joblib array wrapper inside a nested object-array pickle");
  Vm inner(data_, limits_, g_, rep_);
  inner.pos_ = pos_;
  inner.total_ = total_;
  inner.nesting_ = nesting_ + 1;
  const Value* root = nullptr;
  Status st = inner.RunStream(&root);
  total_ = inner.total_;
  pos_ = inner.pos_;
  if (!inner.first_refusal_.ok() && first_refusal_.ok()) first_refusal_ = inner.first_refusal_;
  SAFEMODEL_RETURN_IF_ERROR(st);
  w->state = state;
  w->built = true;
  if (root->kind == Kind::kOpaque) return const_cast<Value*>(root);
  if (root->kind != Kind::kNdArray || root->array == nullptr || root->array->dtype == nullptr ||
      root->array->dtype->kind != 'O') {
    return Refuse(Code::kCorruption, "joblib object-array pickle holds a " + std::string(KindName(root->kind)) +
                                         ", not an object array");
  }
  return const_cast<Value*>(root);
}

// ============================================================================
// After the stream: refuse cycles, over-deep graphs and exploding sharing.

size_t NumChildren(const Value* v) {
  return v->items.size() + 2 * v->entries.size() + 3 + (v->array ? v->array->objects.size() : 0);
}
const Value* Child(const Value* v, size_t i) {
  if (i < v->items.size()) return v->items[i];
  i -= v->items.size();
  if (i < 2 * v->entries.size()) return i % 2 ? v->entries[i / 2].second : v->entries[i / 2].first;
  i -= 2 * v->entries.size();
  if (i == 0) return v->args;
  if (i == 1) return v->kwargs;
  if (i == 2) return v->state;
  return v->array->objects[i - 3];
}

Status Vm::CheckGraph(const Value* root) {
  struct Frame {
    Value* v;
    size_t next;
  };
  // Nodes are owned by the graph as mutable Values; the walk bookkeeping lives in them.
  auto mut = [](const Value* v) { return const_cast<Value*>(v); };
  std::vector<Frame> st;
  st.push_back({mut(root), 0});
  mut(root)->walk_color = 1;
  while (!st.empty()) {
    Frame& f = st.back();
    if (f.next < NumChildren(f.v)) {
      const Value* c = Child(f.v, f.next++);
      if (c == nullptr || c->walk_color == 2) continue;
      if (c->walk_color == 1) {
        return Status(Code::kUnsupported, "pickle@" + HexOffset(c->offset) + ": " + Describe(c) +
                                              " contains itself (cycles are refused)");
      }
      if (st.size() >= limits_.max_depth) {
        return Status(Code::kLimitExceeded, "pickle@" + HexOffset(c->offset) + ": values nested deeper than " +
                                                std::to_string(limits_.max_depth) + " (limit)");
      }
      mut(c)->walk_color = 1;
      st.push_back({mut(c), 0});
      continue;
    }
    uint64_t expanded = 1;
    for (size_t k = 0; k < NumChildren(f.v); ++k) {
      const Value* c = Child(f.v, k);
      if (c != nullptr) expanded = CheckedAdd(expanded, c->walk_expanded).value_or(UINT64_MAX);
    }
    if (expanded > limits_.max_expanded_nodes) {
      return Status(Code::kLimitExceeded, "pickle@" + HexOffset(f.v->offset) + ": " + Describe(f.v) +
                                              " expands to more than " + std::to_string(limits_.max_expanded_nodes) +
                                              " values through shared references (limit)");
    }
    f.v->walk_expanded = expanded;
    f.v->walk_color = 2;
    st.pop_back();
  }
  return Status::Ok();
}

std::string DisallowedMessage(const ScanReport& rep) {
  auto bad = rep.Disallowed();
  const GlobalRef& first = bad.front();
  std::string msg = "pickle@" + HexOffset(first.offset) + ": " + first.opcode + " " + Quote(first.module, first.name) +
                    " is not allowed (" + first.reason + ")";
  msg += "; untrusted names in the file (" + std::to_string(rep.disallowed_total) + "):";
  std::unordered_set<std::string> seen;
  size_t shown = 0;
  for (const GlobalRef& g : bad) {
    if (!seen.insert(g.module + "\n" + g.name).second) continue;
    if (++shown > 64) {
      msg += " ...";
      break;
    }
    msg += " " + EscapeForTerminal(g.module + "." + g.name) + "@" + HexOffset(g.offset);
  }
  return msg;
}

// Runs every stream of `data`; `build` stops after the first.
Status RunAll(std::span<const std::byte> data, const Limits& limits, Graph* g, ScanReport* rep, bool build) {
  Vm vm(data, limits, g, rep);
  Status structural;
  const Value* root = nullptr;
  while (rep->streams < int(limits.max_streams)) {
    vm.Reset();
    ++rep->streams;
    structural = vm.RunStream(&root);
    if (!structural.ok() || vm.at_end()) break;
    if (build) {  // keep scanning for names, but the file is refused
      structural = Status(Code::kCorruption, "pickle@" + HexOffset(vm.pos()) + ": " +
                                                 std::to_string(data.size() - vm.pos()) + " trailing bytes after STOP");
      Graph scratch;
      ScanReport more;
      Status ignored = RunAll(data.subspan(vm.pos()), limits, &scratch, &more, false);
      (void)ignored;
      for (GlobalRef& r : more.globals) {
        r.offset += vm.pos();
        if (!r.allowed) rep->globals.push_back(std::move(r));
      }
      rep->disallowed_total += more.disallowed_total;
      break;
    }
  }
  if (vm.saw_joblib() && rep->container == "pickle") rep->container = "joblib";
  if (structural.ok() && !vm.at_end() && !build) {
    structural = Status(Code::kLimitExceeded, "more than " + std::to_string(limits.max_streams) + " pickle streams");
  }
  if (rep->disallowed_total > 0) {
    rep->status = Status(Code::kUnsupported, DisallowedMessage(*rep));
  } else if (!vm.first_refusal().ok()) {
    rep->status = vm.first_refusal();
  } else {
    rep->status = structural;
  }
  if (build && rep->status.ok()) {
    rep->status = vm.CheckGraph(root);
    g->set_root(root);
  }
  return rep->status;
}

}  // namespace

bool ScanReport::AllAllowed() const { return disallowed_total == 0; }

std::vector<GlobalRef> ScanReport::Disallowed() const {
  std::vector<GlobalRef> out;
  for (const GlobalRef& g : globals) {
    if (!g.allowed) out.push_back(g);
  }
  return out;
}

Result<Graph> ParsePickle(std::span<const std::byte> bytes, const Limits& limits) {
  Graph g;
  ScanReport rep;
  SAFEMODEL_RETURN_IF_ERROR(RunAll(bytes, limits, &g, &rep, true));
  g.set_container(rep.container);
  return g;
}

Result<Graph> ParseModelBytes(std::span<const std::byte> bytes, const Limits& limits) {
  std::string container;
  bool compressed = false;
  SAFEMODEL_ASSIGN_OR_RETURN(auto plain, Decompress(bytes, limits, &container, &compressed));
  Graph g;
  if (compressed) {
    g.Own(std::move(plain));
    bytes = g.LastOwned();
  }
  ScanReport rep;
  rep.container = container;
  Status st = RunAll(bytes, limits, &g, &rep, true);
  if (!st.ok()) return compressed ? st.Wrap("in the decompressed " + container + " stream") : st;
  g.set_container(rep.container);
  return g;
}

ScanReport ScanModelBytes(std::span<const std::byte> bytes, const Limits& limits) {
  ScanReport rep;
  std::string container;
  bool compressed = false;
  auto plain = Decompress(bytes, limits, &container, &compressed);
  rep.container = container;
  if (!plain.ok()) {
    rep.status = plain.status();
    return rep;
  }
  Graph g;
  Status st = RunAll(compressed ? std::span<const std::byte>(*plain) : bytes, limits, &g, &rep, false);
  (void)st;  // kept in rep.status
  return rep;
}

Result<Graph> ParseModelFile(const std::string& path, const Limits& limits) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path, limits.max_string_bytes));
  std::vector<std::byte> copy(file.bytes().begin(), file.bytes().end());
  std::string container;
  bool compressed = false;
  SAFEMODEL_ASSIGN_OR_RETURN(auto plain, Decompress(copy, limits, &container, &compressed));
  Graph g;
  g.Own(compressed ? std::move(plain) : std::move(copy));
  ScanReport rep;
  rep.container = container;
  Status st = RunAll(g.LastOwned(), limits, &g, &rep, true);
  if (!st.ok()) return compressed ? st.Wrap("in the decompressed " + container + " stream") : st;
  g.set_container(rep.container);
  return g;
}

Result<ScanReport> ScanModelFile(const std::string& path, const Limits& limits) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto file, MappedFile::Open(path, limits.max_string_bytes));
  return ScanModelBytes(file.bytes(), limits);
}

}  // namespace safemodel::pickle
