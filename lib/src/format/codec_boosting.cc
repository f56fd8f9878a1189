// Codec of the boosting group: DummyModel, GradientBoostingModel (its trees
// as a nested `trees` Estimator, coded by the tree family's own codec) and
// HistGradientBoostingModel.
#include <string>
#include <vector>

#include "format/codec.h"

namespace safemodel::format {

namespace {

void EncodeDummy(Encoder& enc, const est::DummyModel& m, schema::DummyModel::Builder out, const std::string& p) {
  out.setClassName(m.class_name);
  out.setTask(static_cast<schema::BoostTask>(m.task));
  out.setStrategy(static_cast<schema::DummyStrategy>(m.strategy));
  out.setConstantIndex(m.constant_index);
  out.setClassPrior(kNoTensor);
  out.setConstant(kNoTensor);
  if (m.task == est::BoostTask::kClassifier) {
    enc.Labels(m.classes, out.initClasses(), p + "classes");
    out.setClassPrior(enc.Add<double>(p + "class_prior", DType::kF64, m.class_prior, {m.class_prior.size()}));
  } else {
    out.setConstant(enc.Add<double>(p + "constant", DType::kF64, m.constant, {m.constant.size()}));
  }
}

Result<est::DummyModel> DecodeDummyModel(Decoder& d, schema::DummyModel::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getTask()) > 1 || static_cast<int>(r.getStrategy()) >= est::kDummyStrategyCount) {
    return Unsupported(p + ": unknown task or strategy");
  }
  est::DummyInput in;
  const std::string class_name(r.getClassName().cStr());
  in.class_name = class_name;
  in.task = static_cast<est::BoostTask>(r.getTask());
  in.strategy = static_cast<est::DummyStrategy>(r.getStrategy());
  in.constant_index = r.getConstantIndex();
  std::vector<double> prior, constant;
  if (r.getClassPrior() != kNoTensor) {
    SAFEMODEL_ASSIGN_OR_RETURN(prior, d.Copy<double>(r.getClassPrior(), DType::kF64, 1, p + ".class_prior"));
  }
  if (r.getConstant() != kNoTensor) {
    SAFEMODEL_ASSIGN_OR_RETURN(constant, d.Copy<double>(r.getConstant(), DType::kF64, 1, p + ".constant"));
  }
  if (in.task == est::BoostTask::kClassifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  } else if (!r.getClasses().isNone()) {
    return Corruption(p + ".classes: a regressor has classes");
  }
  in.class_prior = prior;
  in.constant = constant;
  return est::BuildDummy(in, p);
}

void EncodeHistTree(Encoder& enc, const est::HistTree& t, schema::HistTree::Builder out, const std::string& p) {
  const auto n = static_cast<uint64_t>(t.node_count);
  out.setValue(enc.Add<double>(p + "value", DType::kF64, t.value, {n}));
  out.setFeature(enc.Add<int32_t>(p + "feature", DType::kI32, t.feature, {n}));
  out.setThreshold(enc.Add<double>(p + "threshold", DType::kF64, t.threshold, {n}));
  out.setMissingGoToLeft(enc.Add<uint8_t>(p + "missing_go_to_left", DType::kU8, t.missing_go_to_left, {n}));
  out.setLeft(enc.Add<int32_t>(p + "left", DType::kI32, t.left, {n}));
  out.setRight(enc.Add<int32_t>(p + "right", DType::kI32, t.right, {n}));
  out.setIsCategorical(enc.Add<uint8_t>(p + "is_categorical", DType::kU8, t.is_categorical, {n}));
  out.setBitsetIdx(enc.Add<int32_t>(p + "bitset_idx", DType::kI32, t.bitset_idx, {n}));
  out.setLeftCatBitsets(enc.Add<uint32_t>(p + "left_cat_bitsets", DType::kU32, t.left_cat_bitsets,
                                          {t.left_cat_bitsets.size() / est::kBitsetWords, est::kBitsetWords}));
}

// One tree's columns, owned while the builder reads them.
struct HistColumns {
  std::vector<double> value, threshold;
  std::vector<int64_t> feature, left, right, bitset_idx;
  std::vector<uint8_t> missing, is_leaf, is_categorical;
  std::vector<uint32_t> bitsets;
  std::vector<uint64_t> bitsets_shape;
  est::HistTreeArrays Arrays() const {
    return {value, feature, threshold, missing, left, right, is_leaf, is_categorical, bitset_idx, bitsets, bitsets_shape};
  }
};

Result<std::vector<int64_t>> WideI32(Decoder& d, uint32_t index, const std::string& path) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto narrow, d.Copy<int32_t>(index, DType::kI32, 1, path));
  return std::vector<int64_t>(narrow.begin(), narrow.end());
}

