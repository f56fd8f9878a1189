// Structure-aware fuzzing of the estimator decoders and validators.
//
// The input is a .smdl file (the seeds are real converted models). A byte
// mutation almost never survives the hashes and the canonical-form check, so
// the format target rarely reaches the decoders. Here the custom mutator
// parses the header, changes it through the Cap'n Proto schema (a field of
// any estimator struct, a union member, a list length, a tensor's dtype or
// shape) or changes one typed element of a tensor (an index to -1, a
// threshold to NaN), and writes the file back with a consistent layout and
// correct hashes. The harness does the same repair on any input, then opens
// the file as a user would (Model::Inspect: header parse, layout, hashes,
// decoding, builders) and runs every method on fixed rows.
//
// Seeds: fuzz/corpus/header/ (fuzz/make_header_corpus.sh converts the
// mapping target's pickles with `safemodel convert`).
#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "format/hashing.h"
#include "format/layout.h"
#include "fuzz_util.h"
#include "safemodel.capnp.h"
#include "safemodel/model.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

namespace sm = safemodel;
namespace fmt = safemodel::format;
using Rng = std::minstd_rand;

// Headers the harness repairs: larger ones only slow every execution down
// (a 1 MiB header took 6 s to copy, canonicalize and reparse under ASan).
constexpr uint64_t kMaxHeaderBytes = 1 << 18;
constexpr uint64_t kMaxDataBytes = 1 << 20;  // tensor bytes the repair makes
constexpr int32_t kMaxWidth = 1 << 12;       // widest row the harness predicts on

uint64_t AlignUp(uint64_t v) { return (v + fmt::kAlignment - 1) / fmt::kAlignment * fmt::kAlignment; }

// The header words and the bytes from the start of the data region on (the
// source of tensor contents; offsets into it are tensor offsets).
struct Split {
  kj::Array<capnp::word> header;
  std::string data;
};

std::optional<Split> SplitFile(const uint8_t* in, size_t size) {
  if (size < fmt::kPreambleSize || std::memcmp(in, fmt::kMagic.data(), fmt::kMagic.size()) != 0) return std::nullopt;
  uint64_t h = 0;
  for (int i = 7; i >= 0; --i) h = (h << 8) | in[8 + i];
  if (h == 0 || h % 8 != 0 || h > kMaxHeaderBytes || h > size - fmt::kPreambleSize) return std::nullopt;
  Split s;
  s.header = kj::heapArray<capnp::word>(h / 8);
  std::memcpy(s.header.begin(), in + fmt::kPreambleSize, h);
  const uint64_t data_offset = std::min<uint64_t>(AlignUp(fmt::kPreambleSize + h), size);
  s.data.assign(reinterpret_cast<const char*>(in) + data_offset, size - data_offset);
  return s;
}

capnp::ReaderOptions Limits() {
  capnp::ReaderOptions o;
  o.traversalLimitInWords = 1 << 16;
  o.nestingLimit = 64;
  return o;
}

// Copies the (possibly hostile) header into a builder; throws kj::Exception.
void Load(const Split& s, capnp::MallocMessageBuilder& out) {
  kj::ArrayPtr<const capnp::word> segments[1] = {s.header.asPtr()};
  capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), Limits());
  out.setRoot(reader.getRoot<sm::schema::Header>());
}

