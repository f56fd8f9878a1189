# Meta-estimators: VotingClassifier/Regressor, StackingClassifier/Regressor,
# OneVsRestClassifier, CalibratedClassifierCV with members of the other
# families. Run by make_mapping_cases.py in its namespace (case, refuse,
# hooks, as_version, X3/y3, Xc/yc, Xr/yr, ys, Xt3...). Case names start with
# "meta_"; other-version files are "meta_old*_" / "meta_v*_"; refusals
# "refuse_meta_*".
import warnings

import sklearn.calibration as _cal
from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration
from sklearn.ensemble import (StackingClassifier, StackingRegressor, VotingClassifier, VotingRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.isotonic import IsotonicRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import LabelBinarizer, LabelEncoder
from sklearn.svm import SVC

warnings.simplefilter("ignore", ConvergenceWarning)
warnings.simplefilter("ignore", FutureWarning)

ybs_m = np.array(["no", "yes"])[yc]
y_ml_m = np.c_[y3 == 0, X3[:, 0] > 0, X3[:, 1] + X3[:, 2] > 0.3].astype(int)


def lr():
    return LogisticRegression(max_iter=500)


def dt(d=4):
    return DecisionTreeClassifier(max_depth=d, random_state=0)


def rf():
    return RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0)


META = {
    # ---- voting ----
    "meta_vote_hard_str": (VotingClassifier([("lr", lr()), ("dt", dt()), ("nb", GaussianNB())]).fit(X3, ys), Xt3),
    "meta_vote_hard_weighted": (VotingClassifier([("lr", lr()), ("dt", dt(2)), ("nb", GaussianNB())],
                                                 weights=[2, 1, 1.5]).fit(X3, y3), Xt3),
    "meta_vote_hard_tie": (VotingClassifier([("lr", lr()), ("dt", dt(1))]).fit(X3, ys), Xt3),
    "meta_vote_soft_str": (VotingClassifier([("lr", lr()), ("rf", rf()), ("nb", GaussianNB())], voting="soft")
                           .fit(X3, ys), Xt3),
    "meta_vote_soft_weighted_bin": (VotingClassifier([("lr", lr()), ("svc", SVC(probability=True, random_state=0))],
                                                     voting="soft", weights=[0.3, 0.7]).fit(Xc, ybs_m), Xtc),
    "meta_vote_soft_drop": (VotingClassifier([("lr", lr()), ("x", "drop"), ("nb", GaussianNB())], voting="soft",
                                             weights=[1, 5, 2]).fit(X3, ys), Xt3),
    "meta_vote_reg": (VotingRegressor([("lin", LinearRegression()), ("dt", DecisionTreeRegressor(max_depth=4)),
                                       ("rf", RandomForestRegressor(n_estimators=4, max_depth=3, random_state=0))])
                      .fit(Xr, yr), Xtr),
    "meta_vote_reg_weighted": (VotingRegressor([("ridge", Ridge()), ("dt", DecisionTreeRegressor(max_depth=3))],
                                               weights=[3, 1]).fit(Xr, yr), Xtr),
    # ---- stacking ----
    "meta_stack_clf_str": (StackingClassifier([("rf", rf()), ("svc", SVC())], final_estimator=lr(), cv=3)
                           .fit(X3, ys), Xt3),
    "meta_stack_clf_bin_pass": (StackingClassifier([("nb", GaussianNB()), ("lr", lr())], final_estimator=dt(3),
                                                   passthrough=True, cv=3).fit(Xc, ybs_m), Xtc),
    "meta_stack_clf_predict": (StackingClassifier([("dt", dt()), ("nb", GaussianNB())], final_estimator=lr(),
                                                  stack_method="predict", cv=3).fit(X3, y3), Xt3),
    "meta_stack_clf_drop_df": (StackingClassifier([("a", "drop"), ("lr", lr()), ("svc", SVC())],
                                                  stack_method="decision_function", final_estimator=lr(), cv=3)
                               .fit(X3, ys), Xt3),
    "meta_stack_reg": (StackingRegressor([("ridge", Ridge()), ("dt", DecisionTreeRegressor(max_depth=4))],
                                         final_estimator=Ridge(alpha=0.5), cv=3).fit(Xr, yr), Xtr),
    "meta_stack_reg_pass": (StackingRegressor([("lin", LinearRegression())], final_estimator=DecisionTreeRegressor(
        max_depth=3), passthrough=True, cv=3).fit(Xr, yr), Xtr),
    # ---- one-vs-rest ----
    "meta_ovr_lr_str": (OneVsRestClassifier(lr()).fit(X3, ys), Xt3),
    "meta_ovr_svc": (OneVsRestClassifier(SVC()).fit(X3, y3), Xt3),
    "meta_ovr_rf": (OneVsRestClassifier(rf()).fit(X3, ys), Xt3),
    "meta_ovr_nb_bin": (OneVsRestClassifier(GaussianNB()).fit(Xc, ybs_m), Xtc),
    "meta_ovr_lr_bin": (OneVsRestClassifier(lr()).fit(Xc, yc), Xtc),
    "meta_ovr_multilabel": (OneVsRestClassifier(lr()).fit(X3, y_ml_m), Xt3),
    # ---- calibration ----
    "meta_cal_sigmoid_str": (CalibratedClassifierCV(GaussianNB(), cv=3).fit(X3, ys), Xt3),
    "meta_cal_isotonic": (CalibratedClassifierCV(lr(), method="isotonic", cv=3).fit(X3, y3), Xt3),
    "meta_cal_svc_bin": (CalibratedClassifierCV(SVC(), cv=3).fit(Xc, ybs_m), Xtc),
    "meta_cal_rf_iso_bin": (CalibratedClassifierCV(rf(), method="isotonic", cv=2).fit(Xc, yc), Xtc * 1.3),
    "meta_cal_noensemble": (CalibratedClassifierCV(rf(), method="isotonic", cv=3, ensemble=False).fit(X3, ys), Xt3),
    "meta_cal_pipe": (CalibratedClassifierCV(Pipeline([("sc", StandardScaler()), ("lr", lr())]), cv=3)
                      .fit(X3, ys), Xt3),
    # ---- nesting ----
    "meta_nested_vote_of_cal": (VotingClassifier([("cal", CalibratedClassifierCV(GaussianNB(), cv=2)),
                                                  ("ovr", OneVsRestClassifier(lr()))], voting="soft").fit(X3, ys),
                                Xt3),
    "meta_pipe_stack": (Pipeline([("sc", StandardScaler()), ("st", StackingClassifier(
        [("nb", GaussianNB()), ("dt", dt())], final_estimator=lr(), cv=3))]).fit(X3, ys), Xt3),
}
for name, (est, X) in META.items():
    case(name, est, X, checks=checks_for(est, X))

