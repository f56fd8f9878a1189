"""Round trips of the meta-estimators (python/safemodel/_rb_meta.py):
voting, stacking, one-vs-rest and calibration, with members of other
families; scikit-learn's original estimator is the oracle."""
import unittest
import warnings

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (RandomForestClassifier, StackingClassifier, StackingRegressor, VotingClassifier,
                              VotingRegressor)
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge, SGDClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

import harness


def classification(n, n_classes, seed, labels=None):
    """Gaussian blobs with overlap; labels are strings when given."""
    rng = np.random.RandomState(seed)
    centers = rng.randn(n_classes, 4) * 2
    y = rng.randint(0, n_classes, n)
    X = centers[y] + rng.randn(n, 4) * 1.5
    if labels is not None:
        y = np.array(labels)[y]
    return X, y


def regression(n, seed):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 5)
    y = X @ rng.randn(5) + 0.5 * np.sin(3 * X[:, 0]) + rng.randn(n) * 0.1
    return X, y


class VotingTest(harness.RoundTripCase):
    def test_classifier_hard_soft(self):
        X, y = classification(200, 3, 0, ["ant", "bee", "cow"])
        Xt, _ = classification(80, 3, 1)
        for voting in ("hard", "soft"):
            for weights in (None, [2.0, 1.0, 0.5]):
                with self.subTest(voting=voting, weights=weights):
                    v = VotingClassifier([("lr", LogisticRegression(max_iter=500)), ("nb", GaussianNB()),
                                          ("dt", DecisionTreeClassifier(max_depth=4, random_state=0))],
                                         voting=voting, weights=weights).fit(X, y)
                    loaded = self.assertRoundTrips(v, Xt)
                    np.testing.assert_array_equal(loaded.classes_, v.classes_)

    def test_classifier_dropped_member_and_transform(self):
        X, y = classification(150, 2, 2, ["no", "yes"])
        Xt, _ = classification(60, 2, 3)
        for flatten in (True, False):
            with self.subTest(flatten=flatten):
                v = VotingClassifier([("lr", LogisticRegression()), ("gone", "drop"),
                                      ("pipe", make_pipeline(StandardScaler(), GaussianNB()))],
                                     voting="soft", weights=[1.0, 7.0, 3.0], flatten_transform=flatten).fit(X, y)
                self.assertRoundTrips(v, Xt)

    def test_classifier_int_labels(self):
        X, y = classification(120, 4, 4, [3, 10, -2, 7])
        v = VotingClassifier([("lr", LogisticRegression(max_iter=500)), ("rf", RandomForestClassifier(
            n_estimators=5, max_depth=3, random_state=0))], voting="hard").fit(X, y)
        self.assertRoundTrips(v, classification(50, 4, 5)[0])

    def test_regressor(self):
        X, y = regression(150, 6)
        Xt, _ = regression(50, 7)
        for weights in (None, [1.0, 3.0, 0.25]):
            with self.subTest(weights=weights):
                v = VotingRegressor([("ridge", Ridge(alpha=2.0)), ("lin", LinearRegression()),
                                     ("dt", DecisionTreeRegressor(max_depth=5, random_state=0))],
                                    weights=weights).fit(X, y)
                self.assertRoundTrips(v, Xt)


class StackingTest(harness.RoundTripCase):
    def test_classifier_multiclass(self):
        X, y = classification(240, 3, 8, ["red", "green", "blue"])
        Xt, _ = classification(80, 3, 9)
        for passthrough in (False, True):
            for stack_method in ("auto", "predict"):
                with self.subTest(passthrough=passthrough, stack_method=stack_method):
                    s = StackingClassifier(
                        [("lr", LogisticRegression(max_iter=500)), ("nb", GaussianNB()),
                         ("svc", make_pipeline(StandardScaler(), LinearSVC(dual=False)))],
                        final_estimator=LogisticRegression(max_iter=500), passthrough=passthrough,
                        stack_method=stack_method, cv=3).fit(X, y)
                    loaded = self.assertRoundTrips(s, Xt)
                    self.assertEqual(loaded.stack_method_, s.stack_method_)

    def test_classifier_binary_with_drop(self):
        X, y = classification(200, 2, 10, ["spam", "ham"])
        Xt, _ = classification(70, 2, 11)
        s = StackingClassifier([("nb", GaussianNB()), ("x", "drop"),
                                ("dt", DecisionTreeClassifier(max_depth=3, random_state=0))],
                               final_estimator=DecisionTreeClassifier(max_depth=2, random_state=0), cv=4).fit(X, y)
        self.assertRoundTrips(s, Xt)
        s = StackingClassifier([("lr", LogisticRegression()), ("svc", LinearSVC(dual=False))],
                               final_estimator=LinearSVC(dual=False), passthrough=True, cv=3).fit(X, y)
        self.assertRoundTrips(s, Xt)

    def test_regressor(self):
        X, y = regression(160, 12)
        Xt, _ = regression(40, 13)
        for passthrough in (False, True):
            with self.subTest(passthrough=passthrough):
                s = StackingRegressor([("ridge", Ridge()), ("dt", DecisionTreeRegressor(max_depth=4, random_state=0)),
                                       ("lin", LinearRegression())],
                                      final_estimator=Ridge(alpha=0.3), passthrough=passthrough, cv=3).fit(X, y)
                self.assertRoundTrips(s, Xt)


