# Numeric preprocessing: MaxAbsScaler, RobustScaler, Normalizer, Binarizer,
# SimpleImputer (+ MissingIndicator), PolynomialFeatures, KBinsDiscretizer;
# each alone and inside a Pipeline before a classifier or regressor, files
# rewritten to look like other scikit-learn versions, and refusals.
# Runs inside make_mapping_cases.py (case, refuse, hooks, M, Xr, ... are its).
import warnings

import numpy as np
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.preprocessing import (Binarizer, KBinsDiscretizer, MaxAbsScaler, Normalizer, OneHotEncoder,
                                   PolynomialFeatures, RobustScaler)

warnings.simplefilter("ignore")
rng = np.random.RandomState(11)


def with_nan(X, every=3, seed=0):
    """A copy of X with NaN in some cells (row i, column (i + seed) % n for every `every`-th row)."""
    X = np.array(X, dtype=np.float64)
    for i in range(0, len(X), every):
        X[i, (i + seed) % X.shape[1]] = np.nan
    return X


def exact_checks(est, X):
    return checks_for(est, X, exact=True)


def dense_transform_checks(est, X, exact=True):
    """transform() of an estimator whose output is a scipy sparse matrix (KBinsDiscretizer 'onehot')."""
    y = est.transform(X).toarray()
    return [{"member": "", "method": "transform", "exact": exact, "numbers": clean(y.astype(np.float64).tolist())}]


def only(cls, **changes):
    """A state hook changing attributes of `cls` objects only (KeyError value: delete)."""
    def hook(est, s):
        if isinstance(est, cls):
            for k, v in changes.items():
                if v is KeyError:
                    s.pop(k, None)
                else:
                    s[k] = v(s) if callable(v) and not isinstance(v, type) else v
        return s
    return hook


# ---- data ------------------------------------------------------------------------
Xp = Xr * np.array([1.0, 10.0, 0.1, 3.0, -2.0])              # 200 x 5, different scales
Xp_t = Xtr * np.array([1.2, 8.0, 0.2, 3.0, -2.5])
Xp_nan = with_nan(Xp_t, 3)
Xz = np.c_[Xp[:, :3], np.zeros(len(Xp))]                       # a constant zero column
Xz_t = np.c_[Xp_t[:, :3], np.linspace(-1, 1, len(Xp_t))]
Xwide = rng.randn(60, 150) * rng.uniform(0.1, 50, 150)        # l1 norm over > 128 values (pairwise blocks)
Xwide_t = rng.randn(20, 150) * 3
Xrows = np.vstack([Xp_t[:10], np.zeros((1, 5)), np.full((1, 5), 1e-300), [[3e-16, 0, 0, 0, 0]]])

# Imputer data: NaN in fit, an all-NaN column, ties for most_frequent.
Xi = np.round(Xp[:, :4], 0)
Xi[::4, 0] = np.nan
Xi[1::5, 2] = np.nan
Xi_allnan = np.c_[Xi, np.full(len(Xi), np.nan)]
Xi_t = np.round(Xp_t[:, :4], 1)
Xi_t[::3, 0] = np.nan
Xi_t[1::4, 1] = np.nan                                         # missing where fit had none
Xi_t[2::5, 2] = np.nan
Xi_allnan_t = np.c_[Xi_t, np.where(np.arange(len(Xi_t)) % 2 == 0, np.nan, 5.0)]
Xi_num = np.where(np.isnan(Xi), -1.0, Xi)                      # missing_values=-1
Xi_num_t = np.where(np.isnan(Xi_t), -1.0, Xi_t)

# ---- MaxAbsScaler, RobustScaler, Normalizer, Binarizer ------------------------------
P = {
    "prep_maxabs": (MaxAbsScaler().fit(Xp), Xp_nan),
    "prep_maxabs_zero_col": (MaxAbsScaler().fit(Xz), Xz_t),
    "prep_robust": (RobustScaler().fit(Xp), Xp_nan),
    "prep_robust_nocenter": (RobustScaler(with_centering=False).fit(Xp), Xp_nan),
    "prep_robust_noscale": (RobustScaler(with_scaling=False).fit(Xp), Xp_t),
    "prep_robust_unit_variance": (RobustScaler(quantile_range=(10, 90), unit_variance=True).fit(Xz), Xz_t),
    "prep_normalizer_l2": (Normalizer().fit(Xp), Xrows),
    "prep_normalizer_max": (Normalizer(norm="max").fit(Xp), Xrows),
    "prep_binarizer": (Binarizer(threshold=0.3).fit(Xp), np.vstack([Xp_t, [[0.3, 0.30000000000000004, -0.3, 0, 1]]])),
}
for name, (est, X) in P.items():
    case(name, est, X, checks=exact_checks(est, X) if "l2" not in name else None)
