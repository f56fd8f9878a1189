"""Builders: trees and forests, dummies, gradient boosting, histogram
gradient boosting, isolation forest and AdaBoost (scikit-learn 1.2.1).

What a .smdl file does not keep, and how the rebuilt objects fill it:

* sklearn Tree nodes keep only children, feature, threshold and value. The
  node `impurity` and `weighted_n_node_samples` are set to NaN and
  `n_node_samples` to 0 (IsolationForest: its stored counts), so
  `feature_importances_` comes out NaN rather than wrong; `max_depth` is
  recomputed from the structure. Predictions, `apply` and `decision_path`
  are exact.
* missing_go_to_left (scikit-learn >= 1.3 trees) has no field in 1.2.1's
  node records: the rebuilt tree refuses NaN input (1.2.1 trees always do).
* Hyperparameters that only steer fitting (criterion, max_depth, the
  regressors' loss name, subsample, random_state...) are not in the file
  and keep scikit-learn's defaults; forest members' random_state and
  max_features_, AdaBoost's estimator_errors_ (NaN), a Dummy's
  n_features_in_, HistGradientBoosting's numeric bin thresholds and
  internal-node values/counts/gains are lost. Refitting with warm_start is
  therefore not meaningful.
* GradientBoosting: a classifier whose init_ was an old (< 0.21) raw-score
  init estimator cannot be expressed with 1.2.1's loss objects and raises
  UnsupportedError; losses from scikit-learn >= 1.4 (HalfBinomialLoss,
  HalfMultinomialLoss) are rebuilt as 1.2.1's BinomialDeviance and
  MultinomialDeviance (same probabilities; labels differ only where the
  raw score is exactly a tie).
"""
import numpy as np

from . import _core
from ._rebuild import NO_TENSOR, builder, integer, number, union_member



def _unsupported(msg):
    return _core.UnsupportedError(msg)


def _format_error(msg):
    return _core.FormatError(msg)




# ---- sklearn Tree objects ------------------------------------------------------

def _depth(left, right):
    """max_depth of a tree whose children come after their parents."""
    n = len(left)
    depth = np.zeros(n, dtype=np.int64)
    best = 0
    for i in range(n):
        lc, rc = int(left[i]), int(right[i])
        if lc < 0:
            continue
        if not (i < lc < n and i < rc < n):
            raise _format_error(f"tree node {i}: child out of order")
        depth[lc] = depth[rc] = depth[i] + 1
        best = max(best, int(depth[i]) + 1)
    return best


def _sk_tree(ctx, t, n_features, n_outputs, n_classes, node_samples=None):
    """A sklearn.tree._tree.Tree from one schema Tree."""
    from sklearn.tree._tree import NODE_DTYPE, Tree
    left = ctx.need(t["leftChild"], "tree.leftChild", np.int64)
    right = ctx.need(t["rightChild"], "tree.rightChild", np.int64)
    feature = ctx.need(t["feature"], "tree.feature", np.int64)
    threshold = ctx.need(t["threshold"], "tree.threshold", np.float64)
    value = ctx.need(t["value"], "tree.value", np.float64)
    n = left.shape[0]
    max_classes = max([1] + [int(c) for c in n_classes])
    if not (right.shape == feature.shape == threshold.shape == (n,)) or value.size != n * n_outputs * max_classes:
        raise _format_error("tree: column lengths disagree")
    leaf = left < 0
    nodes = np.zeros(n, dtype=NODE_DTYPE)
    nodes["left_child"] = np.where(leaf, -1, left)
    nodes["right_child"] = np.where(leaf, -1, right)
    nodes["feature"] = np.where(leaf, -2, feature)
    nodes["threshold"] = np.where(leaf, -2.0, threshold)
    nodes["impurity"] = np.nan
    nodes["weighted_n_node_samples"] = np.nan
    if node_samples is not None:
        if node_samples.shape != (n,):
            raise _format_error("tree: n_node_samples has the wrong length")
        nodes["n_node_samples"] = node_samples
    if "missing_go_to_left" in NODE_DTYPE.names:  # scikit-learn >= 1.3
        mg = ctx.tensor(t.get("missingGoToLeft", NO_TENSOR))
        if mg is not None:
            nodes["missing_go_to_left"] = mg
    tree = Tree(int(n_features), np.array(n_classes, dtype=np.intp), int(n_outputs))
    tree.__setstate__({
        "max_depth": _depth(left, right),
        "node_count": n,
        "nodes": nodes,
        "values": np.ascontiguousarray(value.reshape(n, n_outputs, max_classes)),
    })
    return tree


