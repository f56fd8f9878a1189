"""Builders: k-nearest neighbours, libsvm models and multi-layer perceptrons
(scikit-learn 1.2.1).

What a .smdl file does not keep, and how the rebuilt objects fill it:

* KNeighbors*: the constructor's metric name (minkowski with p = 2 and
  euclidean are one effective metric; the effective one is rebuilt), n_jobs,
  and for a single-output KNeighborsRegressor whether y was 1-d or a (n, 1)
  column: the rebuilt one predicts 1-d. KDTree/BallTree counters (n_trims,
  n_leaves, n_splits, n_calls) are 0.
* SVC & co: support_ (indices into the training set) becomes
  arange(n_support_vectors); shape_fit_[0] (training rows), n_iter_ and the
  constructor's gamma string ("scale"/"auto": the resolved number is kept)
  are lost; class_weight_ becomes ones. Predictions are exact.
* MLP*: training state (loss_curve_, optimizer, best_loss_...) is not kept;
  the hidden layer sizes are read back from the weights. A LabelBinarizer
  with pos_label/neg_label other than 1/0 (MLPClassifier never makes one)
  raises UnsupportedError.
"""
import math

import numpy as np

from . import _core
from ._rebuild import NO_TENSOR, builder, number



# ---- KNeighbors -------------------------------------------------------------------

_KNN_METRIC = {"euclidean": 2.0, "manhattan": 1.0, "chebyshev": math.inf, "minkowski": None}
_KNN_ALGORITHM = {"brute": "brute", "kdTree": "kd_tree", "ballTree": "ball_tree"}


def _binary_tree(ctx, body, algorithm, fit_x, metric, p):
    from sklearn.metrics import DistanceMetric
    from sklearn.neighbors import BallTree, KDTree
    cls = KDTree if algorithm == "kd_tree" else BallTree
    idx = ctx.need(body.get("idxArray", NO_TENSOR), "kNeighbors.idxArray", np.intp)
    index = ctx.need(body.get("nodeIndex", NO_TENSOR), "kNeighbors.nodeIndex", np.intp)
    radius = ctx.need(body.get("nodeRadius", NO_TENSOR), "kNeighbors.nodeRadius", np.float64)
    bounds = ctx.need(body.get("nodeBounds", NO_TENSOR), "kNeighbors.nodeBounds", np.float64)
    leaf_size = int(body.get("leafSize", 0))
    n_nodes = index.shape[0] if index.ndim == 2 else -1
    n_levels = int(round(math.log2(n_nodes + 1))) if n_nodes > 0 else 0
    n = fit_x.shape[0]
    if (index.shape != (n_nodes, 3) or radius.shape != (n_nodes,) or (1 << n_levels) - 1 != n_nodes
            or idx.shape != (n,) or bounds.ndim != 3 or bounds.shape[1:] != (n_nodes, fit_x.shape[1])
            or bounds.shape[0] != (2 if cls is KDTree else 1) or leaf_size < 1
            or not np.array_equal(np.sort(idx), np.arange(n))
            or index[:, :2].min(initial=0) < 0 or index[:, :2].max(initial=0) > n):
        raise _core.FormatError("kNeighbors: the tree arrays do not fit together")
    # The node records' dtype (idx_start, idx_end, is_leaf, radius) as this
    # scikit-learn defines it, taken from a throwaway tree.
    node_dtype = cls(np.zeros((1, 1))).get_arrays()[2].dtype
    node_data = np.zeros(n_nodes, dtype=node_dtype)
    node_data["idx_start"] = index[:, 0]
    node_data["idx_end"] = index[:, 1]
    node_data["is_leaf"] = index[:, 2]
    node_data["radius"] = radius
    dist = DistanceMetric.get_metric(metric, p=p) if metric == "minkowski" else DistanceMetric.get_metric(metric)
    tree = cls.__new__(cls)
    tree.__setstate__((np.ascontiguousarray(fit_x), idx, node_data, np.ascontiguousarray(bounds), leaf_size,
                       n_levels, n_nodes, 0, 0, 0, 0, dist, None))
    return tree, leaf_size


