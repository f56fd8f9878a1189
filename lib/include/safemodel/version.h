// safemodel/version.h — library version.
#ifndef SAFEMODEL_VERSION_H_
#define SAFEMODEL_VERSION_H_

namespace safemodel {
// "0.1.0"
const char* Version();
}  // namespace safemodel

#endif  // SAFEMODEL_VERSION_H_
