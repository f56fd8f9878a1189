// Fuzzes the seal (signature records + footer) and the verify path, behind a
// fixed valid signed body: the input is the seal, appended to the signed
// bytes of fuzz/corpus/format/s1.smdl (fuzz/seal_body.inc), so every input
// gets past the preamble and header and reaches record decoding, key lookup
// and Ed25519 verification. Opened under three policies: the fuzz key
// trusted (and one other key revoked), the same with allow_unsigned, and two
// signers required; then Inspect. A refusal is a pass; a Model that opens
// under a policy must have the signers that policy asked for.
//
// Regenerate seal_body.inc (after a format change) from s1.smdl minus its
// last 536 bytes (1 record + footer).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_util.h"
#include "safemodel/model.h"

namespace {

constexpr uint8_t kBody[] = {
#include "seal_body.inc"
};

safemodel::TrustPolicy MakePolicy(bool allow_unsigned, uint32_t require) {
  safemodel::TrustPolicy p;
  // fuzz/keys/fuzz.pub: its secret key signed the body.
  auto pk = safemodel::ParsePublicKey("RWRLaPapMVwykXGeZBheOTwl3iIiVwD6w9e3s9KKj2ekJAuTFUci26Ji");
  if (!pk.ok() || !p.store.Add("fuzz", *pk).ok()) std::abort();
  // The second signer of fuzz/corpus/format/s2.smdl, revoked.
  p.store.Revoke(safemodel::KeyId{0xfe, 0x09, 0x00, 0x74, 0x6c, 0x8d, 0x6d, 0x15});
  p.allow_unsigned = allow_unsigned;
  p.require = require;
  return p;
}

uint64_t Walk(const safemodel::Model& m) {
  uint64_t sum = m.metadata().name.size() + m.seal_size() + m.trusted_signers();
  for (const auto& t : m.tensors()) sum += safemodel::fuzz::Touch(t.bytes.data(), t.bytes.size());
  for (const auto& s : m.signatures()) {
    sum += s.trusted_comment.size() + s.signer.size() + static_cast<uint64_t>(s.state);
    sum += safemodel::fuzz::Touch(s.trusted_comment.data(), s.trusted_comment.size());
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const safemodel::TrustPolicy strict = MakePolicy(false, 1);
  static const safemodel::TrustPolicy lenient = MakePolicy(true, 1);
  static const safemodel::TrustPolicy two = MakePolicy(false, 2);
  std::string file(reinterpret_cast<const char*>(kBody), sizeof(kBody));
  file.append(reinterpret_cast<const char*>(data), size);
  safemodel::fuzz::MemFile f(reinterpret_cast<const uint8_t*>(file.data()), file.size());
  safemodel::LoadOptions o;
  o.hash_threads = 1;
  volatile uint64_t sink = 0;
  if (auto m = safemodel::Model::Open(f.path(), strict, o); m.ok()) {
    if (m->trusted_signers() < 1) std::abort();  // opened under require=1 with no trusted signer
    sink = sink + Walk(*m);
  }
  if (auto m = safemodel::Model::Open(f.path(), lenient, o); m.ok()) sink = sink + Walk(*m);
  if (auto m = safemodel::Model::Open(f.path(), two, o); m.ok()) {
    if (m->trusted_signers() < 2) std::abort();  // only one key is trusted: can never open
    sink = sink + Walk(*m);
  }
  if (auto m = safemodel::Model::Inspect(f.path(), o, true); m.ok()) sink = sink + Walk(*m);
  return 0;
}
