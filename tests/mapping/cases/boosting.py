# Boosting group: GradientBoosting*, HistGradientBoosting*, Dummy* (run by
# make_mapping_cases.py in its namespace; see README.md). Prefixes gb_, hgb_.
#
# Outputs are scikit-learn 1.2.1's own. Files "from other versions" are made
# by rewriting what the pickler writes (loss objects of other releases,
# renamed attributes, older node records); where that release computes
# differently (GradientBoosting >= 1.4 multiclass), the expected outputs are
# computed from the 1.2.1 model with scikit-learn's own helpers, following
# that release's code.
import copyreg as _copyreg

from scipy.stats import gmean as _gmean
from sklearn._loss.loss import HalfBinomialLoss, HalfMultinomialLoss
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                              HistGradientBoostingClassifier, HistGradientBoostingRegressor)
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor
from sklearn.utils.extmath import softmax as _softmax

# ---- a hook for TreePredictor state (it is not a BaseEstimator) ----------------
PRED_HOOK = [None]


def _reduce_predictor(p):
    state = dict(p.__dict__)
    if PRED_HOOK[0]:
        state = PRED_HOOK[0](state)
    return _copyreg.__newobj__, (TreePredictor,), state


_copyreg.pickle(TreePredictor, _reduce_predictor)


def with_pred(fn, pred_hook):
    PRED_HOOK[0] = pred_hook
    try:
        return fn()
    finally:
        PRED_HOOK[0] = None


def gb_checks(est, X):
    # Logarithms and exponentials come from numpy here and libm there: not bit-exact.
    return checks_for(est, X, exact=False)


def gb_case(name, est, X, **kw):
    kw.setdefault("checks", gb_checks(est, X))
    case(name, est, X, **kw)


def no_predict(checks):
    return [c for c in checks if c["method"] != "predict"]


# ---- data --------------------------------------------------------------------
_rng = np.random.RandomState(7)
Xc_nan = Xc.copy()
Xc_nan[_rng.rand(*Xc.shape) < 0.1] = np.nan
Xtc_nan = Xtc.copy()
Xtc_nan[::3, 1] = np.nan
Xtc_nan[1::5, 4] = np.inf
Xtc_nan[2::7, 0] = -np.inf
Xt3_nan = Xt3.copy()
Xt3_nan[::4, 2] = np.nan
Xr_nan = Xr.copy()
Xr_nan[_rng.rand(*Xr.shape) < 0.15] = np.nan
Xtr_nan = Xtr.copy()
Xtr_nan[::3, 0] = np.nan
Xtr_nan[1::4, 3] = np.inf

# Two categorical columns (10 and 5 categories) in front of numeric ones.
n_cat = 500
Xcat = np.c_[_rng.randint(0, 10, n_cat), _rng.randint(0, 5, n_cat), _rng.randn(n_cat, 3)].astype(float)
Xcat[_rng.rand(n_cat) < 0.05, 0] = np.nan
ycat_r = (np.isin(Xcat[:, 0], [1, 4, 7]) * 3.0 + (Xcat[:, 1] == 2) * 2.0 + Xcat[:, 2] + _rng.randn(n_cat) * 0.1)
ycat_c = np.array(["lo", "mid", "hi"])[np.digitize(ycat_r, [0.5, 2.5])]
# Known, unknown (10, 255), negative, fractional, huge, infinite and missing categories.
_cat_vals = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255, -1, -0.5, 2.7, 4.2, 259, 300, 1e10, 2**31 + 1, 2**31 - 255,
             np.inf, -np.inf, np.nan]
Xtcat = np.c_[np.array(_cat_vals), np.resize([0, 1, 2, 3, 4, 7, -2, np.nan], len(_cat_vals)),
              _rng.randn(len(_cat_vals), 3)]

