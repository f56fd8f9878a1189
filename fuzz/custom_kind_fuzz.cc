// The fuzzing kit (safemodel/fuzz_kit.h) on the library's test kind
// (tests/extension/affine_kind.h): structure-aware mutation of the kind's
// body and tensors, then Model::Open and every method. Here the library is
// instrumented too, so coverage guides through its codec and checks.
#include "safemodel/fuzz_kit.h"

#include "affine_kind.h"

SAFEMODEL_FUZZ_KIND(safemodel::testkind::AffineKind(), safemodel::testkind::AffineExamples())
