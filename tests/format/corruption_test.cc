// Make a valid file, damage one thing, assert the code and where.
#include <capnp/message.h>
#include <capnp/serialize.h>

#include "format/header.h"
#include "format/layout.h"
#include "format_fixture.h"
#include "safemodel.capnp.h"
#include "util/byte_reader.h"

namespace safemodel::testing {
namespace {

void PutU64(std::string& s, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) s[at + i] = static_cast<char>(v >> (8 * i));
}

TEST_F(FormatTest, BadMagic) {
  std::string b = bytes_;
  b[1] = 'X';
  EXPECT_REFUSED(b, Code::kCorruption, "preamble@0x0: bad magic");
}

TEST_F(FormatTest, EmptyAndTinyFiles) {
  EXPECT_REFUSED("", Code::kCorruption, "shorter than");
  EXPECT_REFUSED(bytes_.substr(0, 20), Code::kCorruption, "shorter than");
}

TEST_F(FormatTest, TruncationIsRefusedAtEveryLength) {
  for (size_t n = 0; n < bytes_.size(); n += (n < 64 ? 1 : 7)) {
    auto m = OpenBytes(bytes_.substr(0, n));
    ASSERT_FALSE(m.ok()) << "truncated to " << n;
    EXPECT_EQ(m.status().code(), Code::kCorruption) << n << ": " << m.status().ToString();
  }
}

TEST_F(FormatTest, AppendedBytesAreRefused) {
  EXPECT_REFUSED(bytes_ + "x", Code::kCorruption, "bad seal magic");
  // Appending a whole valid footer still breaks the framing.
  EXPECT_REFUSED(bytes_ + bytes_.substr(bytes_.size() - 24), Code::kCorruption, "");
}

TEST_F(FormatTest, InsertedBytesAreRefused) {
  std::string b = bytes_;
  b.insert(seal_offset_, std::string(64, '\0'));
  EXPECT_REFUSED(b, Code::kCorruption, "bytes inserted or removed");
  b = bytes_;
  b.insert(data_offset_, std::string(64, '\0'));
  EXPECT_REFUSED(b, Code::kCorruption, "");
}

TEST_F(FormatTest, HeaderSizeNotMultipleOf8) {
  std::string b = bytes_;
  PutU64(b, 8, header_size_ + 3);
  EXPECT_REFUSED(b, Code::kCorruption, "preamble@0x8");
}

TEST_F(FormatTest, HeaderSizePastTheSeal) {
  std::string b = bytes_;
  PutU64(b, 8, uint64_t{1} << 20);
  EXPECT_REFUSED(b, Code::kCorruption, "runs past the seal");
  PutU64(b, 8, UINT64_MAX - 7);  // overflow when aligned
  LoadOptions o;
  o.max_header_size = UINT64_MAX;
  EXPECT_REFUSED(b, Code::kCorruption, "preamble@0x8", o);
}

TEST_F(FormatTest, HeaderSizeOverLimit) {
  LoadOptions o;
  o.max_header_size = 64;
  EXPECT_REFUSED(bytes_, Code::kLimitExceeded, "max_header_size", o);
}

TEST_F(FormatTest, FileSizeOverLimit) {
  LoadOptions o;
  o.max_file_size = 100;
  EXPECT_REFUSED(bytes_, Code::kLimitExceeded, "max_file_size", o);
}

TEST_F(FormatTest, NonzeroPaddingAfterHeader) {
  const uint64_t pad = format::kPreambleSize + header_size_;
  ASSERT_LT(pad, data_offset_) << "fixture should have header padding";
  std::string b = bytes_;
  b[data_offset_ - 1] = 1;
  EXPECT_REFUSED(b, Code::kCorruption, "padding@" + HexOffset(data_offset_ - 1));
}

TEST_F(FormatTest, NonzeroPaddingBetweenTensors) {
  // Tensor a is 24 bytes at data offset 0; bytes 24..63 are padding.
  std::string b = bytes_;
  b[data_offset_ + 30] = 1;
  EXPECT_REFUSED(b, Code::kCorruption, "data@" + HexOffset(data_offset_ + 30));
}

TEST_F(FormatTest, NonzeroPaddingAtEndOfData) {
  std::string b = bytes_;
  b[seal_offset_ - 1] = 1;
  EXPECT_REFUSED(b, Code::kCorruption, "data@" + HexOffset(seal_offset_ - 1));
}

TEST_F(FormatTest, TensorByteChanged) {
  std::string b = bytes_;
  b[data_offset_ + 64 + 3] ^= 0x40;  // tensor b
  EXPECT_REFUSED(b, Code::kCorruption, "tensor 'b' at data@" + HexOffset(data_offset_ + 64));
}

TEST_F(FormatTest, SealCountOverLimit) {
  std::string b = bytes_;
  PutU64(b, b.size() - 24, 1000);
  EXPECT_REFUSED(b, Code::kLimitExceeded, "max_signatures");
}

TEST_F(FormatTest, SealSizeMismatch) {
  std::string b = bytes_;
  PutU64(b, b.size() - 16, 25);
  EXPECT_REFUSED(b, Code::kCorruption, "footer@" + HexOffset(b.size() - 16));
}

TEST_F(FormatTest, SealCountNearUint64MaxDoesNotOverflow) {
  std::string b = bytes_;
  PutU64(b, b.size() - 24, UINT64_MAX / 512 + 2);
  LoadOptions o;
  o.max_signatures = UINT64_MAX;
  EXPECT_REFUSED(b, Code::kCorruption, "seal size", o);
}

// A seal record whose fields are wrong, appended to the fixture.
std::string WithRecord(const std::string& file, std::string record) {
  std::string b = file.substr(0, file.size() - 24);
  b += record;
  std::string footer(24, '\0');
  PutU64(footer, 0, 1);
  PutU64(footer, 8, 24 + 512);
  footer.replace(16, 8, "SMDLSEAL");
  return b + footer;
}

std::string ValidLookingRecord() {
  std::string r(512, '\0');
  r[0] = 'E';
  r[1] = 'D';
  r[138] = 4;
  r.replace(140, 4, "test");
  return r;
}

TEST_F(FormatTest, SealRecordWrongAlgorithm) {
  std::string r = ValidLookingRecord();
  r[1] = 'd';
  EXPECT_REFUSED(WithRecord(bytes_, r), Code::kCorruption, "seal record 0@" + HexOffset(seal_offset_));
}

TEST_F(FormatTest, SealRecordCommentTooLong) {
  std::string r = ValidLookingRecord();
  r[138] = static_cast<char>(0x75);
  r[139] = 1;  // 373
  EXPECT_REFUSED(WithRecord(bytes_, r), Code::kCorruption, "trusted comment length 373");
}

TEST_F(FormatTest, SealRecordNonzeroCommentPadding) {
  std::string r = ValidLookingRecord();
  r[511] = 1;
  EXPECT_REFUSED(WithRecord(bytes_, r), Code::kCorruption, HexOffset(seal_offset_ + 511));
}

TEST_F(FormatTest, SealRecordCommentWithNewline) {
  std::string r = ValidLookingRecord();
  r[141] = '\n';
  EXPECT_REFUSED(WithRecord(bytes_, r), Code::kCorruption, "NUL, CR or LF");
}

TEST_F(FormatTest, UnknownFormatVersion) {
  // Root struct data starts at word 1 of the header: formatVersion is its first u32.
  std::string b = bytes_;
  b[format::kPreambleSize + 8] = 2;
  EXPECT_REFUSED(b, Code::kUnsupported, "header.formatVersion: 2");
}

TEST_F(FormatTest, GarbageHeaderIsCorruptionNotCrash) {
  std::string b = bytes_;
  for (uint64_t i = 0; i < header_size_; ++i) b[format::kPreambleSize + i] = static_cast<char>(0xA5 ^ i);
  EXPECT_REFUSED(b, Code::kCorruption, "header@0x10");
}

// Reassembles a file around other header bytes (valid layout otherwise).
std::string Assemble(const std::string& header, const std::string& data) {
  std::string out = format::EncodePreamble(header.size()) + header;
  out.resize((out.size() + 63) / 64 * 64, '\0');
  return out + data + format::EncodeSeal({}).value();
}

TEST_F(FormatTest, NonCanonicalHeaderIsRefused) {
  // Same content, but built with a garbage allocation first: valid Cap'n
  // Proto, not canonical.
  std::string canon = bytes_.substr(format::kPreambleSize, header_size_);
  kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(canon.data()), canon.size() / 8);
  capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1));
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<safemodel::schema::Header>();
  root.initTensors(3);  // orphaned by the copy below
  builder.setRoot(reader.getRoot<safemodel::schema::Header>());
  auto segs = builder.getSegmentsForOutput();
  ASSERT_EQ(segs.size(), 1u);
  std::string header(reinterpret_cast<const char*>(segs[0].begin()), segs[0].size() * 8);
  std::string data = bytes_.substr(data_offset_, seal_offset_ - data_offset_);
  EXPECT_REFUSED(Assemble(header, data), Code::kCorruption, "not a canonical");
}

