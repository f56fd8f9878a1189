#include "safemodel/writer.h"

#include <chrono>
#include <cstring>
#include <set>

#include <capnp/message.h>
#include <kj/exception.h>

#include "format/estimator_codec.h"
#include "format/header.h"
#include "format/layout.h"
#include "format/loader.h"
#include "safemodel/extension.h"
#include "safemodel/model.h"
#include "safemodel/signature.h"
#include "util/checked.h"
#include "util/file.h"
#include "util/sink.h"
#include "util/tensor_check.h"
#include "util/text.h"

namespace safemodel {
namespace {

using format::HeaderData;
using format::TensorEntry;

Status CheckTensorInput(const TensorView& t) {
  const std::string where = "tensor '" + EscapeForTerminal(t.name) + "'";
  if (t.name.empty()) return InvalidArgument("tensor with an empty name");
  if (!IsValidUtf8(t.name) || HasControlChars(t.name)) {
    return InvalidArgument(where + ": name must be UTF-8 without control characters");
  }
  SAFEMODEL_RETURN_IF_ERROR(CheckTensorBytes(t, where));
  return Status::Ok();
}

Result<HeaderData> DescribeWeights(const Metadata& metadata, std::span<const TensorView> tensors,
                                   std::string_view framework, const WriteOptions& options) {
  HeaderData h;
  h.metadata = metadata;
  h.kind = EstimatorKind::kWeights;
  h.framework = std::string(framework);
  std::set<std::string_view> names;
  std::vector<std::span<const std::byte>> spans;
  for (const auto& t : tensors) {
    SAFEMODEL_RETURN_IF_ERROR(CheckTensorInput(t));
    if (!names.insert(t.name).second) {
      return InvalidArgument("duplicate tensor name '" + EscapeForTerminal(t.name) + "'");
    }
    h.tensors.push_back(TensorEntry{t.name, t.dtype, t.shape, 0, t.bytes.size(), {}, {}});
    spans.push_back(t.bytes);
  }
  SAFEMODEL_ASSIGN_OR_RETURN(h.data_length, format::AssignOffsets(h.tensors));
  auto digests = format::HashTensors(spans, options.hash_threads, options.progress);
  for (size_t i = 0; i < digests.size(); ++i) {
    h.tensors[i].hash = digests[i].hash;
    h.tensors[i].chunk_hashes = std::move(digests[i].chunk_hashes);
  }
  return h;
}

Status WriteModel(ByteSink& out, const std::string& header, const HeaderData& h,
                 std::span<const TensorView> tensors) {
  SAFEMODEL_RETURN_IF_ERROR(out.Write(format::EncodePreamble(header.size())));
  SAFEMODEL_RETURN_IF_ERROR(out.Write(header));
  const uint64_t data_offset = *CheckedAlignUp(out.written(), format::kAlignment);
  SAFEMODEL_RETURN_IF_ERROR(out.WriteZeros(data_offset - out.written()));
  for (size_t i = 0; i < tensors.size(); ++i) {
    SAFEMODEL_RETURN_IF_ERROR(out.WriteZeros(data_offset + h.tensors[i].offset - out.written()));
    SAFEMODEL_RETURN_IF_ERROR(out.Write(tensors[i].bytes));
  }
  SAFEMODEL_RETURN_IF_ERROR(out.WriteZeros(data_offset + h.data_length - out.written()));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string seal, format::EncodeSeal({}));
  return out.Write(seal);
}

Result<std::string> SerializeContentImpl(const Metadata& metadata, const format::ModelContent& content,
                                         ByteSink* file, unsigned hash_threads) {
  // First pass: collect the arrays (indices are assigned in encoding order,
  // so the second pass, into the real header, names the same tensors).
  std::vector<format::OwnedTensor> owned;
  {
    capnp::MallocMessageBuilder scratch;
    SAFEMODEL_RETURN_IF_ERROR(
        format::EncodeContent(content, scratch.initRoot<schema::Estimator>(), owned));
  }
  std::vector<TensorView> views;
  for (const auto& t : owned) {
    views.push_back({t.name, t.dtype, t.shape, std::as_bytes(std::span(t.bytes.data(), t.bytes.size()))});
  }
  WriteOptions options;
  options.hash_threads = hash_threads;
  SAFEMODEL_ASSIGN_OR_RETURN(HeaderData h, DescribeWeights(metadata, views, "", options));
  h.kind = std::holds_alternative<format::Bundle>(content) ? EstimatorKind::kBundle : EstimatorKind::kEstimator;
  std::vector<format::OwnedTensor> again;
  SAFEMODEL_ASSIGN_OR_RETURN(
      std::string header,
      format::BuildHeader(h, [&](schema::Estimator::Builder b) { return format::EncodeContent(content, b, again); }));
  StringSink memory;
  SAFEMODEL_RETURN_IF_ERROR(WriteModel(file ? *file : memory, header, h, views));
  return std::move(memory.str());
}

}  // namespace

