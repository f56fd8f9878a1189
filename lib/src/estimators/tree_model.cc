// TreeModel: building a single tree or a forest, and inference.
#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <cmath>

#include "estimators/numpy_math.h"
#include "estimators/tree.h"

namespace safemodel::estimators {

TreeModel TreeModel::Clone() const {
  TreeModel m;
  m.class_name = class_name;
  m.task = task;
  m.combine = combine;
  m.accept_nan = accept_nan;
  m.n_features = n_features;
  m.n_outputs = n_outputs;
  m.n_classes = n_classes;
  m.classes = classes;
  m.trees.reserve(trees.size());
  for (const auto& t : trees) m.trees.push_back(t.Clone());
  return m;
}

namespace {

Status CheckModelShape(const TreeModelInput& in, std::string_view path, TreeShape& shape) {
  std::string p(path);
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_features_in_", in.n_features, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".n_outputs_", in.n_outputs, 1));
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(p + ".trees", static_cast<int64_t>(in.trees.size()), 1));
  if (in.combine == TreeCombine::kSingle && in.trees.size() != 1) {
    return Corruption(p + ": a single tree estimator with " + std::to_string(in.trees.size()) + " trees");
  }
  shape.n_features = in.n_features;
  shape.n_outputs = in.n_outputs;
  if (in.task == TreeTask::kRegressor) {
    if (!in.classes.empty()) return Corruption(p + ".classes_: a regressor has classes");
    return Status::Ok();
  }
  if (in.classes.size() != static_cast<size_t>(in.n_outputs)) {
    return Corruption(p + ".classes_: " + std::to_string(in.classes.size()) + " label arrays but n_outputs_ is " +
                      std::to_string(in.n_outputs));
  }
  for (size_t k = 0; k < in.classes.size(); ++k) {
    if (in.classes[k].index() != in.classes[0].index()) {
      return Corruption(p + ".classes_[" + std::to_string(k) + "]: labels of kind " +
                        std::string(LabelKindName(in.classes[k])) + " but classes_[0] holds " +
                        std::string(LabelKindName(in.classes[0])));
    }
    shape.n_classes.push_back(static_cast<int64_t>(LabelCount(in.classes[k])));
  }
  return Status::Ok();
}

// Fills t.proba (see DecisionTree) for a classifier.
void NormalizeLeaves(DecisionTree& t, const std::vector<int32_t>& n_classes) {
  t.proba.assign(t.value.size(), 0.0);
  const size_t row = static_cast<size_t>(t.max_classes);
  for (size_t r = 0; r < t.value.size() / row; ++r) {
    const int32_t nc = n_classes[r % n_classes.size()];
    const double* v = t.value.data() + r * row;
    double sum = NumpySum(v, static_cast<size_t>(nc));  // proba.sum(axis=1)
    if (sum == 0.0) sum = 1.0;
    for (int32_t c = 0; c < nc; ++c) t.proba[r * row + c] = v[c] / sum;
  }
}

}  // namespace

Result<TreeModel> BuildTreeModel(const TreeModelInput& in, std::string_view path) {
  TreeShape shape;
  SAFEMODEL_RETURN_IF_ERROR(CheckModelShape(in, path, shape));
  TreeModel m;
  m.class_name = std::string(in.class_name);
  m.task = in.task;
  m.combine = in.combine;
  m.accept_nan = in.accept_nan;
  m.n_features = static_cast<int32_t>(in.n_features);
  m.n_outputs = static_cast<int32_t>(in.n_outputs);
  for (int64_t c : shape.n_classes) m.n_classes.push_back(static_cast<int32_t>(c));
  m.classes = in.classes;
  auto build = [&](size_t i) -> Result<DecisionTree> {
    std::string tp = in.combine == TreeCombine::kSingle ? std::string(path)
                                                        : std::string(path) + ".trees[" + std::to_string(i) + "]";
    if (in.accept_nan && in.trees[i].missing_go_to_left.empty()) {
      return Corruption(tp + ".missing_go_to_left: absent, but this estimator takes NaN");
    }
    SAFEMODEL_ASSIGN_OR_RETURN(DecisionTree t, BuildTree(in.trees[i], shape, tp));
    if (m.task == TreeTask::kClassifier) NormalizeLeaves(t, m.n_classes);
    return t;
  };
  const size_t n = in.trees.size();
  std::vector<std::optional<Result<DecisionTree>>> built(n);
  const size_t cores = in.threads ? in.threads : std::max(1u, std::thread::hardware_concurrency());
  const size_t threads = std::min(cores, n / 8);  // a few trees are not worth a thread
  if (threads > 1) {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) {
        try {
          built[i].emplace(build(i));
        } catch (...) {  // e.g. std::bad_alloc: built again below, on the calling thread
        }
      }
    };
    std::vector<std::jthread> pool;
    for (size_t k = 1; k < threads; ++k) pool.emplace_back(work);
    work();
  }
  for (size_t i = 0; i < n; ++i) {
    if (!built[i]) built[i].emplace(build(i));
    if (!built[i]->ok()) return built[i]->status();
    m.trees.push_back(std::move(**built[i]));
  }
  return m;
}

std::string Describe(const TreeModel& m) {
  int32_t nodes = 0, depth = 0;
  for (const auto& t : m.trees) {
    nodes = std::max(nodes, t.node_count);
    depth = std::max(depth, t.depth);
  }
  std::string s = m.class_name + ": " + std::to_string(m.trees.size()) + " tree(s) (<= " + std::to_string(nodes) +
                  " nodes, depth <= " + std::to_string(depth) + "), " + std::to_string(m.n_features) + " features, " +
                  std::to_string(m.n_outputs) + " output(s)";
  if (!m.classes.empty()) s += ", " + DescribeClasses(m.classes[0]);
  return s;
}

}  // namespace safemodel::estimators
