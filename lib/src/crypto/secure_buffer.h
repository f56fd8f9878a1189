// Private to the crypto module: libsodium start-up and locked memory for
// secrets.
#ifndef SAFEMODEL_CRYPTO_SECURE_BUFFER_H_
#define SAFEMODEL_CRYPTO_SECURE_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "safemodel/status.h"

namespace safemodel::crypto {

// Initialises libsodium once per process (thread-safe). Every public entry
// point that touches libsodium calls it first, so callers never have to.
// kIoError if libsodium cannot start (no usable randomness source).
Status EnsureSodium();

// A fixed-size buffer in sodium_malloc memory: guard pages around it, mlock'd
// where the system allows, and wiped with sodium_memzero before it is freed.
// Every byte of key material we derive or decode lives in one of these.
// Move-only.
class SecureBuffer {
 public:
  // kIoError if the allocation fails (out of memory or address space).
  static Result<SecureBuffer> Allocate(size_t size);

  SecureBuffer(SecureBuffer&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  SecureBuffer& operator=(SecureBuffer&& o) noexcept;
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;
  ~SecureBuffer() { Release(); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<uint8_t> span() { return {data_, size_}; }
  std::span<const uint8_t> span() const { return {data_, size_}; }

 private:
  SecureBuffer(uint8_t* data, size_t size) : data_(data), size_(size) {}
  void Release();

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace safemodel::crypto

#endif  // SAFEMODEL_CRYPTO_SECURE_BUFFER_H_
