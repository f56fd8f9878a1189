# Encoders and column transformers: OneHotEncoder, OrdinalEncoder, LabelEncoder,
# ColumnTransformer, FeatureUnion, alone and first in a Pipeline before a
# classifier, on string tables (object arrays and pandas DataFrames), files
# rewritten to look like other versions, and refusals.
# Runs inside make_mapping_cases.py (case, refuse, hooks, manifest, ... are its).
import warnings

import numpy as np
import pandas as pd
import scipy.sparse
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

warnings.simplefilter("ignore")
erng = np.random.RandomState(5)


def cell(v):
    if v is None:
        return None
    if isinstance(v, str):
        return v
    v = float(v)
    return None if v != v else v


def enc_checks(est, X, exact=True):
    out = []
    for method in ("predict", "predict_proba", "decision_function", "transform"):
        try:
            y = getattr(est, method)(X)
        except (AttributeError, NotImplementedError):
            continue
        if scipy.sparse.issparse(y):
            y = y.toarray()
        y = np.asarray(y)
        c = {"member": "", "method": method, "exact": exact and method == "transform"}
        if method == "predict" and (hasattr(final_step(est), "classes_") or y.dtype.kind in "iu"):
            c["labels"] = y.tolist()
        else:
            c["numbers"] = clean(y.astype(np.float64).reshape(len(X), -1).tolist())
        out.append(c)
    return out


def table_case(name, est, X, cls=None, version="1.2.1", exact=True, **hk):
    """A case whose X is a table of strings/numbers (DataFrame: with column names)."""
    files = write_variants(name, est, **hk)
    cols = [str(c) for c in X.columns] if isinstance(X, pd.DataFrame) else None
    rows = X.values.tolist() if isinstance(X, pd.DataFrame) else np.asarray(X, dtype=object).tolist()
    entry = {"name": name, "files": files, "class": cls or type(est).__name__, "version": version, "table": True,
             "X": [[cell(v) for v in (r if isinstance(r, list) else [r])] for r in rows], "checks": enc_checks(est, X, exact)}
    if cols is not None:
        entry["columns"] = cols
    manifest.append(entry)


# ---- data ------------------------------------------------------------------------
colors = np.array(["red", "green", "blue", "violet"])
sizes = np.array(["S", "M", "L"])
n = 120
Xs = np.c_[colors[erng.randint(0, 4, n)], sizes[erng.randint(0, 3, n)]].astype(object)
Xs_t = np.r_[Xs[:20], [["green", "XL"], ["pink", "S"]]].astype(object)   # unknowns in both columns
Xn = erng.randint(0, 5, (n, 2)).astype(np.float64) * np.array([1.0, 2.0])
Xn_t = np.r_[Xn[:15], [[7.0, 2.0], [1.0, np.nan]]]
y_enc = (Xn[:, 0] + (Xs[:, 0] == "red") > 2).astype(int)

# One-hot on strings and numbers, all handle_unknown rules and drops.
table_case("enc_onehot_str_error", OneHotEncoder(sparse_output=False).fit(Xs), Xs[:30])
table_case("enc_onehot_str_ignore", OneHotEncoder(handle_unknown="ignore").fit(Xs), Xs_t)
table_case("enc_onehot_num_ignore", OneHotEncoder(handle_unknown="ignore").fit(Xn), Xn_t)
table_case("enc_onehot_drop_first", OneHotEncoder(drop="first").fit(Xs), Xs[:25])
table_case("enc_onehot_drop_if_binary", OneHotEncoder(drop="if_binary").fit(np.c_[Xs[:, :1], (Xn[:, :1] > 3)
                                                                                  .astype(int).astype(object)]),
           np.c_[Xs[:25, :1], (Xn[:25, :1] > 3).astype(int).astype(object)])
table_case("enc_onehot_drop_array", OneHotEncoder(drop=["green", "M"], handle_unknown="ignore").fit(Xs), Xs_t)
table_case("enc_onehot_infrequent", OneHotEncoder(min_frequency=35, handle_unknown="infrequent_if_exist").fit(Xs),
           Xs_t)