// Lays the tensors out as a writer would: lengths from dtype and shape,
// packed offsets, contents from `source` at their offsets (zeros past its
// end), hashes. A tensor too big for the budget keeps its fields, so the file
// is refused at the layout check (also worth reaching).
std::string Rebuild(capnp::MallocMessageBuilder& mb, const std::string& source) {
  auto root = mb.getRoot<sm::schema::Header>();
  std::string data;
  for (auto t : root.getTensors()) {
    const auto dt = static_cast<unsigned>(t.getDtype());
    if (dt >= static_cast<unsigned>(sm::kNumDTypes)) continue;
    uint64_t n = 1;
    bool fits = true;
    for (uint64_t d : t.getShape()) {
      if (d != 0 && n > kMaxDataBytes / d) {
        fits = false;
        break;
      }
      n *= d;
    }
    const uint64_t len = n * sm::DTypeSize(static_cast<sm::DType>(dt));
    if (!fits || len > kMaxDataBytes || AlignUp(data.size()) + len > kMaxDataBytes) continue;
    const uint64_t offset = AlignUp(data.size());
    data.resize(offset, '\0');
    if (offset < source.size()) data.append(source, offset, std::min<uint64_t>(len, source.size() - offset));
    data.resize(offset + len, '\0');
    auto bytes = std::as_bytes(std::span<const char>(data.data() + offset, len));
    const fmt::Digest d = fmt::Blake2b256(bytes);
    t.setOffset(offset);
    t.setByteLength(len);
    t.setHash(capnp::Data::Reader(d.data(), d.size()));
    t.setChunkHashes(capnp::Data::Reader());
  }
  data.resize(AlignUp(data.size()), '\0');
  root.setDataLength(data.size());
  kj::Array<capnp::word> words = capnp::canonicalize(root.asReader());
  auto header = words.asBytes();
  std::string file = fmt::EncodePreamble(header.size());
  file.append(reinterpret_cast<const char*>(header.begin()), header.size());
  file.resize(AlignUp(file.size()), '\0');
  file += data;
  auto seal = fmt::EncodeSeal({});
  if (seal.ok()) file += *seal;
  return file;
}

// ---- the harness ---------------------------------------------------------------

uint64_t UseOutput(const sm::Output& out) {
  uint64_t sum = out.rows + out.cols;
  sum += sm::fuzz::Touch(out.numbers.data(), out.numbers.size() * sizeof(double));
  sum += sm::fuzz::Touch(out.ints.data(), out.ints.size() * sizeof(int64_t));
  for (const auto& s : out.strings) sum += sm::fuzz::Touch(s.data(), s.size());
  return sum;
}

