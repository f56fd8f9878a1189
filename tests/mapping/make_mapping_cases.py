# Writes the pickles the mapping tests convert, with scikit-learn's own
# outputs next to them. Usage: make_mapping_cases.py OUT_DIR
#
# OUT_DIR/manifest.json lists the cases: files (pickle protocols 2/4/5, joblib
# plain and compress=3), the input X, and per check (bundle member, method)
# scikit-learn's labels or numbers. Files "from other scikit-learn / numpy
# versions" are made from real 1.2.1 models by rewriting what the pickler
# writes: module paths (old public modules, numpy._core), _sklearn_version,
# renamed or dropped attributes, and the tree node dtype. refuse_*.pkl files
# are broken in one place each; the C++ test asserts how they are refused.
import copyreg
import json
import os
import pickle
import sys
import types
from contextlib import contextmanager

import joblib
import numpy as np
import sklearn.base
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
from sklearn.tree._tree import Tree

OUT = sys.argv[1]
manifest = []

# ---- rewriting hooks --------------------------------------------------------
STATE_HOOK = [None]   # f(estimator, state) -> state
TREE_HOOK = [None]    # f(nodes) -> nodes
PROTO = [4]
_orig_getstate = sklearn.base.BaseEstimator.__getstate__


def _getstate(self):
    s = _orig_getstate(self)
    return STATE_HOOK[0](self, dict(s)) if STATE_HOOK[0] else s


sklearn.base.BaseEstimator.__getstate__ = _getstate


def _reduce_tree(t):
    cls, args, state = t.__reduce__()
    if TREE_HOOK[0]:
        state = dict(state)
        state["nodes"] = TREE_HOOK[0](state["nodes"])
    return cls, args, state


copyreg.pickle(Tree, _reduce_tree)


def fake_module(name):
    if name not in sys.modules:
        sys.modules[name] = types.ModuleType(name)
    return sys.modules[name]


@contextmanager
def hooks(state=None, tree=None, modules=None, numpy2=False):
    """modules: {class: old module path}."""
    STATE_HOOK[0], TREE_HOOK[0] = state, tree
    saved = {}
    for cls, mod in (modules or {}).items():
        saved[cls] = cls.__module__
        setattr(fake_module(mod), cls.__name__, cls)
        cls.__module__ = mod
    np_saved = {}
    if numpy2:
        for t in (np.ndarray, np.float64, np.int64):
            np_saved[t] = copyreg.dispatch_table.get(t)
            copyreg.pickle(t, _reduce_numpy2)
    try:
        yield
    finally:
        STATE_HOOK[0], TREE_HOOK[0] = None, None
        for cls, mod in saved.items():
            cls.__module__ = mod
        for t, old in np_saved.items():
            if old is None:
                del copyreg.dispatch_table[t]
            else:
                copyreg.dispatch_table[t] = old


def _fake_function(module, name):
    m = fake_module(module)
    if not hasattr(m, name):
        def f(*a):
            raise RuntimeError("placeholder")
        f.__module__, f.__name__, f.__qualname__ = module, name, name
        setattr(m, name, f)
    return getattr(m, name)


def _reduce_numpy2(obj):
    r = obj.__reduce_ex__(PROTO[0])
    fn = r[0]
    mod = {"_reconstruct": "numpy._core.multiarray", "scalar": "numpy._core.multiarray",
           "_frombuffer": "numpy._core.numeric"}[fn.__name__]
    return (_fake_function(mod, fn.__name__),) + tuple(r[1:])


class Reduced:
    """Pickles as REDUCE(cls, args)."""

    def __init__(self, cls, args):
        self.cls, self.args = cls, args

    def __reduce__(self):
        return self.cls, self.args


def fake_class(module, name):
    m = fake_module(module)
    c = type(name, (), {})
    c.__module__, c.__qualname__ = module, name
    setattr(m, name, c)
    return c


