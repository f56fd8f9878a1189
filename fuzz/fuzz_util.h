// Helpers for fuzz targets whose parser takes a path: the input goes into an
// anonymous in-memory file reachable as /proc/self/fd/N.
#ifndef SAFEMODEL_FUZZ_FUZZ_UTIL_H_
#define SAFEMODEL_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace safemodel::fuzz {

class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size);
  ~MemFile();
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// Reads every byte of a span so the sanitizers see out-of-bounds views.
uint64_t Touch(const void* data, size_t size);

}  // namespace safemodel::fuzz

#endif  // SAFEMODEL_FUZZ_FUZZ_UTIL_H_
