// org.example.scorecard against scikit-learn (the oracle), and the refusals
// a user-defined kind gets from the library: each test breaks one thing and
// asserts the code and the place the message names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "scorecard.h"
#include "tools/csv.h"

namespace example {
namespace {

namespace fs = std::filesystem;
using safemodel::Code;
using safemodel::Method;
using ::testing::HasSubstr;

constexpr char kPlace[] = "estimator.custom('org.example.scorecard')";

// ---- helpers --------------------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "scorecard_test_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::shared_ptr<const safemodel::KindRegistry> Registry(safemodel::Kind<schema::Scorecard, Scorecard> kind) {
  auto kinds = std::make_shared<safemodel::KindRegistry>();
  safemodel::Status s = kinds->Add(std::move(kind));
  if (!s.ok()) throw std::runtime_error(s.ToString());
  return kinds;
}

safemodel::LoadOptions WithScorecard() {
  safemodel::LoadOptions options;
  options.kinds = Registry(ScorecardKind());
  return options;
}

// One signing key for the whole test binary.
safemodel::SecretKey GenerateKey() {
  auto k = safemodel::SecretKey::Generate();
  if (!k.ok()) throw std::runtime_error(k.status().ToString());
  return std::move(*k);
}

const safemodel::SecretKey& Key() {
  static const safemodel::SecretKey key = GenerateKey();
  return key;
}

safemodel::TrustPolicy Trust() {
  safemodel::TrustPolicy trust;
  safemodel::Status s = trust.store.Add("test", Key().public_key());
  if (!s.ok()) throw std::runtime_error(s.ToString());
  return trust;
}

// Writes `card` with `kind` and signs it: the normal way a model is made.
void WriteSigned(const std::string& path, const Scorecard& card,
                 const safemodel::Kind<schema::Scorecard, Scorecard>& kind = ScorecardKind()) {
  safemodel::Metadata metadata;
  metadata.name = "scorecard test";
  ASSERT_TRUE(safemodel::WriteCustom(path, metadata, kind, card).ok());
  safemodel::Status s = safemodel::SignFile(path, Key(), "scorecard test");
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// A kind of the same name and schema whose validator only takes the
// tensors: it lets a test write a file the real validator must refuse.
safemodel::Kind<schema::Scorecard, Scorecard> LaxKind() {
  auto kind = ScorecardKind();
  kind.read = [](schema::Scorecard::Reader r, safemodel::TensorSource& t) -> safemodel::Result<Scorecard> {
    SAFEMODEL_RETURN_IF_ERROR(t.Take(r.getEdges(), safemodel::DType::kF64, 1, "edges").status());
    SAFEMODEL_RETURN_IF_ERROR(t.Take(r.getEdgeOffsets(), safemodel::DType::kU32, 1, "edgeOffsets").status());
    SAFEMODEL_RETURN_IF_ERROR(t.Take(r.getPoints(), safemodel::DType::kF64, 1, "points").status());
    return Scorecard{};  // never run
  };
  return kind;
}

Scorecard Card(double base, std::array<int64_t, 2> classes, const std::vector<std::vector<double>>& edges,
               const std::vector<std::vector<double>>& points) {
  auto c = MakeScorecard(base, classes, edges, points);
  if (!c.ok()) throw std::runtime_error(c.status().ToString());
  return std::move(*c);
}

// The same scorecard with its points replaced (same shape).
Scorecard WithPoints(const Scorecard& s, std::vector<double> points) {
  auto owned = std::make_shared<std::pair<std::shared_ptr<const void>, std::vector<double>>>(s.storage, std::move(points));
  Scorecard out = s;
  out.points = owned->second;
  out.storage = owned;
  return out;
}
Scorecard WithEdges(const Scorecard& s, std::vector<double> edges) {
  auto owned = std::make_shared<std::pair<std::shared_ptr<const void>, std::vector<double>>>(s.storage, std::move(edges));
  Scorecard out = s;
  out.edges = owned->second;
  out.storage = owned;
  return out;
}

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

// ---- the oracle -------------------------------------------------------------------

// tools/fit_scorecard.py's output for `strategy`: made by the ctest fixture
// (scorecard.fit) into SCORECARD_ORACLE_DIR, or here if the test binary runs
// on its own.
std::string OracleDir(const std::string& strategy) {
  const std::string dir = std::string(SCORECARD_ORACLE_DIR) + "/" + strategy;
  if (fs::exists(dir + "/expected.json") && fs::exists(dir + "/table.json") && fs::exists(dir + "/X.csv")) return dir;
  const std::string cmd = std::string(SCORECARD_PYTHON) + " " + SCORECARD_FIT_SCRIPT + " " + dir + " --strategy " +
                          strategy + " > /dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
  return dir;
}

struct Oracle {
  Scorecard card;
  NumbersCsv x;
  std::vector<double> decision, proba;  // proba: rows x 2
  std::vector<int64_t> labels;
};

Oracle LoadOracle(const std::string& strategy) {
  const std::string dir = OracleDir(strategy);
  Oracle o;
  auto card = ScorecardFromJson(Slurp(dir + "/table.json"));
  if (!card.ok()) throw std::runtime_error(card.status().ToString());
  o.card = std::move(*card);
  auto x = ReadNumbersCsv(dir + "/X.csv");
  if (!x.ok()) throw std::runtime_error(x.status().ToString());
  o.x = std::move(*x);
  const auto expected = nlohmann::json::parse(Slurp(dir + "/expected.json"));
  o.decision = expected.at("decision_function").get<std::vector<double>>();
  for (const auto& row : expected.at("predict_proba")) {
    o.proba.push_back(row.at(0).get<double>());
    o.proba.push_back(row.at(1).get<double>());
  }
  o.labels = expected.at("predict").get<std::vector<int64_t>>();
  return o;
}

// The largest |a - b|, and how many elements differ in any bit.
struct Diff {
  double max_abs = 0.0;
  size_t differ = 0;
};
Diff Compare(const std::vector<double>& got, const std::vector<double>& want) {
  Diff d;
  EXPECT_EQ(got.size(), want.size());
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    d.max_abs = std::max(d.max_abs, std::fabs(got[i] - want[i]));
    if (Bits(got[i]) != Bits(want[i])) ++d.differ;
  }
  return d;
}

class OracleTest : public ::testing::TestWithParam<std::string> {};

// Fitted by scikit-learn, written with WriteCustom, signed, opened through
// trust and the registry: the same numbers as scikit-learn, bit for bit.
TEST_P(OracleTest, MatchesScikitLearnBitForBit) {
  const Oracle o = LoadOracle(GetParam());
  ASSERT_GE(o.x.rows, 300u);
  ASSERT_EQ(o.decision.size(), o.x.rows);
  TempDir dir;
  const std::string path = dir.file("scorecard.smdl");
  WriteSigned(path, o.card);

  auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->estimator_class(), "org.example.scorecard");
  EXPECT_EQ(model->num_features(), 6);
  EXPECT_EQ(model->trusted_signers(), 1u);