# ---- writing ----------------------------------------------------------------
def clean(a):
    """Nested lists with NaN -> None and +-inf -> "inf"/"-inf" (JSON has neither)."""
    if isinstance(a, list):
        return [clean(x) for x in a]
    if isinstance(a, float) and a != a:
        return None
    if isinstance(a, float) and a in (float("inf"), float("-inf")):
        return "inf" if a > 0 else "-inf"
    return a


def write_variants(name, obj, protos=(2, 4, 5), joblibs=True, **hk):
    files = []
    for p in protos:
        PROTO[0] = p
        with hooks(**hk):
            data = pickle.dumps(obj, protocol=p)
        fn = "%s.p%d.pkl" % (name, p)
        with open(os.path.join(OUT, fn), "wb") as f:
            f.write(data)
        files.append(fn)
    if joblibs:
        for suffix, compress in (("joblib", 0), ("z3.joblib", 3)):
            fn = "%s.%s" % (name, suffix)
            with hooks(**hk):
                joblib.dump(obj, os.path.join(OUT, fn), compress=compress)
            files.append(fn)
    return files


def final_step(est):
    while isinstance(est, Pipeline):
        est = est.steps[-1][1]
    return est


def checks_for(est, X, member="", exact=False):
    out = []
    for method in ("predict", "predict_proba", "predict_log_proba", "decision_function", "transform",
                   "score_samples"):
        try:
            y = getattr(est, method)(X)
        except (AttributeError, NotImplementedError):
            continue
        if isinstance(y, list):
            continue
        y = np.asarray(y)
        # Logarithms differ from numpy's in the last bit: never exact.
        c = {"member": member, "method": method,
             "exact": exact and method not in ("predict_log_proba", "score_samples")}
        if method == "predict" and hasattr(final_step(est), "classes_"):
            c["labels"] = y.tolist()
        else:
            c["numbers"] = clean(y.astype(np.float64).reshape(len(X), -1).tolist())
        out.append(c)
    return out


def is_tree(est):
    f = final_step(est)
    return hasattr(f, "tree_") or hasattr(f, "estimators_")


def case(name, est, X, cls=None, version="1.2.1", protos=(2, 4, 5), joblibs=True, checks=None, **hk):
    files = write_variants(name, est, protos, joblibs, **hk)
    manifest.append({"name": name, "files": files, "class": cls or type(est).__name__, "version": version,
                     "X": clean(np.asarray(X, dtype=np.float64).tolist()),
                     "checks": checks if checks is not None else checks_for(est, X, exact=is_tree(est))})


# ---- models -----------------------------------------------------------------
Xc, yc = make_classification(n_samples=200, n_features=6, n_informative=4, random_state=1)
X3, y3 = make_classification(n_samples=300, n_features=7, n_informative=5, n_classes=3, random_state=2)
Xr, yr = make_regression(n_samples=200, n_features=5, noise=3.0, random_state=3)
Xm, ym = make_regression(n_samples=200, n_features=5, n_targets=2, noise=1.0, random_state=4)
ys = np.array(["cat", "dog", "eel"])[y3]
yobj = ys.astype(object)
y_multi = np.c_[y3, (X3[:, 0] > 0).astype(int) * 7]
Xt3, Xtc, Xtr, Xtm = X3[:40] * 1.1, Xc[:40] * 0.9, Xr[:40] * 1.2, Xm[:40]

