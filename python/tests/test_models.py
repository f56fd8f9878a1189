"""Round trips of k-nearest neighbours, libsvm models and MLPs: dump, load,
and every method compared with the original."""
import unittest
import warnings

import numpy as np
from sklearn import neighbors, neural_network, svm
from sklearn.datasets import load_breast_cancer, load_iris, make_multilabel_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import harness

RNG = np.random.RandomState(0)
X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS_T = np.r_[X_IRIS, X_IRIS + RNG.normal(scale=0.3, size=X_IRIS.shape)]
Y_STR = np.array(["setosa", "versicolor", "virginica"], dtype=object)[Y_IRIS]
X_BC, Y_BC = load_breast_cancer(return_X_y=True)
X_BC = StandardScaler().fit_transform(X_BC[::3])
Y_BC = Y_BC[::3]
X_REG, Y_REG = make_regression(n_samples=120, n_features=5, n_targets=2, noise=3.0, random_state=2)
X_REG_T = np.r_[X_REG, RNG.normal(size=(40, 5))]


def quiet_fit(est, X, y=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


class KNeighbors(harness.RoundTripCase):
    def test_classifier_algorithms(self):
        for algorithm in ("brute", "kd_tree", "ball_tree"):
            for weights in ("uniform", "distance"):
                with self.subTest(algorithm=algorithm, weights=weights):
                    est = neighbors.KNeighborsClassifier(7, weights=weights, algorithm=algorithm, leaf_size=5)
                    loaded = self.assertRoundTrips(est.fit(X_IRIS, Y_STR), X_IRIS_T)
                    for a, b in zip(est.kneighbors(X_IRIS_T), loaded.kneighbors(X_IRIS_T)):
                        np.testing.assert_array_equal(b, a)

    def test_metrics(self):
        for metric, p in (("minkowski", 1), ("chebyshev", 2), ("minkowski", 3), ("manhattan", 2)):
            for algorithm in ("brute", "kd_tree", "ball_tree"):
                with self.subTest(metric=metric, p=p, algorithm=algorithm):
                    est = neighbors.KNeighborsClassifier(4, algorithm=algorithm, metric=metric, p=p)
                    self.assertRoundTrips(est.fit(X_BC, Y_BC), X_BC[:60])

    def test_multi_output_classifier(self):
        y = np.c_[Y_STR, np.where(X_IRIS[:, 1] > 3.0, "wide", "narrow")]
        est = neighbors.KNeighborsClassifier(5, algorithm="kd_tree").fit(X_IRIS, y)
        loaded = self.assertRoundTrips(est, X_IRIS_T, methods=("predict",))
        for a, b in zip(est.predict_proba(X_IRIS_T), loaded.predict_proba(X_IRIS_T)):
            np.testing.assert_allclose(b, a, rtol=1e-12)

    def test_regressor(self):
        for algorithm in ("brute", "kd_tree", "ball_tree"):
            with self.subTest(algorithm=algorithm):
                est = neighbors.KNeighborsRegressor(6, weights="distance", algorithm=algorithm)
                self.assertRoundTrips(est.fit(X_REG, Y_REG[:, 0]), X_REG_T)
                self.assertRoundTrips(neighbors.KNeighborsRegressor(3, algorithm=algorithm).fit(X_REG, Y_REG),
                                      X_REG_T)
                # y as a column: predict returns (n, 1), also after load.
                self.assertRoundTrips(neighbors.KNeighborsRegressor(3, algorithm=algorithm).fit(
                    X_REG, Y_REG[:, :1]), X_REG_T)

    def test_dataframe_and_float_labels(self):
        import pandas as pd
        df = pd.DataFrame(X_IRIS, columns=["sl", "sw", "pl", "pw"])
        est = neighbors.KNeighborsClassifier(3).fit(df, Y_IRIS * 2.0 + 3.0)
        loaded = self.assertRoundTrips(est, df)
        np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)


