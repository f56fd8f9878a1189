@0xc33a6b87d0a74ca0;
# A small user-defined kind for the library's own extension tests and fuzz
# target: outputs = activation(weights . x[columns] + bias).

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("safemodel::testkind");

enum Activation {
  identity @0;
  logistic @1;
}

struct Affine {
  nInputs @0 :UInt32;
  nOutputs @1 :UInt32;
  weights @2 :UInt32;                 # tensor f64 [nOutputs, nInputs]
  bias @3 :UInt32;                    # tensor f64 [nOutputs]
  columns @4 :UInt32 = 0xffffffff;    # optional tensor i32 [nInputs]: input column of each weight column
  labels @5 :List(Text);              # empty, or nOutputs labels: predict gives the argmax label
  activation @6 :Activation;
}

# Another struct, to register under the affine kind's name (schema id tests).
struct Other {
  value @0 :Float64;
}
