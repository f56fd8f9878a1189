#include "safemodel/model.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include <capnp/compat/json.h>

#include "format/codec.h"
#include "format/estimator_codec.h"
#include "format/loader.h"
#include "util/text.h"

namespace safemodel {

using format::Loaded;

std::string_view EstimatorKindName(EstimatorKind kind) {
  switch (kind) {
    case EstimatorKind::kWeights: return "weights";
    case EstimatorKind::kEstimator: return "estimator";
    case EstimatorKind::kBundle: return "bundle";
  }
  return "unknown";
}

std::string_view SignatureStateName(SignatureInfo::State state) {
  switch (state) {
    case SignatureInfo::State::kTrusted: return "trusted";
    case SignatureInfo::State::kUnknownKey: return "unknown-key";
    case SignatureInfo::State::kRevoked: return "revoked";
    case SignatureInfo::State::kUnchecked: return "unchecked";
  }
  return "unknown";
}

namespace {
struct FreeDeleter {
  void operator()(std::byte* p) const { std::free(p); }
};
}  // namespace

struct Model::Impl {
  Loaded loaded;
  std::optional<format::ModelContent> content;  // estimators and bundles
  std::unique_ptr<std::byte, FreeDeleter> copy;  // copy_tensors: all tensors, 64-byte aligned
  std::vector<TensorView> views;
  LoadOptions options;  // the limits the header was parsed with
};

// Builds a Model from a loaded header: tensor views (mapped or copied),
// padding and hash checks.
class ModelLoader {
 public:
  static Result<Model> Finish(Loaded loaded, const LoadOptions& options, bool check_hashes) {
    auto impl = std::make_unique<Model::Impl>();
    impl->loaded = std::move(loaded);
    impl->options = options;
    const Loaded& l = impl->loaded;
    auto file = l.file.bytes();
    std::span<const std::byte> data = file.subspan(l.frame.data_offset, l.header.data_length);
    if (options.copy_tensors && !data.empty()) {
      // One aligned copy of the whole data region; offsets stay valid.
      impl->copy.reset(static_cast<std::byte*>(std::aligned_alloc(64, data.size())));
      if (!impl->copy) return LimitExceeded("cannot allocate " + std::to_string(data.size()) +
                                            " bytes for LoadOptions::copy_tensors");
      std::memcpy(impl->copy.get(), data.data(), data.size());
      data = std::span<const std::byte>(impl->copy.get(), data.size());
    }
    std::vector<std::span<const std::byte>> spans;
    for (const auto& t : l.header.tensors) {
      spans.push_back(data.subspan(t.offset, t.length));
      impl->views.push_back(TensorView{t.name, t.dtype, t.shape, spans.back()});
    }
    std::string kind_place;  // a user-defined kind names itself in every error
    if (l.header.custom) {
      // Refused before a byte of data is hashed if this program does not read the kind.
      SAFEMODEL_RETURN_IF_ERROR(format::FindKind(l.header.custom_kind, l.header.custom_version,
                                                 l.header.custom_schema_id, options, "header.estimator")
                                    .status());
      kind_place = "estimator.custom('" + EscapeForTerminal(l.header.custom_kind) + "')";
    }
    auto named = [&](Status s) { return kind_place.empty() ? s : s.Wrap(kind_place); };
    if (check_hashes) {
      Status s = format::CheckBody(l, spans, options);
      if (!s.ok()) return named(s);
    }
    if (l.header.kind != EstimatorKind::kWeights) {
      // Only now, with every tensor verified, are the arrays read and validated.
      auto header = l.signed_bytes().subspan(format::kPreambleSize);
      auto content = format::DecodeContent(header, impl->views, options);
      if (!content.ok()) {
        const bool says_kind = content.status().message().find(kind_place) != std::string::npos;
        return says_kind ? content.status() : named(content.status());
      }
      impl->content = std::move(*content);
    }
    return Model(std::move(impl));
  }
};

Result<Model> Model::Open(const std::string& path, const TrustPolicy& trust, const LoadOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(Loaded l, format::LoadHeader(path, trust, format::TrustMode::kEnforce, options));
  return ModelLoader::Finish(std::move(l), options, true);
}

Result<Model> Model::Inspect(const std::string& path, const LoadOptions& options, bool check_hashes) {
  SAFEMODEL_ASSIGN_OR_RETURN(Loaded l, format::LoadHeader(path, {}, format::TrustMode::kSkip, options));
  return ModelLoader::Finish(std::move(l), options, check_hashes);
}

Result<StructureReport> Model::VerifyStructure(const std::string& path, const TrustPolicy& trust,
                                               const LoadOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(Loaded l, format::LoadHeader(path, trust, format::TrustMode::kEnforce, options));
  auto data = l.file.bytes().subspan(l.frame.data_offset, l.header.data_length);
  std::vector<std::span<const std::byte>> spans;
  for (const auto& t : l.header.tensors) spans.push_back(data.subspan(t.offset, t.length));
  SAFEMODEL_RETURN_IF_ERROR(format::CheckBody(l, spans, options));
  StructureReport r;
  r.kind = l.header.kind;
  r.custom_kind = l.header.custom_kind;
  r.tensors = l.header.tensors.size();
  r.trusted_signers = l.trusted_signers;
  r.signatures = l.signatures;
  return r;
}

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

uint32_t Model::format_version() const { return impl_->loaded.header.format_version; }
const Metadata& Model::metadata() const { return impl_->loaded.header.metadata; }
EstimatorKind Model::kind() const { return impl_->loaded.header.kind; }
const std::string& Model::weights_framework() const { return impl_->loaded.header.framework; }
std::span<const TensorView> Model::tensors() const { return impl_->views; }
std::span<const SignatureInfo> Model::signatures() const { return impl_->loaded.signatures; }
uint32_t Model::trusted_signers() const { return impl_->loaded.trusted_signers; }
uint64_t Model::file_size() const { return impl_->loaded.frame.file_size; }
uint64_t Model::header_size() const { return impl_->loaded.frame.header_size; }
uint64_t Model::data_offset() const { return impl_->loaded.frame.data_offset; }
uint64_t Model::data_length() const { return impl_->loaded.header.data_length; }
uint64_t Model::seal_size() const { return impl_->loaded.frame.seal_size; }

Result<std::string> Model::header_json() const {
  // The owned, verified copy of the header that Open() parsed and checked.
  auto words = impl_->loaded.signed_bytes().subspan(format::kPreambleSize);
  try {
    format::HeaderMessage message(words, impl_->options);
    capnp::JsonCodec json;
    // Every struct level of the message is at most two JSON levels (an
    // object, and a list or union member object).
    json.setMaxNestingDepth(static_cast<size_t>(2 * impl_->options.max_nesting_depth + 8));
    kj::String text = json.encode(message.root());
    return std::string(text.cStr(), text.size());
  } catch (const kj::Exception& e) {
    return Corruption(std::string("header: cannot encode as JSON: ") + e.getDescription().cStr());
  }
}

namespace {

namespace est = safemodel::estimators;

const est::Estimator* FindEstimator(const std::optional<format::ModelContent>& content, std::string_view member) {
  if (!content) return nullptr;
  if (const auto* e = std::get_if<est::Estimator>(&*content)) return member.empty() ? e : nullptr;
  for (const auto& m : std::get<format::Bundle>(*content).members) {
    if (m.name == member) return std::get_if<est::Estimator>(&m.value);
  }
  return nullptr;
}

Output FromMatrix(est::Matrix m) {
  Output o;
  o.rows = m.rows;
  o.cols = m.cols;
  o.numbers = std::move(m.data);
  return o;
}

Output FromPrediction(est::Prediction p) {
  if (auto* m = std::get_if<est::Matrix>(&p)) return FromMatrix(std::move(*m));
  auto& l = std::get<est::Labels>(p);
  Output o;
  o.rows = l.rows;
  o.cols = l.cols;
  if (auto* i = std::get_if<std::vector<int64_t>>(&l.values)) {
    o.kind = Output::Kind::kIntLabels;
    o.ints = std::move(*i);
  } else if (auto* d = std::get_if<std::vector<double>>(&l.values)) {
    o.kind = Output::Kind::kFloatLabels;
    o.numbers = std::move(*d);
  } else {
    o.kind = Output::Kind::kStringLabels;
    o.strings = std::move(std::get<std::vector<std::string>>(l.values));
  }
  return o;
}

}  // namespace

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kPredict: return "predict";
    case Method::kPredictProba: return "predict_proba";
    case Method::kPredictLogProba: return "predict_log_proba";
    case Method::kDecisionFunction: return "decision_function";
    case Method::kTransform: return "transform";
    case Method::kScoreSamples: return "score_samples";
  }
  return "unknown";
}

