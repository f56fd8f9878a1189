"""Round trips of the encoders, column transformers, text features and the
remaining numeric preprocessing (python/safemodel/_rb_features.py):
scikit-learn's original estimator is the oracle."""
import unittest
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import (KBinsDiscretizer, LabelBinarizer, LabelEncoder, OneHotEncoder,
                                   OrdinalEncoder, PolynomialFeatures, StandardScaler)

import harness
import safemodel


def frame(n, seed, unknown=False):
    """A DataFrame with string, numeric and missing cells; `unknown` adds
    categories fit never saw."""
    rng = np.random.RandomState(seed)
    colours = ["red", "green", "blue", "teal", "plum"] + (["ochre", "mauve"] if unknown else [])
    p = [0.25, 0.2, 0.15, 0.1, 0.1, 0.1, 0.1] if unknown else [0.35, 0.3, 0.2, 0.1, 0.05]
    sizes = np.array(["S", "M", "L", "XL"] + (["XXS"] if unknown else []), dtype=object)
    return pd.DataFrame({
        "colour": rng.choice(colours, n, p=p),
        "size": rng.choice(sizes, n),
        "age": rng.randint(0 if not unknown else -2, 6 if not unknown else 9, n).astype(float),
        "income": rng.lognormal(3, 1, n),
        "height": rng.normal(170, 10, n),
    })


DOCS = [
    "The quick brown fox jumps over the lazy dog",
    "Never jump over the lazy dog quickly",
    "A café serves crème brûlée and espresso",
    "Brown foxes and brown dogs are friends",
    "The dog sleeps; the fox runs away.",
    "Espresso, espresso, ESPRESSO!",
    "Naïve façade: an über-cool résumé",
    "foxes jump over dogs every day",
    "Quick quick quick brown brown fox",
    "the end",
]
NEW_DOCS = DOCS[::-1] + ["An unseen document about zebras and quick espresso", "", "dog dog DOG fox"]


