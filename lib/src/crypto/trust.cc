#include "safemodel/trust.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <span>
#include <system_error>
#include <string>
#include <utility>
#include <vector>

#include "crypto/key_text.h"
#include "crypto/lines.h"
#include "util/file.h"

namespace safemodel {
namespace {

namespace fs = std::filesystem;

// Limits on what a trust store may hold. Far above any real deployment;
// they only stop a hostile or broken store from eating memory and time.
constexpr size_t kMaxTrustedKeys = 10000;
constexpr size_t kMaxRevokedIds = 10000;
constexpr size_t kMaxFolderEntries = 100000;
constexpr uint64_t kMaxKeyFileBytes = 64 * 1024;
constexpr uint64_t kMaxStoreFileBytes = 4 * 1024 * 1024;
constexpr size_t kMaxNameBytes = 128;
constexpr std::string_view kPubSuffix = ".pub";
constexpr std::string_view kRevokedFile = "revoked";

// Names end up in messages and on terminals; a small alphabet keeps them
// printable and unambiguous.
bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '@' || c == '+';
  });
}

std::string NameRule() {
  return "1 to " + std::to_string(kMaxNameBytes) + " characters of A-Z a-z 0-9 . _ - @ +";
}

// Splits a line at spaces and tabs into at most out.size() tokens; returns
// how many there were, or out.size() + 1 if there were more.
size_t Tokenize(std::string_view line, std::span<std::string_view> out) {
  size_t n = 0;
  while (true) {
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) return n;
    line.remove_prefix(start);
    if (n == out.size()) return n + 1;
    const size_t end = std::min(line.find_first_of(" \t"), line.size());
    out[n++] = line.substr(0, end);
    line.remove_prefix(end);
  }
}

bool IsCommentOrBlank(std::string_view line) {
  const size_t start = line.find_first_not_of(" \t");
  return start == std::string_view::npos || line[start] == '#';
}

Result<KeyId> ParseKeyIdAt(std::string_view token, const std::string& where) {
  auto id = ParseKeyIdHex(token);
  if (!id.ok()) return Corruption(where + ": " + id.status().message());
  return *id;
}

Status RevokeAt(TrustStore& store, const KeyId& id, const std::string& where) {
  if (store.revoked().size() >= kMaxRevokedIds && !store.IsRevoked(id)) {
    return LimitExceeded(where + ": more than " + std::to_string(kMaxRevokedIds) + " revoked key ids");
  }
  store.Revoke(id);
  return Status::Ok();
}

struct TrustEntry {
  std::string name;
  PublicKey key;
  std::string where;
};

// One line of a store file: "trust <name> <base64>" or "revoke <KEYID>".
// Revocations apply at once; trust entries wait in `trusted` so that the
// file means the same whatever the order of its lines.
Status StoreLine(TrustStore& store, std::string_view line, const std::string& where,
                 std::vector<TrustEntry>& trusted) {
  std::array<std::string_view, 3> tok;
  const size_t n = Tokenize(line, tok);
  if (tok[0] == "trust") {
    if (n != 3) return Corruption(where + ": expected 'trust <name> <base64 public key>'");
    if (!IsValidName(tok[1])) {
      return Corruption(where + ": key name " + crypto::Quote(tok[1]) + " is not " + NameRule());
    }
    SAFEMODEL_ASSIGN_OR_RETURN(PublicKey pk, crypto::DecodePublicKeyBase64(tok[2], where));
    trusted.push_back(TrustEntry{std::string(tok[1]), pk, where});
    return Status::Ok();
  }
  if (tok[0] == "revoke") {
    if (n != 2) return Corruption(where + ": expected 'revoke <KEYID>'");
    SAFEMODEL_ASSIGN_OR_RETURN(KeyId id, ParseKeyIdAt(tok[1], where));
    return RevokeAt(store, id, where);
  }
  return Corruption(where + ": unknown entry " + crypto::Quote(tok[0]) + " (expected 'trust' or 'revoke')");
}

Status LoadStoreFile(TrustStore& store, const std::string& path) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxStoreFileBytes));
  std::vector<TrustEntry> trusted;
  crypto::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (IsCommentOrBlank(line)) continue;
    SAFEMODEL_RETURN_IF_ERROR(StoreLine(store, line, path + ":" + std::to_string(lines.number()), trusted));
  }
  for (TrustEntry& e : trusted) SAFEMODEL_RETURN_IF_ERROR(store.Add(std::move(e.name), e.key).Wrap(e.where));
  return Status::Ok();
}

// A folder's `revoked` file: one key id per non-comment line.
Status LoadRevokedFile(TrustStore& store, const std::string& path) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxStoreFileBytes));
  crypto::LineReader lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (IsCommentOrBlank(line)) continue;
    const std::string where = path + ":" + std::to_string(lines.number());
    std::array<std::string_view, 1> tok;
    if (Tokenize(line, tok) != 1) return Corruption(where + ": expected one key id (up to 16 hex digits)");
    SAFEMODEL_ASSIGN_OR_RETURN(KeyId id, ParseKeyIdAt(tok[0], where));
    SAFEMODEL_RETURN_IF_ERROR(RevokeAt(store, id, where));
  }
  return Status::Ok();
}

