// MLPClassifier / MLPRegressor: coefs_ and intercepts_ (lists of arrays),
// the activations, and for the classifier its LabelBinarizer, whose y_type_,
// classes_ and pos/neg labels decide how outputs become labels. Everything
// else in the state (_optimizer, loss_curve_, _random_state, _best_coefs...)
// only serves training and is left unread.
#include <string>
#include <vector>

#include "mapping/sklearn.h"
#include "util/text.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

namespace {

// One list attribute of arrays, read with their shapes.
struct ArrayList {
  std::vector<std::vector<double>> values;
  std::vector<std::vector<uint64_t>> shapes;
};

Result<ArrayList> ReadArrayList(const Attrs& a, std::string_view attr) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* v, a.Need(attr));
  if (v->kind != Kind::kList && v->kind != Kind::kTuple) {
    return Corruption(Where(v, a.Field(attr)) + ": expected a list of arrays, got " + pickle::Describe(v));
  }
  ArrayList out;
  for (size_t i = 0; i < v->items.size(); ++i) {
    std::vector<uint64_t> shape;
    SAFEMODEL_ASSIGN_OR_RETURN(auto d, ReadDoubles(v->items[i], a.Field(attr) + "[" + std::to_string(i) + "]", &shape));
    out.values.push_back(std::move(d));
    out.shapes.push_back(std::move(shape));
  }
  return out;
}

Result<estimators::MlpActivation> Activation(const Attrs& a, std::string_view attr) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string name, a.Str(attr));
  auto act = estimators::ParseMlpActivation(name);
  if (!act) return a.Refuse(a.Get(attr), std::string(attr) + " '" + EscapeForTerminal(name) + "' is not known");
  return *act;
}

bool IsLabelBinarizer(const Value* v) {
  return v != nullptr && v->kind == Kind::kObject && v->name == "LabelBinarizer" &&
         (v->module == "sklearn.preprocessing._label" || v->module == "sklearn.preprocessing.label");
}

// The classifier's _label_binarizer: target kind, classes and threshold.
Status ReadBinarizer(const Attrs& a, estimators::MlpInput& in) {
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* lb, a.Need("_label_binarizer"));
  const std::string where = a.Field("_label_binarizer");
  if (!IsLabelBinarizer(lb)) {
    return Corruption(Where(lb, where) + ": expected a LabelBinarizer, got " + pickle::Describe(lb));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(Attrs b, Attrs::Open(lb, where));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string y_type, b.Str("y_type_"));
  auto target = estimators::ParseMlpTarget(y_type);
  if (!target) {
    return b.Refuse(b.Get("y_type_"), "y_type_ '" + EscapeForTerminal(y_type) +
                                          "' is not one MLPClassifier predicts (binary, multiclass, multilabel-indicator)");
  }
  in.target = *target;
  if (const Value* s = b.Get("sparse_input_"); s != nullptr) {
    SAFEMODEL_ASSIGN_OR_RETURN(bool sparse, ReadBool(s, b.Field("sparse_input_")));
    if (sparse) return b.Refuse(s, "sparse_input_ is set: predict would return a sparse matrix");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, b.Labels("classes_"));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* pos, b.Need("pos_label"));
  SAFEMODEL_ASSIGN_OR_RETURN(const Value* neg, b.Need("neg_label"));
  SAFEMODEL_ASSIGN_OR_RETURN(double p, ReadNumber(pos, b.Field("pos_label")));
  SAFEMODEL_ASSIGN_OR_RETURN(double n, ReadNumber(neg, b.Field("neg_label")));
  in.threshold = (p + n) / 2.0;  // LabelBinarizer.inverse_transform's default
  return Status::Ok();
}

}  // namespace

Result<estimators::Estimator> MapMlp(const Attrs& a) {
  estimators::MlpInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(ArrayList coefs, ReadArrayList(a, "coefs_"));
  SAFEMODEL_ASSIGN_OR_RETURN(ArrayList intercepts, ReadArrayList(a, "intercepts_"));
  for (const auto& c : coefs.values) in.coefs.emplace_back(c);
  for (const auto& b : intercepts.values) in.intercepts.emplace_back(b);
  in.coef_shapes = coefs.shapes;
  in.intercept_shapes = intercepts.shapes;
  SAFEMODEL_ASSIGN_OR_RETURN(in.activation, Activation(a, "activation"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.out_activation, Activation(a, "out_activation_"));
  // n_features_in_ arrived in 0.24; n_layers_ and n_outputs_ are in every
  // version, but checked only when present: the arrays decide.
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, a.OptInt("n_features_in_"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_layers, a.OptInt("n_layers_"));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_outputs, a.OptInt("n_outputs_"));
  if (a.cls() == "MLPClassifier") SAFEMODEL_RETURN_IF_ERROR(ReadBinarizer(a, in));
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildMlp(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

}  // namespace safemodel::mapping