@builder("kNeighbors")
def _k_neighbors(ctx, body):
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    kind = body.get("kind")
    cls = {"classifier": KNeighborsClassifier, "regressor": KNeighborsRegressor}.get(kind)
    if cls is None:
        raise _core.UnsupportedError(f"kNeighbors: kind '{kind}' cannot be rebuilt")
    weights = {"uniform": "uniform", "distance": "distance"}.get(body.get("weights"))
    metric = body.get("metric")
    algorithm = _KNN_ALGORITHM.get(body.get("algorithm"))
    if weights is None or metric not in _KNN_METRIC or algorithm is None:
        raise _core.FormatError("kNeighbors: unknown weights, metric or algorithm")
    p = number(body.get("p", 2))
    if _KNN_METRIC[metric] is not None and p != _KNN_METRIC[metric]:
        raise _core.FormatError(f"kNeighbors: metric {metric} with p = {p}")
    if metric == "minkowski" and not (1 <= p < math.inf):
        raise _core.FormatError(f"kNeighbors: Minkowski p = {p}")
    n_features = int(body.get("nFeatures", 0))
    fit_x = ctx.need(body.get("fitX", NO_TENSOR), "kNeighbors.fitX", np.float64)
    if fit_x.ndim != 2 or fit_x.shape[1] != n_features or fit_x.shape[0] < 1:
        raise _core.FormatError("kNeighbors: fitX does not match nFeatures")
    n_samples = fit_x.shape[0]
    k = int(body.get("nNeighbors", 0))
    if not 1 <= k <= n_samples:
        raise _core.FormatError(f"kNeighbors: nNeighbors {k} for {n_samples} samples")
    y = ctx.tensor(body.get("y", NO_TENSOR))
    if y is None or y.shape[0] != n_samples:
        raise _core.FormatError("kNeighbors: y does not match fitX")
    y = y.reshape(n_samples, -1)

    if algorithm == "brute":
        tree, leaf_size = None, 30
    else:
        tree, leaf_size = _binary_tree(ctx, body, algorithm, fit_x, metric, p)
    est = cls(n_neighbors=k, weights=weights, algorithm=algorithm, leaf_size=leaf_size,
              metric="minkowski" if metric in ("minkowski", "euclidean", "manhattan") else metric,
              p=p if metric != "chebyshev" else 2)
    est._fit_method = algorithm
    est._fit_X = fit_x
    est._tree = tree
    est.n_samples_fit_ = n_samples
    est.n_features_in_ = n_features
    est.effective_metric_ = metric
    est.effective_metric_params_ = {"p": p} if metric == "minkowski" else {}
    if cls is KNeighborsClassifier:
        classes = [ctx.labels(lab) for lab in body.get("classes", [])]
        if not classes or len(classes) != y.shape[1] or any(c is None for c in classes):
            raise _core.FormatError("kNeighbors: classes do not match y")
        y = y.astype(np.intp)
        for j, c in enumerate(classes):
            if y[:, j].min() < 0 or y[:, j].max() >= len(c):
                raise _core.FormatError("kNeighbors: class index out of range")
        est.outputs_2d_ = len(classes) > 1
        est.classes_ = classes if est.outputs_2d_ else classes[0]
        est._y = y if est.outputs_2d_ else y.ravel()
    else:
        if body.get("classes"):
            raise _core.FormatError("kNeighbors: a regressor with classes")
        y = y.astype(np.float64)
        # A (n, 1) _y makes predict return (n, 1), as in the original.
        est._y = y if y.shape[1] > 1 or body.get("yColumn", False) else y.ravel()
    return est


# ---- SVM --------------------------------------------------------------------------

_SVM_KERNEL = {"linear": "linear", "poly": "poly", "rbf": "rbf", "sigmoid": "sigmoid"}


