# Trains small scikit-learn models and dumps, per case, the fitted attributes
# the C++ builders need, test inputs and scikit-learn's own outputs:
#   <case>.npz  arrays (prefix "s<i>_" per pipeline step, "t<i>_" per tree)
#   <case>.json class names, parameters, classes_, predicted labels, which
#               methods scikit-learn has for the model.
# Usage: python3 sklearn_oracle.py OUT_DIR
import json
import sys

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.linear_model import (ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge,
                                  SGDClassifier, SGDRegressor)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                          ExtraTreeRegressor)

OUT = sys.argv[1]


def dump_estimator(est, prefix, arrays):
    meta = {"class": type(est).__name__}
    if isinstance(est, Pipeline):
        meta["steps"] = []
        for i, (name, step) in enumerate(est.steps):
            m = dump_estimator(step, "%ss%d_" % (prefix, i), arrays)
            m["name"] = name
            meta["steps"].append(m)
    elif hasattr(est, "tree_") or hasattr(est, "estimators_"):
        trees = [est] if hasattr(est, "tree_") else est.estimators_
        meta["n_trees"] = len(trees)
        meta["n_features"] = int(est.n_features_in_)
        meta["n_outputs"] = int(est.n_outputs_)
        for i, t in enumerate(trees):
            tr = t.tree_
            p = "%st%d_" % (prefix, i)
            arrays[p + "left"] = tr.children_left.astype(np.int64)
            arrays[p + "right"] = tr.children_right.astype(np.int64)
            arrays[p + "feature"] = tr.feature.astype(np.int64)
            arrays[p + "threshold"] = tr.threshold
            arrays[p + "value"] = tr.value
        if hasattr(est, "classes_"):
            cl = [est.classes_] if est.n_outputs_ == 1 else est.classes_
            meta["classes"] = [np.asarray(c).tolist() for c in cl]
    elif isinstance(est, StandardScaler):
        meta.update(with_mean=est.with_mean, with_std=est.with_std, n_features=int(est.n_features_in_))
        if est.mean_ is not None:
            arrays[prefix + "mean"] = est.mean_
        if est.scale_ is not None:
            arrays[prefix + "scale"] = est.scale_
    elif isinstance(est, MinMaxScaler):
        meta.update(clip=est.clip, feature_range=list(est.feature_range), n_features=int(est.n_features_in_))
        arrays[prefix + "min"] = est.min_
        arrays[prefix + "scale"] = est.scale_
    else:
        arrays[prefix + "coef"] = np.asarray(est.coef_, dtype=np.float64)
        arrays[prefix + "intercept"] = np.atleast_1d(np.asarray(est.intercept_, dtype=np.float64))
        meta["coef_shape"] = list(np.shape(est.coef_))
        meta["n_features"] = int(est.n_features_in_)
        for k in ("multi_class", "solver", "loss"):
            if hasattr(est, k):
                meta[k] = getattr(est, k)
        if hasattr(est, "classes_"):
            meta["classes"] = np.asarray(est.classes_).tolist()
    return meta


def tree_edge_rows(est, X):
    """Rows whose features sit exactly on, or one float32/float64 step around,
    the first tree's thresholds: the float32 comparison decides them."""
    t = est
    while isinstance(t, Pipeline):
        t = t.steps[-1][1]
    tree = (t if hasattr(t, "tree_") else t.estimators_[0]).tree_
    rows = []
    for node in np.flatnonzero(tree.children_left != -1)[:25]:
        f, th = tree.feature[node], tree.threshold[node]
        f32 = np.float32(th)
        cands = [th, np.nextafter(th, np.inf), np.nextafter(th, -np.inf), float(f32),
                 float(np.nextafter(f32, np.float32(np.inf))), float(np.nextafter(f32, np.float32(-np.inf))),
                 # halfway between two float32 neighbours: the rounding tie
                 (float(f32) + float(np.nextafter(f32, np.float32(np.inf)))) / 2]
        for c in cands:
            r = X[node % len(X)].copy()
            r[f] = c
            rows.append(r)
    return np.array(rows)


def record(name, est, X, edge=False):
    arrays = {}
    meta = dump_estimator(est, "", arrays)
    if edge:
        X = np.vstack([X, tree_edge_rows(est, X)])
    arrays["X"] = np.ascontiguousarray(X, dtype=np.float64)
    meta["methods"] = {}
    for method in ("predict", "predict_proba", "predict_log_proba", "decision_function", "transform",
                   "score_samples"):
        try:
            out = getattr(est, method)(X)
        except (AttributeError, NotImplementedError):  # also: hasattr(est, method) is False
            meta["methods"][method] = False
            continue
        if isinstance(out, list):  # multi-output predict_proba: one array per output
            meta["methods"][method] = "list"
            continue
        out = np.asarray(out)
        meta["methods"][method] = True
        if method == "predict" and hasattr(est, "classes_"):
            meta["labels"] = out.tolist()
        else:
            arrays["out_" + method] = np.ascontiguousarray(out, dtype=np.float64)
    np.savez("%s/%s.npz" % (OUT, name), **arrays)
    with open("%s/%s.json" % (OUT, name), "w") as f:
        json.dump(meta, f)


