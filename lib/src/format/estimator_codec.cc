#include "format/estimator_codec.h"

#include <deque>
#include <optional>
#include <span>

#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

#include "format/codec.h"
#include "format/header.h"
#include "util/checked.h"
#include "util/text.h"

namespace safemodel::format {


// ---- Encoding ---------------------------------------------------------------

namespace {

void EncodeLinear(Encoder& enc, const est::LinearModel& m, schema::LinearModel::Builder out, const std::string& p) {
  out.setClassName(m.class_name);
  out.setTask(static_cast<schema::LinearTask>(m.task));
  out.setProba(static_cast<schema::LinearProba>(m.proba));
  out.setNFeatures(static_cast<uint32_t>(m.n_features));
  out.setRavel(m.ravel);
  const auto rows = static_cast<uint64_t>(m.n_rows), cols = static_cast<uint64_t>(m.n_features);
  // A regressor's 1-d coef_ (one target) is what makes its outputs 1-d.
  const bool one_d = m.task == est::LinearTask::kRegressor && m.ravel;
  out.setCoef(enc.Add<double>(p + "coef", DType::kF64, m.coef,
                          one_d ? std::vector<uint64_t>{cols} : std::vector<uint64_t>{rows, cols}));
  out.setIntercept(enc.Add<double>(p + "intercept", DType::kF64, m.intercept, {rows}));
  if (m.task == est::LinearTask::kClassifier) enc.Labels(m.classes, out.initClasses(), p + "classes");
}

void EncodeTree(Encoder& enc, const est::DecisionTree& t, schema::Tree::Builder out, const std::string& p) {
  const auto n = static_cast<uint64_t>(t.node_count);
  out.setLeftChild(enc.Add<int32_t>(p + "left_child", DType::kI32, t.left, {n}));
  out.setRightChild(enc.Add<int32_t>(p + "right_child", DType::kI32, t.right, {n}));
  out.setFeature(enc.Add<int32_t>(p + "feature", DType::kI32, t.feature, {n}));
  out.setThreshold(enc.Add<double>(p + "threshold", DType::kF64, t.threshold, {n}));
  out.setValue(enc.Add<double>(p + "value", DType::kF64, t.value,
                           {n, static_cast<uint64_t>(t.n_outputs), static_cast<uint64_t>(t.max_classes)}));
  out.setMissingGoToLeft(t.missing_go_to_left.empty()
                             ? kNoTensor
                             : enc.Add<uint8_t>(p + "missing_go_to_left", DType::kU8, t.missing_go_to_left, {n}));
}

void EncodeTrees(Encoder& enc, const est::TreeModel& m, schema::TreeModel::Builder out, const std::string& p) {
  out.setClassName(m.class_name);
  out.setTask(static_cast<schema::TreeTask>(m.task));
  out.setCombine(static_cast<schema::TreeCombine>(m.combine));
  out.setAcceptNan(m.accept_nan);
  out.setNFeatures(static_cast<uint32_t>(m.n_features));
  out.setNOutputs(static_cast<uint32_t>(m.n_outputs));
  auto nc = out.initNClasses(static_cast<unsigned>(m.n_classes.size()));
  for (unsigned i = 0; i < nc.size(); ++i) nc.set(i, static_cast<uint32_t>(m.n_classes[i]));
  auto cl = out.initClasses(static_cast<unsigned>(m.classes.size()));
  for (unsigned i = 0; i < cl.size(); ++i) enc.Labels(m.classes[i], cl[i], p + "classes[" + std::to_string(i) + "]");
  auto trees = out.initTrees(static_cast<unsigned>(m.trees.size()));
  for (unsigned i = 0; i < trees.size(); ++i) EncodeTree(enc, m.trees[i], trees[i], p + "trees[" + std::to_string(i) + "].");
}

}  // namespace

void Encode(Encoder& enc, const est::LinearModel& m, schema::Estimator::Builder out, const std::string& p) {
  EncodeLinear(enc, m, out.initLinear(), p);
}

void Encode(Encoder& enc, const est::TreeModel& m, schema::Estimator::Builder out, const std::string& p) {
  EncodeTrees(enc, m, out.initTrees(), p);
}

void Encode(Encoder& enc, const est::StandardScaler& s, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initStandardScaler();
  const auto n = static_cast<uint64_t>(s.n_features);
  b.setNFeatures(static_cast<uint32_t>(s.n_features));
  b.setWithMean(s.with_mean);
  b.setWithStd(s.with_std);
  b.setMean(s.mean.empty() ? kNoTensor : enc.Add<double>(p + "mean", DType::kF64, s.mean, {n}));
  b.setScale(s.scale.empty() ? kNoTensor : enc.Add<double>(p + "scale", DType::kF64, s.scale, {n}));
}

void Encode(Encoder& enc, const est::MinMaxScaler& s, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initMinMaxScaler();
  const auto n = static_cast<uint64_t>(s.n_features);
  b.setNFeatures(static_cast<uint32_t>(s.n_features));
  b.setMin(enc.Add<double>(p + "min", DType::kF64, s.min, {n}));
  b.setScale(enc.Add<double>(p + "scale", DType::kF64, s.scale, {n}));
  b.setClip(s.clip);
  b.setRangeLo(s.range_lo);
  b.setRangeHi(s.range_hi);
}

void Encode(Encoder& enc, const est::Pipeline& pl, schema::Estimator::Builder out, const std::string& p) {
  auto steps = out.initPipeline().initSteps(static_cast<unsigned>(pl.steps.size()));
  for (unsigned i = 0; i < steps.size(); ++i) {
    steps[i].setName(pl.names[i]);
    enc.Estimator(pl.steps[i], steps[i].initEstimator(), p + "steps[" + std::to_string(i) + "].");
  }
}

void Encoder::Estimator(const est::Estimator& e, schema::Estimator::Builder out, const std::string& p) {
  std::visit([&](const auto& m) { Encode(*this, m, out, p); }, e.model);
  if (!e.feature_names.empty()) {
    auto names = out.initFeatureNames(static_cast<unsigned>(e.feature_names.size()));
    for (unsigned i = 0; i < names.size(); ++i) {
      names.set(i, capnp::Text::Reader(e.feature_names[i].data(), e.feature_names[i].size()));
    }
  }
}

namespace {

void EncodeBundle(Encoder& enc, const Bundle& b, schema::Bundle::Builder out) {
  out.setContainer(static_cast<schema::BundleContainer>(b.container));
  auto members = out.initMembers(static_cast<unsigned>(b.members.size()));
  for (unsigned i = 0; i < members.size(); ++i) {
    const BundleMember& m = b.members[i];
    auto mb = members[i];
    mb.setName(m.name);
    const std::string p = "members[" + std::to_string(i) + "].";
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::monostate>) mb.setNone();
          else if constexpr (std::is_same_v<V, bool>) mb.setBool(v);
          else if constexpr (std::is_same_v<V, int64_t>) mb.setInt(v);
          else if constexpr (std::is_same_v<V, double>) mb.setFloat(v);
          else if constexpr (std::is_same_v<V, std::string>) mb.setText(v);
          else enc.Estimator(v, mb.initEstimator(), p);
        },
        m.value);
  }
}

}  // namespace

