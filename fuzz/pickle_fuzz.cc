// Fuzzes the pickle VM end to end: container detection and decompression,
// scan (every global, concatenated streams) and build, then walks the whole
// graph touching every byte view. Errors are passes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_util.h"
#include "pickle/vm.h"

namespace {

using safemodel::pickle::Value;

uint64_t Walk(const Value* root) {
  uint64_t sum = 0;
  std::vector<const Value*> todo{root};
  size_t steps = 0;
  while (!todo.empty() && ++steps < (1u << 22)) {  // the VM bounds expansion; this is a belt
    const Value* v = todo.back();
    todo.pop_back();
    if (v == nullptr) continue;
    sum += uint64_t(v->kind) + v->text().size() + v->module.size() + v->name.size();
    sum += safemodel::fuzz::Touch(v->text().data(), v->text().size());
    sum += safemodel::fuzz::Touch(v->bytes().data(), v->bytes().size());
    for (const Value* c : v->items) todo.push_back(c);
    for (const auto& [k, x] : v->entries) {
      todo.push_back(k);
      todo.push_back(x);
    }
    todo.push_back(v->args);
    todo.push_back(v->kwargs);
    todo.push_back(v->state);
    if (v->dtype) sum += v->dtype->itemsize + v->dtype->fields.size();
    if (v->array) {
      sum += v->array->NumElements() + safemodel::fuzz::Touch(v->array->data.data(), v->array->data.size());
      for (const Value* c : v->array->objects) todo.push_back(c);
    }
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  safemodel::pickle::Limits limits;
  limits.max_decompressed_bytes = 64u << 20;  // keep the fuzzer fast and inside its RSS limit
  limits.max_total_bytes = 256u << 20;
  volatile uint64_t sink = 0;
  auto scan = safemodel::pickle::ScanModelBytes(bytes, limits);
  for (const auto& g : scan.globals) sink = sink + g.module.size() + g.name.size() + g.reason.size();
  if (auto g = safemodel::pickle::ParseModelBytes(bytes, limits); g.ok()) sink = sink + Walk(g->root());
  return 0;
}
