// safemodel/model.h — opening, checking and reading a .smdl file.
//
//   safemodel::TrustPolicy trust;
//   SAFEMODEL_ASSIGN_OR_RETURN(trust.store, safemodel::TrustStore::Load("keys/"));
//   SAFEMODEL_ASSIGN_OR_RETURN(auto model, safemodel::Model::Open("m.smdl", trust));
//   const safemodel::TensorView* w = model.FindTensor("fc1.weight");
//
// Open() does, in this order and never otherwise: map the file; read the
// seal (fixed-size records, bounded count); copy the preamble and header into
// owned memory; check the signatures from trusted keys over those copied
// bytes and apply the policy; only then parse the header (canonical, single
// segment, limits); validate every field; check the exact file length, the
// zero padding and the tensor layout; hash every tensor's bytes (on all
// cores) and compare with the signed hashes. A Model that exists has passed
// all of that.
//
// Thread-safety: a Model is immutable after Open(); concurrent reads are fine.
// Ownership: Model owns the mapping (or the copied tensor bytes); every
// TensorView it hands out borrows from it and dies with it. Move-only.
#ifndef SAFEMODEL_MODEL_H_
#define SAFEMODEL_MODEL_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "safemodel/keys.h"
#include "safemodel/metadata.h"
#include "safemodel/options.h"
#include "safemodel/predict.h"
#include "safemodel/status.h"
#include "safemodel/tensor.h"
#include "safemodel/trust.h"

namespace safemodel {
namespace estimators {
struct Estimator;
}  // namespace estimators
class Model;
namespace internal {
class ErasedObject;
// safemodel/extension.h's CustomObject.
const ErasedObject* FindObject(const Model& model, std::string_view member);
}  // namespace internal

// What kind of model the file holds (the schema's Estimator union).
enum class EstimatorKind : uint8_t {
  kWeights = 0,   // a named set of tensors
  kEstimator,     // one scikit-learn estimator (or Pipeline)
  kBundle,        // a dict/list/tuple of estimators and plain values
};
std::string_view EstimatorKindName(EstimatorKind kind);

// One record of the seal, and what became of it.
struct SignatureInfo {
  enum class State : uint8_t {
    kTrusted,    // by a key in the store, verified
    kUnknownKey, // by a key not in the store: not checked, does not count
    kRevoked,    // by a revoked key: not checked, does not count
    kUnchecked,  // no trust policy was applied (Inspect)
  };
  KeyId key_id{};
  std::string signer;          // the store's name for the key, if trusted
  std::string trusted_comment; // signed text; meaningful only if kTrusted
  State state = State::kUnchecked;
};
std::string_view SignatureStateName(SignatureInfo::State state);

// What Model::VerifyStructure checked.
struct StructureReport {
  EstimatorKind kind = EstimatorKind::kWeights;
  std::string custom_kind;  // the user-defined kind at the top, if the estimator is one
  size_t tensors = 0;
  uint32_t trusted_signers = 0;
  std::vector<SignatureInfo> signatures;
};

class Model {
 public:
  // Opens and checks a file against `trust` (see the order above). Errors:
  //   kIoError           cannot open/map
  //   kCorruption        framing, padding, layout, hash, header content
  //   kSignatureInvalid  a signature by a trusted key does not verify
  //   kUntrusted         fewer than trust.require trusted signers (and not allow_unsigned)
  //   kLimitExceeded     a LoadOptions limit
  //   kUnsupported       unknown format version or estimator kind
  static Result<Model> Open(const std::string& path, const TrustPolicy& trust,
                            const LoadOptions& options = {});

  // The untrusted path, for looking at a file: parses the header *without*
  // checking signatures (every record is kUnchecked). Structure, limits and
  // (if `check_hashes`) tensor hashes are still checked. Never use the result
  // to decide anything security-relevant.
  static Result<Model> Inspect(const std::string& path, const LoadOptions& options = {},
                               bool check_hashes = true);