# numpy's pairwise sum makes l1 bit-exact; the wide case goes through its recursion.
case("prep_normalizer_l1", Normalizer(norm="l1").fit(Xp), Xrows, checks=exact_checks(Normalizer(norm="l1").fit(Xp), Xrows))
nw = Normalizer(norm="l1").fit(Xwide)
case("prep_normalizer_l1_wide", nw, Xwide_t, protos=(4,), checks=exact_checks(nw, Xwide_t))
nw2 = Normalizer().fit(Xwide)
case("prep_normalizer_l2_wide", nw2, Xwide_t, protos=(4,), joblibs=False)

# ---- SimpleImputer -------------------------------------------------------------
I = {
    "prep_imputer_mean": (SimpleImputer().fit(Xi_allnan), Xi_allnan_t),
    "prep_imputer_median_indicator": (SimpleImputer(strategy="median", add_indicator=True).fit(Xi_allnan),
                                      Xi_allnan_t),
    "prep_imputer_most_frequent": (SimpleImputer(strategy="most_frequent", add_indicator=True).fit(Xi), Xi_t),
    "prep_imputer_constant": (SimpleImputer(strategy="constant", fill_value=-7.5).fit(Xi_allnan), Xi_allnan_t),
    "prep_imputer_keep_empty": (SimpleImputer(keep_empty_features=True, add_indicator=True).fit(Xi_allnan),
                                Xi_allnan_t),
    "prep_imputer_missing_number": (SimpleImputer(missing_values=-1, strategy="median", add_indicator=True)
                                    .fit(Xi_num), Xi_num_t),
    "prep_imputer_int_constant": (SimpleImputer(missing_values=-1, strategy="constant", fill_value=3)
                                  .fit(Xi_num.astype(np.int64)), Xi_num_t),
}
for name, (est, X) in I.items():
    case(name, est, X, checks=exact_checks(est, X))
# MissingIndicator(features="all"): every column gets an indicator.
imp_all = SimpleImputer(add_indicator=True).fit(Xi)
imp_all.indicator_.features = "all"
imp_all.indicator_.features_ = np.arange(Xi.shape[1])
case("prep_imputer_indicator_all", imp_all, Xi_t, checks=exact_checks(imp_all, Xi_t))

# ---- PolynomialFeatures --------------------------------------------------------
Xq = Xp[:, :4]
Xq_t = np.vstack([Xp_t[:, :4], [[0.0, -0.0, 1e150, -3.0]]])
Q = {
    "prep_poly_2": PolynomialFeatures().fit(Xq),
    "prep_poly_3_interaction": PolynomialFeatures(degree=3, interaction_only=True).fit(Xq),
    "prep_poly_3_nobias": PolynomialFeatures(degree=3, include_bias=False).fit(Xq),
    "prep_poly_min2_max4": PolynomialFeatures(degree=(2, 4)).fit(Xq),
    "prep_poly_min3_interaction_nobias": PolynomialFeatures(degree=(3, 5), interaction_only=True,
                                                            include_bias=False).fit(Xq),
    "prep_poly_0": PolynomialFeatures(degree=0).fit(Xq),
    "prep_poly_0_2": PolynomialFeatures(degree=(0, 2), include_bias=False).fit(Xq),
}
for name, est in Q.items():
    case(name, est, Xq_t, checks=exact_checks(est, Xq_t))

# ---- KBinsDiscretizer ----------------------------------------------------------
Xk = np.c_[Xp[:, :3], np.round(Xp[:, 3]), np.full(len(Xp), 2.5)]  # discrete column; constant column
Xk_t0 = np.c_[Xp_t[:, :3], np.round(Xp_t[:, 3]), np.linspace(-5, 5, len(Xp_t))]


def on_edges(est, X):
    """X plus rows lying exactly on every interior edge and one ulp either side (side='right')."""
    rows = [X]
    for k in range(max(len(e) for e in est.bin_edges_)):
        for step in (0, 1, -1):
            r = X[0].copy()
            for j, e in enumerate(est.bin_edges_):
                v = e[min(k, len(e) - 1)]
                if np.isfinite(v):
                    r[j] = v if step == 0 else np.nextafter(v, step * np.inf)
            rows.append(r[None, :])
    return np.vstack(rows)