M = {
    "linreg": (LinearRegression().fit(Xr, yr), Xtr),
    "linreg_noint": (LinearRegression(fit_intercept=False).fit(Xr, yr), Xtr),
    "ridge_multi": (Ridge(alpha=0.5).fit(Xm, ym), Xtm),
    "lasso": (Lasso(alpha=0.1).fit(Xr, yr), Xtr),
    "enet": (ElasticNet(alpha=0.1, l1_ratio=0.3).fit(Xr, yr), Xtr),
    "sgdreg": (SGDRegressor(random_state=0).fit(Xr, yr), Xtr),
    "logreg_bin": (LogisticRegression().fit(Xc, yc), Xtc),
    "logreg_multinomial": (LogisticRegression(multi_class="multinomial", max_iter=500).fit(X3, y3), Xt3),
    "logreg_ovr": (LogisticRegression(multi_class="ovr", max_iter=500).fit(X3, y3), Xt3),
    "logreg_str_liblinear": (LogisticRegression(solver="liblinear").fit(X3, ys), Xt3),
    "logreg_obj_labels": (LogisticRegression(max_iter=500).fit(X3, yobj), Xt3),
    "sgd_log": (SGDClassifier(loss="log_loss", random_state=0).fit(X3, y3), Xt3),
    "sgd_huber": (SGDClassifier(loss="modified_huber", random_state=0).fit(X3, y3), Xt3),
    "sgd_hinge": (SGDClassifier(random_state=0).fit(Xc, yc), Xtc),
    "linsvc": (LinearSVC(random_state=0, max_iter=5000).fit(X3, ys), Xt3),
    "linsvc_bin": (LinearSVC(random_state=0, max_iter=5000).fit(Xc, yc), Xtc),
    "dt_clf": (DecisionTreeClassifier(random_state=0).fit(X3, y3), Xt3),
    "dt_clf_float": (DecisionTreeClassifier(max_depth=4, random_state=0).fit(Xc, yc * 2.0 - 1.0), Xtc),
    "dt_clf_bool": (DecisionTreeClassifier(max_depth=3, random_state=0).fit(Xc, yc == 1), Xtc),
    "dt_clf_multi": (DecisionTreeClassifier(random_state=0).fit(X3, y_multi), Xt3),
    "dt_reg": (DecisionTreeRegressor(random_state=0).fit(Xr, yr), Xtr),
    "et_clf": (ExtraTreeClassifier(random_state=0).fit(X3, ys), Xt3),
    "et_reg": (ExtraTreeRegressor(random_state=0).fit(Xr, yr), Xtr),
    "rf_clf": (RandomForestClassifier(n_estimators=8, max_depth=6, random_state=0).fit(X3, ys), Xt3),
    "rf_reg": (RandomForestRegressor(n_estimators=8, max_depth=6, random_state=0).fit(Xr, yr), Xtr),
    "rf_multi": (RandomForestClassifier(n_estimators=5, max_depth=5, random_state=0).fit(X3, y_multi), Xt3),
    "rf_reg_multi": (RandomForestRegressor(n_estimators=5, max_depth=5, random_state=0).fit(Xm, ym), Xtm),
    "ets_clf": (ExtraTreesClassifier(n_estimators=6, max_depth=6, random_state=0).fit(Xc, yc), Xtc),
    "ets_reg": (ExtraTreesRegressor(n_estimators=6, max_depth=6, random_state=0).fit(Xr, yr), Xtr),
    "std_scaler": (StandardScaler().fit(Xr), Xtr),
    "std_scaler_nomean": (StandardScaler(with_mean=False).fit(Xr), Xtr),
    "minmax": (MinMaxScaler(feature_range=(-1, 2), clip=True).fit(Xr), Xtr * 1.5),
    "pipe_logreg": (Pipeline([("sc", StandardScaler()), ("skip", "passthrough"),
                              ("clf", LogisticRegression(max_iter=500))]).fit(X3, ys), Xt3),
    "pipe_forest": (Pipeline([("mm", MinMaxScaler()), ("rf", RandomForestClassifier(
        n_estimators=4, max_depth=5, random_state=0))]).fit(Xc, yc), Xtc),
    "pipe_none_step": (Pipeline([("none", None), ("reg", Ridge())]).fit(Xr, yr), Xtr),
}
for name, (est, X) in M.items():
    case(name, est, X)

