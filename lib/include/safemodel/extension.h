// safemodel/extension.h — model kinds defined by users (docs/EXTENDING.md).
//
// A kind is a Cap'n Proto struct of your own (its schema), a validator that
// turns a verified struct plus tensors into a checked C++ object, a writer
// that does the reverse, and the methods the object offers. The library does
// everything else, exactly as for its own estimators: framing, signatures
// checked before anything is parsed, limits, canonical form, tensor hashes,
// error places. A file of a kind that the reading program has not registered
// is refused, naming the kind; it is never skipped or partly loaded.
//
//   safemodel::Kind<myschema::Scorecard, Scorecard> kind;
//   kind.name = "org.example.scorecard";
//   kind.version = 1;
//   kind.read = ReadScorecard;      // Result<Scorecard>(Reader, TensorSource&)
//   kind.write = WriteScorecard;    // Status(const Scorecard&, Builder, TensorSink&)
//   kind.num_features = [](const Scorecard& s) { return s.n_features; };
//   kind.methods[safemodel::Method::kPredictProba] = Proba;  // Result<Output>(const Scorecard&, const Rows&)
//   auto kinds = std::make_shared<safemodel::KindRegistry>();
//   SAFEMODEL_RETURN_IF_ERROR(kinds->Add(kind));
//   safemodel::LoadOptions options;
//   options.kinds = kinds;
//   SAFEMODEL_ASSIGN_OR_RETURN(auto model, safemodel::Model::Open(path, trust, options));
//   SAFEMODEL_ASSIGN_OR_RETURN(auto out, model.Run(safemodel::Method::kPredictProba, x, rows, cols));
//
// The validator's contract: when `read` returns an object, every method must
// be safe on it for any input rows (no out-of-bounds access, no unbounded
// loop or allocation, whatever the file held). The library checks the input
// width against num_features and the shape of every Output before anyone
// sees it, and turns exceptions thrown by `read`, `write` or a method into
// errors, but it cannot check the extension's own maths.
//
// Thread-safety: a KindRegistry is immutable once shared; methods are called
// concurrently on one object (Model::Run with RunOptions::threads) and must
// not modify it.
#ifndef SAFEMODEL_EXTENSION_H_
#define SAFEMODEL_EXTENSION_H_

#include <capnp/any.h>
#include <capnp/blob.h>
#include <capnp/generated-header-support.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "safemodel/metadata.h"
#include "safemodel/model.h"
#include "safemodel/options.h"
#include "safemodel/predict.h"
#include "safemodel/status.h"
#include "safemodel/tensor.h"
#include "safemodel/writer.h"

namespace safemodel {

// num_features() of a kind that takes inputs of any width.
inline constexpr int64_t kAnyColumns = -1;

// Longest kind name: reverse-DNS, [a-z0-9._-], at least one dot.
inline constexpr size_t kMaxKindNameBytes = 128;

// The element type that stores T: float -> kF32, double -> kF64, int32_t ->
// kI32, ... (no bool: use uint8_t).
template <class T>
constexpr DType DTypeOf() {
  if constexpr (std::is_same_v<T, float>) return DType::kF32;
  else if constexpr (std::is_same_v<T, double>) return DType::kF64;
  else if constexpr (std::is_same_v<T, int8_t>) return DType::kI8;
  else if constexpr (std::is_same_v<T, int16_t>) return DType::kI16;
  else if constexpr (std::is_same_v<T, int32_t>) return DType::kI32;
  else if constexpr (std::is_same_v<T, int64_t>) return DType::kI64;
  else if constexpr (std::is_same_v<T, uint8_t>) return DType::kU8;
  else if constexpr (std::is_same_v<T, uint16_t>) return DType::kU16;
  else if constexpr (std::is_same_v<T, uint32_t>) return DType::kU32;
  else if constexpr (std::is_same_v<T, uint64_t>) return DType::kU64;
  else static_assert(sizeof(T) == 0, "no safemodel DType stores this type");
}

// The rows a method gets: row-major doubles, rows x cols, cols equal to the
// object's num_features (unless kAnyColumns). Values are the caller's: NaN
// and infinities included.
struct Rows {
  std::span<const double> data;
  size_t rows = 0;
  size_t cols = 0;
  double at(size_t r, size_t c) const { return data[r * cols + c]; }
  std::span<const double> row(size_t r) const { return data.subspan(r * cols, cols); }
};

namespace internal {
class TensorTaker;
class TensorAdder;
}  // namespace internal

// Given to a kind's validator: the file's tensors (already hashed and
// checked against the signed header). The struct names a tensor by its
// table index (a UInt32 field, the convention of schema/safemodel.capnp).
// Every tensor of the file must be taken exactly once, with the dtype and
// rank the field documents; a file with a tensor nobody took is refused.
class TensorSource {
 public:
  // The tensor at `index`, checked for dtype and rank and marked taken.
  // Errors (kCorruption) name Place(field).
  Result<const TensorView*> Take(uint32_t index, DType dtype, size_t rank, std::string_view field);