# ---- GradientBoosting, scikit-learn 1.2.1 ----------------------------------------
GB = {
    "gb_clf_bin": (GradientBoostingClassifier(n_estimators=25, max_depth=3, random_state=0).fit(Xc, yc), Xtc),
    "gb_clf_multi_str": (GradientBoostingClassifier(n_estimators=12, max_depth=2, random_state=0).fit(X3, ys), Xt3),
    "gb_clf_exponential": (GradientBoostingClassifier(loss="exponential", n_estimators=15, random_state=0)
                           .fit(Xc, yc), Xtc),
    "gb_clf_float_labels": (GradientBoostingClassifier(n_estimators=8, random_state=0).fit(Xc, yc * 2.0 - 1.0), Xtc),
    "gb_clf_zero_init": (GradientBoostingClassifier(init="zero", n_estimators=10, random_state=0).fit(X3, y3), Xt3),
    "gb_clf_init_most_frequent": (GradientBoostingClassifier(
        init=DummyClassifier(strategy="most_frequent"), n_estimators=10, random_state=0).fit(Xc, yc), Xtc),
    "gb_clf_init_uniform": (GradientBoostingClassifier(
        init=DummyClassifier(strategy="uniform"), n_estimators=6, random_state=0).fit(X3, ys), Xt3),
    "gb_clf_subsample": (GradientBoostingClassifier(n_estimators=15, subsample=0.7, max_features="sqrt",
                                                    learning_rate=0.3, random_state=1).fit(X3, y3), Xt3),
    "gb_clf_early_stop": (GradientBoostingClassifier(n_estimators=200, n_iter_no_change=3, validation_fraction=0.2,
                                                     random_state=0).fit(Xc, yc), Xtc),
    "gb_reg_ls": (GradientBoostingRegressor(n_estimators=30, random_state=0).fit(Xr, yr), Xtr),
    "gb_reg_lad": (GradientBoostingRegressor(loss="absolute_error", n_estimators=20, random_state=0).fit(Xr, yr), Xtr),
    "gb_reg_huber": (GradientBoostingRegressor(loss="huber", alpha=0.8, n_estimators=20, random_state=0)
                     .fit(Xr, yr), Xtr),
    "gb_reg_quantile": (GradientBoostingRegressor(loss="quantile", alpha=0.3, n_estimators=20, random_state=0)
                        .fit(Xr, yr), Xtr),
    "gb_reg_zero_init": (GradientBoostingRegressor(init="zero", n_estimators=10, max_depth=4, random_state=0)
                         .fit(Xr, yr), Xtr),
    "gb_reg_init_constant": (GradientBoostingRegressor(init=DummyRegressor(strategy="constant", constant=7),
                                                       n_estimators=10, random_state=0).fit(Xr, yr), Xtr),
}
for _name, (_est, _X) in GB.items():
    gb_case(_name, _est, _X)

# Dummy* on their own.
DUMMY = {
    "gb_dummy_clf_prior_str": (DummyClassifier().fit(X3, ys), Xt3),
    "gb_dummy_clf_most_frequent": (DummyClassifier(strategy="most_frequent").fit(Xc, yc), Xtc_nan),
    "gb_dummy_clf_constant": (DummyClassifier(strategy="constant", constant="dog").fit(X3, ys), Xt3),
    "gb_dummy_clf_constant_int": (DummyClassifier(strategy="constant", constant=1).fit(X3, y3), Xt3[:, :2]),
    "gb_dummy_reg_mean": (DummyRegressor().fit(Xr, yr), Xtr),
    "gb_dummy_reg_quantile": (DummyRegressor(strategy="quantile", quantile=0.2).fit(Xr, yr), Xtr),
    "gb_dummy_reg_multi": (DummyRegressor(strategy="constant", constant=[3, -4]).fit(Xm, ym), Xtm),
}
for _name, (_est, _X) in DUMMY.items():
    gb_case(_name, _est, _X)
_du = DummyClassifier(strategy="uniform").fit(X3, ys)
# predict draws random labels: only the probabilities are compared (predict is refused).
gb_case("gb_dummy_clf_uniform", _du, Xt3, checks=no_predict(gb_checks(_du, Xt3)))