table_case("enc_onehot_infrequent_ignore", OneHotEncoder(max_categories=2, handle_unknown="ignore").fit(Xs), Xs_t)
table_case("enc_onehot_infrequent_drop", OneHotEncoder(max_categories=3, drop="first").fit(Xs), Xs[:30])
Xmiss = Xs.copy()
Xmiss[::7, 0] = np.nan
table_case("enc_onehot_nan_category", OneHotEncoder(handle_unknown="ignore").fit(Xmiss), Xmiss[:30])
Xnn = Xn.copy()
Xnn[::5, 1] = np.nan
table_case("enc_onehot_num_nan", OneHotEncoder().fit(Xnn), Xnn[:30])
table_case("enc_onehot_given_categories",
           OneHotEncoder(categories=[["violet", "red", "green", "blue"], ["S", "M", "L"]]).fit(Xs), Xs[:20])

# Ordinal and label encoders.
table_case("enc_ordinal_str", OrdinalEncoder().fit(Xs), Xs[:30])
table_case("enc_ordinal_unknown", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1).fit(Xs), Xs_t)
table_case("enc_ordinal_unknown_nan",
           OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan).fit(Xn), Xn_t)
table_case("enc_ordinal_missing", OrdinalEncoder(encoded_missing_value=-7).fit(Xmiss), Xmiss[:30])
table_case("enc_label_str", LabelEncoder().fit(Xs[:, 0]), Xs[:20, :1])
table_case("enc_label_int", LabelEncoder().fit([3, 1, 7, 1]), np.array([[7], [1], [3]], dtype=object))

# ColumnTransformer with every selector kind, remainders, weights; FeatureUnion.
df = pd.DataFrame({"color": Xs[:, 0], "size": Xs[:, 1], "a": Xn[:, 0], "b": Xn[:, 1]})
df_t = df.iloc[:30]
ct_names = ColumnTransformer([("oh", OneHotEncoder(handle_unknown="ignore"), ["color", "size"]),
                              ("sc", StandardScaler(), ["b"])], remainder="passthrough").fit(df)
table_case("enc_ct_names_passthrough", ct_names, df_t)
ct_ints = ColumnTransformer([("ord", OrdinalEncoder(), [1, 0]), ("num", "passthrough", slice(2, 4))],
                            transformer_weights={"ord": 2.0}).fit(Xs_num := np.c_[Xs, Xn].astype(object))
table_case("enc_ct_ints_slice_weights", ct_ints, Xs_num[:30])
ct_mask = ColumnTransformer([("oh", OneHotEncoder(), np.array([True, False, False, False])),
                             ("d", "drop", [2])], remainder=StandardScaler()).fit(np.c_[Xs[:, :1], Xn, Xn[:, :1]]
                                                                                .astype(object))
table_case("enc_ct_mask_remainder_estimator", ct_mask, np.c_[Xs[:30, :1], Xn[:30], Xn[:30, :1]].astype(object))
ct_str_slice = ColumnTransformer([("oh", OneHotEncoder(), slice("color", "size")),
                                  ("a", StandardScaler(), ["a"])]).fit(df)
table_case("enc_ct_name_slice_drop_remainder", ct_str_slice, df_t)
table_case("enc_union", FeatureUnion([("oh", OneHotEncoder()), ("ord", OrdinalEncoder()), ("x", "drop")],
                                     transformer_weights={"ord": 0.5}).fit(Xs), Xs[:20])

# First step of a Pipeline ending in a classifier.
pipe = Pipeline([("ct", ColumnTransformer([("oh", OneHotEncoder(handle_unknown="ignore"), ["color", "size"])],
                                          remainder="passthrough")),
                 ("lr", LogisticRegression())]).fit(df, np.array(["no", "yes"])[y_enc])
table_case("enc_pipe_ct_logistic", pipe, df_t)
pipe2 = Pipeline([("oh", OneHotEncoder(handle_unknown="ignore")),
                  ("dt", DecisionTreeClassifier(random_state=0))]).fit(Xs, y_enc)
