// The safemodel command-line tool: argument parsing, printing and exit codes
// over the public API. Exit codes: 0 ok, 1 the input was refused/invalid,
// 2 usage or I/O error.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "safemodel/convert.h"
#include "safemodel/io.h"
#include "safemodel/keys.h"
#include "safemodel/model.h"
#include "safemodel/signature.h"
#include "safemodel/trust.h"
#include "safemodel/version.h"
#include "safemodel/weights_io.h"
#include "safemodel/writer.h"
#include "predict.h"
#include "terminal.h"

namespace safemodel::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;

int ExitCodeFor(const Status& s) {
  if (s.ok()) return kExitOk;
  return (s.code() == Code::kInvalidArgument || s.code() == Code::kIoError) ? kExitUsage : kExitRefused;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "safemodel: %s\n", s.ToString().c_str());
  return ExitCodeFor(s);
}

int Usage(const std::string& msg) {
  std::fprintf(stderr, "safemodel: %s\n", msg.c_str());
  return kExitUsage;
}

std::string Escape(std::string_view s) {
  // Text from files goes through this before it reaches a terminal.
  std::string out;
  for (unsigned char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  return out;
}

std::string Stem(const std::string& path) {
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  auto dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// ---- Trust ------------------------------------------------------------------

struct TrustArgs {
  std::vector<std::string> public_keys;
  std::string trust_store;
  uint32_t require = 1;
  bool allow_unsigned = false;
};

void AddTrustOptions(CLI::App* cmd, TrustArgs& t, bool allow_unsigned_option) {
  cmd->add_option("--public-key,-p", t.public_keys,
                  "Trust this minisign public key file (repeatable)")->check(CLI::ExistingFile);
  cmd->add_option("--trust-store,-t", t.trust_store,
                  "Trust store: a folder of NAME.pub files (+ 'revoked'), or a file of "
                  "'trust NAME KEY' / 'revoke KEYID' lines. Default: $SAFEMODEL_TRUST_STORE");
  cmd->add_option("--require,-r", t.require, "Distinct trusted signers required (default 1)")
      ->check(CLI::PositiveNumber);
  if (allow_unsigned_option) {
    cmd->add_flag("--allow-unsigned", t.allow_unsigned,
                  "Load without a trusted signature (DANGEROUS: the file's origin is not checked; "
                  "structure and hashes still are)");
  }
}

Result<TrustPolicy> BuildTrust(const TrustArgs& args) {
  TrustPolicy policy;
  policy.require = args.require;
  policy.allow_unsigned = args.allow_unsigned;
  std::string store = args.trust_store;
  if (store.empty() && args.public_keys.empty()) {
    if (const char* env = std::getenv("SAFEMODEL_TRUST_STORE"); env && *env) store = env;
  }
  if (!store.empty()) {
    SAFEMODEL_ASSIGN_OR_RETURN(policy.store, TrustStore::Load(store));
  }
  for (const auto& path : args.public_keys) {
    SAFEMODEL_ASSIGN_OR_RETURN(PublicKey pk, ReadPublicKeyFile(path));
    Status s = policy.store.Add(Stem(path), pk);
    if (!s.ok()) return s.Wrap(path);
  }
  if (policy.store.empty() && !policy.allow_unsigned) {
    return InvalidArgument(
        "no trusted keys: pass --public-key or --trust-store, or set SAFEMODEL_TRUST_STORE");
  }
  if (policy.allow_unsigned) {
    std::fprintf(stderr,
                 "safemodel: WARNING: --allow-unsigned: this file's origin is NOT verified; "
                 "only its structure and hashes are checked\n");
  }
  return policy;
}

Result<Model> OpenTrusted(const std::string& path, const TrustArgs& args) {
  SAFEMODEL_ASSIGN_OR_RETURN(TrustPolicy policy, BuildTrust(args));
  Progress progress("verifying");
  LoadOptions options;
  options.progress = [&](uint64_t d, uint64_t t) { progress.Update(d, t); };
  return Model::Open(path, policy, options);
}

// ---- keygen -----------------------------------------------------------------

struct KeygenArgs {
  std::string public_key, secret_key;
  bool no_password = false, force = false;
};

int Keygen(const KeygenArgs& a) {
  for (const auto* p : {&a.public_key, &a.secret_key}) {
    if (!a.force && Exists(*p)) return Usage("'" + *p + "' exists; use --force to overwrite it");
  }
  std::optional<std::string> password;
  if (!a.no_password) {
    password = ReadPassword("Password for the new secret key", true);
    if (!password) return Usage("passwords do not match, or no password given");
    if (password->empty()) return Usage("empty password; use --no-password for an unencrypted key");
  }
  auto sk = SecretKey::Generate();
  if (!sk.ok()) return Fail(sk.status());
  if (password) std::fprintf(stderr, "Deriving a key from the password (scrypt)...\n");
  auto sk_text = FormatSecretKeyFile(*sk, password);
  if (!sk_text.ok()) return Fail(sk_text.status());
  if (Status s = WriteFileAtomically(a.secret_key, *sk_text, /*secret=*/true); !s.ok()) return Fail(s);
  PublicKey pk = sk->public_key();
  if (Status s = WriteFileAtomically(a.public_key, FormatPublicKeyFile(pk)); !s.ok()) return Fail(s);
  std::printf("key id: %s\npublic key: %s\nsecret key written to %s%s\npublic key written to %s\n",
              KeyIdHex(pk.id).c_str(), PublicKeyBase64(pk).c_str(), a.secret_key.c_str(),
              password ? " (encrypted)" : " (NOT encrypted)", a.public_key.c_str());
  return kExitOk;
}

// ---- sign -------------------------------------------------------------------

struct SignArgs {
  std::string model, secret_key, comment;
};

int Sign(const SignArgs& a) {
  auto text = ReadTextFile(a.secret_key, 1 << 16);
  if (!text.ok()) return Fail(text.status());
  auto encrypted = SecretKeyFileIsEncrypted(*text);
  if (!encrypted.ok()) return Fail(encrypted.status().Wrap(a.secret_key));
  std::optional<std::string> password;
  if (*encrypted) {
    password = ReadPassword("Password for " + a.secret_key, false);
    if (!password) return Usage("no password given");
  }
  auto sk = ParseSecretKeyFile(*text, password);
  if (!sk.ok()) return Fail(sk.status().Wrap(a.secret_key));
  Progress progress("checking");
  LoadOptions options;
  options.progress = [&](uint64_t d, uint64_t t) { progress.Update(d, t); };
  if (Status s = SignFile(a.model, *sk, a.comment, options); !s.ok()) return Fail(s.Wrap(a.model));
  std::printf("signed %s with key %s\n", a.model.c_str(), KeyIdHex(sk->id()).c_str());
  return kExitOk;
}

// ---- verify -----------------------------------------------------------------

void PrintSignatures(std::span<const SignatureInfo> signatures) {
  for (const auto& s : signatures) {
    if (s.state == SignatureInfo::State::kTrusted) {
      std::printf("  signed by %s (%s): %s\n", Escape(s.signer).c_str(), KeyIdHex(s.key_id).c_str(),
                  Escape(s.trusted_comment).c_str());
    } else {
      std::printf("  ignored signature by key %s (%s)\n", KeyIdHex(s.key_id).c_str(),
                  std::string(SignatureStateName(s.state)).c_str());
    }
  }
}

// Signatures, framing, layout and hashes only: for kinds this tool does not
// read (user-defined kinds), said loudly.
int VerifyStructureOnly(const std::string& path, const TrustArgs& t) {
  auto policy = BuildTrust(t);
  if (!policy.ok()) return Fail(policy.status());
  auto r = [&] {
    Progress progress("verifying");
    LoadOptions options;
    options.progress = [&](uint64_t d, uint64_t total) { progress.Update(d, total); };
    return Model::VerifyStructure(path, *policy, options);
  }();
  if (!r.ok()) return Fail(r.status().Wrap(path));
  std::printf("OK (structure only): %s: %u trusted signer(s), %zu tensor(s) verified\n", path.c_str(),
              r->trusted_signers, r->tensors);
  PrintSignatures(r->signatures);
  if (r->kind != EstimatorKind::kWeights) {
    const std::string what = r->custom_kind.empty() ? "the estimator" : "the estimator (kind '" + Escape(r->custom_kind) + "')";
    std::printf("NOT checked: %s was not read or validated; only a program that reads it (Model::Open) "
                "proves its values safe to run\n", what.c_str());
  }
  return kExitOk;
}

int Verify(const std::string& path, const TrustArgs& t, bool structure_only) {
  if (structure_only) return VerifyStructureOnly(path, t);
  auto model = OpenTrusted(path, t);
  if (!model.ok()) {
    Status s = model.status().Wrap(path);
    if (s.code() == Code::kUnsupported && s.message().find("is not registered in this program") != std::string::npos) {
      s = Status(s.code(), s.message() + "; 'safemodel verify --structure-only' checks its signatures and hashes");
    }
    return Fail(s);
  }
  std::printf("OK: %s: %u trusted signer(s), %zu tensor(s) verified\n", path.c_str(),
              model->trusted_signers(), model->tensors().size());
  PrintSignatures(model->signatures());
  return kExitOk;
}

// ---- inspect ----------------------------------------------------------------

nlohmann::json MetadataJson(const Metadata& m) {
  return {{"name", m.name},
          {"description", m.description},
          {"license", m.license},
          {"producer", m.producer},
          {"producer_version", m.producer_version},
          {"library_versions", m.library_versions},
          {"created_unix", m.created_unix},
          {"feature_names", m.feature_names},
          {"extra", m.extra}};
}

nlohmann::json InspectJson(const Model& m) {
  nlohmann::json tensors = nlohmann::json::array();
  uint64_t offset_base = m.data_offset();
  for (const auto& t : m.tensors()) {
    uint64_t offset = static_cast<uint64_t>(t.bytes.data() - m.tensors()[0].bytes.data());
    tensors.push_back({{"name", t.name},
                       {"dtype", DTypeName(t.dtype)},
                       {"shape", t.shape},
                       {"offset", offset_base + offset},
                       {"byte_length", t.bytes.size()}});
  }
  nlohmann::json sigs = nlohmann::json::array();
  for (const auto& s : m.signatures()) {
    sigs.push_back({{"key_id", KeyIdHex(s.key_id)},
                    {"trusted_comment", s.trusted_comment},
                    {"state", SignatureStateName(s.state)}});
  }
  return {{"format_version", m.format_version()},
          {"file_size", m.file_size()},
          {"header_size", m.header_size()},
          {"data_offset", m.data_offset()},
          {"data_length", m.data_length()},
          {"seal_size", m.seal_size()},
          {"estimator",
           {{"kind", EstimatorKindName(m.kind())},
            {"framework", m.weights_framework()},
            {"class", m.estimator_class()},
            {"summary", m.estimator_summary()},
            {"members", m.members()}}},
          {"metadata", MetadataJson(m.metadata())},
          {"tensors", tensors},
          {"signatures", sigs},
          {"signatures_verified", false}};
}

void PrintMap(const char* title, const std::map<std::string, std::string>& map) {
  if (map.empty()) return;
  std::printf("  %s:\n", title);
  for (const auto& [k, v] : map) std::printf("    %s: %s\n", Escape(k).c_str(), Escape(v).c_str());
}

void PrintInspect(const std::string& path, const Model& m) {
  const Metadata& md = m.metadata();
  std::printf("file: %s (%llu bytes, format version %u)\n", Escape(path).c_str(),
              static_cast<unsigned long long>(m.file_size()), m.format_version());
  std::printf("estimator: %s", std::string(EstimatorKindName(m.kind())).c_str());
  if (!m.weights_framework().empty()) std::printf(" (framework: %s)", Escape(m.weights_framework()).c_str());
  if (!m.estimator_summary().empty()) std::printf(" %s", Escape(m.estimator_summary()).c_str());
  for (const auto& member : m.members()) {
    const std::string summary = m.estimator_summary(member);
    std::printf("\n  member %s: %s", Escape(member).c_str(), summary.empty() ? "(plain value)" : Escape(summary).c_str());
  }
  std::printf("\nmetadata:\n");
  const std::pair<const char*, const std::string*> fields[] = {
      {"name", &md.name}, {"description", &md.description}, {"license", &md.license},
      {"producer", &md.producer}, {"producer version", &md.producer_version}};
  for (const auto& [k, v] : fields) {
    if (!v->empty()) std::printf("  %s: %s\n", k, Escape(*v).c_str());
  }
  if (md.created_unix != 0) {
    std::time_t t = static_cast<std::time_t>(md.created_unix);
    char buf[64] = "?";
    if (std::tm tm; gmtime_r(&t, &tm)) std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::printf("  created: %s\n", buf);
  }
  if (!md.feature_names.empty()) {
    std::string names;
    for (size_t i = 0; i < md.feature_names.size() && i < 12; ++i) names += (i ? ", " : "") + md.feature_names[i];
    if (md.feature_names.size() > 12) names += ", ...";
    std::printf("  features: %zu (%s)\n", md.feature_names.size(), Escape(names).c_str());
  }
  PrintMap("library versions", md.library_versions);
  PrintMap("extra", md.extra);
  std::printf("tensors: %zu (%llu bytes of data at offset %llu)\n", m.tensors().size(),
              static_cast<unsigned long long>(m.data_length()),
              static_cast<unsigned long long>(m.data_offset()));
  for (const auto& t : m.tensors()) {
    std::printf("  %-32s %-5s %-20s %llu bytes\n", Escape(t.name).c_str(),
                std::string(DTypeName(t.dtype)).c_str(), ShapeString(t.shape).c_str(),
                static_cast<unsigned long long>(t.bytes.size()));
  }
  std::printf("signatures: %zu (not verified here; use 'safemodel verify')\n", m.signatures().size());
  for (size_t i = 0; i < m.signatures().size(); ++i) {
    const auto& s = m.signatures()[i];
    std::printf("  [%zu] key %s  %s\n", i, KeyIdHex(s.key_id).c_str(), Escape(s.trusted_comment).c_str());
  }
}

int Inspect(const std::string& path, bool json) {
  auto model = Model::Inspect(path);
  if (!model.ok()) return Fail(model.status().Wrap(path));
  if (json) {
    std::printf("%s\n", InspectJson(*model).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    PrintInspect(path, *model);
  }
  return kExitOk;
}

// ---- import / export --------------------------------------------------------

struct ImportArgs {
  std::string input, output, name, description, license, framework;
};

int64_t CreationTime() {
  // Reproducible builds: honour SOURCE_DATE_EPOCH.
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) return std::strtoll(e, nullptr, 10);
  return static_cast<int64_t>(std::time(nullptr));
}

int ImportWeights(const ImportArgs& a) {
  auto set = ReadWeights(a.input);
  if (!set.ok()) return Fail(set.status().Wrap(a.input));
  Metadata md;
  md.name = a.name.empty() ? Stem(a.input) : a.name;
  md.description = a.description;
  md.license = a.license;
  md.producer = "safemodel import-weights";
  md.producer_version = Version();
  md.created_unix = CreationTime();
  md.extra = set->metadata;
  md.extra["safemodel.source_format"] = set->format;
  Progress progress("hashing");
  WriteOptions options;
  options.progress = [&](uint64_t d, uint64_t t) { progress.Update(d, t); };
  Status s = WriteWeights(a.output, md, set->tensors, a.framework, options);
  if (!s.ok()) return Fail(s.Wrap(a.output));
  std::printf("wrote %s: %zu tensor(s) from %s (unsigned: sign it with 'safemodel sign')\n",
              a.output.c_str(), set->tensors.size(), set->format.c_str());
  return kExitOk;
}

struct ExportArgs {
  std::string model, output, format;
  TrustArgs trust;
};

int ExportWeights(const ExportArgs& a) {
  std::string format = a.format;
  if (format.empty()) {
    format = a.output.size() >= 4 && a.output.compare(a.output.size() - 4, 4, ".npz") == 0 ? "npz"
                                                                                          : "safetensors";
  }
  auto model = OpenTrusted(a.model, a.trust);
  if (!model.ok()) return Fail(model.status().Wrap(a.model));
  if (model->kind() != EstimatorKind::kWeights) {
    return Fail(Unsupported("export-weights needs a weights model, this is " +
                            std::string(EstimatorKindName(model->kind()))));
  }
  std::map<std::string, std::string> md = model->metadata().extra;
  md.erase("safemodel.source_format");
  Status s = format == "npz" ? WriteNpz(a.output, model->tensors())
                             : WriteSafetensors(a.output, model->tensors(), md);
  if (!s.ok()) return Fail(s.Wrap(a.output));
  std::printf("wrote %s: %zu tensor(s) as %s\n", a.output.c_str(), model->tensors().size(), format.c_str());
  return kExitOk;
}

// ---- convert / scan -----------------------------------------------------------

struct ConvertArgs {
  std::string input, output, secret_key, comment;
};

Result<std::optional<SecretKey>> LoadSecretKey(const std::string& path) {
  if (path.empty()) return std::optional<SecretKey>();
  SAFEMODEL_ASSIGN_OR_RETURN(std::string text, ReadTextFile(path, 1 << 16));
  SAFEMODEL_ASSIGN_OR_RETURN(bool encrypted, SecretKeyFileIsEncrypted(text));
  std::optional<std::string> password;
  if (encrypted) {
    password = ReadPassword("Password for " + path, false);
    if (!password) return InvalidArgument("no password given");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(SecretKey sk, ParseSecretKeyFile(text, password));
  return std::optional<SecretKey>(std::move(sk));
}

int Convert(const ConvertArgs& a) {
  // The key first: a wrong password must not leave an unsigned output.
  auto key = LoadSecretKey(a.secret_key);
  if (!key.ok()) return Fail(key.status().Wrap(a.secret_key));
  if (Status s = ConvertFile(a.input, a.output); !s.ok()) return Fail(s.Wrap(a.input));
  if (*key) {
    if (Status s = SignFile(a.output, **key, a.comment); !s.ok()) {
      std::remove(a.output.c_str());
      return Fail(s.Wrap(a.output));
    }
  }
  std::printf("converted %s -> %s%s\n", a.input.c_str(), a.output.c_str(), *key ? " (signed)" : " (unsigned)");
  return kExitOk;
}

int Scan(const std::string& path, bool json) {
  auto r = ScanFile(path);
  if (!r.ok()) return Fail(r.status());
  if (json) {
    nlohmann::json globals = nlohmann::json::array();
    for (const auto& g : r->globals) {
      globals.push_back({{"offset", g.offset}, {"opcode", g.opcode}, {"module", g.module}, {"name", g.name},
                         {"allowed", g.allowed}, {"reason", g.reason}});
    }
    nlohmann::json j = {{"file", path}, {"container", r->container}, {"globals", globals},
                        {"disallowed", r->disallowed_total}, {"error", r->error}, {"ok", r->all_allowed()}};
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("%s: %s, %zu global(s), %llu not allowed\n", Escape(path).c_str(), Escape(r->container).c_str(),
                r->globals.size(), static_cast<unsigned long long>(r->disallowed_total));
    for (const auto& g : r->globals) {
      std::printf("  %s pickle@0x%llx %s %s.%s  %s\n", g.allowed ? "ok     " : "REFUSED",
                  static_cast<unsigned long long>(g.offset), g.opcode.c_str(), Escape(g.module).c_str(),
                  Escape(g.name).c_str(), Escape(g.reason).c_str());
    }
    if (!r->error.empty()) std::printf("  stream error: %s\n", Escape(r->error).c_str());
  }
  return r->all_allowed() ? kExitOk : kExitRefused;
}

// ---- predict ----------------------------------------------------------------

struct PredictArgs {
  std::string model, input, output, method = "predict", member, header = "auto";
  unsigned threads = 0;
  TrustArgs trust;
};

// An error about cell X[r, c] also names the CSV line the row is on; a
// header row read as data (strings in row 0) gets a hint.
Status WithInputPlace(const Status& s, const std::string& input, const Table& x, const std::vector<size_t>& lines) {
  const std::string& m = s.message();
  size_t row = 0, col = 0;
  if (std::sscanf(m.c_str(), "X[%zu, %zu]", &row, &col) != 2 || row >= lines.size()) return s;
  std::string more = " (" + input + ":" + std::to_string(lines[row]) + ", cell " + std::to_string(col + 1) + ")";
  if (row == 0 && x.column_names.empty() && !x.is_string.empty()) more += "; if line 1 names the columns, pass --header yes";
  return Status(s.code(), m + more);
}

int Predict(const PredictArgs& a) {
  auto method = MethodFromName(a.method);
  if (!method) return Usage("unknown method '" + a.method + "'");
  // The model first: its feature names decide whether line 1 is a header.
  auto model = OpenTrusted(a.model, a.trust);
  if (!model.ok()) return Fail(model.status().Wrap(a.model));
  InputOptions in;
  in.header = a.header == "yes" ? InputOptions::Header::kYes
              : a.header == "no" ? InputOptions::Header::kNo
                                 : InputOptions::Header::kAuto;
  in.feature_names = model->feature_names(a.member);
  std::vector<size_t> row_lines;
  // A text model reads each line as one document (commas are text).
  auto x = model->takes_documents(a.member) ? ReadDocuments(a.input, in.header == InputOptions::Header::kYes)
                                            : ReadInputTable(a.input, in, &row_lines);
  if (!x.ok()) return Fail(x.status());
  if (model->takes_documents(a.member)) {
    row_lines.clear();
    for (size_t r = 0; r < x->rows; ++r) row_lines.push_back(r + 1 + (in.header == InputOptions::Header::kYes));
  }
  RunOptions run;
  run.threads = a.threads;
  auto out = model->Run(*method, *x, a.member, run);
  if (!out.ok()) return Fail(WithInputPlace(out.status(), a.input, *x, row_lines).Wrap(a.model));
  const std::string csv = FormatCsv(*out);
  if (a.output.empty()) {
    std::fwrite(csv.data(), 1, csv.size(), stdout);
    return kExitOk;
  }
  Status s = WriteFileAtomically(a.output, csv);
  return s.ok() ? kExitOk : Fail(s);
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"safemodel: share trained models without sharing the power to run code.\n"
               "Files are checked signature-first: nothing in a file is parsed before a trusted\n"
               "key's signature over it verifies. Exit codes: 0 ok, 1 refused/invalid input,\n"
               "2 usage or I/O error."};
  app.set_version_flag("--version", std::string("safemodel ") + Version());
  app.require_subcommand(1);

  KeygenArgs kg;
  auto* keygen = app.add_subcommand("keygen", "Create a minisign-compatible Ed25519 key pair");
  keygen->add_option("--public-key,-p", kg.public_key, "Public key file to write")->required();
  keygen->add_option("--secret-key,-s", kg.secret_key, "Secret key file to write (mode 0600)")->required();
  keygen->add_flag("--no-password,-W", kg.no_password, "Do not encrypt the secret key (like minisign -W)");
  keygen->add_flag("--force,-f", kg.force, "Overwrite existing key files");

  SignArgs sg;
  auto* sign = app.add_subcommand("sign", "Add a signature to a .smdl file, in place and atomically");
  sign->add_option("model", sg.model, "Model file")->required()->check(CLI::ExistingFile);
  sign->add_option("--secret-key,-s", sg.secret_key, "Secret key file (minisign format)")
      ->required()->check(CLI::ExistingFile);
  sign->add_option("--comment,-c", sg.comment,
                   "Trusted (signed) comment; default \"timestamp:<time>\\tfile:<name>\"");

  std::string verify_path;
  TrustArgs verify_trust;
  auto* verify = app.add_subcommand("verify", "Check signatures, structure and every tensor hash");
  verify->add_option("model", verify_path, "Model file")->required();
  AddTrustOptions(verify, verify_trust, false);
  bool verify_structure_only = false;
  verify->add_flag("--structure-only", verify_structure_only,
                   "Check signatures, framing, layout and hashes but do not read the estimator (for "
                   "user-defined kinds this tool does not read; their values are NOT validated)");

  std::string inspect_path;
  bool inspect_json = false;
  auto* inspect = app.add_subcommand(
      "inspect", "Show metadata, tensors and signatures (structure and hashes are checked; "
                 "signatures are NOT verified: use verify)");
  inspect->add_option("model", inspect_path, "Model file")->required();
  inspect->add_flag("--json", inspect_json, "Print JSON");

  ImportArgs im;
  auto* import = app.add_subcommand(
      "import-weights", "Make an unsigned .smdl weights model from safetensors, .npy or .npz");
  import->add_option("input", im.input, "safetensors, .npy or .npz file")->required()->check(CLI::ExistingFile);
  import->add_option("--output,-o", im.output, "Output .smdl file")->required();
  import->add_option("--name", im.name, "Model name (default: input file stem)");
  import->add_option("--description", im.description, "Description");
  import->add_option("--license", im.license, "License (SPDX identifier)");
  import->add_option("--framework", im.framework, "Framework the weights are for (e.g. pytorch)");

  ExportArgs ex;
  auto* exp = app.add_subcommand("export-weights",
                                 "Write a verified weights model's tensors as safetensors or .npz");
  exp->add_option("model", ex.model, "Model file")->required();
  exp->add_option("--output,-o", ex.output, "Output file (.npz gives npz, else safetensors)")->required();
  exp->add_option("--format", ex.format, "safetensors or npz (default: from the output name)")
      ->check(CLI::IsMember({"safetensors", "npz"}));
  AddTrustOptions(exp, ex.trust, true);

  ConvertArgs cv;
  auto* convert = app.add_subcommand(
      "convert", "Convert a pickle/joblib model to .smdl without running it (parsed in a sandbox)");
  convert->add_option("input", cv.input, "pickle or joblib file (detected from its bytes)")
      ->required()->check(CLI::ExistingFile);
  convert->add_option("--output,-o", cv.output, "Output .smdl file")->required();
  convert->add_option("--secret-key,-s", cv.secret_key, "Sign the output with this key")->check(CLI::ExistingFile);
  convert->add_option("--comment,-c", cv.comment, "Trusted comment for the signature");

  std::string scan_path;
  bool scan_json = false;
  auto* scan = app.add_subcommand(
      "scan", "List every global a pickle/joblib file names, allowed or not (nothing is run or converted)");
  scan->add_option("input", scan_path, "pickle or joblib file")->required()->check(CLI::ExistingFile);
  scan->add_flag("--json", scan_json, "Print JSON");

  PredictArgs pr;
  auto* predict = app.add_subcommand("predict", "Run a verified estimator on CSV or .npy input");
  predict->add_option("model", pr.model, "Model file")->required();
  predict->add_option("--input,-i", pr.input,
                      "X: CSV (one row per line; string cells are categories; empty or nan cells are NaN)\n"
                      "or .npy (1-d or 2-d; numbers, or '<U'/'|S' strings). For a text model\n"
                      "(CountVectorizer/TfidfVectorizer first) each line is one whole document")
      ->required()->check(CLI::ExistingFile);
  predict->add_option("--header", pr.header,
                      "Whether CSV line 1 names the columns: auto (default: yes when it holds all of the\n"
                      "model's feature names, or only feature names), yes, no. Named columns are matched to a model fitted on\n"
                      "a DataFrame by name, in any order")
      ->check(CLI::IsMember({"auto", "yes", "no"}));
  predict->add_option("--method,-m", pr.method,
                      "predict (default), predict_proba, predict_log_proba, decision_function, transform,\n"
                      "score_samples")
      ->check(CLI::IsMember({"predict", "predict_proba", "predict_log_proba", "decision_function", "transform",
                             "score_samples"}));
  predict->add_option("--output,-o", pr.output, "Write CSV here instead of stdout");
  predict->add_option("--member", pr.member, "Bundle member: dict key, or list/tuple index");
  predict->add_option("--threads,-j", pr.threads,
                      "Threads for large batches (default 0: one per core). Rows are split into equal parts;\n"
                      "the output is identical for any count. k-nearest-neighbours models use one thread");
  AddTrustOptions(predict, pr.trust, true);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*keygen) return Keygen(kg);
  if (*sign) return Sign(sg);
  if (*verify) return Verify(verify_path, verify_trust, verify_structure_only);
  if (*inspect) return Inspect(inspect_path, inspect_json);
  if (*import) return ImportWeights(im);
  if (*exp) return ExportWeights(ex);
  if (*predict) return Predict(pr);
  if (*convert) return Convert(cv);
  if (*scan) return Scan(scan_path, scan_json);
  return kExitUsage;
}

}  // namespace safemodel::cli

int main(int argc, char** argv) { return safemodel::cli::Main(argc, argv); }
