// The allowlist: the only (module, name) pairs a pickle may name.
//
// Exact pairs, never a module prefix: `numpy.testing._private.utils.runstring`
// lives under `numpy` too. Each entry has a role that says what the VM may do
// with it; the table itself (with a reason per entry) is in allowlist.cc.
#ifndef SAFEMODEL_PICKLE_ALLOWLIST_H_
#define SAFEMODEL_PICKLE_ALLOWLIST_H_

#include <span>
#include <string_view>

namespace safemodel::pickle {

enum class Role : unsigned char {
  kClass,           // an inert class: NEWOBJ/REDUCE/OBJ/INST record args, BUILD records state
  kTypeValue,       // only referenced as a value (numpy.float64 as a dtype parameter)
  kArrayType,       // numpy.ndarray / matrix: first argument of _reconstruct, joblib subclass
  kObjectBase,      // builtins.object: second argument of copyreg._reconstructor
  kReconstruct,     // numpy _reconstruct(ndarray, (0,), b'b')
  kScalar,          // numpy scalar(dtype, bytes)
  kDTypeCtor,       // numpy.dtype(str, align, copy)
  kFromBuffer,      // numpy _frombuffer(buffer, dtype, shape, order)
  kCodecsEncode,    // _codecs.encode(str, 'latin1')
  kCopyregRecon,    // copyreg._reconstructor(cls, object, None)
  kOrderedDict,     // collections.OrderedDict() / OrderedDict(pairs)
  kByteArray,       // bytearray() / bytearray(bytes) / bytearray(str, 'latin-1')
  kBytes,           // bytes(): how protocols 0-2 write b''
  kSet,             // set() / set(list)
  kFrozenSet,       // frozenset() / frozenset(list)
  kJoblibWrapper,   // joblib NumpyArrayWrapper: array bytes follow its BUILD
  kJoblibOldWrapper,// joblib < 0.10 NDArrayWrapper/ZNDArrayWrapper: refused with a reason
  kRandomState,     // numpy.random._pickle.__randomstate_ctor(name[, ctor]) -> inert object
  kBitGenerator,    // numpy.random._pickle.__bit_generator_ctor(name) -> inert object
};

struct AllowEntry {
  std::string_view module;
  std::string_view name;
  Role role;
  std::string_view why;  // why it is safe to name (for scan output and reviewers)
};

// The entry for (module, name), or null.
const AllowEntry* FindAllowed(std::string_view module, std::string_view name);
// The whole table (tests, docs, `scan --json`).
std::span<const AllowEntry> AllowTable();

}  // namespace safemodel::pickle

#endif  // SAFEMODEL_PICKLE_ALLOWLIST_H_