std::optional<Method> MethodFromName(std::string_view name) {
  for (Method m : kAllMethods) {
    if (MethodName(m) == name) return m;
  }
  return std::nullopt;
}

std::string Model::estimator_class(std::string_view member) const {
  const est::Estimator* e = FindEstimator(impl_->content, member);
  return e ? e->ClassName() : "";
}

namespace {

std::string Summary(const est::Estimator& e) { return e.Describe(); }

}  // namespace

std::string Model::estimator_summary(std::string_view member) const {
  const est::Estimator* e = FindEstimator(impl_->content, member);
  return e ? Summary(*e) : "";
}

int64_t Model::num_features(std::string_view member) const {
  const est::Estimator* e = FindEstimator(impl_->content, member);
  return e ? e->NumFeatures() : -1;
}

std::vector<std::string> Model::members() const {
  std::vector<std::string> out;
  if (impl_->content) {
    if (const auto* b = std::get_if<format::Bundle>(&*impl_->content)) {
      for (const auto& m : b->members) out.push_back(m.name);
    }
  }
  return out;
}

namespace {

// Runs `method` on a table (the numeric API wraps its matrix as one).
Result<Output> RunOn(const est::Estimator& e, Method method, const est::TableView& view) {
  switch (method) {
    case Method::kPredict: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto p, est::Predict(e, view));
      return FromPrediction(std::move(p));
    }
    case Method::kPredictProba: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::PredictProba(e, view));
      return FromMatrix(std::move(m));
    }
    case Method::kPredictLogProba: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::PredictLogProba(e, view));
      return FromMatrix(std::move(m));
    }
    case Method::kDecisionFunction: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::DecisionFunction(e, view));
      return FromMatrix(std::move(m));
    }
    case Method::kTransform: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::Transform(e, view));
      return FromMatrix(std::move(m));
    }
    case Method::kScoreSamples: {
      SAFEMODEL_ASSIGN_OR_RETURN(auto m, est::ScoreSamples(e, view));
      return FromMatrix(std::move(m));
    }
  }
  return InvalidArgument("unknown method");
}

