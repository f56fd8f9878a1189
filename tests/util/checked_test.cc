#include "util/checked.h"

#include <gtest/gtest.h>

#include "util/byte_reader.h"
#include "util/text.h"

namespace safemodel {
namespace {

TEST(Checked, AddNearUint64Max) {
  EXPECT_EQ(CheckedAdd(UINT64_MAX - 1, 1), UINT64_MAX);
  EXPECT_FALSE(CheckedAdd(UINT64_MAX, 1));
  EXPECT_FALSE(CheckedAdd(UINT64_MAX / 2 + 1, UINT64_MAX / 2 + 1));
}

TEST(Checked, MulNearUint64Max) {
  EXPECT_EQ(CheckedMul(UINT64_MAX, 1), UINT64_MAX);
  EXPECT_EQ(CheckedMul(0, UINT64_MAX), 0u);
  EXPECT_FALSE(CheckedMul(uint64_t{1} << 32, uint64_t{1} << 32));
  EXPECT_FALSE(CheckedMul(UINT64_MAX / 3 + 1, 3));
  EXPECT_EQ(CheckedMul(UINT64_MAX / 3, 3), UINT64_MAX / 3 * 3);
}

TEST(Checked, AlignUpNearUint64Max) {
  EXPECT_EQ(CheckedAlignUp(0, 64), 0u);
  EXPECT_EQ(CheckedAlignUp(1, 64), 64u);
  EXPECT_EQ(CheckedAlignUp(UINT64_MAX - 63, 64), UINT64_MAX - 63);
  EXPECT_FALSE(CheckedAlignUp(UINT64_MAX - 62, 64));
  EXPECT_FALSE(CheckedAlignUp(UINT64_MAX, 64));
}

TEST(Checked, ProductOfShapes) {
  EXPECT_EQ(CheckedProduct({}), 1u);
  std::vector<uint64_t> a{2, 3, 4};
  EXPECT_EQ(CheckedProduct(a), 24u);
  std::vector<uint64_t> zero{0, UINT64_MAX};
  EXPECT_EQ(CheckedProduct(zero), 0u);
  std::vector<uint64_t> big{UINT64_MAX, 2};
  EXPECT_FALSE(CheckedProduct(big));
  std::vector<uint64_t> edge{uint64_t{1} << 32, (uint64_t{1} << 32) - 1};
  EXPECT_EQ(CheckedProduct(edge), (uint64_t{1} << 32) * ((uint64_t{1} << 32) - 1));
}

TEST(ByteReader, BoundedReadsNameTheOffset) {
  std::string buf = "\x01\x02\x03";
  ByteReader r(std::as_bytes(std::span(buf)), "thing", 0x100);
  EXPECT_EQ(r.U16LE().value(), 0x0201);
  auto bad = r.U32LE();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kCorruption);
  EXPECT_NE(bad.status().message().find("thing@0x102"), std::string::npos) << bad.status().message();
  EXPECT_EQ(r.U8().value(), 3);
  EXPECT_TRUE(r.empty());
}

TEST(Text, Utf8AndEscaping) {
  EXPECT_TRUE(IsValidUtf8("plain ümlaut €"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_EQ(EscapeForTerminal("a\x1b[31mb"), "a\\x1b[31mb");
  EXPECT_EQ(EscapeForTerminal("\xC2\x9b"), "\\u009b");
  EXPECT_TRUE(HasControlChars("a\nb"));
  EXPECT_FALSE(HasControlChars("a\nb", true));
}

}  // namespace
}  // namespace safemodel
