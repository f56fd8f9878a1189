"""Builders: meta-estimators (VotingClassifier/Regressor,
StackingClassifier/Regressor, OneVsRestClassifier, CalibratedClassifierCV),
scikit-learn 1.2.1 attribute layouts.

Members are built with ctx.estimator. The file keeps the fitted members, not
the names they had in `estimators` nor the fit-only settings (cv, n_jobs,
...): members are named as make_pipeline names steps, and the constructor
parameters that do not change predictions keep their defaults.
"""
import numpy as np

from . import _core
from ._rebuild import NO_TENSOR, builder, number, set_n_features


def _names(estimators):
    """Lower-cased class names, numbered when repeated (sklearn.pipeline's
    make_pipeline rule)."""
    names = [type(e).__name__.lower() for e in estimators]
    counts = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    seen = {}
    out = []
    for n in names:
        if counts[n] > 1:
            seen[n] = seen.get(n, 0) + 1
            out.append(f"{n}-{seen[n]}")
        else:
            out.append(n)
    return out


def _members(ctx, body, key="estimators"):
    members = [ctx.estimator(e) for e in body.get(key, [])]
    if not members:
        raise _core.FormatError(f"{key}: no members")
    return members, _names(members)


def _label_encoder(classes):
    from sklearn.preprocessing import LabelEncoder
    le = LabelEncoder()
    le.classes_ = classes
    return le


def _bunch(names, members):
    from sklearn.utils import Bunch
    return Bunch(**dict(zip(names, members)))


def _classes(ctx, body):
    classes = ctx.labels(body.get("classes", {"none": None}))
    if classes is None:
        raise _core.FormatError("classifier without classes")
    return classes


@builder("voting")
def _voting(ctx, body):
    from sklearn.ensemble import VotingClassifier, VotingRegressor
    members, names = _members(ctx, body)
    w = ctx.tensor(int(body.get("weights", NO_TENSOR)), np.float64)
    # weights of the fitted members only (dropped members are not in the file)
    weights = None if w is None else [float(x) for x in w]
    pairs = list(zip(names, members))
    if body.get("classifier", False):
        v = VotingClassifier(pairs, voting="soft" if body.get("soft", False) else "hard", weights=weights,
                             flatten_transform=bool(body.get("flattenTransform", True)))
        classes = _classes(ctx, body)
        v.le_ = _label_encoder(classes)
        v.classes_ = classes
    else:
        v = VotingRegressor(pairs, weights=weights)
    v.estimators_ = members
    v.named_estimators_ = _bunch(names, members)
    return v


_METHODS = {"predict": "predict", "predictProba": "predict_proba", "decisionFunction": "decision_function"}


@builder("stacking")
def _stacking(ctx, body):
    from sklearn.ensemble import StackingClassifier, StackingRegressor
    members, names = _members(ctx, body)
    methods = []
    for m in body.get("methods", []):
        if m not in _METHODS:
            raise _core.UnsupportedError(f"stacking: stack method {m!r}")
        methods.append(_METHODS[m])
    if len(methods) != len(members):
        raise _core.FormatError("stacking: one stack method per member expected")
    final = ctx.estimator(body["finalEstimator"])
    pairs = list(zip(names, members))
    passthrough = bool(body.get("passthrough", False))
    if body.get("classifier", False):
        s = StackingClassifier(pairs, final_estimator=final, passthrough=passthrough)
        classes = _classes(ctx, body)
        s._label_encoder = _label_encoder(classes)
        s.classes_ = classes
    else:
        s = StackingRegressor(pairs, final_estimator=final, passthrough=passthrough)
    s.estimators_ = members
    s.final_estimator_ = final
    s.stack_method_ = methods
    s.named_estimators_ = _bunch(names, members)
    return s


@builder("oneVsRest")
def _one_vs_rest(ctx, body):
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import LabelBinarizer
    members = [ctx.estimator(e) for e in body.get("estimators", [])]
    if not members:
        raise _core.FormatError("OneVsRestClassifier: no members")
    classes = _classes(ctx, body)
    lb = LabelBinarizer(sparse_output=True)
    lb.classes_ = classes
    if body.get("multilabel", False):
        lb.y_type_ = "multilabel-indicator"
    else:
        lb.y_type_ = "multiclass" if len(classes) > 2 else "binary"
    # Whether y was a sparse matrix at fit is not in the file: a dense y
    # (multilabel predict then returns a dense indicator matrix).
    lb.sparse_input_ = False
    # The unfitted `estimator` is not in the file; the first member stands for
    # it (available_if looks at it for predict_proba / decision_function).
    o = OneVsRestClassifier(members[0])
    o.estimators_ = members
    o.label_binarizer_ = lb
    o.classes_ = classes
    set_n_features(o, body.get("nFeatures", 0))
    return o


def _calibrator(ctx, c):
    from sklearn.calibration import _SigmoidCalibration
    from sklearn.isotonic import IsotonicRegression
    if not c.get("isotonic", False):
        s = _SigmoidCalibration()
        s.a_ = number(c.get("a", 0.0))
        s.b_ = number(c.get("b", 0.0))
        return s
    x = ctx.tensor(int(c.get("xThresholds", NO_TENSOR)), np.float64)
    y = ctx.tensor(int(c.get("yThresholds", NO_TENSOR)), np.float64)
    if x is None or y is None or x.shape != y.shape or x.ndim != 1 or x.size == 0:
        raise _core.FormatError("isotonic calibrator: thresholds missing or of different shapes")
    r = IsotonicRegression(out_of_bounds="clip" if c.get("clip", True) else "nan")
    r.X_thresholds_ = x
    r.y_thresholds_ = y
    r.X_min_ = number(c.get("xMin", x[0]))
    r.X_max_ = number(c.get("xMax", x[-1]))
    r.increasing_ = bool(np.all(np.diff(y) >= 0))
    r._build_f(x, y)
    return r


@builder("calibrated")
def _calibrated(ctx, body):
    from sklearn.calibration import CalibratedClassifierCV, _CalibratedClassifier
    method = "isotonic" if body.get("isotonic", False) else "sigmoid"
    classes = _classes(ctx, body)
    calibrated = []
    for m in body.get("members", []):
        est = ctx.estimator(m["estimator"])
        cals = [_calibrator(ctx, c) for c in m.get("calibrators", [])]
        calibrated.append(_CalibratedClassifier(est, cals, classes=classes, method=method))
    if not calibrated:
        raise _core.FormatError("CalibratedClassifierCV: no calibrated classifiers")
    # cv and ensemble are fit-only and not in the file; the first member
    # stands for the unfitted `estimator`.
    c = CalibratedClassifierCV(calibrated[0].estimator, method=method)
    c.classes_ = classes
    c.calibrated_classifiers_ = calibrated
    set_n_features(c, body.get("nFeatures", 0))
    return c
