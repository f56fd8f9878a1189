#include "interop/weight_set.h"

#include <cstring>
#include <filesystem>
#include <new>
#include <set>
#include <utility>

#include "interop/npy.h"
#include "util/checked.h"
#include "util/tensor_check.h"

namespace safemodel {

WeightSet::WeightSet() : storage(std::make_unique<Storage>()) {}
WeightSet::WeightSet(WeightSet&&) noexcept = default;
WeightSet& WeightSet::operator=(WeightSet&&) noexcept = default;
WeightSet::~WeightSet() = default;

Result<std::unique_ptr<std::byte[]>> AllocateBytes(uint64_t n, std::string_view where) {
  try {
    return std::make_unique_for_overwrite<std::byte[]>(static_cast<size_t>(n));
  } catch (const std::bad_alloc&) {
    return LimitExceeded(std::string(where) + ": cannot allocate " + std::to_string(n) + " bytes");
  }
}

Result<std::byte*> WeightSet::Storage::Allocate(uint64_t n, std::string_view where) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto buffer, AllocateBytes(n, where));
  buffers.push_back(std::move(buffer));
  return buffers.back().get();
}

Status CheckTensorName(std::string_view name, std::string_view where) {
  if (name.empty()) return Corruption(std::string(where) + ": empty tensor name");
  if (name.size() > kMaxTensorNameBytes) {
    return Unsupported(std::string(where) + ": tensor name of " + std::to_string(name.size()) +
                       " bytes is longer than " + std::to_string(kMaxTensorNameBytes) +
                       " (the .safemodel limit)");
  }
  return Status::Ok();
}

namespace {

Status CheckTensorForWrite(const TensorView& t) {
  std::string where = "tensor '" + t.name + "'";
  Status name = CheckTensorName(t.name, where);
  if (!name.ok()) return InvalidArgument(name.message());
  SAFEMODEL_RETURN_IF_ERROR(CheckTensorBytes(t, where));
  return Status::Ok();
}

}  // namespace

Status CheckTensorsForWrite(std::span<const TensorView> tensors) {
  std::set<std::string_view> seen;
  for (const TensorView& t : tensors) {
    SAFEMODEL_RETURN_IF_ERROR(CheckTensorForWrite(t));
    if (!seen.insert(t.name).second) return InvalidArgument("tensor '" + t.name + "' appears twice");
  }
  return Status::Ok();
}

namespace {

bool StartsWith(std::span<const std::byte> bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

bool LooksLikeZip(std::span<const std::byte> bytes) {
  // A local file header, or the end record alone (an archive with no members,
  // as numpy.savez() writes for no arrays).
  return StartsWith(bytes, std::string_view("PK\x03\x04", 4)) ||
         StartsWith(bytes, std::string_view("PK\x05\x06", 4));
}

// The name a lone .npy's tensor gets: the file name without its extension.
Result<std::string> NpyTensorName(const std::string& path) {
  std::string stem = std::filesystem::path(path).stem().string();
  if (stem.empty()) return InvalidArgument("'" + path + "': no file name to name the tensor after");
  return stem;
}

// Maps `path`, parses it with `parse`, and ties the mapping to the result so
// that zero-copy views stay valid. An .npz never borrows its input (members
// are inflated or copied into owned buffers), so its mapping is dropped rather
// than pinning the whole archive. Errors get the path in front.
template <typename Parse>
Result<WeightSet> ReadMapped(const std::string& path, const ImportOptions& options, Parse parse) {
  SAFEMODEL_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path, options.max_file_size));
  Result<WeightSet> set = parse(file.bytes());
  if (!set.ok()) return set.status().Wrap(path);
  if (set->format != "npz") set->storage->mapping = std::move(file);
  return set;
}

}  // namespace

Result<WeightSet> ParseWeights(std::span<const std::byte> bytes, std::string npy_name,
                               const ImportOptions& options) {
  if (LooksLikeZip(bytes)) return ParseNpz(bytes, options);
  if (StartsWith(bytes, "\x93NUMPY")) return ParseNpy(bytes, std::move(npy_name), options);
  return ParseSafetensors(bytes, options);
}

Result<WeightSet> ReadSafetensors(const std::string& path, const ImportOptions& options) {
  return ReadMapped(path, options, [&](auto bytes) { return ParseSafetensors(bytes, options); });
}

Result<WeightSet> ReadNpy(const std::string& path, const ImportOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string name, NpyTensorName(path));
  return ReadMapped(path, options, [&](auto bytes) { return ParseNpy(bytes, name, options); });
}

Result<StringArray> ReadNpyStrings(const std::string& path, const ImportOptions& options) {
  SAFEMODEL_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path, options.max_file_size));
  auto text = DecodeNpyText(file.bytes(), "npy", options);
  if (!text.ok()) return text.status().Wrap(path);
  return StringArray{std::move(text->shape), std::move(text->values)};
}

Result<WeightSet> ReadNpz(const std::string& path, const ImportOptions& options) {
  return ReadMapped(path, options, [&](auto bytes) { return ParseNpz(bytes, options); });
}

Result<WeightSet> ReadWeights(const std::string& path, const ImportOptions& options) {
  return ReadMapped(path, options, [&](auto bytes) -> Result<WeightSet> {
    auto name = NpyTensorName(path);
    if (!name.ok()) return name.status();
    return ParseWeights(bytes, std::move(name).value(), options);
  });
}

}  // namespace safemodel
