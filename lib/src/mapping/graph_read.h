// Checked reads of pickle graph values for the mapping adapters: numbers and
// arrays in numpy's dtypes turned into our C types, class labels, and the
// attributes of an estimator's state dict.
//
// The graph is attacker-shaped: any node may be of any kind, any attribute
// may be missing, shapes may be huge. Every function here checks kinds,
// sizes (with checked arithmetic) and byte orders, and each error names the
// place: "pickle@0x1f2: LogisticRegression.coef_: expected a numeric array,
// got str".
#ifndef SAFEMODEL_MAPPING_GRAPH_READ_H_
#define SAFEMODEL_MAPPING_GRAPH_READ_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "estimators/types.h"
#include "pickle/value.h"
#include "safemodel/status.h"

namespace safemodel::mapping {

// "pickle@0x1f2" for a node (the object's own offset when the node is null).
std::string At(const pickle::Value* v);
// "pickle@0x1f2: <what>".
std::string Where(const pickle::Value* v, std::string_view what);

// An array's elements, little-endian and in C order (big-endian swapped,
// Fortran order rearranged). Refuses object and structured dtypes.
struct PlainArray {
  char kind = 'f';          // numpy kind: f i u b
  uint64_t itemsize = 8;
  std::vector<uint64_t> shape;
  std::vector<std::byte> bytes;
};
Result<PlainArray> ReadPlainArray(const pickle::Value* v, std::string_view what);

// One field of a structured array's record (a tree's node_data, a
// TreePredictor's nodes, a BinaryTree's node_data): where it lies and how to
// read it, in any byte order.
struct RecordField {
  bool present = false;
  uint64_t offset = 0;
  uint64_t size = 0;
  char kind = 'i';
  bool big = false;

  uint64_t Bits(const std::byte* record) const;
  // Signed fields sign-extended; unsigned ones past INT64_MAX read as
  // INT64_MAX (out of range for every builder, which refuses it).
  int64_t Int(const std::byte* record) const;
  double Float(const std::byte* record) const;
};
// The field `name` of the records of `nodes` (dtype `dt`): of one of `kinds`
// (numpy kind letters), 1/2/4/8 bytes (floats 4/8), inside the record.
// Absent: kUnsupported naming the dtype when `required`, else a field with
// present == false.
Result<RecordField> FindRecordField(const pickle::Value* nodes, const pickle::DTypeDesc& dt, std::string_view name,
                                    std::string_view kinds, const std::string& where, bool required);

// Numbers of a numeric array as f64 (f2/f4/f8, ints, bools), C order.
Result<std::vector<double>> ReadDoubles(const pickle::Value* v, std::string_view what,
                                        std::vector<uint64_t>* shape);
// Integers of an integer array (i1..i8, u1..u8, b1), C order.
Result<std::vector<int64_t>> ReadInt64s(const pickle::Value* v, std::string_view what,
                                        std::vector<uint64_t>* shape);

// A Python or numpy scalar number (int, bool, float, numpy scalar, 0-d array).
Result<double> ReadNumber(const pickle::Value* v, std::string_view what);
// A Python int, bool or integer numpy scalar that fits int64.
Result<int64_t> ReadInt(const pickle::Value* v, std::string_view what);
Result<bool> ReadBool(const pickle::Value* v, std::string_view what);
Result<std::string> ReadStr(const pickle::Value* v, std::string_view what);

// classes_: a 1-d array (ints, bools -> int64; floats; numpy str 'U'; object
// arrays of str or int or float) or a list of those scalars.
Result<estimators::LabelValues> ReadLabels(const pickle::Value* v, std::string_view what);

// A numpy scalar's element as f64 / int64 (kScalar).
Result<double> ScalarToDouble(const pickle::Value* v, std::string_view what);

// scikit-learn version "major.minor[.patch...]" as major*100 + minor.
std::optional<int> ParseSklearnVersion(std::string_view v);

// An estimator object being mapped: its state dict, model path and version.
class Attrs {
 public:
  // Checks that `obj` is an object with a dict state and a known
  // _sklearn_version (0.18 .. 1.9). `cls` is the short class name.
  static Result<Attrs> Open(const pickle::Value* obj, std::string path);

  const pickle::Value* obj() const { return obj_; }
  const std::string& cls() const { return obj_->name; }
  const std::string& path() const { return path_; }
  const std::string& version() const { return version_; }
  int ver() const { return ver_; }   // major*100 + minor: 1.2.1 -> 102

  // "<path>.<attr>"
  std::string Field(std::string_view attr) const { return path_ + "." + std::string(attr); }
  // The attribute or null.
  const pickle::Value* Get(std::string_view attr) const;
  // The attribute, or kUnsupported naming the attribute, class and version.
  Result<const pickle::Value*> Need(std::string_view attr) const;
  // Missing or None -> nullopt.
  Result<std::optional<int64_t>> OptInt(std::string_view attr) const;
  Result<int64_t> Int(std::string_view attr) const;
  Result<bool> Bool(std::string_view attr) const;
  Result<std::string> Str(std::string_view attr) const;
  Result<std::vector<double>> Doubles(std::string_view attr, std::vector<uint64_t>* shape = nullptr) const;
  Result<estimators::LabelValues> Labels(std::string_view attr) const;
  // n_features_in_ (>= 0.24), else the old n_features_ (trees, forests);
  // -1 when neither is present and `required` is false.
  Result<int64_t> NumFeatures(bool required) const;
  // kUnsupported "<where>: <what> (scikit-learn <version>)".
  Status Refuse(const pickle::Value* v, std::string_view what) const;

 private:
  const pickle::Value* obj_ = nullptr;
  const pickle::Value* state_ = nullptr;
  std::string path_;
  std::string version_;
  int ver_ = 0;
};

}  // namespace safemodel::mapping

#endif  // SAFEMODEL_MAPPING_GRAPH_READ_H_