// ---- Decoding ---------------------------------------------------------------

Result<est::Estimator> DecodeLinear(Decoder& d, schema::LinearModel::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getTask()) > 1 || static_cast<unsigned>(r.getProba()) > 3) {
    return Unsupported(p + ": unknown task or proba kind");
  }
  std::vector<uint64_t> coef_shape;
  const bool one_d = r.getCoef() < d.tensors().size() && d.tensors()[r.getCoef()].shape.size() == 1;
  SAFEMODEL_ASSIGN_OR_RETURN(auto coef,
                             d.Copy<double>(r.getCoef(), DType::kF64, one_d ? 1 : 2, p + ".coef", &coef_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto intercept, d.Copy<double>(r.getIntercept(), DType::kF64, 1, p + ".intercept"));
  est::LinearInput in;
  const std::string class_name(r.getClassName().cStr());
  in.class_name = class_name;
  in.task = static_cast<est::LinearTask>(r.getTask());
  in.proba = static_cast<est::LinearProba>(r.getProba());
  in.coef = coef;
  in.coef_shape = coef_shape;
  in.intercept = intercept;
  in.n_features_in = r.getNFeatures();
  if (in.task == est::LinearTask::kClassifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(est::LinearModel m, est::BuildLinear(in, p));
  if (m.ravel != r.getRavel()) return Corruption(p + ".ravel: disagrees with coef_'s shape");
  return est::Estimator{std::move(m)};
}

namespace {

// Tree columns, copied out of the file (int32 node indices, as stored).
struct TreeColumns {
  std::vector<int32_t> left, right, feature;
  std::vector<double> threshold, value;
  std::vector<uint64_t> value_shape;
  std::vector<uint8_t> missing;
  est::TreeArrays Arrays() const {
    return {left, right, feature, threshold, value, value_shape, missing};
  }
};

// One tree's tensors, taken (checked for dtype and rank, marked used) but
// not yet copied.
struct TreeTensors {
  const TensorView *left = nullptr, *right = nullptr, *feature = nullptr, *threshold = nullptr, *value = nullptr,
                   *missing = nullptr;
};

Result<TreeTensors> TakeTree(Decoder& d, schema::Tree::Reader r, const std::string& p) {
  TreeTensors t;
  SAFEMODEL_ASSIGN_OR_RETURN(t.left, d.Take(r.getLeftChild(), DType::kI32, 1, p + ".left_child"));
  SAFEMODEL_ASSIGN_OR_RETURN(t.right, d.Take(r.getRightChild(), DType::kI32, 1, p + ".right_child"));
  SAFEMODEL_ASSIGN_OR_RETURN(t.feature, d.Take(r.getFeature(), DType::kI32, 1, p + ".feature"));
  SAFEMODEL_ASSIGN_OR_RETURN(t.threshold, d.Take(r.getThreshold(), DType::kF64, 1, p + ".threshold"));
  SAFEMODEL_ASSIGN_OR_RETURN(t.value, d.Take(r.getValue(), DType::kF64, 3, p + ".value"));
  if (r.getMissingGoToLeft() != kNoTensor) {
    SAFEMODEL_ASSIGN_OR_RETURN(t.missing, d.Take(r.getMissingGoToLeft(), DType::kU8, 1, p + ".missing_go_to_left"));
  }
  return t;
}

TreeColumns CopyTree(const TreeTensors& t) {
  TreeColumns c;
  c.left = Decoder::CopyOf<int32_t>(*t.left);
  c.right = Decoder::CopyOf<int32_t>(*t.right);
  c.feature = Decoder::CopyOf<int32_t>(*t.feature);
  c.threshold = Decoder::CopyOf<double>(*t.threshold);
  c.value = Decoder::CopyOf<double>(*t.value);
  c.value_shape = t.value->shape;
  if (t.missing) c.missing = Decoder::CopyOf<uint8_t>(*t.missing);
  return c;
}

// Elements of a taken tensor where they lie, if aligned for T (tensor data
// in a file is 64-byte aligned); else empty.
template <typename T>
std::optional<std::span<const T>> InPlace(const TensorView* t) {
  if (!t) return std::span<const T>();
  if (reinterpret_cast<uintptr_t>(t->bytes.data()) % alignof(T) != 0) return std::nullopt;
  return std::span<const T>(reinterpret_cast<const T*>(t->bytes.data()), t->bytes.size() / sizeof(T));
}

// The tree's arrays borrowed from the tensors (BuildTree copies what it
// reads, once), or copied into `copies` when a tensor is not aligned.
est::TreeArrays ArraysOf(const TreeTensors& t, std::deque<TreeColumns>& copies) {
  auto left = InPlace<int32_t>(t.left), right = InPlace<int32_t>(t.right), feature = InPlace<int32_t>(t.feature);
  auto threshold = InPlace<double>(t.threshold), value = InPlace<double>(t.value);
  auto missing = InPlace<uint8_t>(t.missing);
  if (left && right && feature && threshold && value && missing) {
    return {*left, *right, *feature, *threshold, *value, t.value->shape, *missing};
  }
  copies.push_back(CopyTree(t));
  return copies.back().Arrays();
}

}  // namespace

Result<est::Estimator> DecodeTrees(Decoder& d, schema::TreeModel::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getTask()) > 1 || static_cast<unsigned>(r.getCombine()) > 1) {
    return Unsupported(p + ": unknown task or combine kind");
  }
  est::TreeModelInput in;
  const std::string class_name(r.getClassName().cStr());
  in.class_name = class_name;
  in.task = static_cast<est::TreeTask>(r.getTask());
  in.combine = static_cast<est::TreeCombine>(r.getCombine());
  in.accept_nan = r.getAcceptNan();
  in.n_features = r.getNFeatures();
  in.n_outputs = r.getNOutputs();
  auto classes = r.getClasses();
  for (unsigned i = 0; i < classes.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto l, d.Labels(classes[i], p + ".classes[" + std::to_string(i) + "]"));
    in.classes.push_back(std::move(l));
  }
  std::vector<TreeTensors> taken;
  auto trees = r.getTrees();
  taken.reserve(trees.size());
  for (unsigned i = 0; i < trees.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto t, TakeTree(d, trees[i], p + ".trees[" + std::to_string(i) + "]"));
    taken.push_back(t);
  }
  std::deque<TreeColumns> copies;
  for (const auto& t : taken) in.trees.push_back(ArraysOf(t, copies));
  in.threads = d.options().hash_threads;
  SAFEMODEL_ASSIGN_OR_RETURN(est::TreeModel m, est::BuildTreeModel(in, p));
  if (r.getNClasses().size() != m.n_classes.size()) return Corruption(p + ".nClasses: disagrees with classes");
  for (unsigned i = 0; i < r.getNClasses().size(); ++i) {
    if (static_cast<int64_t>(r.getNClasses()[i]) != m.n_classes[i]) return Corruption(p + ".nClasses: disagrees with classes");
  }
  return est::Estimator{std::move(m)};
}

