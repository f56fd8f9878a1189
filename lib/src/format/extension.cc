// The library's half of safemodel/extension.h: tensor access for validators
// and writers, the registry, and writing a custom-kind file.
#include "safemodel/extension.h"

#include <algorithm>
#include <cstring>

#include "format/extension_internal.h"
#include "format/header.h"
#include "format/layout.h"
#include "util/checked.h"
#include "util/file.h"
#include "util/text.h"

namespace safemodel {

// ---- TensorSource / TensorSink ----------------------------------------------

Result<const TensorView*> TensorSource::Take(uint32_t index, DType dtype, size_t rank, std::string_view field) {
  return taker_->decoder().Take(index, dtype, rank, Place(field));
}

Result<std::string> TensorSource::Text(capnp::Text::Reader text, std::string_view field) const {
  const uint64_t limit = options().max_string_bytes;
  if (text.size() > limit) {
    return LimitExceeded(Place(field) + ": " + std::to_string(text.size()) +
                         " bytes, over LoadOptions::max_string_bytes (" + std::to_string(limit) + ")");
  }
  std::string s(text.cStr(), text.size());
  if (!IsValidUtf8(s)) return Corruption(Place(field) + ": not valid UTF-8");
  if (HasControlChars(s, true)) return Corruption(Place(field) + ": control characters in '" + EscapeForTerminal(s) + "'");
  return s;
}

std::string TensorSource::Place(std::string_view field) const {
  return field.empty() ? place_ : place_ + "." + std::string(field);
}

Status TensorSource::Error(std::string_view field, std::string_view what) const {
  return Corruption(Place(field) + ": " + std::string(what));
}

const LoadOptions& TensorSource::options() const { return taker_->decoder().options(); }

Result<uint32_t> TensorSink::AddBytes(std::string_view field, DType dtype, std::vector<uint64_t> shape,
                                      std::span<const std::byte> bytes) {
  const std::string name = prefix_ + std::string(field);
  if (field.empty() || !IsValidUtf8(name) || HasControlChars(name)) {
    return InvalidArgument("tensor name '" + EscapeForTerminal(name) + "': empty, not UTF-8 or with control characters");
  }
  if (static_cast<int>(dtype) >= kNumDTypes) return InvalidArgument("tensor '" + name + "': unknown dtype");
  auto elems = CheckedProduct(shape);
  auto size = elems ? CheckedMul(*elems, DTypeSize(dtype)) : std::nullopt;
  if (!size || *size != bytes.size()) {
    return InvalidArgument("tensor '" + EscapeForTerminal(name) + "': " + std::string(DTypeName(dtype)) + " " +
                           ShapeString(shape) + " does not match " + std::to_string(bytes.size()) + " bytes");
  }
  return adder_->encoder().Add<std::byte>(name, dtype, bytes, std::move(shape));
}

// ---- Registry -----------------------------------------------------------------

const internal::ErasedKind* KindRegistry::Find(std::string_view name) const {
  for (const auto& k : kinds_) {
    if (k->name() == name) return k.get();
  }
  return nullptr;
}

std::vector<std::string> KindRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& k : kinds_) out.emplace_back(k->name());
  return out;
}

Status KindRegistry::AddErased(std::shared_ptr<const internal::ErasedKind> kind) {
  for (const auto& k : kinds_) {
    if (k->name() == kind->name()) return InvalidArgument("kind '" + std::string(kind->name()) + "' is registered already");
    if (k->schema_id() == kind->schema_id()) {
      return InvalidArgument("kind '" + std::string(kind->name()) + "': its schema is registered already, as '" +
                             std::string(k->name()) + "'");
    }
  }
  kinds_.push_back(std::move(kind));
  return Status::Ok();
}

