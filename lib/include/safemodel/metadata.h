// safemodel/metadata.h — descriptive metadata carried in every header.
//
// Metadata is signed with the header but is *descriptive only*: nothing in it
// changes how a file is checked or loaded.
#ifndef SAFEMODEL_METADATA_H_
#define SAFEMODEL_METADATA_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace safemodel {

struct Metadata {
  std::string name;
  std::string description;
  std::string license;            // SPDX identifier, preferably
  std::string producer;           // the program that wrote the file, e.g. "safemodel import-weights"
  std::string producer_version;   // its version
  // Versions of libraries that trained/produced the model, e.g. {"numpy": "1.24.2"}.
  std::map<std::string, std::string> library_versions;
  int64_t created_unix = 0;       // seconds since the epoch, UTC; 0 = unknown
  std::vector<std::string> feature_names;
  // Free-form string map for everything else (safetensors' __metadata__ lands here).
  std::map<std::string, std::string> extra;

  bool operator==(const Metadata&) const = default;
};

}  // namespace safemodel

#endif  // SAFEMODEL_METADATA_H_