  auto proba = model->Run(Method::kPredictProba, o.x.data, o.x.rows, o.x.cols);
  ASSERT_TRUE(proba.ok()) << proba.status().ToString();
  ASSERT_EQ(proba->cols, 2u);
  auto decision = model->Run(Method::kDecisionFunction, o.x.data, o.x.rows, o.x.cols);
  ASSERT_TRUE(decision.ok()) << decision.status().ToString();
  ASSERT_EQ(decision->cols, 1u);
  auto labels = model->Run(Method::kPredict, o.x.data, o.x.rows, o.x.cols);
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  ASSERT_EQ(labels->kind, safemodel::Output::Kind::kIntLabels);

  const Diff dp = Compare(proba->numbers, o.proba), dd = Compare(decision->numbers, o.decision);
  std::cout << GetParam() << ": " << o.x.rows << " rows, predict_proba max |diff| " << dp.max_abs
            << " (" << dp.differ << " differ), decision_function max |diff| " << dd.max_abs << " (" << dd.differ
            << " differ)\n";
  RecordProperty("max_abs_diff_proba", std::to_string(dp.max_abs));
  EXPECT_EQ(dp.differ, 0u) << "predict_proba is not bit-exact; max |diff| " << dp.max_abs;
  EXPECT_EQ(dd.differ, 0u) << "decision_function is not bit-exact; max |diff| " << dd.max_abs;
  EXPECT_EQ(labels->ints, o.labels);
  // predict_log_proba comes from the library: log(predict_proba).
  auto log_proba = model->Run(Method::kPredictLogProba, o.x.data, o.x.rows, o.x.cols);
  ASSERT_TRUE(log_proba.ok()) << log_proba.status().ToString();
  EXPECT_EQ(Bits(log_proba->numbers[1]), Bits(std::log(o.proba[1])));