// Rows [first, first + n) of a table.
est::TableView RowsOf(const est::TableView& v, size_t first, size_t n) {
  est::TableView part = v;
  part.rows = n;
  part.numbers = v.numbers.subspan(first * v.cols, n * v.cols);
  if (!v.strings.empty()) part.strings = v.strings.subspan(first * v.cols, n * v.cols);
  if (!v.is_string.empty()) part.is_string = v.is_string.subspan(first * v.cols, n * v.cols);
  return part;
}

// Appends `part` (the rows after out's) to `out`; false if the two do not
// have the same kind and width.
bool Append(Output& out, Output&& part) {
  if (part.kind != out.kind || part.cols != out.cols) return false;
  out.rows += part.rows;
  out.numbers.insert(out.numbers.end(), part.numbers.begin(), part.numbers.end());
  out.ints.insert(out.ints.end(), part.ints.begin(), part.ints.end());
  out.strings.insert(out.strings.end(), std::make_move_iterator(part.strings.begin()),
                     std::make_move_iterator(part.strings.end()));
  return true;
}

// RunOn, with the rows cut into consecutive parts run on their own threads
// (see RunOptions). If any part fails, the whole batch runs again on this
// thread, so that an error names its row as the one-thread run does.
Result<Output> RunSpread(const est::Estimator& e, Method method, const est::TableView& view,
                         const RunOptions& options) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t threads = options.threads ? options.threads : cores;
  const size_t parts = std::min(threads, view.rows / std::max<size_t>(options.min_rows_per_thread, 1));
  if (parts <= 1 || !est::RowIndependent(e)) return RunOn(e, method, view);
  std::vector<std::optional<Result<Output>>> results(parts);
  auto run = [&](size_t k) {
    const size_t first = view.rows * k / parts, end = view.rows * (k + 1) / parts;
    try {
      results[k].emplace(RunOn(e, method, RowsOf(view, first, end - first)));
    } catch (...) {  // e.g. std::bad_alloc: the rerun below throws it on the caller's thread
      results[k].emplace(IoError("a worker thread failed"));
    }
  };
  {
    std::vector<std::jthread> pool;
    for (size_t k = 1; k < parts; ++k) pool.emplace_back(run, k);
    run(0);
  }
  for (const auto& r : results) {
    if (!r->ok()) return RunOn(e, method, view);
  }
  Output out = std::move(**results[0]);
  for (size_t k = 1; k < parts; ++k) {
    if (!Append(out, std::move(**results[k]))) return RunOn(e, method, view);
  }
  return out;
}