def _fitted_tree(cls, tree, n_features, n_outputs, classes=None, n_classes=None):
    """A fitted DecisionTree*/ExtraTree* around `tree`."""
    est = cls()
    est.tree_ = tree
    est.n_features_in_ = int(n_features)
    est.n_outputs_ = int(n_outputs)
    est.max_features_ = int(n_features)  # lost; only steers fitting
    if classes is not None:
        if n_outputs == 1:
            est.classes_ = classes[0]
            est.n_classes_ = np.intp(n_classes[0])
        else:
            est.classes_ = list(classes)
            est.n_classes_ = np.array(n_classes, dtype=np.intp)
    return est


def _tree_model(body, expect_task=None):
    """Checks a TreeModel body: (task, n_features, n_outputs, n_classes)."""
    task = body.get("task", "classifier")
    if expect_task is not None and task != expect_task:
        raise _format_error(f"{body.get('className', '?')}: trees of task '{task}', expected '{expect_task}'")
    n_features = int(body.get("nFeatures", 0))
    n_outputs = int(body.get("nOutputs", 1))
    n_classes = [int(c) for c in body.get("nClasses", [])] if task == "classifier" else [1] * n_outputs
    if len(n_classes) != n_outputs or n_features < 1 or n_outputs < 1 or not body.get("trees"):
        raise _format_error(f"{body.get('className', '?')}: inconsistent tree model")
    return task, n_features, n_outputs, n_classes


def _nested_trees(est_json, what):
    member, body = union_member(est_json)
    if member != "trees":
        raise _format_error(f"{what}: expected a `trees` estimator, got '{member}'")
    return body


def _classes_list(ctx, body, n_classes):
    classes = [ctx.labels(lab) for lab in body.get("classes", [])]
    if len(classes) != len(n_classes) or any(c is None or len(c) != k for c, k in zip(classes, n_classes)):
        raise _format_error(f"{body.get('className', '?')}: classes do not match nClasses")
    return classes


def _tree_classes():
    from sklearn import ensemble, tree
    # className -> (estimator class, task, member class for forests or None)
    return {
        "DecisionTreeClassifier": (tree.DecisionTreeClassifier, "classifier", None),
        "DecisionTreeRegressor": (tree.DecisionTreeRegressor, "regressor", None),
        "ExtraTreeClassifier": (tree.ExtraTreeClassifier, "classifier", None),
        "ExtraTreeRegressor": (tree.ExtraTreeRegressor, "regressor", None),
        "RandomForestClassifier": (ensemble.RandomForestClassifier, "classifier", tree.DecisionTreeClassifier),
        "RandomForestRegressor": (ensemble.RandomForestRegressor, "regressor", tree.DecisionTreeRegressor),
        "ExtraTreesClassifier": (ensemble.ExtraTreesClassifier, "classifier", tree.ExtraTreeClassifier),
        "ExtraTreesRegressor": (ensemble.ExtraTreesRegressor, "regressor", tree.ExtraTreeRegressor),
    }


