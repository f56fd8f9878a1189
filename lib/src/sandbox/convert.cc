// safemodel/convert.h: the parent side of conversion and scanning.
#include "safemodel/convert.h"

#include <csignal>
#include <ctime>

#include <nlohmann/json.hpp>

#include "safemodel/model.h"
#include "sandbox/sandbox.h"
#include "util/file.h"
#include "util/text.h"

namespace safemodel {
namespace {

// The metadata travels to the child as one command-line argument; Linux
// refuses an argument over 128 KiB.
constexpr size_t kMaxMetadataArgument = 96 << 10;

sandbox::SandboxLimits Limits(const ConvertOptions& o) {
  sandbox::SandboxLimits l;
  l.address_space = o.child_address_space;
  l.cpu_seconds = o.child_cpu_seconds;
  l.wall_seconds = o.child_wall_seconds;
  return l;
}

// The child reports "<code name>: <message>" on stderr; rebuild the Status.
Status ChildError(const std::string& err, int exit_code) {
  std::string text = err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  for (Code c : {Code::kInvalidArgument, Code::kCorruption, Code::kUnsupported, Code::kLimitExceeded,
                 Code::kSignatureInvalid, Code::kUntrusted, Code::kIoError}) {
    const std::string prefix = std::string(CodeName(c)) + ": ";
    if (text.rfind(prefix, 0) == 0) return Status(c, EscapeForTerminal(text.substr(prefix.size())));
  }
  return Corruption("the sandboxed parser failed (exit " + std::to_string(exit_code) + "): " +
                    EscapeForTerminal(text.substr(0, 2000)));
}

Status ChildSignal(int sig) {
  if (sig == SIGSYS) {
    return Unsupported("the sandboxed parser tried a forbidden system call and was stopped (SIGSYS)");
  }
  return LimitExceeded("the sandboxed parser was stopped by signal " + std::to_string(sig) +
                       " (a memory or CPU limit of the sandbox: ConvertOptions)");
}

Result<std::string> RunJob(const std::vector<std::string>& args, std::span<const std::byte> input,
                           const ConvertOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string helper, sandbox::FindHelper());
  SAFEMODEL_ASSIGN_OR_RETURN(sandbox::ChildResult r, sandbox::RunChild(helper, args, input, Limits(options)));
  if (r.signal != 0) return ChildSignal(r.signal);
  if (r.exit_code != 0) return ChildError(r.err, r.exit_code);
  return std::move(r.out);
}

ScanResult ParseScanJson(const std::string& text) {
  ScanResult s;
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    s.error = "the sandboxed scanner returned malformed output";
    s.disallowed_total = 1;
    return s;
  }
  s.container = j.value("container", "");
  s.disallowed_total = j.value("disallowed_total", uint64_t{0});
  s.error = j.value("error", "");
  for (const auto& g : j.value("globals", nlohmann::json::array())) {
    if (!g.is_object()) continue;
    s.globals.push_back({g.value("offset", uint64_t{0}), g.value("opcode", ""), g.value("module", ""),
                         g.value("name", ""), g.value("allowed", false), g.value("reason", "")});
  }
  return s;
}

}  // namespace

Result<ScanResult> ScanFile(const std::string& path, const ConvertOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(MappedFile in, MappedFile::Open(path, options.max_input_size));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string json, RunJob({"scan"}, in.bytes(), options));
  return ParseScanJson(json);
}

Status ConvertFile(const std::string& in_path, const std::string& out_path, const ConvertOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(MappedFile in, MappedFile::Open(in_path, options.max_input_size));
  const std::string created = std::to_string(static_cast<long long>(std::time(nullptr)));
  const Metadata& m = options.metadata;
  nlohmann::json meta = {{"name", m.name},
                         {"description", m.description},
                         {"license", m.license},
                         {"producer", m.producer},
                         {"producer_version", m.producer_version},
                         {"library_versions", m.library_versions},
                         {"extra", m.extra}};
  std::string meta_text;
  try {
    meta_text = meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception&) {
    return InvalidArgument("ConvertOptions::metadata: a field is not valid UTF-8");
  }
  // One argument of the child's command line (Linux caps one at 128 KiB).
  if (meta_text.size() > kMaxMetadataArgument) {
    return InvalidArgument("ConvertOptions::metadata: " + std::to_string(meta_text.size()) +
                           " bytes as JSON, more than " + std::to_string(kMaxMetadataArgument));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(std::string smdl,
                             RunJob({"convert", created, meta_text}, in.bytes(), options));
  SAFEMODEL_ASSIGN_OR_RETURN(AtomicFile out, AtomicFile::Create(out_path));
  SAFEMODEL_RETURN_IF_ERROR(out.Write(smdl));
  // The child's output is untrusted: the full reader and validators check it
  // before it may replace anything.
  auto check = Model::Inspect(out.temp_path());
  if (!check.ok()) return check.status().Wrap("the converter's output failed validation");
  return out.Commit();
}

}  // namespace safemodel