Result<est::Estimator> DecodeStandardScaler(Decoder& d, schema::StandardScaler::Reader r, const std::string& p) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto mean, d.OptionalF64(r.getMean(), p + ".mean"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto scale, d.OptionalF64(r.getScale(), p + ".scale"));
  est::StandardScalerInput in{r.getNFeatures(), r.getWithMean(), r.getWithStd(), mean, scale};
  SAFEMODEL_ASSIGN_OR_RETURN(est::StandardScaler s, est::BuildStandardScaler(in, p));
  return est::Estimator{std::move(s)};
}

Result<est::Estimator> DecodeMinMaxScaler(Decoder& d, schema::MinMaxScaler::Reader r, const std::string& p) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto min, d.Copy<double>(r.getMin(), DType::kF64, 1, p + ".min"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto scale, d.Copy<double>(r.getScale(), DType::kF64, 1, p + ".scale"));
  est::MinMaxScalerInput in{r.getNFeatures(), min, scale, r.getClip(), r.getRangeLo(), r.getRangeHi()};
  SAFEMODEL_ASSIGN_OR_RETURN(est::MinMaxScaler s, est::BuildMinMaxScaler(in, p));
  return est::Estimator{std::move(s)};
}

Result<est::Estimator> DecodePipeline(Decoder& d, schema::PipelineModel::Reader r, const std::string& p, int depth) {
  std::vector<std::string> names;
  std::vector<est::Estimator> steps;
  auto list = r.getSteps();
  for (unsigned i = 0; i < list.size(); ++i) {
    const std::string sp = p + ".steps[" + std::to_string(i) + "]";
    SAFEMODEL_ASSIGN_OR_RETURN(auto step, d.Estimator(list[i].getEstimator(), sp, depth + 1));
    names.emplace_back(list[i].getName().cStr(), list[i].getName().size());
    steps.push_back(std::move(step));
  }
  return est::BuildPipeline(std::move(names), std::move(steps), p);
}

