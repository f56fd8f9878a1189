// `safemodel predict` end to end: a model file made from a scikit-learn
// model, X as CSV and .npy, outputs compared with scikit-learn's own.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>

#include "estimators/oracle.h"
#include "format/estimator_codec.h"
#include "safemodel/writer.h"

namespace safemodel::estimators {
namespace {

using testing::BuildFrom;
using testing::LoadCase;
using testing::Oracle;
using safemodel::testing::Cli;
using safemodel::testing::TempDir;

std::string ToCsv(MatrixView x) {
  std::string s;
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t c = 0; c < x.cols; ++c) {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x.at(r, c));
      if (c) s += ',';
      s.append(buf, static_cast<size_t>(end - buf));
    }
    s += '\n';
  }
  return s;
}

std::vector<std::vector<std::string>> Cells(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  size_t start = 0;
  while (start < csv.size()) {
    size_t nl = csv.find('\n', start);
    std::string line = csv.substr(start, nl - start);
    start = nl == std::string::npos ? csv.size() : nl + 1;
    std::vector<std::string> cells;
    size_t c = 0;
    for (;;) {
      size_t comma = line.find(',', c);
      cells.push_back(line.substr(c, comma - c));
      if (comma == std::string::npos) break;
      c = comma + 1;
    }
    rows.push_back(cells);
  }
  return rows;
}

class CliPredict : public ::testing::Test {
 protected:
  // Writes the case's model, signed by a fresh key, and X as CSV.
  void Make(const std::string& name) {
    ASSERT_TRUE(Oracle::Get().ok()) << Oracle::Get().error();
    c_ = LoadCase(name);
    auto built = BuildFrom(*c_, c_->meta, "", "model");
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    ASSERT_TRUE(format::WriteContent(dir_ / "m.smdl", {}, std::move(built).value()).ok());
    ASSERT_EQ(Cli({"keygen", "-p", dir_ / "k.pub", "-s", dir_ / "k.key", "-W"}).exit_code, 0);
    auto r = Cli({"sign", dir_ / "m.smdl", "-s", dir_ / "k.key"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    safemodel::testing::WriteFile(dir_ / "x.csv", ToCsv(c_->matrix("X")));
  }
  safemodel::testing::RunResult Predict(const std::string& method) {
    return Cli({"predict", dir_ / "m.smdl", "--input", dir_ / "x.csv", "--method", method, "-p", dir_ / "k.pub"});
  }
  TempDir dir_;
  std::unique_ptr<testing::Case> c_;
};

TEST_F(CliPredict, StringLabelsComeBackAsStored) {
  Make("rf_clf_str");
  auto r = Predict("predict");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = Cells(r.out);
  const auto& want = c_->meta["labels"];  // [[label], ...] or [label, ...]
  ASSERT_EQ(rows.size(), c_->matrix("X").rows);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& w = want[i].is_array() ? want[i][0] : want[i];
    EXPECT_EQ(rows[i][0], w.get<std::string>()) << "row " << i;
  }
}

TEST_F(CliPredict, NumbersRoundTripThroughCsvExactly) {
  Make("rf_reg_multi");
  auto r = Predict("predict");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rows = Cells(r.out);
  MatrixView want = c_->matrix("out_predict");
  ASSERT_EQ(rows.size(), want.rows);
  for (size_t i = 0; i < want.rows; ++i) {
    ASSERT_EQ(rows[i].size(), want.cols);
    for (size_t j = 0; j < want.cols; ++j) {
      double got = std::nan("");
      std::from_chars(rows[i][j].data(), rows[i][j].data() + rows[i][j].size(), got);
      EXPECT_EQ(got, want.at(i, j)) << "[" << i << ", " << j << "]";  // trees: bit-identical
    }
  }
}

TEST_F(CliPredict, BadInputNamesLineAndColumn) {
  Make("dt_clf");
  safemodel::testing::WriteFile(dir_ / "x.csv", "1,2,3\n4,oops,6\n");
  auto r = Predict("predict");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // A string cell reaches the estimator, which takes numbers: the message
  // names the cell and the CSV line it came from.
  EXPECT_NE(r.err.find("X[1, 1]: 'oops' is not a number"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("x.csv:2, cell 2"), std::string::npos) << r.err;
  safemodel::testing::WriteFile(dir_ / "x.csv", "1,2\n");
  r = Predict("predict");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("features"), std::string::npos) << r.err;
}

TEST_F(CliPredict, MissingMethodIsRefused) {
  Make("rf_reg_multi");
  auto r = Predict("predict_proba");
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

}  // namespace
}  // namespace safemodel::estimators