class OneVsRestTest(harness.RoundTripCase):
    def test_multiclass(self):
        X, y = classification(200, 4, 14, ["n", "e", "s", "w"])
        Xt, _ = classification(60, 4, 15)
        for est in (LogisticRegression(), LinearSVC(dual=False), GaussianNB(),
                    DecisionTreeClassifier(max_depth=3, random_state=0)):
            with self.subTest(member=type(est).__name__):
                o = OneVsRestClassifier(est).fit(X, y)
                loaded = self.assertRoundTrips(o, Xt)
                np.testing.assert_array_equal(loaded.classes_, o.classes_)

    def test_binary(self):
        X, y = classification(150, 2, 16, [-1, 1])
        Xt, _ = classification(40, 2, 17)
        for est in (LogisticRegression(), LinearSVC(dual=False)):
            with self.subTest(member=type(est).__name__):
                self.assertRoundTrips(OneVsRestClassifier(est).fit(X, y), Xt)

    def test_multilabel(self):
        rng = np.random.RandomState(18)
        X = rng.randn(200, 4)
        Y = np.column_stack([X[:, 0] + X[:, 1] > 0, X[:, 2] > 0.3, X[:, 3] - X[:, 0] > -0.5]).astype(int)
        Xt = rng.randn(50, 4)
        for est in (LogisticRegression(), SGDClassifier(loss="log_loss", random_state=0), GaussianNB()):
            with self.subTest(member=type(est).__name__):
                o = OneVsRestClassifier(est).fit(X, Y)
                self.assertRoundTrips(o, Xt)


class CalibratedTest(harness.RoundTripCase):
    def test_methods_and_members(self):
        for n_classes, labels in ((2, ["neg", "pos"]), (3, ["a", "b", "c"])):
            X, y = classification(240, n_classes, 20 + n_classes, labels)
            Xt, _ = classification(80, n_classes, 30 + n_classes)
            for method in ("sigmoid", "isotonic"):
                for est in (LogisticRegression(), GaussianNB(), LinearSVC(dual=False),
                            DecisionTreeClassifier(max_depth=3, random_state=0)):
                    with self.subTest(n_classes=n_classes, method=method, member=type(est).__name__):
                        c = CalibratedClassifierCV(est, method=method, cv=3).fit(X, y)
                        self.assertRoundTrips(c, Xt)

    def test_no_ensemble_and_prefit(self):
        X, y = classification(200, 3, 40, [5, 6, 7])
        Xt, _ = classification(60, 3, 41)
        c = CalibratedClassifierCV(GaussianNB(), method="isotonic", ensemble=False, cv=4).fit(X, y)
        self.assertEqual(len(c.calibrated_classifiers_), 1)
        self.assertRoundTrips(c, Xt)
        base = LogisticRegression().fit(X[:100], y[:100])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = CalibratedClassifierCV(base, method="sigmoid", cv="prefit").fit(X[100:], y[100:])
        self.assertRoundTrips(c, Xt)

    def test_extrapolation(self):
        # isotonic calibrators clip outside the fitted range
        X, y = classification(150, 2, 42, ["x", "y"])
        c = CalibratedClassifierCV(LinearSVC(dual=False), method="isotonic", cv=3).fit(X, y)
        self.assertRoundTrips(c, np.vstack([classification(30, 2, 43)[0] * 10, X[:5]]))


class NestedTest(harness.RoundTripCase):
    def test_meta_in_pipeline_with_column_transformer(self):
        rng = np.random.RandomState(50)
        n = 240
        df = pd.DataFrame({"city": rng.choice(["oslo", "lima", "pune", "kiev"], n),
                           "x1": rng.randn(n), "x2": rng.randn(n) * 5})
        y = np.where(df["x1"] + (df["city"] == "oslo") * 1.5 + rng.randn(n) * 0.5 > 0.5, "up", "down")
        new = pd.DataFrame({"city": rng.choice(["oslo", "lima", "pune", "kiev", "rome"], 60),
                            "x1": rng.randn(60), "x2": rng.randn(60) * 5})
        pre = ColumnTransformer([("city", OneHotEncoder(handle_unknown="ignore"), ["city"])],
                                remainder=StandardScaler())
        for meta in (VotingClassifier([("lr", LogisticRegression()), ("nb", GaussianNB())], voting="soft"),
                     StackingClassifier([("lr", LogisticRegression()), ("dt", DecisionTreeClassifier(max_depth=3))],
                                        cv=3),
                     CalibratedClassifierCV(LinearSVC(dual=False), cv=3),
                     OneVsRestClassifier(LogisticRegression())):
            with self.subTest(meta=type(meta).__name__):
                model = make_pipeline(pre, meta).fit(df, y)
                self.assertRoundTrips(model, new)

    def test_meta_of_meta(self):
        X, y = classification(200, 3, 60, ["p", "q", "r"])
        Xt, _ = classification(50, 3, 61)
        inner = CalibratedClassifierCV(LinearSVC(dual=False), cv=2)
        v = VotingClassifier([("cal", inner), ("ovr", OneVsRestClassifier(LogisticRegression()))],
                             voting="soft").fit(X, y)
        self.assertRoundTrips(v, Xt)


if __name__ == "__main__":
    unittest.main()
