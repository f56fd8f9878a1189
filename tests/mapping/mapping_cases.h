// The scikit-learn case files every mapping test uses: generated once per
// build by make_mapping_cases.py (and the per-family files in cases/ it
// runs), converted through the pickle VM and MapGraph, written, reopened and
// compared with scikit-learn's own outputs.
#ifndef SAFEMODEL_TESTS_MAPPING_MAPPING_CASES_H_
#define SAFEMODEL_TESTS_MAPPING_MAPPING_CASES_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "format/estimator_codec.h"
#include "mapping/mapping.h"
#include "pickle/vm.h"
#include "safemodel/model.h"
#include "test_util.h"

namespace safemodel::mapping {

using Json = nlohmann::json;
namespace fs = std::filesystem;

// Generated once per build and script version (ctest runs each test in its
// own process), cached under the build folder like tests/estimators/oracle.h.
class Cases {
 public:
  static Cases& Get() {
    static Cases c;
    return c;
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  const Json& manifest() const { return manifest_; }
  const Json* Find(const std::string& name) const {
    for (const auto& c : manifest_) if (c["name"] == name) return &c;
    return nullptr;
  }

 private:
  Cases() {
    const std::string script = std::string(SAFEMODEL_SOURCE_DIR) + "/tests/mapping/make_mapping_cases.py";
    // The key covers the script and the per-family case files it runs.
    std::string sources = testing::ReadFile(script);
    std::vector<fs::path> extra;
    for (const auto& e : fs::directory_iterator(fs::path(SAFEMODEL_SOURCE_DIR) / "tests/mapping/cases")) {
      if (e.path().extension() == ".py") extra.push_back(e.path());
    }
    std::sort(extra.begin(), extra.end());
    for (const auto& f : extra) sources += f.string() + testing::ReadFile(f.string());
    const std::string key = std::to_string(std::hash<std::string>{}(sources));
    const fs::path cache = fs::path(SAFEMODEL_BINARY_DIR) / "test-cache";
    dir_ = (cache / ("mapping-cases-" + key)).string();
    if (!fs::exists(fs::path(dir_) / "DONE")) {
      std::error_code ec;
      fs::create_directories(cache, ec);
      testing::TempDir tmp;
      auto r = testing::Run({"/usr/bin/python3", script, tmp.path()});
      error_ = r.err;
      if (r.exit_code != 0) return;
      testing::WriteFile(tmp / "DONE", "");
      // Publish with one rename; a process that loses the race uses the winner's copy.
      const fs::path staged = cache / ("staging-" + fs::path(tmp.path()).filename().string());
      fs::copy(tmp.path(), staged, fs::copy_options::recursive, ec);
      if (!ec) fs::rename(staged, dir_, ec);
      if (ec) fs::remove_all(staged, ec);
    }
    ok_ = fs::exists(fs::path(dir_) / "DONE");
    if (ok_) manifest_ = Json::parse(testing::ReadFile(dir_ + "/manifest.json"));
  }
  std::string dir_, error_;
  bool ok_ = false;
  Json manifest_;
};

#define REQUIRE_CASES() ASSERT_TRUE(Cases::Get().ok()) << Cases::Get().error()

inline Result<Converted> MapFile(const std::string& path) {
  auto g = pickle::ParseModelFile(path);
  if (!g.ok()) return g.status().Wrap("parse");
  return MapGraph(*g);
}

// A JSON number, null (NaN) or "inf"/"-inf" (see clean() in make_mapping_cases.py).
inline double JsonNumber(const Json& v) {
  if (v.is_null()) return NAN;
  if (v.is_string()) return v.get<std::string>()[0] == '-' ? -INFINITY : INFINITY;
  return v.get<double>();
}

inline std::vector<double> Flatten(const Json& rows, size_t* nrows, size_t* ncols) {
  std::vector<double> out;
  *nrows = rows.size();
  *ncols = 0;
  for (const auto& r : rows) {
    if (r.is_array()) {
      *ncols = r.size();
      for (const auto& v : r) out.push_back(JsonNumber(v));
    } else {
      *ncols = 1;
      out.push_back(JsonNumber(r));
    }
  }
  return out;
}

inline Json FlatLabels(const Json& labels) {
  Json out = Json::array();
  for (const auto& r : labels) {
    if (r.is_array()) { for (const auto& v : r) out.push_back(v); } else { out.push_back(r); }
  }
  return out;
}

inline std::string ToHexForTest(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

inline bool Close(double got, double want, bool exact) {
  if (std::isnan(want)) return std::isnan(got);
  if (exact || got == want) return got == want;  // also +-inf
  return std::fabs(got - want) <= 1e-9 * std::max(1.0, std::fabs(want));
}

// X given as {"columns": [names], "cells": [[str or number]]} (text cases):
// a Table with string cells.
inline Table TableFromJson(const Json& X) {
  Table t;
  t.column_names = X["columns"].get<std::vector<std::string>>();
  t.rows = X["cells"].size();
  t.cols = t.rows ? X["cells"][0].size() : t.column_names.size();
  for (const auto& r : X["cells"]) {
    for (const auto& c : r) {
      t.strings.push_back(c.is_string() ? c.get<std::string>() : "");
      t.is_string.push_back(c.is_string() ? 1 : 0);
      t.numbers.push_back(c.is_string() ? std::nan("") : JsonNumber(c));
    }
  }
  return t;
}

// Runs one check (method on X) against scikit-learn's output.
inline void Check(const Model& model, const Json& X, const Json& check, const std::string& member) {
  size_t rows = 0, cols = 0;
  const std::vector<double> x = X.is_object() ? std::vector<double>{} : Flatten(X, &rows, &cols);
  const std::string method = check["method"];
  SCOPED_TRACE(method + (member.empty() ? "" : " member " + member));
  auto out = X.is_object() ? model.Run(*MethodFromName(method), TableFromJson(X), member)
                           : model.Run(*MethodFromName(method), x, rows, cols, member);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  if (check.contains("labels")) {
    const Json want = FlatLabels(check["labels"]);
    ASSERT_EQ(out->rows * out->cols, want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      const Json& w = want[i];
      switch (out->kind) {
        case Output::Kind::kIntLabels:
          ASSERT_TRUE(w.is_number_integer() || w.is_boolean()) << w;
          EXPECT_EQ(out->ints[i], w.is_boolean() ? int64_t{w.get<bool>()} : w.get<int64_t>()) << "row " << i;
          break;
        case Output::Kind::kFloatLabels:
          EXPECT_EQ(out->numbers[i], w.get<double>()) << "row " << i;
          break;
        case Output::Kind::kStringLabels:
          EXPECT_EQ(out->strings[i], w.get<std::string>()) << "row " << i;
          break;
        default: FAIL() << "numbers where labels were expected";
      }
    }
    return;
  }
  size_t wr = 0, wc = 0;
  const std::vector<double> want = Flatten(check["numbers"], &wr, &wc);
  ASSERT_EQ(out->kind, Output::Kind::kNumbers);
  ASSERT_EQ(out->rows, wr);
  ASSERT_EQ(out->cols, wc);
  const bool exact = check["exact"].get<bool>();
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(Close(out->numbers[i], want[i], exact))
        << "element " << i << ": got " << out->numbers[i] << " want " << want[i] << (exact ? " (exact)" : "");
  }
}

// Converts every file of a case, writes the .smdl, reopens it and compares.
// Returns the number of (file, check) pairs compared.
inline int RunCase(const Json& c) {
  int compared = 0;
  const std::string name = c["name"];
  for (const auto& f : c["files"]) {
    const std::string file = f;
    SCOPED_TRACE(file);
    auto conv = MapFile(Cases::Get().file(file));
    EXPECT_TRUE(conv.ok()) << conv.status().ToString();
    if (!conv.ok()) continue;
    EXPECT_TRUE(conv->weights.empty());
    EXPECT_TRUE(conv->content.has_value());
    if (!conv->content) continue;
    EXPECT_EQ(conv->metadata.library_versions["scikit-learn"], c["version"].get<std::string>());
    EXPECT_FALSE(conv->metadata.extra["safemodel.source_format"].empty());
    testing::TempDir tmp;
    Status w = format::WriteContent(tmp / "m.smdl", conv->metadata, *conv->content);
    EXPECT_TRUE(w.ok()) << w.ToString();
    if (!w.ok()) continue;
    auto model = Model::Inspect(tmp / "m.smdl");
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    if (!model.ok()) continue;
    if (c.contains("member_checks")) {
      EXPECT_EQ(model->kind(), EstimatorKind::kBundle);
      EXPECT_EQ(model->members(), c["bundle"]["members"].get<std::vector<std::string>>());
      for (const auto& mc : c["member_checks"]) {
        for (const auto& check : mc["checks"]) {
          Check(*model, mc["X"], check, mc["member"]);
          ++compared;
        }
      }
    } else {
      EXPECT_EQ(model->kind(), EstimatorKind::kEstimator);
      EXPECT_EQ(model->estimator_class(), c["class"].get<std::string>());
      for (const auto& check : c["checks"]) {
        Check(*model, c["X"], check, "");
        ++compared;
      }
    }
  }
  return compared;
}

inline void RunCases(const std::function<bool(const std::string&)>& select, int min_cases) {
  REQUIRE_CASES();
  int cases = 0, compared = 0;
  for (const auto& c : Cases::Get().manifest()) {
    const std::string name = c["name"];
    if (c["class"] == "weights" || !select(name)) continue;
    SCOPED_TRACE("case " + name);
    ++cases;
    const int n = RunCase(c);
    EXPECT_GT(n, 0);
    compared += n;
  }
  EXPECT_GE(cases, min_cases);
  std::printf("%d cases, %d (file, method) comparisons\n", cases, compared);
}

// Maps every case the filter picks and compares with scikit-learn (expects
// `count` cases; each comparison is an EXPECT).
#define EXPECT_CASES_MATCH_SKLEARN(...) RunCases(__VA_ARGS__)

inline bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }
inline bool IsOtherVersion(const std::string& n) {
  for (const char* p : {"old021_", "v102_", "numpy2_", "v18_", "v15_", "v13_", "v14_", "layout_"}) {
    if (StartsWith(n, p)) return true;
  }
  return false;
}

// Parses refuse_<name>.pkl, maps it and expects a refusal with `code_` whose
// message names the pickle offset and every given substring.
#define EXPECT_MAP_REFUSED(name, code_, ...)                                             \
  do {                                                                                   \
    REQUIRE_CASES();                                                                     \
    auto _g = pickle::ParseModelFile(Cases::Get().file("refuse_" name ".pkl"));          \
    ASSERT_TRUE(_g.ok()) << "the VM must accept it: " << _g.status().ToString();         \
    auto _r = MapGraph(*_g);                                                             \
    ASSERT_FALSE(_r.ok()) << "expected a refusal";                                       \
    EXPECT_EQ(_r.status().code(), (code_)) << _r.status().ToString();                    \
    for (const char* _s : {"pickle@0x", __VA_ARGS__}) {                                  \
      EXPECT_NE(_r.status().message().find(_s), std::string::npos)                       \
          << "no '" << _s << "' in: " << _r.status().message();                          \
    }                                                                                    \
  } while (0)


// ---- table cases ("table": true in the manifest: X holds string cells) ----

// The case's X as a Table: strings are string cells, null is NaN.
inline Table ToTable(const Json& c) {
  Table t;
  const Json& x = c["X"];
  t.rows = x.size();
  t.cols = x.empty() ? 0 : x[0].size();
  bool any_string = false;
  for (const auto& r : x) {
    for (const auto& v : r) any_string |= v.is_string();
  }
  for (const auto& r : x) {
    for (const auto& v : r) {
      const bool s = v.is_string();
      t.numbers.push_back(s || v.is_null() ? NAN : v.get<double>());
      if (any_string) {
        t.strings.push_back(s ? v.get<std::string>() : (v.is_null() ? "" : std::to_string(v.get<double>())));
        t.is_string.push_back(s ? 1 : 0);
      }
    }
  }
  if (c.contains("columns")) t.column_names = c["columns"].get<std::vector<std::string>>();
  return t;
}

inline void CheckTable(const Model& model, const Table& x, const Json& check) {
  const std::string method = check["method"];
  SCOPED_TRACE(method);
  auto out = model.Run(*MethodFromName(method), x);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  if (check.contains("labels")) {
    const Json want = FlatLabels(check["labels"]);
    ASSERT_EQ(out->rows * out->cols, want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      if (out->kind == Output::Kind::kStringLabels) {
        EXPECT_EQ(out->strings[i], want[i].get<std::string>()) << "row " << i;
      } else {
        ASSERT_EQ(out->kind, Output::Kind::kIntLabels);
        EXPECT_EQ(out->ints[i], want[i].get<int64_t>()) << "row " << i;
      }
    }
    return;
  }
  size_t wr = 0, wc = 0;
  const std::vector<double> want = Flatten(check["numbers"], &wr, &wc);
  ASSERT_EQ(out->kind, Output::Kind::kNumbers);
  ASSERT_EQ(out->rows, wr);
  ASSERT_EQ(out->cols, wc);
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(Close(out->numbers[i], want[i], check["exact"].get<bool>()))
        << "element " << i << ": got " << out->numbers[i] << " want " << want[i];
  }
}

