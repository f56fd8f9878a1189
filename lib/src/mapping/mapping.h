// From an inert pickle object graph (lib/src/pickle) to what a .smdl file
// holds: a weights set, one estimator, or a bundle of them.
//
// One adapter per scikit-learn family reads the attributes predict needs,
// under every module path and attribute name the family has had from
// scikit-learn 0.18 to 1.9, and feeds the checked builders of
// lib/src/estimators. A class, version or layout it does not know is
// refused with a message naming it (never guessed).
#ifndef SAFEMODEL_MAPPING_MAPPING_H_
#define SAFEMODEL_MAPPING_MAPPING_H_

#include <optional>
#include <string>
#include <vector>

#include "format/estimator_codec.h"
#include "pickle/value.h"
#include "safemodel/metadata.h"
#include "safemodel/status.h"

namespace safemodel::mapping {

struct Converted {
  // producer/library versions found in the file (e.g. "scikit-learn":
  // "1.2.1" from _sklearn_version), and "safemodel.source_format".
  Metadata metadata;
  // An estimator or bundle...
  std::optional<format::ModelContent> content;
  // ...or, when the pickle holds only arrays (a dict/list/tuple of numpy
  // arrays, or one array), the tensors of a `weights` model.
  std::vector<format::OwnedTensor> weights;
};

// Errors: kUnsupported naming the class/attribute/version and the place
// ("pickle@0x2f0: sklearn.svm._classes.SVC is not supported yet"),
// kCorruption for values the builders refuse (with the model path).
Result<Converted> MapGraph(const pickle::Graph& graph);

}  // namespace safemodel::mapping

#endif  // SAFEMODEL_MAPPING_MAPPING_H_
