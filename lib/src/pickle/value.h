// The inert object graph that the pickle VM builds.
//
// A `Graph` owns every node (an arena: nodes are heap objects that never
// move, linked by non-owning `const Value*`). Nothing in a graph can run
// code: a class is only a (module, name) pair that was on the allowlist when
// the VM saw it, and an "object" is that pair plus the arguments and state
// the file gave it.
//
// Sharing and cycles: memo GET/DUP make the same node reachable twice, so a
// graph is a DAG, not a tree. Cycles (a list appended to itself through the
// memo) are refused after the VM finishes, together with DAGs whose
// expansion as a tree would exceed Limits::max_expanded_nodes ("billion
// laughs") or whose depth exceeds Limits::max_depth. A consumer may therefore
// recurse through a finished graph up to max_depth, and a full tree walk
// visits at most max_expanded_nodes nodes.
//
// Byte views (`Value::bytes`, array data) may borrow from the input span the
// VM was given, or from a buffer the Graph owns (decompressed joblib). They
// live as long as both the Graph and that input.
#ifndef SAFEMODEL_PICKLE_VALUE_H_
#define SAFEMODEL_PICKLE_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace safemodel::pickle {

enum class Kind : uint8_t {
  kNone,
  kBool,       // b
  kInt,        // i (fits int64), or big: `bytes` = little-endian two's complement
  kFloat,      // f
  kStr,        // text() is UTF-8; for Python 2 STRING opcodes raw() has the bytes
  kBytes,      // bytes()
  kByteArray,  // bytes()
  kList,       // items
  kTuple,      // items
  kDict,       // entries (insertion order; equal simple keys merged as Python does)
  kSet,        // items
  kFrozenSet,  // items
  kGlobal,     // module, name: an allowlisted name used as a value (e.g. numpy.float64)
  kObject,     // module, name = the class; args (tuple or null), kwargs, state (or null)
  kNdArray,    // array
  kDType,      // dtype
  kScalar,     // dtype + bytes() (one element)
  kOpaque,     // scan mode only: the result of something refused (never in a built graph)
};

std::string_view KindName(Kind k);

struct DTypeDesc;

// One field of a structured dtype.
struct DTypeField {
  std::string name;
  std::shared_ptr<const DTypeDesc> dtype;
  uint64_t offset = 0;
};

// A numpy dtype as pickled: `numpy.dtype(spec)` plus its BUILD state.
struct DTypeDesc {
  char kind = 'V';        // numpy kind: b i u f c V U S O M m
  char byteorder = '|';   // '<' '>' '|' ('=' is stored as '<': we run on little-endian only)
  uint64_t itemsize = 0;  // bytes per element
  std::vector<DTypeField> fields;  // structured dtypes, in `names` order
  int depth = 0;          // nesting of structured fields (bounded)

  bool structured() const { return !fields.empty(); }
  // Lowercase numpy-style string: "<f8", "|u1", "|V56", "|O"...
  std::string Str() const;
  const DTypeField* Field(std::string_view name) const;
};

struct Value;

struct NdArray {
  std::string subclass = "numpy.ndarray";   // or numpy.matrixlib.defmatrix.matrix
  std::shared_ptr<const DTypeDesc> dtype;
  std::vector<uint64_t> shape;
  bool fortran_order = false;
  std::span<const std::byte> data;          // itemsize * product(shape) bytes (checked)
  std::vector<const Value*> objects;        // object arrays (dtype kind 'O') instead of data
  uint64_t NumElements() const;
};

struct Value {
  Kind kind = Kind::kNone;
  uint64_t offset = 0;  // file offset of the opcode that made this node

  bool b = false;
  bool big = false;     // kInt: value in bytes()
  bool py2_str = false; // kStr from STRING/BINSTRING: raw() holds the original bytes
  int64_t i = 0;
  double f = 0.0;

  std::string_view text_view;   // kStr: UTF-8 text
  std::span<const std::byte> byte_view;  // kBytes, kByteArray, kScalar, big kInt, py2 kStr raw

  std::vector<const Value*> items;                             // list/tuple/set
  std::vector<std::pair<const Value*, const Value*>> entries;  // dict

  std::string module, name;       // kGlobal, kObject
  const Value* args = nullptr;    // kObject: constructor arguments (tuple) if any
  const Value* kwargs = nullptr;  // kObject: NEWOBJ_EX keyword arguments
  const Value* state = nullptr;   // kObject: BUILD state, null if never built

  std::unique_ptr<NdArray> array;               // kNdArray
  std::shared_ptr<const DTypeDesc> dtype;       // kDType, kScalar

  std::string_view text() const { return text_view; }
  std::span<const std::byte> bytes() const { return byte_view; }
  std::span<const std::byte> raw() const { return byte_view; }
  std::string_view bytes_sv() const {
    return {reinterpret_cast<const char*>(byte_view.data()), byte_view.size()};
  }
  bool IsStr(std::string_view s) const { return kind == Kind::kStr && text_view == s; }
  bool IsClass(std::string_view m, std::string_view n) const {
    return (kind == Kind::kObject || kind == Kind::kGlobal) && module == m && name == n;
  }
  // kDict: the value for a string key, or null.
  const Value* Get(std::string_view key) const;

  // Owned storage behind the views (private to the VM; do not touch).
  std::string own_text;
  std::string own_bytes;
  std::unique_ptr<std::unordered_map<std::string, size_t>> dict_index;
  bool built = false;        // kObject/kNdArray/kDType: BUILD (or its emulation) done
  uint8_t walk_color = 0;    // post-pass bookkeeping
  uint32_t walk_height = 0;
  uint64_t walk_expanded = 0;
};

// Owns the nodes (and, for decompressed input, the bytes they borrow).
class Graph {
 public:
  Graph() = default;
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  const Value* root() const { return root_; }
  size_t size() const { return nodes_.size(); }
  // Protocol of the stream (0 if it had no PROTO opcode).
  int protocol() const { return protocol_; }
  // "pickle", "joblib", "joblib-zlib", "joblib-gzip", ...
  const std::string& container() const { return container_; }

  // --- for the VM ---
  Value* New(Kind kind, uint64_t offset);
  void set_root(const Value* v) { root_ = v; }
  void set_protocol(int p) { protocol_ = p; }
  void set_container(std::string c) { container_ = std::move(c); }
  void Own(std::vector<std::byte> buf) { buffers_.push_back(std::make_unique<std::vector<std::byte>>(std::move(buf))); }
  std::span<const std::byte> LastOwned() const {
    return buffers_.empty() ? std::span<const std::byte>() : std::span<const std::byte>(*buffers_.back());
  }

 private:
  std::vector<std::unique_ptr<Value>> nodes_;
  std::vector<std::unique_ptr<std::vector<std::byte>>> buffers_;
  const Value* root_ = nullptr;
  int protocol_ = 0;
  std::string container_ = "pickle";
};

// A short, terminal-safe description of a node for messages: "dict@0x1a",
// "object sklearn.tree._tree.Tree@0x2f0".
std::string Describe(const Value* v);

}  // namespace safemodel::pickle

#endif  // SAFEMODEL_PICKLE_VALUE_H_
