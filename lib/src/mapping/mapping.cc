#include "mapping/mapping.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "mapping/graph_read.h"
#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

bool IsArray(const Value* v) { return v != nullptr && v->kind == Kind::kNdArray; }
bool IsSequence(const Value* v) { return v != nullptr && (v->kind == Kind::kList || v->kind == Kind::kTuple); }

// numpy kind + itemsize -> our tensor dtype.
std::optional<DType> TensorDType(char kind, uint64_t itemsize) {
  switch (kind) {
    case 'f': return itemsize == 2 ? DType::kF16 : itemsize == 4 ? DType::kF32 : DType::kF64;
    case 'i': return itemsize == 1 ? DType::kI8 : itemsize == 2 ? DType::kI16 : itemsize == 4 ? DType::kI32 : DType::kI64;
    case 'u': return itemsize == 1 ? DType::kU8 : itemsize == 2 ? DType::kU16 : itemsize == 4 ? DType::kU32 : DType::kU64;
    case 'b': return DType::kBool;
    default: return std::nullopt;
  }
}

Result<format::OwnedTensor> ToTensor(const Value* v, std::string name) {
  const std::string what = "array '" + EscapeForTerminal(name) + "'";
  SAFEMODEL_ASSIGN_OR_RETURN(PlainArray a, ReadPlainArray(v, what));
  auto dtype = TensorDType(a.kind, a.itemsize);
  if (!dtype) return Unsupported(Where(v, what) + ": dtype not supported");  // unreachable: ReadPlainArray checked
  if (a.kind == 'b') {
    for (size_t i = 0; i < a.bytes.size(); ++i) {
      if (static_cast<uint8_t>(a.bytes[i]) > 1) {
        return Corruption(Where(v, what) + "[" + std::to_string(i) + "]: bool byte " +
                          std::to_string(static_cast<unsigned>(a.bytes[i])) + " is not 0 or 1");
      }
    }
  }
  format::OwnedTensor t;
  t.name = std::move(name);
  t.dtype = *dtype;
  t.shape = std::move(a.shape);
  t.bytes.assign(reinterpret_cast<const char*>(a.bytes.data()), a.bytes.size());
  return t;
}

// Dict keys name members and tensors: str only.
Result<std::string> KeyName(const Value* k) {
  if (k == nullptr || k->kind != Kind::kStr) {
    return Unsupported(Where(k, "dict key") + ": only str keys can name members, got " + pickle::Describe(k));
  }
  if (k->text().empty()) return Unsupported(Where(k, "dict key") + ": empty key cannot name a member");
  // Names end up in headers and on terminals (the VM already made the text UTF-8).
  if (!IsValidUtf8(k->text()) || HasControlChars(k->text())) {
    return Unsupported(Where(k, "dict key") + ": key '" + EscapeForTerminal(k->text()) +
                       "' has control characters and cannot name a member");
  }
  return std::string(k->text());
}

// The root's children with their names (dict keys, or list indices).
Result<std::vector<std::pair<std::string, const Value*>>> Children(const Value* root) {
  std::vector<std::pair<std::string, const Value*>> out;
  if (root->kind == Kind::kDict) {
    for (const auto& [k, v] : root->entries) {
      SAFEMODEL_ASSIGN_OR_RETURN(std::string name, KeyName(k));
      out.emplace_back(std::move(name), v);
    }
  } else {
    for (size_t i = 0; i < root->items.size(); ++i) out.emplace_back(std::to_string(i), root->items[i]);
  }
  return out;
}

std::string MemberPath(const Value* root, const std::string& name) {
  return root->kind == Kind::kDict ? "root['" + EscapeForTerminal(name) + "']" : "root[" + name + "]";
}

