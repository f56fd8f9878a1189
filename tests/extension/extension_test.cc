// User-defined kinds (safemodel/extension.h) through the whole file path:
// written, signed, opened, run; and every refusal the contract promises,
// each naming the kind and the place.
#include "safemodel/extension.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "affine_kind.h"
#include "estimators/estimator.h"
#include "format/estimator_codec.h"
#include "safemodel/keys.h"
#include "safemodel/model.h"
#include "safemodel/trust.h"
#include "safemodel/writer.h"
#include "test_util.h"

namespace safemodel {
namespace {

using ::testing::HasSubstr;
using testkind::Affine;
using testkind::AffineKind;
using testkind::AffineModel;

constexpr const char* kPlace = "estimator.custom('org.safemodel.test.affine')";

std::shared_ptr<KindRegistry> Registry(const Kind<Affine, AffineModel>& kind = AffineKind()) {
  auto r = std::make_shared<KindRegistry>();
  EXPECT_TRUE(r->Add(kind).ok());
  return r;
}

AffineModel Example() { return testkind::AffineExamples()[0]; }  // 3 -> 2, logistic, labels no/yes

// A kind with the affine kind's name and schema whose validator checks
// nothing (it still takes the tensors): it writes files that the real one
// must refuse.
Kind<Affine, AffineModel> Permissive() {
  Kind<Affine, AffineModel> k = AffineKind();
  k.read = [](Affine::Reader r, TensorSource& t) -> Result<AffineModel> {
    AffineModel m;
    m.n_inputs = r.getNInputs();
    m.n_outputs = r.getNOutputs();
    SAFEMODEL_ASSIGN_OR_RETURN(m.weights, t.Copy<double>(r.getWeights(), 2, "weights"));
    SAFEMODEL_ASSIGN_OR_RETURN(m.bias, t.Copy<double>(r.getBias(), 1, "bias"));
    if (r.getColumns() != 0xffffffffu) {
      SAFEMODEL_ASSIGN_OR_RETURN(m.columns, t.Copy<int32_t>(r.getColumns(), 1, "columns"));
    }
    return m;
  };
  return k;
}

class ExtensionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = SecretKey::Generate();
    ASSERT_TRUE(key.ok());
    key_ = std::make_unique<SecretKey>(std::move(*key));
    ASSERT_TRUE(trust_.store.Add("release", key_->public_key()).ok());
  }

  // Writes `m` with `kind`, signs it, returns the path.
  std::string WriteSigned(const AffineModel& m, const Kind<Affine, AffineModel>& kind = AffineKind(),
                          const std::string& name = "m.smdl") {
    const std::string path = dir_ / name;
    Status w = WriteCustom(path, Metadata{}, kind, m);
    EXPECT_TRUE(w.ok()) << w.ToString();
    Status s = SignFile(path, *key_, "test");
    EXPECT_TRUE(s.ok()) << s.ToString();
    return path;
  }

  Result<Model> Open(const std::string& path, std::shared_ptr<const KindRegistry> kinds) {
    LoadOptions o;
    o.kinds = std::move(kinds);
    return Model::Open(path, trust_, o);
  }

  testing::TempDir dir_;
  std::unique_ptr<SecretKey> key_;
  TrustPolicy trust_;
};

// Hand-computed: weights {1,2,3; -1,0.5,0}, bias {0.25,-4}, logistic.
TEST_F(ExtensionTest, WrittenSignedOpenedAndRun) {
  auto model = Open(WriteSigned(Example()), Registry());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->kind(), EstimatorKind::kEstimator);
  EXPECT_EQ(model->estimator_class(), "org.safemodel.test.affine");
  EXPECT_EQ(model->estimator_summary(), "affine: 3 inputs, 2 outputs");
  EXPECT_EQ(model->num_features(), 3);
  EXPECT_EQ(model->trusted_signers(), 1u);

  const std::vector<double> x = {1, 1, 1, -5, 0, 0};
  auto t = model->Run(Method::kTransform, x, 2, 3);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows, 2u);
  ASSERT_EQ(t->cols, 2u);
  auto sig = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
  const double z[] = {1 + 2 + 3 + 0.25, -1 + 0.5 - 4, -5 + 0.25, 5 - 4};
  for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(t->numbers[i], sig(z[i])) << i;

  auto p = model->Run(Method::kPredict, x, 2, 3);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, Output::Kind::kStringLabels);
  EXPECT_EQ(p->strings, (std::vector<std::string>{"no", "yes"}));

  auto lp = model->Run(Method::kPredictLogProba, x, 2, 3);
  ASSERT_TRUE(lp.ok()) << lp.status().ToString();
  EXPECT_DOUBLE_EQ(lp->numbers[0], std::log(sig(z[0])));

  auto df = model->Run(Method::kDecisionFunction, x, 2, 3);
  EXPECT_EQ(df.status().code(), Code::kUnsupported);
  EXPECT_THAT(df.status().message(), HasSubstr("kind 'org.safemodel.test.affine' has no decision_function"));

  const AffineModel* object = CustomObject<AffineModel>(*model);
  ASSERT_NE(object, nullptr);
  EXPECT_EQ(object->weights, Example().weights);
  EXPECT_EQ(CustomObject<int>(*model), nullptr);
}

