"""The package's contract: trust before parsing, refusals with the place
named, nothing written on failure, CLI interop, weights, inspect and scan."""
import glob
import os
import pickle
import subprocess
import sys
import unittest
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import harness
import safemodel

X, Y = load_iris(return_X_y=True)
HOSTILE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "corpus", "hostile-public")


def fitted():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, Y)


class MyScaler(StandardScaler):
    """A user's subclass: not something safemodel may instantiate."""


class TrustTest(harness.RoundTripCase):
    def setUp(self):
        super().setUp()
        self.pub, self.key = harness.keypair(self.dir)
        self.est = fitted()
        self.path = os.path.join(self.dir, "m.smdl")
        safemodel.dump(self.est, self.path, secret_key=self.key, comment="release 1")

    def test_signed_file_loads_with_its_key_as_path_base64_or_store(self):
        b64 = Path(self.pub).read_text().splitlines()[1]
        store = os.path.join(self.dir, "store")
        os.mkdir(store)
        with open(self.pub) as src, open(os.path.join(store, "release.pub"), "w") as dst:
            dst.write(src.read())
        for kw in [dict(trusted_keys=self.pub), dict(trusted_keys=[b64]), dict(trust_store=store)]:
            with self.subTest(kw=list(kw)):
                loaded = safemodel.load(self.path, **kw)
                self.assertSameOutputs(self.est, loaded, X)
        sigs = safemodel.inspect(self.path)["signatures"]
        self.assertEqual(len(sigs), 1)
        self.assertEqual(sigs[0]["trusted_comment"], "release 1")

    def test_unsigned_file_needs_allow_unsigned_which_warns(self):
        unsigned = os.path.join(self.dir, "u.smdl")
        safemodel.dump(self.est, unsigned)
        with self.assertRaises(safemodel.TrustError):
            safemodel.load(unsigned, trusted_keys=self.pub)
        with self.assertRaises(safemodel.TrustError):
            safemodel.load(unsigned)
        with self.assertWarns(UserWarning):
            loaded = safemodel.load(unsigned, allow_unsigned=True)
        self.assertSameOutputs(self.est, loaded, X)

    def test_untrusted_and_revoked_keys_and_require(self):
        other_pub, other_key = harness.keypair(self.dir, "other")
        with self.assertRaisesRegex(safemodel.TrustError, "trusted"):
            safemodel.load(self.path, trusted_keys=other_pub)
        # Two signers required, one present.
        with self.assertRaises(safemodel.TrustError):
            safemodel.load(self.path, trusted_keys=[self.pub, other_pub], require=2)
        harness.cli("sign", self.path, "-s", other_key)
        self.assertIsNotNone(safemodel.load(self.path, trusted_keys=[self.pub, other_pub], require=2))
        # Revocation wins over the key being present.
        store = os.path.join(self.dir, "store.txt")
        key_id = safemodel.inspect(self.path)["signatures"][0]["key_id"]
        with open(store, "w") as f:
            f.write(f"trust release {Path(self.pub).read_text().splitlines()[1]}\nrevoke {key_id}\n")
        with self.assertRaises(safemodel.TrustError):
            safemodel.load(self.path, trust_store=store)

    def test_tampered_header_or_tensor_is_refused(self):
        data = bytearray(Path(self.path).read_bytes())
        header_end = 16 + 64  # inside the header: the signature no longer verifies
        for where, offset, error in [("header", header_end, safemodel.TrustError),
                                     ("data", self._data_offset(), safemodel.FormatError)]:
            with self.subTest(where=where):
                bad = bytearray(data)
                bad[offset] ^= 0x01
                p = os.path.join(self.dir, f"bad-{where}.smdl")
                Path(p).write_bytes(bytes(bad))
                with self.assertRaises(error):
                    safemodel.load(p, trusted_keys=self.pub)

    def _data_offset(self):
        # The first tensor's first byte: the data region starts after the
        # header, at the next 64-byte boundary.
        header_size = int.from_bytes(Path(self.path).read_bytes()[8:16], "little")
        return (16 + header_size + 63) // 64 * 64

    def test_wrong_kind_and_missing_file(self):
        with self.assertRaises(safemodel.UnsupportedError):
            safemodel.weights.load(self.path, trusted_keys=self.pub)
        with self.assertRaises(OSError):
            safemodel.load(os.path.join(self.dir, "nope.smdl"), trusted_keys=self.pub)
        with self.assertRaises(safemodel.FormatError):
            p = os.path.join(self.dir, "junk.smdl")
            Path(p).write_bytes(b"not a model at all" * 10)
            safemodel.load(p, trusted_keys=self.pub)


