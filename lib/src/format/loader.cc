#include "format/loader.h"

#include <cstring>
#include <set>

#include "safemodel/signature.h"
#include "util/byte_reader.h"
#include "util/text.h"

namespace safemodel::format {
namespace {

std::string RecordName(size_t i, const KeyId& id) {
  return "signature[" + std::to_string(i) + "] by key " + KeyIdHex(id);
}

// Applies `trust` to the seal records over the copied signed bytes.
Status CheckSignatures(Loaded& l, const TrustPolicy& trust) {
  std::set<KeyId> signers;
  for (size_t i = 0; i < l.frame.records.size(); ++i) {
    const SignatureRecord& rec = l.frame.records[i];
    SignatureInfo info;
    info.key_id = rec.key_id;
    info.trusted_comment = rec.trusted_comment;
    if (trust.store.IsRevoked(rec.key_id)) {
      info.state = SignatureInfo::State::kRevoked;
    } else if (const TrustedKey* k = trust.store.Find(rec.key_id)) {
      Status s = VerifyRecord(k->key, rec, l.signed_bytes());
      if (!s.ok()) {
        return SignatureInvalid(RecordName(i, rec.key_id) + " ('" + k->name + "') at seal@" +
                                HexOffset(l.frame.seal_offset + i * kRecordSize) +
                                " does not verify: " + s.message() +
                                " (the preamble, header or signature was changed)");
      }
      info.state = SignatureInfo::State::kTrusted;
      info.signer = k->name;
      signers.insert(rec.key_id);
    } else {
      info.state = SignatureInfo::State::kUnknownKey;
    }
    l.signatures.push_back(std::move(info));
  }
  l.trusted_signers = static_cast<uint32_t>(signers.size());
  const uint32_t require = std::max<uint32_t>(trust.require, 1);
  if (l.trusted_signers >= require || trust.allow_unsigned) return Status::Ok();

  std::string msg = "need " + std::to_string(require) + " trusted signer(s), found " +
                    std::to_string(l.trusted_signers) + ";";
  if (l.frame.records.empty()) msg += " the file is unsigned;";
  for (size_t i = 0; i < l.signatures.size(); ++i) {
    const auto& s = l.signatures[i];
    if (s.state == SignatureInfo::State::kTrusted) continue;
    msg += " " + RecordName(i, s.key_id) +
           (s.state == SignatureInfo::State::kRevoked ? " is revoked;" : " is not in the trust store;");
  }
  msg += " trusted keys:";
  size_t listed = 0;
  for (const auto& k : trust.store.keys()) {
    if (trust.store.IsRevoked(k.key.id)) continue;
    msg += " " + KeyIdHex(k.key.id) + " ('" + k.name + "')";
    ++listed;
  }
  if (listed == 0) msg += " none";
  return Untrusted(msg);
}

Status CheckZero(std::span<const std::byte> file, uint64_t from, uint64_t to, std::string_view what) {
  auto region = file.subspan(from, to - from);
  size_t nz = FirstNonZero(region);
  if (nz != region.size()) {
    return Corruption(std::string(what) + "@" + HexOffset(from + nz) + ": nonzero padding byte");
  }
  return Status::Ok();
}

}  // namespace

Result<Loaded> LoadHeader(const std::string& path, const TrustPolicy& trust, TrustMode mode,
                          const LoadOptions& options) {
  Loaded l;
  SAFEMODEL_ASSIGN_OR_RETURN(l.file, MappedFile::Open(path, options.max_file_size));
  auto bytes = l.file.bytes();
  SAFEMODEL_ASSIGN_OR_RETURN(l.frame, ReadFrame(bytes, options));
  // Copy before verifying: what we verify is what we parse, whatever happens
  // to the file afterwards.
  const uint64_t signed_len = kPreambleSize + l.frame.header_size;
  l.signed_words.resize(signed_len / 8);
  std::memcpy(l.signed_words.data(), bytes.data(), signed_len);
  if (mode == TrustMode::kEnforce) {
    SAFEMODEL_RETURN_IF_ERROR(CheckSignatures(l, trust));
  } else {
    for (const auto& rec : l.frame.records) {
      l.signatures.push_back({rec.key_id, "", rec.trusted_comment, SignatureInfo::State::kUnchecked});
    }
  }
  auto header_words = l.signed_bytes().subspan(kPreambleSize);
  SAFEMODEL_ASSIGN_OR_RETURN(l.header, ParseHeader(header_words, options));
  // The header is authentic (or explicitly unchecked); now the whole file
  // must be exactly what it describes.
  const uint64_t body_end = l.frame.data_offset + l.header.data_length;
  if (l.header.data_length > l.frame.seal_offset - l.frame.data_offset ||
      body_end != l.frame.seal_offset) {
    return Corruption("file is " + std::to_string(l.frame.file_size) + " bytes but the header says " +
                      "data@" + HexOffset(l.frame.data_offset) + " + " +
                      std::to_string(l.header.data_length) + " bytes of data + " +
                      std::to_string(l.frame.seal_size) + " bytes of seal (bytes inserted or removed)");
  }
  return l;
}

Status CheckBody(const Loaded& l, std::span<const std::span<const std::byte>> tensor_bytes,
                 const LoadOptions& options) {
  auto file = l.file.bytes();
  const uint64_t header_end = kPreambleSize + l.frame.header_size;
  SAFEMODEL_RETURN_IF_ERROR(CheckZero(file, header_end, l.frame.data_offset, "padding"));
  uint64_t pos = l.frame.data_offset;
  for (const auto& t : l.header.tensors) {
    const uint64_t start = l.frame.data_offset + t.offset;
    SAFEMODEL_RETURN_IF_ERROR(CheckZero(file, pos, start, "data"));
    pos = start + t.length;
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckZero(file, pos, l.frame.seal_offset, "data"));

  auto digests = HashTensors(tensor_bytes, options.hash_threads, options.progress);
  for (size_t i = 0; i < digests.size(); ++i) {
    const TensorEntry& t = l.header.tensors[i];
    const TensorDigest& d = digests[i];
    if (d.chunk_hashes != t.chunk_hashes) {
      size_t c = 0;
      while (std::memcmp(d.chunk_hashes.data() + c * kHashSize, t.chunk_hashes.data() + c * kHashSize,
                         kHashSize) == 0) {
        ++c;
      }
      return Corruption("tensor '" + EscapeForTerminal(t.name) + "' chunk " + std::to_string(c) +
                        " at data@" + HexOffset(l.frame.data_offset + t.offset + c * kChunkSize) +
                        ": BLAKE2b mismatch (tensor bytes changed)");
    }
    if (d.hash != t.hash) {
      return Corruption("tensor '" + EscapeForTerminal(t.name) + "' at data@" +
                        HexOffset(l.frame.data_offset + t.offset) + " (" + std::to_string(t.length) +
                        " bytes): BLAKE2b mismatch (tensor bytes changed)");
    }
  }
  return Status::Ok();
}

}  // namespace safemodel::format
