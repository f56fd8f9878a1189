#!/usr/bin/python3
"""Writes the seed corpus of mapping_fuzz (fuzz/corpus/mapping/): small real
scikit-learn pickles and joblib files (scikit-learn 1.2.1, numpy, joblib).
  /usr/bin/python3 fuzz/make_mapping_corpus.py fuzz/corpus/mapping
"""
import os
import pickle
import sys

import joblib
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

out = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/mapping"
os.makedirs(out, exist_ok=True)
rng = np.random.RandomState(0)
X = rng.rand(12, 3)
y = (X[:, 0] + X[:, 1] > 1).astype(int)
y3 = (X[:, 0] * 3).astype(int)
yr = X @ np.array([1.0, -2.0, 0.5])


def dump(name, obj, protocol=4):
    with open(os.path.join(out, name), "wb") as f:
        pickle.dump(obj, f, protocol=protocol)


logreg = LogisticRegression().fit(X, y)
dump("logreg_p4.pkl", logreg)
dump("logreg_p2.pkl", logreg, protocol=2)
dump("logreg3_p5.pkl", LogisticRegression().fit(X, y3), protocol=5)
dump("linreg_p4.pkl", LinearRegression().fit(X, yr))
dump("tree_d2_p4.pkl", DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y))
dump("treereg_d2_p5.pkl", DecisionTreeRegressor(max_depth=2, random_state=0).fit(X, yr), protocol=5)
dump("forest_2x2_p4.pkl", RandomForestClassifier(n_estimators=2, max_depth=2, random_state=0).fit(X, y))
dump("stdscaler_p4.pkl", StandardScaler().fit(X))
dump("minmax_p2.pkl", MinMaxScaler().fit(X), protocol=2)
pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(X, y)
dump("pipeline_p4.pkl", pipe)
dump("bundle_dict_p4.pkl", {"scaler": StandardScaler().fit(X), "model": logreg, "threshold": 0.5,
                            "name": "demo", "n": 3, "flag": True, "none": None})
dump("bundle_list_p4.pkl", [MinMaxScaler().fit(X), 7])
dump("state_dict_p4.pkl", {"w": np.arange(6, dtype=np.float32).reshape(2, 3),
                           "b": np.zeros(2, dtype=np.float64), "i": np.arange(4, dtype=np.int64)})
dump("array_p5.pkl", np.arange(5, dtype=np.float64), protocol=5)
joblib.dump(logreg, os.path.join(out, "logreg_joblib.pkl"))
joblib.dump(pipe, os.path.join(out, "pipeline_joblib_z3.pkl"), compress=3)

# The families added with the estimator coverage issue: one small model each.
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import KBinsDiscretizer, MaxAbsScaler, Normalizer, PolynomialFeatures, RobustScaler
from sklearn.svm import SVC, SVR

ys = np.array(["a", "b", "c"])[y3]
dump("gnb_p4.pkl", GaussianNB().fit(X, ys))
dump("mnb_p4.pkl", MultinomialNB().fit(X, y3))
dump("bnb_p2.pkl", BernoulliNB(binarize=0.5).fit(X, y), protocol=2)
dump("kmeans_p4.pkl", KMeans(n_clusters=2, n_init=1, random_state=0).fit(X))
dump("pca_whiten_p4.pkl", PCA(n_components=2, whiten=True).fit(X))
dump("tsvd_p5.pkl", TruncatedSVD(n_components=2, random_state=0).fit(X), protocol=5)
dump("maxabs_p4.pkl", MaxAbsScaler().fit(X))
dump("robust_p4.pkl", RobustScaler().fit(X))
dump("normalizer_p4.pkl", Normalizer().fit(X))
dump("imputer_p4.pkl", SimpleImputer(add_indicator=True).fit(np.where(X > 0.8, np.nan, X)))
dump("poly_p4.pkl", PolynomialFeatures(degree=2).fit(X))
dump("kbins_p4.pkl", KBinsDiscretizer(n_bins=3, encode="ordinal").fit(X))
dump("gb_p4.pkl", GradientBoostingClassifier(n_estimators=2, max_depth=2, random_state=0).fit(X, y3))
dump("hgb_p4.pkl", HistGradientBoostingRegressor(max_iter=2, max_depth=2).fit(X, yr))
dump("dummy_p4.pkl", DummyClassifier().fit(X, y))
dump("mlp_p4.pkl", MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0).fit(X, y))
dump("svc_p4.pkl", SVC(probability=True, random_state=0).fit(np.vstack([X, X]), np.concatenate([y3, y3])))
dump("svr_p4.pkl", SVR(kernel="poly", degree=2).fit(X, yr))

# Neighbours, isolation forest, AdaBoost, meta-estimators, encoders and text.
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import AdaBoostRegressor, IsolationForest, StackingClassifier, VotingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, OrdinalEncoder

dump("knn_brute_p4.pkl", KNeighborsClassifier(3, algorithm="brute").fit(X, ys))
dump("knn_kd_p4.pkl", KNeighborsRegressor(2, algorithm="kd_tree", leaf_size=2, weights="distance").fit(X, yr))
dump("knn_ball_p5.pkl", KNeighborsClassifier(2, algorithm="ball_tree", leaf_size=3).fit(X, y), protocol=5)
dump("iforest_p4.pkl", IsolationForest(n_estimators=2, max_samples=6, random_state=0).fit(X))
dump("ada_p4.pkl", AdaBoostRegressor(n_estimators=2, random_state=0).fit(X, yr))
dump("vote_p4.pkl", VotingClassifier([("lr", LogisticRegression()), ("nb", GaussianNB())], voting="soft").fit(X, y))
dump("stack_p4.pkl", StackingClassifier([("lr", LogisticRegression()), ("dt", DecisionTreeClassifier(max_depth=1))],
                                        final_estimator=LogisticRegression(), cv=2).fit(X, y))
dump("ovr_p4.pkl", OneVsRestClassifier(LogisticRegression()).fit(X, y3))
dump("calibrated_p4.pkl", CalibratedClassifierCV(GaussianNB(), method="isotonic", cv=2).fit(X, y))
cats = np.array([["red", "S"], ["blue", "M"], ["red", "L"], ["green", "S"]], dtype=object)
dump("onehot_p4.pkl", OneHotEncoder(handle_unknown="ignore", drop="first").fit(cats))
dump("ordinal_p4.pkl", OrdinalEncoder().fit(cats))
dump("label_p4.pkl", LabelEncoder().fit(["b", "a", "c"]))
from sklearn.preprocessing import LabelBinarizer
dump("label_binarizer_p4.pkl", LabelBinarizer(neg_label=-1).fit(["b", "a", "c"]))
dump("column_transformer_p4.pkl", ColumnTransformer([("oh", OneHotEncoder(), [0]), ("o", OrdinalEncoder(), [1])],
                                                    remainder="drop").fit(cats))
dump("feature_union_p4.pkl", FeatureUnion([("pca", PCA(1)), ("mm", MinMaxScaler())]).fit(X))
docs = ["the cat sat", "a dog ran", "the dog sat down"]
dump("count_vec_p4.pkl", CountVectorizer().fit(docs))
dump("tfidf_vec_p4.pkl", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(docs))
dump("dict_vec_p4.pkl", DictVectorizer().fit([{"a": 1.0, "b": 2.0}, {"c": 3.0}]))

for f in sorted(os.listdir(out)):
    size = os.path.getsize(os.path.join(out, f))
    assert size < 8192, (f, size)
    print(f, size)