# ---- HistGradientBoosting, scikit-learn 1.2.1 ---------------------------------------
HGB = {
    "hgb_clf_bin": (HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(Xc, yc), Xtc_nan),
    "hgb_clf_bin_nan_fit": (HistGradientBoostingClassifier(max_iter=15, random_state=0).fit(Xc_nan, yc), Xtc_nan),
    "hgb_clf_multi_str": (HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X3, ys), Xt3_nan),
    "hgb_clf_early_stop": (HistGradientBoostingClassifier(max_iter=300, early_stopping=True, n_iter_no_change=3,
                                                          random_state=0).fit(X3, y3), Xt3),
    "hgb_reg": (HistGradientBoostingRegressor(max_iter=25, random_state=0).fit(Xr, yr), Xtr_nan),
    "hgb_reg_nan_fit": (HistGradientBoostingRegressor(max_iter=20, random_state=0).fit(Xr_nan, yr), Xtr_nan),
    "hgb_reg_absolute": (HistGradientBoostingRegressor(loss="absolute_error", max_iter=15, random_state=0)
                         .fit(Xr, yr), Xtr_nan),
    "hgb_reg_quantile": (HistGradientBoostingRegressor(loss="quantile", quantile=0.8, max_iter=15, random_state=0)
                         .fit(Xr, yr), Xtr_nan),
    "hgb_reg_poisson": (HistGradientBoostingRegressor(loss="poisson", max_iter=15, random_state=0)
                        .fit(Xr, np.exp(yr / 100.0)), Xtr_nan),
    "hgb_reg_cat": (HistGradientBoostingRegressor(max_iter=20, categorical_features=[0, 1], random_state=0)
                    .fit(Xcat, ycat_r), Xtcat),
    "hgb_clf_cat_str": (HistGradientBoostingClassifier(max_iter=10, categorical_features=[True, True, False, False,
                                                                                         False], random_state=0)
                        .fit(Xcat, ycat_c), Xtcat),
}
for _name, (_est, _X) in HGB.items():
    gb_case(_name, _est, _X)

# ---- other versions ---------------------------------------------------------------
_GB_OLD = {GradientBoostingClassifier: "sklearn.ensemble.gradient_boosting",
           GradientBoostingRegressor: "sklearn.ensemble.gradient_boosting"}
_GB_OLD.update(OLD_PATHS)


def gb_as_version(version, extra=None):
    base = as_version(version)

    def hook(est, s):
        s = base(est, s)
        if isinstance(est, (GradientBoostingClassifier, GradientBoostingRegressor)) and "_loss" in s:
            s["loss_"] = s.pop("_loss")  # the attribute's name before 1.1
        if isinstance(est, DummyClassifier):
            s.pop("_strategy", None)  # 0.24+
        return extra(est, s) if extra else s
    return hook


# 0.21: public module paths, loss_, n_features_, DummyClassifier without _strategy.
for _name in ("gb_clf_bin", "gb_clf_multi_str", "gb_reg_huber", "gb_clf_zero_init"):
    _est, _X = GB[_name]
    gb_case("gb_old021_" + _name[3:], _est, _X, version="0.21.3", protos=(2, 4), state=gb_as_version("0.21.3"),
            modules=_GB_OLD)

# 0.20: the loss and init estimators were classes of sklearn.ensemble.gradient_boosting.
_OldLoss = {n: fake_class("sklearn.ensemble.gradient_boosting", n) for n in (
    "BinomialDeviance", "MultinomialDeviance", "LeastSquaresError", "QuantileLossFunction")}
_OldInit = {n: fake_class("sklearn.ensemble.gradient_boosting", n) for n in (
    "LogOddsEstimator", "PriorProbabilityEstimator", "MeanEstimator", "QuantileEstimator", "ZeroEstimator")}


def _obj(cls, **attrs):
    o = cls.__new__(cls)
    o.__dict__.update(attrs)
    return o


def old020(loss_name, init):
    def extra(est, s):
        if isinstance(est, (GradientBoostingClassifier, GradientBoostingRegressor)):
            s["loss_"] = _obj(_OldLoss[loss_name], K=s["loss_"].K)
            s["init_"] = init
        return s
    return gb_as_version("0.20.4", extra)


