"""Round trips of trees, forests, dummies, boosting, isolation forests and
AdaBoost: dump, load, and every method compared with the original."""
import unittest
import warnings

import numpy as np
from sklearn import dummy, ensemble, tree
from sklearn.datasets import load_breast_cancer, load_iris, make_regression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import harness
import safemodel

TREE_METHODS = harness.METHODS + ("apply",)

RNG = np.random.RandomState(0)
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_BC, Y_BC = load_breast_cancer(return_X_y=True)
X_BC, Y_BC = X_BC[::3], Y_BC[::3]
X_REG, Y_REG = make_regression(n_samples=120, n_features=6, n_targets=2, noise=5.0, random_state=1)
Y_STR = np.array(["setosa", "versicolor", "virginica"], dtype=object)[Y_IRIS]
# two outputs: string labels and integer labels
Y_MULTI = np.c_[np.where(X_IRIS[:, 0] > 5.8, "big", "small"), Y_IRIS.astype(str)]
# test points off the training set too
X_IRIS_T = np.r_[X_IRIS, X_IRIS + RNG.normal(scale=0.3, size=X_IRIS.shape)]
X_REG_T = np.r_[X_REG, RNG.normal(scale=2.0, size=(50, 6))]


class Trees(harness.RoundTripCase):
    def check(self, est, X, methods=TREE_METHODS):
        return self.assertRoundTrips(est, X, methods=methods)

    def test_decision_tree_classifier(self):
        for y in (Y_IRIS, Y_STR, Y_IRIS * 2.0 - 1.0, Y_IRIS == 1):
            with self.subTest(dtype=np.asarray(y).dtype):
                est = tree.DecisionTreeClassifier(max_depth=4, random_state=0).fit(X_IRIS, y)
                loaded = self.check(est, X_IRIS_T)
                np.testing.assert_array_equal(loaded.classes_, est.classes_)
                self.assertEqual(loaded.get_depth(), est.get_depth())
                self.assertEqual(loaded.get_n_leaves(), est.get_n_leaves())

    def test_decision_tree_classifier_multi_output(self):
        est = tree.DecisionTreeClassifier(random_state=0).fit(X_IRIS, Y_MULTI)
        loaded = self.check(est, X_IRIS_T, methods=("predict", "apply"))
        for a, b in zip(est.predict_proba(X_IRIS_T), loaded.predict_proba(X_IRIS_T)):
            np.testing.assert_allclose(b, a, rtol=1e-12)

    def test_decision_tree_regressor(self):
        self.check(tree.DecisionTreeRegressor(max_depth=6, random_state=0).fit(X_REG, Y_REG[:, 0]), X_REG_T)
        self.check(tree.DecisionTreeRegressor(random_state=0).fit(X_REG, Y_REG), X_REG_T)
        np.testing.assert_array_equal(
            self.check(tree.DecisionTreeRegressor(random_state=0).fit(X_REG, Y_REG), X_REG_T).decision_path(
                X_REG_T).toarray(),
            tree.DecisionTreeRegressor(random_state=0).fit(X_REG, Y_REG).decision_path(X_REG_T).toarray())

    def test_extra_tree(self):
        self.check(tree.ExtraTreeClassifier(random_state=3).fit(X_BC, Y_BC), X_BC)
        self.check(tree.ExtraTreeRegressor(random_state=3).fit(X_REG, Y_REG), X_REG_T)

    def test_random_forest(self):
        self.check(ensemble.RandomForestClassifier(12, max_depth=5, random_state=0).fit(X_IRIS, Y_STR), X_IRIS_T)
        self.check(ensemble.RandomForestClassifier(8, random_state=0).fit(X_BC, Y_BC), X_BC)
        self.check(ensemble.RandomForestRegressor(8, random_state=0).fit(X_REG, Y_REG[:, 1]), X_REG_T)
        self.check(ensemble.RandomForestRegressor(8, random_state=0).fit(X_REG, Y_REG), X_REG_T)

    def test_random_forest_multi_output_classifier(self):
        est = ensemble.RandomForestClassifier(6, random_state=0).fit(X_IRIS, Y_MULTI)
        loaded = self.check(est, X_IRIS_T, methods=("predict", "apply"))
        for a, b in zip(est.predict_proba(X_IRIS_T), loaded.predict_proba(X_IRIS_T)):
            np.testing.assert_allclose(b, a, rtol=1e-12)

    def test_extra_trees(self):
        self.check(ensemble.ExtraTreesClassifier(10, random_state=0).fit(X_IRIS, Y_IRIS), X_IRIS_T)
        self.check(ensemble.ExtraTreesRegressor(10, random_state=0).fit(X_REG, Y_REG), X_REG_T)
        self.check(ensemble.ExtraTreesRegressor(5, random_state=0).fit(X_REG, Y_REG[:, 0]), X_REG_T)

    def test_feature_importances_are_not_faked(self):
        est = ensemble.RandomForestClassifier(5, random_state=0).fit(X_IRIS, Y_IRIS)
        loaded = harness.roundtrip(est, self.dir)
        self.assertTrue(np.all(np.isnan(loaded.feature_importances_)))

    def test_dataframe_feature_names(self):
        import pandas as pd
        df = pd.DataFrame(X_IRIS, columns=["sepal length", "sepal width", "petal length", "petal width"])
        est = ensemble.RandomForestClassifier(5, random_state=0).fit(df, Y_STR)
        loaded = self.check(est, df)
        np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loaded.predict(df)

    def test_pipeline(self):
        est = make_pipeline(StandardScaler(), ensemble.ExtraTreesClassifier(5, random_state=0)).fit(X_BC, Y_BC)
        loaded = self.check(est, X_BC)
        self.assertEqual([n for n, _ in loaded.steps], [n for n, _ in est.steps])


