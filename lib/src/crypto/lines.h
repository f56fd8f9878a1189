// Private to the crypto module: walking the line-oriented text files of
// minisign (keys, signatures) and of trust stores.
#ifndef SAFEMODEL_CRYPTO_LINES_H_
#define SAFEMODEL_CRYPTO_LINES_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "safemodel/status.h"

namespace safemodel::crypto {

// Yields the lines of a text one at a time. A line ends at '\n' (or at the
// end of the text); one '\r' before the '\n' is dropped so files edited on
// Windows still load. A final '\n' does not start another line. Never reads
// outside the view it was given.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}

  // False at the end of the text.
  bool Next(std::string_view* line);
  // 1-based number of the line last returned by Next().
  size_t number() const { return number_; }

 private:
  std::string_view rest_;
  size_t number_ = 0;
  bool done_ = false;
};

// True for lines of only spaces and tabs (or nothing).
bool IsBlank(std::string_view line);

// Reads exactly out.size() lines into `out`; after them only blank lines may
// follow. kCorruption "<where(n)>: ..." when a line is missing or when other
// text follows. `where` names a line for messages (e.g. "key.pub:2").
template <typename Where>
Status ReadExactLines(std::string_view text, std::span<std::string_view> out, Where&& where);

// "<source>:<line>" when `source` is set, else "<what> line <line>".
std::string LineWhere(std::string_view source, std::string_view what, size_t line);

// Quotes file-provided text for an error message: '...' with every byte
// outside printable ASCII (C1 controls such as 0x9b act as escapes on some
// terminals), quotes and backslashes written as \xNN, and the text cut at
// `max` bytes, so a hostile file cannot put terminal escapes or megabytes
// into our messages.
std::string Quote(std::string_view s, size_t max = 64);

template <typename Where>
Status ReadExactLines(std::string_view text, std::span<std::string_view> out, Where&& where) {
  LineReader lines(text);
  for (auto& slot : out) {
    if (!lines.Next(&slot)) {
      return Corruption(where(lines.number() + 1) + ": missing line (expected " +
                        std::to_string(out.size()) + " lines)");
    }
  }
  std::string_view extra;
  while (lines.Next(&extra)) {
    if (!IsBlank(extra)) return Corruption(where(lines.number()) + ": unexpected text after the last line");
  }
  return Status::Ok();
}

}  // namespace safemodel::crypto

#endif  // SAFEMODEL_CRYPTO_LINES_H_