# The 1.2.1 model's init raw prediction is the constant these old estimators predict.
def _init_raw(est, X):
    return est._raw_predict_init(X[:1].astype(np.float32))[0]


_est, _X = GB["gb_clf_bin"]
gb_case("gb_old020_clf_bin", _est, _X, version="0.20.4", protos=(2, 4), modules=_GB_OLD,
        state=old020("BinomialDeviance", _obj(_OldInit["LogOddsEstimator"], prior=float(_init_raw(_est, _X)[0]))))
_est, _X = GB["gb_clf_multi_str"]
gb_case("gb_old020_clf_multi_str", _est, _X, version="0.20.4", protos=(2,), modules=_GB_OLD,
        state=old020("MultinomialDeviance", _obj(_OldInit["PriorProbabilityEstimator"], priors=_init_raw(_est, _X))))
_est, _X = GB["gb_reg_ls"]
gb_case("gb_old020_reg_ls", _est, _X, version="0.20.4", protos=(2,), modules=_GB_OLD,
        state=old020("LeastSquaresError", _obj(_OldInit["MeanEstimator"], mean=float(_est.init_.constant_[0, 0]))))
_est, _X = GB["gb_reg_quantile"]
gb_case("gb_old020_reg_quantile", _est, _X, version="0.20.4", protos=(4,), joblibs=False, modules=_GB_OLD,
        state=old020("QuantileLossFunction",
                     _obj(_OldInit["QuantileEstimator"], alpha=0.3, quantile=float(_est.init_.constant_[0, 0]))))
_est, _X = GB["gb_reg_zero_init"]
gb_case("gb_old020_reg_zero", _est, _X, version="0.20.4", protos=(4,), joblibs=False, modules=_GB_OLD,
        state=old020("LeastSquaresError", _obj(_OldInit["ZeroEstimator"], n_classes=1)))


# 1.4+: sklearn._loss objects; trees carry missing_go_to_left (1.3+).
def v14(loss):
    def hook(est, s):
        s["_sklearn_version"] = "1.4.2"
        if isinstance(est, (GradientBoostingClassifier, GradientBoostingRegressor)):
            s["_loss"] = loss
            s["n_trees_per_iteration_"] = s["estimators_"].shape[1]
        return s
    return hook


_est, _X = GB["gb_clf_bin"]
# Binary: same init (logit) and probabilities; predict is raw >= 0, which agrees with argmax off ties.
gb_case("gb_v14_clf_bin", _est, _X, version="1.4.2", protos=(4, 5), state=v14(HalfBinomialLoss()), tree=with_missing)


def _v14_multiclass_checks(est, X):
    # 1.4's _init_raw_predictions: MultinomialLogit.link of the clipped priors
    # (log(p / gmean(p))); predict_proba = softmax(raw); predict = argmax(raw).
    X32 = X.astype(np.float32)
    eps = np.finfo(np.float32).eps
    p = np.clip(est.init_.predict_proba(X32), eps, 1 - eps, dtype=np.float64)
    old_init = np.log(p)
    new_init = np.log(p / _gmean(p, axis=1)[:, np.newaxis])
    raw = est.decision_function(X) - old_init + new_init
    proba = _softmax(raw, copy=True)
    return [{"member": "", "method": "predict", "exact": False, "labels": est.classes_[np.argmax(raw, axis=1)].tolist()},
            {"member": "", "method": "predict_proba", "exact": False, "numbers": clean(proba.tolist())},
            {"member": "", "method": "predict_log_proba", "exact": False, "numbers": clean(np.log(proba).tolist())},
            {"member": "", "method": "decision_function", "exact": False, "numbers": clean(raw.tolist())}]


_est, _X = GB["gb_clf_multi_str"]
gb_case("gb_v14_clf_multi_str", _est, _X, version="1.4.2", protos=(4,), state=v14(HalfMultinomialLoss(n_classes=3)),
        tree=with_missing, checks=_v14_multiclass_checks(_est, _X))

# HistGradientBoosting 0.22-1.0: loss_ objects of the estimator's own loss module,
# _baseline_prediction (K, 1) or a scalar.
_HLoss = {n: fake_class("sklearn.ensemble._hist_gradient_boosting.loss", n) for n in (
    "BinaryCrossEntropy", "CategoricalCrossEntropy", "LeastSquares", "Poisson")}


