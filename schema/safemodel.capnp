# safemodel.capnp — the header of a .smdl file (docs/FORMAT.md).
#
# The header is one canonical, single-segment Cap'n Proto message. Tensor
# bytes live outside it, in the file's 64-byte aligned data region; the
# header's tensor table says where each one is and what it hashes to.
#
# Evolving this schema: add fields at the end of a struct, add union members
# to Estimator. Never renumber, never change a type. Adding a scikit-learn
# family is adding one member to `Estimator` (and its validator).

@0xd3b5a1c0e9f24a17;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("safemodel::schema");

struct Header {
  formatVersion @0 :UInt32;    # 1 for this version of the format
  metadata @1 :Metadata;
  tensors @2 :List(Tensor);    # in data-region order; see docs/FORMAT.md
  dataLength @3 :UInt64;       # bytes from the start of the data region to the seal
  estimator @4 :Estimator;
}

struct KeyValue {
  key @0 :Text;
  value @1 :Text;
}

struct Metadata {
  name @0 :Text;
  description @1 :Text;
  license @2 :Text;
  producer @3 :Text;            # program that wrote the file
  producerVersion @4 :Text;
  libraryVersions @5 :List(KeyValue);   # sorted by key, keys unique
  createdUnix @6 :Int64;        # seconds since the epoch, 0 = unknown
  featureNames @7 :List(Text);
  extra @8 :List(KeyValue);     # sorted by key, keys unique
}

# Numbering is shared with safemodel::DType (lib/include/safemodel/tensor.h).
enum DType {
  f16 @0;
  bf16 @1;
  f32 @2;
  f64 @3;
  i8 @4;
  i16 @5;
  i32 @6;
  i64 @7;
  u8 @8;
  u16 @9;
  u32 @10;
  u64 @11;
  bool @12;
}

struct Tensor {
  name @0 :Text;
  dtype @1 :DType;
  shape @2 :List(UInt64);       # empty for a 0-d tensor
  offset @3 :UInt64;            # from the start of the data region; a multiple of 64
  byteLength @4 :UInt64;        # = dtype size * product(shape)
  # BLAKE2b-256 of the tensor's bytes when byteLength <= the chunk size (8 MiB);
  # otherwise BLAKE2b-256 of the concatenated `chunkHashes`.
  hash @5 :Data;
  # Empty when byteLength <= 8 MiB; otherwise ceil(byteLength / 8 MiB) BLAKE2b-256
  # digests of consecutive 8 MiB chunks (the last may be shorter), concatenated.
  chunkHashes @6 :Data;
}

# What the tensors are. Each member is one kind of model; a reader refuses
# a member it does not know (it never skips one).
struct Estimator {
  union {
    weights @0 :Weights;
    # A kind defined by a user program (docs/DESIGN.md, "A framework"): its own
    # struct in `body`, checked by a validator the reading program registers.
    # A program that has not registered `kind` refuses the file.
    custom @1 :Custom;
  }
}

struct Custom {
  kind @0 :Text;                # reverse-DNS name, e.g. "org.example.mymodel"
  version @1 :UInt32;
  body @2 :AnyPointer;
}

# A named set of tensors: "only the weights". Every tensor in the table
# belongs to it, in table order.
struct Weights {
  # Reserved for options of the weight set; empty in version 1.
  framework @0 :Text;           # e.g. "pytorch", "tensorflow", "numpy"; descriptive
}
