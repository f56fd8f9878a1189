// Fuzzes the estimator builders from an object graph, end to end: pickle VM
// (containers, decompression) -> mapping::MapGraph (every scikit-learn
// adapter and the checked builders) -> SerializeContent / SerializeWeights ->
// Model::Inspect of the bytes written -> every method on one fixed row of the
// right width (per member for a bundle). A refusal at any stage is a pass;
// a file we wrote that we cannot read back is a finding (abort).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "format/estimator_codec.h"
#include "fuzz_util.h"
#include "mapping/mapping.h"
#include "pickle/vm.h"
#include "safemodel/model.h"
#include "safemodel/writer.h"

namespace {

using safemodel::Method;
using safemodel::Model;

constexpr int32_t kMaxWidth = 1 << 16;  // wider rows only cost time

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "mapping_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

uint64_t UseOutput(const safemodel::Output& out) {
  uint64_t sum = out.rows + out.cols;
  sum += safemodel::fuzz::Touch(out.numbers.data(), out.numbers.size() * sizeof(double));
  sum += safemodel::fuzz::Touch(out.ints.data(), out.ints.size() * sizeof(int64_t));
  for (const auto& s : out.strings) sum += safemodel::fuzz::Touch(s.data(), s.size());
  return sum;
}

// Runs every method on one fixed row of `width` features; the methods the
// estimator does not have are refused, which is fine.
uint64_t RunAll(const Model& m, int32_t width, std::string_view member) {
  uint64_t sum = m.estimator_class(member).size() + m.estimator_summary(member).size();
  if (width <= 0 || width > kMaxWidth) return sum;
  std::vector<double> row(static_cast<size_t>(width));
  for (size_t i = 0; i < row.size(); ++i) row[i] = static_cast<double>(i % 7) - 3.0 + 0.25;
  for (Method method : safemodel::kAllMethods) {
    if (auto out = m.Run(method, row, 1, row.size(), member); out.ok()) {
      if (out->rows != 1) Fail("one row in, not one row out", std::string(safemodel::MethodName(method)));
      sum += UseOutput(*out);
    }
  }
  // A row of the wrong width must be refused, never read past.
  row.push_back(1.0);
  if (auto out = m.Run(Method::kPredict, row, 1, row.size(), member); out.ok()) {
    Fail("row of the wrong width accepted", m.estimator_summary(member));
  }
  return sum;
}

safemodel::LoadOptions Load() {
  safemodel::LoadOptions o;
  o.hash_threads = 1;
  return o;
}

uint64_t UseContent(const safemodel::mapping::Converted& c) {
  auto bytes = safemodel::format::SerializeContent(c.metadata, *c.content, /*hash_threads=*/1);
  if (!bytes.ok()) return 0;  // e.g. limits of the format
  safemodel::fuzz::MemFile f(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  auto m = Model::Inspect(f.path(), Load());
  if (!m.ok()) Fail("a file we wrote does not read back", m.status().message());
  uint64_t sum = m->metadata().name.size();
  if (const auto* e = std::get_if<safemodel::estimators::Estimator>(&*c.content)) {
    sum += RunAll(*m, e->NumFeatures(), "");
  } else {
    const auto& bundle = std::get<safemodel::format::Bundle>(*c.content);
    std::map<std::string, int32_t> width;
    for (const auto& mem : bundle.members) {
      if (const auto* est = std::get_if<safemodel::estimators::Estimator>(&mem.value)) {
        width[mem.name] = est->NumFeatures();
      }
    }
    for (const auto& name : m->members()) {
      auto it = width.find(name);
      sum += RunAll(*m, it == width.end() ? 1 : it->second, name);
    }
  }
  return sum;
}

uint64_t UseWeights(const safemodel::mapping::Converted& c) {
  std::vector<safemodel::TensorView> views;
  for (const auto& t : c.weights) {
    views.push_back({t.name, t.dtype, t.shape,
                     std::span<const std::byte>(reinterpret_cast<const std::byte*>(t.bytes.data()), t.bytes.size())});
  }
  safemodel::WriteOptions wo;
  wo.hash_threads = 1;
  auto bytes = safemodel::SerializeWeights(c.metadata, views, "numpy", wo);
  if (!bytes.ok()) return 0;
  safemodel::fuzz::MemFile f(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  auto m = Model::Inspect(f.path(), Load());
  if (!m.ok()) Fail("weights we wrote do not read back", m.status().message());
  if (m->tensors().size() != views.size()) Fail("tensor count changed", std::to_string(views.size()));
  uint64_t sum = 0;
  for (const auto& t : m->tensors()) sum += safemodel::fuzz::Touch(t.bytes.data(), t.bytes.size());
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  safemodel::pickle::Limits limits;
  limits.max_decompressed_bytes = 64u << 20;  // keep the fuzzer fast and inside its RSS limit
  limits.max_total_bytes = 256u << 20;
  auto graph = safemodel::pickle::ParseModelBytes(bytes, limits);
  if (!graph.ok()) return 0;
  auto converted = safemodel::mapping::MapGraph(*graph);
  if (!converted.ok()) return 0;
  volatile uint64_t sink = 0;
  if (converted->content) {
    sink = sink + UseContent(*converted);
  } else {
    sink = sink + UseWeights(*converted);
  }
  return 0;
}