class Dummies(harness.RoundTripCase):
    def test_classifier_strategies(self):
        for strategy, y, constant in (("most_frequent", Y_STR, None), ("prior", Y_IRIS, None),
                                      ("constant", Y_STR, "virginica"), ("constant", Y_IRIS, 1)):
            with self.subTest(strategy=strategy, constant=constant):
                est = dummy.DummyClassifier(strategy=strategy, constant=constant).fit(X_IRIS, y)
                self.assertRoundTrips(est, X_IRIS)

    def test_uniform(self):
        # predict draws random labels; predict_proba is deterministic.
        est = dummy.DummyClassifier(strategy="uniform").fit(X_IRIS, Y_IRIS)
        self.assertRoundTrips(est, X_IRIS, methods=("predict_proba", "predict_log_proba"))

    def test_regressor(self):
        for kw in ({"strategy": "mean"}, {"strategy": "median"}, {"strategy": "quantile", "quantile": 0.3},
                   {"strategy": "constant", "constant": [1.5, -2.0]}):
            with self.subTest(**kw):
                self.assertRoundTrips(dummy.DummyRegressor(**kw).fit(X_REG, Y_REG), X_REG)
        self.assertRoundTrips(dummy.DummyRegressor().fit(X_REG, Y_REG[:, 0]), X_REG)


class GradientBoosting(harness.RoundTripCase):
    def test_classifier(self):
        for X, y in ((X_IRIS, Y_STR), (X_BC, Y_BC), (X_IRIS, Y_IRIS == 2)):
            with self.subTest(classes=len(np.unique(y))):
                est = ensemble.GradientBoostingClassifier(n_estimators=15, max_depth=2, random_state=0).fit(X, y)
                self.assertRoundTrips(est, X)

    def test_classifier_losses_and_init(self):
        for kw in ({"loss": "exponential"}, {"init": "zero"}, {"subsample": 0.7, "learning_rate": 0.3}):
            with self.subTest(**kw):
                est = ensemble.GradientBoostingClassifier(n_estimators=10, max_depth=2, random_state=0, **kw)
                self.assertRoundTrips(est.fit(X_BC, Y_BC), X_BC)
        est = ensemble.GradientBoostingClassifier(n_estimators=10, init="zero", random_state=0)
        self.assertRoundTrips(est.fit(X_IRIS, Y_IRIS), X_IRIS_T)

    def test_classifier_with_dummy_init(self):
        init = dummy.DummyClassifier(strategy="prior")
        est = ensemble.GradientBoostingClassifier(n_estimators=8, init=init, random_state=0).fit(X_IRIS, Y_STR)
        self.assertRoundTrips(est, X_IRIS_T)

    def test_regressor(self):
        y = Y_REG[:, 0]
        for kw in ({}, {"loss": "absolute_error"}, {"loss": "huber", "alpha": 0.8},
                   {"loss": "quantile", "alpha": 0.2}, {"init": "zero"},
                   {"init": dummy.DummyRegressor(strategy="median")}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                est = ensemble.GradientBoostingRegressor(n_estimators=15, random_state=0, **kw).fit(X_REG, y)
                loaded = self.assertRoundTrips(est, X_REG_T)
                np.testing.assert_array_equal(loaded.apply(X_REG_T), est.apply(X_REG_T))
                for a, b in zip(est.staged_predict(X_REG_T), loaded.staged_predict(X_REG_T)):
                    np.testing.assert_allclose(b, a, rtol=1e-9)


class HistGradientBoosting(harness.RoundTripCase):
    def test_classifier(self):
        for X, y in ((X_IRIS, Y_STR), (X_BC, Y_BC), (X_IRIS, (Y_IRIS == 1) * 2.0 + 1.0)):
            with self.subTest(classes=len(np.unique(y))):
                est = ensemble.HistGradientBoostingClassifier(max_iter=15, random_state=0).fit(X, y)
                self.assertRoundTrips(est, X)

    def test_regressor(self):
        for loss in ("squared_error", "absolute_error", "poisson"):
            with self.subTest(loss=loss):
                y = Y_REG[:, 0] if loss != "poisson" else np.exp(Y_REG[:, 0] / 200)
                est = ensemble.HistGradientBoostingRegressor(loss=loss, max_iter=15, random_state=0).fit(X_REG, y)
                self.assertRoundTrips(est, X_REG_T)

    def test_nan(self):
        X = X_BC.copy()
        X[RNG.rand(*X.shape) < 0.15] = np.nan
        est = ensemble.HistGradientBoostingClassifier(max_iter=15, random_state=0).fit(X, Y_BC)
        Xt = np.r_[X, np.full((3, X.shape[1]), np.nan), np.where(RNG.rand(*X.shape) < 0.5, np.nan, X)]
        self.assertRoundTrips(est, Xt)
        yr = np.nansum(X[:, :4], axis=1)
        est = ensemble.HistGradientBoostingRegressor(max_iter=10, random_state=0).fit(X, yr)
        self.assertRoundTrips(est, Xt)

    def test_categorical(self):
        rng = np.random.RandomState(4)
        n = 400
        cat = rng.randint(0, 12, size=n).astype(float)
        num = rng.normal(size=(n, 2))
        y = ((cat % 3 == 0) ^ (num[:, 0] > 0.3)).astype(int)
        X = np.c_[num[:, :1], cat, num[:, 1:]]
        X[rng.rand(n) < 0.05, 1] = np.nan
        est = ensemble.HistGradientBoostingClassifier(max_iter=20, categorical_features=[1], random_state=0).fit(X, y)
        Xt = np.r_[X, np.c_[rng.normal(size=(30, 1)), rng.randint(0, 20, size=30), rng.normal(size=(30, 1))]]
        self.assertRoundTrips(est, Xt)
        yr = cat * 2.0 + num[:, 0]
        est = ensemble.HistGradientBoostingRegressor(max_iter=20, categorical_features=[False, True, False],
                                                     random_state=0).fit(X, yr)
        self.assertRoundTrips(est, Xt)

    def test_pipeline(self):
        est = make_pipeline(StandardScaler(), ensemble.HistGradientBoostingClassifier(max_iter=10)).fit(X_IRIS, Y_STR)
        self.assertRoundTrips(est, X_IRIS_T)

    def test_dataframe(self):
        import pandas as pd
        df = pd.DataFrame(X_IRIS, columns=list("abcd"))
        est = ensemble.HistGradientBoostingClassifier(max_iter=10).fit(df, Y_STR)
        loaded = self.assertRoundTrips(est, df)
        np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)