  // Spread over threads: the same bits.
  safemodel::RunOptions threads;
  threads.threads = 4;
  threads.min_rows_per_thread = 16;
  auto threaded = model->Run(Method::kPredictProba, o.x.data, o.x.rows, o.x.cols, "", threads);
  ASSERT_TRUE(threaded.ok()) << threaded.status().ToString();
  EXPECT_EQ(threaded->numbers, proba->numbers);

  // The checked object itself, through CustomObject: the file's tables, and
  // its methods called directly.
  const Scorecard* card = safemodel::CustomObject<Scorecard>(*model);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->n_features, 6u);
  EXPECT_EQ(card->classes, (std::array<int64_t, 2>{-3, 7}));
  EXPECT_EQ(card->feature_names.size(), 6u);
  EXPECT_EQ(card->edge_offsets, o.card.edge_offsets);
  EXPECT_TRUE(std::equal(card->points.begin(), card->points.end(), o.card.points.begin(), o.card.points.end()));
  EXPECT_EQ(Bits(card->base), Bits(o.card.base));
  auto direct = PredictProba(*card, safemodel::Rows{o.x.data, o.x.rows, o.x.cols});
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_EQ(Compare(direct->numbers, o.proba).differ, 0u);
  EXPECT_EQ(safemodel::CustomObject<int>(*model), nullptr);  // another type: null, not a bad cast
}

INSTANTIATE_TEST_SUITE_P(Strategies, OracleTest, ::testing::Values("quantile", "uniform", "kmeans"));

// np.searchsorted(edges, x, side="right"): a value on an edge goes to the
// bin above it, -0.0 is 0.0, one ulp below goes below.
TEST(ScorecardTest, BinsLikeSearchsortedRight) {
  const Scorecard card = Card(0.0, {0, 1}, {{-1.0, 0.0, 1.0}}, {{1.0, 2.0, 4.0, 8.0}});
  const std::vector<double> x = {-2.0, -1.0, std::nextafter(0.0, -1.0), -0.0, 0.0, 0.5, 1.0, 1e300};
  auto out = DecisionFunction(card, safemodel::Rows{x, x.size(), 1});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->numbers, (std::vector<double>{1.0, 2.0, 2.0, 4.0, 4.0, 4.0, 8.0, 8.0}));
}

// ---- refusals ---------------------------------------------------------------------

// A reader that has not registered the kind refuses the file, naming it.
TEST(ScorecardTest, UnregisteredKindIsUnsupported) {
  TempDir dir;
  const std::string path = dir.file("m.smdl");
  WriteSigned(path, ExampleScorecards().at(0));
  auto model = safemodel::Model::Open(path, Trust());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Code::kUnsupported) << model.status().ToString();
  EXPECT_THAT(model.status().message(), HasSubstr("kind 'org.example.scorecard' is not registered"));
}

// A reader that registered a newer-than-itself file's kind refuses it too.
TEST(ScorecardTest, NewerVersionIsUnsupported) {
  TempDir dir;
  const std::string path = dir.file("m.smdl");
  auto v2 = ScorecardKind();
  v2.version = 2;
  WriteSigned(path, ExampleScorecards().at(0), v2);
  auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Code::kUnsupported) << model.status().ToString();
  EXPECT_THAT(model.status().message(), HasSubstr("'org.example.scorecard' version 2"));
}

struct BadCase {
  const char* name;
  std::function<Scorecard()> make;
  const char* field;  // the place the refusal names, after kPlace + ".body."
  const char* what;   // and a piece of what it says
};

Scorecard Base() { return ExampleScorecards().at(1); }  // 3 features: edges {3, 0, 1}, points {4, 1, 2}

