// Meta-estimators <-> schema VotingModel / StackingModel / OneVsRestModel /
// CalibratedModel. Members are nested Estimators, encoded with the prefix
// "<p>estimators[i]." and decoded one level deeper (Decoder::Estimator bounds
// the depth); the checked builders then see the decoded members.
#include "format/codec.h"

namespace safemodel::format {

namespace {

std::string At(const std::string& p, std::string_view field, unsigned i) {
  return p + "." + std::string(field) + "[" + std::to_string(i) + "]";
}

void EncodeMembers(Encoder& enc, const std::vector<est::Estimator>& members,
                   capnp::List<schema::Estimator>::Builder out, const std::string& p) {
  for (unsigned i = 0; i < out.size(); ++i) {
    enc.Estimator(members[i], out[i], p + "estimators[" + std::to_string(i) + "].");
  }
}

Result<std::vector<est::Estimator>> DecodeMembers(Decoder& d, capnp::List<schema::Estimator>::Reader list,
                                                  const std::string& p, int depth) {
  if (list.size() > d.options().max_tensors) return LimitExceeded(p + ".estimators: too many members");
  std::vector<est::Estimator> out;
  for (unsigned i = 0; i < list.size(); ++i) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto e, d.Estimator(list[i], At(p, "estimators", i), depth + 1));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

void Encode(Encoder& enc, const est::VotingModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initVoting();
  b.setClassifier(m.classifier);
  b.setSoft(m.soft);
  b.setFlattenTransform(m.flatten_transform);
  EncodeMembers(enc, m.estimators, b.initEstimators(static_cast<unsigned>(m.estimators.size())), p);
  b.setWeights(m.weights.empty() ? kNoTensor
                                 : enc.Add<double>(p + "weights", DType::kF64, m.weights, {m.weights.size()}));
  if (m.classifier) enc.Labels(m.classes, b.initClasses(), p + "classes");
}

Result<est::Estimator> DecodeVoting(Decoder& d, schema::VotingModel::Reader r, const std::string& p, int depth) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto members, DecodeMembers(d, r.getEstimators(), p, depth));
  SAFEMODEL_ASSIGN_OR_RETURN(auto weights, d.OptionalF64(r.getWeights(), p + ".weights"));
  est::VotingInput in;
  in.classifier = r.getClassifier();
  in.soft = r.getSoft();
  in.flatten_transform = r.getFlattenTransform();
  in.estimators = &members;
  in.weights = weights;
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  if (!in.classifier && est::LabelCount(in.classes) != 0) return Corruption(p + ".classes: a regressor has none");
  SAFEMODEL_ASSIGN_OR_RETURN(est::VotingModel m, est::BuildVoting(std::move(in), p));
  return est::Estimator{std::move(m)};
}

void Encode(Encoder& enc, const est::StackingModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initStacking();
  b.setClassifier(m.classifier);
  b.setPassthrough(m.passthrough);
  EncodeMembers(enc, m.estimators, b.initEstimators(static_cast<unsigned>(m.estimators.size())), p);
  auto methods = b.initMethods(static_cast<unsigned>(m.methods.size()));
  for (unsigned i = 0; i < methods.size(); ++i) methods.set(i, static_cast<schema::MemberMethod>(m.methods[i]));
  enc.Estimator(m.final_estimator[0], b.initFinalEstimator(), p + "final_estimator.");
  if (m.classifier) enc.Labels(m.classes, b.initClasses(), p + "classes");
}

Result<est::Estimator> DecodeStacking(Decoder& d, schema::StackingModel::Reader r, const std::string& p, int depth) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto members, DecodeMembers(d, r.getEstimators(), p, depth));
  SAFEMODEL_ASSIGN_OR_RETURN(auto fin, d.Estimator(r.getFinalEstimator(), p + ".finalEstimator", depth + 1));
  est::StackingInput in;
  in.classifier = r.getClassifier();
  in.passthrough = r.getPassthrough();
  in.estimators = &members;
  in.final_estimator = &fin;
  for (auto mm : r.getMethods()) {
    if (static_cast<unsigned>(mm) >= est::kMemberMethodCount) return Unsupported(p + ".methods: unknown method");
    in.methods.push_back(static_cast<est::MemberMethod>(mm));
  }
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  if (!in.classifier && est::LabelCount(in.classes) != 0) return Corruption(p + ".classes: a regressor has none");
  SAFEMODEL_ASSIGN_OR_RETURN(est::StackingModel m, est::BuildStacking(std::move(in), p));
  return est::Estimator{std::move(m)};
}