namespace {

Result<Bundle> DecodeBundle(Decoder& d, schema::Bundle::Reader r) {
  Bundle b;
  if (static_cast<unsigned>(r.getContainer()) > 2) return Unsupported("estimator.bundle: unknown container");
  b.container = static_cast<Bundle::Container>(r.getContainer());
  auto members = r.getMembers();
  for (unsigned i = 0; i < members.size(); ++i) {
    auto m = members[i];
    const std::string p = "bundle.members[" + std::to_string(i) + "]";
    BundleMember out;
    out.name.assign(m.getName().cStr(), m.getName().size());
    switch (m.which()) {
      case schema::BundleMember::ESTIMATOR: {
        SAFEMODEL_ASSIGN_OR_RETURN(auto e, d.Estimator(m.getEstimator(), p, 1));
        out.value = std::move(e);
        break;
      }
      case schema::BundleMember::NONE: break;
      case schema::BundleMember::BOOL: out.value = m.getBool(); break;
      case schema::BundleMember::INT: out.value = m.getInt(); break;
      case schema::BundleMember::FLOAT: out.value = m.getFloat(); break;
      case schema::BundleMember::TEXT: out.value = std::string(m.getText().cStr(), m.getText().size()); break;
      default: return Unsupported(p + ": unknown member kind");
    }
    b.members.push_back(std::move(out));
  }
  return b;
}

}  // namespace

