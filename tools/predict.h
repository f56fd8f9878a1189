// `safemodel predict`: input tables from CSV or .npy, output as CSV.
#ifndef SAFEMODEL_TOOLS_PREDICT_H_
#define SAFEMODEL_TOOLS_PREDICT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "safemodel/predict.h"
#include "safemodel/status.h"

namespace safemodel::cli {

struct InputOptions {
  // Whether the first CSV line names the columns. kAuto: it does when the
  // model has feature names and the line holds all of them, or only them.
  enum class Header : uint8_t { kAuto, kYes, kNo };
  Header header = Header::kAuto;
  std::vector<std::string> feature_names;  // the model's, for kAuto
};

// CSV (RFC 4180): comma-separated cells, "quoted" cells may hold commas,
// quotes ("") and newlines; one row per record, every row the same width,
// blank lines skipped. A cell is a number if its text (spaces trimmed) is
// one ("nan" included) and empty cells are NaN, as pandas reads them;
// anything else is a string (categorical). Errors name file:line:column.
// `row_lines` (optional) gets the line each data row starts on, so an error
// about X[r, c] can name the place in the file.
Result<Table> ParseCsv(std::string_view text, const std::string& name, const InputOptions& options = {},
                       std::vector<size_t>* row_lines = nullptr);
// A .npy or CSV file (chosen by content). A .npy must be 1-d (one sample)
// or 2-d, of a real or integer dtype, or of fixed-width strings ('<U n',
// '|S n': every cell a string). Object arrays are refused.
Result<Table> ReadInputTable(const std::string& path, const InputOptions& options = {},
                             std::vector<size_t>* row_lines = nullptr);

// Documents for a model that takes them (Model::takes_documents): each line
// of the file (CSV or .txt alike, "\n" or "\r\n" ended) is one whole
// document, commas and quotes included, never split into cells; a final
// newline does not start another document. A table of one string column.
// kInvalidArgument for an empty file; --header yes skips line 1.
Result<Table> ParseDocuments(std::string_view text, const std::string& name, bool skip_first_line = false);
Result<Table> ReadDocuments(const std::string& path, bool skip_first_line = false);

// One line per row; numbers in shortest round-trip form, labels as stored
// (strings quoted as CSV needs).
std::string FormatCsv(const Output& out);

}  // namespace safemodel::cli

#endif  // SAFEMODEL_TOOLS_PREDICT_H_
