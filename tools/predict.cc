#include "predict.h"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>


#include "safemodel/io.h"
#include "safemodel/weights_io.h"

namespace safemodel::cli {
namespace {

constexpr uint64_t kMaxInputBytes = uint64_t{4} << 30;  // CSV inputs larger than this are refused

std::string Where(const std::string& name, size_t line, size_t col) {
  return name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

// A cell as a number: spaces around it ignored, "nan" in three spellings,
// empty = NaN (pandas); nullopt when it is not a number.
std::optional<double> CellNumber(std::string_view cell) {
  while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
  while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t' || cell.back() == '\r')) cell.remove_suffix(1);
  if (cell.empty() || cell == "nan" || cell == "NaN" || cell == "NAN") return std::nan("");
  if (cell.front() == '+') cell.remove_prefix(1);  // from_chars takes no '+'
  double v = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc() || end != cell.data() + cell.size()) return std::nullopt;
  return v;
}

// Walks the records of a CSV text, calling cell(text, line, column) for every
// cell and end_record(cells, line) after each record (blank lines skipped).
// Quoted cells are unescaped. kInvalidArgument for an unterminated quote or
// text after a closing quote.
template <class Cell, class EndRecord>
Status ForEachRecord(std::string_view text, const std::string& name, Cell&& cell, EndRecord&& end_record) {
  size_t i = 0, line = 1;
  std::string scratch;
  while (i < text.size()) {
    const size_t record_line = line;
    // A blank line (or a lone CR) is no record.
    if (text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      i += text[i] == '\r' ? 2 : 1;
      ++line;
      continue;
    }
    size_t cells = 0, line_start = i;
    for (;;) {
      const size_t column = i - line_start + 1, cell_line = line;
      std::string_view value;
      if (i < text.size() && text[i] == '"') {
        scratch.clear();
        size_t j = i + 1;
        for (;;) {
          if (j >= text.size()) return InvalidArgument(Where(name, cell_line, column) + ": quoted cell is not closed");
          if (text[j] == '"') {
            if (j + 1 < text.size() && text[j + 1] == '"') {
              scratch += '"';
              j += 2;
              continue;
            }
            ++j;
            break;
          }
          if (text[j] == '\n') {
            ++line;
            line_start = j + 1;
          }
          scratch += text[j++];
        }
        i = j;
        if (i < text.size() && text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        if (i < text.size() && text[i] != ',' && text[i] != '\n') {
          return InvalidArgument(Where(name, line, i - line_start + 1) + ": text after a closing quote");
        }
        value = scratch;
      } else {
        size_t j = i;
        while (j < text.size() && text[j] != ',' && text[j] != '\n') ++j;
        value = text.substr(i, j - i);
        if (!value.empty() && value.back() == '\r') value.remove_suffix(1);
        i = j;
      }
      SAFEMODEL_RETURN_IF_ERROR(cell(value, cell_line, column));
      ++cells;
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    SAFEMODEL_RETURN_IF_ERROR(end_record(cells, record_line));
    if (i < text.size()) {  // at '\n'
      ++i;
      ++line;
    }
  }
  return Status::Ok();
}

template <typename T>
void Widen(const TensorView& t, std::vector<double>& out) {
  const size_t n = t.bytes.size() / sizeof(T);
  out.resize(n);
  const std::byte* p = t.bytes.data();  // .npy data need not be aligned
  for (size_t i = 0; i < n; ++i, p += sizeof(T)) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    out[i] = static_cast<double>(v);
  }
}

// True if the file starts with numpy's magic (reads 6 bytes, not the file).
Result<bool> IsNpy(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return IoError("cannot open '" + path + "': " + std::strerror(errno));
  char magic[6] = {};
  const size_t got = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  return got == sizeof magic && std::memcmp(magic, "\x93NUMPY", 6) == 0;
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

Result<Table> ParseCsv(std::string_view text, const std::string& name, const InputOptions& options,
                       std::vector<size_t>* row_lines) {
  // Pass 1: the first record, numbers, the shape, and whether any cell is a string.
  std::vector<std::string> first;
  bool in_first = true;
  size_t records = 0, width = 0;
  Table t;
  bool any_string = false;
  auto cell = [&](std::string_view v, size_t, size_t) -> Status {
    if (in_first) first.emplace_back(v);
    return Status::Ok();
  };
  std::vector<size_t> lines;
  auto end = [&](size_t cells, size_t line) -> Status {
    if (records == 0) width = cells;
    lines.push_back(line);
    if (cells != width) {
      return InvalidArgument(Where(name, line, 1) + ": " + std::to_string(cells) + " values, but the first row has " +
                             std::to_string(width));
    }
    ++records;
    in_first = false;
    return Status::Ok();
  };
  SAFEMODEL_RETURN_IF_ERROR(ForEachRecord(text, name, cell, end));
  if (records == 0) return InvalidArgument(name + ": no rows");
  bool header = options.header == InputOptions::Header::kYes;
  if (options.header == InputOptions::Header::kAuto && !options.feature_names.empty()) {
    // Line 1 names the columns if it holds every feature name, or holds only
    // feature names (then ByName reports what is extra or missing).
    auto in = [](const std::vector<std::string>& set, const std::string& v) {
      return std::find(set.begin(), set.end(), v) != set.end();
    };
    const auto& names = options.feature_names;
    header = std::all_of(first.begin(), first.end(), [&](const std::string& c) { return in(names, c); }) ||
             std::all_of(names.begin(), names.end(), [&](const std::string& n) { return in(first, n); });
  }
  if (header) {
    t.column_names = first;
    if (records == 1) return InvalidArgument(name + ": a header row and no data rows");
  }
  t.rows = records - (header ? 1 : 0);
  if (row_lines) row_lines->assign(lines.begin() + (header ? 1 : 0), lines.end());
  t.cols = width;
  t.numbers.reserve(t.rows * t.cols);
  // Pass 2: the data cells as numbers, marking strings.
  size_t record = 0;
  std::vector<uint8_t> is_string;
  auto number = [&](std::string_view v, size_t line, size_t column) -> Status {
    if (header && record == 0) return Status::Ok();
    auto n = CellNumber(v);
    if (!n) {
      if (!any_string) is_string.assign(t.numbers.size(), 0);
      any_string = true;
      (void)line;
      (void)column;
    }
    t.numbers.push_back(n ? *n : std::nan(""));
    if (any_string) is_string.push_back(n ? 0 : 1);
    return Status::Ok();
  };
  auto next = [&](size_t, size_t) -> Status {
    ++record;
    return Status::Ok();
  };
  SAFEMODEL_RETURN_IF_ERROR(ForEachRecord(text, name, number, next));
  if (!any_string) return t;
  // Pass 3 (only with string cells): every cell's text, for the estimators
  // that read categories ("3" may be a category name).
  t.is_string = std::move(is_string);
  t.strings.reserve(t.rows * t.cols);
  record = 0;
  auto keep = [&](std::string_view v, size_t, size_t) -> Status {
    if (!(header && record == 0)) t.strings.emplace_back(v);
    return Status::Ok();
  };
  SAFEMODEL_RETURN_IF_ERROR(ForEachRecord(text, name, keep, next));
  return t;
}

Result<Table> ReadInputTable(const std::string& path, const InputOptions& options, std::vector<size_t>* row_lines) {
  SAFEMODEL_ASSIGN_OR_RETURN(bool npy, IsNpy(path));
  if (!npy) {
    SAFEMODEL_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path, kMaxInputBytes));
    return ParseCsv(text, path, options, row_lines);
  }
  Table t;
  auto set = ReadNpy(path);
  if (!set.ok() && set.status().code() == Code::kUnsupported) {
    // Fixed-width strings: every cell a string.
    auto text = ReadNpyStrings(path);
    if (!text.ok()) return set.status();
    if (text->shape.size() != 1 && text->shape.size() != 2) {
      return InvalidArgument(path + ": input array is " + ShapeString(text->shape) + ", expected 1-d or 2-d");
    }
    t.rows = text->shape.size() == 2 ? text->shape[0] : 1;
    t.cols = text->shape.back();
    t.strings = std::move(text->values);
    t.is_string.assign(t.strings.size(), 1);
    for (const auto& s : t.strings) t.numbers.push_back(CellNumber(s).value_or(std::nan("")));
    return t;
  }
  if (!set.ok()) return set.status();
  const TensorView& v = set->tensors.at(0);
  if (v.shape.size() != 1 && v.shape.size() != 2) {
    return InvalidArgument(path + ": input array is " + ShapeString(v.shape) + ", expected 1-d or 2-d");
  }
  t.rows = v.shape.size() == 2 ? v.shape[0] : 1;
  t.cols = v.shape.back();
  switch (v.dtype) {
    case DType::kF64: Widen<double>(v, t.numbers); break;
    case DType::kF32: Widen<float>(v, t.numbers); break;
    case DType::kI64: Widen<int64_t>(v, t.numbers); break;
    case DType::kI32: Widen<int32_t>(v, t.numbers); break;
    default:
      return InvalidArgument(path + ": input dtype " + std::string(DTypeName(v.dtype)) +
                             " (use f64, f32, i64, i32 or a string dtype)");
  }
  return t;
}

Result<Table> ParseDocuments(std::string_view text, const std::string& name, bool skip_first_line) {
  Table t;
  t.cols = 1;
  bool first = true;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first && skip_first_line) {
      first = false;
      continue;
    }
    first = false;
    t.strings.emplace_back(line);
  }
  if (t.strings.empty()) return InvalidArgument(name + ": no documents");
  t.rows = t.strings.size();
  t.numbers.assign(t.rows, std::nan(""));
  t.is_string.assign(t.rows, 1);
  return t;
}

Result<Table> ReadDocuments(const std::string& path, bool skip_first_line) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path, kMaxInputBytes));
  return ParseDocuments(text, path, skip_first_line);
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
