#!/usr/bin/python3
"""Fits a scorecard with scikit-learn, the oracle of examples/custom-kind.

    /usr/bin/python3 fit_scorecard.py OUT_DIR [--strategy quantile|uniform|kmeans]

A scorecard is exactly Pipeline([KBinsDiscretizer(encode="onehot"),
LogisticRegression()]) on binary y: the discretizer's inner bin edges cut each
feature into bins, the logistic coefficient of each one-hot column is that
bin's points, the intercept is the base. Writes into OUT_DIR:

  table.json     the scorecard's tables (scorecard-tool write / the tests)
  X.csv          test rows, no header: held-out rows plus rows that sit exactly
                 on every inner edge and one ulp below it (searchsorted's
                 side="right" is decided there)
  expected.json  scikit-learn's decision_function, predict_proba and predict
                 on X.csv

Floats are written with repr(), which round-trips, so the C++ side reads the
very doubles scikit-learn used.
"""
import argparse
import json
import os
import sys
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import KBinsDiscretizer

SEED = 20240607
N_BINS = [3, 4, 5, 6, 2, 4]   # per feature; the last feature is constant (1 bin after fitting)
LABELS = np.array([-3, 7])    # y = 0 / 1 stored as these labels


def make_data():
    X, y = make_classification(n_samples=1500, n_features=5, n_informative=3, n_redundant=1,
                               random_state=SEED)
    X = np.hstack([X, np.full((X.shape[0], 1), 2.5)])  # a constant column: no inner edges
    return X, LABELS[y]


def edge_rows(X_test, inner_edges, rng):
    """Rows equal to a held-out row but with one cell exactly on an inner edge,
    and with one cell one ulp below it."""
    rows = []
    for j, edges in enumerate(inner_edges):
        for e in edges:
            for v in (e, np.nextafter(e, -np.inf)):
                r = X_test[rng.integers(len(X_test))].copy()
                r[j] = v
                rows.append(r)
    return np.array(rows).reshape(-1, X_test.shape[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--strategy", default="quantile", choices=["quantile", "uniform", "kmeans"])
    args = ap.parse_args()

    X, y = make_data()
    X_train, y_train, X_test = X[:1000], y[:1000], X[1000:]
    model = Pipeline([
        ("bins", KBinsDiscretizer(n_bins=N_BINS, encode="onehot", strategy=args.strategy)),
        ("logit", LogisticRegression(C=0.5, max_iter=2000)),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the constant column's "bins too small" warning
        model.fit(X_train, y_train)
    bins, logit = model.named_steps["bins"], model.named_steps["logit"]
    assert list(logit.classes_) == list(LABELS) and logit.coef_.shape[0] == 1

    inner = [np.asarray(e[1:-1], dtype=np.float64) for e in bins.bin_edges_]
    coef = logit.coef_[0]
    points, start = [], 0
    for j, n in enumerate(bins.n_bins_):
        assert n == len(inner[j]) + 1
        points.append(coef[start:start + n])
        start += n
    assert start == len(coef)

    rng = np.random.default_rng(SEED)
    X_eval = np.vstack([X_test, edge_rows(X_test, inner, rng)])
    table = {
        "nFeatures": int(X.shape[1]),
        "base": float(logit.intercept_[0]),
        "classes": [int(c) for c in logit.classes_],
        "edges": [[float(v) for v in e] for e in inner],
        "points": [[float(v) for v in p] for p in points],
        "featureNames": ["x%d" % j for j in range(X.shape[1])],
    }
    expected = {
        "strategy": args.strategy,
        "decision_function": [float(v) for v in model.decision_function(X_eval)],
        "predict_proba": [[float(a), float(b)] for a, b in model.predict_proba(X_eval)],
        "predict": [int(v) for v in model.predict(X_eval)],
    }
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "table.json"), "w") as f:
        json.dump(table, f, indent=1)  # json writes floats with repr(): exact
    with open(os.path.join(args.out_dir, "expected.json"), "w") as f:
        json.dump(expected, f)
    with open(os.path.join(args.out_dir, "X.csv"), "w") as f:
        for row in X_eval:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    print("%s: %d features, %d bins, %d rows -> %s" % (
        args.strategy, X.shape[1], len(coef), len(X_eval), args.out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
