#include "crypto/secure_buffer.h"

#include <sodium.h>

#include <string>

namespace safemodel::crypto {

Status EnsureSodium() {
  // sodium_init() is itself idempotent and locked; the static only saves the
  // call on hot paths and keeps the one answer for the process.
  static const int rc = sodium_init();
  if (rc < 0) return IoError("libsodium failed to initialise (sodium_init)");
  return Status::Ok();
}

Result<SecureBuffer> SecureBuffer::Allocate(size_t size) {
  SAFEMODEL_RETURN_IF_ERROR(EnsureSodium());
  void* p = sodium_malloc(size);
  if (p == nullptr) {
    return IoError("cannot allocate " + std::to_string(size) + " bytes of secure memory (sodium_malloc)");
  }
  // sodium_malloc fills with 0xdb to expose use of uninitialised memory;
  // we prefer a defined zero state for partially written records.
  sodium_memzero(p, size);
  return SecureBuffer(static_cast<uint8_t*>(p), size);
}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& o) noexcept {
  if (this != &o) {
    Release();
    data_ = o.data_;
    size_ = o.size_;
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

void SecureBuffer::Release() {
  if (data_ == nullptr) return;
  // sodium_free wipes too, but the explicit wipe states the intent and does
  // not depend on the allocator's internals.
  sodium_memzero(data_, size_);
  sodium_free(data_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace safemodel::crypto
