#include "safemodel/model.h"

#include <cstdlib>
#include <cstring>

#include "format/loader.h"

namespace safemodel {

using format::Loaded;

std::string_view EstimatorKindName(EstimatorKind kind) {
  switch (kind) {
    case EstimatorKind::kWeights: return "weights";
  }
  return "unknown";
}

std::string_view SignatureStateName(SignatureInfo::State state) {
  switch (state) {
    case SignatureInfo::State::kTrusted: return "trusted";
    case SignatureInfo::State::kUnknownKey: return "unknown-key";
    case SignatureInfo::State::kRevoked: return "revoked";
    case SignatureInfo::State::kUnchecked: return "unchecked";
  }
  return "unknown";
}

namespace {
struct FreeDeleter {
  void operator()(std::byte* p) const { std::free(p); }
};
}  // namespace

struct Model::Impl {
  Loaded loaded;
  std::unique_ptr<std::byte, FreeDeleter> copy;  // copy_tensors: all tensors, 64-byte aligned
  std::vector<TensorView> views;
};

// Builds a Model from a loaded header: tensor views (mapped or copied),
// padding and hash checks.
class ModelLoader {
 public:
  static Result<Model> Finish(Loaded loaded, const LoadOptions& options, bool check_hashes) {
    auto impl = std::make_unique<Model::Impl>();
    impl->loaded = std::move(loaded);
    const Loaded& l = impl->loaded;
    auto file = l.file.bytes();
    std::span<const std::byte> data = file.subspan(l.frame.data_offset, l.header.data_length);
    if (options.copy_tensors && !data.empty()) {
      // One aligned copy of the whole data region; offsets stay valid.
      impl->copy.reset(static_cast<std::byte*>(std::aligned_alloc(64, data.size())));
      if (!impl->copy) return LimitExceeded("cannot allocate " + std::to_string(data.size()) +
                                            " bytes for LoadOptions::copy_tensors");
      std::memcpy(impl->copy.get(), data.data(), data.size());
      data = std::span<const std::byte>(impl->copy.get(), data.size());
    }
    std::vector<std::span<const std::byte>> spans;
    for (const auto& t : l.header.tensors) {
      spans.push_back(data.subspan(t.offset, t.length));
      impl->views.push_back(TensorView{t.name, t.dtype, t.shape, spans.back()});
    }
    if (check_hashes) SAFEMODEL_RETURN_IF_ERROR(format::CheckBody(l, spans, options));
    return Model(std::move(impl));
  }
};

Result<Model> Model::Open(const std::string& path, const TrustPolicy& trust, const LoadOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(Loaded l, format::LoadHeader(path, trust, format::TrustMode::kEnforce, options));
  return ModelLoader::Finish(std::move(l), options, true);
}

Result<Model> Model::Inspect(const std::string& path, const LoadOptions& options, bool check_hashes) {
  SAFEMODEL_ASSIGN_OR_RETURN(Loaded l, format::LoadHeader(path, {}, format::TrustMode::kSkip, options));
  return ModelLoader::Finish(std::move(l), options, check_hashes);
}

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

uint32_t Model::format_version() const { return impl_->loaded.header.format_version; }
const Metadata& Model::metadata() const { return impl_->loaded.header.metadata; }
EstimatorKind Model::kind() const { return impl_->loaded.header.kind; }
const std::string& Model::weights_framework() const { return impl_->loaded.header.framework; }
std::span<const TensorView> Model::tensors() const { return impl_->views; }
std::span<const SignatureInfo> Model::signatures() const { return impl_->loaded.signatures; }
uint32_t Model::trusted_signers() const { return impl_->loaded.trusted_signers; }
uint64_t Model::file_size() const { return impl_->loaded.frame.file_size; }
uint64_t Model::header_size() const { return impl_->loaded.frame.header_size; }
uint64_t Model::data_offset() const { return impl_->loaded.frame.data_offset; }
uint64_t Model::data_length() const { return impl_->loaded.header.data_length; }
uint64_t Model::seal_size() const { return impl_->loaded.frame.seal_size; }

const TensorView* Model::FindTensor(std::string_view name) const {
  for (const auto& v : impl_->views) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

}  // namespace safemodel
