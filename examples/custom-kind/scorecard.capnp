# The body of an `org.example.scorecard` model (safemodel/extension.h).
#
# A credit scorecard: feature j is cut into bins by its inner edges, each
# bin carries points, and
#   score = base + sum over j of points[bin of x_j]
#   p(class 1) = 1 / (1 + exp(-score))
# which is what scikit-learn's Pipeline([KBinsDiscretizer(encode="onehot"),
# LogisticRegression()]) computes for binary y.
#
# Tensor fields hold indexes into the file's tensor table (the convention of
# schema/safemodel.capnp): the numbers live in the data region, hashed and
# 64-byte aligned, never in this header. Every field is checked by
# ReadScorecard (scorecard.cc) before a Scorecard exists.
@0xe4f2c1f34a058d72;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("example::schema");

struct Scorecard {
  nFeatures @0 :UInt32;        # input columns, 1 to 1,000,000
  base @1 :Float64;            # the intercept; finite
  classes @2 :List(Int64);     # exactly two distinct labels: [class 0, class 1]
  edges @3 :UInt32;            # tensor f64 [E]: every feature's inner edges, feature 0's first;
                               # finite and strictly increasing within a feature
  edgeOffsets @4 :UInt32;      # tensor u32 [nFeatures + 1]: feature j's edges are
                               # edges[edgeOffsets[j] .. edgeOffsets[j+1]); 0 first, E last
  points @5 :UInt32;           # tensor f64 [E + nFeatures]: feature j's bins are at
                               # edgeOffsets[j] + j, one more than its edges; finite
  featureNames @6 :List(Text); # empty, or nFeatures names (descriptive)
}
