// .npz: a zip archive of .npy members, as numpy.savez / savez_compressed write
// it. Read through libzip over the bytes in memory; written with libzip as
// stored (uncompressed) members.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <array>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include "interop/npy.h"
#include "interop/weight_set.h"
#include "util/checked.h"

namespace safemodel {
namespace {

constexpr std::string_view kSuffix = ".npy";
// The smallest zip: an end-of-central-directory record alone.
constexpr size_t kMinZipSize = 22;
// Members at most this large may have any ratio: tiny highly compressible
// arrays (all zeros) are normal and cannot hurt.
constexpr uint64_t kRatioFloor = uint64_t{1} << 20;

struct ZipDiscard {
  void operator()(zip_t* za) const { zip_discard(za); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileClose>;

// libzip's error as a Status: out-of-memory is a limit, the rest corruption.
Status FromZipError(zip_error_t* error, const std::string& where) {
  int ze = zip_error_code_zip(error);
  // libzip refuses duplicate member names itself, as "File already exists".
  if (ze == ZIP_ER_EXISTS) return Corruption(where + ": two members have the same name");
  Code code = ze == ZIP_ER_MEMORY ? Code::kLimitExceeded : Code::kCorruption;
  return Status(code, where + ": " + zip_error_strerror(error));
}

Result<ZipPtr> OpenArchive(std::span<const std::byte> bytes) {
  if (bytes.size() < kMinZipSize) {
    // libzip would open an empty buffer as an empty archive.
    return Corruption("npz: " + std::to_string(bytes.size()) + " bytes is too short for a zip archive");
  }
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), /*freep=*/0, &error);
  zip_t* za = source ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
  Status status = za ? Status::Ok() : FromZipError(&error, "npz");
  if (!za && source) zip_source_free(source);  // on failure the source stays ours
  zip_error_fini(&error);
  if (!status.ok()) return status;
  return ZipPtr(za);
}

// "a.npy" -> "a"; anything else is not a member numpy would write.
Result<std::string> TensorNameOf(const std::string& member, const std::string& where) {
  if (member.size() <= kSuffix.size() || member.compare(member.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return Corruption(where + ": member name is not '<name>.npy'");
  }
  std::string name = member.substr(0, member.size() - kSuffix.size());
  SAFEMODEL_RETURN_IF_ERROR(CheckTensorName(name, where));
  return name;
}

// Running totals across the members of one archive.
struct Budget {
  uint64_t archive_size = 0;
  uint64_t inflated = 0;  // bytes of compressed members inflated so far
};

Status CheckStoredSize(const zip_stat_t& st, const std::string& where) {
  if (st.size != st.comp_size) {
    return Corruption(where + ": stored member claims " + std::to_string(st.size) + " bytes but holds " +
                      std::to_string(st.comp_size));
  }
  return Status::Ok();
}

// Decided on the sizes the archive states, before anything is allocated;
// ReadMemberBytes then makes sure the stream does not deliver more.
Status CheckInflatedSize(const zip_stat_t& st, Budget& budget, const ImportOptions& options,
                         const std::string& where) {
  auto total = CheckedAdd(budget.inflated, st.size);
  if (!total || *total > options.max_decompressed_size) {
    return LimitExceeded(where + ": inflating " + std::to_string(st.size) + " more bytes would exceed " +
                         std::to_string(options.max_decompressed_size) +
                         " in total (ImportOptions::max_decompressed_size)");
  }
  auto allowed = CheckedMul(st.comp_size, options.max_compression_ratio);
  if (st.size > kRatioFloor && allowed && st.size > *allowed) {
    return LimitExceeded(where + ": " + std::to_string(st.comp_size) + " compressed bytes inflate to " +
                         std::to_string(st.size) + ", a ratio over " + std::to_string(options.max_compression_ratio) +
                         ":1 (ImportOptions::max_compression_ratio)");
  }
  budget.inflated = *total;
  return Status::Ok();
}

Status CheckMember(const zip_stat_t& st, Budget& budget, const ImportOptions& options, const std::string& where) {
  constexpr zip_uint64_t kNeeded = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
  if ((st.valid & kNeeded) != kNeeded) return Corruption(where + ": sizes or method unknown");
  if (st.encryption_method != ZIP_EM_NONE) return Unsupported(where + ": encrypted members are not supported");
  if (st.comp_size > budget.archive_size) {
    return Corruption(where + ": " + std::to_string(st.comp_size) + " compressed bytes in a " +
                      std::to_string(budget.archive_size) + "-byte archive");
  }
  if (st.comp_method == ZIP_CM_STORE) return CheckStoredSize(st, where);
  if (st.comp_method == ZIP_CM_DEFLATE) return CheckInflatedSize(st, budget, options, where);
  return Unsupported(where + ": compression method " + std::to_string(st.comp_method) +
                     " (only stored and deflate)");
}

// Reads exactly `out.size()` bytes, then one more read must find the end:
// a stream that inflates past its stated size is refused, so the stated size
// checked above really bounds what is produced.
Status ReadMemberBytes(zip_t* za, zip_uint64_t index, std::span<std::byte> out, const std::string& where) {
  ZipFilePtr file(zip_fopen_index(za, index, 0));
  if (!file) return Corruption(where + ": " + zip_strerror(za));
  size_t got = 0;
  while (got < out.size()) {
    zip_int64_t n = zip_fread(file.get(), out.data() + got, out.size() - got);
    if (n < 0) return Corruption(where + ": " + zip_file_strerror(file.get()));
    if (n == 0) {
      return Corruption(where + ": ends after " + std::to_string(got) + " of " + std::to_string(out.size()) + " bytes");
    }
    got += static_cast<size_t>(n);
  }
  std::byte extra;
  zip_int64_t n = zip_fread(file.get(), &extra, 1);
  if (n > 0) return Corruption(where + ": holds more than the " + std::to_string(out.size()) + " bytes it states");
  if (n < 0) return Corruption(where + ": " + zip_file_strerror(file.get()));  // e.g. CRC mismatch
  return Status::Ok();
}

Result<zip_stat_t> StatMember(zip_t* za, zip_uint64_t index) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(za, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !st.name) {
    return Corruption("npz member #" + std::to_string(index) + ": " + zip_strerror(za));
  }
  return st;
}

// Inflates or copies one member into owned memory and decodes it as a .npy.
Status ReadMember(zip_t* za, zip_uint64_t index, Budget& budget, std::set<std::string>& names,
                  const ImportOptions& options, WeightSet& set) {
  SAFEMODEL_ASSIGN_OR_RETURN(zip_stat_t st, StatMember(za, index));
  std::string member = st.name;
  std::string where = "npz member '" + member + "'";
  SAFEMODEL_ASSIGN_OR_RETURN(std::string name, TensorNameOf(member, where));
  if (!names.insert(name).second) return Corruption(where + ": a second member for tensor '" + name + "'");
  SAFEMODEL_RETURN_IF_ERROR(CheckMember(st, budget, options, where));
  SAFEMODEL_ASSIGN_OR_RETURN(std::byte * raw, set.storage->Allocate(st.size, where));
  std::span<std::byte> bytes(raw, static_cast<size_t>(st.size));
  SAFEMODEL_RETURN_IF_ERROR(ReadMemberBytes(za, index, bytes, where));
  SAFEMODEL_ASSIGN_OR_RETURN(NpyArray array, DecodeNpy(bytes, where, options));
  // A converted array no longer needs the raw member: let it replace it.
  if (array.owned) set.storage->buffers.back() = std::move(array.owned);
  set.tensors.push_back(TensorView{std::move(name), array.dtype, std::move(array.shape), array.data});
  return Status::Ok();
}

}  // namespace

Result<WeightSet> ParseNpz(std::span<const std::byte> bytes, const ImportOptions& options) {
  if (bytes.size() > options.max_file_size) {
    return LimitExceeded("npz: " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                         std::to_string(options.max_file_size) + " (ImportOptions::max_file_size)");
  }
  SAFEMODEL_ASSIGN_OR_RETURN(ZipPtr za, OpenArchive(bytes));
  zip_int64_t count = zip_get_num_entries(za.get(), 0);
  if (count < 0) return Corruption("npz: " + std::string(zip_strerror(za.get())));
  if (static_cast<uint64_t>(count) > options.max_tensors) {
    return LimitExceeded("npz: " + std::to_string(count) + " members, over the limit of " +
                         std::to_string(options.max_tensors) + " (ImportOptions::max_tensors)");
  }
  WeightSet set;
  set.format = "npz";
  Budget budget{bytes.size(), 0};
  std::set<std::string> names;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    SAFEMODEL_RETURN_IF_ERROR(ReadMember(za.get(), i, budget, names, options, set));
  }
  return set;
}

