// Naive Bayes classifiers: GaussianNB, MultinomialNB, BernoulliNB,
// ComplementNB, as scikit-learn 1.2.1 predicts with them.
//
// Every method starts from the joint log likelihood jll (n_samples x
// n_classes, sklearn's _joint_log_likelihood):
//   predict           classes_[argmax(jll)]   (first maximum; a NaN wins, as numpy)
//   predict_log_proba jll - logsumexp(jll)    (scipy's logsumexp, row-wise)
//   predict_proba     exp(predict_log_proba)
// predict_log_proba is not log(predict_proba): it keeps the precision of
// tiny probabilities that exp() would round to zero.
#ifndef SAFEMODEL_ESTIMATORS_NAIVE_BAYES_H_
#define SAFEMODEL_ESTIMATORS_NAIVE_BAYES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

// GaussianNB: jll[c] = log(class_prior_[c]) - 0.5 * sum_j log(2 pi var_[c, j])
//                      - 0.5 * sum_j (x_j - theta_[c, j])^2 / var_[c, j].
struct GaussianNB {
  int32_t n_features = 0;
  int32_t n_classes = 0;
  LabelValues classes;              // classes_ (>= 1)
  std::vector<double> theta;        // theta_: n_classes x n_features
  std::vector<double> var;          // var_ (sigma_ before 1.0): n_classes x n_features, > 0
  std::vector<double> class_prior;  // class_prior_: n_classes, in [0, 1]

  GaussianNB() = default;
  GaussianNB(GaussianNB&&) = default;
  GaussianNB& operator=(GaussianNB&&) = default;
  GaussianNB Clone() const { return GaussianNB(*this); }

 private:
  GaussianNB(const GaussianNB&) = default;
};

// Borrowed for the call; the builder copies.
struct GaussianNBInput {
  LabelValues classes;
  std::span<const double> theta;
  std::vector<uint64_t> theta_shape;
  std::span<const double> var;
  std::vector<uint64_t> var_shape;
  std::string_view var_name = "var_";   // "sigma_" for files older than 1.0 (messages only)
  std::span<const double> class_prior;
  std::span<const double> class_count;  // class_count_ if known: checked, not kept (empty = absent)
  int64_t n_features_in = -1;           // n_features_in_ if the file has it, else -1
};

// kCorruption naming `path` and the field: theta_ and var_ 2-d of the same
// shape [n_classes, n_features]; n_classes == len(classes_) >= 1;
// n_features_in_ (if given) == columns; theta_ finite; var_ finite and > 0
// (fit adds epsilon_ > 0); class_prior_ n_classes values in [0, 1];
// class_count_ (if given) n_classes finite values >= 0.
Result<GaussianNB> BuildGaussianNB(const GaussianNBInput& in, std::string_view path);

enum class DiscreteNBKind : uint8_t { kMultinomial, kBernoulli, kComplement };

// The count-based models, all linear in X once feature_log_prob_ is known:
//   MultinomialNB: jll = X @ flp.T + class_log_prior_
//   BernoulliNB:   X binarized (x > threshold -> 1, else 0) unless binarize
//                  is None; neg = log(1 - exp(flp));
//                  jll = X @ (flp - neg).T + (class_log_prior_ + neg.sum(1))
//   ComplementNB:  jll = X @ flp.T, plus class_log_prior_ only with 1 class
//                  (its flp already holds the complement's weights, negated
//                  or normalized at fit).
struct DiscreteNB {
  DiscreteNBKind kind = DiscreteNBKind::kMultinomial;
  int32_t n_features = 0;
  int32_t n_classes = 0;
  LabelValues classes;                  // classes_ (>= 1)
  std::vector<double> feature_log_prob; // feature_log_prob_: n_classes x n_features
  std::vector<double> class_log_prior;  // class_log_prior_: n_classes
  bool binarize = false;                // BernoulliNB with binarize not None
  double threshold = 0.0;               // its value
  // Derived by the builder (never stored in files): the weights and offsets
  // of jll = X @ weight.T + offset (Bernoulli's flp - neg and
  // class_log_prior_ + neg.sum(1); the others' flp and class_log_prior_).
  std::vector<double> weight;
  std::vector<double> offset;

  DiscreteNB() = default;
  DiscreteNB(DiscreteNB&&) = default;
  DiscreteNB& operator=(DiscreteNB&&) = default;
  DiscreteNB Clone() const { return DiscreteNB(*this); }

 private:
  DiscreteNB(const DiscreteNB&) = default;
};

struct DiscreteNBInput {
  DiscreteNBKind kind = DiscreteNBKind::kMultinomial;
  LabelValues classes;
  std::span<const double> feature_log_prob;
  std::vector<uint64_t> feature_log_prob_shape;
  std::span<const double> class_log_prior;
  std::span<const double> class_count;  // class_count_ if known: checked, not kept
  bool binarize = false;                // BernoulliNB only
  double threshold = 0.0;
  int64_t n_features_in = -1;
};

// kCorruption naming `path` and the field: feature_log_prob_ 2-d
// [n_classes, n_features], n_classes == len(classes_) >= 1; class_log_prior_
// n_classes values, none NaN or +inf (-inf is a class with no samples or a
// zero class_prior); feature_log_prob_ never NaN, and <= 0 (-inf allowed,
// alpha = 0) for Multinomial and Bernoulli, >= 0 (+inf allowed) for
// Complement; the binarize threshold finite and only on BernoulliNB;
// class_count_ as for GaussianNB.
Result<DiscreteNB> BuildDiscreteNB(const DiscreteNBInput& in, std::string_view path);

// The joint log likelihood (sklearn's predict_joint_log_proba).
Result<Matrix> NaiveBayesJointLogLikelihood(const GaussianNB& m, MatrixView x);
Result<Matrix> NaiveBayesJointLogLikelihood(const DiscreteNB& m, MatrixView x);

// The family protocol (estimator.h).
inline std::string ClassNameOf(const GaussianNB&) { return "GaussianNB"; }
std::string ClassNameOf(const DiscreteNB& m);
std::string Describe(const GaussianNB& m);
std::string Describe(const DiscreteNB& m);
Result<Prediction> Predict(const GaussianNB& m, MatrixView x);
Result<Prediction> Predict(const DiscreteNB& m, MatrixView x);
Result<Matrix> PredictProba(const GaussianNB& m, MatrixView x);
Result<Matrix> PredictProba(const DiscreteNB& m, MatrixView x);
Result<Matrix> PredictLogProba(const GaussianNB& m, MatrixView x);
Result<Matrix> PredictLogProba(const DiscreteNB& m, MatrixView x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_NAIVE_BAYES_H_
