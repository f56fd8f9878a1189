#include "fuzz_util.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>

namespace safemodel::fuzz {

MemFile::MemFile(const uint8_t* data, size_t size) {
  fd_ = ::memfd_create("fuzz", MFD_CLOEXEC);
  if (fd_ < 0) std::abort();
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd_, data + done, size - done);
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemFile::~MemFile() { ::close(fd_); }

uint64_t Touch(const void* data, size_t size) {
  const auto* p = static_cast<const volatile uint8_t*>(data);
  uint64_t sum = 0;
  for (size_t i = 0; i < size; ++i) sum += p[i];
  return sum;
}

}  // namespace safemodel::fuzz