// ---- Writing ----------------------------------------------------------------

namespace {

// A fixed member time (1980-01-02) so that the same tensors give the same
// bytes; zip cannot say "no time" and 1980 is its epoch.
constexpr time_t kMemberTime = 315619200;

Status ZipFailure(zip_t* za, const std::string& where) { return IoError(where + ": " + zip_strerror(za)); }

// Adds "<name>.npy" as a stored member built from the header and the
// caller's bytes without copying them; both must live until zip_close.
Status AddMember(zip_t* za, const TensorView& t, const std::string& header) {
  std::string member = t.name + std::string(kSuffix);
  std::string where = "npz member '" + member + "'";
  std::array<zip_buffer_fragment_t, 2> fragments = {{
      {reinterpret_cast<zip_uint8_t*>(const_cast<char*>(header.data())), header.size()},
      {reinterpret_cast<zip_uint8_t*>(const_cast<std::byte*>(t.bytes.data())), t.bytes.size()},
  }};
  zip_source_t* source = zip_source_buffer_fragment(za, fragments.data(), t.bytes.empty() ? 1 : 2, 0);
  if (!source) return ZipFailure(za, where);
  zip_int64_t index = zip_file_add(za, member.c_str(), source, ZIP_FL_ENC_GUESS);
  if (index < 0) {
    zip_source_free(source);  // not taken over on failure
    return ZipFailure(za, where);
  }
  auto i = static_cast<zip_uint64_t>(index);
  if (zip_set_file_compression(za, i, ZIP_CM_STORE, 0) != 0 || zip_file_set_mtime(za, i, kMemberTime, 0) != 0) {
    return ZipFailure(za, where);
  }
  return Status::Ok();
}

// libzip gives the file 0666 & ~umask (or the old file's mode); every other
// file we write is 0644 (AtomicFile), so this one is too. Then the fsyncs
// libzip does not do. Best effort: the rename libzip did is already visible.
void FinishOutput(const std::string& path) {
  (void)::chmod(path.c_str(), 0644);
  for (const std::string& p : {path, path.rfind('/') == std::string::npos ? std::string(".")
                                                                          : path.substr(0, path.rfind('/') + 1)}) {
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ::fsync(fd);
    ::close(fd);
  }
}

// zip_close writes "<path>.XXXXXX" and renames it over `path`, removing it on
// failure: an error leaves no output and an old file stays whole.
Status CloseArchive(ZipPtr za, const std::string& path) {
  if (zip_close(za.get()) != 0) return ZipFailure(za.get(), "npz '" + path + "'");  // discarded by ZipPtr
  za.release();  // zip_close freed it
  FinishOutput(path);
  return Status::Ok();
}

// libzip writes nothing at all for an archive without members; numpy writes
// the end record alone, and so do we.
Status WriteEmptyZip(const std::string& path) {
  std::string end_record("PK\x05\x06", 4);
  end_record.append(kMinZipSize - 4, '\0');
  return WriteFileAtomic(path, end_record);
}

}  // namespace

Status WriteNpz(const std::string& path, std::span<const TensorView> tensors) {
  SAFEMODEL_RETURN_IF_ERROR(CheckTensorsForWrite(tensors));
  std::vector<std::string> headers;
  headers.reserve(tensors.size());
  for (const TensorView& t : tensors) {
    // Zip names are C strings: a NUL would silently cut the name short.
    if (t.name.find('\0') != std::string::npos) return InvalidArgument("tensor '" + t.name + "': NUL in name");
    auto header = FormatNpyHeader(t.dtype, t.shape);
    if (!header.ok()) return header.status().Wrap("tensor '" + t.name + "'");
    headers.push_back(std::move(header).value());
  }
  if (tensors.empty()) return WriteEmptyZip(path);
  int error = 0;
  ZipPtr za(zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error));
  if (!za) return IoError("npz '" + path + "': cannot create (libzip error " + std::to_string(error) + ")");
  for (size_t i = 0; i < tensors.size(); ++i) SAFEMODEL_RETURN_IF_ERROR(AddMember(za.get(), tensors[i], headers[i]));
  return CloseArchive(std::move(za), path);
}

}  // namespace safemodel
