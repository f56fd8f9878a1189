# Isolation forest and AdaBoost group (run by make_mapping_cases.py in its
# namespace; see README.md). Prefixes iforest_, ada_.
#
# Outputs are scikit-learn 1.2.1's own. Files "from other versions" are made
# by rewriting what the pickler writes (old module paths, renamed
# attributes, the arrays 1.3+ caches, 1.6's algorithm="deprecated"); their
# arithmetic is 1.2.1's, so the expected outputs are the 1.2.1 model's.
from sklearn.ensemble import AdaBoostClassifier, AdaBoostRegressor, IsolationForest
from sklearn.ensemble._iforest import _average_path_length


def ens_checks(est, X):
    # Logarithms, exponentials and powers come from numpy here and libm there.
    checks = checks_for(est, X, exact=False)
    if isinstance(est, IsolationForest):
        for c in checks:
            if c["method"] == "predict":
                c["labels"] = [int(r[0]) for r in c.pop("numbers")]
    return checks


def ens_case(name, est, X, **kw):
    kw.setdefault("checks", ens_checks(est, X))
    case(name, est, X, **kw)


def on_cls(cls, **changes):
    def hook(est, s):
        if isinstance(est, cls):
            for k, v in changes.items():
                if v is KeyError:
                    s.pop(k, None)
                else:
                    s[k] = v(s) if callable(v) and not isinstance(v, type) else v
        return s
    return hook


def chain(*hs):
    def hook(est, s):
        for h in hs:
            s = h(est, s)
        return s
    return hook


# ---- IsolationForest ------------------------------------------------------------
_rs = np.random.RandomState(11)
Xif = np.r_[Xc, _rs.uniform(-6, 6, size=(20, Xc.shape[1]))]
Xtif = np.r_[Xtc, _rs.uniform(-8, 8, size=(12, Xc.shape[1]))]   # inliers and outliers

IF = {
    "iforest_default": IsolationForest(n_estimators=25, random_state=0).fit(Xif),
    "iforest_subfeatures": IsolationForest(n_estimators=15, max_features=0.5, max_samples=64, contamination=0.1,
                                           random_state=1).fit(Xif),
    "iforest_bootstrap_features": IsolationForest(n_estimators=12, max_features=3, bootstrap=True,
                                                  contamination=0.05, random_state=2).fit(Xif),
    "iforest_small_samples": IsolationForest(n_estimators=10, max_samples=5, random_state=3).fit(Xif),
    "iforest_one_sample": IsolationForest(n_estimators=4, max_samples=1, random_state=4).fit(Xif),
}
for name, est in IF.items():
    ens_case(name, est, Xtif)

_ifd = IF["iforest_default"]
_ifs = IF["iforest_subfeatures"]
# 0.21: public module paths, n_features_ instead of n_features_in_.
ens_case("iforest_old021_default", _ifd, Xtif, version="0.21.3", protos=(2, 4), state=as_version("0.21.3"),
         modules={IsolationForest: "sklearn.ensemble.iforest", ExtraTreeRegressor: "sklearn.tree.tree"})
ens_case("iforest_old020_subfeatures", _ifs, Xtif, version="0.20.4", protos=(2,), joblibs=False,
         state=as_version("0.20.4"),
         modules={IsolationForest: "sklearn.ensemble.iforest", ExtraTreeRegressor: "sklearn.tree.tree"})


def v13_cache(est, s):
    # What 1.3+ caches in fit (tuples from zip): node depths counted from 1 and
    # _average_path_length of every node's n_node_samples.
    if isinstance(est, IsolationForest):
        s["_average_path_length_per_tree"] = tuple(_average_path_length(t.tree_.n_node_samples)
                                                   for t in est.estimators_)
        s["_decision_path_lengths"] = tuple(_node_depths(t.tree_) for t in est.estimators_)
        s["_max_samples"] = s["max_samples_"]
    return s


def _node_depths(tree):
    d = np.empty(tree.node_count, dtype=np.int64)
    d[0] = 1
    for i in range(tree.node_count):
        if tree.children_left[i] != -1:
            d[tree.children_left[i]] = d[tree.children_right[i]] = d[i] + 1
    return d


