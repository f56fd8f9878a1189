// Fuzzes the input reader of `safemodel predict` (tools/predict.cc): ParseCsv
// over the bytes, and ReadInputMatrix over the same bytes as a file (CSV, or
// .npy when it starts with the numpy magic). A matrix that parses is used
// whole: its shape must match its data, every value is read, and it is
// written back with FormatCsv and parsed again, which must give the same
// values (NaN as NaN). A refusal is a pass.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "predict.h"

namespace {

using safemodel::cli::InputMatrix;

bool Same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

uint64_t Use(const InputMatrix& m) {
  if (m.rows == 0 || m.cols == 0 || m.data.size() != m.rows * m.cols) std::abort();
  uint64_t sum = safemodel::fuzz::Touch(m.data.data(), m.data.size() * sizeof(double));
  safemodel::Output out;
  out.rows = m.rows;
  out.cols = m.cols;
  out.numbers = m.data;
  const std::string csv = safemodel::cli::FormatCsv(out);
  auto again = safemodel::cli::ParseCsv(csv, "roundtrip");
  if (!again.ok() || again->rows != m.rows || again->cols != m.cols) std::abort();
  for (size_t i = 0; i < m.data.size(); ++i) {
    if (!Same(m.data[i], again->data[i])) std::abort();
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  volatile uint64_t sink = 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto m = safemodel::cli::ParseCsv(text, "fuzz.csv"); m.ok()) {
    sink = sink + Use(*m);
  } else {
    sink = sink + m.status().message().size();
  }
  safemodel::fuzz::MemFile f(data, size);
  if (auto m = safemodel::cli::ReadInputMatrix(f.path()); m.ok()) sink = sink + Use(*m);
  return 0;
}
