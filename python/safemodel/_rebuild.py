"""Building scikit-learn objects from a checked .smdl header.

The header arrives as the JSON text of the Cap'n Proto message (field names
as in schema/safemodel.capnp) and the tensors as numpy arrays, after the C++
reader has checked signatures, structure, every value and every hash. Each
union member of `Estimator` has one builder here (registered by the _rb_*
modules); a builder instantiates only classes it names itself, never a class
named by the file. A member without a builder raises UnsupportedError.
"""
import math

import numpy as np

from . import _core

NO_TENSOR = 0xFFFFFFFF
_BUILDERS = {}


def builder(member):
    """Registers fn(ctx, body) -> estimator for the union member `member`."""
    def register(fn):
        _BUILDERS[member] = fn
        return fn
    return register


def number(v):
    """A float field: JSON gives NaN and infinities as strings."""
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, None) if v in (
            "NaN", "Infinity", "-Infinity") else float(v)
    return float(v)


def set_n_features(est, n):
    """n_features_in_, where the file knows it (0: scikit-learn < 0.24 kept none)."""
    if int(n) > 0:
        est.n_features_in_ = int(n)


def integer(v):
    """An integer field: JSON gives 64-bit integers as strings."""
    return int(v)


class Context:
    def __init__(self, arrays):
        self._arrays = arrays

    def tensor(self, index, dtype=None):
        """A writable copy of tensor `index` (None for noTensor): scikit-learn
        objects own their arrays, and the file's mapping may go away."""
        index = int(index)
        if index == NO_TENSOR:
            return None
        a = np.array(self._arrays[index], copy=True)
        return a if dtype is None else a.astype(dtype, copy=False)

    def need(self, index, what, dtype=None):
        """tensor(), where the field may not be noTensor: FormatError naming `what`."""
        a = self.tensor(index, dtype)
        if a is None:
            raise _core.FormatError(f"{what}: a tensor is required")
        return a

    def labels(self, labels):
        """classes_ from a Labels union, or None for `none`."""
        if "int64" in labels:
            return self.tensor(labels["int64"])
        if "float64" in labels:
            return self.tensor(labels["float64"])
        if "strings" in labels:
            return np.array(labels["strings"], dtype=object)
        return None

    def estimator(self, est):
        return build_estimator(self, est)


def union_member(est):
    keys = [k for k in est if k != "featureNames"]
    if len(keys) != 1:
        raise _core.FormatError(f"estimator: expected one union member, found {keys}")
    return keys[0], est[keys[0]]


def build_estimator(ctx, est):
    member, body = union_member(est)
    fn = _BUILDERS.get(member)
    if fn is None:
        raise _core.UnsupportedError(
            f"estimator '{member}': safemodel.load cannot build this family as a scikit-learn object yet "
            "(the C++ API and `safemodel predict` can run it)")
    obj = fn(ctx, body)
    names = est.get("featureNames") or []
    # A Pipeline's feature_names_in_ is a property (its first step's): set
    # only where it is a plain attribute.
    if names and not isinstance(getattr(type(obj), "feature_names_in_", None), property):
        obj.feature_names_in_ = np.array(names, dtype=object)
    return obj


def _bundle(ctx, body):
    values = []
    for m in body.get("members", []):
        if "estimator" in m:
            v = ctx.estimator(m["estimator"])
        elif "none" in m:
            v = None
        elif "bool" in m:
            v = bool(m["bool"])
        elif "int" in m:
            v = integer(m["int"])
        elif "float" in m:
            v = number(m["float"])
        else:
            v = m.get("text", "")
        values.append((m.get("name", ""), v))
    container = body.get("container", "dict")
    if container == "dict":
        return {k: v for k, v in values}
    items = [v for _, v in values]
    return tuple(items) if container == "tuple" else items


def build_root(header, arrays):
    ctx = Context(arrays)
    est = header["estimator"]
    member, body = union_member(est)
    if member == "bundle":
        return _bundle(ctx, body)
    return build_estimator(ctx, est)


# The family modules register their builders on import.
from . import _rb_core  # noqa: E402,F401
from . import _rb_basic  # noqa: E402,F401
from . import _rb_meta  # noqa: E402,F401
from . import _rb_features  # noqa: E402,F401
from . import _rb_trees  # noqa: E402,F401
from . import _rb_models  # noqa: E402,F401
