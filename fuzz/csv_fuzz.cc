// Fuzzes the input reader of `safemodel predict` (tools/predict.cc): ParseCsv
// over the bytes (with and without a header row, with feature names for the
// automatic header choice), and ReadInputTable over the same bytes as a file
// (CSV, or .npy of numbers or strings when it starts with the numpy magic).
// A table that parses is used whole: its arrays must match its shape, every
// cell is read, and a table of numbers is written back with FormatCsv and
// parsed again, which must give the same values (NaN as NaN). A refusal is a
// pass.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "predict.h"

namespace {

using safemodel::Table;
using safemodel::cli::InputOptions;

bool Same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

uint64_t Use(const Table& t, const std::vector<size_t>& lines) {
  const size_t n = t.rows * t.cols;
  if (t.rows == 0 || t.cols == 0 || t.numbers.size() != n) std::abort();
  if (!t.is_string.empty() && (t.is_string.size() != n || t.strings.size() != n)) std::abort();
  if (!t.column_names.empty() && t.column_names.size() != t.cols) std::abort();
  if (!lines.empty() && lines.size() != t.rows) std::abort();
  uint64_t sum = safemodel::fuzz::Touch(t.numbers.data(), n * sizeof(double));
  for (const auto& s : t.strings) sum += safemodel::fuzz::Touch(s.data(), s.size());
  for (const auto& s : t.column_names) sum += safemodel::fuzz::Touch(s.data(), s.size());
  if (!t.is_string.empty()) return sum;
  safemodel::Output out;
  out.rows = t.rows;
  out.cols = t.cols;
  out.numbers = t.numbers;
  const std::string csv = safemodel::cli::FormatCsv(out);
  auto again = safemodel::cli::ParseCsv(csv, "roundtrip", {InputOptions::Header::kNo, {}});
  if (!again.ok() || again->rows != t.rows || again->cols != t.cols || !again->is_string.empty()) std::abort();
  for (size_t i = 0; i < n; ++i) {
    if (!Same(t.numbers[i], again->numbers[i])) std::abort();
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  volatile uint64_t sink = 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const InputOptions modes[] = {{InputOptions::Header::kNo, {}},
                                {InputOptions::Header::kYes, {}},
                                {InputOptions::Header::kAuto, {"a", "b", "c"}}};
  for (const auto& mode : modes) {
    std::vector<size_t> lines;
    if (auto t = safemodel::cli::ParseCsv(text, "fuzz.csv", mode, &lines); t.ok()) {
      sink = sink + Use(*t, lines);
    } else {
      sink = sink + t.status().message().size();
    }
  }
  safemodel::fuzz::MemFile f(data, size);
  if (auto t = safemodel::cli::ReadInputTable(f.path()); t.ok()) sink = sink + Use(*t, {});
  return 0;
}