TEST_F(ExtensionTest, SplitOverThreadsGivesTheSameRows) {
  auto model = Open(WriteSigned(Example()), Registry());
  ASSERT_TRUE(model.ok());
  std::vector<double> x(3 * 5001);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<double>(i));
  RunOptions one, four;
  four.threads = 4;
  four.min_rows_per_thread = 1;
  auto a = model->Run(Method::kTransform, x, 5001, 3, "", one);
  auto b = model->Run(Method::kTransform, x, 5001, 3, "", four);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->numbers, b->numbers);
}

TEST_F(ExtensionTest, UnregisteredKindIsRefusedNamingIt) {
  const std::string path = WriteSigned(Example());
  auto none = Open(path, nullptr);
  EXPECT_EQ(none.status().code(), Code::kUnsupported);
  EXPECT_THAT(none.status().message(),
              HasSubstr("header.estimator.custom: kind 'org.safemodel.test.affine' is not registered"));
  EXPECT_THAT(none.status().message(), HasSubstr("LoadOptions::kinds is empty"));

  Kind<testkind::Other, double> other;
  other.name = "org.example.other";
  other.read = [](testkind::Other::Reader r, TensorSource&) -> Result<double> { return r.getValue(); };
  other.num_features = [](double) { return int64_t{1}; };
  other.methods[Method::kPredict] = [](double, const Rows& x) -> Result<Output> {
    return Output{Output::Kind::kNumbers, x.rows, 1, std::vector<double>(x.rows), {}, {}};
  };
  auto registry = std::make_shared<KindRegistry>();
  ASSERT_TRUE(registry->Add(other).ok());
  auto wrong = Open(path, registry);
  EXPECT_EQ(wrong.status().code(), Code::kUnsupported);
  EXPECT_THAT(wrong.status().message(), HasSubstr("is not registered in this program (it reads: org.example.other)"));

  // The untrusted path refuses it too: nothing is partly loaded.
  EXPECT_EQ(Model::Inspect(path).status().code(), Code::kUnsupported);
}

TEST_F(ExtensionTest, SameNameWithAnotherSchemaIsRefused) {
  const std::string path = WriteSigned(Example());
  Kind<testkind::Other, double> impostor;
  impostor.name = "org.safemodel.test.affine";
  impostor.read = [](testkind::Other::Reader r, TensorSource&) -> Result<double> { return r.getValue(); };
  impostor.num_features = [](double) { return int64_t{1}; };
  impostor.methods[Method::kPredict] = [](double, const Rows&) -> Result<Output> { return Output{}; };
  auto registry = std::make_shared<KindRegistry>();
  ASSERT_TRUE(registry->Add(impostor).ok());
  auto m = Open(path, registry);
  EXPECT_EQ(m.status().code(), Code::kUnsupported);
  EXPECT_THAT(m.status().message(), HasSubstr("kind 'org.safemodel.test.affine' has schema id 0x"));
  EXPECT_THAT(m.status().message(), HasSubstr("(a different struct)"));
}

TEST_F(ExtensionTest, NewerVersionOfTheKindIsRefused) {
  Kind<Affine, AffineModel> v2 = AffineKind();
  v2.version = 2;
  auto m = Open(WriteSigned(Example(), v2), Registry());
  EXPECT_EQ(m.status().code(), Code::kUnsupported);
  EXPECT_THAT(m.status().message(),
              HasSubstr("kind 'org.safemodel.test.affine' version 2; this program reads versions 1 to 1"));
  // An older file is read by a newer program, which sees its version.
  Kind<Affine, AffineModel> reader = AffineKind();
  reader.version = 3;
  uint32_t seen = 0;
  reader.read = [&seen](Affine::Reader r, TensorSource& t) {
    seen = t.version();
    return testkind::ReadAffine(r, t);
  };
  ASSERT_TRUE(Open(WriteSigned(Example(), AffineKind(), "v1.smdl"), Registry(reader)).ok());
  EXPECT_EQ(seen, 1u);
}

