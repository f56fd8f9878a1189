// safemodel/fuzz_kit.h — a libFuzzer target for a user-defined kind in one line.
//
//   // my_kind_fuzz.cc
//   #include <safemodel/fuzz_kit.h>
//   #include "my_kind.h"
//   SAFEMODEL_FUZZ_KIND(MyKind(), MyExampleObjects())
//
//   # CMakeLists.txt (find_package(safemodel) provides the function)
//   safemodel_add_fuzz_target(my_kind_fuzz SOURCES my_kind_fuzz.cc LIBRARIES my_kind SECONDS 60)
//
// MyKind() returns the safemodel::Kind<Schema, M> the program registers;
// MyExampleObjects() a std::vector<M> of valid objects, written as the seeds.
// Each input is a whole .smdl file. The mutator is structure-aware: it reads
// the file's custom body as the kind's Cap'n Proto struct (the dynamic API,
// through the schema) and changes one field at a time — integers and floats
// to boundary values (0, -1, extremes, NaN, infinities, tensor indices), lists
// to other lengths, unions to other members — or one tensor (its bytes, an
// element set to a boundary value, its shape, dtype, or its presence); then
// it writes the file back framed, hashed and canonical, so that every input
// reaches the kind's validator instead of stopping at a hash check. Now and
// then it restarts from a seed, or (under libFuzzer) mutates raw bytes.
//
// Each run opens the input as Model::Open does (unsigned files allowed, the
// kind registered, limits of fuzz size), and if it loads, calls every method
// on fixed rows (zeros, ones, large and tiny magnitudes, mixed signs, then a
// row of NaN and infinities) and on a row of the wrong width. A crash, a
// sanitizer report, a timeout, or a library invariant broken (an output with
// another row count; a wrong width accepted) is a finding.
//
// Built with Clang and -fsanitize=fuzzer this is a libFuzzer target; with
// any other compiler, safemodel_add_fuzz_target links a small driver that
// replays the files given as arguments and then runs the mutator for
// -runs=N inputs or -max_total_time=S seconds (no coverage guidance).
#ifndef SAFEMODEL_FUZZ_KIT_H_
#define SAFEMODEL_FUZZ_KIT_H_

#include <capnp/dynamic.h>
#include <capnp/schema.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "safemodel/extension.h"
#include "safemodel/model.h"
#include "safemodel/trust.h"

// Provided by libFuzzer; absent (null) under the replay driver.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size) __attribute__((weak));

namespace safemodel::fuzzkit {

// The limits every input is opened with: small enough that one input cannot
// exhaust the fuzzer's memory, large enough for realistic seeds.
inline LoadOptions FuzzLoadOptions() {
  LoadOptions o;
  o.max_file_size = uint64_t{64} << 20;
  o.max_header_size = uint64_t{4} << 20;
  o.max_tensors = 4096;
  o.hash_threads = 1;
  return o;
}

class Random {
 public:
  explicit Random(unsigned seed) : rng_(seed) {}
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  bool OneIn(uint64_t n) { return Below(n) == 0; }
  uint64_t Next() { return (uint64_t{rng_()} << 32) ^ rng_(); }

 private:
  std::mt19937 rng_;
};

// An integer near the edges of [lo, hi] or of the current value, or a small
// tensor index.
inline int64_t PickInt(Random& r, int64_t cur, int64_t lo, int64_t hi, uint64_t tensors) {
  int64_t v = 0;
  switch (r.Below(9)) {
    case 0: v = 0; break;
    case 1: v = 1; break;
    case 2: v = -1; break;
    case 3: v = lo; break;
    case 4: v = hi; break;
    case 5: v = cur == std::numeric_limits<int64_t>::max() ? cur : cur + 1; break;
    case 6: v = cur == std::numeric_limits<int64_t>::min() ? cur : cur - 1; break;
    case 7: v = static_cast<int64_t>(r.Below(tensors + 2)); break;
    default: v = static_cast<int64_t>(r.Next()); break;
  }
  return v < lo ? lo : (v > hi ? hi : v);
}

inline uint64_t PickU64(Random& r, uint64_t cur, uint64_t tensors) {
  switch (r.Below(6)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return std::numeric_limits<uint64_t>::max();
    case 3: return cur + 1;
    case 4: return r.Below(tensors + 2);
    default: return r.Next();
  }
}

inline double PickFloat(Random& r, double cur) {
  switch (r.Below(13)) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return 1.0;
    case 3: return -1.0;
    case 4: return std::numeric_limits<double>::quiet_NaN();
    case 5: return std::numeric_limits<double>::infinity();
    case 6: return -std::numeric_limits<double>::infinity();
    case 7: return 1e308;
    case 8: return -1e308;
    case 9: return 5e-324;
    case 10: return cur * 2;
    case 11: return -cur;
    default: return cur + (static_cast<double>(r.Below(2001)) - 1000.0) / 100.0;
  }
}