class EncoderTest(harness.RoundTripCase):
    def setUp(self):
        super().setUp()
        self.fit_df = frame(200, 0)
        self.new_df = frame(80, 1, unknown=True)
        self.known_df = frame(80, 2)

    def test_one_hot_dataframe(self):
        cols = ["colour", "size", "age"]
        for kw in ({}, {"sparse_output": False}, {"drop": "first"}, {"drop": "if_binary"},
                   {"drop": ["green", "M", 3.0]}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                enc = OneHotEncoder(**kw).fit(self.fit_df[cols])
                self.assertRoundTrips(enc, self.known_df[cols])

    def test_one_hot_unknown_categories(self):
        cols = ["colour", "size", "age"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for kw in ({"handle_unknown": "ignore"}, {"handle_unknown": "ignore", "drop": "first"},
                       {"handle_unknown": "infrequent_if_exist", "min_frequency": 15},
                       {"handle_unknown": "infrequent_if_exist", "max_categories": 3, "drop": "first"},
                       {"handle_unknown": "ignore", "min_frequency": 0.1}):
                with self.subTest(**{k: str(v) for k, v in kw.items()}):
                    enc = OneHotEncoder(**kw).fit(self.fit_df[cols])
                    loaded = self.assertRoundTrips(enc, self.new_df[cols])
                    np.testing.assert_array_equal(loaded.get_feature_names_out(), enc.get_feature_names_out())

    def test_one_hot_error_on_unknown(self):
        enc = OneHotEncoder().fit(self.fit_df[["colour"]])
        loaded = harness.roundtrip(enc, self.dir)
        with self.assertRaises(ValueError):
            loaded.transform(self.new_df[["colour"]])

    def test_one_hot_missing_values(self):
        df = pd.DataFrame({"s": np.array(["a", "b", None, "c", np.nan, "a"] * 5, dtype=object),
                           "x": [1.0, np.nan, 2.0, 2.0, 3.0, np.nan] * 5})
        new = pd.DataFrame({"s": np.array([None, np.nan, "c", "z", "a"], dtype=object),
                            "x": [np.nan, 3.0, 7.0, 1.0, 2.0]})
        enc = OneHotEncoder(handle_unknown="ignore").fit(df)
        self.assertRoundTrips(enc, new)

    def test_one_hot_numpy_ints(self):
        rng = np.random.RandomState(3)
        X = rng.randint(0, 5, (100, 3))
        enc = OneHotEncoder(handle_unknown="ignore").fit(X)
        self.assertRoundTrips(enc, rng.randint(-1, 7, (50, 3)))

    def test_ordinal(self):
        cols = ["colour", "size", "age"]
        for kw in ({"handle_unknown": "use_encoded_value", "unknown_value": -1},
                   {"handle_unknown": "use_encoded_value", "unknown_value": np.nan},
                   {"handle_unknown": "use_encoded_value", "unknown_value": 99, "encoded_missing_value": -7}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                enc = OrdinalEncoder(**kw).fit(self.fit_df[cols])
                self.assertRoundTrips(enc, self.new_df[cols])
        enc = OrdinalEncoder().fit(self.fit_df[cols])
        self.assertRoundTrips(enc, self.known_df[cols])

    def test_ordinal_missing(self):
        df = pd.DataFrame({"s": np.array(["a", "b", None, "c", np.nan] * 4, dtype=object),
                           "x": [1.0, np.nan, 2.0, 2.0, 3.0] * 4})
        for kw in ({}, {"encoded_missing_value": -1}):
            enc = OrdinalEncoder(**kw).fit(df)
            self.assertRoundTrips(enc, df.iloc[::-1])

    def test_label_encoder(self):
        rng = np.random.RandomState(4)
        for y in (rng.choice(["cat", "dog", "emu"], 50), rng.randint(-3, 4, 50), rng.choice([0.5, 1.5, 2.25], 50)):
            with self.subTest(dtype=str(y.dtype)):
                enc = LabelEncoder().fit(y)
                loaded = self.assertRoundTrips(enc, y[::-1])
                np.testing.assert_array_equal(loaded.inverse_transform([0, 2, 1]), enc.inverse_transform([0, 2, 1]))

    def test_label_binarizer(self):
        rng = np.random.RandomState(5)
        cases = [
            (LabelBinarizer(), rng.choice(["yes", "no"], 40)),
            (LabelBinarizer(neg_label=-1, pos_label=2), rng.choice(["a", "b", "c", "d"], 40)),
            (LabelBinarizer(sparse_output=True), rng.randint(0, 5, 40)),
            (LabelBinarizer(), rng.randint(0, 2, (30, 4))),
        ]
        for lb, y in cases:
            with self.subTest(y=str(y[:3])):
                lb.fit(y)
                self.assertRoundTrips(lb, y[::-1])
        lb = LabelBinarizer().fit(["a", "b", "c"])
        self.assertRoundTrips(lb, np.array(["c", "zz", "a"]))


class ColumnTransformerTest(harness.RoundTripCase):
    def setUp(self):
        super().setUp()
        self.fit_df = frame(200, 10)
        self.new_df = frame(60, 11, unknown=True)

    def test_dataframe_by_name(self):
        for remainder in ("drop", "passthrough", StandardScaler()):
            with self.subTest(remainder=str(remainder)):
                ct = ColumnTransformer([
                    ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour", "size"]),
                    ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["income"]),
                ], remainder=remainder).fit(self.fit_df)
                loaded = self.assertRoundTrips(ct, self.new_df)
                np.testing.assert_array_equal(loaded.get_feature_names_out(), ct.get_feature_names_out())
                self.assertEqual(loaded.output_indices_, ct.output_indices_)

    def test_weights_passthrough_drop(self):
        ct = ColumnTransformer([
            ("ord", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), ["size", "colour"]),
            ("gone", "drop", ["age"]),
            ("keep", "passthrough", ["height"]),
            ("poly", PolynomialFeatures(2), ["income", "height"]),
        ], transformer_weights={"ord": 3.0, "poly": 0.5, "keep": 2.0}).fit(self.fit_df)
        loaded = self.assertRoundTrips(ct, self.new_df)
        np.testing.assert_array_equal(loaded.get_feature_names_out(), ct.get_feature_names_out())
        # a dropped part is not in the file: only the parts with output
        self.assertEqual({k: v for k, v in loaded.output_indices_.items() if v.stop > v.start},
                         {k: v for k, v in ct.output_indices_.items() if v.stop > v.start})

    def test_selectors_on_numpy(self):
        rng = np.random.RandomState(12)
        X = rng.randn(100, 6)
        X[rng.rand(100, 6) < 0.1] = np.nan
        Xn = rng.randn(30, 6)
        Xn[rng.rand(30, 6) < 0.2] = np.nan
        X[:, 4], Xn[:, 4] = rng.randn(100), rng.randn(30) * 2  # KBinsDiscretizer takes no NaN
        ct = ColumnTransformer([
            ("a", SimpleImputer(strategy="median", add_indicator=True), [0, 1]),
            ("b", SimpleImputer(strategy="constant", fill_value=-5.0), slice(2, 4)),
            ("c", KBinsDiscretizer(3, encode="onehot-dense"), np.array([False, False, False, False, True, False])),
        ], remainder=SimpleImputer()).fit(X)
        self.assertRoundTrips(ct, Xn)

    def test_sparse_output(self):
        ct = ColumnTransformer([("cat", OneHotEncoder(), ["colour", "size"])], remainder="drop",
                               sparse_threshold=1.0).fit(self.fit_df)
        self.assertTrue(ct.sparse_output_)
        self.assertRoundTrips(ct, frame(40, 13))

    def test_pipeline_classifier(self):
        y = np.where(self.fit_df["income"] > 20, "rich", "poor")
        y[self.fit_df["colour"] == "blue"] = "blue"
        pre = ColumnTransformer([
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour", "size"]),
            ("num", StandardScaler(), ["age", "income", "height"]),
        ])
        model = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=500))]).fit(self.fit_df, y)
        self.assertRoundTrips(model, self.new_df)

    def test_text_column(self):
        rng = np.random.RandomState(14)
        df = pd.DataFrame({"text": rng.choice(DOCS, 60), "n": rng.randn(60), "kind": rng.choice(["x", "y"], 60)})
        new = pd.DataFrame({"text": rng.choice(NEW_DOCS, 30), "n": rng.randn(30), "kind": rng.choice(["x", "y"], 30)})
        ct = ColumnTransformer([
            ("txt", TfidfVectorizer(), "text"),
            ("svd", make_pipeline(CountVectorizer(ngram_range=(1, 2)), TfidfTransformer()), "text"),
            ("kind", OneHotEncoder(), ["kind"]),
        ], remainder="passthrough").fit(df)
        self.assertRoundTrips(ct, new)
        y = (df["n"] > 0).astype(int)
        model = make_pipeline(ct, Ridge()).fit(df, y)
        self.assertRoundTrips(model, new)

    def test_feature_union(self):
        rng = np.random.RandomState(15)
        X = rng.rand(80, 3) * 10
        fu = FeatureUnion([("poly", PolynomialFeatures(2, interaction_only=True)),
                           ("bins", KBinsDiscretizer(4, encode="ordinal")),
                           ("same", "passthrough"),
                           ("dropped", "drop")],
                          transformer_weights={"bins": 10.0}).fit(X)
        self.assertRoundTrips(fu, rng.rand(20, 3) * 12 - 1)


