// Round trip of an in-memory estimator through a .smdl file (write, then
// Model::Inspect: parse, decode, rebuild through the checked builders), and
// the direct answer in the public Output shape to compare with.
#ifndef SAFEMODEL_TESTS_ESTIMATORS_SMDL_ROUNDTRIP_H_
#define SAFEMODEL_TESTS_ESTIMATORS_SMDL_ROUNDTRIP_H_

#include <gtest/gtest.h>

#include <string>

#include "estimators/estimator.h"
#include "format/estimator_codec.h"
#include "safemodel/model.h"
#include "test_util.h"

namespace safemodel::estimators::testing {

// Writes `e` to `dir`/m.smdl and opens it again (unsigned: Inspect).
inline Result<Model> WriteAndInspect(const Estimator& e, const safemodel::testing::TempDir& dir) {
  const std::string path = dir / "m.smdl";
  SAFEMODEL_RETURN_IF_ERROR(format::WriteContent(path, {}, e.Clone()));
  return Model::Inspect(path);
}

inline Result<Output> DirectOutput(const Estimator& e, Method method, MatrixView x) {
  Output o;
  auto fill = [&](Result<Matrix> r) -> Result<Output> {
    if (!r.ok()) return r.status();
    o.rows = r->rows;
    o.cols = r->cols;
    o.numbers = r->data;
    return o;
  };
  switch (method) {
    case Method::kPredictProba: return fill(PredictProba(e, x));
    case Method::kPredictLogProba: return fill(PredictLogProba(e, x));
    case Method::kDecisionFunction: return fill(DecisionFunction(e, x));
    case Method::kTransform: return fill(Transform(e, x));
    case Method::kScoreSamples: return fill(ScoreSamples(e, x));
    case Method::kPredict: break;
  }
  auto p = Predict(e, x);
  if (!p.ok()) return p.status();
  if (auto* m = std::get_if<Matrix>(&*p)) return fill(*m);
  const Labels& l = std::get<Labels>(*p);
  o.rows = l.rows;
  o.cols = l.cols;
  if (auto* i = std::get_if<std::vector<int64_t>>(&l.values)) o.kind = Output::Kind::kIntLabels, o.ints = *i;
  else if (auto* d = std::get_if<std::vector<double>>(&l.values)) o.kind = Output::Kind::kFloatLabels, o.numbers = *d;
  else o.kind = Output::Kind::kStringLabels, o.strings = std::get<std::vector<std::string>>(l.values);
  return o;
}

// Every method gives the same answer (bit for bit, NaN in the same places)
// from the file as from memory, or the same error code. Returns how many
// methods answered.
inline int ExpectSameThroughFile(const Estimator& e, MatrixView x) {
  safemodel::testing::TempDir dir;
  auto m = WriteAndInspect(e, dir);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return 0;
  EXPECT_EQ(m->estimator_class(), e.ClassName());
  int answered = 0;
  for (Method method : kAllMethods) {
    SCOPED_TRACE(std::string(MethodName(method)));
    auto a = m->Run(method, x.data, x.rows, x.cols);
    auto b = DirectOutput(e, method, x);
    EXPECT_EQ(a.ok(), b.ok()) << a.status().ToString() << " vs " << b.status().ToString();
    if (!a.ok() || !b.ok()) {
      if (!a.ok() && !b.ok()) {
        EXPECT_EQ(a.status().code(), b.status().code());
      }
      continue;
    }
    ++answered;
    EXPECT_EQ(a->kind, b->kind);
    EXPECT_EQ(a->rows, b->rows);
    EXPECT_EQ(a->cols, b->cols);
    EXPECT_EQ(a->numbers.size(), b->numbers.size());
    if (a->numbers.size() != b->numbers.size()) continue;
    for (size_t i = 0; i < a->numbers.size(); ++i) {
      const double u = a->numbers[i], v = b->numbers[i];
      EXPECT_TRUE((std::isnan(u) && std::isnan(v)) || u == v) << i << ": " << u << " vs " << v;
    }
    EXPECT_EQ(a->ints, b->ints);
    EXPECT_EQ(a->strings, b->strings);
  }
  return answered;
}

}  // namespace safemodel::estimators::testing

#endif  // SAFEMODEL_TESTS_ESTIMATORS_SMDL_ROUNDTRIP_H_
