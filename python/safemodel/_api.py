"""dump, load, inspect, scan and convert: the package's public calls."""
import json
import os
import pickle
import tempfile
import warnings

from . import _core
from . import _rebuild
from ._walk import describe_unpicklable, explain_refusal


def _as_list(keys):
    if keys is None:
        return []
    if isinstance(keys, (str, os.PathLike)):
        return [os.fspath(keys)]
    return [os.fspath(k) for k in keys]


def _temp_next_to(path):
    """A fresh temporary file name in the folder of `path` (same file system,
    so the final rename is atomic)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    os.close(fd)
    return tmp


def write_signed(path, write, secret_key, password, comment):
    """write(tmp) makes the file under a temporary name next to `path`; it is
    signed there when `secret_key` is given and renamed over `path` only when
    all of that worked. On any failure the temporary file is removed and
    `path` is left as it was."""
    if secret_key is None and (password is not None or comment is not None):
        raise _core.InvalidArgumentError("password= and comment= need secret_key=")
    tmp = _temp_next_to(path)
    try:
        write(tmp)
        if secret_key is not None:
            _core.sign(tmp, os.fspath(secret_key), password, comment or "")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _convert_and_sign(src, path, secret_key, password, comment, metadata):
    write_signed(path, lambda tmp: _core.convert(src, tmp, metadata), secret_key, password, comment)


def dump(estimator, path, *, secret_key=None, password=None, comment=None, metadata=None):
    """Writes a fitted scikit-learn estimator (or a dict/list/tuple of them) to
    `path` as .smdl; signed with `secret_key` (a minisign secret key file, or
    its text) when given, `password` if the key is encrypted, `comment` as the
    signature's trusted comment. `metadata`: a dict of descriptive fields
    (name, description, license, library_versions, extra).

    Raises UnsupportedError naming the class and attribute when something in
    the estimator cannot be represented. Nothing is written on failure.

    How: the estimator is pickled in memory and that stream is read by the
    same sandboxed, non-executing converter as `safemodel convert` (the
    stream is never unpickled), so what dump accepts is exactly what the
    converter accepts; the result is re-read by the full validator before it
    is renamed into place.
    """
    path = os.fspath(path)
    try:
        data = pickle.dumps(estimator, protocol=5)
    except Exception as e:  # noqa: BLE001 - any pickling failure is "cannot be represented"
        where = describe_unpicklable(estimator)
        raise _core.UnsupportedError(
            f"{where}: cannot be stored ({type(e).__name__}: {e}); safemodel stores fitted "
            "scikit-learn estimators and plain data only") from None
    with tempfile.TemporaryDirectory(prefix="safemodel-dump-") as d:
        src = os.path.join(d, "estimator.pkl")
        with open(src, "wb") as f:
            f.write(data)
        del data
        try:
            _convert_and_sign(src, path, secret_key, password, comment, metadata)
        except (_core.UnsupportedError, _core.FormatError) as e:
            detail = explain_refusal(estimator, _core.scan(src))
            if detail:
                raise _core.UnsupportedError(f"{detail} ({e})") from None
            raise


def convert(src, dst, *, secret_key=None, password=None, comment=None, metadata=None):
    """Converts a pickle or joblib file to .smdl without running it (the
    sandboxed converter of `safemodel convert`), signing it when `secret_key`
    is given. Nothing is written on failure."""
    _convert_and_sign(os.fspath(src), os.fspath(dst), secret_key, password, comment, metadata)


def open_verified(path, caller, trusted_keys, trust_store, require, allow_unsigned):
    """The C++ Model, opened under the caller's trust policy (warning when
    unsigned files are allowed)."""
    path = os.fspath(path)
    if allow_unsigned:
        warnings.warn(f"{caller}({path!r}, allow_unsigned=True): the file's signatures are not "
                      "required; its structure and values are still checked", stacklevel=3)
    return _core.open_model(path, _as_list(trusted_keys),
                            None if trust_store is None else os.fspath(trust_store),
                            int(require), bool(allow_unsigned))


def load(path, *, trusted_keys=None, trust_store=None, require=1, allow_unsigned=False):
    """Reads a .smdl file and returns the scikit-learn estimator (or the
    dict/list/tuple of them) it holds.

    Order: the signatures are checked over the copied header bytes before the
    header is parsed; then the header's structure and every value, and every
    tensor's hash. Only then are scikit-learn objects built, from the checked
    arrays, and only of classes in safemodel's closed list.

    trusted_keys: public keys (file names, or minisign's base64 line);
    trust_store: a trust-store folder or file (docs/SIGNING.md); require: how
    many distinct trusted signers are needed. An unsigned or untrusted file
    raises TrustError unless allow_unsigned=True, which warns."""
    model = open_verified(path, "safemodel.load", trusted_keys, trust_store, require, allow_unsigned)
    if model.kind == "weights":
        raise _core.UnsupportedError(f"{path}: holds weights, not an estimator: use safemodel.weights.load")
    header = json.loads(model.header_json())
    arrays = [a for _, a in model.tensors()]
    return _rebuild.build_root(header, arrays)


def inspect(path):
    """What a .smdl file holds, without trusting it: metadata, signatures
    (unchecked), tensors and the estimator's summary. Structure and hashes are
    checked; signatures are not: never decide anything on this."""
    model = _core.inspect_model(os.fspath(path))
    out = {
        "kind": model.kind,
        "format_version": model.format_version,
        "file_size": model.file_size,
        "metadata": model.metadata,
        "signatures": model.signatures,
        "tensors": [{"name": n, "dtype": str(a.dtype), "shape": list(a.shape)} for n, a in model.tensors()],
    }
    if model.kind == "weights":
        out["framework"] = model.weights_framework
    elif model.kind == "bundle":
        out["members"] = {m: {"class": model.estimator_class(m), "summary": model.estimator_summary(m)}
                          for m in model.members()}
    else:
        out["class"] = model.estimator_class()
        out["summary"] = model.estimator_summary()
    return out


def scan(path):
    """Lists the globals a pickle or joblib file names, and which of them
    safemodel's converter allows, without running the file (in the sandbox).
    Returns {"container", "globals": [{offset, opcode, module, name, allowed,
    reason}], "disallowed_total", "error", "safe"}."""
    return _core.scan(os.fspath(path))