@builder("trees")
def _trees(ctx, body):
    name = body.get("className", "")
    entry = _tree_classes().get(name)
    if entry is None:
        raise _unsupported(f"trees: class '{name}' cannot be rebuilt as a scikit-learn object")
    cls, task, member_cls = entry
    _, n_features, n_outputs, n_classes = _tree_model(body, task)
    classes = _classes_list(ctx, body, n_classes) if task == "classifier" else None
    trees = [_sk_tree(ctx, t, n_features, n_outputs, n_classes) for t in body["trees"]]
    if member_cls is None:
        if len(trees) != 1 or body.get("combine", "single") != "single":
            raise _format_error(f"{name}: a single tree estimator needs exactly one tree")
        return _fitted_tree(cls, trees[0], n_features, n_outputs, classes, n_classes)
    if body.get("combine") != "average":
        raise _format_error(f"{name}: a forest must average its trees")
    # Forest members are fitted on class indices (float), as scikit-learn does.
    member_classes = None if classes is None else [np.arange(k, dtype=np.float64) for k in n_classes]
    est = cls(n_estimators=len(trees))
    est.estimators_ = [_fitted_tree(member_cls, t, n_features, n_outputs, member_classes, n_classes) for t in trees]
    est._estimator = member_cls()
    est.n_features_in_ = n_features
    est.n_outputs_ = n_outputs
    if classes is not None:
        if n_outputs == 1:
            est.classes_, est.n_classes_ = classes[0], n_classes[0]
        else:
            est.classes_, est.n_classes_ = classes, list(n_classes)
    return est


# ---- Dummy ----------------------------------------------------------------------

_DUMMY_STRATEGY = {"mostFrequent": "most_frequent", "prior": "prior", "uniform": "uniform", "constant": "constant"}


def _dummy_model(ctx, body):
    from sklearn.dummy import DummyClassifier, DummyRegressor
    name = body.get("className", "")
    if name == "DummyRegressor":
        if body.get("task") != "regressor":
            raise _format_error("DummyRegressor: task is not regressor")
        constant = ctx.need(body.get("constant", NO_TENSOR), "DummyRegressor.constant", np.float64).reshape(1, -1)
        # The fitted strategy (mean, median, quantile, constant) is not kept; the constant is.
        est = DummyRegressor(strategy="constant", constant=constant.ravel().copy())
        est.constant_ = constant
        est.n_outputs_ = constant.shape[1]
        return est
    if name != "DummyClassifier":
        raise _unsupported(f"dummy: class '{name}' cannot be rebuilt as a scikit-learn object")
    strategy = _DUMMY_STRATEGY.get(body.get("strategy"))
    if strategy is None or body.get("task") != "classifier":
        raise _format_error(f"DummyClassifier: strategy '{body.get('strategy')}' is not a classifier strategy")
    classes = ctx.labels(body.get("classes", {}))
    prior = ctx.need(body.get("classPrior", NO_TENSOR), "DummyClassifier.classPrior", np.float64)
    if classes is None or prior.shape != (len(classes),):
        raise _format_error("DummyClassifier: classes and classPrior disagree")
    constant = None
    if strategy == "constant":
        idx = int(body.get("constantIndex", -1))
        if not 0 <= idx < len(classes):
            raise _format_error("DummyClassifier: constantIndex out of range")
        constant = classes[idx]
    est = DummyClassifier(strategy=strategy, constant=constant)
    est._strategy = strategy
    est.sparse_output_ = False
    est.n_outputs_ = 1
    est.classes_ = classes
    est.n_classes_ = len(classes)
    est.class_prior_ = prior
    return est


@builder("dummy")
def _dummy(ctx, body):
    return _dummy_model(ctx, body)


# ---- GradientBoosting -------------------------------------------------------------

def _boosting_head(ctx, body, member, classes_by_name, per):
    """The checks both boosting families start with: (class, name,
    is_classifier, classes or None, n_features, trees per stage, loss kind)."""
    name = body.get("className", "")
    cls = classes_by_name.get(name)
    if cls is None:
        raise _unsupported(f"{member}: class '{name}' cannot be rebuilt as a scikit-learn object")
    classifier = name.endswith("Classifier")
    if body.get("task") != ("classifier" if classifier else "regressor"):
        raise _format_error(f"{name}: task does not match the class")
    classes = None
    if classifier:
        classes = ctx.labels(body.get("classes", {}))
        if classes is None:
            raise _format_error(f"{name}: no classes")
    return (cls, name, classifier, classes, int(body.get("nFeatures", 0)), int(body.get(per, 0)),
            body.get("loss"))


