#include "pickle/value.h"

#include "util/byte_reader.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::pickle {

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kNone: return "None";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kStr: return "str";
    case Kind::kBytes: return "bytes";
    case Kind::kByteArray: return "bytearray";
    case Kind::kList: return "list";
    case Kind::kTuple: return "tuple";
    case Kind::kDict: return "dict";
    case Kind::kSet: return "set";
    case Kind::kFrozenSet: return "frozenset";
    case Kind::kGlobal: return "global";
    case Kind::kObject: return "object";
    case Kind::kNdArray: return "ndarray";
    case Kind::kDType: return "dtype";
    case Kind::kScalar: return "numpy scalar";
    case Kind::kOpaque: return "refused value";
  }
  return "?";
}

std::string DTypeDesc::Str() const {
  std::string s(1, byteorder);
  s += kind;
  if (kind != 'O') s += std::to_string(kind == 'U' ? itemsize / 4 : itemsize);
  return s;
}

const DTypeField* DTypeDesc::Field(std::string_view n) const {
  for (const auto& f : fields) {
    if (f.name == n) return &f;
  }
  return nullptr;
}

uint64_t NdArray::NumElements() const {
  // Checked when the array was built; cannot overflow here.
  return CheckedProduct(shape).value_or(0);
}

const Value* Value::Get(std::string_view key) const {
  if (kind != Kind::kDict) return nullptr;
  if (dict_index) {
    auto it = dict_index->find("s:" + std::string(key));
    return it == dict_index->end() ? nullptr : entries[it->second].second;
  }
  for (const auto& [k, v] : entries) {
    if (k->kind == Kind::kStr && k->text_view == key) return v;
  }
  return nullptr;
}

Value* Graph::New(Kind kind, uint64_t offset) {
  auto v = std::make_unique<Value>();
  v->kind = kind;
  v->offset = offset;
  nodes_.push_back(std::move(v));
  return nodes_.back().get();
}

std::string Describe(const Value* v) {
  if (v == nullptr) return "nothing";
  std::string s(KindName(v->kind));
  if (v->kind == Kind::kObject || v->kind == Kind::kGlobal) {
    s += " " + EscapeForTerminal(v->module + "." + v->name);
  }
  return s + "@" + HexOffset(v->offset);
}

}  // namespace safemodel::pickle