// Changes one field of a struct of the kind's schema (dynamic API).
class BodyMutator {
 public:
  BodyMutator(Random& r, uint64_t tensors) : r_(r), tensors_(tensors) {}

  void Struct(capnp::DynamicStruct::Builder s, int depth) {
    if (depth > 16) return;
    auto schema = s.getSchema();
    auto unions = schema.getUnionFields();
    if (unions.size() > 0 && r_.OneIn(8)) {
      auto f = unions[static_cast<unsigned>(r_.Below(unions.size()))];
      s.clear(f);  // switches the union to f, with its default value
      return;
    }
    std::vector<capnp::StructSchema::Field> fields;
    for (auto f : schema.getNonUnionFields()) fields.push_back(f);
    KJ_IF_MAYBE(active, s.which()) { fields.push_back(*active); }
    if (fields.empty()) return;
    Field(s, fields[r_.Below(fields.size())], depth);
  }

 private:
  using W = capnp::schema::Type;

  void Field(capnp::DynamicStruct::Builder s, capnp::StructSchema::Field f, int depth) {
    const capnp::Type type = f.getType();
    switch (type.which()) {
      case W::STRUCT: Struct(s.get(f).as<capnp::DynamicStruct>(), depth + 1); return;
      case W::LIST: List(s, f, type.asList(), depth); return;
      case W::ANY_POINTER:
      case W::INTERFACE: return;
      default: break;
    }
    Scalar(type, s.get(f).asReader(), [&](capnp::DynamicValue::Reader v) { s.set(f, v); });
  }

  void List(capnp::DynamicStruct::Builder s, capnp::StructSchema::Field f, capnp::ListSchema schema, int depth) {
    const capnp::Type elem = schema.getElementType();
    auto list = s.get(f).as<capnp::DynamicList>();
    const uint32_t n = list.size();
    const bool composite = elem.which() == W::STRUCT || elem.which() == W::LIST ||
                           elem.which() == W::ANY_POINTER || elem.which() == W::INTERFACE;
    if (n == 0 || r_.OneIn(3)) {
      // Another length: 0, 1, one less, one more, double (bounded).
      const uint32_t lengths[] = {0, 1, n ? n - 1 : 0, n + 1, std::min<uint32_t>(2 * n + 1, 4096)};
      const uint32_t m = lengths[r_.Below(5)];
      auto old = s.disown(f);
      auto fresh = s.init(f, m).as<capnp::DynamicList>();
      if (!composite) {
        auto from = old.getReader().as<capnp::DynamicList>();
        for (uint32_t i = 0; i < std::min(m, from.size()); ++i) fresh.set(i, from[i]);
      }
      return;
    }
    const uint32_t i = static_cast<uint32_t>(r_.Below(n));
    if (elem.which() == W::STRUCT) {
      Struct(list[i].as<capnp::DynamicStruct>(), depth + 1);
    } else if (!composite) {
      Scalar(elem, list.asReader()[i], [&](capnp::DynamicValue::Reader v) { list.set(i, v); });
    }
  }