Result<format::BundleMember> MapMember(const Value* root, std::string name, const Value* v, MapContext& ctx) {
  format::BundleMember m;
  const std::string path = MemberPath(root, name);
  m.name = std::move(name);
  if (v == nullptr) return Corruption(Where(root, path) + ": missing value");
  switch (v->kind) {
    case Kind::kNone: m.value = std::monostate{}; return m;
    case Kind::kBool: m.value = v->b; return m;
    case Kind::kInt:
      if (v->big) return Unsupported(Where(v, path) + ": integer does not fit int64");
      m.value = v->i;
      return m;
    case Kind::kFloat: m.value = v->f; return m;
    case Kind::kStr: m.value = std::string(v->text()); return m;
    case Kind::kScalar: {
      // numpy scalars people keep next to a model (np.float64(0.4) thresholds).
      const char kind = v->dtype != nullptr ? v->dtype->kind : '?';
      if (kind == 'b') {
        SAFEMODEL_ASSIGN_OR_RETURN(m.value, ReadBool(v, path));
      } else if (kind == 'i' || kind == 'u') {
        SAFEMODEL_ASSIGN_OR_RETURN(m.value, ReadInt(v, path));
      } else {
        SAFEMODEL_ASSIGN_OR_RETURN(m.value, ScalarToDouble(v, path));
      }
      return m;
    }
    case Kind::kObject: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto e, MapEstimator(v, path, ctx));
      m.value = std::move(e);
      return m;
    }
    case Kind::kNdArray:
      return Unsupported(Where(v, path) + ": a numpy array next to estimators cannot be a bundle member "
                                          "(only a container of nothing but arrays converts, to weights)");
    default:
      return Unsupported(Where(v, path) + ": a " + std::string(pickle::KindName(v->kind)) +
                         " cannot be a bundle member (estimators, None, bool, int, float and str can)");
  }
}

Result<format::Bundle> MapBundle(const Value* root, MapContext& ctx) {
  format::Bundle b;
  b.container = root->kind == Kind::kDict   ? format::Bundle::Container::kDict
                : root->kind == Kind::kList ? format::Bundle::Container::kList
                                            : format::Bundle::Container::kTuple;
  SAFEMODEL_ASSIGN_OR_RETURN(auto children, Children(root));
  bool any_estimator = false;
  for (auto& [name, v] : children) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto m, MapMember(root, std::move(name), v, ctx));
    any_estimator |= std::holds_alternative<estimators::Estimator>(m.value);
    b.members.push_back(std::move(m));
  }
  if (!any_estimator) {
    return Unsupported(Where(root, "root") + ": the " + std::string(pickle::KindName(root->kind)) +
                       " holds no estimator and not only arrays: nothing to convert");
  }
  return b;
}

Result<std::vector<format::OwnedTensor>> MapWeights(const Value* root) {
  std::vector<format::OwnedTensor> out;
  if (IsArray(root)) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto t, ToTensor(root, "array"));
    out.push_back(std::move(t));
    return out;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(auto children, Children(root));
  for (auto& [name, v] : children) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto t, ToTensor(v, std::move(name)));
    out.push_back(std::move(t));
  }
  return out;
}

std::string SourceFormat(const pickle::Graph& g) {
  std::string s = g.container();
  if (s == "pickle") s += " protocol " + std::to_string(g.protocol());
  return s;
}

}  // namespace

Result<Converted> MapGraph(const pickle::Graph& graph) {
  const Value* root = graph.root();
  if (root == nullptr) return Corruption("pickle: the graph has no root value");
  Converted out;
  out.metadata.extra["safemodel.source_format"] = SourceFormat(graph);
  MapContext ctx;

  const bool container = root->kind == Kind::kDict || IsSequence(root);
  bool only_arrays = IsArray(root);
  if (container) {
    const size_t n = root->kind == Kind::kDict ? root->entries.size() : root->items.size();
    if (n == 0) return Unsupported(Where(root, "root") + ": an empty " + std::string(pickle::KindName(root->kind)) + " has nothing to convert");
    only_arrays = root->kind == Kind::kDict
                      ? std::all_of(root->entries.begin(), root->entries.end(), [](const auto& e) { return IsArray(e.second); })
                      : std::all_of(root->items.begin(), root->items.end(), IsArray);
  }
  if (only_arrays) {
    SAFEMODEL_ASSIGN_OR_RETURN(out.weights, MapWeights(root));
    return out;
  }
  if (container) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto bundle, MapBundle(root, ctx));
    out.content = format::ModelContent(std::move(bundle));
  } else if (root->kind == Kind::kObject) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto e, MapEstimator(root, EscapeForTerminal(root->name), ctx));
    out.metadata.feature_names = e.feature_names;  // descriptive copy; the estimator's own are used
    out.content = format::ModelContent(std::move(e));
  } else {
    return Unsupported(Where(root, "root") + ": " + pickle::Describe(root) +
                       " is neither an estimator, a container of estimators, nor arrays");
  }
  std::string versions;
  for (const auto& v : ctx.sklearn_versions) versions += (versions.empty() ? "" : ", ") + v;
  if (!versions.empty()) out.metadata.library_versions["scikit-learn"] = versions;
  return out;
}

}  // namespace safemodel::mapping