uint64_t RunAll(const sm::Model& m, std::string_view member) {
  uint64_t sum = m.estimator_class(member).size() + m.estimator_summary(member).size();
  const int64_t width = m.num_features(member);
  if (width <= 0 || width > kMaxWidth) return sum;
  // Row 0: small mixed values; row 1: large magnitudes and a NaN.
  std::vector<double> x(static_cast<size_t>(width) * 2);
  for (int64_t i = 0; i < width; ++i) {
    x[i] = static_cast<double>(i % 7) - 3.0 + 0.25;
    x[width + i] = (i % 2 ? -1e6 : 1e6) * static_cast<double>(i + 1);
  }
  x[width] = NAN;
  for (sm::Method method : sm::kAllMethods) {
    for (size_t rows : {size_t{1}, size_t{2}}) {
      auto out = m.Run(method, std::span<const double>(x.data(), rows * width), rows, width, member);
      if (!out.ok()) continue;
      if (out->rows != rows) {
        std::fprintf(stderr, "header_fuzz: %zu rows in, %zu out (%s)\n", rows, out->rows,
                     std::string(sm::MethodName(method)).c_str());
        std::abort();
      }
      sum += UseOutput(*out);
    }
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto split = SplitFile(data, size);
  if (!split) return 0;
  std::string file;
  try {
    capnp::MallocMessageBuilder mb;
    Load(*split, mb);
    file = Rebuild(mb, split->data);
  } catch (const kj::Exception&) {
    return 0;  // not a message the harness can repair
  }
  // To debug a finding: SAFEMODEL_FUZZ_DUMP=out.smdl header_fuzz INPUT writes
  // the repaired file, which the CLI then reads (inspect, predict).
  if (const char* dump = std::getenv("SAFEMODEL_FUZZ_DUMP")) {
    if (std::FILE* out = std::fopen(dump, "wb")) {
      std::fwrite(file.data(), 1, file.size(), out);
      std::fclose(out);
    }
  }
  sm::fuzz::MemFile f(reinterpret_cast<const uint8_t*>(file.data()), file.size());
  sm::LoadOptions o;
  o.hash_threads = 1;
  auto m = sm::Model::Inspect(f.path(), o);
  if (!m.ok()) return 0;
  volatile uint64_t sink = RunAll(*m, "");
  for (const auto& name : m->members()) sink = sink + RunAll(*m, name);
  (void)sink;
  return 0;
}

// ---- the mutator -----------------------------------------------------------------

namespace {

// One place a mutation can go: a field of a struct reached from the root.
struct Slot {
  capnp::DynamicStruct::Builder owner;
  capnp::StructSchema::Field field;
  bool switch_union = false;  // activate another member of owner's union
};

void Collect(capnp::DynamicStruct::Builder s, std::vector<Slot>& out, int depth);

void Visit(capnp::DynamicStruct::Builder s, capnp::StructSchema::Field f, std::vector<Slot>& out, int depth) {
  out.push_back({s, f, false});
  const capnp::Type type = f.getType();
  if (type.isStruct()) {
    if (f.getProto().isGroup() || s.has(f)) Collect(s.get(f).as<capnp::DynamicStruct>(), out, depth + 1);
  } else if (type.isList() && type.asList().getElementType().isStruct() && s.has(f)) {
    auto list = s.get(f).as<capnp::DynamicList>();
    for (unsigned i = 0; i < list.size() && out.size() < 4096; ++i) {
      Collect(list[i].as<capnp::DynamicStruct>(), out, depth + 1);
    }
  }
}

void Collect(capnp::DynamicStruct::Builder s, std::vector<Slot>& out, int depth) {
  if (depth > 32 || out.size() >= 4096) return;
  const capnp::StructSchema schema = s.getSchema();
  for (auto f : schema.getNonUnionFields()) Visit(s, f, out, depth);
  if (schema.getUnionFields().size() > 0) {
    out.push_back({s, schema.getUnionFields()[0], true});
    KJ_IF_MAYBE(active, s.which()) { Visit(s, *active, out, depth); }
  }
}

uint64_t PickUnsigned(Rng& rng, uint64_t old, unsigned bits) {
  const uint64_t max = bits >= 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  const uint64_t choices[] = {0, 1, 2, 3, old + 1, old - 1, old * 2, old / 2, max, max - 1, max >> 1, rng() % 16, rng()};
  return choices[rng() % std::size(choices)] & max;
}

// old + d without signed overflow (wraps).
int64_t Wrap(int64_t old, int64_t d) { return static_cast<int64_t>(static_cast<uint64_t>(old) + static_cast<uint64_t>(d)); }

int64_t PickSigned(Rng& rng, int64_t old, unsigned bits) {
  const int64_t max = bits >= 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  const int64_t choices[] = {0, 1, -1, -2, max, min, Wrap(old, 1), Wrap(old, -1), static_cast<int64_t>(rng() % 32) - 8};
  return std::clamp(choices[rng() % std::size(choices)], min, max);
}

double PickDouble(Rng& rng, double old) {
  const double choices[] = {0.0,  -0.0, 1.0, -1.0, 0.5, NAN, INFINITY, -INFINITY, 1e308, -1e308, 5e-324,
                            old * -1.0, old * 2.0, old + 1.0, std::nextafter(old, INFINITY)};
  return choices[rng() % std::size(choices)];
}

// A short text: empty, a known class name, or the old text mutated by libFuzzer.
std::string PickText(Rng& rng, std::string old) {
  static const char* kNames[] = {"LogisticRegression", "RandomForestClassifier", "DecisionTreeRegressor",
                                 "Pipeline", "StandardScaler", "x", "\xff\xfe", "a\nb"};
  switch (rng() % 4) {
    case 0: return "";
    case 1: return kNames[rng() % std::size(kNames)];
    default: {
      old.resize(old.size() + 16);
      size_t n = LLVMFuzzerMutate(reinterpret_cast<uint8_t*>(old.data()), old.size() - 16, old.size());
      old.resize(std::min(n, old.size()));
      old.erase(std::remove(old.begin(), old.end(), '\0'), old.end());
      return old;
    }
  }
}

capnp::DynamicValue::Reader Primitive(Rng& rng, capnp::Type type, capnp::DynamicValue::Reader old,
                                      std::string& text_store) {
  using W = capnp::schema::Type;
  switch (type.which()) {
    case W::BOOL: return !old.as<bool>();
    case W::INT8: return PickSigned(rng, old.as<int64_t>(), 8);
    case W::INT16: return PickSigned(rng, old.as<int64_t>(), 16);
    case W::INT32: return PickSigned(rng, old.as<int64_t>(), 32);
    case W::INT64: return PickSigned(rng, old.as<int64_t>(), 64);
    case W::UINT8: return PickUnsigned(rng, old.as<uint64_t>(), 8);
    case W::UINT16: return PickUnsigned(rng, old.as<uint64_t>(), 16);
    case W::UINT32: return PickUnsigned(rng, old.as<uint64_t>(), 32);
    case W::UINT64: return PickUnsigned(rng, old.as<uint64_t>(), 64);
    case W::FLOAT32:
    case W::FLOAT64: return PickDouble(rng, old.as<double>());
    case W::ENUM: {
      const auto count = type.asEnum().getEnumerants().size();
      return capnp::DynamicEnum(type.asEnum(), static_cast<uint16_t>(rng() % (count + 2)));
    }
    case W::TEXT:
      text_store = PickText(rng, std::string(old.as<capnp::Text>().cStr(), old.as<capnp::Text>().size()));
      return capnp::Text::Reader(text_store.c_str(), text_store.size());
    default: return old;
  }
}

// New length for a list: empty, one shorter or longer, doubled, small random.
unsigned PickLength(Rng& rng, unsigned old) {
  const unsigned choices[] = {0, old > 0 ? old - 1 : 0, old + 1, old * 2 + 1, static_cast<unsigned>(rng() % 8)};
  return std::min(choices[rng() % std::size(choices)], 1024u);
}

void Resize(capnp::DynamicStruct::Builder s, capnp::StructSchema::Field f, unsigned n) {
  auto orphan = s.disown(f);
  auto old = orphan.getReader().as<capnp::DynamicList>();
  auto fresh = s.init(f, n).as<capnp::DynamicList>();
  for (unsigned i = 0; i < std::min(n, old.size()); ++i) fresh.set(i, old[i]);
}

void MutateSlot(Rng& rng, Slot& slot) {
  auto s = slot.owner;
  std::string text;
  if (slot.switch_union) {
    auto members = s.getSchema().getUnionFields();
    auto f = members[rng() % members.size()];
    const capnp::Type t = f.getType();
    if (t.isStruct()) s.init(f);
    else if (t.isList()) s.init(f, rng() % 4);
    else if (t.isVoid()) s.set(f, capnp::VOID);
    else if (t.isData() || t.isAnyPointer() || t.isInterface()) s.clear(f);
    else s.set(f, Primitive(rng, t, s.get(f).asReader(), text));
    return;
  }
  const capnp::StructSchema::Field f = slot.field;
  const capnp::Type t = f.getType();
  if (t.isStruct() || t.isAnyPointer() || t.isInterface() || t.isVoid()) {
    if (t.isStruct() && !f.getProto().isGroup() && rng() % 4 == 0) s.clear(f);
    return;
  }
  if (t.isData()) {
    s.set(f, capnp::Data::Reader());
    return;
  }
  if (t.isList()) {
    auto list = s.get(f).as<capnp::DynamicList>();
    const capnp::Type elem = t.asList().getElementType();
    const bool primitive = !elem.isStruct() && !elem.isList() && !elem.isData() && !elem.isAnyPointer() &&
                           !elem.isInterface() && !elem.isVoid();
    if (list.size() > 0 && primitive && rng() % 2 == 0) {
      const unsigned i = rng() % list.size();
      list.set(i, Primitive(rng, elem, list[i].asReader(), text));
    } else {
      Resize(s, f, PickLength(rng, list.size()));
    }
    return;
  }
  s.set(f, Primitive(rng, t, s.get(f).asReader(), text));
}

// Sets one element of one tensor's contents to a value chosen for its dtype.
void MutateTensorData(Rng& rng, capnp::MallocMessageBuilder& mb, std::string& source) {
  auto tensors = mb.getRoot<sm::schema::Header>().getTensors();
  if (tensors.size() == 0) return;
  auto t = tensors[rng() % tensors.size()];
  const auto dt = static_cast<unsigned>(t.getDtype());
  if (dt >= static_cast<unsigned>(sm::kNumDTypes)) return;
  const sm::DType dtype = static_cast<sm::DType>(dt);
  const size_t width = sm::DTypeSize(dtype);
  const uint64_t count = t.getByteLength() / width;
  if (count == 0 || t.getOffset() > kMaxDataBytes) return;
  const uint64_t at = t.getOffset() + (rng() % count) * width;
  if (at + width > kMaxDataBytes) return;
  if (source.size() < at + width) source.resize(at + width, '\0');
  char* p = source.data() + at;
  const auto n = static_cast<int64_t>(count);
  switch (dtype) {
    case sm::DType::kF64: {
      double old;
      std::memcpy(&old, p, 8);
      const double v = PickDouble(rng, old);
      std::memcpy(p, &v, 8);
      break;
    }
    case sm::DType::kF32: {
      float old;
      std::memcpy(&old, p, 4);
      const float v = static_cast<float>(PickDouble(rng, old));
      std::memcpy(p, &v, 4);
      break;
    }
    case sm::DType::kI32:
    case sm::DType::kI64: {
      int64_t old = 0;
      if (width == 4) {
        int32_t o;
        std::memcpy(&o, p, 4);
        old = o;
      } else {
        std::memcpy(&old, p, 8);
      }
      // Indices: just out of range, the last valid one, -1 (leaf), a back edge.
      const int64_t choices[] = {n, n - 1, -1, -2, 0, Wrap(old, 1), Wrap(old, -1), PickSigned(rng, old, width * 8)};
      int64_t v = choices[rng() % std::size(choices)];
      if (width == 4) {
        const auto v32 = static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX));
        std::memcpy(p, &v32, 4);
      } else {
        std::memcpy(p, &v, 8);
      }
      break;
    }
    default: {
      const uint8_t choices[] = {0, 1, 2, 0x7f, 0x80, 0xff};
      p[width - 1] = static_cast<char>(choices[rng() % std::size(choices)]);
      break;
    }
  }
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Rng rng(seed);
  auto split = SplitFile(data, size);
  if (!split || rng() % 10 == 0) return LLVMFuzzerMutate(data, size, max_size);
  try {
    capnp::MallocMessageBuilder mb;
    Load(*split, mb);
    const int rounds = 1 + static_cast<int>(rng() % 3);
    for (int r = 0; r < rounds; ++r) {
      if (rng() % 3 == 0) {
        MutateTensorData(rng, mb, split->data);
        continue;
      }
      std::vector<Slot> slots;
      Collect(mb.getRoot<capnp::DynamicStruct>(capnp::Schema::from<sm::schema::Header>()), slots, 0);
      if (slots.empty()) break;
      MutateSlot(rng, slots[rng() % slots.size()]);
    }
    std::string file = Rebuild(mb, split->data);
    if (file.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
    std::memcpy(data, file.data(), file.size());
    return file.size();
  } catch (const kj::Exception&) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
}
