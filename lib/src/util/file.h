// Files: read-only mappings and atomic writes.
#ifndef SAFEMODEL_UTIL_FILE_H_
#define SAFEMODEL_UTIL_FILE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "safemodel/status.h"
#include "util/sink.h"

namespace safemodel {

// A read-only, private mapping of a whole file. Move-only. An empty file maps
// to an empty span. The mapping stays valid while the object lives, even if
// the path is unlinked; if someone else *rewrites* the file, mapped bytes
// change underneath us (see LoadOptions::copy_tensors).
class MappedFile {
 public:
  // kIoError naming the path on failure; kLimitExceeded if larger than
  // `max_size`.
  static Result<MappedFile> Open(const std::string& path, uint64_t max_size);

  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  std::byte* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

// Writes a new file next to `path` ("<path>.tmp-XXXXXX"), and on Commit()
// fsyncs it, renames it over `path` and fsyncs the directory. If Commit() is
// not reached (error, exception, early return) the temporary is removed:
// a failure never leaves a half-written `path`.
class AtomicFile final : public ByteSink {
 public:
  // The final file gets `mode` (0644 for models, 0600 for secret keys).
  static Result<AtomicFile> Create(const std::string& path, unsigned mode = 0644);

  AtomicFile(AtomicFile&& o) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  using ByteSink::Write;
  // Appends bytes. Runs of 1 MiB of zeros are skipped as holes (sparse file).
  Status Write(std::span<const std::byte> bytes) override;
  // Copies `length` bytes of file `src_fd` from `offset` (copy_file_range,
  // falling back to read/write).
  Status CopyFrom(int src_fd, uint64_t offset, uint64_t length);
  uint64_t written() const override { return written_; }
  int fd() const { return fd_; }
  // The temporary file's path (readable before Commit, e.g. to check it).
  const std::string& temp_path() const { return tmp_; }
  Status Commit();

 private:
  AtomicFile(std::string path, std::string tmp, int fd) : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {}
  Status WriteAll(std::span<const std::byte> bytes);
  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  uint64_t written_ = 0;
  bool sparse_tail_ = false;  // the file ends in a hole: Commit() sets its length
};

// Reads a whole (small) file; kLimitExceeded past `max_size`.
Result<std::string> ReadSmallFile(const std::string& path, uint64_t max_size = 1 << 20);
// Atomically replaces `path` with `contents` (mode 0600 if `secret`).
Status WriteFileAtomic(const std::string& path, std::string_view contents, bool secret = false);

}  // namespace safemodel

#endif  // SAFEMODEL_UTIL_FILE_H_