class TextTest(harness.RoundTripCase):
    def test_count_vectorizer(self):
        for kw in ({}, {"binary": True, "lowercase": False}, {"ngram_range": (1, 3), "stop_words": "english"},
                   {"strip_accents": "ascii", "stop_words": ["the", "and", "over"], "max_features": 12},
                   {"strip_accents": "unicode", "min_df": 2}, {"dtype": np.float32}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                v = CountVectorizer(**kw).fit(DOCS)
                loaded = self.assertRoundTrips(v, NEW_DOCS)
                np.testing.assert_array_equal(loaded.get_feature_names_out(), v.get_feature_names_out())

    def test_tfidf_vectorizer(self):
        for kw in ({}, {"norm": "l1", "sublinear_tf": True}, {"norm": None, "smooth_idf": False},
                   {"use_idf": False, "ngram_range": (2, 2)}, {"binary": True, "stop_words": "english"},
                   {"strip_accents": "unicode", "max_df": 0.5}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                v = TfidfVectorizer(**kw).fit(DOCS)
                loaded = self.assertRoundTrips(v, NEW_DOCS)
                if v.use_idf:
                    np.testing.assert_array_equal(loaded.idf_, v.idf_)

    def test_tfidf_transformer(self):
        rng = np.random.RandomState(20)
        counts = rng.poisson(1.0, (40, 7))
        for kw in ({}, {"norm": "l1", "smooth_idf": False}, {"use_idf": False, "sublinear_tf": True}):
            with self.subTest(**kw):
                t = TfidfTransformer(**kw).fit(counts)
                self.assertRoundTrips(t, rng.poisson(2.0, (15, 7)))

    def test_dict_vectorizer(self):
        rows = [{"city": "Paris", "temp": 12.5}, {"city": "Oslo", "temp": -3.0, "rain": 1},
                {"city": "Lima", "wind": 4, "tags": ["a", "b"]}]
        new = [{"city": "Oslo", "temp": 1.0, "snow": 9}, {"city": "Rome"}, {"tags": ["b", "c"], "rain": 2}]
        for kw in ({}, {"separator": "|", "sparse": False}, {"sort": False}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                d = DictVectorizer(**kw).fit(rows)
                loaded = self.assertRoundTrips(d, new)
                self.assertEqual(loaded.feature_names_, d.feature_names_)


class PreprocessingTest(harness.RoundTripCase):
    def setUp(self):
        super().setUp()
        rng = np.random.RandomState(30)
        self.X = rng.randn(120, 4) * [1, 10, 100, 0.1]
        self.X[rng.rand(120, 4) < 0.15] = np.nan
        self.Xn = rng.randn(40, 4) * [1, 10, 100, 0.1]
        self.Xn[rng.rand(40, 4) < 0.3] = np.nan

    def test_simple_imputer(self):
        for kw in ({}, {"strategy": "median"}, {"strategy": "most_frequent"},
                   {"strategy": "constant", "fill_value": 42.0}, {"add_indicator": True},
                   {"strategy": "median", "add_indicator": True}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                imp = SimpleImputer(**kw).fit(self.X)
                self.assertRoundTrips(imp, self.Xn)

    def test_simple_imputer_empty_column_and_sentinel(self):
        X = self.X.copy()
        X[:, 2] = np.nan
        X[:, 1] = np.nan_to_num(X[:, 1])  # no missing value at fit: no indicator column, NaN imputed at transform
        for kw in ({}, {"keep_empty_features": True}, {"add_indicator": True},
                   {"add_indicator": True, "keep_empty_features": True, "strategy": "most_frequent"}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    imp = SimpleImputer(**kw).fit(X)
                    self.assertRoundTrips(imp, self.Xn)
        rng = np.random.RandomState(31)
        Xi = rng.randint(-1, 5, (60, 3)).astype(float)
        imp = SimpleImputer(missing_values=-1, strategy="mean", add_indicator=True).fit(Xi)
        self.assertRoundTrips(imp, rng.randint(-1, 6, (20, 3)).astype(float))

    def test_polynomial_features(self):
        X = np.nan_to_num(self.X)
        for kw in ({}, {"degree": 3}, {"degree": (2, 3)}, {"interaction_only": True, "include_bias": False},
                   {"degree": (0, 2), "include_bias": False}, {"degree": 1}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                pf = PolynomialFeatures(**kw).fit(X)
                loaded = self.assertRoundTrips(pf, np.nan_to_num(self.Xn))
                np.testing.assert_array_equal(loaded.powers_, pf.powers_)

    def test_kbins(self):
        rng = np.random.RandomState(32)
        X = rng.gamma(2.0, 2.0, (150, 3))
        Xn = rng.gamma(2.0, 2.5, (50, 3)) - 0.5
        for kw in ({"encode": "ordinal"}, {}, {"encode": "onehot-dense", "strategy": "uniform"},
                   {"n_bins": [2, 5, 3], "encode": "ordinal", "strategy": "kmeans"},
                   {"encode": "ordinal", "dtype": np.float32}, {"encode": "onehot", "dtype": np.float64}):
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    kb = KBinsDiscretizer(**kw).fit(X)
                self.assertRoundTrips(kb, Xn)
                self.assertRoundTrips(kb, Xn.astype(np.float32))


class RefusalTest(harness.RoundTripCase):
    def test_unknown_variants_are_refused(self):
        from safemodel import _rebuild
        for est in ({"categoricalEncoder": {"kind": "hashing", "features": []}},
                    {"kBinsDiscretizer": {"encode": "onehotSparse", "nBins": 0, "binEdges": 1}}):
            with self.subTest(est=str(est)), self.assertRaises(safemodel.UnsupportedError):
                _rebuild.build_root({"estimator": est}, [np.array([2], dtype=np.int32), np.zeros(3)])


if __name__ == "__main__":
    unittest.main()
