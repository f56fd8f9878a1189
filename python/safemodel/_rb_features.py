"""Builders: encoders, column transformers, text features and the remaining
numeric preprocessing (scikit-learn 1.2.1 attribute layouts).

Each builder inverts what lib/src/mapping/{encoders,text,preprocessing}.cc
read from the pickled estimator. Settings the file does not keep because
they do not change the numbers (sparse vs dense output, output dtype,
fit-only parameters such as min_frequency, max_df or strategy) take the
values documented next to each builder; outputs that scikit-learn can return
sparse are built dense (the same numbers, and accepted by every downstream
step).
"""
import math

import numpy as np

from . import _core
from ._rebuild import NO_TENSOR, builder, integer, number


def _tensor_index(body, key):
    return int(body.get(key, NO_TENSOR))


def _int_or_nan(v):
    """unknown_value / encoded_missing_value: an integer, or nan."""
    x = number(v)
    if math.isnan(x):
        return np.nan
    if x != math.floor(x) or math.isinf(x):
        raise _core.FormatError(f"expected an integer or nan, got {x!r}")
    return int(x)


# ---- categorical encoders -----------------------------------------------------

def _categories(ctx, feature):
    """One categories_ entry: float64 numbers, or an object array of strings
    followed by None and then nan (as scikit-learn's _unique leaves them)."""
    idx = _tensor_index(feature, "numbers")
    if idx != NO_TENSOR:
        return ctx.tensor(idx, np.float64)
    values = list(feature.get("strings", []))
    if feature.get("hasNone", False):
        values.append(None)
    if feature.get("hasNan", False):
        values.append(np.nan)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _label_classes(ctx, feature):
    """classes_ of LabelEncoder / LabelBinarizer: a numpy string array for
    plain strings (what fitting on a list gives), else as _categories."""
    if _tensor_index(feature, "numbers") == NO_TENSOR and not feature.get("hasNone") and not feature.get("hasNan"):
        strings = list(feature.get("strings", []))
        return np.array(strings) if strings else np.array(strings, dtype=object)
    return _categories(ctx, feature)


_UNKNOWN = {"error": "error", "ignore": "ignore", "infrequentIfExist": "infrequent_if_exist",
            "useEncodedValue": "use_encoded_value"}


def _drop_param(drop, n_outs_no_drop, cats, infrequent):
    """The `drop` parameter matching drop_idx_ (only transform's warning and
    refitting read it): 'first', 'if_binary', or the dropped categories."""
    if all(d == -1 for d in drop):
        return None
    if all(d == 0 for d in drop):
        return "first"
    if all((d == 0) if n == 2 else (d == -1) for d, n in zip(drop, n_outs_no_drop)):
        return "if_binary"
    if all(d >= 0 and inf is None for d, inf in zip(drop, infrequent)):
        out = np.empty(len(drop), dtype=object)
        out[:] = [c[d] for c, d in zip(cats, drop)]
        return out
    return None


def _one_hot(ctx, body, cats):
    from sklearn.preprocessing import OneHotEncoder
    feats = body.get("features", [])
    drop = [int(f.get("drop", -1)) for f in feats]
    infrequent = []
    for f in feats:
        idx = _tensor_index(f, "infrequent")
        infrequent.append(None if idx == NO_TENSOR else ctx.tensor(idx, np.int64))
    n_outs_no_drop = [len(c) - (0 if inf is None else inf.size - 1) for c, inf in zip(cats, infrequent)]
    rule = _UNKNOWN.get(body.get("handleUnknown", "error"))
    if rule not in ("error", "ignore", "infrequent_if_exist"):
        raise _core.UnsupportedError(f"OneHotEncoder: handle_unknown {body.get('handleUnknown')!r}")
    # sparse_output and dtype are not in the file: dense float64.
    enc = OneHotEncoder(handle_unknown=rule, sparse_output=False,
                        drop=_drop_param(drop, n_outs_no_drop, cats, infrequent))
    enc.categories_ = cats
    enc.n_features_in_ = len(cats)
    # min_frequency / max_categories are not kept; the grouping they made is.
    enc._infrequent_enabled = any(inf is not None for inf in infrequent)
    if enc._infrequent_enabled:
        enc._infrequent_indices = infrequent
        mappings = []
        for c, inf in zip(cats, infrequent):
            if inf is None:
                mappings.append(None)
                continue
            n_cats = len(c)
            mapping = np.empty(n_cats, dtype=np.int64)
            n_frequent = n_cats - inf.size
            mapping[inf] = n_frequent
            frequent = np.setdiff1d(np.arange(n_cats), inf)
            mapping[frequent] = np.arange(n_frequent)
            mappings.append(mapping)
        enc._default_to_infrequent_mappings = mappings
    if all(d == -1 for d in drop):
        enc.drop_idx_ = None
    else:
        d = np.empty(len(drop), dtype=object)
        d[:] = [None if x == -1 else x for x in drop]
        enc.drop_idx_ = d
    enc._n_features_outs = enc._compute_n_features_outs()
    return enc


