// Estimators through the file format: every oracle model is written to a
// .smdl file, signed, opened again (verify -> parse -> validate), and must
// give bit-identical outputs for every method; bundles keep their members.
#include <gtest/gtest.h>

#include "estimators/oracle.h"
#include "format/estimator_codec.h"
#include "safemodel/model.h"
#include "safemodel/writer.h"

namespace safemodel::estimators {
namespace {

using testing::BuildFrom;
using testing::LoadCase;
using testing::Oracle;

struct Loaded {
  safemodel::testing::TempDir dir;
  std::optional<Model> model;
};

std::unique_ptr<Loaded> WriteSignOpen(format::ModelContent content) {
  auto out = std::make_unique<Loaded>();
  const std::string path = out->dir / "m.smdl";
  Metadata md;
  md.name = "roundtrip";
  Status s = format::WriteContent(path, md, content);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto key = SecretKey::Generate();
  EXPECT_TRUE(key.ok());
  EXPECT_TRUE(SignFile(path, *key, "test").ok());
  TrustPolicy trust;
  EXPECT_TRUE(trust.store.Add("k", key->public_key()).ok());
  auto m = Model::Open(path, trust);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (m.ok()) out->model.emplace(std::move(m).value());
  return out;
}

// The in-memory estimator's answer, in the public Output shape.
Result<Output> Direct(const Estimator& e, Method method, MatrixView x) {
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

void ExpectSameOutput(const Result<Output>& a, const Result<Output>& b, const std::string& what) {
  ASSERT_EQ(a.ok(), b.ok()) << what << ": " << a.status().ToString() << " vs " << b.status().ToString();
  if (!a.ok()) {
    EXPECT_EQ(a.status().code(), b.status().code()) << what;
    return;
  }
  EXPECT_EQ(a->kind, b->kind) << what;
  EXPECT_EQ(a->rows, b->rows) << what;
  EXPECT_EQ(a->cols, b->cols) << what;
  EXPECT_EQ(a->numbers, b->numbers) << what;
  EXPECT_EQ(a->ints, b->ints) << what;
  EXPECT_EQ(a->strings, b->strings) << what;
}

class FileRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(FileRoundTrip, EveryMethodIsBitIdenticalAfterTheFile) {
  ASSERT_TRUE(Oracle::Get().ok()) << Oracle::Get().error();
  auto c = LoadCase(GetParam());
  auto built = BuildFrom(*c, c->meta, "", "model");
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  Estimator direct = built->Clone();
  auto loaded = WriteSignOpen(std::move(built).value());
  ASSERT_TRUE(loaded->model.has_value());
  const Model& m = *loaded->model;
  EXPECT_EQ(m.kind(), EstimatorKind::kEstimator);
  EXPECT_EQ(m.estimator_class(), direct.ClassName());
  MatrixView x = c->matrix("X");
  // Rows cut into 3 parts on 3 threads must give the very same output.
  RunOptions spread;
  spread.threads = 3;
  spread.min_rows_per_thread = 1;
  ASSERT_GE(x.rows, 3u);
  for (Method method : kAllMethods) {
    ExpectSameOutput(m.Run(method, x.data, x.rows, x.cols), Direct(direct, method, x),
                     GetParam() + "." + std::string(MethodName(method)));
    ExpectSameOutput(m.Run(method, x.data, x.rows, x.cols, "", spread), Direct(direct, method, x),
                     GetParam() + "." + std::string(MethodName(method)) + " on 3 threads");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Families, FileRoundTrip,
    ::testing::Values("linreg", "ridge_multi", "logreg_multinomial", "logreg_ovr", "logreg_str_liblinear",
                      "sgd_huber", "linsvc_bin", "dt_clf", "dt_clf_float", "dt_clf_multi", "dt_reg_multi",
                      "rf_clf_str", "rf_clf_12", "rf_reg_multi", "etrees_clf", "std_scaler_nomean", "minmax_clip",
                      "pipe_std_logreg", "pipe_minmax_rf"));

TEST(FileBundle, MembersKeepTheirNamesAndValues) {
  ASSERT_TRUE(Oracle::Get().ok()) << Oracle::Get().error();
  auto c = LoadCase("rf_clf_str");
  auto built = BuildFrom(*c, c->meta, "", "model");
  ASSERT_TRUE(built.ok());
  Estimator direct = built->Clone();
  format::Bundle b;
  b.container = format::Bundle::Container::kDict;
  b.members.push_back({"model", std::move(built).value()});
  b.members.push_back({"threshold", 0.4});
  b.members.push_back({"name", std::string("churn")});
  auto loaded = WriteSignOpen(std::move(b));
  ASSERT_TRUE(loaded->model.has_value());
  const Model& m = *loaded->model;
  EXPECT_EQ(m.kind(), EstimatorKind::kBundle);
  EXPECT_EQ(m.members(), (std::vector<std::string>{"model", "threshold", "name"}));
  EXPECT_EQ(m.estimator_class("model"), "RandomForestClassifier");
  MatrixView x = c->matrix("X");
  ExpectSameOutput(m.Run(Method::kPredict, x.data, x.rows, x.cols, "model"), Direct(direct, Method::kPredict, x),
                   "bundle.model.predict");
  auto bad = m.Run(Method::kPredict, x.data, x.rows, x.cols, "threshold");
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

TEST(FileTamper, AnEditedTreeIsRefusedEvenWhenTheAttackerSignsIt) {
  // A signer cannot make predict misbehave: the validators run on load.
  ASSERT_TRUE(Oracle::Get().ok()) << Oracle::Get().error();
  auto c = LoadCase("dt_clf");
  auto built = BuildFrom(*c, c->meta, "", "model");
  ASSERT_TRUE(built.ok());
  auto& tree = std::get<TreeModel>(built->model).trees[0];
  ASSERT_GT(tree.node_count, 2);
  tree.left[0] = 0;  // a self-loop at the root
  safemodel::testing::TempDir dir;
  const std::string path = dir / "evil.smdl";
  ASSERT_TRUE(format::WriteContent(path, {}, std::move(built).value()).ok());
  auto key = SecretKey::Generate();
  ASSERT_TRUE(SignFile(path, *key, "evil").ok());
  TrustPolicy trust;
  ASSERT_TRUE(trust.store.Add("evil", key->public_key()).ok());
  auto m = Model::Open(path, trust);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), Code::kCorruption) << m.status().ToString();
  EXPECT_NE(m.status().message().find("estimator.nodes[0].left_child"), std::string::npos) << m.status().message();
}

}  // namespace
}  // namespace safemodel::estimators
