#include "estimators/types.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "util/checked.h"
#include "util/text.h"

namespace safemodel::estimators {

size_t LabelCount(const LabelValues& labels) {
  return std::visit([](const auto& v) { return v.size(); }, labels);
}

std::string_view LabelKindName(const LabelValues& labels) {
  static constexpr std::string_view kNames[] = {"int64", "float64", "str"};
  return kNames[labels.index()];
}

LabelValues TakeLabels(const LabelValues& classes, std::span<const int32_t> index) {
  return std::visit(
      [&](const auto& from) -> LabelValues {
        std::decay_t<decltype(from)> out;
        out.reserve(index.size());
        for (int32_t i : index) out.push_back(from[static_cast<size_t>(i)]);
        return out;
      },
      classes);
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

Status CheckInput(MatrixView x, size_t n_features, FiniteRule rule, std::string_view who) {
  auto cells = CheckedMul(x.rows, x.cols);
  if (!cells || *cells != x.data.size()) {
    return InvalidArgument("X: " + std::to_string(x.data.size()) + " values do not make " +
                           std::to_string(x.rows) + " rows x " + std::to_string(x.cols) + " columns");
  }
  if (x.cols != n_features) {
    return InvalidArgument("X has " + std::to_string(x.cols) + " features, but " + std::string(who) +
                           " is expecting " + std::to_string(n_features) + " features as input");
  }
  for (size_t i = 0; i < x.data.size(); ++i) {
    double v = x.data[i];
    if (std::isfinite(v) || (std::isnan(v) && rule == FiniteRule::kAllowNaN)) continue;
    std::string where = "X[" + std::to_string(i / x.cols) + ", " + std::to_string(i % x.cols) + "]: ";
    // scikit-learn's check_array refuses these with a ValueError; so do we.
    return InvalidArgument(where + FormatDouble(v) + " is not accepted by " + std::string(who));
  }
  return Status::Ok();
}

Status CheckAllFinite(std::span<const double> values, std::string_view path) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return Corruption(std::string(path) + "[" + std::to_string(i) + "]: " + FormatDouble(values[i]) +
                        " is not finite");
    }
  }
  return Status::Ok();
}

Status CheckSize(std::string_view path, uint64_t size, uint64_t rows, uint64_t cols) {
  auto want = CheckedMul(rows, cols);
  if (!want) {
    return LimitExceeded(std::string(path) + ": shape " + std::to_string(rows) + " x " + std::to_string(cols) +
                         " overflows");
  }
  if (*want != size) {
    return Corruption(std::string(path) + ": " + std::to_string(size) + " values, expected " +
                      std::to_string(rows) + " x " + std::to_string(cols) + " = " + std::to_string(*want));
  }
  return Status::Ok();
}

Status CheckCount(std::string_view path, int64_t value, int64_t lo) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (value > kMax) {
    return LimitExceeded(std::string(path) + ": " + std::to_string(value) + " does not fit int32 (at most " +
                         std::to_string(kMax) + ")");
  }
  if (value < lo) {
    return Corruption(std::string(path) + ": " + std::to_string(value) + " out of range [" + std::to_string(lo) +
                      ", " + std::to_string(kMax) + "]");
  }
  return Status::Ok();
}

std::string DescribeClasses(const LabelValues& labels) {
  return std::to_string(LabelCount(labels)) + " classes (" + std::string(LabelKindName(labels)) + ")";
}

Result<MatrixView> NumericView(const TableView& t, std::string_view who) {
  uint64_t n = 0;
  if (__builtin_mul_overflow(uint64_t{t.rows}, uint64_t{t.cols}, &n) || t.numbers.size() != n ||
      (t.HasStrings() && (t.is_string.size() != n || t.strings.size() != n))) {
    return InvalidArgument(std::string(who) + ": input table of " + std::to_string(t.rows) + " x " +
                           std::to_string(t.cols) + " cells has inconsistent arrays");
  }
  for (size_t i = 0; i < t.is_string.size(); ++i) {
    if (t.is_string[i]) {
      return InvalidArgument("X[" + std::to_string(i / t.cols) + ", " + std::to_string(i % t.cols) + "]: '" +
                             EscapeForTerminal(t.strings[i].substr(0, 40)) + "' is not a number (" +
                             std::string(who) + " takes numbers)");
    }
  }
  return t.numeric();
}

}  // namespace safemodel::estimators