namespace format {

Result<std::string> SerializeContent(const Metadata& metadata, const ModelContent& content, unsigned hash_threads) {
  return SerializeContentImpl(metadata, content, nullptr, hash_threads);
}

Status WriteContent(const std::string& path, const Metadata& metadata, const ModelContent& content) {
  SAFEMODEL_ASSIGN_OR_RETURN(AtomicFile out, AtomicFile::Create(path));
  SAFEMODEL_RETURN_IF_ERROR(SerializeContentImpl(metadata, content, &out, 0).status());
  return out.Commit();
}

}  // namespace format

Status WriteWeights(const std::string& path, const Metadata& metadata, std::span<const TensorView> tensors,
                    std::string_view framework, const WriteOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(HeaderData h, DescribeWeights(metadata, tensors, framework, options));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string header, format::BuildHeader(h));
  SAFEMODEL_ASSIGN_OR_RETURN(AtomicFile out, AtomicFile::Create(path));
  SAFEMODEL_RETURN_IF_ERROR(WriteModel(out, header, h, tensors));
  return out.Commit();
}

Result<std::string> SerializeWeights(const Metadata& metadata, std::span<const TensorView> tensors,
                                     std::string_view framework, const WriteOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(HeaderData h, DescribeWeights(metadata, tensors, framework, options));
  SAFEMODEL_ASSIGN_OR_RETURN(std::string header, format::BuildHeader(h));
  StringSink out;
  SAFEMODEL_RETURN_IF_ERROR(WriteModel(out, header, h, tensors));
  return std::move(out.str());
}

namespace internal {

Status RewriteCustomFile(std::string& file, const CustomFileMutator& mutate) {
  try {
    LoadOptions options;
    auto bytes = std::as_bytes(std::span(file.data(), file.size()));
    SAFEMODEL_ASSIGN_OR_RETURN(format::Frame frame, format::ReadFrame(bytes, options));
    std::vector<uint64_t> words(frame.header_size / 8);
    std::memcpy(words.data(), bytes.data() + format::kPreambleSize, words.size() * 8);
    format::HeaderMessage message(std::as_bytes(std::span(words)), options);
    auto header = message.root();
    if (header.getEstimator().which() != schema::Estimator::CUSTOM) return Corruption("not a custom-kind file");
    auto data = bytes.subspan(frame.data_offset, frame.seal_offset - frame.data_offset);
    std::vector<FuzzTensor> tensors;
    for (auto t : header.getTensors()) {
      FuzzTensor f;
      f.name.assign(t.getName().cStr(), t.getName().size());
      const auto dtype = static_cast<unsigned>(t.getDtype());
      if (dtype >= kNumDTypes) return Corruption("unknown dtype");
      f.dtype = static_cast<DType>(dtype);
      for (uint64_t d : t.getShape()) f.shape.push_back(d);
      if (t.getOffset() > data.size() || t.getByteLength() > data.size() - t.getOffset()) {
        return Corruption("tensor outside the data region");
      }
      auto span = data.subspan(t.getOffset(), t.getByteLength());
      f.bytes.assign(reinterpret_cast<const char*>(span.data()), span.size());
      tensors.push_back(std::move(f));
    }
    capnp::MallocMessageBuilder copy;
    copy.setRoot(header.getEstimator().getCustom());
    auto custom = copy.getRoot<schema::Custom>();
    mutate(custom.getBody(), tensors);
    std::vector<TensorView> views;
    for (auto& t : tensors) {
      // Keep each tensor's bytes what its dtype and shape say.
      auto elems = CheckedProduct(t.shape);
      auto size = elems ? CheckedMul(*elems, DTypeSize(t.dtype)) : std::nullopt;
      if (!size || *size > (uint64_t{64} << 20)) return Corruption("tensor too large to rewrite");
      t.bytes.resize(*size);
      views.push_back({t.name, t.dtype, t.shape, std::as_bytes(std::span(t.bytes.data(), t.bytes.size()))});
    }
    WriteOptions wo;
    wo.hash_threads = 1;
    SAFEMODEL_ASSIGN_OR_RETURN(HeaderData h, DescribeWeights(Metadata{}, views, "", wo));
    h.kind = EstimatorKind::kEstimator;
    SAFEMODEL_ASSIGN_OR_RETURN(std::string built, format::BuildHeader(h, [&](schema::Estimator::Builder b) {
                                 b.setCustom(custom.asReader());
                                 return Status::Ok();
                               }));
    StringSink out;
    SAFEMODEL_RETURN_IF_ERROR(WriteModel(out, built, h, views));
    file = std::move(out.str());
    return Status::Ok();
  } catch (const kj::Exception& e) {
    return Corruption(std::string("cannot rewrite: ") + e.getDescription().cStr());
  }
}

}  // namespace internal