std::vector<BadCase> BadCases() {
  return {
      {"UnsortedEdges", [] { return WithEdges(Base(), {-1.0, 2.0, 0.5, 10.0}); }, "edges[2]", "0.5 is not above edges[1] = 2 (feature 0"},
      {"DuplicateEdge", [] { return WithEdges(Base(), {-1.0, 0.5, 0.5, 10.0}); }, "edges[2]", "0.5 is not above edges[1] = 0.5"},
      {"InfiniteEdge", [] { return WithEdges(Base(), {-1.0, 0.5, 2.0, INFINITY}); }, "edges[3]", "inf is not finite"},
      {"NanPoint",
       [] { return WithPoints(Base(), {0.1, -0.2, NAN, 1.25, 0.75, -2.0, 2.0}); }, "points[2]", "nan is not finite"},
      {"InfiniteBase",
       [] {
         Scorecard s = Base();
         s.base = -INFINITY;
         return s;
       },
       "base", "-inf is not finite"},
      {"EqualClasses",
       [] {
         Scorecard s = Base();
         s.classes = {7, 7};
         return s;
       },
       "classes", "both labels are 7"},
      {"NoFeatures",
       [] {
         Scorecard s = Base();
         s.n_features = 0;
         return s;
       },
       "nFeatures", "0 out of range"},
      {"TooManyFeatures",
       [] {
         Scorecard s = Base();
         s.n_features = kMaxScorecardFeatures + 1;
         return s;
       },
       "nFeatures", "out of range"},
      {"OffsetsDecrease",
       [] {
         Scorecard s = Base();
         s.edge_offsets = {0, 3, 2, 4};
         return s;
       },
       "edgeOffsets[2]", "2 is below edgeOffsets[1] = 3"},
      {"OffsetsDoNotStartAtZero",
       [] {
         Scorecard s = Base();
         s.edge_offsets = {1, 3, 3, 4};
         return s;
       },
       "edgeOffsets", "starts at 1"},
      {"OffsetsPastEdges",
       [] {
         Scorecard s = Base();
         s.edge_offsets = {0, 3, 3, 5};
         return s;
       },
       "edges", "edgeOffsets ends at 5"},
      {"OffsetsCountWrong",
       [] {
         Scorecard s = Base();
         s.edge_offsets = {0, 3, 4};
         return s;
       },
       "edgeOffsets", "3 entries for 3 features"},
      {"PointsShort",
       [] { return WithPoints(Base(), {0.1, -0.2, 0.3, 1.25, 0.75, -2.0}); }, "points", "6 points for 7 bins"},
      {"NamesCountWrong",
       [] {
         Scorecard s = Base();
         s.feature_names = {"a", "b"};
         return s;
       },
       "featureNames", "2 names for 3 features"},
      {"ControlCharInName",
       [] {
         Scorecard s = Base();
         s.feature_names = {"a", "b\x1b[31m", "c"};
         return s;
       },
       "featureNames[1]", "control characters"},
  };
}

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ValidatorTest : public ::testing::TestWithParam<BadCase> {};

// Written through a lax validator and signed: the signature is good, the
// real validator refuses the values, naming the field.
TEST_P(ValidatorTest, RefusesSignedFileNamingTheField) {
  const BadCase& c = GetParam();
  TempDir dir;
  const std::string path = dir.file("bad.smdl");
  ASSERT_NO_FATAL_FAILURE(WriteSigned(path, c.make(), LaxKind()));
  auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Code::kCorruption) << model.status().ToString();
  EXPECT_THAT(model.status().message(), HasSubstr(std::string(kPlace) + ".body." + c.field + ":"));
  EXPECT_THAT(model.status().message(), HasSubstr(c.what));
}

// WriteCustom reads its result back through the real validator: the same
// values are refused before anything is written, naming the field.
TEST_P(ValidatorTest, WriteCustomRefusesAndLeavesNoFile) {
  const BadCase& c = GetParam();
  TempDir dir;
  const std::string path = dir.file("bad.smdl");
  safemodel::Status s = safemodel::WriteCustom(path, {}, ScorecardKind(), c.make());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_THAT(s.message(), HasSubstr(std::string(kPlace) + ".body." + c.field + ":"));
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir.path())) << "a temporary file was left behind";
  auto bytes = safemodel::SerializeCustom({}, ScorecardKind(), c.make());
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Bad, ValidatorTest, ::testing::ValuesIn(BadCases()),
                         [](const auto& info) { return std::string(info.param.name); });