@builder("gradientBoosting")
def _gradient_boosting(ctx, body):
    from sklearn.dummy import DummyRegressor
    from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor, _gb_losses
    from sklearn.tree import DecisionTreeRegressor
    cls, name, classifier, classes, n_features, k, loss_kind = _boosting_head(
        ctx, body, "gradientBoosting", {"GradientBoostingClassifier": GradientBoostingClassifier,
                                        "GradientBoostingRegressor": GradientBoostingRegressor}, "treesPerStage")
    if classifier:
        n_classes = len(classes)
        if loss_kind in ("multinomialLse", "softmaxRawArgmax"):
            loss, loss_name = _gb_losses.MultinomialDeviance(n_classes), "log_loss"
        elif loss_kind in ("binomialProbaArgmax", "binomialRawSign"):
            loss, loss_name = _gb_losses.BinomialDeviance(n_classes), "log_loss"
        elif loss_kind == "exponential":
            loss, loss_name = _gb_losses.ExponentialLoss(n_classes), "exponential"
        else:
            raise _format_error(f"{name}: loss '{loss_kind}' is not a classifier loss")
    else:
        if loss_kind != "identity":
            raise _format_error(f"{name}: loss '{loss_kind}' is not a regressor loss")
        # absolute_error, huber and quantile predict alike; the name is not kept.
        loss, loss_name = _gb_losses.LeastSquaresError(), "squared_error"
    if k != loss.K:
        raise _format_error(f"{name}: {k} trees per stage, the loss needs {loss.K}")

    fb = _nested_trees(body.get("forest", {}), f"{name}.forest")
    _, fn, fo, fc = _tree_model(fb, "regressor")
    if fn != n_features or fo != 1:
        raise _format_error(f"{name}.forest: expected one-output trees over {n_features} features")
    trees = fb["trees"]
    if len(trees) % k:
        raise _format_error(f"{name}.forest: {len(trees)} trees do not make stages of {k}")
    n_stages = len(trees) // k
    stages = np.empty((n_stages, k), dtype=object)
    for i, t in enumerate(trees):
        stages[i // k, i % k] = _fitted_tree(DecisionTreeRegressor, _sk_tree(ctx, t, n_features, 1, [1]),
                                             n_features, 1)

    init = body.get("init")
    if init == "zero":
        init_est, init_param = "zero", "zero"
    elif init == "dummy":
        init_est = _dummy_model(ctx, body.get("initDummy", {}))
        init_param = None
    elif init == "raw":
        raw = ctx.need(body.get("initRaw", NO_TENSOR), f"{name}.initRaw", np.float64)
        if classifier:
            raise _unsupported(f"{name}: init_ from scikit-learn < 0.21 (a raw score per class) cannot be "
                               "expressed with scikit-learn 1.2.1's classifier losses")
        init_est = DummyRegressor(strategy="constant", constant=raw.copy())
        init_est.constant_ = raw.reshape(1, -1)
        init_est.n_outputs_ = raw.size
        init_param = None
    else:
        raise _format_error(f"{name}: init '{init}' is not known")

    est = cls(loss=loss_name, learning_rate=number(body.get("learningRate", 0.1)), n_estimators=n_stages,
              init=init_param)
    est.estimators_ = stages
    est.init_ = init_est
    est._loss = loss
    est.n_estimators_ = n_stages
    est.n_features_in_ = n_features
    est.max_features_ = n_features  # lost; only steers fitting
    est.train_score_ = np.full(n_stages, np.nan)  # lost
    if classifier:
        est.classes_ = classes
        est.n_classes_ = len(classes)
        est._n_classes = len(classes)
    return est


# ---- HistGradientBoosting ---------------------------------------------------------