Result<est::Estimator> Decoder::Estimator(schema::Estimator::Reader r, const std::string& p, int depth) {
  SAFEMODEL_ASSIGN_OR_RETURN(est::Estimator e, Family(r, p, depth));
  if (r.hasFeatureNames()) {
    std::vector<std::string> names;
    for (auto t : r.getFeatureNames()) {
      if (t.size() > options_.max_string_bytes) return LimitExceeded(p + ".featureNames: a name over max_string_bytes");
      names.emplace_back(t.cStr(), t.size());
    }
    SAFEMODEL_RETURN_IF_ERROR(est::SetFeatureNames(e, std::move(names), p + ".featureNames"));
  }
  return e;
}

Result<est::Estimator> Decoder::Family(schema::Estimator::Reader r, const std::string& p, int depth) {
  if (depth > kMaxDepth) return LimitExceeded(p + ": estimators nested deeper than " + std::to_string(kMaxDepth));
  switch (r.which()) {
    case schema::Estimator::LINEAR: return DecodeLinear(*this, r.getLinear(), p);
    case schema::Estimator::TREES: return DecodeTrees(*this, r.getTrees(), p);
    case schema::Estimator::STANDARD_SCALER: return DecodeStandardScaler(*this, r.getStandardScaler(), p);
    case schema::Estimator::MIN_MAX_SCALER: return DecodeMinMaxScaler(*this, r.getMinMaxScaler(), p);
    case schema::Estimator::PIPELINE: return DecodePipeline(*this, r.getPipeline(), p, depth);
    case schema::Estimator::GAUSSIAN_NB: return DecodeGaussianNB(*this, r.getGaussianNb(), p);
    case schema::Estimator::DISCRETE_NB: return DecodeDiscreteNB(*this, r.getDiscreteNb(), p);
    case schema::Estimator::K_MEANS: return DecodeKMeans(*this, r.getKMeans(), p);
    case schema::Estimator::DECOMPOSITION: return DecodeDecomposition(*this, r.getDecomposition(), p);
    case schema::Estimator::COLUMN_SCALER: return DecodeColumnScaler(*this, r.getColumnScaler(), p);
    case schema::Estimator::NORMALIZER: return DecodeNormalizer(*this, r.getNormalizer(), p);
    case schema::Estimator::BINARIZER: return DecodeBinarizer(*this, r.getBinarizer(), p);
    case schema::Estimator::SIMPLE_IMPUTER: return DecodeSimpleImputer(*this, r.getSimpleImputer(), p);
    case schema::Estimator::POLYNOMIAL_FEATURES: return DecodePolynomialFeatures(*this, r.getPolynomialFeatures(), p);
    case schema::Estimator::K_BINS_DISCRETIZER: return DecodeKBinsDiscretizer(*this, r.getKBinsDiscretizer(), p);
    case schema::Estimator::GRADIENT_BOOSTING: return DecodeGradientBoosting(*this, r.getGradientBoosting(), p);
    case schema::Estimator::HIST_GRADIENT_BOOSTING:
      return DecodeHistGradientBoosting(*this, r.getHistGradientBoosting(), p);
    case schema::Estimator::DUMMY: return DecodeDummy(*this, r.getDummy(), p);
    case schema::Estimator::MLP: return DecodeMlp(*this, r.getMlp(), p);
    case schema::Estimator::SVM: return DecodeSvm(*this, r.getSvm(), p);
    case schema::Estimator::K_NEIGHBORS: return DecodeKNeighbors(*this, r.getKNeighbors(), p);
    case schema::Estimator::ISOLATION_FOREST: return DecodeIsolationForest(*this, r.getIsolationForest(), p);
    case schema::Estimator::ADA_BOOST: return DecodeAdaBoost(*this, r.getAdaBoost(), p);
    case schema::Estimator::VOTING: return DecodeVoting(*this, r.getVoting(), p, depth);
    case schema::Estimator::STACKING: return DecodeStacking(*this, r.getStacking(), p, depth);
    case schema::Estimator::ONE_VS_REST: return DecodeOneVsRest(*this, r.getOneVsRest(), p, depth);
    case schema::Estimator::CALIBRATED: return DecodeCalibrated(*this, r.getCalibrated(), p, depth);
    case schema::Estimator::CATEGORICAL_ENCODER:
      return DecodeCategoricalEncoder(*this, r.getCategoricalEncoder(), p);
    case schema::Estimator::COLUMN_TRANSFORMER:
      return DecodeColumnTransformer(*this, r.getColumnTransformer(), p, depth);
    case schema::Estimator::TEXT_VECTORIZER: return DecodeTextVectorizer(*this, r.getTextVectorizer(), p);
    case schema::Estimator::TFIDF_TRANSFORMER: return DecodeTfidfTransformer(*this, r.getTfidfTransformer(), p);
    case schema::Estimator::DICT_VECTORIZER: return DecodeDictVectorizer(*this, r.getDictVectorizer(), p);
    case schema::Estimator::CUSTOM: return DecodeCustom(*this, r.getCustom(), p);
    default: break;
  }
  return Unsupported(p + ": estimator kind " + std::to_string(static_cast<unsigned>(r.which())) +
                     " is not allowed here");
}