// The table's columns in the model's feature order, by name.
Result<Table> ByName(const Table& x, const std::vector<std::string>& names) {
  std::vector<size_t> from(names.size());
  for (size_t f = 0; f < names.size(); ++f) {
    auto it = std::find(x.column_names.begin(), x.column_names.end(), names[f]);
    if (it == x.column_names.end()) {
      return InvalidArgument("input has no column '" + EscapeForTerminal(names[f]) + "' (feature " +
                             std::to_string(f) + " of the model)");
    }
    from[f] = static_cast<size_t>(it - x.column_names.begin());
  }
  for (const auto& c : x.column_names) {
    if (std::find(names.begin(), names.end(), c) == names.end()) {
      return InvalidArgument("input column '" + EscapeForTerminal(c) +
                             "' is not one of the model's features (scikit-learn refuses unseen feature names)");
    }
  }
  Table t;
  t.rows = x.rows;
  t.cols = names.size();
  t.column_names = names;
  t.numbers.resize(t.rows * t.cols);
  if (!x.is_string.empty()) {
    t.strings.resize(t.rows * t.cols);
    t.is_string.resize(t.rows * t.cols);
  }
  for (size_t r = 0; r < t.rows; ++r) {
    for (size_t f = 0; f < t.cols; ++f) {
      const size_t src = r * x.cols + from[f], dst = r * t.cols + f;
      t.numbers[dst] = x.numbers[src];
      if (!x.is_string.empty()) {
        t.strings[dst] = x.strings[src];
        t.is_string[dst] = x.is_string[src];
      }
    }
  }
  return t;
}

}  // namespace

const est::Estimator* Model::Find(std::string_view member, Status* error) const {
  if (kind() == EstimatorKind::kWeights) {
    *error = Unsupported("a weights model has no methods to run");
    return nullptr;
  }
  const est::Estimator* e = FindEstimator(impl_->content, member);
  if (!e) {
    *error = InvalidArgument(kind() == EstimatorKind::kBundle
                                 ? "bundle has no estimator member '" + std::string(member) + "'"
                                 : "this model is one estimator: no member may be named");
  }
  return e;
}

Result<Output> Model::Run(Method method, std::span<const double> x, size_t rows, size_t cols,
                          std::string_view member, const RunOptions& options) const {
  Status error;
  const est::Estimator* e = Find(member, &error);
  if (!e) return error;
  if (cols == 0 ? !x.empty() : (x.size() % cols != 0 || x.size() / cols != rows)) {
    return RunOn(*e, method, est::TableView::Of(est::MatrixView{x, rows, cols}));  // refuses the shape
  }
  return RunSpread(*e, method, est::TableView::Of(est::MatrixView{x, rows, cols}), options);
}

Result<Output> Model::Run(Method method, const Table& x, std::string_view member,
                          const RunOptions& options) const {
  Status error;
  const est::Estimator* e = Find(member, &error);
  if (!e) return error;
  const size_t n = x.rows * x.cols;
  if ((x.cols != 0 && n / x.cols != x.rows) || x.numbers.size() != n ||
      (!x.is_string.empty() && (x.is_string.size() != n || x.strings.size() != n)) ||
      (!x.column_names.empty() && x.column_names.size() != x.cols)) {
    return InvalidArgument("input table: arrays do not match " + std::to_string(x.rows) + " rows x " +
                           std::to_string(x.cols) + " columns");
  }
  const Table* use = &x;
  Table reordered;
  if (!x.column_names.empty() && !e->feature_names.empty() && x.column_names != e->feature_names) {
    SAFEMODEL_ASSIGN_OR_RETURN(reordered, ByName(x, e->feature_names));
    use = &reordered;
  }
  est::TableView view{use->rows, use->cols, use->numbers, use->strings, use->is_string, use->column_names};
  return RunSpread(*e, method, view, options);
}

bool Model::takes_documents(std::string_view member) const {
  const est::Estimator* e = FindEstimator(impl_->content, member);
  return e != nullptr && est::TakesDocuments(*e);
}

std::vector<std::string> Model::feature_names(std::string_view member) const {
  const est::Estimator* e = FindEstimator(impl_->content, member);
  return e ? e->feature_names : std::vector<std::string>{};
}

namespace internal {

const ErasedObject* FindObject(const Model& model, std::string_view member) {
  const est::Estimator* e = FindEstimator(model.impl_->content, member);
  const auto* c = e ? std::get_if<est::CustomEstimator>(&e->model) : nullptr;
  return c ? c->object.get() : nullptr;
}

}  // namespace internal

const TensorView* Model::FindTensor(std::string_view name) const {
  for (const auto& v : impl_->views) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

}  // namespace safemodel