// Builds a header from HeaderData (with test-chosen values) and a file around it.
std::string FileWithHeader(const format::HeaderData& h, const std::string& data) {
  return Assemble(format::BuildHeader(h).value(), data);
}

format::HeaderData OneTensorHeader() {
  format::HeaderData h;
  format::TensorEntry e;
  e.name = "w";
  e.dtype = DType::kF32;
  e.shape = {4};
  e.length = 16;
  const std::string zeros(16, '\0');
  e.hash = format::Blake2b256(std::as_bytes(std::span(zeros)));
  h.tensors.push_back(e);
  h.data_length = format::AssignOffsets(h.tensors).value();
  return h;
}

TEST_F(FormatTest, ValidHandBuiltHeaderLoads) {
  // Control for the tests below: the unmodified hand-built header works.
  auto m = OpenBytes(FileWithHeader(OneTensorHeader(), std::string(64, '\0')));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
}

TEST_F(FormatTest, TensorOffsetNotPacked) {
  auto h = OneTensorHeader();
  h.tensors[0].offset = 64;
  h.data_length = 128;
  EXPECT_REFUSED(FileWithHeader(h, std::string(128, '\0')), Code::kCorruption, "offset 64, expected 0");
}

TEST_F(FormatTest, ByteLengthDisagreesWithShape) {
  auto h = OneTensorHeader();
  h.tensors[0].shape = {5};
  EXPECT_REFUSED(FileWithHeader(h, std::string(64, '\0')), Code::kCorruption, "byteLength 16 but f32 [5] needs 20");
}