Status EncodeContent(const ModelContent& content, schema::Estimator::Builder out, std::vector<OwnedTensor>& tensors) {
  Encoder enc(tensors);
  try {
    if (const auto* e = std::get_if<est::Estimator>(&content)) {
      enc.Estimator(*e, out, "");
    } else {
      EncodeBundle(enc, std::get<Bundle>(content), out.initBundle());
    }
  } catch (const kj::Exception& e) {
    return InvalidArgument(std::string("cannot encode the estimator: ") + e.getDescription().cStr());
  }
  return enc.status();
}

Result<ModelContent> DecodeContent(std::span<const std::byte> header_words, std::span<const TensorView> tensors,
                                   const LoadOptions& options) {
  try {
    HeaderMessage message(header_words, options);
    auto e = message.root().getEstimator();
    Decoder d(tensors, options);
    if (e.which() == schema::Estimator::BUNDLE) {
      SAFEMODEL_ASSIGN_OR_RETURN(Bundle b, DecodeBundle(d, e.getBundle()));
      SAFEMODEL_RETURN_IF_ERROR(d.AllUsed());
      return ModelContent(std::move(b));
    }
    SAFEMODEL_ASSIGN_OR_RETURN(est::Estimator est, d.Estimator(e, "estimator", 0));
    SAFEMODEL_RETURN_IF_ERROR(d.AllUsed());
    return ModelContent(std::move(est));
  } catch (const kj::Exception& e) {
    return Corruption(std::string("header.estimator: ") + e.getDescription().cStr());
  }
}

}  // namespace safemodel::format
