// `safemodel predict` with named and string columns: a model fitted on a
// pandas DataFrame keeps feature_names_in_, and CSV input with a header row
// is matched to it by name in any order; quoting, headers, string cells and
// string .npy inputs. scikit-learn's predictions on the DataFrame are the
// oracle.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace safemodel {
namespace {

using testing::Cli;
using testing::ReadFile;
using testing::RunResult;
using testing::TempDir;
using testing::WriteFile;

class CliTable : public ::testing::Test {
 protected:
  void SetUp() override {
    // LogisticRegression on a DataFrame with columns (b, a, c); its labels on
    // the training frame go to want.txt, the frame itself to x_*.csv in two
    // column orders.
    const std::string script = R"PY(
import sys, pickle
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.datasets import make_classification
out = sys.argv[1]
X, y = make_classification(n_samples=60, n_features=3, n_informative=3, n_redundant=0, random_state=0)
df = pd.DataFrame(X, columns=["b", "a", "c"])
m = LogisticRegression().fit(df, np.array(["no", "yes"])[y])
pickle.dump(m, open(out + "/m.pkl", "wb"), protocol=4)
open(out + "/want.txt", "w").write("\n".join(m.predict(df)) + "\n")
df.to_csv(out + "/x_same.csv", index=False, float_format="%.17g")
df[["c", "a", "b"]].to_csv(out + "/x_shuffled.csv", index=False, float_format="%.17g")
df[["c", "a"]].to_csv(out + "/x_missing.csv", index=False, float_format="%.17g")
df.assign(d=1.0).to_csv(out + "/x_extra.csv", index=False, float_format="%.17g")
np.save(out + "/x_str.npy", np.array([["1.0", "2.0", "x"]]))
)PY";
    WriteFile(dir_ / "make.py", script);
    auto r = testing::Run({"/usr/bin/python3", dir_ / "make.py", dir_.path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Cli({"convert", dir_ / "m.pkl", "-o", dir_ / "m.smdl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  RunResult Predict(const std::string& input, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"predict", dir_ / "m.smdl", "--input", dir_ / input, "--allow-unsigned"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  }
  TempDir dir_;
};

TEST_F(CliTable, HeaderColumnsMatchedByNameInAnyOrder) {
  const std::string want = ReadFile(dir_ / "want.txt");
  for (const char* input : {"x_same.csv", "x_shuffled.csv"}) {
    auto r = Predict(input);
    ASSERT_EQ(r.exit_code, 0) << input << ": " << r.err;
    EXPECT_EQ(r.out, want) << input;
  }
  // The shuffled file read positionally gives other labels: the match is real.
  auto r = Predict("x_shuffled.csv", {"--header", "no"});
  EXPECT_NE(r.exit_code, 0);  // the header line is strings: refused, naming line 1
  EXPECT_NE(r.err.find("x_shuffled.csv:1, cell 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--header yes"), std::string::npos) << r.err;
}

TEST_F(CliTable, MissingAndUnknownColumnsAreNamed) {
  auto r = Predict("x_missing.csv", {"--header", "yes"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("input has no column 'b'"), std::string::npos) << r.err;
  r = Predict("x_extra.csv");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("input column 'd' is not one of the model's features"), std::string::npos) << r.err;
}

TEST_F(CliTable, InspectListsTheFeatureNames) {
  auto r = Cli({"inspect", dir_ / "m.smdl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("features: 3 (b, a, c)"), std::string::npos) << r.out;
}

TEST_F(CliTable, QuotedCellsAndCrLfParse) {
  // Same frame, every cell quoted, CRLF line ends, a blank line.
  const std::string same = ReadFile(dir_ / "x_same.csv");
  std::string quoted;
  bool at_start = true;
  for (char c : same) {
    if (c == '\n') {
      quoted += "\"\r\n";
      at_start = true;
      continue;
    }
    if (at_start) quoted += '"';
    at_start = false;
    quoted += c == ',' ? std::string("\",\"") : std::string(1, c);
  }
  WriteFile(dir_ / "x_quoted.csv", quoted + "\r\n");
  auto r = Predict("x_quoted.csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ReadFile(dir_ / "want.txt"));
  WriteFile(dir_ / "x_open.csv", "b,a,c\n\"1,2,3\n");
  r = Predict("x_open.csv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("x_open.csv:2:1: quoted cell is not closed"), std::string::npos) << r.err;
}

TEST_F(CliTable, StringNpyCellsReachTheEstimatorAndAreRefusedByName) {
  auto r = Predict("x_str.npy");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // Every cell of a '<U' array is a string, as scikit-learn's check_array sees it.
  EXPECT_NE(r.err.find("X[0, 0]: '1.0' is not a number (LogisticRegression takes numbers)"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace safemodel