class IsolationForests(harness.RoundTripCase):
    def test_isolation_forest(self):
        Xt = np.r_[X_BC, RNG.normal(size=(20, X_BC.shape[1])) * X_BC.std(axis=0) * 3 + X_BC.mean(axis=0)]
        for kw in ({}, {"max_features": 0.5, "max_samples": 50}, {"contamination": 0.1, "bootstrap": True}):
            with self.subTest(**kw):
                est = ensemble.IsolationForest(n_estimators=20, random_state=0, **kw).fit(X_BC)
                self.assertRoundTrips(est, Xt)


class AdaBoost(harness.RoundTripCase):
    def test_classifier(self):
        for algorithm in ("SAMME", "SAMME.R"):
            for X, y in ((X_IRIS, Y_STR), (X_BC, Y_BC)):
                with self.subTest(algorithm=algorithm, classes=len(np.unique(y))):
                    est = ensemble.AdaBoostClassifier(n_estimators=15, algorithm=algorithm, random_state=0)
                    self.assertRoundTrips(est.fit(X, y), X)

    def test_classifier_deeper_extra_trees(self):
        base = tree.ExtraTreeClassifier(max_depth=3, random_state=0)
        est = ensemble.AdaBoostClassifier(base, n_estimators=10, random_state=0).fit(X_IRIS, Y_IRIS)
        self.assertRoundTrips(est, X_IRIS_T)

    def test_regressor(self):
        for loss in ("linear", "square", "exponential"):
            with self.subTest(loss=loss):
                est = ensemble.AdaBoostRegressor(n_estimators=12, loss=loss, random_state=0)
                self.assertRoundTrips(est.fit(X_REG, Y_REG[:, 0]), X_REG_T)


class Refusals(harness.RoundTripCase):
    def test_unknown_class_name(self):
        from safemodel import _rebuild
        ctx = _rebuild.Context([])
        with self.assertRaises(safemodel.UnsupportedError):
            _rebuild.build_estimator(ctx, {"trees": {"className": "os.system", "task": "classifier", "trees": []}})
        with self.assertRaises(safemodel.UnsupportedError):
            _rebuild.build_estimator(ctx, {"gradientBoosting": {"className": "Evil"}})


if __name__ == "__main__":
    unittest.main()