// A signed file whose values the validator refuses: signing vouches for
// origin, the validator for safety.
TEST_F(ExtensionTest, ValidatorRefusalNamesKindAndField) {
  AffineModel bad = Example();
  bad.columns = {0, 7, 1};  // 7 is not a column
  auto m = Open(WriteSigned(bad, Permissive()), Registry());
  EXPECT_EQ(m.status().code(), Code::kCorruption);
  EXPECT_THAT(m.status().message(),
              HasSubstr(std::string(kPlace) + ".body.columns: element 1 = 7 is not a column in [0, nInputs)"));

  AffineModel nan = Example();
  nan.bias[1] = std::nan("");
  auto n = Open(WriteSigned(nan, Permissive(), "nan.smdl"), Registry());
  EXPECT_EQ(n.status().code(), Code::kCorruption);
  EXPECT_THAT(n.status().message(), HasSubstr(std::string(kPlace) + ".body.bias: element 1 is not finite"));
}

TEST_F(ExtensionTest, WriterRefusesWhatItsReaderRefusesAndLeavesNoFile) {
  AffineModel bad = Example();
  bad.weights.pop_back();  // 5 values for a [2, 3] tensor
  Status s = WriteCustom(dir_ / "bad.smdl", Metadata{}, AffineKind(), bad);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("tensor 'weights': f64 [2, 3] does not match 40 bytes"));

  AffineModel wrong = Example();
  wrong.columns = {0, 1, 3};
  s = WriteCustom(dir_ / "bad.smdl", Metadata{}, AffineKind(), wrong);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("the kind's own reader refuses the result"));
  EXPECT_THAT(s.message(), HasSubstr(std::string(kPlace) + ".body.columns: element 2 = 3"));

  // A writer that adds a tensor its reader never takes.
  Kind<Affine, AffineModel> spare = AffineKind();
  spare.write = [](const AffineModel& m, Affine::Builder b, TensorSink& t) -> Status {
    SAFEMODEL_RETURN_IF_ERROR(testkind::WriteAffine(m, b, t));
    return t.Add<double>("spare", std::vector<double>{1.0}, {1}).status();
  };
  s = WriteCustom(dir_ / "bad.smdl", Metadata{}, spare, Example());
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("tensor 'spare' is not used by the estimator"));
  EXPECT_TRUE(testing::ListDir(dir_.path()).empty());
}

TEST_F(ExtensionTest, TamperedTensorNamesKindTensorAndOffset) {
  const std::string path = WriteSigned(Example());
  auto inspect = Model::Inspect(path, [] {
    LoadOptions o;
    o.kinds = Registry();
    return o;
  }());
  ASSERT_TRUE(inspect.ok()) << inspect.status().ToString();
  const uint64_t at = inspect->data_offset();  // 'weights' is the first tensor
  std::string bytes = testing::ReadFile(path);
  bytes[at + 3] ^= 0x40;
  testing::WriteFile(path, bytes);
  auto m = Open(path, Registry());
  EXPECT_EQ(m.status().code(), Code::kCorruption);
  EXPECT_THAT(m.status().message(), HasSubstr(std::string(kPlace) + ": tensor 'weights' at data@0x"));
  EXPECT_THAT(m.status().message(), HasSubstr("BLAKE2b mismatch"));

  // The header is signed: a changed byte there fails the signature, before
  // anything in the header is parsed (so before the kind is known).
  const std::string path2 = WriteSigned(Example(), AffineKind(), "h.smdl");
  std::string h = testing::ReadFile(path2);
  h[40] ^= 0x01;
  testing::WriteFile(path2, h);
  EXPECT_EQ(Open(path2, Registry()).status().code(), Code::kSignatureInvalid);
}

TEST_F(ExtensionTest, SigningNeedsNoRegistration) {
  // A platform team signs files of kinds its tools do not read: structure
  // and hashes are checked, the values are the reader's job.
  const std::string path = dir_ / "s.smdl";
  ASSERT_TRUE(WriteCustom(path, Metadata{}, AffineKind(), Example()).ok());
  Status s = SignFile(path, *key_, "");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Open(path, Registry()).ok());
  EXPECT_EQ(Open(path, nullptr).status().code(), Code::kUnsupported);
}