// edgeOffsets stored as u64 instead of the schema's u32: the library's
// dtype check in TensorSource refuses it, naming the field.
TEST(ScorecardTest, WrongTensorDtypeIsCorruption) {
  auto wide = LaxKind();
  wide.write = [](const Scorecard& c, schema::Scorecard::Builder b, safemodel::TensorSink& t) -> safemodel::Status {
    b.setNFeatures(c.n_features);
    b.setBase(c.base);
    auto classes = b.initClasses(2);
    classes.set(0, c.classes[0]);
    classes.set(1, c.classes[1]);
    const std::vector<uint64_t> offsets(c.edge_offsets.begin(), c.edge_offsets.end());
    SAFEMODEL_ASSIGN_OR_RETURN(uint32_t e, t.Add<double>("edges", c.edges, {c.edges.size()}));
    SAFEMODEL_ASSIGN_OR_RETURN(uint32_t o, t.Add<uint64_t>("edgeOffsets", offsets, {offsets.size()}));
    SAFEMODEL_ASSIGN_OR_RETURN(uint32_t p, t.Add<double>("points", c.points, {c.points.size()}));
    b.setEdges(e);
    b.setEdgeOffsets(o);
    b.setPoints(p);
    return safemodel::Status::Ok();
  };
  wide.read = [](schema::Scorecard::Reader r, safemodel::TensorSource& t) -> safemodel::Result<Scorecard> {
    SAFEMODEL_RETURN_IF_ERROR(t.Take(r.getEdges(), safemodel::DType::kF64, 1, "edges").status());
    SAFEMODEL_RETURN_IF_ERROR(t.Take(r.getEdgeOffsets(), safemodel::DType::kU64, 1, "edgeOffsets").status());
    SAFEMODEL_RETURN_IF_ERROR(t.Take(r.getPoints(), safemodel::DType::kF64, 1, "points").status());
    return Scorecard{};
  };
  TempDir dir;
  const std::string path = dir.file("m.smdl");
  ASSERT_NO_FATAL_FAILURE(WriteSigned(path, Base(), wide));
  auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Code::kCorruption) << model.status().ToString();
  EXPECT_THAT(model.status().message(), HasSubstr(std::string(kPlace) + ".body.edgeOffsets"));
  EXPECT_THAT(model.status().message(), HasSubstr("u64"));
}

// A byte of the points tensor flipped in a signed file: its hash no longer
// matches the signed header. The refusal names the kind, the tensor and
// where in the data region it lies.
TEST(ScorecardTest, TamperedTensorDataIsCorruption) {
  TempDir dir;
  const std::string path = dir.file("m.smdl");
  WriteSigned(path, Base());
  std::string points;
  {
    auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    const safemodel::TensorView* t = model->FindTensor("points");
    ASSERT_NE(t, nullptr);
    points.assign(reinterpret_cast<const char*>(t->bytes.data()), t->bytes.size());
  }
  std::string bytes = Slurp(path);
  const size_t at = bytes.find(points);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(bytes.find(points, at + 1), std::string::npos);
  bytes[at + points.size() / 2] ^= 0x01;
  Spit(path, bytes);
  auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Code::kCorruption) << model.status().ToString();
  EXPECT_THAT(model.status().message(), HasSubstr(kPlace));
  EXPECT_THAT(model.status().message(), HasSubstr("'points'"));
  EXPECT_THAT(model.status().message(), HasSubstr("data@"));
}

// A byte of the header flipped: the trusted signature no longer verifies,
// and that is found before the header is parsed.
TEST(ScorecardTest, TamperedHeaderIsSignatureInvalid) {
  TempDir dir;
  const std::string path = dir.file("m.smdl");
  WriteSigned(path, Base());
  std::string bytes = Slurp(path);
  bytes[16 + 8] ^= 0x40;  // the preamble is 16 bytes; this is inside the header
  Spit(path, bytes);
  auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Code::kSignatureInvalid) << model.status().ToString();
  EXPECT_THAT(model.status().message(), HasSubstr(safemodel::KeyIdHex(Key().id())));
}

