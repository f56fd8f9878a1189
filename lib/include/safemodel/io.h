// safemodel/io.h — small file helpers the tool and bindings share.
#ifndef SAFEMODEL_IO_H_
#define SAFEMODEL_IO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "safemodel/status.h"

namespace safemodel {

// Reads a whole small file (key files, trust stores). kIoError naming the
// path if unreadable, kLimitExceeded past `max_size` bytes.
Result<std::string> ReadTextFile(const std::string& path, uint64_t max_size = 1 << 20);

// Replaces `path` atomically (temporary file, fsync, rename): readers see the
// old file or the new one, never a mix. Mode 0600 if `secret`, else 0644.
Status WriteFileAtomically(const std::string& path, std::string_view contents, bool secret = false);

}  // namespace safemodel

#endif  // SAFEMODEL_IO_H_