TEST_F(ExtensionTest, InputAndOutputShapesAreChecked) {
  Kind<Affine, AffineModel> buggy = AffineKind();
  buggy.methods[Method::kDecisionFunction] = [](const AffineModel&, const Rows& x) -> Result<Output> {
    return Output{Output::Kind::kNumbers, x.rows + 1, 1, std::vector<double>(x.rows + 1), {}, {}};
  };
  buggy.methods[Method::kScoreSamples] = [](const AffineModel&, const Rows&) -> Result<Output> {
    throw std::runtime_error("boom");
  };
  buggy.methods[Method::kPredictProba] = [](const AffineModel&, const Rows& x) -> Result<Output> {
    return Output{Output::Kind::kNumbers, x.rows, 2, std::vector<double>(x.rows), {}, {}};
  };
  auto model = Open(WriteSigned(Example(), buggy), Registry(buggy));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};

  auto narrow = model->Run(Method::kTransform, x, 3, 2);
  EXPECT_EQ(narrow.status().code(), Code::kInvalidArgument);
  EXPECT_THAT(narrow.status().message(),
              HasSubstr("X has 2 features, but kind 'org.safemodel.test.affine' is expecting 3 features as input"));

  auto rows = model->Run(Method::kDecisionFunction, x, 2, 3);
  EXPECT_EQ(rows.status().code(), Code::kCorruption);
  EXPECT_THAT(rows.status().message(), HasSubstr("decision_function returned 3 rows for 2 input rows"));

  auto thrown = model->Run(Method::kScoreSamples, x, 2, 3);
  EXPECT_EQ(thrown.status().code(), Code::kCorruption);
  EXPECT_THAT(thrown.status().message(), HasSubstr("org.safemodel.test.affine score_samples threw: boom"));

  auto sizes = model->Run(Method::kPredictProba, x, 2, 3);
  EXPECT_EQ(sizes.status().code(), Code::kCorruption);
  EXPECT_THAT(sizes.status().message(), HasSubstr("returned arrays that do not make 2 x 2 values"));
}

// Inside the library a custom object is one more estimator family: it can
// be a Pipeline step or a bundle member (written here through the internal
// codec, as there is no public API to write those yet).
TEST_F(ExtensionTest, NestedInPipelineAndBundle) {
  auto kind = std::make_shared<internal::TypedKind<Affine, AffineModel>>(AffineKind());
  const auto examples = testkind::AffineExamples();  // [0]: 3 -> 2, [1]: 2 -> 1
  auto step = [&](const AffineModel& m) {
    auto c = estimators::BuildCustom(kind->Wrap(m), "test");
    EXPECT_TRUE(c.ok());
    return estimators::Estimator{std::move(*c)};
  };
  std::vector<estimators::Estimator> steps;
  steps.push_back(step(examples[0]));
  steps.push_back(step(examples[1]));
  auto pipe = estimators::BuildPipeline({"first", "second"}, std::move(steps), "pipeline");
  ASSERT_TRUE(pipe.ok()) << pipe.status().ToString();
  format::Bundle bundle;
  bundle.members.push_back({"scorer", std::move(*pipe)});
  bundle.members.push_back({"threshold", 0.5});
  const std::string path = dir_ / "bundle.smdl";
  ASSERT_TRUE(format::WriteContent(path, Metadata{}, format::ModelContent(std::move(bundle))).ok());
  ASSERT_TRUE(SignFile(path, *key_, "").ok());

  auto model = Open(path, Registry());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_NE(model->FindTensor("members[0].steps[1].columns"), nullptr);
  EXPECT_EQ(model->estimator_class("scorer"), "Pipeline");
  const std::vector<double> x = {1, 1, 1, -5, 0, 0, 0.5, -2, 3};
  auto out = model->Run(Method::kPredict, x, 3, 3, "scorer");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const std::vector<double> hidden = testkind::AffineOutputs(examples[0], Rows{x, 3, 3});
  const std::vector<double> want = testkind::AffineOutputs(examples[1], Rows{hidden, 3, 2});
  EXPECT_EQ(out->numbers, want);
  EXPECT_EQ(CustomObject<AffineModel>(*model, "scorer"), nullptr) << "a pipeline is not a custom object";

  // A bad value in a nested step names its place in the pipeline.
  std::vector<estimators::Estimator> bad_steps;
  AffineModel bad = examples[1];
  bad.columns = {1, 9};
  auto permissive = std::make_shared<internal::TypedKind<Affine, AffineModel>>(Permissive());
  bad_steps.push_back(step(examples[0]));
  auto c = estimators::BuildCustom(permissive->Wrap(bad), "test");
  ASSERT_TRUE(c.ok());
  bad_steps.emplace_back(std::move(*c));
  auto bad_pipe = estimators::BuildPipeline({"first", "second"}, std::move(bad_steps), "pipeline");
  ASSERT_TRUE(bad_pipe.ok());
  const std::string bad_path = dir_ / "bad_pipe.smdl";
  ASSERT_TRUE(format::WriteContent(bad_path, Metadata{}, format::ModelContent(std::move(*bad_pipe))).ok());
  ASSERT_TRUE(SignFile(bad_path, *key_, "").ok());
  auto refused = Open(bad_path, Registry());
  EXPECT_EQ(refused.status().code(), Code::kCorruption);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("estimator.steps[1].custom('org.safemodel.test.affine').body.columns: element 1 = 9"));
  auto unregistered = Open(bad_path, nullptr);
  EXPECT_EQ(unregistered.status().code(), Code::kUnsupported);
  EXPECT_THAT(unregistered.status().message(),
              HasSubstr("estimator.steps[0].custom: kind 'org.safemodel.test.affine' is not registered"));
}