Status SignFile(const std::string& path, const SecretKey& key, std::string_view trusted_comment,
                const LoadOptions& options) {
  // Check everything but trust: nobody should sign a damaged file.
  SAFEMODEL_ASSIGN_OR_RETURN(
      format::Loaded l, format::LoadHeader(path, {}, format::TrustMode::kSkip, options));
  std::vector<std::span<const std::byte>> spans;
  auto data = l.file.bytes().subspan(l.frame.data_offset, l.header.data_length);
  for (const auto& t : l.header.tensors) spans.push_back(data.subspan(t.offset, t.length));
  SAFEMODEL_RETURN_IF_ERROR(format::CheckBody(l, spans, options));

  std::string comment(trusted_comment);
  if (comment.empty()) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    comment = "timestamp:" + std::to_string(now) + "\tfile:" + base;
    if (comment.size() > kMaxTrustedCommentBytes) comment.resize(kMaxTrustedCommentBytes);
    if (!IsValidUtf8(comment)) comment = "timestamp:" + std::to_string(now);
  }
  SAFEMODEL_ASSIGN_OR_RETURN(SignatureRecord rec, SignMessage(key, l.signed_bytes(), comment));
  SAFEMODEL_RETURN_IF_ERROR(VerifyRecord(key.public_key(), rec, l.signed_bytes()));

  std::vector<SignatureRecord> records;
  for (auto& r : l.frame.records) {
    if (r.key_id != key.id()) records.push_back(std::move(r));  // re-signing replaces
  }
  records.push_back(std::move(rec));
  if (records.size() > options.max_signatures) {
    return LimitExceeded("file already has " + std::to_string(records.size() - 1) +
                         " signatures; LoadOptions::max_signatures is " +
                         std::to_string(options.max_signatures));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(std::string seal, format::EncodeSeal(records));
  // The signed bytes come from our checked copy; the rest from the mapping.
  auto file = l.file.bytes();
  SAFEMODEL_ASSIGN_OR_RETURN(AtomicFile out, AtomicFile::Create(path));
  SAFEMODEL_RETURN_IF_ERROR(out.Write(l.signed_bytes()));
  SAFEMODEL_RETURN_IF_ERROR(out.Write(file.subspan(l.signed_bytes().size(),
                                                   l.frame.seal_offset - l.signed_bytes().size())));
  SAFEMODEL_RETURN_IF_ERROR(out.Write(seal));
  return out.Commit();
}

Result<std::string> SignedBytes(const std::string& path, const LoadOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(
      format::Loaded l, format::LoadHeader(path, {}, format::TrustMode::kSkip, options));
  auto b = l.signed_bytes();
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

}  // namespace safemodel