K = {
    "prep_kbins_uniform_ordinal": KBinsDiscretizer(n_bins=4, encode="ordinal", strategy="uniform"),
    "prep_kbins_quantile_onehot_dense": KBinsDiscretizer(n_bins=[3, 5, 2, 6, 3], encode="onehot-dense",
                                                         strategy="quantile"),
    "prep_kbins_kmeans_ordinal": KBinsDiscretizer(n_bins=3, encode="ordinal", strategy="kmeans"),
    "prep_kbins_float32_ordinal": KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="uniform",
                                                   dtype=np.float32),
}
for name, est in K.items():
    est.fit(Xk)
    X = on_edges(est, Xk_t0)
    case(name, est, X, checks=exact_checks(est, X))
kb_sparse = KBinsDiscretizer(n_bins=4, encode="onehot", strategy="quantile").fit(Xk)
Xk_s = on_edges(kb_sparse, Xk_t0)
case("prep_kbins_onehot_sparse", kb_sparse, Xk_s, checks=dense_transform_checks(kb_sparse, Xk_s))

# ---- inside pipelines ----------------------------------------------------------
Xc_nan = with_nan(Xc, 4)
Xtc_nan = with_nan(Xtc, 3, seed=2)
Xr_drop = np.c_[Xr, np.full(len(Xr), np.nan)]
Xtr_drop = np.c_[with_nan(Xtr, 5), np.zeros(len(Xtr))]
PL = {
    "prep_pipe_imputer_logreg": (Pipeline([("imp", SimpleImputer(add_indicator=True)), ("sc", StandardScaler()),
                                           ("clf", LogisticRegression(max_iter=1000))]).fit(Xc_nan, yc), Xtc_nan),
    "prep_pipe_imputer_drop_linreg": (Pipeline([("imp", SimpleImputer(strategy="median")),
                                                ("reg", LinearRegression())]).fit(Xr_drop, yr), Xtr_drop),
    "prep_pipe_poly_ridge": (Pipeline([("poly", PolynomialFeatures(degree=2)), ("sc", StandardScaler()),
                                       ("reg", Ridge(alpha=1.0))]).fit(Xr, yr), Xtr),
    "prep_pipe_kbins_rf": (Pipeline([("kb", KBinsDiscretizer(n_bins=4, encode="onehot-dense")),
                                     ("rf", RandomForestClassifier(n_estimators=5, max_depth=5, random_state=0))])
                           .fit(X3, ys), Xt3),
    "prep_pipe_kbins_sparse_logreg": (Pipeline([("kb", KBinsDiscretizer(n_bins=3, encode="onehot")),
                                                ("clf", LogisticRegression(max_iter=1000))]).fit(Xc, yc), Xtc),
    "prep_pipe_robust_normalizer_logreg": (Pipeline([("rs", RobustScaler()), ("n", Normalizer()),
                                                     ("clf", LogisticRegression(max_iter=1000))]).fit(X3, y3), Xt3),
    "prep_pipe_maxabs_binarizer_dt": (Pipeline([("ma", MaxAbsScaler()), ("b", Binarizer(threshold=0.2)),
                                                ("dt", DecisionTreeClassifier(max_depth=4, random_state=0))])
                                      .fit(Xc, yc), Xtc),
}
for name, (est, X) in PL.items():
    case(name, est, X)

# ---- other versions -------------------------------------------------------------------
PREP_OLD_PATHS = {
    MaxAbsScaler: "sklearn.preprocessing.data", RobustScaler: "sklearn.preprocessing.data",
    Normalizer: "sklearn.preprocessing.data", Binarizer: "sklearn.preprocessing.data",
    PolynomialFeatures: "sklearn.preprocessing.data", KBinsDiscretizer: "sklearn.preprocessing.discretization",
    SimpleImputer: "sklearn.impute", MissingIndicator: "sklearn.impute",
}
PREP_OLD_PATHS.update(OLD_PATHS)