namespace internal {

Status CheckKind(const ErasedKind& kind, bool has_read, bool has_num_features) {
  const std::string_view n = kind.name();
  const std::string q = "kind '" + EscapeForTerminal(n) + "'";
  const bool chars_ok = std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
  if (n.empty() || n.size() > kMaxKindNameBytes || !chars_ok || n.find('.') == std::string_view::npos ||
      n.front() == '.' || n.back() == '.' || n.find("..") != std::string_view::npos) {
    return InvalidArgument(q + ": the name must be reverse-DNS ([a-z0-9._-], dotted, at most " +
                           std::to_string(kMaxKindNameBytes) + " bytes), e.g. 'org.example.scorecard'");
  }
  if (kind.version() == 0) return InvalidArgument(q + ": version must be 1 or more");
  if (!has_read) return InvalidArgument(q + ": no validator (Kind::read)");
  if (!has_num_features) return InvalidArgument(q + ": no Kind::num_features");
  if (std::none_of(std::begin(kAllMethods), std::end(kAllMethods), [&](Method m) { return kind.has(m); })) {
    return InvalidArgument(q + ": no methods");
  }
  return Status::Ok();
}

Status FromException(std::string_view what, const std::exception* e) {
  return Corruption(std::string(what) + " threw: " + (e ? e->what() : "an exception"));
}

namespace {

// Reads a file made in memory the way Model::Open reads one (framing,
// header limits, layout, every tensor taken once, the kind's validator), so
// that nothing its own reader refuses is ever written.
Status ReadBack(const std::string& bytes, std::shared_ptr<KindRegistry> kinds, unsigned threads) {
  LoadOptions options;
  options.kinds = std::move(kinds);
  options.hash_threads = threads;
  auto file = std::as_bytes(std::span(bytes.data(), bytes.size()));
  SAFEMODEL_ASSIGN_OR_RETURN(format::Frame frame, format::ReadFrame(file, options));
  std::vector<uint64_t> words(frame.header_size / 8);
  std::memcpy(words.data(), file.data() + format::kPreambleSize, words.size() * 8);
  auto header = std::as_bytes(std::span(words));
  SAFEMODEL_ASSIGN_OR_RETURN(format::HeaderData h, format::ParseHeader(header, options));
  auto data = file.subspan(frame.data_offset, h.data_length);
  std::vector<TensorView> views;
  for (const auto& t : h.tensors) views.push_back({t.name, t.dtype, t.shape, data.subspan(t.offset, t.length)});
  return format::DecodeContent(header, views, options).status();
}

}  // namespace

Result<std::string> SerializeObject(const Metadata& metadata, std::shared_ptr<const ErasedObject> object,
                                    const WriteOptions& options) {
  auto kinds = std::make_shared<KindRegistry>();
  SAFEMODEL_RETURN_IF_ERROR(kinds->AddErased(object->kind().shared_from_this()));
  SAFEMODEL_ASSIGN_OR_RETURN(estimators::CustomEstimator c, estimators::BuildCustom(object, "estimator"));
  const format::ModelContent content{estimators::Estimator{std::move(c)}};
  SAFEMODEL_ASSIGN_OR_RETURN(std::string bytes, format::SerializeContent(metadata, content, options.hash_threads));
  Status back = ReadBack(bytes, std::move(kinds), options.hash_threads);
  if (!back.ok()) {
    return InvalidArgument("not written: the kind's own reader refuses the result: " + back.message());
  }
  return bytes;
}

Status WriteObject(const std::string& path, const Metadata& metadata, std::shared_ptr<const ErasedObject> object,
                   const WriteOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string bytes, SerializeObject(metadata, std::move(object), options));
  SAFEMODEL_ASSIGN_OR_RETURN(AtomicFile out, AtomicFile::Create(path));
  SAFEMODEL_RETURN_IF_ERROR(out.Write(std::as_bytes(std::span(bytes.data(), bytes.size()))));
  if (options.progress) options.progress(bytes.size(), bytes.size());
  return out.Commit();
}

}  // namespace internal
}  // namespace safemodel