class Svm(harness.RoundTripCase):
    def test_svc_kernels(self):
        for kernel in ("linear", "poly", "rbf", "sigmoid"):
            with self.subTest(kernel=kernel):
                est = svm.SVC(kernel=kernel, degree=2, coef0=0.5, gamma="scale")
                self.assertRoundTrips(est.fit(X_BC, Y_BC), X_BC)

    def test_svc_multiclass_shapes(self):
        for kw in ({"decision_function_shape": "ovo"}, {"decision_function_shape": "ovr"},
                   {"break_ties": True}, {"probability": True, "random_state": 0}):
            with self.subTest(**kw):
                est = svm.SVC(C=0.5, **kw).fit(X_IRIS, Y_STR)
                self.assertRoundTrips(est, X_IRIS_T)

    def test_svc_binary_probability(self):
        est = svm.SVC(probability=True, random_state=0).fit(X_BC, np.where(Y_BC == 1, "pos", "neg"))
        loaded = self.assertRoundTrips(est, X_BC)
        np.testing.assert_array_equal(loaded.dual_coef_, est.dual_coef_)
        np.testing.assert_array_equal(loaded.intercept_, est.intercept_)
        np.testing.assert_array_equal(loaded.n_support_, est.n_support_)

    def test_nu_svc(self):
        self.assertRoundTrips(svm.NuSVC(nu=0.3, kernel="poly", degree=3).fit(X_IRIS, Y_IRIS), X_IRIS_T)

    def test_linear_coef(self):
        est = svm.SVC(kernel="linear").fit(X_IRIS, Y_IRIS)
        loaded = self.assertRoundTrips(est, X_IRIS_T)
        np.testing.assert_allclose(loaded.coef_, est.coef_, rtol=1e-12)

    def test_regressors(self):
        y = Y_REG[:, 0]
        for est in (svm.SVR(C=10.0), svm.SVR(kernel="linear", epsilon=0.5), svm.NuSVR(nu=0.4, kernel="sigmoid",
                                                                                     gamma=0.01)):
            with self.subTest(est=repr(est)):
                self.assertRoundTrips(quiet_fit(est, X_REG, y), X_REG_T)

    def test_one_class(self):
        for kernel in ("rbf", "poly"):
            with self.subTest(kernel=kernel):
                est = svm.OneClassSVM(nu=0.2, kernel=kernel, gamma=0.05).fit(X_BC)
                loaded = self.assertRoundTrips(est, np.r_[X_BC, X_BC * 3])
                np.testing.assert_array_equal(loaded.offset_, est.offset_)

    def test_pipeline(self):
        est = make_pipeline(StandardScaler(), svm.SVC(probability=True, random_state=0)).fit(X_IRIS, Y_IRIS)
        self.assertRoundTrips(est, X_IRIS_T)


class Mlp(harness.RoundTripCase):
    def test_classifier(self):
        for X, y, act in ((X_IRIS, Y_STR, "relu"), (X_BC, Y_BC, "tanh"), (X_BC, Y_BC * 2.0, "logistic"),
                          (X_IRIS, Y_IRIS, "identity")):
            with self.subTest(activation=act, classes=len(np.unique(y))):
                est = neural_network.MLPClassifier((8, 5), activation=act, max_iter=60, random_state=0)
                self.assertRoundTrips(quiet_fit(est, X, y), X)

    def test_multilabel(self):
        X, Y = make_multilabel_classification(n_samples=80, n_features=6, n_classes=3, random_state=0)
        est = quiet_fit(neural_network.MLPClassifier((10,), max_iter=80, random_state=0), X, Y)
        self.assertRoundTrips(est, X)

    def test_regressor(self):
        for y in (Y_REG[:, 0], Y_REG):
            with self.subTest(outputs=y.ndim):
                est = neural_network.MLPRegressor((7,), max_iter=80, random_state=0)
                self.assertRoundTrips(quiet_fit(est, X_REG, y), X_REG_T)

    def test_pipeline_dataframe(self):
        import pandas as pd
        df = pd.DataFrame(X_IRIS, columns=list("abcd"))
        est = quiet_fit(neural_network.MLPClassifier((6,), max_iter=50, random_state=0), df, Y_STR)
        loaded = self.assertRoundTrips(est, df)
        np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)
        pipe = quiet_fit(make_pipeline(StandardScaler(), neural_network.MLPRegressor((5,), max_iter=50,
                                                                                    random_state=0)),
                         X_REG, Y_REG[:, 1])
        self.assertRoundTrips(pipe, X_REG_T)


if __name__ == "__main__":
    unittest.main()
