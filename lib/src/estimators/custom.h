// A user-defined kind (safemodel/extension.h) as one more estimator family,
// so that it runs alone, as a Pipeline step or as a bundle member.
//
// The object was built by the kind's validator. Every call here checks what
// the library can check around it: the input width before the call, the
// output's shape after it (rows as many as the input's, arrays of the sizes
// the shape says, a fixed transform width when the kind declares one).
#ifndef SAFEMODEL_ESTIMATORS_CUSTOM_H_
#define SAFEMODEL_ESTIMATORS_CUSTOM_H_

#include <cstdint>
#include <memory>
#include <string>

#include "estimators/preprocessing.h"  // kAnyWidth
#include "estimators/types.h"
#include "safemodel/status.h"

namespace safemodel::internal {
class ErasedObject;
}  // namespace safemodel::internal

namespace safemodel::estimators {

struct CustomEstimator {
  std::shared_ptr<const internal::ErasedObject> object;  // immutable: shared by clones
  int32_t n_features = -1;                               // kAnyWidth, or the object's width
  CustomEstimator Clone() const { return *this; }
};

// Wraps a validated object; kCorruption naming `path` if its widths do not
// fit in int32.
Result<CustomEstimator> BuildCustom(std::shared_ptr<const internal::ErasedObject> object, std::string_view path);

std::string ClassNameOf(const CustomEstimator& c);  // the kind's name
std::string Describe(const CustomEstimator& c);
int32_t TransformWidth(const CustomEstimator& c);
bool CustomHasTransform(const CustomEstimator& c);
bool CustomRowIndependent(const CustomEstimator& c);

Result<Prediction> Predict(const CustomEstimator& c, MatrixView x);
Result<Matrix> PredictProba(const CustomEstimator& c, MatrixView x);
Result<Matrix> PredictLogProba(const CustomEstimator& c, MatrixView x);
Result<Matrix> DecisionFunction(const CustomEstimator& c, MatrixView x);
Result<Matrix> Transform(const CustomEstimator& c, MatrixView x);
Result<Matrix> ScoreSamples(const CustomEstimator& c, MatrixView x);

}  // namespace safemodel::estimators

#endif  // SAFEMODEL_ESTIMATORS_CUSTOM_H_
