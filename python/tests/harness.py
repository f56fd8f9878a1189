"""Shared helpers for the Python module's tests (run by ctest with
PYTHONPATH=<build>/python and Debian's /usr/bin/python3; scikit-learn is the
oracle)."""
import os
import subprocess
import tempfile
import unittest
import warnings

import numpy as np

import safemodel

# The methods compared after a round trip, where the original has them.
METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function", "transform",
           "score_samples")

CLI = os.environ.get("SAFEMODEL_CLI", "")


def roundtrip(est, folder, name="m.smdl", **dump_args):
    """dump, then load (unsigned files allowed, the warning silenced)."""
    path = os.path.join(folder, name)
    safemodel.dump(est, path, **dump_args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return safemodel.load(path, allow_unsigned=True)


def _dense(a):
    return a.toarray() if hasattr(a, "toarray") else np.asarray(a)


class RoundTripCase(unittest.TestCase):
    """A TestCase with a private temp folder and the comparison helpers."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="safemodel-pytest-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def assertSameOutputs(self, original, loaded, X, methods=METHODS):
        """Every method of `methods` the original has gives the same result
        on the loaded estimator: labels and integers identical, floats within
        1e-9 relative (1e-12 absolute near zero). Returns how many methods
        were compared; at least one must be."""
        self.assertIs(type(loaded), type(original))
        compared = 0
        for m in methods:
            if not hasattr(original, m):
                continue
            try:
                want = getattr(original, m)(X)
            except (AttributeError, NotImplementedError):
                self.assertFalse(_has_working(loaded, m, X), f"{m}: the original has none, the copy does")
                continue
            got = getattr(loaded, m)(X)
            want, got = _dense(want), _dense(got)
            self.assertEqual(want.shape, got.shape, m)
            if want.dtype.kind in "fc" and got.dtype.kind in "fc":
                np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=m)
            else:
                np.testing.assert_array_equal(got, want, err_msg=m)
            compared += 1
        self.assertGreater(compared, 0, "no method was compared")
        return compared

    def assertRoundTrips(self, est, X, **kw):
        """dump + load + assertSameOutputs; returns the loaded estimator."""
        loaded = roundtrip(est, self.dir)
        self.assertSameOutputs(est, loaded, X, **kw)
        return loaded


def _has_working(est, m, X):
    try:
        getattr(est, m)(X)
        return True
    except (AttributeError, NotImplementedError):
        return False


def cli(*args, check=True):
    """Runs the safemodel command-line tool (SAFEMODEL_CLI)."""
    r = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"safemodel {' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}")
    return r


def keypair(folder, name="k"):
    """A fresh unencrypted key pair made by the CLI: (public path, secret path)."""
    pub, sec = os.path.join(folder, name + ".pub"), os.path.join(folder, name + ".key")
    cli("keygen", "-p", pub, "-s", sec, "--no-password")
    return pub, sec