class DumpRefusalTest(harness.RoundTripCase):
    def assertNothingWritten(self):
        self.assertEqual(os.listdir(self.dir), [], "dump left files behind")

    def test_lambda_names_the_attribute(self):
        est = make_pipeline(FunctionTransformer(lambda x: x + 1), LogisticRegression()).fit(X, Y)
        with self.assertRaisesRegex(safemodel.UnsupportedError, r"steps\[0\]\[1\]\.func"):
            safemodel.dump(est, os.path.join(self.dir, "m.smdl"))
        self.assertNothingWritten()

    def test_user_class_names_the_class_and_place(self):
        est = make_pipeline(MyScaler(), LogisticRegression()).fit(X, Y)
        with self.assertRaisesRegex(safemodel.UnsupportedError, r"steps\[0\]\[1\].*MyScaler"):
            safemodel.dump(est, os.path.join(self.dir, "m.smdl"))
        self.assertNothingWritten()

    def test_unsupported_scikit_learn_class(self):
        from sklearn.gaussian_process import GaussianProcessRegressor
        est = GaussianProcessRegressor().fit(X[:20], Y[:20])
        with self.assertRaisesRegex(safemodel.UnsupportedError, "GaussianProcessRegressor"):
            safemodel.dump(est, os.path.join(self.dir, "m.smdl"))
        self.assertNothingWritten()

    def test_failed_dump_keeps_the_old_file(self):
        path = os.path.join(self.dir, "m.smdl")
        safemodel.dump(fitted(), path)
        before = Path(path).read_bytes()
        with self.assertRaises(safemodel.UnsupportedError):
            safemodel.dump(make_pipeline(MyScaler()).fit(X), path)
        self.assertEqual(Path(path).read_bytes(), before)
        self.assertEqual(os.listdir(self.dir), ["m.smdl"])

    def test_bad_metadata_and_missing_key(self):
        with self.assertRaisesRegex(safemodel.InvalidArgumentError, "unknown key 'nmae'"):
            safemodel.dump(fitted(), os.path.join(self.dir, "m.smdl"), metadata={"nmae": "x"})
        with self.assertRaises(OSError):
            safemodel.dump(fitted(), os.path.join(self.dir, "m.smdl"), secret_key=os.path.join(self.dir, "no.key"))
        self.assertNothingWritten()


class HostileTest(harness.RoundTripCase):
    def test_hostile_pickles_are_refused_and_never_run(self):
        files = sorted(glob.glob(os.path.join(HOSTILE, "modelaudit__*attack*.pkl")) +
                       glob.glob(os.path.join(HOSTILE, "*malicious_system_call*.pkl")))
        self.assertGreater(len(files), 3, HOSTILE)
        for f in files:
            with self.subTest(file=os.path.basename(f)):
                out = os.path.join(self.dir, "h.smdl")
                with self.assertRaises(safemodel.SafemodelError):
                    safemodel.convert(f, out)
                self.assertFalse(os.path.exists(out))
                report = safemodel.scan(f)
                self.assertFalse(report["safe"])

    def test_load_imports_nothing_outside_scikit_learn(self):
        # A fresh interpreter, so that earlier imports do not hide new ones.
        path = os.path.join(self.dir, "m.smdl")
        safemodel.dump(fitted(), path)
        code = f"""
import sys, warnings, safemodel, sklearn.pipeline, sklearn.linear_model, sklearn.preprocessing
before = set(sys.modules)
warnings.simplefilter("ignore")
safemodel.load({path!r}, allow_unsigned=True)
new = sorted(m for m in set(sys.modules) - before
             if not m.startswith(("sklearn.", "scipy.", "numpy.", "threadpoolctl", "joblib")))
print(new)
"""
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=dict(os.environ))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "[]")


