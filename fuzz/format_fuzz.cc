// Fuzzes the .smdl reader end to end: framing, seal, signature check against
// a fixed trusted key, header parse and validation, padding and hashes, then
// reads every tensor byte and every metadata field.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.h"
#include "safemodel/model.h"

namespace {

uint64_t Walk(const safemodel::Model& m) {
  uint64_t sum = m.metadata().name.size() + m.metadata().extra.size() + m.weights_framework().size();
  for (const auto& t : m.tensors()) {
    sum += safemodel::fuzz::Touch(t.bytes.data(), t.bytes.size()) + t.num_elements();
  }
  for (const auto& s : m.signatures()) sum += s.trusted_comment.size();
  return sum;
}

const safemodel::TrustPolicy& Policy() {
  // fuzz/keys/fuzz.pub (its secret key signs the seeds): signatures are checked for real.
  static const safemodel::TrustPolicy policy = [] {
    safemodel::TrustPolicy p;
    auto pk = safemodel::ParsePublicKey("RWRLaPapMVwykXGeZBheOTwl3iIiVwD6w9e3s9KKj2ekJAuTFUci26Ji");
    if (pk.ok()) (void)p.store.Add("fuzz", *pk);
    p.allow_unsigned = true;  // also reach the parser for unsigned inputs
    return p;
  }();
  return policy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  safemodel::fuzz::MemFile f(data, size);
  safemodel::LoadOptions o;
  o.hash_threads = 1;
  volatile uint64_t sink = 0;
  if (auto m = safemodel::Model::Open(f.path(), Policy(), o); m.ok()) sink = sink + Walk(*m);
  if (auto m = safemodel::Model::Inspect(f.path(), o, false); m.ok()) sink = sink + Walk(*m);
  return 0;
}