// Unsigned files are refused by default, whatever their kind.
TEST(ScorecardTest, UnsignedIsUntrusted) {
  TempDir dir;
  const std::string path = dir.file("m.smdl");
  ASSERT_TRUE(safemodel::WriteCustom(path, {}, ScorecardKind(), Base()).ok());
  auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Code::kUntrusted) << model.status().ToString();
}

class InputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteSigned(path_, Base());
    auto model = safemodel::Model::Open(path_, Trust(), WithScorecard());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    model_ = std::make_unique<safemodel::Model>(std::move(*model));
  }
  TempDir dir_;
  std::string path_ = dir_.file("m.smdl");
  std::unique_ptr<safemodel::Model> model_;
};

TEST_F(InputTest, WrongWidthIsInvalidArgument) {
  const std::vector<double> x = {1, 2, 3, 4};
  auto out = model_->Run(Method::kPredictProba, x, 2, 2);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument) << out.status().ToString();
  EXPECT_THAT(out.status().message(), HasSubstr("org.example.scorecard"));
  EXPECT_THAT(out.status().message(), HasSubstr("3 features"));
}

TEST_F(InputTest, NonFiniteCellIsInvalidArgumentNamingIt) {
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()}) {
    std::vector<double> x = {0, 1, 2, 3, 4, 5};
    x[5] = bad;
    for (Method m : {Method::kPredict, Method::kPredictProba, Method::kDecisionFunction}) {
      auto out = model_->Run(m, x, 2, 3);
      ASSERT_FALSE(out.ok());
      EXPECT_EQ(out.status().code(), Code::kInvalidArgument) << out.status().ToString();
      EXPECT_THAT(out.status().message(), HasSubstr("X[1, 2]"));
      EXPECT_THAT(out.status().message(), HasSubstr("org.example.scorecard"));
    }
  }
}

TEST_F(InputTest, UnofferedMethodIsUnsupported) {
  const std::vector<double> x = {0, 1, 2};
  auto out = model_->Run(Method::kTransform, x, 1, 3);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kUnsupported) << out.status().ToString();
}

// ---- the registry and the examples ------------------------------------------------

TEST(ScorecardTest, RegistryRefusesTheKindTwice) {
  safemodel::KindRegistry kinds;
  ASSERT_TRUE(kinds.Add(ScorecardKind()).ok());
  safemodel::Status s = kinds.Add(ScorecardKind());
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("org.example.scorecard"));
  auto renamed = ScorecardKind();
  renamed.name = "org.example.other";
  s = kinds.Add(renamed);  // the same schema under another name
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("schema is registered already"));
}

// Every example round-trips: written, signed, opened, the same tables and
// the same predictions as the object in memory.
TEST(ScorecardTest, ExamplesRoundTrip) {
  const auto examples = ExampleScorecards();
  ASSERT_EQ(examples.size(), 3u);
  for (size_t i = 0; i < examples.size(); ++i) {
    SCOPED_TRACE(i);
    const Scorecard& want = examples[i];
    TempDir dir;
    const std::string path = dir.file("m.smdl");
    ASSERT_NO_FATAL_FAILURE(WriteSigned(path, want));
    auto model = safemodel::Model::Open(path, Trust(), WithScorecard());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    const Scorecard* got = safemodel::CustomObject<Scorecard>(*model);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(Describe(*got), Describe(want));
    EXPECT_EQ(model->estimator_summary(), Describe(want));
    EXPECT_EQ(got->edge_offsets, want.edge_offsets);
    EXPECT_TRUE(std::equal(got->edges.begin(), got->edges.end(), want.edges.begin(), want.edges.end()));
    EXPECT_TRUE(std::equal(got->points.begin(), got->points.end(), want.points.begin(), want.points.end()));
    EXPECT_EQ(got->feature_names, want.feature_names);
    std::vector<double> x;
    for (int r = 0; r < 50; ++r) {
      for (uint32_t j = 0; j < want.n_features; ++j) x.push_back(-3.5 + 0.17 * r + j);
    }
    const safemodel::Rows rows{x, 50, want.n_features};
    auto a = PredictProba(want, rows);
    auto b = model->Run(Method::kPredictProba, x, 50, want.n_features);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->numbers, b->numbers);
  }
}

}  // namespace
}  // namespace example