TEST(KindRegistryTest, RefusesBadKinds) {
  auto add = [](Kind<Affine, AffineModel> k) { return KindRegistry().Add(std::move(k)); };
  for (const char* name : {"", "affine", "Org.example.x", "org..x", ".org.x", "org.x.", "org.ex ample",
                           "org.\xc3\xa9.x"}) {
    Kind<Affine, AffineModel> k = AffineKind();
    k.name = name;
    Status s = add(k);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << name;
    EXPECT_THAT(s.message(), HasSubstr("reverse-DNS")) << name;
  }
  Kind<Affine, AffineModel> k = AffineKind();
  k.version = 0;
  EXPECT_THAT(add(k).message(), HasSubstr("version must be 1 or more"));
  k = AffineKind();
  k.read = nullptr;
  EXPECT_THAT(add(k).message(), HasSubstr("no validator"));
  k = AffineKind();
  k.methods.clear();
  EXPECT_THAT(add(k).message(), HasSubstr("no methods"));

  KindRegistry r;
  ASSERT_TRUE(r.Add(AffineKind()).ok());
  EXPECT_THAT(r.Add(AffineKind()).message(), HasSubstr("is registered already"));
  k = AffineKind();
  k.name = "org.example.copy";
  EXPECT_THAT(r.Add(k).message(), HasSubstr("its schema is registered already, as 'org.safemodel.test.affine'"));
  EXPECT_EQ(r.names(), std::vector<std::string>{"org.safemodel.test.affine"});
}

TEST_F(ExtensionTest, CommandLineToolRefusesAnUnregisteredKindNamingIt) {
  const std::string path = WriteSigned(Example());
  auto r = testing::Run({SAFEMODEL_CLI_PATH, "inspect", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("kind 'org.safemodel.test.affine' is not registered"));

  // verify refuses too, pointing at --structure-only, which checks the seal
  // and hashes and says loudly what it did not check.
  const std::string pub = dir_ / "k.pub";
  testing::WriteFile(pub, FormatPublicKeyFile(key_->public_key()));
  auto v = testing::Run({SAFEMODEL_CLI_PATH, "verify", path, "--public-key", pub});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_THAT(v.err, HasSubstr("'safemodel verify --structure-only' checks its signatures and hashes"));
  auto s = testing::Run({SAFEMODEL_CLI_PATH, "verify", "--structure-only", path, "--public-key", pub});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_THAT(s.out, HasSubstr("OK (structure only)"));
  EXPECT_THAT(s.out, HasSubstr("1 trusted signer(s), 2 tensor(s) verified"));
  EXPECT_THAT(s.out, HasSubstr("NOT checked: the estimator (kind 'org.safemodel.test.affine') was not read"));

  // Structure-only still refuses a changed tensor and an untrusted file.
  std::string bytes = testing::ReadFile(path);
  bytes[bytes.size() - 600] ^= 0x01;  // in the data region, before the 512-byte record and footer
  testing::WriteFile(path, bytes);
  auto bad = testing::Run({SAFEMODEL_CLI_PATH, "verify", "--structure-only", path, "--public-key", pub});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("BLAKE2b mismatch"));
  auto other = SecretKey::Generate();
  ASSERT_TRUE(other.ok());
  testing::WriteFile(pub, FormatPublicKeyFile(other->public_key()));
  auto untrusted = testing::Run({SAFEMODEL_CLI_PATH, "verify", "--structure-only", path, "--public-key", pub});
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_THAT(untrusted.err, HasSubstr("need 1 trusted signer(s), found 0"));
}

}  // namespace
}  // namespace safemodel