Status LoadKeyFile(TrustStore& store, const std::string& dir, const std::string& file) {
  const std::string path = (fs::path(dir) / file).string();
  const std::string_view name = std::string_view(file).substr(0, file.size() - kPubSuffix.size());
  if (!IsValidName(name)) {
    return Corruption(path + ": key name " + crypto::Quote(name) + " (the file name without .pub) is not " +
                      NameRule());
  }
  SAFEMODEL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxKeyFileBytes));
  SAFEMODEL_ASSIGN_OR_RETURN(PublicKey pk, crypto::ParsePublicKeyText(text, path));
  return store.Add(std::string(name), pk).Wrap(path);
}

struct FolderListing {
  std::vector<std::string> pub_files;  // sorted, so loading is deterministic
  bool has_revoked = false;
};

// Regular files (symlinks followed) named *.pub, and `revoked`. Dot files
// are skipped like editors' and tools' temporaries; anything else is ignored
// so a README can sit next to the keys.
Result<FolderListing> ListFolder(const std::string& dir) {
  FolderListing out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  size_t seen = 0;
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (++seen > kMaxFolderEntries) {
      return LimitExceeded(dir + ": more than " + std::to_string(kMaxFolderEntries) + " entries");
    }
    const std::string file = it->path().filename().string();
    if (file.starts_with(".")) continue;
    std::error_code st_ec;
    const bool regular = it->is_regular_file(st_ec);
    if (file == kRevokedFile) {
      if (!regular) return IoError(dir + ": '" + std::string(kRevokedFile) + "' is not a regular file");
      out.has_revoked = true;
    } else if (regular && file.size() >= kPubSuffix.size() && file.ends_with(kPubSuffix)) {
      if (out.pub_files.size() == kMaxTrustedKeys) {
        return LimitExceeded(dir + ": more than " + std::to_string(kMaxTrustedKeys) + " .pub files");
      }
      out.pub_files.push_back(file);
    }
  }
  if (ec) return IoError("cannot list trust store folder '" + dir + "': " + ec.message());
  std::sort(out.pub_files.begin(), out.pub_files.end());
  return out;
}

Status LoadFolder(TrustStore& store, const std::string& dir) {
  SAFEMODEL_ASSIGN_OR_RETURN(FolderListing listing, ListFolder(dir));
  // TODO(security): ReadSmallFile opens by path, so a file swapped for a
  // FIFO after the listing could block us; stores are expected to be
  // writable only by their owner.
  // Revocations first, so a revoked key's leftover .pub cannot block a new
  // key with the same name or id.
  if (listing.has_revoked) {
    SAFEMODEL_RETURN_IF_ERROR(LoadRevokedFile(store, (fs::path(dir) / kRevokedFile).string()));
  }
  for (const std::string& file : listing.pub_files) SAFEMODEL_RETURN_IF_ERROR(LoadKeyFile(store, dir, file));
  return Status::Ok();
}

}  // namespace

Result<TrustStore> TrustStore::Load(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec) return IoError("cannot open trust store '" + path + "': " + ec.message());
  TrustStore store;
  if (fs::is_directory(st)) {
    SAFEMODEL_RETURN_IF_ERROR(LoadFolder(store, path));
  } else if (fs::is_regular_file(st)) {
    SAFEMODEL_RETURN_IF_ERROR(LoadStoreFile(store, path));
  } else {
    return IoError("trust store '" + path + "' is neither a folder nor a regular file");
  }
  return store;
}

// keys() lists revoked keys too (tools show them as revoked); Find() is the
// only trust decision. A revoked entry may share a name or id with a new one
// (key rotation), but never its Ed25519 key: revoking one id must not leave
// the same key trusted under another.
Status TrustStore::Add(std::string name, const PublicKey& key) {
  if (!IsValidName(name)) return InvalidArgument("key name " + crypto::Quote(name) + " is not " + NameRule());
  const std::string id = KeyIdHex(key.id);
  for (const TrustedKey& k : keys_) {
    if (k.name == name && k.key == key) return Status::Ok();  // listed twice: harmless
    // One Ed25519 key under two ids would also count as two signers.
    if (k.key.key == key.key && k.key.id != key.id) {
      return InvalidArgument("'" + name + "' (" + id + ") is the same Ed25519 key as '" + k.name + "' (" +
                             KeyIdHex(k.key.id) + ") under another id");
    }
    if (IsRevoked(k.key.id)) continue;
    if (k.name == name) {
      return InvalidArgument("two keys named '" + name + "': " + KeyIdHex(k.key.id) + " and " + id);
    }
    if (k.key.id == key.id && k.key.key != key.key) {
      return InvalidArgument("two different keys with id " + id + ": '" + k.name + "' and '" + name + "'");
    }
    if (k.key.id == key.id) {
      return InvalidArgument("key " + id + " is listed twice, as '" + k.name + "' and '" + name + "'");
    }
  }
  if (keys_.size() >= kMaxTrustedKeys) {
    return LimitExceeded("more than " + std::to_string(kMaxTrustedKeys) + " trusted keys");
  }
  keys_.push_back(TrustedKey{std::move(name), key});
  return Status::Ok();
}

void TrustStore::Revoke(const KeyId& id) { revoked_.insert(id); }

bool TrustStore::IsRevoked(const KeyId& id) const { return revoked_.count(id) != 0; }

const TrustedKey* TrustStore::Find(const KeyId& id) const {
  if (IsRevoked(id)) return nullptr;  // revocation wins over any entry
  for (const TrustedKey& k : keys_) {
    if (k.key.id == id) return &k;
  }
  return nullptr;
}

}  // namespace safemodel
