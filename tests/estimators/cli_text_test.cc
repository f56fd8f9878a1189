// `safemodel predict` on text models: every line of a CSV or .txt file is one
// whole document (commas and quotes are text), for a TfidfVectorizer ->
// LogisticRegression pipeline with string labels and a CountVectorizer alone;
// scikit-learn's outputs on the same lines are the oracle.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
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

class CliText : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string script = R"PY(
import sys, pickle
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
out = sys.argv[1]
train = ["good great fine, excellent", "bad awful, terrible", "great movie", "awful movie, bad plot",
         "Très bien, café", "mal, très mal"]
y = ["pos", "neg", "pos", "neg", "pos", "neg"]
p = Pipeline([("v", TfidfVectorizer(ngram_range=(1, 2), strip_accents="unicode")),
              ("clf", LogisticRegression())]).fit(train, y)
pickle.dump(p, open(out + "/pipe.pkl", "wb"), protocol=4)
c = CountVectorizer().fit(train)
pickle.dump(c, open(out + "/count.pkl", "wb"), protocol=4)
docs = ["great, great movie", '"bad", awful plot', "tres bien,cafe", "", "nothing known here"]
text = "".join(d + "\n" for d in docs)
open(out + "/docs.csv", "w").write(text)
open(out + "/docs.txt", "w").write(text.replace("\n", "\r\n"))
open(out + "/want_labels.txt", "w").write("".join(l + "\n" for l in p.predict(docs)))
open(out + "/want_proba.txt", "w").write("".join(",".join(repr(float(v)) for v in r) + "\n"
                                                 for r in p.predict_proba(docs)))
open(out + "/want_counts.txt", "w").write("".join(",".join(str(int(v)) for v in r) + "\n"
                                                  for r in c.transform(docs).toarray()))
)PY";
    WriteFile(dir_ / "make.py", script);
    auto r = testing::Run({"/usr/bin/python3", dir_ / "make.py", dir_.path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* m : {"pipe", "count"}) {
      r = Cli({"convert", dir_ / (std::string(m) + ".pkl"), "-o", dir_ / (std::string(m) + ".smdl")});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  RunResult Predict(const std::string& model, const std::string& input, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"predict", dir_ / model, "--input", dir_ / input, "--allow-unsigned"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  }
  TempDir dir_;
};

std::vector<double> Numbers(const std::string& csv) {
  std::vector<double> out;
  std::stringstream ss(csv);
  std::string cell;
  while (std::getline(ss, cell, '\n')) {
    std::stringstream row(cell);
    while (std::getline(row, cell, ',')) out.push_back(std::stod(cell));
  }
  return out;
}

TEST_F(CliText, EachLineIsOneDocumentInCsvAndTxt) {
  const std::string want = ReadFile(dir_ / "want_labels.txt");
  for (const char* input : {"docs.csv", "docs.txt"}) {
    auto r = Predict("pipe.smdl", input);
    ASSERT_EQ(r.exit_code, 0) << input << ": " << r.err;
    EXPECT_EQ(r.out, want) << input;
  }
}

TEST_F(CliText, ProbabilitiesMatchScikitLearn) {
  auto r = Predict("pipe.smdl", "docs.csv", {"--method", "predict_proba"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = Numbers(r.out), want = Numbers(ReadFile(dir_ / "want_proba.txt"));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-9 * std::max(1.0, std::fabs(want[i]))) << i;
}

TEST_F(CliText, CountVectorizerTransformsWholeLines) {
  auto r = Predict("count.smdl", "docs.csv", {"--method", "transform"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ReadFile(dir_ / "want_counts.txt"));
  // A transformer has no predict: refused by name.
  r = Predict("count.smdl", "docs.csv", {"--method", "predict"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("has no predict"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace safemodel