table_case("enc_pipe_onehot_tree", pipe2, Xs_t)

# Meta-estimators, neighbours, boosting and text vectorizers over string tables:
# every member reads the table (its ColumnTransformer picks its columns).
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import (AdaBoostClassifier, HistGradientBoostingRegressor, IsolationForest, StackingClassifier,
                              StackingRegressor, VotingClassifier)
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor


def oh_ct(**kw):
    return ColumnTransformer([("oh", OneHotEncoder(handle_unknown="ignore"), ["color", "size"])],
                             remainder="passthrough", **kw)


def ord_ct():
    return ColumnTransformer([("ord", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
                               ["color", "size"])], remainder="passthrough")


def mix_case(name, est, X):
    """Floats within the tolerance: their outputs are members' probabilities."""
    table_case(name, est, X, exact=False)


y_mix = np.array(["lo", "mid", "hi"])[(Xn[:, 0] + (Xs[:, 0] == "red") * 2).astype(int) % 3]
y_mix_reg = Xn[:, 0] * 1.5 - Xn[:, 1] + (Xs[:, 0] == "blue")
df_u = pd.concat([df_t, pd.DataFrame({"color": ["pink"], "size": ["XL"], "a": [1.0], "b": [2.0]})],
                 ignore_index=True)
mix_case("enc_mix_stack_pipes", StackingClassifier(
    [("lr", Pipeline([("ct", oh_ct()), ("lr", LogisticRegression(max_iter=500))])),
     ("knn", Pipeline([("ct", ord_ct()), ("knn", KNeighborsClassifier(5, weights="distance"))]))],
    final_estimator=LogisticRegression()).fit(df, y_mix), df_u)
mix_case("enc_mix_vote_soft", VotingClassifier(
    [("knn", Pipeline([("ct", oh_ct()), ("knn", KNeighborsClassifier(7, algorithm="kd_tree"))])),
     ("dt", Pipeline([("ct", ord_ct()), ("dt", DecisionTreeClassifier(max_depth=4, random_state=0))]))],
    voting="soft", weights=[2, 1]).fit(df, y_mix), df_u)
mix_case("enc_mix_vote_hard", VotingClassifier(
    [("knn", Pipeline([("ct", oh_ct()), ("knn", KNeighborsClassifier(3, algorithm="ball_tree"))])),
     ("ada", Pipeline([("ct", ord_ct()), ("ada", AdaBoostClassifier(n_estimators=10, random_state=0))])),
     ("lr", Pipeline([("ct", oh_ct()), ("lr", LogisticRegression(max_iter=500))]))]).fit(df, y_mix), df_u)
mix_case("enc_mix_calibrated_knn", CalibratedClassifierCV(
    Pipeline([("ct", oh_ct()), ("knn", KNeighborsClassifier(9))]), method="isotonic", cv=3).fit(df, y_mix), df_u)
mix_case("enc_mix_ovr_ada", OneVsRestClassifier(
    Pipeline([("ct", ord_ct()), ("ada", AdaBoostClassifier(n_estimators=8, random_state=0))])).fit(df, y_mix), df_u)
mix_case("enc_mix_stack_reg", StackingRegressor(
    [("knn", Pipeline([("ct", oh_ct()), ("knn", KNeighborsRegressor(4))])),
     ("hgb", Pipeline([("ct", ord_ct()), ("hgb", HistGradientBoostingRegressor(max_iter=15))]))],
    final_estimator=Ridge()).fit(df, y_mix_reg), df_u)
mix_case("enc_mix_iforest", Pipeline([("ct", oh_ct()), ("if", IsolationForest(n_estimators=20, random_state=0))])
           .fit(df), df_u)
words = np.array("alpha beta gamma delta epsilon zeta eta theta".split())
df_txt = df.assign(text=[" ".join(words[erng.randint(0, 8, erng.randint(1, 6))]) + ("," if i % 4 else "")
                         for i in range(n)])
