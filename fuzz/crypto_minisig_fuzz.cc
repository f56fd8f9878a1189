// libFuzzer target for ParseMinisig.
//
// A record that parses is used whole: verified against a fixed key (it must
// not verify unless it is that key's signature of the fixed message), and
// written back as .minisig text that must parse to the same record. A
// refusal is a pass.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_util.h"
#include "safemodel/keys.h"
#include "safemodel/signature.h"

namespace {

using namespace safemodel;  // NOLINT: a fuzz target's whole job is this API

// Any well-formed key will do: the fuzzer cannot forge its signatures.
const PublicKey& FixedKey() {
  static const PublicKey pk = [] {
    auto k = ParsePublicKey("RWRkni7qXaGZs8Mqr52ijRjOl5eyA24kQAjO0kFkN0xc4LC8ugtjufqf");
    if (!k.ok()) std::abort();
    return *k;
  }();
  return pk;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rec = ParseMinisig(text);
  if (!rec.ok()) return 0;
  fuzz::Touch(rec->trusted_comment.data(), rec->trusted_comment.size());
  const std::string_view msg = "fuzz";
  const Status v = VerifyRecord(FixedKey(), *rec, std::as_bytes(std::span(msg.data(), msg.size())));
  if (v.ok()) std::abort();  // a forgery, or the fuzzer found the key: both are news
  auto again = ParseMinisig(ToMinisig(*rec, "fuzz"));
  if (!again.ok() || !(*again == *rec)) std::abort();
  return 0;
}