# ---- other versions -----------------------------------------------------------
META_OLD_PATHS = dict(OLD_PATHS)
META_OLD_PATHS.update({VotingClassifier: "sklearn.ensemble.voting", VotingRegressor: "sklearn.ensemble.voting",
                       LabelEncoder: "sklearn.preprocessing.label", LabelBinarizer: "sklearn.preprocessing.label"})
for name in ("meta_vote_hard_str", "meta_vote_soft_drop", "meta_vote_reg", "meta_ovr_lr_str"):
    est, X = META[name]
    case(name.replace("meta_", "meta_old021_"), est, X, checks=checks_for(est, X), version="0.21.3", protos=(2, 4),
         state=as_version("0.21.3"), modules=META_OLD_PATHS)
VOTE_020 = dict(META_OLD_PATHS)
VOTE_020[VotingClassifier] = "sklearn.ensemble.voting_classifier"
est, X = META["meta_vote_hard_weighted"]
case("meta_old020_vote_hard_weighted", est, X, checks=checks_for(est, X), version="0.20.4", protos=(2,),
     state=as_version("0.20.4"), modules=VOTE_020)


def stacking_v10(est, s):
    s = as_version("1.0.2", rename_n_features=False, keep_new=True)(est, s)
    if "_label_encoder" in s:
        s["_le"] = s.pop("_label_encoder")
    return s


for name in ("meta_stack_clf_str", "meta_stack_reg"):
    est, X = META[name]
    case(name.replace("meta_", "meta_v10_"), est, X, checks=checks_for(est, X), version="1.0.2", protos=(4,),
         state=stacking_v10)

# _CalibratedClassifier: base_estimator (0.24-1.1), calibrators_/classes_ (< 0.24).
CAL_LAYOUT = [None]
_orig_cc_getstate = getattr(_cal._CalibratedClassifier, "__getstate__", None)


