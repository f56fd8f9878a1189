// StandardScaler and MinMaxScaler: transform only, as scikit-learn 1.2.1.
// Both accept NaN in X (it passes through, as sklearn's "allow-nan") and
// refuse +-inf.
#ifndef SAFEMODEL_ESTIMATORS_SCALER_H_
#define SAFEMODEL_ESTIMATORS_SCALER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::estimators {

struct StandardScaler {
  int32_t n_features = 0;
  bool with_mean = true;
  bool with_std = true;
  std::vector<double> mean;   // n_features if with_mean, else empty
  std::vector<double> scale;  // n_features if with_std, else empty

  StandardScaler() = default;
  StandardScaler(StandardScaler&&) = default;
  StandardScaler& operator=(StandardScaler&&) = default;
  StandardScaler Clone() const { return StandardScaler(*this); }

 private:
  StandardScaler(const StandardScaler&) = default;
};

struct StandardScalerInput {
  int64_t n_features_in = -1;       // n_features_in_, or -1 if absent (then from mean_/scale_)
  bool with_mean = true;
  bool with_std = true;
  std::span<const double> mean;     // mean_ (may be None in the file when neither is used)
  std::span<const double> scale;    // scale_ (None when with_std=False)
};

// kCorruption: "<path>.scale_[2]: 0 must be finite and nonzero" (sklearn's fit
// replaces zero scales by 1, so a zero can only come from an edited file),
// lengths that disagree with n_features_in_, a used array that is missing.
Result<StandardScaler> BuildStandardScaler(const StandardScalerInput& in, std::string_view path);
// (X - mean) / scale, each step only if enabled, in that order.
Result<Matrix> StandardScalerTransform(const StandardScaler& s, MatrixView x);
inline std::string ClassNameOf(const StandardScaler&) { return "StandardScaler"; }
std::string Describe(const StandardScaler& s);
inline Result<Matrix> Transform(const StandardScaler& s, MatrixView x) { return StandardScalerTransform(s, x); }

struct MinMaxScaler {
  int32_t n_features = 0;
  std::vector<double> min;    // min_
  std::vector<double> scale;  // scale_
  bool clip = false;
  double range_lo = 0.0;      // feature_range, used by clip
  double range_hi = 1.0;

  MinMaxScaler() = default;
  MinMaxScaler(MinMaxScaler&&) = default;
  MinMaxScaler& operator=(MinMaxScaler&&) = default;
  MinMaxScaler Clone() const { return MinMaxScaler(*this); }

 private:
  MinMaxScaler(const MinMaxScaler&) = default;
};

struct MinMaxScalerInput {
  int64_t n_features_in = -1;
  std::span<const double> min;
  std::span<const double> scale;
  bool clip = false;                // absent before 0.24: false
  double range_lo = 0.0;
  double range_hi = 1.0;
};

// kCorruption for non-finite min_/scale_, lo >= hi, mismatched lengths.
Result<MinMaxScaler> BuildMinMaxScaler(const MinMaxScalerInput& in, std::string_view path);
// X * scale + min, then clip to [lo, hi] if clip.
Result<Matrix> MinMaxScalerTransform(const MinMaxScaler& s, MatrixView x);
inline std::string ClassNameOf(const MinMaxScaler&) { return "MinMaxScaler"; }
std::string Describe(const MinMaxScaler& s);
inline Result<Matrix> Transform(const MinMaxScaler& s, MatrixView x) { return MinMaxScalerTransform(s, x); }

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_SCALER_H_
