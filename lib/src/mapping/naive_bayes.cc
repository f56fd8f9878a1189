// Naive Bayes: GaussianNB (theta_, var_ or the older sigma_, class_prior_)
// and MultinomialNB / BernoulliNB / ComplementNB (feature_log_prob_,
// class_log_prior_, BernoulliNB's binarize). All live in sklearn.naive_bayes
// in every version. class_count_ is checked against classes_ when present.
#include <string>
#include <vector>

#include "mapping/sklearn.h"

namespace safemodel::mapping {

using pickle::Kind;
using pickle::Value;

Result<int64_t> DeclaredNumFeatures(const Attrs& a) {
  SAFEMODEL_ASSIGN_OR_RETURN(int64_t n, a.NumFeatures(false));
  const bool present = a.Get("n_features_in_") != nullptr || a.Get("n_features_") != nullptr;
  if (n < 0 && present) {
    return Corruption(Where(a.obj(), a.Field("n_features_in_")) + ": " + std::to_string(n) + " is negative");
  }
  return n;
}

namespace {

// class_count_: not needed to predict; read (and checked by the builder) when present.
Result<std::vector<double>> OptionalClassCount(const Attrs& a) {
  const Value* v = a.Get("class_count_");
  if (v == nullptr) return std::vector<double>{};
  return ReadDoubles(v, a.Field("class_count_"), nullptr);
}

Result<estimators::Estimator> MapGaussianNB(const Attrs& a) {
  estimators::GaussianNBInput in;
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto theta, a.Doubles("theta_", &in.theta_shape));
  // var_ since 1.0; sigma_ before (removed in 1.2).
  const char* var_name = a.Get("var_") != nullptr ? "var_" : "sigma_";
  if (a.Get(var_name) == nullptr) return a.Refuse(nullptr, "missing attribute 'var_' (or the older 'sigma_')");
  SAFEMODEL_ASSIGN_OR_RETURN(auto var, a.Doubles(var_name, &in.var_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto prior, a.Doubles("class_prior_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto count, OptionalClassCount(a));
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
  in.theta = theta;
  in.var = var;
  in.var_name = var_name;
  in.class_prior = prior;
  in.class_count = count;
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildGaussianNB(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

Result<estimators::Estimator> MapDiscreteNB(const Attrs& a) {
  estimators::DiscreteNBInput in;
  if (a.cls() == "MultinomialNB") in.kind = estimators::DiscreteNBKind::kMultinomial;
  else if (a.cls() == "BernoulliNB") in.kind = estimators::DiscreteNBKind::kBernoulli;
  else in.kind = estimators::DiscreteNBKind::kComplement;
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, a.Labels("classes_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto flp, a.Doubles("feature_log_prob_", &in.feature_log_prob_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto prior, a.Doubles("class_log_prior_"));
  SAFEMODEL_ASSIGN_OR_RETURN(auto count, OptionalClassCount(a));
  // n_features_in_ (0.24+) or n_features_ (0.2x-1.1); neither in older files.
  SAFEMODEL_ASSIGN_OR_RETURN(in.n_features_in, DeclaredNumFeatures(a));
  if (in.kind == estimators::DiscreteNBKind::kBernoulli) {
    // binarize=None means X is used as given.
    SAFEMODEL_ASSIGN_OR_RETURN(const Value* b, a.Need("binarize"));
    if (b->kind != Kind::kNone) {
      in.binarize = true;
      SAFEMODEL_ASSIGN_OR_RETURN(in.threshold, ReadNumber(b, a.Field("binarize")));
    }
  }
  in.feature_log_prob = flp;
  in.class_log_prior = prior;
  in.class_count = count;
  SAFEMODEL_ASSIGN_OR_RETURN(auto built, estimators::BuildDiscreteNB(in, a.path()));
  return estimators::Estimator{std::move(built)};
}

}  // namespace

Result<estimators::Estimator> MapNaiveBayes(const Attrs& a, Family family) {
  if (family == Family::kGaussianNB) return MapGaussianNB(a);
  return MapDiscreteNB(a);
}

}  // namespace safemodel::mapping