for name, est in (("iforest_v13_default", _ifd), ("iforest_v13_subfeatures", _ifs)):
    ens_case(name, est, Xtif, version="1.3.2", protos=(4, 5), joblibs=False, tree=with_missing,
             state=chain(as_version("1.3.2", rename_n_features=False), v13_cache))
ens_case("iforest_numpy2_subfeatures", _ifs, Xtif, protos=(4,), joblibs=False, numpy2=True)

# ---- AdaBoost ---------------------------------------------------------------------
ADA = {
    "ada_sammer_bin": (AdaBoostClassifier(n_estimators=12, random_state=0).fit(Xc, yc), Xtc),
    "ada_sammer_multi": (AdaBoostClassifier(DecisionTreeClassifier(max_depth=3), n_estimators=10,
                                            random_state=0).fit(X3, y3), Xt3),
    "ada_sammer_multi_str": (AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=8,
                                                random_state=1).fit(X3, ys), Xt3),
    "ada_samme_bin_str": (AdaBoostClassifier(n_estimators=15, algorithm="SAMME", random_state=0)
                          .fit(Xc, np.array(["no", "yes"])[yc]), Xtc),
    "ada_samme_multi": (AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=20, algorithm="SAMME",
                                           random_state=0).fit(X3, y3), Xt3),
    "ada_samme_multi_obj": (AdaBoostClassifier(n_estimators=9, algorithm="SAMME", learning_rate=0.5,
                                               random_state=2).fit(X3, yobj), Xt3),
    "ada_samme_extra_tree": (AdaBoostClassifier(ExtraTreeClassifier(max_depth=3), n_estimators=10, algorithm="SAMME",
                                                random_state=3).fit(X3, ys), Xt3),
    # A tree that fits perfectly stops boosting at once: estimator_weights_ [1, 0, 0, ...].
    "ada_samme_perfect": (AdaBoostClassifier(DecisionTreeClassifier(), n_estimators=5, algorithm="SAMME",
                                             random_state=0).fit(Xc, yc), Xtc),
    "ada_reg": (AdaBoostRegressor(n_estimators=15, random_state=0).fit(Xr, yr), Xtr),
    "ada_reg_deep": (AdaBoostRegressor(DecisionTreeRegressor(max_depth=5), n_estimators=25, loss="square",
                                       learning_rate=0.7, random_state=1).fit(Xr, yr), Xtr),
    "ada_reg_extra_tree": (AdaBoostRegressor(ExtraTreeRegressor(max_depth=4), n_estimators=10, loss="exponential",
                                             random_state=2).fit(Xr, yr), Xtr),
}
for name, (est, X) in ADA.items():
    ens_case(name, est, X)

_ADA_OLD = {AdaBoostClassifier: "sklearn.ensemble.weight_boosting", AdaBoostRegressor: "sklearn.ensemble.weight_boosting",
            DecisionTreeClassifier: "sklearn.tree.tree", DecisionTreeRegressor: "sklearn.tree.tree"}


def ada_old(version):
    def hook(est, s):
        if isinstance(est, (AdaBoostClassifier, AdaBoostRegressor)) and "estimator_" in s:
            s["base_estimator_"] = s.pop("estimator_")
            s.pop("estimator", None)
            s["base_estimator"] = None
        return s
    return chain(as_version(version), hook)


for name in ("ada_sammer_bin", "ada_samme_multi", "ada_sammer_multi_str", "ada_reg"):
    est, X = ADA[name]
    ens_case(name.replace("ada_", "ada_old021_"), est, X, version="0.21.3", protos=(2, 4), state=ada_old("0.21.3"),
             modules=_ADA_OLD)
est, X = ADA["ada_samme_multi"]
ens_case("ada_v16_samme_multi", est, X, version="1.6.1", protos=(4,), joblibs=False, tree=with_missing,
         state=chain(as_version("1.6.1", rename_n_features=False), on_cls(AdaBoostClassifier, algorithm="deprecated")))
est, X = ADA["ada_sammer_bin"]
ens_case("ada_numpy2_sammer_bin", est, X, protos=(4,), joblibs=False, numpy2=True)