  template <class Set>
  void Scalar(capnp::Type type, capnp::DynamicValue::Reader cur, Set set) {
    switch (type.which()) {
      case W::VOID: set(capnp::VOID); return;
      case W::BOOL: set(!cur.as<bool>()); return;
      case W::INT8: set(PickInt(r_, cur.as<int64_t>(), INT8_MIN, INT8_MAX, tensors_)); return;
      case W::INT16: set(PickInt(r_, cur.as<int64_t>(), INT16_MIN, INT16_MAX, tensors_)); return;
      case W::INT32: set(PickInt(r_, cur.as<int64_t>(), INT32_MIN, INT32_MAX, tensors_)); return;
      case W::INT64: set(PickInt(r_, cur.as<int64_t>(), INT64_MIN, INT64_MAX, tensors_)); return;
      case W::UINT8: set(static_cast<uint64_t>(PickInt(r_, cur.as<int64_t>(), 0, UINT8_MAX, tensors_))); return;
      case W::UINT16: set(static_cast<uint64_t>(PickInt(r_, cur.as<int64_t>(), 0, UINT16_MAX, tensors_))); return;
      case W::UINT32: {
        // Tensor indices live here: also the "absent" value 0xffffffff.
        uint64_t v = r_.OneIn(6) ? uint64_t{0xffffffff}
                                 : static_cast<uint64_t>(PickInt(r_, cur.as<int64_t>(), 0, UINT32_MAX, tensors_));
        set(v);
        return;
      }
      case W::UINT64: set(PickU64(r_, cur.as<uint64_t>(), tensors_)); return;
      case W::FLOAT32: set(static_cast<float>(PickFloat(r_, cur.as<double>()))); return;
      case W::FLOAT64: set(PickFloat(r_, cur.as<double>())); return;
      case W::TEXT: {
        static const char* const kTexts[] = {"", "a", "org.example", "\xff\xfe", "line\nbreak", "\x1b[31m"};
        text_ = r_.OneIn(4) ? std::string(static_cast<size_t>(r_.Below(300)), 'x') : kTexts[r_.Below(6)];
        set(capnp::Text::Reader(text_.c_str(), text_.size()));
        return;
      }
      case W::DATA: {
        text_.assign(static_cast<size_t>(r_.Below(64)), static_cast<char>(r_.Below(256)));
        set(capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(text_.data()), text_.size()));
        return;
      }
      case W::ENUM: {
        auto e = type.asEnum();
        set(capnp::DynamicEnum(e, static_cast<uint16_t>(r_.Below(e.getEnumerants().size() + 2))));
        return;
      }
      default: return;
    }
  }

  Random& r_;
  uint64_t tensors_;
  std::string text_;
};

// Writes a boundary value of `dtype` at element `i` of `bytes`.
inline void PokeElement(Random& r, DType dtype, std::string& bytes, size_t i) {
  const size_t width = DTypeSize(dtype);
  char* at = bytes.data() + i * width;
  switch (dtype) {
    case DType::kF64: {
      double v = PickFloat(r, 1.0);
      std::memcpy(at, &v, 8);
      return;
    }
    case DType::kF32: {
      float v = static_cast<float>(PickFloat(r, 1.0));
      std::memcpy(at, &v, 4);
      return;
    }
    case DType::kF16:
    case DType::kBF16: {
      const uint16_t kValues[] = {0x7c00, 0xfc00, 0x7e00, 0x7f80, 0x7fc0, 0x0001, 0x7bff};
      std::memcpy(at, &kValues[r.Below(7)], 2);
      return;
    }
    default: {
      // Integers: 0, 1, -1 (all ones), the extremes, a small index.
      const uint64_t kValues[] = {0, 1, ~uint64_t{0}, uint64_t{1} << (8 * width - 1),
                                  (uint64_t{1} << (8 * width - 1)) - 1, r.Below(64)};
      const uint64_t v = kValues[r.Below(6)];
      std::memcpy(at, &v, width);  // little-endian: the low bytes
      return;
    }
  }
}