class InteropTest(harness.RoundTripCase):
    def test_cli_convert_loads_in_python_and_dump_predicts_in_cli(self):
        est = fitted()
        pkl = os.path.join(self.dir, "m.pkl")
        with open(pkl, "wb") as f:
            pickle.dump(est, f)
        smdl = os.path.join(self.dir, "cli.smdl")
        harness.cli("convert", pkl, "-o", smdl)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.assertSameOutputs(est, safemodel.load(smdl, allow_unsigned=True), X)
        # And the other way: Python's file, the CLI's predict_proba.
        ours = os.path.join(self.dir, "py.smdl")
        safemodel.dump(est, ours)
        npy = os.path.join(self.dir, "x.npy")
        np.save(npy, X)
        r = harness.cli("predict", ours, "-i", npy, "-m", "predict_proba", "--allow-unsigned")
        got = np.loadtxt(r.stdout.splitlines(), delimiter=",", skiprows=_header_rows(r.stdout))
        np.testing.assert_allclose(got, est.predict_proba(X), rtol=1e-9, atol=1e-12)

    def test_convert_signs_and_inspect_reports(self):
        pub, key = harness.keypair(self.dir)
        pkl = os.path.join(self.dir, "m.pkl")
        with open(pkl, "wb") as f:
            pickle.dump(fitted(), f)
        out = os.path.join(self.dir, "m.smdl")
        safemodel.convert(pkl, out, secret_key=key, metadata={"name": "iris", "license": "MIT"})
        info = safemodel.inspect(out)
        self.assertEqual(info["class"], "Pipeline")
        self.assertEqual(info["metadata"]["name"], "iris")
        self.assertEqual(info["metadata"]["license"], "MIT")
        self.assertEqual(info["signatures"][0]["state"], "unchecked")
        self.assertIsNotNone(safemodel.load(out, trusted_keys=pub))

    def test_bundle_dict(self):
        bundle = {"model": fitted(), "threshold": 0.25, "name": "iris", "n": 3, "none": None}
        loaded = harness.roundtrip(bundle, self.dir)
        self.assertEqual(set(loaded), set(bundle))
        self.assertEqual((loaded["threshold"], loaded["name"], loaded["n"], loaded["none"]), (0.25, "iris", 3, None))
        self.assertSameOutputs(bundle["model"], loaded["model"], X)


def _header_rows(text):
    first = text.splitlines()[0]
    try:
        [float(c) for c in first.split(",")]
        return 0
    except ValueError:
        return 1


class WeightsTest(harness.RoundTripCase):
    def test_round_trip_every_dtype_zero_copy_and_signed(self):
        pub, key = harness.keypair(self.dir)
        arrays = {"w": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.array([1.5, -2.0]),
                  "i": np.arange(5, dtype=np.int64), "u8": np.array([[1, 2]], dtype=np.uint8),
                  "mask": np.array([True, False]), "h": np.array([0.5], dtype=np.float16),
                  "scalar": np.array(3.25), "empty": np.zeros((0, 3))}
        path = os.path.join(self.dir, "w.smdl")
        safemodel.weights.save(arrays, path, secret_key=key, metadata={"name": "toy"})
        got = safemodel.weights.load(path, trusted_keys=pub)
        self.assertEqual(list(got), list(arrays))
        for k, a in arrays.items():
            with self.subTest(k=k):
                self.assertEqual(got[k].dtype, a.dtype)
                np.testing.assert_array_equal(got[k], a)
                self.assertFalse(got[k].flags.writeable)
        with self.assertRaises(safemodel.TrustError):
            safemodel.weights.load(path)
        with self.assertRaises(safemodel.UnsupportedError):
            safemodel.load(path, trusted_keys=pub)

    def test_refuses_objects_and_non_dicts(self):
        path = os.path.join(self.dir, "w.smdl")
        with self.assertRaisesRegex(safemodel.InvalidArgumentError, "'bad'"):
            safemodel.weights.save({"bad": np.array(["a", "b"], dtype=object)}, path)
        with self.assertRaises(safemodel.InvalidArgumentError):
            safemodel.weights.save([np.zeros(2)], path)
        with self.assertRaises(safemodel.InvalidArgumentError):
            safemodel.weights.save({"": np.zeros(2)}, path)
        self.assertEqual(os.listdir(self.dir), [])


if __name__ == "__main__":
    unittest.main()
