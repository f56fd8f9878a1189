// scorecard-tool: write a scorecard fitted by tools/fit_scorecard.py, or run
// a signed one.
//
//   scorecard-tool write TABLE.json OUT.smdl         (unsigned: then `safemodel sign`)
//   scorecard-tool predict MODEL.smdl KEY.pub X.csv  (prints predict_proba rows)
//
// Exit codes as the safemodel tool's: 0 ok, 1 the file was refused, 2 usage
// or I/O error.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "scorecard.h"
#include "tools/csv.h"

namespace {

int Fail(const safemodel::Status& s) {
  std::cerr << "scorecard-tool: " << s.ToString() << "\n";
  const bool usage = s.code() == safemodel::Code::kInvalidArgument || s.code() == safemodel::Code::kIoError;
  return usage ? 2 : 1;
}

safemodel::Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return safemodel::IoError(path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

safemodel::Status Write(const std::string& table_path, const std::string& out_path) {
  SAFEMODEL_ASSIGN_OR_RETURN(std::string text, ReadFile(table_path));
  SAFEMODEL_ASSIGN_OR_RETURN(example::Scorecard card, example::ScorecardFromJson(text));
  safemodel::Metadata metadata;
  metadata.name = "scorecard";
  metadata.producer = "scorecard-tool";
  return safemodel::WriteCustom(out_path, metadata, example::ScorecardKind(), std::move(card));
}

safemodel::Status Predict(const std::string& model_path, const std::string& key_path, const std::string& x_path) {
  safemodel::TrustPolicy trust;
  SAFEMODEL_ASSIGN_OR_RETURN(safemodel::PublicKey key, safemodel::ReadPublicKeyFile(key_path));
  SAFEMODEL_RETURN_IF_ERROR(trust.store.Add("signer", key));
  auto kinds = std::make_shared<safemodel::KindRegistry>();
  SAFEMODEL_RETURN_IF_ERROR(kinds->Add(example::ScorecardKind()));
  safemodel::LoadOptions options;
  options.kinds = kinds;
  SAFEMODEL_ASSIGN_OR_RETURN(safemodel::Model model, safemodel::Model::Open(model_path, trust, options));
  SAFEMODEL_ASSIGN_OR_RETURN(example::NumbersCsv x, example::ReadNumbersCsv(x_path));
  SAFEMODEL_ASSIGN_OR_RETURN(safemodel::Output out,
                             model.Run(safemodel::Method::kPredictProba, x.data, x.rows, x.cols));
  std::string text;
  for (size_t r = 0; r < out.rows; ++r) {
    for (size_t c = 0; c < out.cols; ++c) {
      char buf[32];
      auto end = std::to_chars(buf, buf + sizeof(buf), out.numbers[r * out.cols + c]).ptr;
      text.append(c ? "," : "").append(buf, end);
    }
    text += "\n";
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return safemodel::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "write" && argc == 4) {
    safemodel::Status s = Write(argv[2], argv[3]);
    if (!s.ok()) return Fail(s);
    std::cerr << "wrote " << argv[3] << " (unsigned: sign it with `safemodel sign`)\n";
    return 0;
  }
  if (cmd == "predict" && argc == 5) {
    safemodel::Status s = Predict(argv[2], argv[3], argv[4]);
    return s.ok() ? 0 : Fail(s);
  }
  std::cerr << "usage: scorecard-tool write TABLE.json OUT.smdl\n"
               "       scorecard-tool predict MODEL.smdl KEY.pub X.csv\n";
  return 2;
}
