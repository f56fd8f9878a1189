#!/usr/bin/python3
"""Golden estimator files of an earlier safemodel: pickles of real
scikit-learn models, converted by THAT build's `safemodel convert` and signed
with tests/golden/golden.key, plus scikit-learn's own outputs on fixed rows
(expected.json). The test loads them with the current build and compares.
Made once per format milestone; never regenerate them with the current build.

  /usr/bin/python3 tests/golden/make_estimator_goldens.py OLD_SAFEMODEL OUT_DIR
"""
import json
import os
import pickle
import subprocess
import sys

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

tool, out = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(out, exist_ok=True)
Xc, yc = make_classification(n_samples=120, n_features=5, n_informative=3, n_classes=3, random_state=7)
Xr, yr = make_regression(n_samples=120, n_features=4, noise=2.0, random_state=8)
labels = np.array(["ant", "bee", "cat"])[yc]
models = {
    "logreg_str": (LogisticRegression(max_iter=500).fit(Xc, labels), Xc[:20]),
    "forest": (RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0).fit(Xc, yc), Xc[:20]),
    "pipe_ridge": (Pipeline([("s", StandardScaler()), ("r", Ridge())]).fit(Xr, yr), Xr[:20]),
    "minmax": (MinMaxScaler().fit(Xr), Xr[:20]),
}
expected = {}
for name, (est, X) in models.items():
    pkl = os.path.join(out, name + ".pkl")
    with open(pkl, "wb") as f:
        pickle.dump(est, f, protocol=4)
    smdl = os.path.join(out, name + ".smdl")
    subprocess.run([tool, "convert", pkl, "-o", smdl], check=True)
    subprocess.run([tool, "sign", smdl, "-s", os.path.join(here, "golden.key"), "-c", "golden " + name],
                   check=True)
    os.remove(pkl)
    checks = {}
    for method in ("predict", "predict_proba", "transform"):
        if not hasattr(est, method):
            continue
        y = getattr(est, method)(X)
        checks[method] = y.tolist()
    expected[name] = {"X": X.tolist(), "checks": checks}
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f)
