// The driver safemodel_add_fuzz_target links when the compiler is not Clang
// (no libFuzzer): replays the files and folders given as arguments, then
// runs the target's own mutator (LLVMFuzzerCustomMutator, which the fuzz kit
// defines) from an empty input for -runs=N inputs or -max_total_time=S
// seconds, feeding each result to LLVMFuzzerTestOneInput. No coverage
// guidance: a smoke run, not a fuzzing campaign. Other -flags are ignored.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed)
    __attribute__((weak));

namespace {

void RunFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  long runs = -1, seconds = 10, max_len = 1 << 20;
  size_t files = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("-runs=", 0) == 0) runs = std::stol(a.substr(6));
    else if (a.rfind("-max_total_time=", 0) == 0) seconds = std::stol(a.substr(16));
    else if (a.rfind("-max_len=", 0) == 0) max_len = std::stol(a.substr(9));
    else if (!a.empty() && a[0] == '-') continue;
    else if (std::filesystem::is_directory(a)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(a)) {
        if (e.is_regular_file()) {
          RunFile(e.path());
          ++files;
        }
      }
    } else {
      RunFile(a);
      ++files;
    }
  }
  long done = 0;
  if (LLVMFuzzerCustomMutator != nullptr) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    std::vector<uint8_t> buf(static_cast<size_t>(max_len));
    size_t size = 0;
    for (unsigned seed = 1; runs < 0 ? std::chrono::steady_clock::now() < end : done < runs; ++seed, ++done) {
      size = LLVMFuzzerCustomMutator(buf.data(), size, buf.size(), seed);
      LLVMFuzzerTestOneInput(buf.data(), size);
      if (seed % 8 == 0) size = 0;  // back to a seed now and then
    }
  }
  std::printf("replayed %zu file(s), ran %ld mutated input(s): no crash\n", files, done);
  return 0;
}