# ---- bundles ----------------------------------------------------------------
rf, sc, lr = M["rf_clf"][0], M["std_scaler"][0], M["logreg_bin"][0]
bundle = {"model": rf, "scaler": sc, "threshold": 0.4, "name": "v1", "n": 3, "none": None, "flag": True,
          "np_threshold": np.float64(0.25)}
files = write_variants("bundle_dict", bundle)
manifest.append({"name": "bundle_dict", "files": files, "class": "bundle", "version": "1.2.1",
                 "X": [], "bundle": {"container": "dict", "members": list(bundle.keys())},
                 "member_checks": [{"member": "model", "X": clean(Xt3.tolist()), "checks": checks_for(rf, Xt3, "model", True)},
                                   {"member": "scaler", "X": clean(Xtr.tolist()), "checks": checks_for(sc, Xtr, "scaler")}]})
files = write_variants("bundle_tuple", (sc, lr))
manifest.append({"name": "bundle_tuple", "files": files, "class": "bundle", "version": "1.2.1", "X": [],
                 "bundle": {"container": "tuple", "members": ["0", "1"]},
                 "member_checks": [{"member": "0", "X": clean(Xtr.tolist()), "checks": checks_for(sc, Xtr, "0")},
                                   {"member": "1", "X": clean(Xtc.tolist()), "checks": checks_for(lr, Xtc, "1")}]})
files = write_variants("bundle_list", [M["linreg"][0], 0.5])
manifest.append({"name": "bundle_list", "files": files, "class": "bundle", "version": "1.2.1", "X": [],
                 "bundle": {"container": "list", "members": ["0", "1"]},
                 "member_checks": [{"member": "0", "X": clean(Xtr.tolist()),
                                    "checks": checks_for(M["linreg"][0], Xtr, "0")}]})

# ---- weights (containers of arrays only) ------------------------------------
a = np.arange(12, dtype="<f8").reshape(3, 4) / 3.0
state_dict = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([0.5, -1.5]),
              "fortran": np.asfortranarray(a), "be": np.arange(5, dtype=">i4") - 2,
              "u8": np.arange(4, dtype=np.uint8), "mask": np.array([True, False, True]),
              "half": np.array([1.5, -2.0], dtype=np.float16), "zero_d": np.array(3.25),
              "u64": np.array([2**63 + 5], dtype=np.uint64), "i2": np.array([-7, 7], dtype=">i2"),
              "cube": np.asfortranarray(np.arange(24, dtype=np.int64).reshape(2, 3, 4))}
_dt = {"float32": "f32", "float64": "f64", "int32": "i32", "uint8": "u8", "bool": "bool", "float16": "f16",
       "uint64": "u64", "int16": "i16", "int64": "i64"}


def tensor_expect(arr):
    c = arr.astype(arr.dtype.newbyteorder("<"), order="C")
    return {"dtype": _dt[c.dtype.name], "shape": list(c.shape), "hex": c.tobytes().hex()}


for name, obj, names in (("weights_dict", state_dict, list(state_dict.keys())),
                         ("weights_list", [state_dict["w"], state_dict["fortran"]], ["0", "1"]),
                         ("weights_tuple", (state_dict["b"],), ["0"]),
                         ("weights_array", state_dict["cube"], ["array"])):
    arrays = list(obj.values()) if isinstance(obj, dict) else list(obj) if isinstance(obj, (list, tuple)) else [obj]
    files = write_variants(name, obj)
    manifest.append({"name": name, "files": files, "class": "weights", "version": "", "X": [],
                     "tensors": {n: tensor_expect(x) for n, x in zip(names, arrays)}})

# ---- other versions ------------------------------------------------------------
import sklearn.linear_model._base as _lb  # noqa: E402