  // Everything Open() checks except reading the estimator: signatures by
  // `trust` (verified before the header is parsed), framing, header limits,
  // layout, padding and every tensor hash. For gates that seal and check
  // files of kinds they do not read (a user-defined kind not registered in
  // options.kinds). It does NOT validate the values that predict relies on:
  // only Open() proves a model safe to run.
  static Result<StructureReport> VerifyStructure(const std::string& path, const TrustPolicy& trust,
                                                 const LoadOptions& options = {});

  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  ~Model();

  uint32_t format_version() const;
  const Metadata& metadata() const;
  EstimatorKind kind() const;
  // Weights: the framework string (descriptive).
  const std::string& weights_framework() const;
  std::span<const TensorView> tensors() const;
  // nullptr if there is no tensor of that name.
  const TensorView* FindTensor(std::string_view name) const;
  std::span<const SignatureInfo> signatures() const;
  // The estimator's scikit-learn class ("RandomForestClassifier",
  // "Pipeline"); for a bundle, of the member named `member` (dict key or
  // list/tuple index). Empty for weights or an unknown member.
  std::string estimator_class(std::string_view member = "") const;
  // One line on what the estimator is and its sizes, e.g.
  // "RandomForestClassifier: 10 trees (<= 35 nodes, depth <= 7), 4 features,
  // 3 classes". Empty for weights or an unknown member.
  std::string estimator_summary(std::string_view member = "") const;
  // A bundle's member names in order (empty otherwise).
  std::vector<std::string> members() const;
  // The number of input columns the estimator (or bundle member) takes:
  // scikit-learn's n_features_in_. -1 for weights or an unknown member.
  int64_t num_features(std::string_view member = "") const;
  // Runs `method` on x (rows x cols, row-major). For a bundle, `member` picks
  // the estimator. kInvalidArgument for a bad X or member, kUnsupported for a
  // method the estimator does not have (or a weights model).
  // `options` may spread the rows over threads (see RunOptions).
  Result<Output> Run(Method method, std::span<const double> x, size_t rows, size_t cols,
                     std::string_view member = "", const RunOptions& options = {}) const;
  // The same for a table. With column names, and a model fitted on a
  // DataFrame (feature_names()), columns are taken by name in the model's
  // order: a missing or unknown column is kInvalidArgument naming it.
  // Without names, columns are taken in order. String cells go to the
  // estimators that read them (encoders); anywhere else they are refused
  // naming the cell.
  Result<Output> Run(Method method, const Table& x, std::string_view member = "",
                     const RunOptions& options = {}) const;
  // True if the estimator reads documents (a CountVectorizer or
  // TfidfVectorizer, or a Pipeline starting with one): one whole string per
  // input row, a Table of one string column. Input readers should then take
  // each line as a document instead of splitting it into cells.
  bool takes_documents(std::string_view member = "") const;
  // scikit-learn's feature_names_in_ (empty unless fitted on a DataFrame).
  std::vector<std::string> feature_names(std::string_view member = "") const;

  // The whole header as JSON text, written by Cap'n Proto's JSON codec:
  // field names as in schema/safemodel.capnp, the active union member by
  // name, enums by name, 64-bit integers and non-finite floats as strings,
  // tensor fields as indexes into tensors(). For bindings that rebuild their
  // own objects (the Python module): the header has passed every check of
  // Open() (or of Inspect(), which trusts nothing). kCorruption if the
  // header cannot be encoded (it always can, once parsed).
  Result<std::string> header_json() const;

  // Number of distinct trusted keys that verified.
  uint32_t trusted_signers() const;

  uint64_t file_size() const;
  uint64_t header_size() const;  // bytes of the Cap'n Proto header
  uint64_t data_offset() const;  // absolute offset of the data region
  uint64_t data_length() const;
  uint64_t seal_size() const;

 private:
  struct Impl;
  explicit Model(std::unique_ptr<Impl> impl);
  // The estimator to run (the member of a bundle), or null with *error set.
  const estimators::Estimator* Find(std::string_view member, Status* error) const;
  std::unique_ptr<Impl> impl_;
  friend class ModelLoader;
  friend const internal::ErasedObject* internal::FindObject(const Model& model, std::string_view member);
};

}  // namespace safemodel

#endif  // SAFEMODEL_MODEL_H_