def hgb_old(version, loss_name, scalar_baseline=False, drop_n_features_in=False):
    def hook(est, s):
        if not isinstance(est, (HistGradientBoostingClassifier, HistGradientBoostingRegressor)):
            return s
        s["_sklearn_version"] = version
        s.pop("_loss", None)
        s["loss_"] = _obj(_HLoss[loss_name], hessians_are_constant=False)
        b = s["_baseline_prediction"]
        s["_baseline_prediction"] = np.float64(b.ravel()[0]) if scalar_baseline else b.T.copy()
        if drop_n_features_in:
            s.pop("n_features_in_", None)
        return s
    return hook


def old_records(state):
    """0.22/0.23 TreePredictor: node field `threshold`, no categorical fields or bitsets."""
    nodes = state["nodes"]
    names = [n for n in nodes.dtype.names if n not in ("is_categorical", "bitset_idx")]
    dt = np.dtype([("threshold" if n == "num_threshold" else n, nodes.dtype.fields[n][0]) for n in names])
    new = np.zeros(nodes.shape, dtype=dt)
    for n in names:
        new["threshold" if n == "num_threshold" else n] = nodes[n]
    return {"nodes": new}


def records_021(state):
    """0.21: no missing_go_to_left either."""
    s = old_records(state)
    nodes = s["nodes"]
    names = [n for n in nodes.dtype.names if n != "missing_go_to_left"]
    new = np.zeros(nodes.shape, dtype=[(n, nodes.dtype.fields[n][0]) for n in names])
    for n in names:
        new[n] = nodes[n]
    return {"nodes": new}


_est, _X = HGB["hgb_clf_bin"]
gb_case("hgb_v10_clf_bin", _est, _X, version="1.0.2", protos=(4,), state=hgb_old("1.0.2", "BinaryCrossEntropy", True))
_est, _X = HGB["hgb_clf_multi_str"]
gb_case("hgb_v10_clf_multi_str", _est, _X, version="1.0.2", protos=(2, 5),
        state=hgb_old("1.0.2", "CategoricalCrossEntropy"))
_est, _X = HGB["hgb_reg_poisson"]
gb_case("hgb_v10_reg_poisson", _est, _X, version="1.0.2", protos=(4,), joblibs=False,
        state=hgb_old("1.0.2", "Poisson", True))
_est, _X = HGB["hgb_reg"]
with_pred(lambda: gb_case("hgb_old023_reg", _est, _X, version="0.23.2", protos=(2, 4),
                          state=hgb_old("0.23.2", "LeastSquares", True, True)), old_records)
_est, _X = HGB["hgb_clf_bin"]
# 0.21 predicted without NaN support: finite X only.
with_pred(lambda: gb_case("hgb_old021_clf_bin", _est, Xtc, version="0.21.3", protos=(4,), joblibs=False,
                          state=hgb_old("0.21.3", "BinaryCrossEntropy", True, True)), records_021)

# numpy 2 module paths.
for _name in ("gb_clf_multi_str", "hgb_clf_cat_str"):
    _est, _X = {**GB, **HGB}[_name]
    gb_case(_name.replace("_", "_numpy2_", 1), _est, _X, protos=(2, 4, 5), joblibs=False, numpy2=True)

# ---- refusals (one broken thing each) -----------------------------------------------
_gbc, _gbm, _gbr = GB["gb_clf_bin"][0], GB["gb_clf_multi_str"][0], GB["gb_reg_ls"][0]
_hgc, _hgm, _hgcat = HGB["hgb_clf_bin"][0], HGB["hgb_clf_multi_str"][0], HGB["hgb_reg_cat"][0]


def on(cls, **changes):
    def hook(est, s):
        if isinstance(est, cls):
            for k, v in changes.items():
                if v is KeyError:
                    s.pop(k, None)
                else:
                    s[k] = v(s) if callable(v) and not isinstance(v, type) else v
        return s
    return hook