def _cc_getstate(self):
    s = dict(self.__dict__)
    if CAL_LAYOUT[0] in ("1.1", "0.23"):
        s["base_estimator"] = s.pop("estimator")
    if CAL_LAYOUT[0] == "0.23":
        s["calibrators_"] = s.pop("calibrators")
        s["classes_"] = s.pop("classes")
    return s


_cal._CalibratedClassifier.__getstate__ = _cc_getstate
for layout, version in (("1.1", "1.1.3"), ("0.23", "0.23.2")):
    CAL_LAYOUT[0] = layout
    for name in ("meta_cal_sigmoid_str", "meta_cal_isotonic"):
        est, X = META[name]
        case(name.replace("meta_", "meta_v%s_" % layout.replace(".", "")), est, X, checks=checks_for(est, X),
             version=version, protos=(2, 4), state=as_version(version, rename_n_features=layout == "0.23"))
CAL_LAYOUT[0] = None
est, X = META["meta_vote_soft_str"]
case("meta_numpy2_vote_soft_str", est, X, checks=checks_for(est, X), protos=(4,), numpy2=True)


# ---- refusals -----------------------------------------------------------------
def meta_attr(cls, key, value):
    def hook(est, s):
        if isinstance(est, cls):
            s[key] = value(s) if callable(value) else value
        return s
    return hook


vote_h = META["meta_vote_hard_weighted"][0]
refuse("meta_vote_weights_len", vote_h, state=meta_attr(VotingClassifier, "weights", [1.0, 2.0]))
refuse("meta_vote_weights_nan", vote_h, state=meta_attr(VotingClassifier, "weights", [1.0, float("nan"), 2.0]))
lr_wide = LogisticRegression(max_iter=500).fit(Xc, yc % 3)
refuse("meta_vote_member_width", vote_h,
       state=meta_attr(VotingClassifier, "estimators_", lambda s: [s["estimators_"][0], lr_wide, s["estimators_"][2]]))
lr_str = LogisticRegression(max_iter=500).fit(X3, ys)
refuse("meta_vote_member_classes", vote_h,
       state=meta_attr(VotingClassifier, "estimators_", lambda s: [s["estimators_"][0], lr_str, s["estimators_"][2]]))
refuse("meta_vote_soft_no_proba", META["meta_vote_soft_str"][0],
       state=meta_attr(VotingClassifier, "estimators_", lambda s: s["estimators_"][:2] + [SVC().fit(X3, y3)]))
stack = META["meta_stack_clf_str"][0]
refuse("meta_stack_final_width", stack, state=meta_attr(StackingClassifier, "final_estimator_",
                                                        LogisticRegression(max_iter=500).fit(X3, y3)))
refuse("meta_stack_method_unknown", stack, state=meta_attr(StackingClassifier, "stack_method_",
                                                           ["predict_proba", "transform"]))
refuse("meta_stack_method_missing", stack, state=meta_attr(StackingClassifier, "stack_method_",
                                                           ["predict_proba", "predict_proba"]))
ovr = META["meta_ovr_lr_str"][0]
refuse("meta_ovr_count", ovr, state=meta_attr(OneVsRestClassifier, "estimators_", lambda s: s["estimators_"][:2]))
refuse("meta_ovr_member_classes", ovr, state=meta_attr(OneVsRestClassifier, "estimators_",
                                                       lambda s: s["estimators_"][:2] + [lr_str]))
refuse("meta_ovr_features", ovr, state=meta_attr(OneVsRestClassifier, "n_features_in_", 9))
iso = META["meta_cal_isotonic"][0]
refuse("meta_cal_iso_decreasing", iso, state=meta_attr(IsotonicRegression, "X_thresholds_",
                                                       lambda s: s["X_thresholds_"][::-1].copy()))
refuse("meta_cal_iso_lengths", iso, state=meta_attr(IsotonicRegression, "y_thresholds_",
                                                    lambda s: s["y_thresholds_"][:-1].copy()))
refuse("meta_cal_sigmoid_nan", META["meta_cal_sigmoid_str"][0], state=meta_attr(_SigmoidCalibration, "a_", float("nan")))
refuse("meta_cal_classes", iso, state=meta_attr(CalibratedClassifierCV, "classes_", np.array([0, 1, 2, 3])))
