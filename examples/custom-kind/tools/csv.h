// csv.h — a CSV of numbers, no header, for scorecard-tool and the tests.
#ifndef EXAMPLE_TOOLS_CSV_H_
#define EXAMPLE_TOOLS_CSV_H_

#include <safemodel/status.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace example {

struct NumbersCsv {
  size_t rows = 0, cols = 0;
  std::vector<double> data;  // row-major
};

// Every line one row of as many cells as the first; each cell a whole
// number as strtod reads it ("nan", "inf" and "1e999" included: the model
// decides).
// kIoError if unreadable, kInvalidArgument naming "path:line, cell n".
inline safemodel::Result<NumbersCsv> ReadNumbersCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return safemodel::IoError(path + ": cannot open");
  NumbersCsv out;
  std::string line;
  for (size_t lineno = 1; std::getline(in, line); ++lineno) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    size_t cells = 0, start = 0;
    while (true) {
      const size_t end = std::min(line.find(',', start), line.size());
      const std::string cell = line.substr(start, end - start);
      const std::string where = path + ":" + std::to_string(lineno) + ", cell " + std::to_string(cells + 1);
      char* stop = nullptr;
      const double v = std::strtod(cell.c_str(), &stop);
      if (cell.empty() || stop != cell.c_str() + cell.size()) {
        return safemodel::InvalidArgument(where + ": '" + cell + "' is not a number");
      }
      out.data.push_back(v);
      ++cells;
      if (end == line.size()) break;
      start = end + 1;
    }
    if (out.rows == 0) out.cols = cells;
    if (cells != out.cols) {
      return safemodel::InvalidArgument(path + ":" + std::to_string(lineno) + ": " + std::to_string(cells) +
                                        " cells, the first row has " + std::to_string(out.cols));
    }
    ++out.rows;
  }
  if (in.bad()) return safemodel::IoError(path + ": read error");
  return out;
}

}  // namespace example

#endif  // EXAMPLE_TOOLS_CSV_H_