def prep_as_version(version, drop=()):
    """as_version plus what older releases lack: attributes in `drop` (by class), PolynomialFeatures'
    n_input_features_ and integer degree without _min_degree/_max_degree, RobustScaler's absent
    center_/scale_ when off (< 0.20)."""
    base = as_version(version)

    def hook(est, s):
        had_n = s.get("n_features_in_")
        s = base(est, s)
        for cls, attr in drop:
            if isinstance(est, cls):
                s.pop(attr, None)
        if isinstance(est, PolynomialFeatures):
            s["n_input_features_"] = had_n
            for k in ("_min_degree", "_max_degree", "_n_out_full"):
                s.pop(k, None)
        if isinstance(est, RobustScaler) and version < "0.20":
            for k in ("center_", "scale_"):
                if s.get(k) is None:
                    s.pop(k, None)
        return s
    return hook


OLD = {
    "prep_old021_maxabs": P["prep_maxabs"],
    "prep_old021_robust_nocenter": P["prep_robust_nocenter"],
    "prep_old021_normalizer_max": P["prep_normalizer_max"],
    "prep_old021_binarizer": P["prep_binarizer"],
    "prep_old021_poly_3_nobias": (Q["prep_poly_3_nobias"], Xq_t),
    "prep_old021_kbins_quantile_onehot_dense": (K["prep_kbins_quantile_onehot_dense"], Xk_t0),
    "prep_old021_imputer_median_indicator": I["prep_imputer_median_indicator"],
    "prep_old021_pipe_robust_normalizer_logreg": PL["prep_pipe_robust_normalizer_logreg"],
}
old_drop = [(SimpleImputer, "keep_empty_features"), (SimpleImputer, "_fit_dtype"),
            (MissingIndicator, "_precomputed"), (KBinsDiscretizer, "dtype"), (KBinsDiscretizer, "subsample"),
            (OneHotEncoder, "sparse_output"), (OneHotEncoder, "_infrequent_enabled")]
for name, (est, X) in OLD.items():
    case(name, est, X, version="0.21.3", protos=(2, 4), modules=PREP_OLD_PATHS,
         state=prep_as_version("0.21.3", old_drop), checks=exact_checks(est, X) if "logreg" not in name else None)
# 0.20: SimpleImputer without add_indicator; 0.19: RobustScaler without center_ when off.
imp20 = SimpleImputer(strategy="most_frequent").fit(Xi_allnan)
case("prep_old020_imputer_most_frequent", imp20, Xi_allnan_t, version="0.20.4", protos=(2,),
     modules=PREP_OLD_PATHS, state=prep_as_version("0.20.4", old_drop + [(SimpleImputer, "add_indicator")]),
     checks=exact_checks(imp20, Xi_allnan_t))
case("prep_old019_robust_noscale", P["prep_robust_noscale"][0], Xp_t, version="0.19.2", protos=(2,),
     modules=PREP_OLD_PATHS, state=prep_as_version("0.19.2"), checks=exact_checks(*P["prep_robust_noscale"]))
# 0.22-0.23: PolynomialFeatures in sklearn.preprocessing._data.
case("prep_old023_poly_2", Q["prep_poly_2"], Xq_t, version="0.23.2", protos=(4,), joblibs=False,
     modules={PolynomialFeatures: "sklearn.preprocessing._data"}, state=prep_as_version("0.23.2"),
     checks=exact_checks(Q["prep_poly_2"], Xq_t))
# A Normalizer without n_features_in_ takes any width: alone on 3 columns.
nz = Normalizer().fit(Xp)
del nz.n_features_in_  # as a 0.21 fit leaves it: scikit-learn 1.2.1 then takes any width
case("prep_old021_normalizer_any_width", nz, Xp_t[:, :3], version="0.21.3", protos=(4,), joblibs=False,
     modules=PREP_OLD_PATHS, state=prep_as_version("0.21.3"))
# 1.0: degree as a tuple with _min_degree/_max_degree and n_features_in_.
case("prep_v102_poly_min2_max4", Q["prep_poly_min2_max4"], Xq_t, version="1.0.2", protos=(4,), joblibs=False,
     state=as_version("1.0.2", keep_new=True), checks=exact_checks(Q["prep_poly_min2_max4"], Xq_t))
# numpy 2 module paths (the object array of bin edges included).
for name, est, X in (("prep_numpy2_kbins", K["prep_kbins_quantile_onehot_dense"], Xk_t0),
                     ("prep_numpy2_imputer", I["prep_imputer_median_indicator"][0], Xi_allnan_t)):
    case(name, est, X, protos=(2, 4, 5), joblibs=False, numpy2=True, checks=exact_checks(est, X))

