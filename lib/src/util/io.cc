#include "safemodel/io.h"

#include "util/file.h"

namespace safemodel {

Result<std::string> ReadTextFile(const std::string& path, uint64_t max_size) {
  return ReadSmallFile(path, max_size);
}

Status WriteFileAtomically(const std::string& path, std::string_view contents, bool secret) {
  return WriteFileAtomic(path, contents, secret);
}

}  // namespace safemodel
