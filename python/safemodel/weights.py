"""The model-weights case: a dict of numpy arrays in a .smdl file.

    safemodel.weights.save({"fc.weight": w, "fc.bias": b}, "w.smdl", secret_key="me.key")
    arrays = safemodel.weights.load("w.smdl", trusted_keys=["me.pub"])

load returns read-only arrays that view the file's memory mapping (no copy);
each array keeps the mapping alive. bf16 tensors come back as uint16 arrays of
their bit patterns (numpy has no bfloat16).
"""
import os

import numpy as np

from . import _core
from ._api import open_verified, write_signed


def save(arrays, path, *, secret_key=None, password=None, comment=None, metadata=None):
    """Writes a dict {name: numpy array} to `path`, in the dict's order,
    signed when `secret_key` is given. Nothing is written on failure."""
    if not isinstance(arrays, dict):
        raise _core.InvalidArgumentError("safemodel.weights.save: arrays must be a dict of name -> numpy array")
    items = []
    for name, a in arrays.items():
        if not isinstance(name, str):
            raise _core.InvalidArgumentError(f"safemodel.weights.save: key {name!r} is not a str")
        arr = np.asarray(a)
        if arr.dtype.kind not in "biuf" or arr.dtype.byteorder == ">":
            raise _core.InvalidArgumentError(
                f"weights[{name!r}]: dtype {arr.dtype} cannot be stored (bool, int, uint and float only)")
        items.append((name, np.ascontiguousarray(arr)))
    write_signed(os.fspath(path), lambda tmp: _core.write_weights(tmp, items, metadata),
                 secret_key, password, comment)


def load(path, *, trusted_keys=None, trust_store=None, require=1, allow_unsigned=False):
    """Reads a weights file: {name: read-only numpy array}, verified first
    (same trust arguments as safemodel.load)."""
    model = open_verified(path, "safemodel.weights.load", trusted_keys, trust_store, require, allow_unsigned)
    if model.kind != "weights":
        raise _core.UnsupportedError(f"{path}: holds an estimator, not weights: use safemodel.load")
    return dict(model.tensors())
