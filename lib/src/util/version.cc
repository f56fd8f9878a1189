#include "safemodel/version.h"

namespace safemodel {
const char* Version() { return SAFEMODEL_VERSION_STRING; }
}  // namespace safemodel
