// safemodel-child: the sandboxed side of lib/src/sandbox. It enters the
// seccomp sandbox before reading a single byte of input, does one job, and
// writes the result to stdout. Exit 0 with the result, 1 with a message on
// stderr if the input was refused, 2 on misuse.
//
// Jobs:
//   echo                 copy stdin to stdout (tests the plumbing)
//   convert CREATED [META]  pickle/joblib on stdin -> unsigned .smdl on stdout
//                        (CREATED: creation time, seconds since the epoch;
//                        META: the caller's metadata fields as JSON, see
//                        ConvertOptions::metadata)
//   scan                 pickle/joblib on stdin -> JSON list of its globals
//   selftest SYSCALL     try a forbidden call (open, execve, socket, fork)
//                        after entering the sandbox: the filter must kill us
//   control SYSCALL      the same without the sandbox (the tests' control)
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "format/estimator_codec.h"
#include "mapping/mapping.h"
#include "pickle/vm.h"
#include "safemodel/version.h"
#include "safemodel/writer.h"
#include "sandbox/sandbox.h"

namespace {

int Refuse(const safemodel::Status& s) {
  std::string msg = s.ToString() + "\n";
  (void)::write(2, msg.data(), msg.size());
  return s.code() == safemodel::Code::kIoError ? 2 : 1;
}

// Each of these must never return: the filter kills the process first.
int TryForbidden(const std::string& what) {
  long rc = -1;
  if (what == "open") rc = ::syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
  else if (what == "execve") {
    char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
    rc = ::syscall(SYS_execve, "/bin/true", argv, nullptr);
  } else if (what == "socket") rc = ::syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
  else if (what == "fork") rc = ::syscall(SYS_clone, 0x11 /* SIGCHLD */, 0, 0, 0, 0);
  else return 2;
  std::string msg = "survived " + what + " (rc " + std::to_string(rc) + ")\n";
  (void)::write(1, msg.data(), msg.size());
  return 0;
}

// The caller's metadata fields (ConvertOptions::metadata) over the
// converter's. The text comes from the parent, not from the input.
safemodel::Status ApplyMetadata(const char* text, safemodel::Metadata& m) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return safemodel::InvalidArgument("metadata argument: not a JSON object");
  try {
    auto set = [&](const char* key, std::string& field) {
      auto it = j.find(key);
      if (it == j.end()) return;
      const auto& v = it->get_ref<const std::string&>();  // throws if not a string
      if (!v.empty()) field = v;
    };
    set("name", m.name);
    set("description", m.description);
    set("license", m.license);
    set("producer", m.producer);
    set("producer_version", m.producer_version);
    const nlohmann::json versions = j.value("library_versions", nlohmann::json::object());
    for (const auto& [k, v] : versions.items()) m.library_versions[k] = v.get<std::string>();
    const nlohmann::json extra = j.value("extra", nlohmann::json::object());
    for (const auto& [k, v] : extra.items()) m.extra[k] = v.get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return safemodel::InvalidArgument(std::string("metadata argument: ") + e.what());
  }
  return safemodel::Status::Ok();
}

safemodel::Result<std::string> Convert(std::span<const std::byte> input, int64_t created, const char* meta) {
  using namespace safemodel;  // NOLINT: a thin driver
  SAFEMODEL_ASSIGN_OR_RETURN(pickle::Graph graph, pickle::ParseModelBytes(input));
  SAFEMODEL_ASSIGN_OR_RETURN(mapping::Converted c, mapping::MapGraph(graph));
  c.metadata.producer = "safemodel convert";
  c.metadata.producer_version = Version();
  c.metadata.created_unix = created;
  if (meta != nullptr) SAFEMODEL_RETURN_IF_ERROR(ApplyMetadata(meta, c.metadata));
  // One thread: the filter forbids starting threads (and reading /sys).
  if (c.content) return format::SerializeContent(c.metadata, *c.content, /*hash_threads=*/1);
  std::vector<TensorView> views;
  for (const auto& t : c.weights) {
    views.push_back({t.name, t.dtype, t.shape, std::as_bytes(std::span(t.bytes.data(), t.bytes.size()))});
  }
  WriteOptions options;
  options.hash_threads = 1;
  return SerializeWeights(c.metadata, views, "numpy", options);
}

std::string Scan(std::span<const std::byte> input) {
  auto report = safemodel::pickle::ScanModelBytes(input);
  nlohmann::json globals = nlohmann::json::array();
  for (const auto& g : report.globals) {
    globals.push_back({{"offset", g.offset}, {"opcode", g.opcode}, {"module", g.module}, {"name", g.name},
                       {"allowed", g.allowed}, {"reason", g.reason}});
  }
  nlohmann::json j = {{"container", report.container},
                      {"globals", globals},
                      {"disallowed_total", report.disallowed_total},
                      {"error", report.status.ok() ? "" : report.status.ToString()}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

int Run(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string job = argv[1];
  // Control for the tests: the same calls, without the filter, succeed.
  if (job == "control" && argc == 3) return TryForbidden(argv[2]);
  if (auto s = safemodel::sandbox::EnterSandbox(); !s.ok()) return Refuse(s);
  if (job == "selftest" && argc == 3) return TryForbidden(argv[2]);
  auto input = safemodel::sandbox::ReadAllStdin();
  if (!input.ok()) return Refuse(input.status());
  const auto bytes = std::as_bytes(std::span(input->data(), input->size()));
  if (job == "echo") {
    auto s = safemodel::sandbox::WriteAllStdout(*input);
    return s.ok() ? 0 : Refuse(s);
  }
  if (job == "scan") {
    auto s = safemodel::sandbox::WriteAllStdout(Scan(bytes));
    return s.ok() ? 0 : Refuse(s);
  }
  if (job == "convert" && (argc == 3 || argc == 4)) {
    auto out = Convert(bytes, std::strtoll(argv[2], nullptr, 10), argc == 4 ? argv[3] : nullptr);
    if (!out.ok()) return Refuse(out.status());
    auto s = safemodel::sandbox::WriteAllStdout(*out);
    return s.ok() ? 0 : Refuse(s);
  }
  return 2;
}

// _exit, not return: exit handlers (and sanitizer runtimes' leak checks)
// would make system calls the filter forbids.
int main(int argc, char** argv) { ::_exit(Run(argc, argv)); }
