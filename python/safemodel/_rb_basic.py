"""Builders: linear models, scalers and simple per-column transforms, naive
Bayes, k-means, PCA / TruncatedSVD.

Each builder names the scikit-learn classes it may create; nothing is looked
up by a name read from the file. Fitted attributes are set from the checked
arrays, hyperparameters that change predictions through the constructor.
Attributes used only by fit (n_iter_, var_ of a scaler, ...) are not stored in
.smdl files and are absent after load.
"""
import numpy as np

from . import _core
from ._rebuild import builder, number, set_n_features


def _pick(table, key, what):
    cls = table.get(key)
    if cls is None:
        raise _core.UnsupportedError(f"{what}: '{key}' is not a class safemodel.load builds")
    return cls


@builder("linear")
def _linear(ctx, b):
    from sklearn import linear_model, svm
    regressors = {"LinearRegression": linear_model.LinearRegression, "Ridge": linear_model.Ridge,
                  "Lasso": linear_model.Lasso, "ElasticNet": linear_model.ElasticNet,
                  "SGDRegressor": linear_model.SGDRegressor}
    classifiers = {"LogisticRegression": linear_model.LogisticRegression,
                   "SGDClassifier": linear_model.SGDClassifier, "LinearSVC": svm.LinearSVC}
    name = b["className"]
    coef = ctx.tensor(b["coef"])
    intercept = ctx.tensor(b["intercept"])
    if b["task"] == "regressor":
        est = _pick(regressors, name, "LinearModel.className")()
        if b["ravel"]:
            # One target: coef_ is 1-d and intercept_ a scalar.
            coef, intercept = coef.reshape(-1), np.float64(intercept[0])
        est.coef_, est.intercept_ = coef, intercept
    else:
        cls = _pick(classifiers, name, "LinearModel.className")
        proba = b["proba"]
        if cls is linear_model.LogisticRegression:
            est = cls(multi_class="multinomial" if proba == "softmax" else "ovr")
        elif cls is linear_model.SGDClassifier:
            loss = {"ovrSigmoid": "log_loss", "modifiedHuber": "modified_huber"}.get(proba, "hinge")
            est = cls(loss=loss)
        else:
            est = cls()
        if proba not in ("none", "ovrSigmoid", "softmax", "modifiedHuber") or (
                cls is svm.LinearSVC and proba != "none"):
            raise _core.UnsupportedError(f"LinearModel: {name} with proba '{proba}'")
        est.coef_, est.intercept_ = coef, intercept
        est.classes_ = ctx.labels(b["classes"])
    set_n_features(est, b["nFeatures"])
    return est


@builder("standardScaler")
def _standard(ctx, b):
    from sklearn.preprocessing import StandardScaler
    est = StandardScaler(with_mean=b["withMean"], with_std=b["withStd"])
    est.mean_, est.scale_ = ctx.tensor(b["mean"]), ctx.tensor(b["scale"])
    est.var_ = None if est.scale_ is None else est.scale_ ** 2
    set_n_features(est, b["nFeatures"])
    return est


@builder("minMaxScaler")
def _minmax(ctx, b):
    from sklearn.preprocessing import MinMaxScaler
    est = MinMaxScaler(feature_range=(number(b["rangeLo"]), number(b["rangeHi"])), clip=b["clip"])
    est.min_, est.scale_ = ctx.tensor(b["min"]), ctx.tensor(b["scale"])
    set_n_features(est, b["nFeatures"])
    return est


@builder("columnScaler")
def _column_scaler(ctx, b):
    from sklearn.preprocessing import MaxAbsScaler, RobustScaler
    center, scale = ctx.tensor(b["center"]), ctx.tensor(b["scale"])
    if b["kind"] == "maxAbs":
        est = MaxAbsScaler()
        if scale is None:
            raise _core.UnsupportedError("ColumnScaler: a MaxAbsScaler without scale_")
        est.scale_ = scale
        est.max_abs_ = scale
    else:
        est = RobustScaler(with_centering=center is not None, with_scaling=scale is not None)
        est.center_, est.scale_ = center, scale
    set_n_features(est, b["nFeatures"])
    return est


@builder("normalizer")
def _normalizer(ctx, b):
    from sklearn.preprocessing import Normalizer
    est = Normalizer(norm=b["norm"])
    set_n_features(est, b["nFeatures"])
    return est


@builder("binarizer")
def _binarizer(ctx, b):
    from sklearn.preprocessing import Binarizer
    est = Binarizer(threshold=number(b["threshold"]))
    set_n_features(est, b["nFeatures"])
    return est


@builder("gaussianNb")
def _gaussian_nb(ctx, b):
    from sklearn.naive_bayes import GaussianNB
    est = GaussianNB()
    est.classes_ = ctx.labels(b["classes"])
    est.theta_, est.var_ = ctx.tensor(b["theta"]), ctx.tensor(b["var"])
    est.class_prior_ = ctx.tensor(b["classPrior"])
    set_n_features(est, b["nFeatures"])
    return est


@builder("discreteNb")
def _discrete_nb(ctx, b):
    from sklearn.naive_bayes import BernoulliNB, ComplementNB, MultinomialNB
    kind = b["kind"]
    if kind == "bernoulli":
        est = BernoulliNB(binarize=number(b["binarizeThreshold"]) if b["binarize"] else None)
    else:
        est = _pick({"multinomial": MultinomialNB, "complement": ComplementNB}, kind, "DiscreteNb.kind")()
    est.classes_ = ctx.labels(b["classes"])
    est.feature_log_prob_ = ctx.tensor(b["featureLogProb"])
    est.class_log_prior_ = ctx.tensor(b["classLogPrior"])
    set_n_features(est, b["nFeatures"])
    return est


@builder("kMeans")
def _kmeans(ctx, b):
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
    centers = ctx.tensor(b["clusterCenters"])
    cls = _pick({"kMeans": KMeans, "miniBatchKMeans": MiniBatchKMeans}, b["variant"], "KMeans.variant")
    est = cls(n_clusters=centers.shape[0], n_init=1)
    est.cluster_centers_ = centers
    est._n_threads = _openmp_effective_n_threads()
    set_n_features(est, b["nFeatures"])
    return est


@builder("decomposition")
def _decomposition(ctx, b):
    from sklearn.decomposition import PCA, TruncatedSVD
    components = ctx.tensor(b["components"])
    if b["kind"] == "pca":
        est = PCA(n_components=components.shape[0], whiten=b["whiten"])
        est.mean_ = ctx.tensor(b["mean"])
        est.explained_variance_ = ctx.tensor(b["explainedVariance"])
        est.n_components_ = components.shape[0]
        noise = number(b.get("noiseVariance", "NaN"))
        if not np.isnan(noise):  # score_samples needs it
            est.noise_variance_ = noise
    else:
        est = TruncatedSVD(n_components=components.shape[0])
    est.components_ = components
    set_n_features(est, b["nFeatures"])
    return est