@builder("svm")
def _svm(ctx, body):
    from sklearn.svm import SVC, SVR, NuSVC, NuSVR, OneClassSVM
    kind = body.get("kind")
    cls = {"svc": SVC, "nuSvc": NuSVC, "svr": SVR, "nuSvr": NuSVR, "oneClass": OneClassSVM}.get(kind)
    kernel = _SVM_KERNEL.get(body.get("kernel"))
    if cls is None or kernel is None:
        raise _core.UnsupportedError(f"svm: kind '{kind}' with kernel '{body.get('kernel')}' cannot be rebuilt")
    classifier = cls in (SVC, NuSVC)
    n_features = int(body.get("nFeatures", 0))
    sv = ctx.need(body.get("supportVectors", NO_TENSOR), "svm.supportVectors", np.float64)
    dual = ctx.need(body.get("dualCoef", NO_TENSOR), "svm.dualCoef", np.float64)
    intercept = ctx.need(body.get("intercept", NO_TENSOR), "svm.intercept", np.float64)
    if sv.ndim != 2 or sv.shape[1] != n_features or dual.ndim != 2 or dual.shape[1] != sv.shape[0]:
        raise _core.FormatError("svm: support vectors and dual coefficients disagree")
    n_sv = sv.shape[0]
    gamma = number(body.get("gamma", 0.0))
    params = dict(kernel=kernel, degree=int(body.get("degree", 3)), gamma=gamma if gamma > 0 else "scale",
                  coef0=number(body.get("coef0", 0.0)))
    if classifier:
        classes = ctx.labels(body.get("classes", {}))
        n_support = ctx.need(body.get("nSupport", NO_TENSOR), "svm.nSupport", np.int32)
        if classes is None or n_support.shape != (len(classes),) or int(n_support.sum()) != n_sv:
            raise _core.FormatError("svm: classes and nSupport disagree")
        n_classes = len(classes)
        pairs = n_classes * (n_classes - 1) // 2
        if dual.shape[0] != n_classes - 1 or intercept.shape != (pairs,):
            raise _core.FormatError("svm: dualCoef or intercept has the wrong shape")
        prob_a = ctx.tensor(body.get("probA", NO_TENSOR), np.float64)
        prob_b = ctx.tensor(body.get("probB", NO_TENSOR), np.float64)
        probability = prob_a is not None and prob_b is not None
        if probability and (prob_a.shape != (pairs,) or prob_b.shape != (pairs,)):
            raise _core.FormatError("svm: probA/probB have the wrong shape")
        est = cls(probability=probability, decision_function_shape="ovr" if body.get("ovr") else "ovo",
                  break_ties=bool(body.get("breakTies", False)), **params)
        est.classes_ = classes
        est._n_support = n_support
        est._probA = prob_a if probability else np.empty(0)
        est._probB = prob_b if probability else np.empty(0)
        est.class_weight_ = np.ones(n_classes)  # lost; fitting only
        flip = -1.0 if n_classes == 2 else 1.0  # scikit-learn's public signs for binary problems
        est.dual_coef_ = flip * dual
        est.intercept_ = flip * intercept
    else:
        if dual.shape[0] != 1 or intercept.shape != (1,):
            raise _core.FormatError("svm: dualCoef or intercept has the wrong shape")
        est = cls(**params)
        est._n_support = np.array([n_sv, n_sv], dtype=np.int32)  # what libsvm leaves for one-class/regression
        est._probA = np.empty(0)
        est._probB = np.empty(0)
        est.dual_coef_ = dual.copy()
        est.intercept_ = intercept.copy()
        if cls is OneClassSVM:
            est.offset_ = np.array([number(body.get("offset", 0.0))])
    est.support_vectors_ = sv
    est._dual_coef_ = dual
    est._intercept_ = intercept
    est._gamma = gamma
    est._sparse = False
    est.support_ = np.arange(n_sv, dtype=np.int32)  # lost: indices into the training set
    est.shape_fit_ = (n_sv, n_features)  # rows lost; only the width is checked
    est.n_features_in_ = n_features
    est.fit_status_ = 0
    est._num_iter = np.zeros(max(1, dual.shape[0] * (dual.shape[0] + 1) // 2), dtype=np.int32)
    est.n_iter_ = est._num_iter
    return est


# ---- MLP --------------------------------------------------------------------------

_MLP_ACTIVATION = {"identity": "identity", "logistic": "logistic", "tanh": "tanh", "relu": "relu",
                   "softmax": "softmax", "exp": "exp"}
_MLP_TARGET = {"binary": "binary", "multiclass": "multiclass", "multilabel": "multilabel-indicator"}


@builder("mlp")
def _mlp(ctx, body):
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.preprocessing import LabelBinarizer
    target = body.get("target")
    activation = _MLP_ACTIVATION.get(body.get("activation"))
    out_activation = _MLP_ACTIVATION.get(body.get("outActivation"))
    if activation not in ("identity", "logistic", "tanh", "relu") or out_activation is None:
        raise _core.FormatError("mlp: unknown activation")
    n_features = int(body.get("nFeatures", 0))
    coefs, intercepts = [], []
    width = n_features
    for layer in body.get("layers", []):
        c = ctx.need(layer.get("coef", NO_TENSOR), "mlp.coef", np.float64)
        b = ctx.need(layer.get("intercept", NO_TENSOR), "mlp.intercept", np.float64)
        if c.ndim != 2 or c.shape[0] != width or b.shape != (c.shape[1],):
            raise _core.FormatError("mlp: layer shapes do not chain")
        coefs.append(c)
        intercepts.append(b)
        width = c.shape[1]
    if not coefs:
        raise _core.FormatError("mlp: no layers")
    hidden = tuple(c.shape[1] for c in coefs[:-1])
    if target == "regressor":
        est = MLPRegressor(hidden_layer_sizes=hidden, activation=activation)
    elif target in _MLP_TARGET:
        if number(body.get("threshold", 0.5)) != 0.5:
            raise _core.UnsupportedError("mlp: a label binarizer with pos_label/neg_label other than 1/0")
        classes = ctx.labels(body.get("classes", {}))
        if classes is None:
            raise _core.FormatError("mlp: a classifier without classes")
        lb = LabelBinarizer()
        lb.y_type_ = _MLP_TARGET[target]
        lb.sparse_input_ = False
        lb.classes_ = classes
        est = MLPClassifier(hidden_layer_sizes=hidden, activation=activation)
        est._label_binarizer = lb
        est.classes_ = classes
    else:
        raise _core.FormatError(f"mlp: target '{target}' is not known")
    est.coefs_ = coefs
    est.intercepts_ = intercepts
    est.n_layers_ = len(coefs) + 1
    est.n_outputs_ = width
    est.out_activation_ = out_activation
    est.n_features_in_ = n_features
    est.n_iter_ = 0  # lost; training state
    return est