# ---- refusals -----------------------------------------------------------------------


def _first_feature(v):
    def f(s):
        feats = [a.copy() for a in s["estimators_features_"]]
        feats[0][0] = v
        return feats
    return f


refuse("iforest_feature_out_of_range", _ifs, state=on_cls(IsolationForest, estimators_features_=_first_feature(99)))
refuse("iforest_feature_count", _ifs,
       state=on_cls(IsolationForest, estimators_features_=lambda s: [a[:-1] for a in s["estimators_features_"]]))
refuse("iforest_features_short", _ifd,
       state=on_cls(IsolationForest, estimators_features_=lambda s: list(s["estimators_features_"])[:-1]))


def _bad_samples(nodes):
    n = nodes.copy()
    n["n_node_samples"][0] += 1
    return n


refuse("iforest_node_samples_sum", _ifd, tree=_bad_samples)
refuse("iforest_no_offset", _ifd, state=on_cls(IsolationForest, offset_=KeyError))
refuse("iforest_offset_nan", _ifd, state=on_cls(IsolationForest, offset_=float("nan")))
refuse("iforest_max_samples_zero", _ifd, state=on_cls(IsolationForest, max_samples_=0))
refuse("iforest_max_features_big", _ifd, state=on_cls(IsolationForest, _max_features=99))
refuse("iforest_no_max_features", _ifd, state=on_cls(IsolationForest, _max_features=KeyError))
refuse("iforest_wrong_member", _ifd,
       state=on_cls(IsolationForest, estimators_=lambda s: [M["dt_reg"][0]] + list(s["estimators_"][1:])))


def _bad_apl(est, s):
    if isinstance(est, IsolationForest):
        apl = list(s["_average_path_length_per_tree"])
        apl[1] = apl[1] + 0.5
        s["_average_path_length_per_tree"] = tuple(apl)
    return s


def _bad_depths(est, s):
    if isinstance(est, IsolationForest):
        d = list(s["_decision_path_lengths"])
        d[0] = d[0] + 1
        s["_decision_path_lengths"] = tuple(d)
    return s


refuse("iforest_v13_apl_mismatch", _ifd, state=chain(as_version("1.3.2", rename_n_features=False), v13_cache, _bad_apl))
refuse("iforest_v13_depth_mismatch", _ifd,
       state=chain(as_version("1.3.2", rename_n_features=False), v13_cache, _bad_depths))

_adac = ADA["ada_samme_multi"][0]
_adar = ADA["ada_reg"][0]
refuse("ada_weight_negative", _adac,
       state=on_cls(AdaBoostClassifier, estimator_weights_=lambda s: s["estimator_weights_"] * np.r_[1, -1, np.ones(18)]))
refuse("ada_weight_nan", _adar,
       state=on_cls(AdaBoostRegressor, estimator_weights_=lambda s: np.r_[s["estimator_weights_"][:3], np.nan,
                                                                          s["estimator_weights_"][4:]]))
refuse("ada_weights_short", _adac,
       state=on_cls(AdaBoostClassifier, estimator_weights_=lambda s: s["estimator_weights_"][:3]))
refuse("ada_weights_zero", _adac,
       state=on_cls(AdaBoostClassifier, estimator_weights_=lambda s: np.zeros_like(s["estimator_weights_"])))
refuse("ada_algorithm_unknown", _adac, state=on_cls(AdaBoostClassifier, algorithm="SAMME.X"))
refuse("ada_n_classes", _adac, state=on_cls(AdaBoostClassifier, n_classes_=4))
refuse("ada_member_logreg", _adac,
       state=on_cls(AdaBoostClassifier, estimators_=lambda s: list(s["estimators_"][:2]) + [M["logreg_ovr"][0]]))
refuse("ada_member_regressor", _adac,
       state=on_cls(AdaBoostClassifier, estimators_=lambda s: [M["dt_reg"][0]]))
refuse("ada_member_classes", _adac,
       state=on_cls(AdaBoostClassifier, classes_=lambda s: s["classes_"] + 10))
refuse("ada_tree_child", _adar, tree=hostile_child)
