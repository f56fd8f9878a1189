"""safemodel: share scikit-learn models without sharing the power to run code.

    import safemodel
    safemodel.dump(model, "model.smdl", secret_key="me.key")       # instead of joblib.dump
    model = safemodel.load("model.smdl", trusted_keys=["me.pub"])  # instead of joblib.load

`dump` writes a schema-checked .smdl file (signed when a key is given). `load`
checks the signatures first, then the header, every value and every tensor
hash, and only then builds a real scikit-learn estimator from the checked
arrays. Only classes of a closed list are ever instantiated and nothing is
imported by a name read from a file.
"""
from ._core import (  # noqa: F401
    FormatError,
    InvalidArgumentError,
    LimitError,
    SafemodelError,
    TrustError,
    UnsupportedError,
)
from ._core import IOError as SafemodelIOError  # noqa: F401
from ._core import version as _native_version
from ._api import convert, dump, inspect, load, scan  # noqa: F401
from . import weights  # noqa: F401

__version__ = _native_version()
__all__ = [
    "dump", "load", "inspect", "scan", "convert", "weights",
    "SafemodelError", "TrustError", "FormatError", "UnsupportedError", "LimitError",
    "InvalidArgumentError", "SafemodelIOError",
]