Xc, yc = make_classification(n_samples=200, n_features=6, n_informative=4, random_state=1)
X3, y3 = make_classification(n_samples=300, n_features=7, n_informative=5, n_classes=3, random_state=2)
Xr, yr = make_regression(n_samples=200, n_features=5, noise=3.0, random_state=3)
Xm, ym = make_regression(n_samples=200, n_features=5, n_targets=2, noise=1.0, random_state=4)
names = np.array(["cat", "dog", "eel"])
ys = names[y3]
y_multi = np.c_[y3, (X3[:, 0] > 0).astype(int) * 7]  # two outputs: 3 and 2 classes
Xt3, Xtc, Xtr, Xtm = X3[:60] * 1.1, Xc[:60] * 0.9, Xr[:60] * 1.2, Xm[:60]

record("linreg", LinearRegression().fit(Xr, yr), Xtr)
record("linreg_noint", LinearRegression(fit_intercept=False).fit(Xr, yr), Xtr)
record("ridge_multi", Ridge(alpha=0.5).fit(Xm, ym), Xtm)
record("lasso", Lasso(alpha=0.1).fit(Xr, yr), Xtr)
record("enet", ElasticNet(alpha=0.1, l1_ratio=0.3).fit(Xr, yr), Xtr)
record("sgdreg", SGDRegressor(random_state=0).fit(Xr, yr), Xtr)
record("logreg_bin", LogisticRegression().fit(Xc, yc), Xtc)
record("logreg_bin_multinomial", LogisticRegression(multi_class="multinomial").fit(Xc, yc), Xtc)
record("logreg_multinomial", LogisticRegression(multi_class="multinomial", max_iter=500).fit(X3, y3), Xt3)
record("logreg_ovr", LogisticRegression(multi_class="ovr", max_iter=500).fit(X3, y3), Xt3)
record("logreg_str_liblinear", LogisticRegression(solver="liblinear").fit(X3, ys), Xt3)
record("sgd_log", SGDClassifier(loss="log_loss", random_state=0).fit(X3, y3), Xt3)
record("sgd_huber", SGDClassifier(loss="modified_huber", random_state=0).fit(X3, y3), Xt3)
record("sgd_huber_bin", SGDClassifier(loss="modified_huber", random_state=0).fit(Xc, yc), Xtc)
record("sgd_hinge", SGDClassifier(random_state=0).fit(Xc, yc), Xtc)
record("linsvc", LinearSVC(random_state=0, max_iter=5000).fit(X3, ys), Xt3)
record("linsvc_bin", LinearSVC(random_state=0, max_iter=5000).fit(Xc, yc), Xtc)
record("dt_clf", DecisionTreeClassifier(random_state=0).fit(X3, y3), Xt3, edge=True)
record("dt_clf_float", DecisionTreeClassifier(max_depth=4, random_state=0).fit(Xc, yc * 2.0 - 1.0), Xtc, edge=True)
record("dt_clf_multi", DecisionTreeClassifier(random_state=0).fit(X3, y_multi), Xt3, edge=True)
record("dt_reg", DecisionTreeRegressor(random_state=0).fit(Xr, yr), Xtr, edge=True)
record("dt_reg_multi", DecisionTreeRegressor(max_depth=6, random_state=0).fit(Xm, ym), Xtm, edge=True)
record("et_clf", ExtraTreeClassifier(random_state=0).fit(X3, ys), Xt3, edge=True)
record("et_reg", ExtraTreeRegressor(random_state=0).fit(Xr, yr), Xtr, edge=True)
record("rf_clf_str", RandomForestClassifier(n_estimators=15, random_state=0).fit(X3, ys), Xt3, edge=True)
record("rf_clf_bin", RandomForestClassifier(n_estimators=10, max_depth=5, random_state=0).fit(Xc, yc), Xtc, edge=True)
# 12 classes, weighted: each tree's proba normalizer is numpy's pairwise sum
# over more than 8 non-integer counts, and 20 trees load on several threads.
X12, y12 = make_classification(n_samples=600, n_features=8, n_informative=6, n_classes=12, n_clusters_per_class=1,
                               random_state=5)
record("rf_clf_12", RandomForestClassifier(n_estimators=20, max_depth=6, class_weight="balanced",
                                           random_state=0).fit(X12, y12), X12[:80] * 1.05, edge=True)
record("rf_reg", RandomForestRegressor(n_estimators=12, random_state=0).fit(Xr, yr), Xtr, edge=True)
record("rf_reg_multi", RandomForestRegressor(n_estimators=8, random_state=0).fit(Xm, ym), Xtm, edge=True)
record("etrees_clf", ExtraTreesClassifier(n_estimators=10, random_state=0).fit(X3, y3), Xt3, edge=True)
record("etrees_reg", ExtraTreesRegressor(n_estimators=10, random_state=0).fit(Xr, yr), Xtr, edge=True)
Xnan = Xt3.copy()
Xnan[3, 2] = np.nan
record("std_scaler", StandardScaler().fit(X3), Xnan)
record("std_scaler_nomean", StandardScaler(with_mean=False).fit(X3), Xt3)
record("minmax_clip", MinMaxScaler(feature_range=(-1, 2), clip=True).fit(X3), Xt3 * 1.5)
record("pipe_std_logreg", Pipeline([("sc", StandardScaler()), ("lr", LogisticRegression(max_iter=500))]).fit(X3, ys), Xt3)
record("pipe_minmax_rf", Pipeline([("mm", MinMaxScaler()), ("rf", RandomForestClassifier(n_estimators=8, random_state=0))]).fit(X3, y3), Xt3, edge=False)
record("pipe_std_minmax", Pipeline([("a", StandardScaler()), ("b", MinMaxScaler())]).fit(X3), Xt3)
