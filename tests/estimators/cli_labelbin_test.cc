// `safemodel predict --method transform` on a CSV column of string labels
// through a converted LabelBinarizer; scikit-learn's transform of the same
// labels is the oracle. An empty ("") cell is refused naming the cell, a
// second column naming the width.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace safemodel {
namespace {

using testing::Cli;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

class CliLabelBinarizer : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string script = R"PY(
import sys, pickle
import numpy as np
from sklearn.preprocessing import LabelBinarizer
out = sys.argv[1]
m = LabelBinarizer(neg_label=-1, pos_label=1).fit(np.array(["Oslo", "Lima", "Pune", "Nuuk", "Lima"], dtype=object))
y = np.array(["Pune", "Lima", "Rome", "Oslo", "Nuuk", "Lima"], dtype=object)
pickle.dump(m, open(out + "/m.pkl", "wb"), protocol=4)
open(out + "/want.txt", "w").write("".join(",".join(str(int(v)) for v in r) + "\n" for r in m.transform(y)))
open(out + "/y.csv", "w").write("".join(v + "\n" for v in y))
open(out + "/y_empty.csv", "w").write("Pune\n\"\"\nLima\n")
open(out + "/y_wide.csv", "w").write("Pune,Lima\n")
)PY";
    WriteFile(dir_ / "make.py", script);
    auto r = testing::Run({"/usr/bin/python3", dir_ / "make.py", dir_.path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Cli({"convert", dir_ / "m.pkl", "-o", dir_ / "m.smdl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  testing::RunResult Transform(const std::string& input) {
    return Cli({"predict", dir_ / "m.smdl", "--input", dir_ / input, "--method", "transform", "--header", "no",
                "--allow-unsigned"});
  }
  TempDir dir_;
};

TEST_F(CliLabelBinarizer, StringLabelColumnMatchesScikitLearn) {
  auto r = Transform("y.csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ReadFile(dir_ / "want.txt"));
}

TEST_F(CliLabelBinarizer, EmptyCellAndSecondColumnAreRefused) {
  auto r = Transform("y_empty.csv");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("X[1, 0]: nan is not a label"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("y_empty.csv:2, cell 1"), std::string::npos) << r.err;
  r = Transform("y_wide.csv");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("LabelBinarizer: X has 2 columns, expected 1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace safemodel