inline void RunTableCases(const std::function<bool(const std::string&)>& select, int min_cases) {
  REQUIRE_CASES();
  int cases = 0, compared = 0;
  for (const auto& c : Cases::Get().manifest()) {
    const std::string name = c["name"];
    if (!c.contains("table") || !select(name)) continue;
    SCOPED_TRACE("case " + name);
    ++cases;
    const Table x = ToTable(c);
    for (const auto& f : c["files"]) {
      SCOPED_TRACE(f.get<std::string>());
      auto conv = MapFile(Cases::Get().file(f));
      ASSERT_TRUE(conv.ok()) << conv.status().ToString();
      ASSERT_TRUE(conv->content.has_value());
      EXPECT_EQ(conv->metadata.library_versions["scikit-learn"], c["version"].get<std::string>());
      testing::TempDir tmp;
      Status w = format::WriteContent(tmp / "m.smdl", conv->metadata, *conv->content);
      ASSERT_TRUE(w.ok()) << w.ToString();
      auto model = Model::Inspect(tmp / "m.smdl");
      ASSERT_TRUE(model.ok()) << model.status().ToString();
      EXPECT_EQ(model->estimator_class(), c["class"].get<std::string>());
      for (const auto& check : c["checks"]) {
        CheckTable(*model, x, check);
        ++compared;
      }
    }
  }
  EXPECT_GE(cases, min_cases);
  std::printf("%d cases, %d (file, method) comparisons\n", cases, compared);
}

#define EXPECT_TABLE_CASES_MATCH_SKLEARN(...) RunTableCases(__VA_ARGS__)

}  // namespace safemodel::mapping

#endif  // SAFEMODEL_TESTS_MAPPING_MAPPING_CASES_H_
