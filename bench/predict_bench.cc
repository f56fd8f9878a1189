// predict_bench MODEL.smdl PUBLIC.pub [X.npy] [--benchmark_* flags]
//
// C++ API micro-benchmarks (Google Benchmark) on a real converted model:
//   Open      Model::Open with the trusted key: seal, signature, parse,
//             validate, hash every tensor (all cores), build the estimator;
//   Row       Model::Run(predict) on one row: the single-row latency a C++
//             service sees;
//   Batch/T   Model::Run(predict) on every row of X.npy (or 100,000 rows of
//             N(0, 1) if none is given) with T threads (0 = one per core).
// bench/side_by_side.py puts these next to scikit-learn; this binary only
// measures our side.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "safemodel/io.h"
#include "safemodel/keys.h"
#include "safemodel/model.h"
#include "safemodel/trust.h"
#include "safemodel/weights_io.h"

namespace {

std::string g_model, g_public_key, g_x_path;

[[noreturn]] void Die(const safemodel::Status& s) {
  std::fprintf(stderr, "predict_bench: %s\n", s.ToString().c_str());
  std::exit(2);
}

safemodel::TrustPolicy Policy() {
  safemodel::TrustPolicy trust;
  auto text = safemodel::ReadTextFile(g_public_key);
  if (!text.ok()) Die(text.status());
  auto key = safemodel::ParsePublicKey(*text);
  if (!key.ok()) Die(key.status());
  if (auto s = trust.store.Add("bench", *key); !s.ok()) Die(s);
  return trust;
}

safemodel::Model OpenOrDie() {
  auto m = safemodel::Model::Open(g_model, Policy());
  if (!m.ok()) Die(m.status());
  return std::move(*m);
}

// X: the .npy rows, or 100,000 rows of N(0, 1) of the model's width.
std::vector<double> Rows(const safemodel::Model& m, size_t* rows) {
  const size_t cols = static_cast<size_t>(m.num_features());
  if (!g_x_path.empty()) {
    auto w = safemodel::ReadNpy(g_x_path);
    if (!w.ok()) Die(w.status());
    const safemodel::TensorView& t = w->tensors[0];
    if (t.dtype != safemodel::DType::kF64 || t.shape.size() != 2 || t.shape[1] != cols) {
      Die(safemodel::InvalidArgument(g_x_path + ": not a float64 matrix of " + std::to_string(cols) + " columns"));
    }
    *rows = t.shape[0];
    std::vector<double> x(*rows * cols);
    std::memcpy(x.data(), t.bytes.data(), x.size() * sizeof(double));
    return x;
  }
  *rows = 100000;
  std::vector<double> x(*rows * cols);
  std::mt19937_64 gen(1);
  std::normal_distribution<double> normal;
  for (double& v : x) v = normal(gen);
  return x;
}

void Open(benchmark::State& state) {
  const safemodel::TrustPolicy trust = Policy();
  for (auto _ : state) {
    auto m = safemodel::Model::Open(g_model, trust);
    if (!m.ok()) state.SkipWithError(m.status().ToString().c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(OpenOrDie().file_size()));
}

void Row(benchmark::State& state) {
  const safemodel::Model m = OpenOrDie();
  size_t rows = 0;
  const std::vector<double> x = Rows(m, &rows);
  const size_t cols = static_cast<size_t>(m.num_features());
  size_t i = 0;
  for (auto _ : state) {
    auto out = m.Run(safemodel::Method::kPredict, std::span(x).subspan(i * cols, cols), 1, cols);
    if (!out.ok()) state.SkipWithError(out.status().ToString().c_str());
    benchmark::DoNotOptimize(out);
    i = (i + 1) % rows;
  }
}

void Batch(benchmark::State& state) {
  const safemodel::Model m = OpenOrDie();
  size_t rows = 0;
  const std::vector<double> x = Rows(m, &rows);
  const size_t cols = static_cast<size_t>(m.num_features());
  safemodel::RunOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    auto out = m.Run(safemodel::Method::kPredict, x, rows, cols, "", options);
    if (!out.ok()) state.SkipWithError(out.status().ToString().c_str());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
}

}  // namespace

BENCHMARK(Open)->Unit(benchmark::kMillisecond);
BENCHMARK(Row)->Unit(benchmark::kMicrosecond);
BENCHMARK(Batch)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);  // takes the --benchmark_* flags out of argv
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: predict_bench MODEL.smdl PUBLIC.pub [X.npy] [--benchmark_* flags]\n");
    return 2;
  }
  g_model = argv[1];
  g_public_key = argv[2];
  if (argc == 4) g_x_path = argv[3];
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