OLD_PATHS = {
    LinearRegression: "sklearn.linear_model.base", Ridge: "sklearn.linear_model.ridge",
    Lasso: "sklearn.linear_model.coordinate_descent", ElasticNet: "sklearn.linear_model.coordinate_descent",
    LogisticRegression: "sklearn.linear_model.logistic", SGDClassifier: "sklearn.linear_model.stochastic_gradient",
    SGDRegressor: "sklearn.linear_model.stochastic_gradient", LinearSVC: "sklearn.svm.classes",
    DecisionTreeClassifier: "sklearn.tree.tree", DecisionTreeRegressor: "sklearn.tree.tree",
    ExtraTreeClassifier: "sklearn.tree.tree", ExtraTreeRegressor: "sklearn.tree.tree",
    RandomForestClassifier: "sklearn.ensemble.forest", RandomForestRegressor: "sklearn.ensemble.forest",
    ExtraTreesClassifier: "sklearn.ensemble.forest", ExtraTreesRegressor: "sklearn.ensemble.forest",
    StandardScaler: "sklearn.preprocessing.data", MinMaxScaler: "sklearn.preprocessing.data",
}
OldLog = fake_class("sklearn.linear_model.sgd_fast", "Log")


def as_version(version, rename_n_features=True, keep_new=False):
    def hook(est, s):
        s["_sklearn_version"] = version
        if "n_features_in_" in s and rename_n_features:
            if hasattr(est, "tree_") or hasattr(est, "estimators_"):
                s["n_features_"] = s["n_features_in_"]
            if not keep_new:
                del s["n_features_in_"]
        s.pop("feature_names_in_", None)
        if isinstance(est, MinMaxScaler) and not keep_new:
            s.pop("clip", None)
        if isinstance(est, SGDClassifier) and s.get("loss") == "log_loss":
            s["loss"] = Reduced(OldLog, (1.0,))  # loss object instead of the string
        return s
    return hook


for name in ("linreg", "ridge_multi", "lasso", "enet", "sgdreg", "logreg_ovr", "sgd_log", "linsvc", "dt_clf",
             "dt_reg", "et_clf", "rf_clf", "rf_reg", "ets_clf", "std_scaler", "pipe_logreg"):
    est, X = M[name]
    case("old021_" + name, est, X, version="0.21.3", protos=(2, 4), state=as_version("0.21.3"), modules=OLD_PATHS)
mm = MinMaxScaler(feature_range=(-1, 2)).fit(Xr)
case("old021_minmax", mm, Xtr * 1.5, version="0.21.3", protos=(2,), state=as_version("0.21.3"), modules=OLD_PATHS)
for name in ("dt_clf", "rf_reg"):
    est, X = M[name]
    case("v102_" + name, est, X, version="1.0.2", protos=(4,), joblibs=False, state=as_version("1.0.2", keep_new=True))

# numpy 2 module paths (numpy._core.*) for arrays and scalars.
for name in ("lasso", "logreg_str_liblinear", "dt_clf", "rf_clf", "std_scaler"):
    est, X = M[name]
    case("numpy2_" + name, est, X, protos=(2, 4, 5), joblibs=False, numpy2=True)


# LogisticRegression from 1.8 (no multi_class) and 1.5 ("deprecated").
def drop_multi_class(version, value=None):
    def hook(est, s):
        s["_sklearn_version"] = version
        if value is None:
            s.pop("multi_class", None)
        else:
            s["multi_class"] = value
        return s
    return hook


lr_auto3 = LogisticRegression(max_iter=500).fit(X3, y3)   # auto -> multinomial for lbfgs
lr_lib3 = LogisticRegression(solver="liblinear").fit(X3, y3)  # liblinear -> ovr
for name, est, X in (("v18_logreg_multinomial", lr_auto3, Xt3), ("v18_logreg_bin", M["logreg_bin"][0], Xtc),
                     ("v18_logreg_liblinear", lr_lib3, Xt3)):
    case(name, est, X, version="1.8.0", protos=(4, 5), state=drop_multi_class("1.8.0"))
case("v15_logreg_deprecated", lr_auto3, Xt3, version="1.5.2", protos=(4,), joblibs=False,
     state=drop_multi_class("1.5.2", "deprecated"))


