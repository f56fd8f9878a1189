// `safemodel predict`: input matrices from CSV or .npy, output as CSV.
#ifndef SAFEMODEL_TOOLS_PREDICT_H_
#define SAFEMODEL_TOOLS_PREDICT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "safemodel/predict.h"
#include "safemodel/status.h"

namespace safemodel::cli {

struct InputMatrix {
  std::vector<double> data;  // row-major
  size_t rows = 0;
  size_t cols = 0;
};

// CSV: comma-separated numbers, no header, one row per line, "nan" allowed;
// every row the same width. Errors name file:line:column.
Result<InputMatrix> ParseCsv(std::string_view text, const std::string& name);
// A .npy or CSV file (chosen by content); .npy must be 1-d (one sample) or
// 2-d of a real or integer dtype.
Result<InputMatrix> ReadInputMatrix(const std::string& path);

// One line per row; numbers in shortest round-trip form, labels as stored
// (strings quoted as CSV needs).
std::string FormatCsv(const Output& out);

}  // namespace safemodel::cli

#endif  // SAFEMODEL_TOOLS_PREDICT_H_
