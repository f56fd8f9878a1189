#include "estimators/scaler.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace safemodel::estimators {
namespace {

// Settles n_features from n_features_in_ or the first array present.
Result<int32_t> FeatureCount(int64_t declared, size_t from_array, std::string_view path) {
  int64_t n = declared >= 0 ? declared : static_cast<int64_t>(from_array);
  SAFEMODEL_RETURN_IF_ERROR(CheckCount(std::string(path) + ".n_features_in_", n, 1));
  return static_cast<int32_t>(n);
}

// A per-feature array: present, n_features long, finite (and nonzero for
// divisors).
Status CheckPerFeature(std::span<const double> v, int32_t n, std::string_view path, bool nonzero) {
  if (v.size() != static_cast<size_t>(n)) {
    return Corruption(std::string(path) + ": " + std::to_string(v.size()) + " values but n_features_in_ is " +
                      std::to_string(n));
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckAllFinite(v, path));
  for (size_t i = 0; nonzero && i < v.size(); ++i) {
    if (v[i] == 0.0) return Corruption(std::string(path) + "[" + std::to_string(i) + "]: 0 is not a valid scale");
  }
  return Status::Ok();
}

}  // namespace

Result<StandardScaler> BuildStandardScaler(const StandardScalerInput& in, std::string_view path) {
  std::string p(path);
  size_t guess = in.with_mean ? in.mean.size() : in.scale.size();
  SAFEMODEL_ASSIGN_OR_RETURN(int32_t n, FeatureCount(in.n_features_in, guess, p));
  StandardScaler s;
  s.n_features = n;
  s.with_mean = in.with_mean;
  s.with_std = in.with_std;
  if (in.with_mean) {
    SAFEMODEL_RETURN_IF_ERROR(CheckPerFeature(in.mean, n, p + ".mean_", false));
    s.mean.assign(in.mean.begin(), in.mean.end());
  }
  if (in.with_std) {
    SAFEMODEL_RETURN_IF_ERROR(CheckPerFeature(in.scale, n, p + ".scale_", true));
    s.scale.assign(in.scale.begin(), in.scale.end());
  }
  return s;
}

Result<Matrix> StandardScalerTransform(const StandardScaler& s, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(s.n_features), FiniteRule::kAllowNaN, "StandardScaler"));
  Matrix out(x.rows, x.cols);
  out.data.assign(x.data.begin(), x.data.end());
  for (size_t i = 0; i < out.rows; ++i) {
    for (size_t j = 0; j < out.cols; ++j) {
      double& v = out.at(i, j);
      if (s.with_mean) v -= s.mean[j];
      if (s.with_std) v /= s.scale[j];
    }
  }
  return out;
}

Result<MinMaxScaler> BuildMinMaxScaler(const MinMaxScalerInput& in, std::string_view path) {
  std::string p(path);
  SAFEMODEL_ASSIGN_OR_RETURN(int32_t n, FeatureCount(in.n_features_in, in.min.size(), p));
  SAFEMODEL_RETURN_IF_ERROR(CheckPerFeature(in.min, n, p + ".min_", false));
  SAFEMODEL_RETURN_IF_ERROR(CheckPerFeature(in.scale, n, p + ".scale_", false));
  // sklearn's fit refuses feature_range with lo >= hi.
  if (!std::isfinite(in.range_lo) || !std::isfinite(in.range_hi) || !(in.range_lo < in.range_hi)) {
    return Corruption(p + ".feature_range: (" + FormatDouble(in.range_lo) + ", " + FormatDouble(in.range_hi) +
                      ") is not a finite increasing range");
  }
  MinMaxScaler s;
  s.n_features = n;
  s.min.assign(in.min.begin(), in.min.end());
  s.scale.assign(in.scale.begin(), in.scale.end());
  s.clip = in.clip;
  s.range_lo = in.range_lo;
  s.range_hi = in.range_hi;
  return s;
}

Result<Matrix> MinMaxScalerTransform(const MinMaxScaler& s, MatrixView x) {
  SAFEMODEL_RETURN_IF_ERROR(CheckInput(x, static_cast<size_t>(s.n_features), FiniteRule::kAllowNaN, "MinMaxScaler"));
  Matrix out(x.rows, x.cols);
  out.data.assign(x.data.begin(), x.data.end());
  for (size_t i = 0; i < out.rows; ++i) {
    for (size_t j = 0; j < out.cols; ++j) {
      double& v = out.at(i, j);
      v *= s.scale[j];
      v += s.min[j];
      // np.clip keeps NaN; std::clamp would too, but say so explicitly.
      if (s.clip && !std::isnan(v)) v = std::clamp(v, s.range_lo, s.range_hi);
    }
  }
  return out;
}

std::string Describe(const StandardScaler& m) {
  return std::string("StandardScaler: ") + std::to_string(m.n_features) + " features" +
         (m.with_mean ? "" : ", no centering") + (m.with_std ? "" : ", no scaling");
}

std::string Describe(const MinMaxScaler& m) {
  return "MinMaxScaler: " + std::to_string(m.n_features) + " features" + (m.clip ? ", clipped" : "");
}

}  // namespace safemodel::estimators
