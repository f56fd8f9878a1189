#include "predict.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "safemodel/io.h"
#include "safemodel/weights_io.h"

namespace safemodel::cli {
namespace {

constexpr uint64_t kMaxInputBytes = uint64_t{4} << 30;  // CSV inputs larger than this are refused

std::string Where(const std::string& name, size_t line, size_t col) {
  return name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

Result<double> ParseNumber(std::string_view cell, const std::string& where) {
  while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
  while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t' || cell.back() == '\r')) cell.remove_suffix(1);
  if (cell == "nan" || cell == "NaN" || cell == "NAN") return std::nan("");
  double v = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size()) {
    return InvalidArgument(where + ": '" + std::string(cell.substr(0, 40)) + "' is not a number");
  }
  return v;
}

template <typename T>
void Widen(const TensorView& t, std::vector<double>& out) {
  std::vector<T> tmp(t.bytes.size() / sizeof(T));
  std::memcpy(tmp.data(), t.bytes.data(), t.bytes.size());  // .npy data need not be aligned
  out.assign(tmp.begin(), tmp.end());
}

void AppendCsvString(std::string& out, const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "nan";
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
  out.append(buf, ec == std::errc() ? static_cast<size_t>(end - buf) : 0);
}

}  // namespace

Result<InputMatrix> ParseCsv(std::string_view text, const std::string& name) {
  InputMatrix m;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line == "\r") continue;
    size_t cols = 0, col_start = 0;
    for (;;) {
      size_t comma = line.find(',', col_start);
      std::string_view cell = line.substr(col_start, comma == std::string_view::npos ? line.npos : comma - col_start);
      SAFEMODEL_ASSIGN_OR_RETURN(double v, ParseNumber(cell, Where(name, line_no, col_start + 1)));
      m.data.push_back(v);
      ++cols;
      if (comma == std::string_view::npos) break;
      col_start = comma + 1;
    }
    if (m.rows > 0 && cols != m.cols) {
      return InvalidArgument(Where(name, line_no, 1) + ": " + std::to_string(cols) + " values, but line 1 has " +
                             std::to_string(m.cols));
    }
    m.cols = cols;
    ++m.rows;
  }
  if (m.rows == 0) return InvalidArgument(name + ": no rows");
  return m;
}

Result<InputMatrix> ReadInputMatrix(const std::string& path) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string head, ReadTextFile(path, kMaxInputBytes));
  if (head.rfind("\x93NUMPY", 0) != 0) return ParseCsv(head, path);
  SAFEMODEL_ASSIGN_OR_RETURN(WeightSet set, ReadNpy(path));
  const TensorView& t = set.tensors.at(0);
  if (t.shape.size() != 1 && t.shape.size() != 2) {
    return InvalidArgument(path + ": input array is " + ShapeString(t.shape) + ", expected 1-d or 2-d");
  }
  InputMatrix m;
  m.rows = t.shape.size() == 2 ? t.shape[0] : 1;
  m.cols = t.shape.back();
  switch (t.dtype) {
    case DType::kF64: Widen<double>(t, m.data); break;
    case DType::kF32: Widen<float>(t, m.data); break;
    case DType::kI64: Widen<int64_t>(t, m.data); break;
    case DType::kI32: Widen<int32_t>(t, m.data); break;
    default:
      return InvalidArgument(path + ": input dtype " + std::string(DTypeName(t.dtype)) +
                             " (use f64, f32, i64 or i32)");
  }
  return m;
}

std::string FormatCsv(const Output& out) {
  std::string s;
  for (size_t r = 0; r < out.rows; ++r) {
    for (size_t c = 0; c < out.cols; ++c) {
      if (c) s += ',';
      const size_t i = r * out.cols + c;
      switch (out.kind) {
        case Output::Kind::kIntLabels: s += std::to_string(out.ints[i]); break;
        case Output::Kind::kStringLabels: AppendCsvString(s, out.strings[i]); break;
        case Output::Kind::kNumbers:
        case Output::Kind::kFloatLabels: AppendDouble(s, out.numbers[i]); break;
      }
    }
    s += '\n';
  }
  return s;
}

}  // namespace safemodel::cli