mix_case("enc_mix_text_ct", Pipeline([("ct", ColumnTransformer([("txt", TfidfVectorizer(), "text"),
                                                                  ("oh", OneHotEncoder(handle_unknown="ignore"),
                                                                   ["color"])])),
                                        ("lr", LogisticRegression(max_iter=500))]).fit(df_txt, y_mix),
           df_txt.iloc[:30])

# ---- other versions -----------------------------------------------------------------


def drop_keys(*keys, version=None, rename=None):
    def hook(est, s):
        if isinstance(est, (OneHotEncoder, OrdinalEncoder, ColumnTransformer)):
            for k in keys:
                s.pop(k, None)
            for old, new in (rename or {}).items():
                if old in s:
                    s[new] = s.pop(old)
        if version and "_sklearn_version" in s:
            s["_sklearn_version"] = version
        return s
    return hook


# 0.23: no n_features_in_, no infrequent bookkeeping, no feature_names_in_ (ColumnTransformer: _n_features).
table_case("enc_v23_onehot", OneHotEncoder(handle_unknown="ignore", drop="first").fit(Xs), Xs_t, version="0.23.2",
           state=drop_keys("n_features_in_", "_infrequent_enabled", "_infrequent_indices",
                           "_default_to_infrequent_mappings", "_n_features_outs", version="0.23.2"))
table_case("enc_v23_ct", ColumnTransformer([("oh", OneHotEncoder(), [0]), ("o", OrdinalEncoder(), [1])]).fit(Xs),
           Xs[:20], version="0.23.2", state=drop_keys(version="0.23.2", rename={"n_features_in_": "_n_features"}))
table_case("enc_v21_label", LabelEncoder().fit(Xs[:, 1]), Xs[:10, 1:], version="0.21.3",
           modules={LabelEncoder: "sklearn.preprocessing.label"}, state=drop_keys(version="0.21.3"))
table_case("enc_numpy2_onehot", OneHotEncoder().fit(Xn), Xn[:20], numpy2=True)

# ---- refusals ------------------------------------------------------------------------
oh = OneHotEncoder(drop="first").fit(Xs)
refuse("enc_drop_out_of_range", oh, state=(lambda est, s: dict(s, drop_idx_=np.array([0, 9], dtype=object)) if isinstance(est, OneHotEncoder) else s))
refuse("enc_numeric_unsorted", OneHotEncoder().fit(Xn),
       state=lambda est, s: dict(s, categories_=[np.array([3.0, 1.0]), s["categories_"][1]])
       if isinstance(est, OneHotEncoder) else s)
refuse("enc_string_repeated", OrdinalEncoder().fit(Xs),
       state=lambda est, s: dict(s, categories_=[np.array(["a", "b", "a"], dtype=object), s["categories_"][1]])
       if isinstance(est, OrdinalEncoder) else s)
refuse("enc_infrequent_out_of_range", OneHotEncoder(max_categories=2).fit(Xs),
       state=lambda est, s: dict(s, _infrequent_indices=[np.array([1, 8]), None])
       if isinstance(est, OneHotEncoder) else s)
refuse("enc_ct_column_out_of_range", ColumnTransformer([("o", OrdinalEncoder(), [0, 1])]).fit(Xs),
       state=lambda est, s: dict(s, transformers_=[("o", s["transformers_"][0][1], [0, 5])])
       if isinstance(est, ColumnTransformer) else s)
refuse("enc_ct_width_mismatch", ColumnTransformer([("o", OrdinalEncoder(), [0, 1])]).fit(Xs),
       state=lambda est, s: dict(s, transformers_=[("o", s["transformers_"][0][1], [0])])
       if isinstance(est, ColumnTransformer) else s)
refuse("enc_ct_unknown_name", ct_names,
       state=lambda est, s: dict(s, transformers_=[("sc", s["transformers_"][1][1], ["zz"])])
       if isinstance(est, ColumnTransformer) else s)
refuse("enc_ct_bad_remainder", ColumnTransformer([("o", OrdinalEncoder(), [0])], remainder="passthrough").fit(Xs),
       state=lambda est, s: dict(s, transformers_=[s["transformers_"][0], ("remainder", "passthrough", [0])])
       if isinstance(est, ColumnTransformer) else s)