void Encode(Encoder& enc, const est::OneVsRestModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initOneVsRest();
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setMultilabel(m.multilabel);
  EncodeMembers(enc, m.estimators, b.initEstimators(static_cast<unsigned>(m.estimators.size())), p);
  enc.Labels(m.classes, b.initClasses(), p + "classes");
}

Result<est::Estimator> DecodeOneVsRest(Decoder& d, schema::OneVsRestModel::Reader r, const std::string& p,
                                       int depth) {
  SAFEMODEL_ASSIGN_OR_RETURN(auto members, DecodeMembers(d, r.getEstimators(), p, depth));
  est::OneVsRestInput in;
  in.n_features_in = r.getNFeatures();
  in.multilabel = r.getMultilabel();
  in.estimators = &members;
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  SAFEMODEL_ASSIGN_OR_RETURN(est::OneVsRestModel m, est::BuildOneVsRest(std::move(in), p));
  return est::Estimator{std::move(m)};
}

void Encode(Encoder& enc, const est::CalibratedModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initCalibrated();
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setIsotonic(m.isotonic);
  auto members = b.initMembers(static_cast<unsigned>(m.estimators.size()));
  for (unsigned i = 0; i < members.size(); ++i) {
    const std::string mp = p + "members[" + std::to_string(i) + "].";
    enc.Estimator(m.estimators[i], members[i].initEstimator(), mp + "estimator.");
    const auto& cal = m.calibrators[i];
    auto cb = members[i].initCalibrators(static_cast<unsigned>(cal.size()));
    for (unsigned j = 0; j < cb.size(); ++j) {
      const est::Calibrator& c = cal[j];
      const std::string cp = mp + "calibrators[" + std::to_string(j) + "].";
      cb[j].setIsotonic(c.isotonic);
      cb[j].setA(c.a);
      cb[j].setB(c.b);
      cb[j].setXThresholds(c.isotonic ? enc.Add<double>(cp + "x", DType::kF64, c.x, {c.x.size()}) : kNoTensor);
      cb[j].setYThresholds(c.isotonic ? enc.Add<double>(cp + "y", DType::kF64, c.y, {c.y.size()}) : kNoTensor);
      cb[j].setXMin(c.x_min);
      cb[j].setXMax(c.x_max);
      cb[j].setClip(c.clip);
    }
  }
  enc.Labels(m.classes, b.initClasses(), p + "classes");
}

Result<est::Estimator> DecodeCalibrated(Decoder& d, schema::CalibratedModel::Reader r, const std::string& p,
                                        int depth) {
  est::CalibratedInput in;
  in.n_features_in = r.getNFeatures();
  in.isotonic = r.getIsotonic();
  SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  std::vector<est::Estimator> members;
  auto list = r.getMembers();
  if (list.size() > d.options().max_tensors) return LimitExceeded(p + ".members: too many members");
  for (unsigned i = 0; i < list.size(); ++i) {
    const std::string mp = At(p, "members", i);
    SAFEMODEL_ASSIGN_OR_RETURN(auto e, d.Estimator(list[i].getEstimator(), mp + ".estimator", depth + 1));
    members.push_back(std::move(e));
    std::vector<est::Calibrator> cals;
    auto cl = list[i].getCalibrators();
    for (unsigned j = 0; j < cl.size(); ++j) {
      const std::string cp = At(mp, "calibrators", j);
      est::Calibrator c;
      c.isotonic = cl[j].getIsotonic();
      c.a = cl[j].getA();
      c.b = cl[j].getB();
      c.x_min = cl[j].getXMin();
      c.x_max = cl[j].getXMax();
      c.clip = cl[j].getClip();
      if (c.isotonic) {
        SAFEMODEL_ASSIGN_OR_RETURN(c.x, d.Copy<double>(cl[j].getXThresholds(), DType::kF64, 1, cp + ".xThresholds"));
        SAFEMODEL_ASSIGN_OR_RETURN(c.y, d.Copy<double>(cl[j].getYThresholds(), DType::kF64, 1, cp + ".yThresholds"));
      } else if (cl[j].getXThresholds() != kNoTensor || cl[j].getYThresholds() != kNoTensor) {
        return Corruption(cp + ": a sigmoid calibrator has no thresholds");
      }
      cals.push_back(std::move(c));
    }
    in.calibrators.push_back(std::move(cals));
    in.member_classes.push_back(in.classes);
  }
  in.estimators = &members;
  SAFEMODEL_ASSIGN_OR_RETURN(est::CalibratedModel m, est::BuildCalibrated(std::move(in), p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