_GBS = (GradientBoostingClassifier, GradientBoostingRegressor)
_HGBS = (HistGradientBoostingClassifier, HistGradientBoostingRegressor)
refuse("gb_learning_rate_nan", _gbc, state=on(_GBS, learning_rate=float("nan")))
refuse("gb_prior_sum", _gbc, state=on(DummyClassifier, class_prior_=np.array([0.7, 0.7])))
refuse("gb_prior_negative", _gbc, state=on(DummyClassifier, class_prior_=np.array([-0.2, 1.2])))
refuse("gb_init_logreg", _gbc, state=on(_GBS, init_=M["logreg_bin"][0]))
refuse("gb_loss_unknown", _gbc, state=on(_GBS, _loss=DummyRegressor()))
refuse("gb_no_loss", _gbc, state=on(_GBS, _loss=KeyError))
refuse("gb_wrong_member", _gbr, state=on(_GBS, estimators_=lambda s: np.array([[M["dt_clf"][0]]], dtype=object)))
refuse("gb_tree_child", _gbr, tree=hostile_child)
refuse("gb_k_mismatch", _gbm, state=on(_GBS, estimators_=lambda s: s["estimators_"][:, :2].copy()))
refuse("gb_dummy_stratified", DummyClassifier(strategy="stratified").fit(X3, ys))
refuse("gb_dummy_constant_unknown", DUMMY["gb_dummy_clf_constant"][0], state=on(DummyClassifier, constant="zebra"))
refuse("gb_dummy_multi_output", DummyClassifier().fit(X3, np.c_[y3, y3]))


def node_edit(field, index, value):
    def pred_hook(state):
        state = dict(state)
        nodes = state["nodes"].copy()
        if index < len(nodes):
            nodes[field][index] = value
        state["nodes"] = nodes
        return state
    return pred_hook


def first_internal(est):
    nodes = est._predictors[0][0].nodes
    return int(np.flatnonzero(nodes["is_leaf"] == 0)[0])


def first_leaf(est):
    nodes = est._predictors[0][0].nodes
    return int(np.flatnonzero(nodes["is_leaf"] == 1)[0])


def first_categorical(est):
    for it in est._predictors:
        for p in it:
            idx = np.flatnonzero((p.nodes["is_categorical"] == 1) & (p.nodes["is_leaf"] == 0))
            if len(idx):
                return idx[0]
    raise AssertionError("no categorical split")


with_pred(lambda: refuse("hgb_child_out_of_range", _hgc), node_edit("left", 0, 4096))
with_pred(lambda: refuse("hgb_child_cycle", _hgc), node_edit("right", 0, 0))
with_pred(lambda: refuse("hgb_threshold_nan", _hgc), node_edit("num_threshold", first_internal(_hgc), np.nan))
with_pred(lambda: refuse("hgb_feature_out_of_range", _hgc), node_edit("feature_idx", first_internal(_hgc), 99))
with_pred(lambda: refuse("hgb_leaf_value_inf", _hgc), node_edit("value", first_leaf(_hgc), np.inf))
with_pred(lambda: refuse("hgb_flag_not_bool", _hgc), node_edit("is_leaf", 0, 7))
with_pred(lambda: refuse("hgb_bitset_idx", _hgcat), node_edit("bitset_idx", first_categorical(_hgcat), 50))
refuse("hgb_baseline_size", _hgc, state=on(_HGBS, _baseline_prediction=np.zeros((1, 2))))
refuse("hgb_k_mismatch", _hgm, state=on(_HGBS, n_trees_per_iteration_=2))
refuse("hgb_preprocessor", _hgc, state=on(_HGBS, _preprocessor=M["std_scaler"][0]))
refuse("hgb_loss_gb", _hgc, state=on(_HGBS, _loss=lambda s: _gbc._loss))
refuse("hgb_not_categorical", _hgcat, state=on(_BinMapper, is_categorical_=lambda s: np.zeros_like(s["is_categorical_"])))
refuse("hgb_predictor_str", _hgc, state=on(_HGBS, _predictors=lambda s: [["tree"]] + s["_predictors"][1:]))