  // The elements, copied into memory the process owns. Use this for every
  // value that decides a memory access (indices, counts, offsets) and check
  // the copy: a mapped file rewritten by someone else after loading could
  // otherwise change a value after it was checked.
  template <class T>
  Result<std::vector<T>> Copy(uint32_t index, size_t rank, std::string_view field,
                              std::vector<uint64_t>* shape = nullptr) {
    auto t = Take(index, DTypeOf<T>(), rank, field);
    if (!t.ok()) return t.status();
    if (shape) *shape = (*t)->shape;
    std::vector<T> out((*t)->bytes.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), (*t)->bytes.data(), out.size() * sizeof(T));
    return out;
  }

  // The elements where they lie (the model's mapping: no copy). Only for
  // numbers the methods use arithmetically (weights), never for indices.
  // Valid as long as the Model lives.
  template <class T>
  Result<std::span<const T>> View(uint32_t index, size_t rank, std::string_view field,
                                  std::vector<uint64_t>* shape = nullptr) {
    auto t = Take(index, DTypeOf<T>(), rank, field);
    if (!t.ok()) return t.status();
    if (shape) *shape = (*t)->shape;
    if (reinterpret_cast<uintptr_t>((*t)->bytes.data()) % alignof(T) != 0) {
      return Corruption(Place(field) + ": tensor is not aligned");  // never in a file (64-byte layout)
    }
    return std::span<const T>(reinterpret_cast<const T*>((*t)->bytes.data()), (*t)->bytes.size() / sizeof(T));
  }

  // A Text field as a string: at most LoadOptions::max_string_bytes, valid
  // UTF-8, no control characters (kCorruption / kLimitExceeded naming it).
  Result<std::string> Text(capnp::Text::Reader text, std::string_view field) const;

  // Where an error should say it is: "estimator.custom('org.example.x').body.<field>".
  std::string Place(std::string_view field) const;
  // kCorruption "<Place(field)>: <what>": the usual refusal of a validator.
  Status Error(std::string_view field, std::string_view what) const;

  // The version of the kind the file was written with (1 ... Kind::version).
  uint32_t version() const { return version_; }
  const LoadOptions& options() const;

 private:
  friend class internal::TensorTaker;
  TensorSource(internal::TensorTaker* taker, std::string place, uint32_t version)
      : taker_(taker), place_(std::move(place)), version_(version) {}
  internal::TensorTaker* taker_;
  std::string place_;
  uint32_t version_;
};