def _ordinal(ctx, body, cats):
    from sklearn.preprocessing import OrdinalEncoder
    rule = _UNKNOWN.get(body.get("handleUnknown", "error"))
    if rule not in ("error", "use_encoded_value"):
        raise _core.UnsupportedError(f"OrdinalEncoder: handle_unknown {body.get('handleUnknown')!r}")
    unknown = _int_or_nan(body.get("unknownValue", "NaN")) if rule == "use_encoded_value" else None
    missing = _int_or_nan(body.get("encodedMissingValue", "NaN"))
    # dtype is not in the file: float64 (the default).
    enc = OrdinalEncoder(handle_unknown=rule, unknown_value=unknown, encoded_missing_value=missing)
    enc.categories_ = cats
    enc.n_features_in_ = len(cats)
    enc._missing_indices = {}
    for i, c in enumerate(cats):
        for j, v in enumerate(c):
            if isinstance(v, float) and math.isnan(v):
                enc._missing_indices[i] = j
    return enc


_Y_TYPES = {"binary": "binary", "multiclass": "multiclass", "multilabelIndicator": "multilabel-indicator"}


@builder("categoricalEncoder")
def _categorical_encoder(ctx, body):
    kind = body.get("kind", "oneHot")
    feats = body.get("features", [])
    if kind == "label":
        from sklearn.preprocessing import LabelEncoder
        if len(feats) != 1:
            raise _core.FormatError("LabelEncoder: expected one feature")
        enc = LabelEncoder()
        enc.classes_ = _label_classes(ctx, feats[0])
        return enc
    if kind == "labelBinarizer":
        from sklearn.preprocessing import LabelBinarizer
        if len(feats) != 1:
            raise _core.FormatError("LabelBinarizer: expected one feature")
        y_type = _Y_TYPES.get(body.get("yType", "binary"))
        if y_type is None:
            raise _core.UnsupportedError(f"LabelBinarizer: y_type {body.get('yType')!r}")
        classes = _label_classes(ctx, feats[0])
        if y_type == "multilabel-indicator":
            # fit on an indicator matrix: classes_ = arange(k)
            classes = classes.astype(np.int64)
        # sparse_output is not in the file: dense.
        enc = LabelBinarizer(neg_label=integer(body.get("negLabel", 0)), pos_label=integer(body.get("posLabel", 1)),
                             sparse_output=False)
        enc.classes_ = classes
        enc.y_type_ = y_type
        enc.sparse_input_ = False
        return enc
    cats = [_categories(ctx, f) for f in feats]
    if kind == "oneHot":
        return _one_hot(ctx, body, cats)
    if kind == "ordinal":
        return _ordinal(ctx, body, cats)
    raise _core.UnsupportedError(f"categoricalEncoder: kind '{kind}' cannot be built")


# ---- ColumnTransformer, FeatureUnion ---------------------------------------------