TEST_F(FormatTest, ShapeProductOverflowNearUint64Max) {
  auto h = OneTensorHeader();
  h.tensors[0].shape = {UINT64_MAX / 2, 3};
  EXPECT_REFUSED(FileWithHeader(h, std::string(64, '\0')), Code::kCorruption, "overflows 64 bits");
}

TEST_F(FormatTest, DataLengthWrong) {
  auto h = OneTensorHeader();
  h.data_length = 128;
  EXPECT_REFUSED(FileWithHeader(h, std::string(128, '\0')), Code::kCorruption, "header.dataLength: 128, expected 64");
}

TEST_F(FormatTest, HashOfWrongSize) {
  auto h = OneTensorHeader();
  h.tensors[0].chunk_hashes = std::string(32, 'x');
  EXPECT_REFUSED(FileWithHeader(h, std::string(64, '\0')), Code::kCorruption, "chunkHashes is 32 bytes, expected 0");
}

TEST_F(FormatTest, DuplicateTensorNames) {
  auto h = OneTensorHeader();
  h.tensors.push_back(h.tensors[0]);
  h.data_length = format::AssignOffsets(h.tensors).value();
  EXPECT_REFUSED(FileWithHeader(h, std::string(128, '\0')), Code::kCorruption, "duplicate name 'w'");
}

TEST_F(FormatTest, TooManyTensorsDimsAndLongStrings) {
  LoadOptions o;
  o.max_tensors = 2;
  EXPECT_REFUSED(bytes_, Code::kLimitExceeded, "max_tensors", o);
  o = {};
  o.max_dims = 1;
  EXPECT_REFUSED(bytes_, Code::kLimitExceeded, "max_dims", o);
  auto h = OneTensorHeader();
  h.metadata.description = std::string(100, 'd');
  o = {};
  o.max_string_bytes = 50;
  EXPECT_REFUSED(FileWithHeader(h, std::string(64, '\0')), Code::kLimitExceeded, "metadata.description", o);
}

TEST_F(FormatTest, TraversalAndNestingLimitsApply) {
  LoadOptions o;
  o.max_traversal_words = 4;
  EXPECT_REFUSED(bytes_, Code::kCorruption, "header@0x10", o);
}

TEST_F(FormatTest, UnknownEstimatorKindIsRefusedNotSkipped) {
  std::string canon = bytes_.substr(format::kPreambleSize, header_size_);
  kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(canon.data()), canon.size() / 8);
  capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1));
  capnp::MallocMessageBuilder builder;
  builder.setRoot(reader.getRoot<safemodel::schema::Header>());
  builder.getRoot<safemodel::schema::Header>().getEstimator().initCustom().setKind("org.example.x");
  auto words = capnp::canonicalize(builder.getRoot<safemodel::schema::Header>().asReader());
  std::string header(reinterpret_cast<const char*>(words.begin()), words.size() * 8);
  std::string data = bytes_.substr(data_offset_, seal_offset_ - data_offset_);
  EXPECT_REFUSED(Assemble(header, data), Code::kUnsupported, "kind 'org.example.x' is not registered");
}

TEST_F(FormatTest, InvalidUtf8InHeaderText) {
  auto h = OneTensorHeader();
  std::string header = format::BuildHeader(h).value();
  auto pos = header.find("w");
  ASSERT_NE(pos, std::string::npos);
  header[pos] = static_cast<char>(0xFF);
  EXPECT_REFUSED(Assemble(header, std::string(64, '\0')), Code::kCorruption, "not valid UTF-8");
}

}  // namespace
}  // namespace safemodel::testing