# ---- refusals: one broken thing each -------------------------------------------------
imp_obj = SimpleImputer(strategy="most_frequent").fit(np.array([["a", "b"], ["a", np.nan], ["c", "b"]], dtype=object))
refuse("prep_imputer_object_statistics", imp_obj)
imp_ind = I["prep_imputer_median_indicator"][0]
refuse("prep_imputer_indicator_out_of_range", imp_ind, state=only(MissingIndicator, features_=np.array([0, 9])))
refuse("prep_imputer_indicator_not_increasing", imp_ind, state=only(MissingIndicator, features_=np.array([2, 0])))
refuse("prep_imputer_indicator_other_missing", imp_ind, state=only(MissingIndicator, missing_values=0.0))
refuse("prep_imputer_statistics_inf", imp_ind,
       state=only(SimpleImputer, statistics_=lambda s: np.r_[np.inf, s["statistics_"][1:]]))
refuse("prep_imputer_statistics_short", imp_ind,
       state=only(SimpleImputer, statistics_=lambda s: s["statistics_"][:-1]))
refuse("prep_imputer_missing_str", I["prep_imputer_mean"][0], state=only(SimpleImputer, missing_values="?"))
refuse("prep_imputer_no_keep_empty_1_2", I["prep_imputer_mean"][0], state=only(SimpleImputer, keep_empty_features=KeyError))
refuse("prep_maxabs_zero_scale", P["prep_maxabs"][0],
       state=only(MaxAbsScaler, scale_=lambda s: np.r_[s["scale_"][0], 0.0, s["scale_"][2:]]))
refuse("prep_robust_nan_center", P["prep_robust"][0],
       state=only(RobustScaler, center_=lambda s: np.r_[s["center_"][:2], np.nan, s["center_"][3:]]))
refuse("prep_robust_center_none", P["prep_robust"][0], state=only(RobustScaler, center_=None))
refuse("prep_normalizer_norm_l3", P["prep_normalizer_l2"][0], state=only(Normalizer, norm="l3"))
refuse("prep_binarizer_nan_threshold", P["prep_binarizer"][0], state=only(Binarizer, threshold=float("nan")))
poly = Q["prep_poly_2"]
refuse("prep_poly_n_output_wrong", poly, state=only(PolynomialFeatures, n_output_features_=99))
refuse("prep_poly_degree_huge", poly, state=only(PolynomialFeatures, _max_degree=10 ** 6))
refuse("prep_poly_min_above_max", poly, state=only(PolynomialFeatures, _min_degree=3))
kb = K["prep_kbins_quantile_onehot_dense"]


def edges_with(j, f):
    def change(s):
        e = np.empty(len(s["bin_edges_"]), dtype=object)
        for k, a in enumerate(s["bin_edges_"]):
            e[k] = f(a.copy()) if k == j else a
        return e
    return change


def set_item(k, v):
    def f(a):
        a[k] = v
        return a
    return f


refuse("prep_kbins_edges_decreasing", kb, state=only(KBinsDiscretizer, bin_edges_=edges_with(1, lambda a: a[::-1])))
refuse("prep_kbins_edges_nan", kb, state=only(KBinsDiscretizer, bin_edges_=edges_with(0, set_item(2, np.nan))))
refuse("prep_kbins_interior_inf", kb, state=only(KBinsDiscretizer, bin_edges_=edges_with(2, set_item(1, np.inf))))
refuse("prep_kbins_n_bins_zero", kb, state=only(KBinsDiscretizer, n_bins_=lambda s: np.r_[0, s["n_bins_"][1:]]))
refuse("prep_kbins_n_bins_mismatch", kb,
       state=only(KBinsDiscretizer, n_bins_=lambda s: np.r_[s["n_bins_"][0] + 1, s["n_bins_"][1:]]))
refuse("prep_kbins_encoder_categories", kb,
       state=only(OneHotEncoder, categories_=lambda s: [c + 1 for c in s["categories_"]]))
refuse("prep_kbins_dtype_int", K["prep_kbins_uniform_ordinal"], state=only(KBinsDiscretizer, dtype=np.int64))
refuse("prep_kbins_encode_unknown", K["prep_kbins_uniform_ordinal"], state=only(KBinsDiscretizer, encode="thermometer"))
refuse("prep_pipe_width_mismatch", PL["prep_pipe_poly_ridge"][0],
       state=only(PolynomialFeatures, _max_degree=3, n_output_features_=56))