Result<HistColumns> DecodeHistTree(Decoder& d, schema::HistTree::Reader r, const std::string& p) {
  HistColumns c;
  SAFEMODEL_ASSIGN_OR_RETURN(c.value, d.Copy<double>(r.getValue(), DType::kF64, 1, p + ".value"));
  SAFEMODEL_ASSIGN_OR_RETURN(c.feature, WideI32(d, r.getFeature(), p + ".feature"));
  SAFEMODEL_ASSIGN_OR_RETURN(c.threshold, d.Copy<double>(r.getThreshold(), DType::kF64, 1, p + ".threshold"));
  SAFEMODEL_ASSIGN_OR_RETURN(c.missing, d.Copy<uint8_t>(r.getMissingGoToLeft(), DType::kU8, 1, p + ".missing_go_to_left"));
  SAFEMODEL_ASSIGN_OR_RETURN(c.left, WideI32(d, r.getLeft(), p + ".left"));
  SAFEMODEL_ASSIGN_OR_RETURN(c.right, WideI32(d, r.getRight(), p + ".right"));
  SAFEMODEL_ASSIGN_OR_RETURN(c.is_categorical, d.Copy<uint8_t>(r.getIsCategorical(), DType::kU8, 1, p + ".is_categorical"));
  SAFEMODEL_ASSIGN_OR_RETURN(c.bitset_idx, WideI32(d, r.getBitsetIdx(), p + ".bitset_idx"));
  SAFEMODEL_ASSIGN_OR_RETURN(c.bitsets, d.Copy<uint32_t>(r.getLeftCatBitsets(), DType::kU32, 2, p + ".left_cat_bitsets",
                                                         &c.bitsets_shape));
  // Leaves are the nodes with both children -1 (what the encoder writes).
  if (c.left.size() != c.right.size()) return Corruption(p + ".right: length differs from left");
  c.is_leaf.resize(c.left.size());
  for (size_t i = 0; i < c.left.size(); ++i) {
    if ((c.left[i] == -1) != (c.right[i] == -1)) {
      return Corruption(p + ".nodes[" + std::to_string(i) + "]: one child -1 and the other not");
    }
    c.is_leaf[i] = c.left[i] == -1 ? 1 : 0;
  }
  return c;
}

}  // namespace

void Encode(Encoder& enc, const est::DummyModel& m, schema::Estimator::Builder out, const std::string& p) {
  EncodeDummy(enc, m, out.initDummy(), p);
}

void Encode(Encoder& enc, const est::GradientBoostingModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initGradientBoosting();
  b.setClassName(m.class_name);
  b.setTask(static_cast<schema::BoostTask>(m.task));
  b.setLoss(static_cast<schema::BoostLoss>(m.loss));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setTreesPerStage(static_cast<uint32_t>(m.trees_per_stage));
  b.setLearningRate(m.learning_rate);
  b.setInit(static_cast<schema::BoostInit>(m.init));
  if (m.init_dummy) EncodeDummy(enc, *m.init_dummy, b.initInitDummy(), p + "init.");
  b.setInitRaw(m.init == est::BoostInit::kRaw
                   ? enc.Add<double>(p + "init_raw", DType::kF64, m.init_raw, {m.init_raw.size()})
                   : kNoTensor);
  if (m.task == est::BoostTask::kClassifier) enc.Labels(m.classes, b.initClasses(), p + "classes");
  Encode(enc, m.trees, b.initForest(), p + "forest.");
}

void Encode(Encoder& enc, const est::HistGradientBoostingModel& m, schema::Estimator::Builder out,
            const std::string& p) {
  auto b = out.initHistGradientBoosting();
  b.setClassName(m.class_name);
  b.setTask(static_cast<schema::BoostTask>(m.task));
  b.setLoss(static_cast<schema::BoostLoss>(m.loss));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setTreesPerIteration(static_cast<uint32_t>(m.trees_per_iteration));
  b.setAcceptNan(m.accept_nan);
  b.setBaseline(enc.Add<double>(p + "baseline", DType::kF64, m.baseline, {m.baseline.size()}));
  if (m.task == est::BoostTask::kClassifier) enc.Labels(m.classes, b.initClasses(), p + "classes");
  b.setIsCategorical(kNoTensor);
  b.setKnownCatBitsets(kNoTensor);
  if (!m.is_categorical.empty()) {
    b.setIsCategorical(enc.Add<uint8_t>(p + "is_categorical", DType::kU8, m.is_categorical, {m.is_categorical.size()}));
    b.setKnownCatBitsets(enc.Add<uint32_t>(p + "known_cat_bitsets", DType::kU32, m.known_cat_bitsets,
                                           {m.known_cat_bitsets.size() / est::kBitsetWords, est::kBitsetWords}));
  }
  auto trees = b.initTrees(static_cast<unsigned>(m.trees.size()));
  for (unsigned i = 0; i < trees.size(); ++i) {
    EncodeHistTree(enc, m.trees[i], trees[i], p + "trees[" + std::to_string(i) + "].");
  }
}

Result<est::Estimator> DecodeDummy(Decoder& d, schema::DummyModel::Reader r, const std::string& p) {
  SAFEMODEL_ASSIGN_OR_RETURN(est::DummyModel m, DecodeDummyModel(d, r, p));
  return est::Estimator{std::move(m)};
}