# Trees from 1.3+: node records with missing_go_to_left; NaN in X follows it.
def with_missing(nodes, seed=[0]):
    rng = np.random.RandomState(seed[0])
    seed[0] += 1
    old = nodes.dtype
    names = list(old.names) + ["missing_go_to_left"]
    dt = np.dtype({"names": names, "formats": [old.fields[n][0] for n in old.names] + ["u1"],
                   "offsets": [old.fields[n][1] for n in old.names] + [old.itemsize], "itemsize": old.itemsize + 8})
    new = np.zeros(nodes.shape, dtype=dt)
    for n in old.names:
        new[n] = nodes[n]
    new["missing_go_to_left"] = rng.randint(0, 2, len(nodes)) * (nodes["left_child"] != -1)
    return new


def walk(nodes, x):
    n = 0
    while nodes["left_child"][n] != -1:
        v = x[nodes["feature"][n]]
        if np.isnan(v):
            go_left = nodes["missing_go_to_left"][n] == 1
        else:
            go_left = np.float32(v) <= nodes["threshold"][n]
        n = nodes["left_child"][n] if go_left else nodes["right_child"][n]
    return n


def nan_case(name, est, X, version):
    """Dumps est as a `version` file with missing_go_to_left, and computes the
    expected outputs (for X with NaNs) by walking the rewritten nodes."""
    trees = [est] if hasattr(est, "tree_") else est.estimators_
    state = {"nodes": []}

    def tree_hook(nodes):
        new = with_missing(nodes)
        state["nodes"].append(new)
        return new
    files = write_variants(name, est, protos=(4,), joblibs=False, tree=tree_hook,
                           state=as_version(version, rename_n_features=False))
    rewritten = state["nodes"][:len(trees)]
    Xn = X.copy()
    for i in range(0, len(Xn), 2):
        Xn[i, i % Xn.shape[1]] = np.nan
    classifier = hasattr(est, "classes_")
    rows_p, rows_y = [], []
    for x in Xn:
        acc = None
        for t, nodes in zip(trees, rewritten):
            v = t.tree_.value[walk(nodes, x)][0]
            v = v / (v.sum() if classifier and v.sum() > 0 else 1.0) if classifier else v
            acc = v.copy() if acc is None else acc + v
        acc = acc / len(trees) if len(trees) > 1 else acc
        if classifier:
            rows_p.append(acc.tolist())
            rows_y.append(est.classes_[int(np.argmax(acc))].item())
        else:
            rows_y.append(float(acc[0]))
    checks = []
    if classifier:
        checks.append({"member": "", "method": "predict", "exact": True, "labels": rows_y})
        checks.append({"member": "", "method": "predict_proba", "exact": False, "numbers": rows_p})
    else:
        checks.append({"member": "", "method": "predict", "exact": True, "numbers": [[y] for y in rows_y]})
    manifest.append({"name": name, "files": files, "class": type(est).__name__, "version": version,
                     "X": clean(Xn.tolist()), "checks": checks, "accept_nan": True})


nan_case("v13_dt_clf_nan", M["dt_clf"][0], Xt3, "1.3.2")
nan_case("v13_dt_reg_nan", M["dt_reg"][0], Xtr, "1.3.2")
nan_case("v14_rf_clf_nan", M["rf_clf"][0], Xt3, "1.4.2")
# 1.3 trees predicted without NaN: same as 1.2.1.
est, X = M["et_clf"]
case("v13_et_clf", est, X, version="1.3.2", protos=(4,), joblibs=False, tree=with_missing,
     state=as_version("1.3.2", rename_n_features=False))


# Node records with another field order, padding and big-endian fields.
def reordered_big_endian(nodes):
    old = nodes.dtype
    names = list(reversed(old.names))
    formats = [old.fields[n][0].newbyteorder(">") for n in names]
    offsets, off = [], 8  # 8 bytes of leading padding
    for f in formats:
        offsets.append(off)
        off += f.itemsize
    dt = np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": off + 4})
    new = np.zeros(nodes.shape, dtype=dt)
    for n in names:
        new[n] = nodes[n]
    return new


