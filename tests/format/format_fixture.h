// Shared fixture for the container tests: small models written with the
// real writer, and helpers to damage one thing at a time.
#ifndef SAFEMODEL_TESTS_FORMAT_FORMAT_FIXTURE_H_
#define SAFEMODEL_TESTS_FORMAT_FORMAT_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "safemodel/model.h"
#include "safemodel/writer.h"
#include "test_util.h"

namespace safemodel::testing {

// A tensor with owned bytes, convertible to a view.
struct OwnedTensor {
  std::string name;
  DType dtype;
  std::vector<uint64_t> shape;
  std::string bytes;
  TensorView view() const {
    return {name, dtype, shape, std::as_bytes(std::span(bytes.data(), bytes.size()))};
  }
};

inline OwnedTensor MakeTensor(const std::string& name, DType dtype, std::vector<uint64_t> shape,
                              uint64_t seed) {
  uint64_t n = DTypeSize(dtype);
  for (auto d : shape) n *= d;
  return {name, dtype, std::move(shape), RandomBytes(n, seed)};
}

inline Status WriteOwned(const std::string& path, const std::vector<OwnedTensor>& tensors,
                         const Metadata& md = {}) {
  std::vector<TensorView> views;
  for (const auto& t : tensors) views.push_back(t.view());
  return WriteWeights(path, md, views, "test");
}

inline TrustPolicy Unsigned() {
  TrustPolicy p;
  p.allow_unsigned = true;
  return p;
}

class FormatTest : public ::testing::Test {
 protected:
  // Three tensors with 64-byte padding between them: a (f32 [2,3]),
  // b (i64 [5]), c (u8 [3]).
  void SetUp() override {
    tensors_ = {MakeTensor("a", DType::kF32, {2, 3}, 1), MakeTensor("b", DType::kI64, {5}, 2),
                MakeTensor("c", DType::kU8, {3}, 3)};
    path_ = dir_ / "m.smdl";
    ASSERT_TRUE(WriteOwned(path_, tensors_).ok());
    bytes_ = ReadFile(path_);
    auto m = Model::Inspect(path_);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    data_offset_ = m->data_offset();
    header_size_ = m->header_size();
    seal_offset_ = m->file_size() - m->seal_size();
  }

  // Writes `bytes` to a new file and opens it without requiring a signature.
  Result<Model> OpenBytes(const std::string& bytes, const LoadOptions& o = {}) {
    std::string p = dir_ / "mut.smdl";
    WriteFile(p, bytes);
    return Model::Open(p, Unsigned(), o);
  }

  void ExpectRefused(const std::string& bytes, Code code, const std::string& where,
                     const LoadOptions& o = {}) {
    auto m = OpenBytes(bytes, o);
    ASSERT_FALSE(m.ok()) << "expected refusal mentioning " << where;
    EXPECT_EQ(m.status().code(), code) << m.status().ToString();
    EXPECT_NE(m.status().message().find(where), std::string::npos)
        << "message '" << m.status().message() << "' does not mention '" << where << "'";
  }

  TempDir dir_;
  std::vector<OwnedTensor> tensors_;
  std::string path_;
  std::string bytes_;
  uint64_t data_offset_ = 0, header_size_ = 0, seal_offset_ = 0;
};

}  // namespace safemodel::testing

// Opens `bytes` as a file (no signature required) and expects refusal with
// `code` and a message containing `where`.
#define EXPECT_REFUSED(...) ExpectRefused(__VA_ARGS__)

#endif  // SAFEMODEL_TESTS_FORMAT_FORMAT_FIXTURE_H_
