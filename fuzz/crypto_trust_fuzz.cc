// libFuzzer target for trust store files ("trust <name> <key>" / "revoke
// <KEYID>" lines), loaded through TrustStore::Load from an in-memory file.
//
// A store that loads is used whole: every listed key that is not revoked is
// found by its id (as itself); revoked ids are never found.
// A refusal is a pass.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_util.h"
#include "safemodel/trust.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  safemodel::fuzz::MemFile file(data, size);
  auto store = safemodel::TrustStore::Load(file.path());
  if (!store.ok()) return 0;
  for (const auto& k : store->keys()) {
    const safemodel::TrustedKey* found = store->Find(k.key.id);
    if (store->IsRevoked(k.key.id) ? found != nullptr : (found == nullptr || !(found->key == k.key))) {
      std::abort();
    }
    safemodel::fuzz::Touch(k.name.data(), k.name.size());
  }
  for (const auto& id : store->revoked()) {
    if (store->Find(id) != nullptr) std::abort();
  }
  return 0;
}
