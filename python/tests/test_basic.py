"""Round trips of linear models, scalers, naive Bayes, k-means and
decompositions: load(dump(est)) must give the original's outputs."""
import unittest

import numpy as np
import pandas as pd
from sklearn import cluster, decomposition, linear_model, naive_bayes, preprocessing, svm
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.pipeline import make_pipeline

import harness

RNG = np.random.RandomState(0)
XI, YI = load_iris(return_X_y=True)
XB, YB = make_classification(n_samples=120, n_features=6, random_state=1)
XR, YR = make_regression(n_samples=100, n_features=5, n_targets=1, noise=0.5, random_state=2)
_, YR2 = make_regression(n_samples=100, n_features=5, n_targets=3, random_state=2)
XT = RNG.normal(size=(30, 4)) * 2.0  # unseen rows, wider than the training data
NAMES = np.array(["setosa", "versicolor", "virginica"])


class LinearTest(harness.RoundTripCase):
    def test_logistic_multinomial_ovr_binary_and_string_labels(self):
        cases = [
            (linear_model.LogisticRegression(max_iter=1000), XI, YI),
            (linear_model.LogisticRegression(multi_class="ovr", max_iter=1000), XI, YI),
            (linear_model.LogisticRegression(solver="liblinear"), XI, NAMES[YI]),
            (linear_model.LogisticRegression(), XB, YB),
            (linear_model.LogisticRegression(multi_class="multinomial"), XB, YB),
            (linear_model.LogisticRegression(fit_intercept=False), XB, YB * 2.0 - 1.0),
        ]
        for est, X, y in cases:
            with self.subTest(est=repr(est), labels=str(np.asarray(y).dtype)):
                est.fit(X, y)
                self.assertRoundTrips(est, X[:40] if X.shape[1] != 4 else np.vstack([X[:20], XT]))

    def test_sgd_and_linear_svc(self):
        for est in [linear_model.SGDClassifier(loss="log_loss", random_state=0),
                    linear_model.SGDClassifier(loss="modified_huber", random_state=0),
                    linear_model.SGDClassifier(random_state=0), svm.LinearSVC(random_state=0)]:
            for X, y in [(XI, YI), (XB, YB)]:
                with self.subTest(est=repr(est), classes=len(set(y))):
                    self.assertRoundTrips(est.fit(X, y), X)

    def test_regressors_one_and_many_targets(self):
        for cls in [linear_model.LinearRegression, linear_model.Ridge, linear_model.Lasso,
                    linear_model.ElasticNet]:
            for y in [YR, YR2, YR.reshape(-1, 1)]:
                with self.subTest(cls=cls.__name__, shape=y.shape):
                    self.assertRoundTrips(cls().fit(XR, y), XR)
        self.assertRoundTrips(linear_model.SGDRegressor(random_state=0).fit(XR, YR), XR)
        self.assertRoundTrips(linear_model.LinearRegression(fit_intercept=False).fit(XR, YR), XR)

    def test_dataframe_keeps_feature_names(self):
        df = pd.DataFrame(XI, columns=["sl", "sw", "pl", "pw"])
        est = linear_model.LogisticRegression(max_iter=1000).fit(df, YI)
        loaded = self.assertRoundTrips(est, df)
        self.assertEqual(list(loaded.feature_names_in_), ["sl", "sw", "pl", "pw"])


class PreprocessingTest(harness.RoundTripCase):
    def test_scalers(self):
        ests = [preprocessing.StandardScaler(), preprocessing.StandardScaler(with_mean=False),
                preprocessing.StandardScaler(with_std=False), preprocessing.MinMaxScaler(),
                preprocessing.MinMaxScaler(feature_range=(-2, 3), clip=True), preprocessing.MaxAbsScaler(),
                preprocessing.RobustScaler(), preprocessing.RobustScaler(with_centering=False),
                preprocessing.RobustScaler(with_scaling=False, quantile_range=(10, 90)),
                preprocessing.Normalizer(), preprocessing.Normalizer(norm="l1"),
                preprocessing.Normalizer(norm="max"), preprocessing.Binarizer(threshold=1.5)]
        for est in ests:
            with self.subTest(est=repr(est)):
                self.assertRoundTrips(est.fit(XI), np.vstack([XI[:10], XT]))

    def test_pipeline_of_scaler_pca_and_classifier(self):
        est = make_pipeline(preprocessing.StandardScaler(), decomposition.PCA(n_components=3, whiten=True),
                            linear_model.LogisticRegression()).fit(XI, NAMES[YI])
        loaded = self.assertRoundTrips(est, XT)
        self.assertEqual([n for n, _ in loaded.steps], [n for n, _ in est.steps])


class OtherFamiliesTest(harness.RoundTripCase):
    def test_naive_bayes(self):
        counts = RNG.poisson(2.0, size=(80, 7)).astype(float)
        ycounts = RNG.randint(0, 3, size=80)
        cases = [(naive_bayes.GaussianNB(), XI, NAMES[YI], XT),
                 (naive_bayes.GaussianNB(priors=[0.2, 0.3, 0.5]), XI, YI, XT),
                 (naive_bayes.MultinomialNB(), counts, ycounts, counts[:20]),
                 (naive_bayes.ComplementNB(), counts, ycounts, counts[:20]),
                 (naive_bayes.BernoulliNB(binarize=1.5), counts, ycounts, counts[:20]),
                 (naive_bayes.BernoulliNB(binarize=None), (counts > 2).astype(float), ycounts,
                  (counts[:20] > 1).astype(float))]
        for est, X, y, Xt in cases:
            with self.subTest(est=repr(est)):
                self.assertRoundTrips(est.fit(X, y), Xt)

    def test_kmeans_and_decompositions(self):
        ests = [cluster.KMeans(n_clusters=3, n_init=3, random_state=0),
                cluster.MiniBatchKMeans(n_clusters=4, n_init=3, random_state=0),
                decomposition.PCA(n_components=2), decomposition.PCA(whiten=True),
                decomposition.TruncatedSVD(n_components=2, random_state=0)]
        for est in ests:
            with self.subTest(est=repr(est)):
                loaded = self.assertRoundTrips(est.fit(XI), XT)
                if isinstance(est, decomposition.PCA):  # score_samples uses noise_variance_
                    self.assertEqual(loaded.noise_variance_, est.noise_variance_)


if __name__ == "__main__":
    unittest.main()
