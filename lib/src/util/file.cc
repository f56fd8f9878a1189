#include "util/file.h"

#include "util/byte_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <vector>

namespace safemodel {

Status ByteSink::WriteZeros(uint64_t n) {
  static const std::byte kZeros[1 << 16] = {};
  while (n > 0) {
    size_t chunk = n < sizeof kZeros ? static_cast<size_t>(n) : sizeof kZeros;
    SAFEMODEL_RETURN_IF_ERROR(Write(std::span(kZeros, chunk)));
    n -= chunk;
  }
  return Status::Ok();
}

namespace {

Status Errno(std::string_view what, const std::string& path) {
  return IoError(std::string(what) + " '" + path + "': " + std::strerror(errno));
}

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<MappedFile> MappedFile::Open(const std::string& path, uint64_t max_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("cannot stat", path);
    ::close(fd);
    return s;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return IoError("'" + path + "' is not a regular file");
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > max_size) {
    ::close(fd);
    return LimitExceeded("'" + path + "' is " + std::to_string(size) +
                         " bytes, over the limit of " + std::to_string(max_size) +
                         " (max_file_size)");
  }
  MappedFile mf;
  mf.path_ = path;
  if (size > 0) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      Status s = Errno("cannot map", path);
      ::close(fd);
      return s;
    }
    mf.data_ = static_cast<std::byte*>(p);
    mf.size_ = size;
  }
  ::close(fd);
  return mf;
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : data_(o.data_), size_(o.size_), path_(std::move(o.path_)) {
  o.data_ = nullptr;
  o.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (data_) ::munmap(data_, size_);
    data_ = o.data_;
    size_ = o.size_;
    path_ = std::move(o.path_);
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

Result<AtomicFile> AtomicFile::Create(const std::string& path, unsigned mode) {
  std::string tmpl = path + ".tmp-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd < 0) return Errno("cannot create temporary file for", path);
  AtomicFile f(path, std::string(buf.data()), fd);
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return Errno("cannot chmod", f.tmp_);
  return f;
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept
    : path_(std::move(o.path_)), tmp_(std::move(o.tmp_)), fd_(o.fd_), written_(o.written_),
      sparse_tail_(o.sparse_tail_) {
  o.fd_ = -1;
  o.tmp_.clear();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

Status AtomicFile::Write(std::span<const std::byte> bytes) {
  // Whole zero blocks become holes: a model with huge zero tensors stays
  // small on disk, and reads back as zeros all the same.
  constexpr size_t kBlock = 1 << 20;
  while (!bytes.empty()) {
    size_t n = std::min(bytes.size(), kBlock);
    auto block = bytes.first(n);
    if (n == kBlock && AllZero(block)) {
      if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0) return Errno("cannot seek in", tmp_);
      written_ += n;
      sparse_tail_ = true;
    } else {
      SAFEMODEL_RETURN_IF_ERROR(WriteAll(block));
      sparse_tail_ = false;
    }
    bytes = bytes.subspan(n);
  }
  return Status::Ok();
}

Status AtomicFile::WriteAll(std::span<const std::byte> bytes) {
  const std::byte* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", tmp_);
    }
    p += n;
    left -= static_cast<size_t>(n);
    written_ += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status AtomicFile::CopyFrom(int src_fd, uint64_t offset, uint64_t length) {
  loff_t in_off = static_cast<loff_t>(offset);
  while (length > 0) {
    ssize_t n = ::copy_file_range(src_fd, &in_off, fd_, nullptr, length, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // fall back below (EXDEV, ENOSYS, short file)
    length -= static_cast<uint64_t>(n);
    written_ += static_cast<uint64_t>(n);
    sparse_tail_ = false;
  }
  std::vector<std::byte> buf(1 << 20);
  while (length > 0) {
    size_t want = length < buf.size() ? static_cast<size_t>(length) : buf.size();
    ssize_t n = ::pread(src_fd, buf.data(), want, in_off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read while copying to", tmp_);
    if (n == 0) return IoError("source file shrank while copying to '" + path_ + "'");
    SAFEMODEL_RETURN_IF_ERROR(Write(std::span(buf.data(), static_cast<size_t>(n))));
    in_off += n;
    length -= static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status AtomicFile::Commit() {
  // A trailing hole has no bytes yet: give the file its full length.
  if (sparse_tail_ && ::ftruncate(fd_, static_cast<off_t>(written_)) != 0) return Errno("cannot extend", tmp_);
  if (::fsync(fd_) != 0) return Errno("cannot fsync", tmp_);
  if (::close(fd_) != 0) {
    fd_ = -1;
    return Errno("cannot close", tmp_);
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) return Errno("cannot rename temporary file to", path_);
  tmp_.clear();
  int dfd = ::open(DirOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // best effort: the rename is already visible
    ::close(dfd);
  }
  return Status::Ok();
}

Result<std::string> ReadSmallFile(const std::string& path, uint64_t max_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Errno("cannot read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_size) {
      ::close(fd);
      return LimitExceeded("'" + path + "' is larger than " + std::to_string(max_size) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view contents, bool secret) {
  SAFEMODEL_ASSIGN_OR_RETURN(AtomicFile f, AtomicFile::Create(path, secret ? 0600 : 0644));
  SAFEMODEL_RETURN_IF_ERROR(f.Write(contents));
  return f.Commit();
}

}  // namespace safemodel
