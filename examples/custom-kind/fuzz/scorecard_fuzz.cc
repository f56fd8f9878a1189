#include <safemodel/fuzz_kit.h>
#include "scorecard.h"
SAFEMODEL_FUZZ_KIND(example::ScorecardKind(), example::ExampleScorecards())