// Given to a kind's writer: appends tensors to the file's table.
class TensorSink {
 public:
  // Appends a copy of `values` with `shape` (whose product must be
  // values.size()) named "<prefix><field>", and returns the index to store
  // in the struct's field. kInvalidArgument if the shape does not match.
  template <class T>
  Result<uint32_t> Add(std::string_view field, std::span<const T> values, std::vector<uint64_t> shape) {
    return AddBytes(field, DTypeOf<T>(), std::move(shape), std::as_bytes(values));
  }
  template <class T>
  Result<uint32_t> Add(std::string_view field, const std::vector<T>& values, std::vector<uint64_t> shape) {
    return Add<T>(field, std::span<const T>(values), std::move(shape));
  }
  Result<uint32_t> AddBytes(std::string_view field, DType dtype, std::vector<uint64_t> shape,
                            std::span<const std::byte> bytes);

 private:
  friend class internal::TensorAdder;
  TensorSink(internal::TensorAdder* adder, std::string prefix) : adder_(adder), prefix_(std::move(prefix)) {}
  internal::TensorAdder* adder_;
  std::string prefix_;
};

// A kind: Schema is the generated Cap'n Proto struct type (myschema::Scorecard),
// M the checked C++ object the validator builds.
template <class Schema, class M>
struct Kind {
  // Reverse-DNS name, unique among kinds ("org.example.scorecard").
  std::string name;
  // The version this program writes, and the newest it reads. Raise it when
  // a change of meaning would make older readers compute something else;
  // `read` sees the file's version (TensorSource::version()).
  uint32_t version = 1;
  // The validator: proves every value safe and builds the object.
  std::function<Result<M>(typename Schema::Reader, TensorSource&)> read;
  // The writer (optional; WriteCustom needs it).
  std::function<Status(const M&, typename Schema::Builder, TensorSink&)> write;
  // Input columns (kAnyColumns: any width).
  std::function<int64_t(const M&)> num_features;
  // Columns that transform returns, when it has a fixed width (for
  // pipelines); may be empty.
  std::function<int64_t(const M&)> transform_width;
  // One line for `inspect`-style summaries (may be empty: the kind's name).
  std::function<std::string(const M&)> describe;
  // False if an output row may depend on other input rows (as k-nearest
  // neighbours' ties do): Model::Run then never splits a batch over threads.
  bool row_independent = true;
  // The methods the object offers; any other is kUnsupported. Without
  // kPredictLogProba, log(predict_proba) is offered when kPredictProba is.
  std::map<Method, std::function<Result<Output>(const M&, const Rows&)>> methods;
};

namespace internal {

// The type-erased halves of a Kind, as the library stores them.
class ErasedObject;

class ErasedKind : public std::enable_shared_from_this<ErasedKind> {
 public:
  virtual ~ErasedKind() = default;
  virtual std::string_view name() const = 0;
  virtual uint32_t version() const = 0;
  virtual uint64_t schema_id() const = 0;
  virtual bool has(Method m) const = 0;
  virtual bool writable() const = 0;
  virtual bool row_independent() const = 0;
  // `body` is the file's custom.body: read it as Schema and validate.
  virtual Result<std::shared_ptr<const ErasedObject>> Read(capnp::AnyPointer::Reader body,
                                                           TensorSource& tensors) const = 0;
};

class ErasedObject {
 public:
  virtual ~ErasedObject() = default;
  virtual const ErasedKind& kind() const = 0;
  virtual int64_t num_features() const = 0;
  virtual int64_t transform_width() const = 0;
  virtual std::string describe() const = 0;
  // Called only for methods the kind has, on rows of the right width.
  virtual Result<Output> Run(Method method, const Rows& rows) const = 0;
  virtual Status Write(capnp::AnyPointer::Builder body, TensorSink& tensors) const = 0;
  virtual const std::type_info& type() const = 0;
  virtual const void* object() const = 0;
};

// kCorruption "<what> threw: <message>" (a validator, writer or method that
// throws: the kind misbehaved on this model).
Status FromException(std::string_view what, const std::exception* e);

template <class Schema, class M>
class TypedKind final : public ErasedKind {
 public:
  explicit TypedKind(Kind<Schema, M> k) : k_(std::move(k)) {}
  std::string_view name() const override { return k_.name; }
  uint32_t version() const override { return k_.version; }
  uint64_t schema_id() const override { return capnp::typeId<Schema>(); }
  bool has(Method m) const override { return k_.methods.count(m) != 0; }
  bool writable() const override { return static_cast<bool>(k_.write); }
  bool row_independent() const override { return k_.row_independent; }
  const Kind<Schema, M>& spec() const { return k_; }