est, X = M["rf_clf"]
case("layout_big_endian_rf", est, X, protos=(2, 5), joblibs=False, tree=reordered_big_endian)

# ---- refusals: one broken thing each (protocol 4) --------------------------------
lr_est = M["logreg_multinomial"][0]


def refuse(name, obj, **hk):
    PROTO[0] = 4
    with hooks(**hk):
        data = pickle.dumps(obj, protocol=4)
    with open(os.path.join(OUT, "refuse_%s.pkl" % name), "wb") as f:
        f.write(data)


def set_attr(key, value, version=None):
    def hook(est, s):
        if isinstance(est, LogisticRegression) or key in s:
            if value is KeyError:
                s.pop(key, None)
            else:
                s[key] = value
        if version:
            s["_sklearn_version"] = version
        return s
    return hook


refuse("version_2_0", lr_est, state=set_attr("_sklearn_version", "2.0.1"))
refuse("version_0_17", lr_est, state=set_attr("_sklearn_version", "0.17.1"))
refuse("no_version", lr_est, state=set_attr("_sklearn_version", KeyError))
refuse("missing_coef", lr_est, state=set_attr("coef_", KeyError))
refuse("coef_is_str", lr_est, state=set_attr("coef_", "hello"))
refuse("multi_class_unknown", lr_est, state=set_attr("multi_class", "sideways"))
refuse("classes_2d", lr_est, state=set_attr("classes_", np.zeros((2, 2))))
refuse("coef_complex", lr_est, state=set_attr("coef_", lr_est.coef_.astype(np.complex128)))


def hostile_child(nodes):
    n = nodes.copy()
    n["left_child"][0] = 4096
    return n


refuse("tree_child_out_of_range", M["dt_clf"][0], tree=hostile_child)


def drop_threshold(nodes):
    names = [x for x in nodes.dtype.names if x != "threshold"]
    return np.array([tuple(r[n] for n in names) for r in nodes],
                    dtype=[(n, nodes.dtype.fields[n][0]) for n in names])


refuse("tree_no_threshold", M["dt_reg"][0], tree=drop_threshold)
refuse("forest_no_n_features", M["rf_reg"][0], state=lambda e, s: (s.pop("n_features_in_", None), s)[1])
refuse("tree_root", M["dt_clf"][0].tree_)
refuse("global_root", np.float64)
refuse("int_root", 7)
refuse("bundle_nested_list", {"model": lr_est, "features": ["a", "b"]})
refuse("bundle_array_member", {"model": lr_est, "w": np.zeros(3)})
refuse("bundle_no_estimator", {"threshold": 0.5, "name": "x"})
refuse("empty_dict", {})
refuse("bundle_int_key", {1: lr_est})
refuse("weights_object_array", {"a": np.array(["x", 1], dtype=object)})
refuse("forest_wrong_member", M["rf_reg"][0],
       state=lambda e, s: (s.__setitem__("estimators_", [M["linreg"][0]]) if "estimators_" in s else None, s)[1])
refuse("pipeline_steps_str", M["pipe_logreg"][0],
       state=lambda e, s: (s.__setitem__("steps", "sc") if "steps" in s else None, s)[1])
refuse("minmax_no_clip_1_2", M["minmax"][0], state=set_attr("clip", KeyError))

# ---- per-family case files ---------------------------------------------------
# Each tests/mapping/cases/*.py runs here, in a copy of this module's
# namespace (its own names stay its own): it adds its models with case(...)
# and its broken files with refuse(...).
CASES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
for path in sorted(os.listdir(CASES_DIR)):
    if path.endswith(".py"):
        with open(os.path.join(CASES_DIR, path)) as f:
            exec(compile(f.read(), os.path.join(CASES_DIR, path), "exec"), dict(globals()))

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f)
