// libFuzzer target for the key parsers: public key files and lines, secret
// key files, key ids.
//
// A key that parses is used whole: formatted again and re-parsed, which must
// give the same key; a secret key signs and its signature must verify.
// Encrypted secret keys stop after the header: deriving with the costs a
// file asks for (up to our 2 GiB bound) would only time the fuzzer out, and
// the bound itself is what this target checks. A refusal is a pass.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "fuzz_util.h"
#include "safemodel/keys.h"
#include "safemodel/signature.h"

namespace {

using namespace safemodel;  // NOLINT: a fuzz target's whole job is this API

void UsePublicKey(std::string_view text) {
  auto pk = ParsePublicKey(text);
  if (!pk.ok()) return;
  auto again = ParsePublicKey(FormatPublicKeyFile(*pk));
  if (!again.ok() || !(*again == *pk)) std::abort();
  auto line = ParsePublicKey(PublicKeyBase64(*pk));
  if (!line.ok() || !(*line == *pk)) std::abort();
  auto id = ParseKeyIdHex(KeyIdHex(pk->id));
  if (!id.ok() || *id != pk->id) std::abort();
}

void UseSecretKey(std::string_view text) {
  auto encrypted = SecretKeyFileIsEncrypted(text);
  if (!encrypted.ok() || *encrypted) return;
  auto sk = ParseSecretKeyFile(text, std::nullopt);
  if (!sk.ok()) return;
  auto file = FormatSecretKeyFile(*sk, std::nullopt);
  if (!file.ok()) std::abort();
  auto again = ParseSecretKeyFile(*file, std::nullopt);
  if (!again.ok() || !(again->public_key() == sk->public_key())) std::abort();
  const std::string_view msg = "fuzz";
  auto rec = SignMessage(*sk, std::as_bytes(std::span(msg.data(), msg.size())), "c");
  if (!rec.ok()) std::abort();
  if (!VerifyRecord(sk->public_key(), *rec, std::as_bytes(std::span(msg.data(), msg.size()))).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  UsePublicKey(text);
  UseSecretKey(text);
  auto id = ParseKeyIdHex(text);
  if (id.ok()) safemodel::fuzz::Touch(id->data(), id->size());
  return 0;
}
