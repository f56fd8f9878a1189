// safemodel/trust.h — who is trusted to sign, and how many must.
//
// A trust store is either
//   * a folder: every `<name>.pub` file in it is a minisign public key named
//     <name>; an optional file `revoked` lists revoked key ids, or
//   * a single text file with one entry per line:
//       trust <name> <base64 public key>     (the second line of a .pub file)
//       revoke <KEYID>                        (hex, as minisign prints it)
//     Blank lines and lines starting with '#' are ignored.
// In `revoked` files each non-comment line is one key id.
//
// Revocation wins: a revoked key id is never trusted, even if a .pub for it
// is present. Errors name the file and line (`store.txt:7: ...`).
#ifndef SAFEMODEL_TRUST_H_
#define SAFEMODEL_TRUST_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "safemodel/keys.h"
#include "safemodel/status.h"

namespace safemodel {

struct TrustedKey {
  std::string name;
  PublicKey key;
};

class TrustStore {
 public:
  TrustStore() = default;

  // Loads a folder or a file as described above. kIoError if unreadable,
  // kCorruption (with file:line) for a malformed entry, kInvalidArgument for
  // two different keys with one id or one name.
  static Result<TrustStore> Load(const std::string& path);

  Status Add(std::string name, const PublicKey& key);
  void Revoke(const KeyId& id);

  // The trusted key with this id, or nullptr (unknown or revoked).
  const TrustedKey* Find(const KeyId& id) const;
  bool IsRevoked(const KeyId& id) const;
  const std::vector<TrustedKey>& keys() const { return keys_; }
  const std::set<KeyId>& revoked() const { return revoked_; }
  bool empty() const { return keys_.empty(); }

 private:
  std::vector<TrustedKey> keys_;
  std::set<KeyId> revoked_;
};

// What Model::Open demands of a file's seal. Nothing in a file can change it.
struct TrustPolicy {
  TrustStore store;          // keys whose signatures count
  uint32_t require = 1;      // distinct trusted signers needed (>= 1)
  // Explicit, loud opt-out: load unsigned/untrusted files. Structure and
  // tensor hashes are still checked; signatures by keys in `store` must still
  // verify when present.
  bool allow_unsigned = false;
};

}  // namespace safemodel

#endif  // SAFEMODEL_TRUST_H_