def _hist_predictor(ctx, t, n_features):
    from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE
    from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor
    value = ctx.need(t["value"], "hist tree value", np.float64)
    n = value.shape[0]
    cols = {}
    for key in ("feature", "threshold", "missingGoToLeft", "left", "right", "isCategorical", "bitsetIdx"):
        cols[key] = ctx.tensor(t.get(key, NO_TENSOR))
        if cols[key] is not None and cols[key].shape != (n,):
            raise _format_error(f"hist tree {key}: wrong length")
    for key in ("feature", "threshold", "left", "right"):
        if cols[key] is None:
            raise _format_error(f"hist tree {key}: a tensor is required")
    if cols["missingGoToLeft"] is None:
        raise _unsupported("HistGradientBoosting trees without missing_go_to_left (scikit-learn < 0.22 refused "
                           "NaN; 1.2.1 would route it) cannot be rebuilt exactly")
    left = cols["left"].astype(np.int64)
    right = cols["right"].astype(np.int64)
    leaf = left < 0
    nodes = np.zeros(n, dtype=PREDICTOR_RECORD_DTYPE)
    nodes["value"] = value
    nodes["is_leaf"] = leaf
    nodes["feature_idx"] = np.where(leaf, 0, cols["feature"])
    nodes["num_threshold"] = np.where(leaf, 0.0, cols["threshold"])
    nodes["missing_go_to_left"] = np.where(leaf, 0, cols["missingGoToLeft"])
    nodes["left"] = np.where(leaf, 0, left)
    nodes["right"] = np.where(leaf, 0, right)
    depth = np.zeros(n, dtype=np.int64)
    for i in range(n):
        if not leaf[i]:
            if not (i < left[i] < n and i < right[i] < n):
                raise _format_error(f"hist tree node {i}: child out of order")
            depth[left[i]] = depth[right[i]] = depth[i] + 1
    nodes["depth"] = depth
    bitsets = ctx.tensor(t.get("leftCatBitsets", NO_TENSOR))
    if bitsets is None:
        bitsets = np.zeros((0, 8), dtype=np.uint32)
    bitsets = np.ascontiguousarray(bitsets.astype(np.uint32).reshape(-1, 8))
    if cols["isCategorical"] is not None:
        is_cat = cols["isCategorical"].astype(bool) & ~leaf
        nodes["is_categorical"] = is_cat
        bidx = cols["bitsetIdx"]
        if bidx is not None:
            bidx = np.where(is_cat, bidx, 0)
            if is_cat.any() and (bidx[is_cat].min() < 0 or bidx[is_cat].max() >= bitsets.shape[0]):
                raise _format_error("hist tree bitsetIdx out of range")
            nodes["bitset_idx"] = bidx
        elif is_cat.any():
            raise _format_error("hist tree: categorical nodes without bitsetIdx")
    if int(nodes["feature_idx"].max(initial=0)) >= n_features:
        raise _format_error("hist tree feature out of range")
    # binned_left_cat_bitsets serve fitting only (binned X); the raw ones predict.
    return TreePredictor(nodes, np.zeros_like(bitsets), bitsets)