  Result<std::shared_ptr<const ErasedObject>> Read(capnp::AnyPointer::Reader body,
                                                   TensorSource& tensors) const override;
  std::shared_ptr<const ErasedObject> Wrap(M m) const;

 private:
  Kind<Schema, M> k_;
};

template <class Schema, class M>
class TypedObject final : public ErasedObject {
 public:
  TypedObject(std::shared_ptr<const TypedKind<Schema, M>> kind, M m) : kind_(std::move(kind)), m_(std::move(m)) {}
  const ErasedKind& kind() const override { return *kind_; }
  // A callback that throws gives a width the library refuses (below -1).
  int64_t num_features() const override {
    try {
      return kind_->spec().num_features(m_);
    } catch (const std::exception&) {
      return kThrew;
    }
  }
  int64_t transform_width() const override {
    try {
      return kind_->spec().transform_width ? kind_->spec().transform_width(m_) : kAnyColumns;
    } catch (const std::exception&) {
      return kThrew;
    }
  }
  std::string describe() const override {
    try {
      return kind_->spec().describe ? kind_->spec().describe(m_) : std::string(kind_->name());
    } catch (const std::exception& e) {
      return std::string(kind_->name()) + " (describe threw: " + e.what() + ")";
    }
  }
  Result<Output> Run(Method method, const Rows& rows) const override {
    const auto& methods = kind_->spec().methods;
    auto it = methods.find(method);
    if (it == methods.end()) return Unsupported(std::string(kind_->name()) + " has no " + std::string(MethodName(method)));
    try {
      return it->second(m_, rows);
    } catch (const std::exception& e) {
      return FromException(std::string(kind_->name()) + " " + std::string(MethodName(method)), &e);
    }
  }
  Status Write(capnp::AnyPointer::Builder body, TensorSink& tensors) const override {
    if (!kind_->spec().write) return Unsupported(std::string(kind_->name()) + ": the kind has no writer");
    try {
      return kind_->spec().write(m_, body.initAs<Schema>(), tensors);
    } catch (const std::exception& e) {
      return FromException(std::string(kind_->name()) + " writer", &e);
    }
  }
  const std::type_info& type() const override { return typeid(M); }
  const void* object() const override { return &m_; }

 private:
  static constexpr int64_t kThrew = -2;
  std::shared_ptr<const TypedKind<Schema, M>> kind_;
  M m_;
};

template <class Schema, class M>
Result<std::shared_ptr<const ErasedObject>> TypedKind<Schema, M>::Read(capnp::AnyPointer::Reader body,
                                                                      TensorSource& tensors) const {
  Result<M> m = Corruption("unread");
  try {
    // Cap'n Proto errors (kj::Exception, not a std::exception) pass through
    // to the library's boundary, which names the place.
    m = k_.read(body.getAs<Schema>(), tensors);
  } catch (const std::exception& e) {
    return FromException(tensors.Place("") + " validator", &e);
  }
  if (!m.ok()) return m.status();
  return Wrap(std::move(*m));
}

template <class Schema, class M>
std::shared_ptr<const ErasedObject> TypedKind<Schema, M>::Wrap(M m) const {
  return std::make_shared<TypedObject<Schema, M>>(
      std::static_pointer_cast<const TypedKind<Schema, M>>(this->shared_from_this()), std::move(m));
}

// Library halves of the registry and the writer (lib/src/format/extension.cc).
Status CheckKind(const ErasedKind& kind, bool has_read, bool has_num_features);
Status WriteObject(const std::string& path, const Metadata& metadata, std::shared_ptr<const ErasedObject> object,
                   const WriteOptions& options);
Result<std::string> SerializeObject(const Metadata& metadata, std::shared_ptr<const ErasedObject> object,
                                    const WriteOptions& options);
const ErasedObject* FindObject(const Model& model, std::string_view member);

// For the fuzzing kit (safemodel/fuzz_kit.h): reads `file` without checking
// anything but the framing, hands its custom body and tensors to `mutate`,
// and writes the result back as a well-framed, hashed, canonical unsigned
// file. kCorruption if `file` holds no readable custom-kind header.
struct FuzzTensor {
  std::string name;
  DType dtype = DType::kU8;
  std::vector<uint64_t> shape;
  std::string bytes;  // resized to what dtype and shape need afterwards
};
using CustomFileMutator = std::function<void(capnp::AnyPointer::Builder body, std::vector<FuzzTensor>& tensors)>;
Status RewriteCustomFile(std::string& file, const CustomFileMutator& mutate);

}  // namespace internal