// Changes one tensor: bytes, one element, shape, dtype, or presence.
inline void MutateTensors(Random& r, std::vector<internal::FuzzTensor>& tensors) {
  if (tensors.empty()) return;
  auto& t = tensors[r.Below(tensors.size())];
  const size_t width = DTypeSize(t.dtype);
  switch (r.Below(7)) {
    case 0:
    case 1:
      if (t.bytes.empty()) return;
      if (LLVMFuzzerMutate != nullptr && r.OneIn(2)) {
        LLVMFuzzerMutate(reinterpret_cast<uint8_t*>(t.bytes.data()), t.bytes.size(), t.bytes.size());
      } else {
        t.bytes[r.Below(t.bytes.size())] ^= static_cast<char>(1u << r.Below(8));
      }
      return;
    case 2:
    case 3:
      if (t.bytes.size() >= width) PokeElement(r, t.dtype, t.bytes, r.Below(t.bytes.size() / width));
      return;
    case 4: {
      if (t.shape.empty()) {
        t.shape.push_back(r.Below(4));
        return;
      }
      uint64_t& d = t.shape[r.Below(t.shape.size())];
      const uint64_t kDims[] = {0, 1, d ? d - 1 : 0, d + 1, std::min<uint64_t>(2 * d + 1, 4096)};
      d = kDims[r.Below(5)];
      return;
    }
    case 5:
      if (r.OneIn(2)) {
        t.dtype = static_cast<DType>(r.Below(kNumDTypes));
      } else if (r.OneIn(2) || t.shape.empty()) {
        t.shape.push_back(1);
      } else {
        t.shape.pop_back();
      }
      return;
    default:
      if (r.OneIn(2)) {
        tensors.erase(tensors.begin() + static_cast<std::ptrdiff_t>(r.Below(tensors.size())));
      } else {
        internal::FuzzTensor copy = t;
        copy.name += "_";
        tensors.push_back(std::move(copy));
      }
      return;
  }
}

template <class Schema, class M>
class Harness {
 public:
  Harness(Kind<Schema, M> kind, const std::vector<M>& examples) : kind_(kind), registry_(std::make_shared<KindRegistry>()) {
    Status s = registry_->Add(kind_);
    if (!s.ok()) Die("cannot register the kind: " + s.ToString());
    WriteOptions wo;
    wo.hash_threads = 1;
    for (const M& m : examples) {
      Result<std::string> seed = SerializeCustom(Metadata{}, kind_, m, wo);
      if (!seed.ok()) Die("cannot write an example object as a seed: " + seed.status().ToString());
      seeds_.push_back(std::move(*seed));
    }
    if (seeds_.empty()) Die("no example objects: SAFEMODEL_FUZZ_KIND needs at least one valid object as a seed");
    fd_ = memfd_create("safemodel-fuzz", MFD_CLOEXEC);
    if (fd_ < 0) Die("memfd_create failed");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }

  int TestOneInput(const uint8_t* data, size_t size) {
    if (size > (size_t{64} << 20)) return 0;
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, data, size, 0) != static_cast<ssize_t>(size)) Die("cannot write the input");
    TrustPolicy trust;
    trust.allow_unsigned = true;  // the kit fuzzes the structure; signatures have their own fuzzers
    LoadOptions options = FuzzLoadOptions();
    options.kinds = registry_;
    Result<Model> model = Model::Open(path_, trust, options);
    if (!model.ok()) {
      if (model.status().message().empty()) Die("a refusal without a message");
      return 0;
    }
    Exercise(*model);
    return 0;
  }

  size_t Mutate(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
    Random r(seed);
    if (LLVMFuzzerMutate != nullptr && size > 0 && r.OneIn(16)) return LLVMFuzzerMutate(data, size, max_size);
    std::string file = (size == 0 || r.OneIn(32)) ? seeds_[r.Below(seeds_.size())]
                                                   : std::string(reinterpret_cast<const char*>(data), size);
    auto mutate = [&](capnp::AnyPointer::Builder body, std::vector<internal::FuzzTensor>& tensors) {
      const uint64_t rounds = 1 + r.Below(3);
      for (uint64_t k = 0; k < rounds; ++k) {
        if (r.OneIn(2)) {
          BodyMutator(r, tensors.size()).Struct(body.getAs<capnp::DynamicStruct>(capnp::Schema::from<Schema>()), 0);
        } else {
          MutateTensors(r, tensors);
        }
      }
    };
    if (!internal::RewriteCustomFile(file, mutate).ok()) {
      // Not a readable custom-kind file (raw mutation broke it): start again from a seed.
      file = seeds_[r.Below(seeds_.size())];
      if (!internal::RewriteCustomFile(file, mutate).ok()) file = seeds_[r.Below(seeds_.size())];
    }
    if (file.size() > max_size) {
      file = seeds_[r.Below(seeds_.size())];
      if (file.size() > max_size) return std::min(size, max_size);
    }
    std::memcpy(data, file.data(), file.size());
    return file.size();
  }

 private:
  [[noreturn]] static void Die(const std::string& why) {
    std::fprintf(stderr, "safemodel fuzz kit: %s\n", why.c_str());
    std::abort();
  }

  // Every method on fixed rows; the library's invariants checked.
  void Exercise(const Model& model) {
    const int64_t nf = model.num_features();
    const size_t cols = nf < 0 ? 3 : static_cast<size_t>(nf);
    if (cols > 4096) return;  // too wide to build rows for
    const double kRows[][4] = {{0, 0, 0, 0}, {1, 1, 1, 1}, {1e300, -1e300, 1e-300, -1e-300},
                               {-3.5, 2.25, -0.0, 7}, {5e-324, -5e-324, 123456789, -1}};
    const size_t rows = sizeof(kRows) / sizeof(kRows[0]);
    std::vector<double> x(rows * cols);
    for (size_t i = 0; i < rows; ++i) {
      for (size_t j = 0; j < cols; ++j) x[i * cols + j] = kRows[i][j % 4] * (1.0 + static_cast<double>(j % 7) / 8);
    }
    std::vector<double> odd(cols);
    for (size_t j = 0; j < cols; ++j) {
      odd[j] = j % 3 == 0 ? std::numeric_limits<double>::quiet_NaN()
                          : (j % 3 == 1 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity());
    }
    for (Method m : kAllMethods) {
      Result<Output> out = model.Run(m, x, rows, cols);
      if (out.ok() && out->rows != rows) Die("an output with another row count");
      Result<Output> nan = model.Run(m, odd, 1, cols);
      if (nan.ok() && nan->rows != 1) Die("an output with another row count");
      Result<Output> none = model.Run(m, std::span<const double>(), 0, cols);
      if (none.ok() && none->rows != 0) Die("an output with another row count");
    }
    if (nf >= 0) {
      std::vector<double> wide(cols + 1, 1.0);
      if (model.Run(Method::kPredict, wide, 1, cols + 1).ok()) Die("a row of the wrong width was accepted");
    }
  }

  Kind<Schema, M> kind_;
  std::shared_ptr<KindRegistry> registry_;
  std::vector<std::string> seeds_;
  int fd_ = -1;
  std::string path_;
};

template <class Schema, class M>
Harness<Schema, M>* MakeHarness(Kind<Schema, M> kind, const std::vector<M>& examples) {
  return new Harness<Schema, M>(std::move(kind), examples);  // lives for the whole run
}

}  // namespace safemodel::fuzzkit

// Defines LLVMFuzzerTestOneInput and LLVMFuzzerCustomMutator for a kind.
#define SAFEMODEL_FUZZ_KIND(KIND_EXPR, EXAMPLES_EXPR)                                                     \
  namespace {                                                                                             \
  auto& SafemodelFuzzHarness() {                                                                          \
    static auto* harness = ::safemodel::fuzzkit::MakeHarness((KIND_EXPR), (EXAMPLES_EXPR));               \
    return *harness;                                                                                      \
  }                                                                                                       \
  }                                                                                                       \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {                               \
    return SafemodelFuzzHarness().TestOneInput(data, size);                                               \
  }                                                                                                       \
  extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) { \
    return SafemodelFuzzHarness().Mutate(data, size, max_size, seed);                                     \
  }

#endif  // SAFEMODEL_FUZZ_KIT_H_
