// SVC / NuSVC / SVR / NuSVR / OneClassSVM <-> schema SvmModel. The
// probability flag is "probA and probB present"; nSupport exists for
// classifiers only.
#include "format/codec.h"

namespace safemodel::format {

void Encode(Encoder& enc, const est::SvmModel& m, schema::Estimator::Builder out, const std::string& p) {
  auto b = out.initSvm();
  b.setKind(static_cast<schema::SvmKind>(m.kind));
  b.setKernel(static_cast<schema::SvmKernel>(m.kernel));
  b.setNFeatures(static_cast<uint32_t>(m.n_features));
  b.setDegree(m.degree);
  b.setGamma(m.gamma);
  b.setCoef0(m.coef0);
  const auto nsv = static_cast<uint64_t>(m.n_sv), nf = static_cast<uint64_t>(m.n_features);
  const bool classifier = m.kind == est::SvmKind::kSvc || m.kind == est::SvmKind::kNuSvc;
  const uint64_t dual_rows = classifier ? static_cast<uint64_t>(m.n_classes - 1) : 1;
  b.setSupportVectors(enc.Add<double>(p + "support_vectors", DType::kF64, m.support_vectors, {nsv, nf}));
  b.setDualCoef(enc.Add<double>(p + "dual_coef", DType::kF64, m.dual_coef, {dual_rows, nsv}));
  b.setIntercept(enc.Add<double>(p + "intercept", DType::kF64, m.intercept, {m.intercept.size()}));
  b.setNSupport(classifier ? enc.Add<int32_t>(p + "n_support", DType::kI32, m.n_support, {m.n_support.size()})
                           : kNoTensor);
  b.setProbA(m.probability ? enc.Add<double>(p + "prob_a", DType::kF64, m.prob_a, {m.prob_a.size()}) : kNoTensor);
  b.setProbB(m.probability ? enc.Add<double>(p + "prob_b", DType::kF64, m.prob_b, {m.prob_b.size()}) : kNoTensor);
  b.setOvr(m.ovr);
  b.setBreakTies(m.break_ties);
  b.setOffset(m.offset);
  if (classifier) enc.Labels(m.classes, b.initClasses(), p + "classes");
}

Result<est::Estimator> DecodeSvm(Decoder& d, schema::SvmModel::Reader r, const std::string& p) {
  if (static_cast<unsigned>(r.getKind()) >= est::kSvmKindCount ||
      static_cast<unsigned>(r.getKernel()) >= est::kSvmKernelCount) {
    return Unsupported(p + ": unknown SVM kind or kernel");
  }
  est::SvmInput in;
  in.kind = static_cast<est::SvmKind>(r.getKind());
  in.kernel = static_cast<est::SvmKernel>(r.getKernel());
  in.degree = r.getDegree();
  in.gamma = r.getGamma();
  in.coef0 = r.getCoef0();
  in.n_features_in = r.getNFeatures();
  in.ovr = r.getOvr();
  in.break_ties = r.getBreakTies();
  in.offset = r.getOffset();
  SAFEMODEL_ASSIGN_OR_RETURN(auto sv, d.Copy<double>(r.getSupportVectors(), DType::kF64, 2, p + ".support_vectors",
                                                     &in.support_vectors_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto dual, d.Copy<double>(r.getDualCoef(), DType::kF64, 2, p + ".dual_coef",
                                                       &in.dual_coef_shape));
  SAFEMODEL_ASSIGN_OR_RETURN(auto intercept, d.Copy<double>(r.getIntercept(), DType::kF64, 1, p + ".intercept"));
  in.support_vectors = sv;
  in.dual_coef = dual;
  in.intercept = intercept;
  const bool classifier = in.kind == est::SvmKind::kSvc || in.kind == est::SvmKind::kNuSvc;
  std::vector<int64_t> n_support;
  std::vector<double> prob_a, prob_b;
  if (classifier) {
    SAFEMODEL_ASSIGN_OR_RETURN(auto ns, d.Copy<int32_t>(r.getNSupport(), DType::kI32, 1, p + ".n_support"));
    n_support.assign(ns.begin(), ns.end());
    in.n_support = n_support;
    SAFEMODEL_ASSIGN_OR_RETURN(in.classes, d.Labels(r.getClasses(), p + ".classes"));
  } else if (r.getNSupport() != kNoTensor) {
    return Corruption(p + ".n_support: only classifiers have one");
  }
  if ((r.getProbA() == kNoTensor) != (r.getProbB() == kNoTensor)) {
    return Corruption(p + ".prob_a: prob_a and prob_b must both be present or both absent");
  }
  if (r.getProbA() != kNoTensor) {
    SAFEMODEL_ASSIGN_OR_RETURN(prob_a, d.Copy<double>(r.getProbA(), DType::kF64, 1, p + ".prob_a"));
    SAFEMODEL_ASSIGN_OR_RETURN(prob_b, d.Copy<double>(r.getProbB(), DType::kF64, 1, p + ".prob_b"));
    in.probability = true;
    in.prob_a = prob_a;
    in.prob_b = prob_b;
  }
  SAFEMODEL_ASSIGN_OR_RETURN(est::SvmModel m, est::BuildSvm(in, p));
  return est::Estimator{std::move(m)};
}

}  // namespace safemodel::format
