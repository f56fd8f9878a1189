// `safemodel predict` on a CSV with a header row and string cells, through a
// Pipeline(ColumnTransformer(OneHotEncoder, ...), LogisticRegression) fitted
// on a pandas DataFrame; scikit-learn's predictions on the same frame are the
// oracle. An unknown category is refused naming the row, column and value.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace safemodel {
namespace {

using testing::Cli;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

class CliEncoders : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string script = R"PY(
import sys, pickle
import numpy as np, pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
out = sys.argv[1]
rng = np.random.RandomState(0)
n = 80
df = pd.DataFrame({"city": np.array(["Oslo", "Lima", "Pune", "Nuuk"])[rng.randint(0, 4, n)],
                   "x": rng.randn(n).round(3),
                   "grade": np.array(["a", "b", "c"])[rng.randint(0, 3, n)]})
y = np.array(["no", "yes"])[((df.x > 0) ^ (df.city == "Lima")).astype(int)]
m = Pipeline([("ct", ColumnTransformer([("oh", OneHotEncoder(), ["city"]),
                                        ("ord", OrdinalEncoder(), ["grade"])], remainder="passthrough")),
              ("lr", LogisticRegression())]).fit(df, y)
pickle.dump(m, open(out + "/m.pkl", "wb"), protocol=4)
open(out + "/want.txt", "w").write("\n".join(m.predict(df)) + "\n")
df.to_csv(out + "/x.csv", index=False, float_format="%.17g")
df[["grade", "x", "city"]].to_csv(out + "/x_shuffled.csv", index=False, float_format="%.17g")
bad = df.iloc[:3].copy()
bad.loc[bad.index[2], "city"] = "Rome"
bad.to_csv(out + "/x_unknown.csv", index=False, float_format="%.17g")
)PY";
    WriteFile(dir_ / "make.py", script);
    auto r = testing::Run({"/usr/bin/python3", dir_ / "make.py", dir_.path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Cli({"convert", dir_ / "m.pkl", "-o", dir_ / "m.smdl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  testing::RunResult Predict(const std::string& input) {
    return Cli({"predict", dir_ / "m.smdl", "--input", dir_ / input, "--allow-unsigned"});
  }
  TempDir dir_;
};

TEST_F(CliEncoders, StringCsvThroughColumnTransformerPipelineMatchesScikitLearn) {
  const std::string want = ReadFile(dir_ / "want.txt");
  for (const char* input : {"x.csv", "x_shuffled.csv"}) {
    auto r = Predict(input);
    ASSERT_EQ(r.exit_code, 0) << input << ": " << r.err;
    EXPECT_EQ(r.out, want) << input;
  }
}

TEST_F(CliEncoders, UnknownCategoryIsRefusedNamingRowColumnAndValue) {
  auto r = Predict("x_unknown.csv");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("X[2, 0]: unknown category 'Rome' in column 0"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace safemodel