// The kinds a program reads. Build one, then share it read-only through
// LoadOptions::kinds. Nothing is registered by default: a program reads
// only the kinds it names.
class KindRegistry {
 public:
  // kInvalidArgument for a bad name (not reverse-DNS, too long), a version
  // of 0, no `read` or `num_features`, no method, or a name or schema id
  // registered already.
  template <class Schema, class M>
  Status Add(Kind<Schema, M> kind) {
    const bool has_read = static_cast<bool>(kind.read), has_nf = static_cast<bool>(kind.num_features);
    auto typed = std::make_shared<internal::TypedKind<Schema, M>>(std::move(kind));
    Status s = internal::CheckKind(*typed, has_read, has_nf);
    if (!s.ok()) return s;
    return AddErased(std::move(typed));
  }

  // The kind of that name, or null.
  const internal::ErasedKind* Find(std::string_view name) const;
  // Registered names, in the order they were added.
  std::vector<std::string> names() const;

 private:
  friend Result<std::string> internal::SerializeObject(const Metadata&, std::shared_ptr<const internal::ErasedObject>,
                                                       const WriteOptions&);
  Status AddErased(std::shared_ptr<const internal::ErasedKind> kind);
  std::vector<std::shared_ptr<const internal::ErasedKind>> kinds_;
};

// Writes an unsigned file whose estimator is `object` of `kind`, atomically
// (then sign it with SignFile or `safemodel sign`). The file is read back
// through kind.read before it is committed: a file that its own validator
// refuses is never written (kInvalidArgument naming the place).
template <class Schema, class M>
Status WriteCustom(const std::string& path, const Metadata& metadata, const Kind<Schema, M>& kind, M object,
                   const WriteOptions& options = {}) {
  auto typed = std::make_shared<internal::TypedKind<Schema, M>>(kind);
  Status s = internal::CheckKind(*typed, static_cast<bool>(kind.read), static_cast<bool>(kind.num_features));
  if (!s.ok()) return s;
  return internal::WriteObject(path, metadata, typed->Wrap(std::move(object)), options);
}

// The same file, in memory.
template <class Schema, class M>
Result<std::string> SerializeCustom(const Metadata& metadata, const Kind<Schema, M>& kind, M object,
                                    const WriteOptions& options = {}) {
  auto typed = std::make_shared<internal::TypedKind<Schema, M>>(kind);
  Status s = internal::CheckKind(*typed, static_cast<bool>(kind.read), static_cast<bool>(kind.num_features));
  if (!s.ok()) return s;
  return internal::SerializeObject(metadata, typed->Wrap(std::move(object)), options);
}

// The checked object of a loaded custom-kind model (or bundle member), or
// null if the estimator there is not of type M. Borrowed: it lives as long
// as the Model.
template <class M>
const M* CustomObject(const Model& model, std::string_view member = "") {
  const internal::ErasedObject* o = internal::FindObject(model, member);
  if (o == nullptr || o->type() != typeid(M)) return nullptr;
  return static_cast<const M*>(o->object());
}

}  // namespace safemodel

#endif  // SAFEMODEL_EXTENSION_H_
