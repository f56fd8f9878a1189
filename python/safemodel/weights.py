"""The model-weights case: a dict of numpy arrays in a .smdl file.

    safemodel.weights.save({"fc.weight": w, "fc.bias": b}, "w.smdl", secret_key="me.key")
    arrays = safemodel.weights.load("w.smdl", trusted_keys=["me.pub"])

load returns read-only arrays that view the file's memory mapping (no copy);
each array keeps the mapping alive. bf16 tensors come back as uint16 arrays of
their bit patterns (numpy has no bfloat16).
"""
import os
import warnings

import numpy as np

from . import _core
from ._api import _as_list, _temp_next_to


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
    path = os.fspath(path)
    tmp = _temp_next_to(path)
    try:
        _core.write_weights(tmp, items, metadata)
        if secret_key is not None:
            _core.sign(tmp, os.fspath(secret_key), password, comment or "")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def load(path, *, trusted_keys=None, trust_store=None, require=1, allow_unsigned=False):
    """Reads a weights file: {name: read-only numpy array}, verified first
    (same trust arguments as safemodel.load)."""
    path = os.fspath(path)
    if allow_unsigned:
        warnings.warn(f"safemodel.weights.load({path!r}, allow_unsigned=True): the file's signatures are "
                      "not required", stacklevel=2)
    model = _core.open_model(path, _as_list(trusted_keys),
                             None if trust_store is None else os.fspath(trust_store),
                             int(require), bool(allow_unsigned))
    if model.kind != "weights":
        raise _core.UnsupportedError(f"{path}: holds an estimator, not weights: use safemodel.load")
    return dict(model.tensors())