@builder("histGradientBoosting")
def _hist_gradient_boosting(ctx, body):
    from sklearn._loss.loss import HalfBinomialLoss, HalfMultinomialLoss, HalfPoissonLoss, HalfSquaredError
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
    cls, name, classifier, classes, n_features, k, loss_kind = _boosting_head(
        ctx, body, "histGradientBoosting", {"HistGradientBoostingClassifier": HistGradientBoostingClassifier,
                                            "HistGradientBoostingRegressor": HistGradientBoostingRegressor},
        "treesPerIteration")
    if classifier:
        if loss_kind not in ("binomialProbaArgmax", "softmaxProbaArgmax", "multinomialLse"):
            raise _format_error(f"{name}: loss '{loss_kind}' is not a classifier loss")
        loss = HalfBinomialLoss() if k == 1 else HalfMultinomialLoss(n_classes=k)
        loss_name = "log_loss"
        if (k == 1 and len(classes) != 2) or (k > 1 and len(classes) != k):
            raise _format_error(f"{name}: {k} trees per iteration for {len(classes)} classes")
    elif loss_kind == "identity":
        # squared_error, absolute_error and quantile predict alike; the name is not kept.
        loss, loss_name = HalfSquaredError(), "squared_error"
    elif loss_kind == "log":
        # poisson and gamma both predict exp(raw); the name is not kept.
        loss, loss_name = HalfPoissonLoss(), "poisson"
    else:
        raise _format_error(f"{name}: loss '{loss_kind}' is not a regressor loss")
    if k < 1 or (not classifier and k != 1):
        raise _format_error(f"{name}: {k} trees per iteration")
    baseline = ctx.need(body.get("baseline", NO_TENSOR), f"{name}.baseline", np.float64)
    if baseline.size != k:
        raise _format_error(f"{name}: baseline has {baseline.size} values for {k} trees per iteration")

    is_cat = ctx.tensor(body.get("isCategorical", NO_TENSOR))
    bin_thresholds = [np.zeros(0) for _ in range(n_features)]  # numeric thresholds: not kept (fit only)
    if is_cat is None:
        is_cat = np.zeros(n_features, dtype=np.uint8)
    else:
        is_cat = is_cat.astype(np.uint8)
        known = ctx.need(body.get("knownCatBitsets", NO_TENSOR), f"{name}.knownCatBitsets", np.uint32)
        cat_features = np.flatnonzero(is_cat)
        if is_cat.shape != (n_features,) or known.shape != (len(cat_features), 8):
            raise _format_error(f"{name}: isCategorical and knownCatBitsets disagree")
        for row, f in enumerate(cat_features):
            bits = known[row]
            bin_thresholds[f] = np.array([c for c in range(256) if (int(bits[c // 32]) >> (c % 32)) & 1],
                                         dtype=np.float64)
    mapper = _BinMapper()
    mapper.is_categorical_ = is_cat
    mapper.bin_thresholds_ = bin_thresholds
    mapper.n_bins_non_missing_ = np.array([len(b) for b in bin_thresholds], dtype=np.uint32)
    mapper.missing_values_bin_idx_ = mapper.n_bins - 1

    trees = body.get("trees", [])
    if len(trees) % k:
        raise _format_error(f"{name}: {len(trees)} trees do not make iterations of {k}")
    predictors = [[_hist_predictor(ctx, trees[i + j], n_features) for j in range(k)]
                  for i in range(0, len(trees), k)]
    cat_param = list(np.flatnonzero(is_cat)) if is_cat.any() else None
    est = cls(loss=loss_name, max_iter=max(1, len(predictors)), categorical_features=cat_param)
    est._predictors = predictors
    est._baseline_prediction = baseline.reshape(1, k)
    est._loss = loss
    est._bin_mapper = mapper
    est.n_trees_per_iteration_ = k
    est._n_features = n_features
    est.n_features_in_ = n_features
    est.is_categorical_ = is_cat.astype(bool) if is_cat.any() else None
    est.do_early_stopping_ = False
    est.train_score_ = np.zeros(0)
    est.validation_score_ = np.zeros(0)
    if classifier:
        est.classes_ = classes
    return est


# ---- IsolationForest --------------------------------------------------------------

@builder("isolationForest")
def _isolation_forest(ctx, body):
    from sklearn.ensemble import IsolationForest
    from sklearn.tree import ExtraTreeRegressor
    name = body.get("className", "")
    if name != "IsolationForest":
        raise _unsupported(f"isolationForest: class '{name}' cannot be rebuilt as a scikit-learn object")
    n_features = int(body.get("nFeatures", 0))
    max_features = int(body.get("maxFeatures", 0))
    max_samples = integer(body.get("maxSamples", 0))
    fb = _nested_trees(body.get("forest", {}), "IsolationForest.forest")
    _, fn, fo, _ = _tree_model(fb, "regressor")
    trees = fb["trees"]
    samples = body.get("nodeSamples", [])
    features = ctx.need(body.get("features", NO_TENSOR), "IsolationForest.features", np.int64)
    if fn != max_features or fo != 1 or len(samples) != len(trees) or features.shape != (len(trees), max_features):
        raise _format_error("IsolationForest: forest, nodeSamples and features disagree")
    if features.size and (features.min() < 0 or features.max() >= n_features):
        raise _format_error("IsolationForest: feature index out of range")
    members = []
    for t, s in zip(trees, samples):
        ns = ctx.need(s, "IsolationForest.nodeSamples", np.int64)
        members.append(_fitted_tree(ExtraTreeRegressor, _sk_tree(ctx, t, max_features, 1, [1], ns), max_features, 1))
    est = IsolationForest(n_estimators=len(members), max_samples=max_samples,
                          max_features=max_features if max_features != n_features else 1.0)
    est.estimators_ = members
    est.estimators_features_ = [np.array(f) for f in features]
    est._estimator = ExtraTreeRegressor()
    est._max_features = max_features
    est.max_samples_ = max_samples
    est._max_samples = max_samples
    est.offset_ = number(body.get("offset", 0.0))
    est.n_features_in_ = n_features
    return est


# ---- AdaBoost ---------------------------------------------------------------------

@builder("adaBoost")
def _ada_boost(ctx, body):
    from sklearn.ensemble import AdaBoostClassifier, AdaBoostRegressor
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    name = body.get("className", "")
    algorithm = body.get("algorithm")
    n_features = int(body.get("nFeatures", 0))
    weights = ctx.need(body.get("estimatorWeights", NO_TENSOR), f"{name}.estimatorWeights", np.float64)
    fb = _nested_trees(body.get("forest", {}), f"{name}.forest")
    if name == "AdaBoostClassifier":
        sk_algorithm = {"samme": "SAMME", "sammeR": "SAMME.R"}.get(algorithm)
        if sk_algorithm is None:
            raise _format_error(f"{name}: algorithm '{algorithm}' is not a classifier algorithm")
        classes = ctx.labels(body.get("classes", {}))
        _, fn, fo, fc = _tree_model(fb, "classifier")
        member_classes = _classes_list(ctx, fb, fc)
        if classes is None or fo != 1 or fn != n_features or len(member_classes[0]) != len(classes) or \
                np.any(member_classes[0] != classes):
            raise _format_error(f"{name}: the trees' classes differ from classes_")
        # Members may have been ExtraTreeClassifier: the file keeps no member
        # class; a DecisionTreeClassifier predicts the same from the same tree.
        members = [_fitted_tree(DecisionTreeClassifier, _sk_tree(ctx, t, n_features, 1, fc), n_features, 1,
                                [classes], fc) for t in fb["trees"]]
        est = AdaBoostClassifier(n_estimators=len(weights), algorithm=sk_algorithm)
        est._estimator = DecisionTreeClassifier(max_depth=1)
        est.classes_ = classes
        est.n_classes_ = len(classes)
    elif name == "AdaBoostRegressor":
        if algorithm != "regressor":
            raise _format_error(f"{name}: algorithm '{algorithm}'")
        _, fn, fo, _ = _tree_model(fb, "regressor")
        if fo != 1 or fn != n_features:
            raise _format_error(f"{name}: the trees do not match the estimator")
        members = [_fitted_tree(DecisionTreeRegressor, _sk_tree(ctx, t, n_features, 1, [1]), n_features, 1)
                   for t in fb["trees"]]
        est = AdaBoostRegressor(n_estimators=len(weights))
        est._estimator = DecisionTreeRegressor(max_depth=3)
    else:
        raise _unsupported(f"adaBoost: class '{name}' cannot be rebuilt as a scikit-learn object")
    if len(weights) < len(members):
        raise _format_error(f"{name}: fewer estimator weights than trees")
    est.estimators_ = members
    est.estimator_weights_ = weights
    est.estimator_errors_ = np.full(len(weights), np.nan)  # lost; fitting only
    est.n_features_in_ = n_features
    return est