Result<est::Estimator> DecodeGradientBoosting(Decoder& d, schema::GradientBoostingModel::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getTask()) > 1 || static_cast<int>(r.getLoss()) >= est::kBoostLossCount ||
      static_cast<int>(r.getInit()) >= est::kBoostInitCount) {
    return Unsupported(p + ": unknown task, loss or init kind");
  }
  est::GradientBoostingInput in;
  const std::string class_name(r.getClassName().cStr());
  in.class_name = class_name;
  in.task = static_cast<est::BoostTask>(r.getTask());
  in.loss = static_cast<est::BoostLoss>(r.getLoss());
  in.n_features = r.getNFeatures();
  in.trees_per_stage = r.getTreesPerStage();
  in.learning_rate = r.getLearningRate();
  in.init = static_cast<est::BoostInit>(r.getInit());
  if (in.init == est::BoostInit::kDummy) {
    SAFEMODEL_ASSIGN_OR_RETURN(est::DummyModel dm, DecodeDummyModel(d, r.getInitDummy(), p + ".init"));
    in.init_dummy = std::move(dm);
  } else if (r.hasInitDummy()) {
    return Corruption(p + ".initDummy: set but init is not dummy");
  }
  if (r.getInitRaw() != kNoTensor) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.init_raw, d.Copy<double>(r.getInitRaw(), DType::kF64, 1, p + ".init_raw"));
  }
  if (in.task == est::BoostTask::kClassifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  } else if (!r.getClasses().isNone()) {
    return Corruption(p + ".classes: a regressor has classes");
  }
  auto forest = r.getForest();
  if (forest.which() != schema::Estimator::TREES) return Corruption(p + ".forest: must hold a tree model");
  SAFEMODEL_ASSIGN_OR_RETURN(est::Estimator trees, DecodeTrees(d, forest.getTrees(), p + ".forest"));
  in.trees = std::move(std::get<est::TreeModel>(trees.model));
  SAFEMODEL_ASSIGN_OR_RETURN(est::GradientBoostingModel m, est::BuildGradientBoosting(std::move(in), p));
  return est::Estimator{std::move(m)};
}

Result<est::Estimator> DecodeHistGradientBoosting(Decoder& d, schema::HistGradientBoostingModel::Reader r,
                                                  const std::string& p) {
  if (static_cast<unsigned>(r.getTask()) > 1 || static_cast<int>(r.getLoss()) >= est::kBoostLossCount) {
    return Unsupported(p + ": unknown task or loss kind");
  }
  est::HistGradientBoostingInput in;
  const std::string class_name(r.getClassName().cStr());
  in.class_name = class_name;
  in.task = static_cast<est::BoostTask>(r.getTask());
  in.loss = static_cast<est::BoostLoss>(r.getLoss());
  in.n_features = r.getNFeatures();
  in.trees_per_iteration = r.getTreesPerIteration();
  in.accept_nan = r.getAcceptNan();
  SAFEMODEL_ASSIGN_OR_RETURN(auto baseline, d.Copy<double>(r.getBaseline(), DType::kF64, 1, p + ".baseline"));
  in.baseline = baseline;
  if (in.task == est::BoostTask::kClassifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  } else if (!r.getClasses().isNone()) {
    return Corruption(p + ".classes: a regressor has classes");
  }
  std::vector<uint8_t> is_categorical;
  std::vector<uint32_t> known;
  if ((r.getIsCategorical() == kNoTensor) != (r.getKnownCatBitsets() == kNoTensor)) {
    return Corruption(p + ".knownCatBitsets: present without isCategorical, or the reverse");
  }
  if (r.getIsCategorical() != kNoTensor) {
    SAFEMODEL_ASSIGN_OR_RETURN(is_categorical, d.Copy<uint8_t>(r.getIsCategorical(), DType::kU8, 1, p + ".is_categorical"));
    SAFEMODEL_ASSIGN_OR_RETURN(known, d.Copy<uint32_t>(r.getKnownCatBitsets(), DType::kU32, 2,
                                                       p + ".known_cat_bitsets", &in.known_shape));
    // An encoder never writes an all-zero is_categorical; the builder's
    // "no categorical feature" form is the absent tensor.
    if (is_categorical.empty()) return Corruption(p + ".is_categorical: empty");
  }
  in.is_categorical = is_categorical;
  in.known_cat_bitsets = known;
  std::vector<HistColumns> columns;
  auto trees = r.getTrees();
  columns.reserve(trees.size());
  for (unsigned i = 0; i < trees.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto c, DecodeHistTree(d, trees[i], p + ".trees[" + std::to_string(i) + "]"));
    columns.push_back(std::move(c));
  }
  for (const auto& c : columns) in.trees.push_back(c.Arrays());
  SAFEMODEL_ASSIGN_OR_RETURN(est::HistGradientBoostingModel m, est::BuildHistGradientBoosting(in, p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