def _reads_documents(est):
    """A transformer that takes one 1-d column of documents (a text
    vectorizer, or a pipeline starting with one): scikit-learn only works
    when its ColumnTransformer selection is a scalar column."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.pipeline import Pipeline
    while isinstance(est, Pipeline) and est.steps:
        est = est.steps[0][1]
    return isinstance(est, CountVectorizer)  # TfidfVectorizer is a CountVectorizer


def _passthrough_for(n_columns):
    """The fitted identity ColumnTransformer.fit keeps for 'passthrough'
    (validate=False: transform checks neither width nor names)."""
    from sklearn.preprocessing import FunctionTransformer
    ft = FunctionTransformer(accept_sparse=True, check_inverse=False, feature_names_out="one-to-one")
    ft.n_features_in_ = n_columns
    return ft


@builder("columnTransformer")
def _column_transformer(ctx, body):
    parts = body.get("parts", [])
    weights = {}
    built = []
    for p in parts:
        name = p.get("name", "")
        est = ctx.estimator(p["estimator"])
        w = number(p.get("weight", 1.0))
        if w != 1.0:
            weights[name] = w
        built.append((name, est, p))
    if body.get("isUnion", False):
        from sklearn.pipeline import FeatureUnion
        return FeatureUnion([(n, e) for n, e, _ in built], transformer_weights=weights or None)

    from sklearn.compose import ColumnTransformer
    n_features = int(body.get("nFeatures", 0))
    remainder = int(body.get("remainder", -1))
    transformers, columns, fitted = [], [], []
    passthrough = {}
    rem = None
    for i, (name, est, p) in enumerate(built):
        cols = ctx.tensor(_tensor_index(p, "columns"))
        if cols is None:
            raise _core.FormatError(f"ColumnTransformer part '{name}': no columns")
        cols = [int(c) for c in cols]
        sel = cols[0] if len(cols) == 1 and _reads_documents(est) else cols
        if isinstance(est, str):
            if est != "passthrough":
                raise _core.UnsupportedError(f"ColumnTransformer part '{name}': {est!r}")
            passthrough[name] = len(cols)
        if i == remainder:
            rem = (name, est, sel)
        else:
            transformers.append((name, est, sel))
            columns.append(sel)
        fitted.append((name, est, sel))
    if rem is None:
        # A dropped remainder: its columns are not in the file (transform ignores them).
        rem_est, rem_cols = "drop", []
    else:
        rem_est, rem_cols = rem[1], rem[2]
    # sparse_threshold and the fitted sparse_output_ are not in the file: dense output.
    ct = ColumnTransformer(transformers, remainder=rem_est, transformer_weights=weights or None)
    ct.transformers_ = fitted
    ct._columns = columns
    ct._remainder = ("remainder", rem_est, rem_cols)
    ct._transformer_to_input_indices = {
        name: list(np.atleast_1d(sel).astype(int)) for name, _, sel in fitted}
    if rem is None:
        ct._transformer_to_input_indices["remainder"] = []
    ct.sparse_output_ = False
    ct._n_features = n_features
    ct.n_features_in_ = n_features
    ct._name_to_fitted_passthrough = {name: _passthrough_for(k) for name, k in passthrough.items()}
    indices = _output_indices(fitted, passthrough)
    if indices is not None:
        for name in [t[0] for t in transformers] + ["remainder"]:
            indices.setdefault(name, slice(0, 0))
        ct.output_indices_ = indices
    return ct


def _output_indices(fitted, passthrough):
    """output_indices_ from each part's output width (its
    get_feature_names_out); None when a part cannot tell its width."""
    out, start = {}, 0
    for name, est, sel in fitted:
        if name in passthrough:
            width = passthrough[name]
        else:
            try:
                width = len(est.get_feature_names_out())
            except Exception:  # noqa: BLE001 - a part without feature names out: leave the attribute out
                return None
        out[name] = slice(start, start + width)
        start += width
    return out


# ---- text features ----------------------------------------------------------------

_NORMS = {"none": None, "l1": "l1", "l2": "l2"}


def _tfidf_params(w):
    norm = w.get("norm", "l2")
    if norm not in _NORMS:
        raise _core.UnsupportedError(f"tf-idf norm {norm!r}")
    return dict(norm=_NORMS[norm], use_idf=bool(w.get("useIdf", True)), smooth_idf=bool(w.get("smoothIdf", True)),
                sublinear_tf=bool(w.get("sublinearTf", False)))


def _tfidf_transformer(ctx, w, n_features):
    from sklearn.feature_extraction.text import TfidfTransformer
    t = TfidfTransformer(**_tfidf_params(w))
    if t.use_idf:
        idf = ctx.tensor(_tensor_index(w, "idf"), np.float64)
        if idf is None:
            raise _core.FormatError("tf-idf: use_idf without idf")
        t.idf_ = idf  # the property builds _idf_diag
    if n_features:
        t.n_features_in_ = n_features
    return t


@builder("tfidfTransformer")
def _tfidf_transformer_builder(ctx, body):
    return _tfidf_transformer(ctx, body.get("weights", {}), int(body.get("nFeatures", 0)))


_STRIP = {"none": None, "ascii": "ascii", "unicode": "unicode"}


@builder("textVectorizer")
def _text_vectorizer(ctx, body):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
    strip = body.get("stripAccents", "none")
    if strip not in _STRIP:
        raise _core.UnsupportedError(f"strip_accents {strip!r}")
    stop = list(body.get("stopWords", []))
    if not stop:
        stop_words = None
    elif stop == sorted(ENGLISH_STOP_WORDS):
        stop_words = "english"
    else:
        stop_words = stop
    params = dict(lowercase=bool(body.get("lowercase", True)), strip_accents=_STRIP[strip],
                  ngram_range=(int(body.get("ngramMin", 1)), int(body.get("ngramMax", 1))),
                  binary=bool(body.get("binary", False)), stop_words=stop_words)
    terms = list(body.get("terms", []))
    if body.get("tfidf", False):
        w = body.get("weights", {})
        # dtype: only float64 is stored by the converter (the default).
        v = TfidfVectorizer(**params, **_tfidf_params(w))
        v._tfidf = _tfidf_transformer(ctx, w, len(terms))
    else:
        # dtype is not in the file (int32/int64/float32/float64 are accepted): int64, the default.
        v = CountVectorizer(**params)
    v.vocabulary_ = {t: j for j, t in enumerate(terms)}
    if len(v.vocabulary_) != len(terms):
        raise _core.FormatError("text vectorizer: repeated term")
    v.fixed_vocabulary_ = False
    return v


@builder("dictVectorizer")
def _dict_vectorizer(ctx, body):
    from sklearn.feature_extraction import DictVectorizer
    names = list(body.get("featureNames", []))
    # sparse is not in the file: dense (float64, the only dtype the converter takes).
    d = DictVectorizer(separator=body.get("separator", "="), sparse=False)
    d.feature_names_ = names
    d.vocabulary_ = {f: j for j, f in enumerate(names)}
    if len(d.vocabulary_) != len(names):
        raise _core.FormatError("DictVectorizer: repeated feature name")
    return d


# ---- numeric preprocessing ----------------------------------------------------------

_STRATEGIES = {"mean": "mean", "median": "median", "mostFrequent": "most_frequent", "constant": "constant"}


@builder("simpleImputer")
def _simple_imputer(ctx, body):
    from sklearn.impute import MissingIndicator, SimpleImputer
    strategy = _STRATEGIES.get(body.get("strategy", "mean"))
    if strategy is None:
        raise _core.UnsupportedError(f"SimpleImputer: strategy {body.get('strategy')!r}")
    missing = np.nan if body.get("missingIsNan", True) else number(body.get("missingValue", 0.0))
    stats = ctx.tensor(_tensor_index(body, "statistics"), np.float64)
    if stats is None:
        raise _core.FormatError("SimpleImputer: no statistics")
    n = int(body.get("nFeatures", 0)) or stats.shape[0]
    fill = None
    if strategy == "constant" and stats.size:
        fill = float(stats[0])  # statistics_ is fill_value repeated
    add_indicator = bool(body.get("addIndicator", False))
    imp = SimpleImputer(missing_values=missing, strategy=strategy, fill_value=fill, add_indicator=add_indicator,
                        keep_empty_features=bool(body.get("keepEmptyFeatures", False)))
    imp.statistics_ = stats
    imp.n_features_in_ = n
    # _fit_dtype: only its kind 'O' changes transform, and object data is refused by the converter.
    imp._fit_dtype = np.dtype(np.float64)
    if add_indicator:
        feats = ctx.tensor(_tensor_index(body, "indicatorFeatures"))
        if feats is None:
            raise _core.FormatError("SimpleImputer: add_indicator without indicator features")
        ind = MissingIndicator(missing_values=missing, error_on_new=False)
        ind.features_ = feats.astype(np.intp)
        ind._n_features = n
        ind._precomputed = True
        imp.indicator_ = ind
    else:
        imp.indicator_ = None
    return imp


@builder("polynomialFeatures")
def _polynomial_features(ctx, body):
    from sklearn.preprocessing import PolynomialFeatures
    n = int(body.get("nFeatures", 0))
    lo, hi = int(body.get("minDegree", 0)), int(body.get("maxDegree", 2))
    interaction, bias = bool(body.get("interactionOnly", False)), bool(body.get("includeBias", True))
    terms = ctx.tensor(_tensor_index(body, "terms"))
    pf = PolynomialFeatures(degree=hi if lo == 0 else (lo, hi), interaction_only=interaction, include_bias=bias)
    pf.n_features_in_ = n
    pf._min_degree, pf._max_degree = lo, hi
    # scikit-learn derives the terms from the settings; they must be the file's.
    combos = list(PolynomialFeatures._combinations(n_features=n, min_degree=lo, max_degree=hi,
                                                   interaction_only=interaction, include_bias=bias))
    if terms is None or terms.shape[0] != len(combos):
        raise _core.FormatError("PolynomialFeatures: terms do not match the degree settings")
    for row, c in zip(terms, combos):
        if [int(x) for x in row if x >= 0] != list(c):
            raise _core.FormatError("PolynomialFeatures: terms do not match the degree settings")
    pf.n_output_features_ = len(combos)
    pf._n_out_full = PolynomialFeatures._num_combinations(n_features=n, min_degree=0, max_degree=hi,
                                                          interaction_only=interaction, include_bias=bias)
    return pf


@builder("kBinsDiscretizer")
def _kbins_discretizer(ctx, body):
    from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder
    n_bins = ctx.tensor(_tensor_index(body, "nBins"))
    edges = ctx.tensor(_tensor_index(body, "binEdges"), np.float64)
    if n_bins is None or edges is None:
        raise _core.FormatError("KBinsDiscretizer: missing n_bins or bin_edges")
    n_bins = n_bins.astype(np.int64)
    if int(np.sum(n_bins + 1)) != edges.shape[0]:
        raise _core.FormatError("KBinsDiscretizer: bin_edges do not match n_bins")
    split = np.cumsum(n_bins + 1)[:-1]
    bin_edges = np.empty(len(n_bins), dtype=object)
    bin_edges[:] = np.split(edges, split)
    encode = body.get("encode", "ordinal")
    if encode == "ordinal":
        enc_name = "ordinal"
    elif encode == "oneHot":
        # 'onehot' (sparse) and 'onehot-dense' are one value in the file: dense.
        enc_name = "onehot-dense"
    else:
        raise _core.UnsupportedError(f"KBinsDiscretizer: encode {encode!r}")
    # dtype=None and dtype=np.float64 are one value in the file (they only differ in a
    # float32 input's output dtype, not in the bins): None.
    dtype = np.float32 if body.get("float32Input", False) else None
    kb = KBinsDiscretizer(n_bins=int(n_bins[0]) if np.all(n_bins == n_bins[0]) else n_bins.copy(),
                          encode=enc_name, dtype=dtype)
    kb.n_bins_ = n_bins
    kb.bin_edges_ = bin_edges
    kb.n_features_in_ = int(body.get("nFeatures", len(n_bins)))
    if enc_name != "ordinal":
        # as KBinsDiscretizer.fit builds it
        kb._encoder = OneHotEncoder(categories=[np.arange(i) for i in n_bins], sparse_output=False,
                                    dtype=np.float32 if dtype is np.float32 else np.float64)
        kb._encoder.fit(np.zeros((1, len(n_bins))))
    return kb
