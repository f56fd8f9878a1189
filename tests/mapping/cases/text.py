# Text features: CountVectorizer, TfidfVectorizer (word analyzer), TfidfTransformer,
# DictVectorizer; alone and in Pipelines to LogisticRegression / MultinomialNB with
# string labels; files rewritten to look like other versions; refusals.
# Runs inside make_mapping_cases.py (case machinery, manifest, write_variants, ...).
# X of a text case is {"columns": [...], "cells": [[...], ...]}: one document per
# row for the vectorizers, dict rows (column name -> cell) for DictVectorizer.
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline

warnings.simplefilter("ignore")

TRAIN = [
    "The quick brown fox jumps over the lazy dog.",
    "A lazy dog sleeps; the fox doesn't care, does it?",
    "Straße, STRASSE and strasse are not the same word",
    "ΣΊΣΥΦΟΣ ΟΔΟΣ σοφός: Greek sigma at word ends ΟΣ",
    "İstanbul and ISTANBUL and istanbul, DİYARBAKIR",
    "café naïve résumé Ünïcode crème brûlée cafe naive resume",
    "ﬁne ﬂour ½ ² x² H₂O ＡＢＣ ｆｕｌｌ",
    "東京 と 大阪 한국어 문장 입니다 日本語の文章",
    "foo_bar baz_1 __init__ a1 1a 2023 3.14 10,000",
    "spam spam spam eggs and spam with ham",
    "the the the of of and",
    "Ǆemal ǅemal ǆemal ΐ ΰ ﬃ ﬄ",
    "Mixed-case Words with-hyphens and e-mail@example.com http://x.y/z?q=1",
    "tabs\tand  spaces   and\u00a0nbsp\u2003em",
]
TEST = TRAIN[::-1] + [
    "",
    "a b c d",
    "unseen words only here",
    "fox fox fox dog dog the",
    "ΌΣΟΣ ΣΑΣ Σ ΑΣ. ΑΣ' ΑΣ-Β ΑΣ\u0301",
    "CAFÉ NAÏVE résumé — “quotes” , commas, \"and\" 'single'",
    "Ｆｕｌｌ ｗｉｄｔｈ ＦＯＸ and ﬁ ligatures ﬁne",
    "한국어 문장 and 東京",
    "x\u0308y \u0301a e\u0301te\u0301 A\u030a",
    "DOG. Dog! dog? dOg",
]
y_str = np.array(["animal", "animal", "city", "greek", "city", "food", "chem", "asia", "code", "food",
                  "noise", "name", "web", "space"])
y2 = np.where(np.arange(len(TRAIN)) % 2 == 0, "even", "odd")


def final(est):
    while isinstance(est, Pipeline):
        est = est.steps[-1][1]
    return est


def text_checks(est, X, exact=False):
    out = []
    for method in ("predict", "predict_proba", "predict_log_proba", "decision_function", "transform"):
        try:
            y = getattr(est, method)(X)
        except (AttributeError, NotImplementedError):
            continue
        if sp.issparse(y):
            y = y.toarray()
        y = np.asarray(y)
        c = {"member": "", "method": method, "exact": exact and method != "predict_log_proba"}
        if method == "predict" and hasattr(final(est), "classes_"):
            c["labels"] = y.tolist()
        else:
            c["numbers"] = clean(y.astype(np.float64).reshape(len(X), -1).tolist())
        out.append(c)
    return out


def doc_case(name, est, docs=TEST, exact=False, version="1.2.1", protos=(2, 4, 5), joblibs=True, **hk):
    files = write_variants(name, est, protos, joblibs, **hk)
    manifest.append({"name": name, "files": files, "class": type(est).__name__, "version": version,
                     "X": {"columns": [], "cells": [[d] for d in docs]},
                     "checks": text_checks(est, docs, exact)})


def dict_case(name, est, columns, rows, version="1.2.1", protos=(2, 4, 5), **hk):
    dicts = [dict(zip(columns, r)) for r in rows]
    files = write_variants(name, est, protos, True, **hk)
    manifest.append({"name": name, "files": files, "class": type(est).__name__, "version": version,
                     "X": {"columns": columns, "cells": [[clean(c) for c in r] for r in rows]},
                     "checks": text_checks(est, dicts, exact=True)})


# ---- CountVectorizer -------------------------------------------------------------
C = {
    "text_count": CountVectorizer(),
    "text_count_nolower": CountVectorizer(lowercase=False),
    "text_count_bigrams": CountVectorizer(ngram_range=(1, 2)),
    "text_count_2_3grams": CountVectorizer(ngram_range=(2, 3)),
    "text_count_binary": CountVectorizer(binary=True, dtype=np.float64),
    "text_count_stop_list": CountVectorizer(stop_words=["the", "and", "of", "spam"]),
    "text_count_stop_english": CountVectorizer(stop_words="english", ngram_range=(1, 2)),
    "text_count_ascii": CountVectorizer(strip_accents="ascii"),
    "text_count_unicode": CountVectorizer(strip_accents="unicode", ngram_range=(1, 2)),
    "text_count_min_df": CountVectorizer(min_df=2, max_df=0.9),      # stop_words_ kept in the file
    "text_count_max_features": CountVectorizer(max_features=10, dtype=np.int32),
}
for name, est in C.items():
    doc_case(name, est.fit(TRAIN), exact=True)
fixed = CountVectorizer(vocabulary=["fox", "dog", "lazy dog", "spam", "zzz"], ngram_range=(1, 2)).fit(TRAIN)
doc_case("text_count_fixed_vocab", fixed, exact=True)

# ---- TfidfVectorizer ----------------------------------------------------------------
T = {
    "text_tfidf": TfidfVectorizer(),
    "text_tfidf_l1": TfidfVectorizer(norm="l1"),
    "text_tfidf_nonorm": TfidfVectorizer(norm=None),
    "text_tfidf_noidf": TfidfVectorizer(use_idf=False),
    "text_tfidf_nosmooth": TfidfVectorizer(smooth_idf=False),
    "text_tfidf_sublinear": TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 3)),
    "text_tfidf_sublinear_noidf_l1": TfidfVectorizer(sublinear_tf=True, use_idf=False, norm="l1"),
    "text_tfidf_binary_unicode": TfidfVectorizer(binary=True, strip_accents="unicode", stop_words="english"),
}
for name, est in T.items():
    doc_case(name, est.fit(TRAIN))
doc_case("text_tfidf_nonorm_exact", TfidfVectorizer(norm=None).fit(TRAIN), exact=True)

# ---- TfidfTransformer on counts ---------------------------------------------------------
counts = CountVectorizer().fit(TRAIN)
Xc_train = counts.transform(TRAIN).toarray().astype(np.float64)
Xc_test = np.vstack([counts.transform(TEST).toarray(), np.full((1, Xc_train.shape[1]), 0.5)]).astype(np.float64)
for name, est in (("text_tfidf_transformer", TfidfTransformer()),
                  ("text_tfidf_transformer_l1_sublinear", TfidfTransformer(norm="l1", sublinear_tf=True)),
                  ("text_tfidf_transformer_noidf", TfidfTransformer(use_idf=False))):
    est.fit(Xc_train)
    case(name, est, Xc_test, checks=text_checks(est, Xc_test))

# ---- pipelines -----------------------------------------------------------------------
P = {
    "text_pipe_tfidf_logreg": Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2))),
                                        ("clf", LogisticRegression(max_iter=1000))]),
    "text_pipe_count_mnb": Pipeline([("count", CountVectorizer()), ("nb", MultinomialNB(alpha=0.5))]),
    "text_pipe_count_tfidf_logreg": Pipeline([("count", CountVectorizer(strip_accents="ascii")),
                                              ("tfidf", TfidfTransformer(sublinear_tf=True)),
                                              ("clf", LogisticRegression(max_iter=1000))]),
}
for name, est in P.items():
    doc_case(name, est.fit(TRAIN, y_str))
doc_case("text_pipe_tfidf_mnb_binary", Pipeline([("v", TfidfVectorizer()), ("nb", MultinomialNB())]).fit(TRAIN, y2))

# ---- DictVectorizer ----------------------------------------------------------------------
DCOLS = ["city", "temp", "rain", "kind"]
DTRAIN = [{"city": "Paris", "temp": 12.0, "rain": 1.0, "kind": "a"},
          {"city": "Rome", "temp": 20.5, "kind": "b"},
          {"city": "Oslo", "temp": -3.0, "rain": 0.0},
          {"city": "Paris", "temp": 15.0, "kind": "a=b"}]
DROWS = [["Paris", 11.0, 1.0, "a"], ["Berlin", 9.5, 0.0, "b"], ["Oslo", -1.0, float("nan"), "c"],
         ["Rome", 0.0, 2.0, "a=b"], ["Rome", 1e300, -0.0, "b"]]
dict_case("text_dict", DictVectorizer().fit(DTRAIN), DCOLS, DROWS)
dict_case("text_dict_sep", DictVectorizer(separator="::", sort=False).fit(DTRAIN), DCOLS, DROWS)


# ---- other versions ------------------------------------------------------------------------
def text_version(version, idf_array=False, drop_n_features=False):
    def hook(est, s):
        s["_sklearn_version"] = version
        if drop_n_features:
            s.pop("n_features_in_", None)
        if idf_array and isinstance(est, TfidfTransformer) and "_idf_diag" in s:
            s["idf_"] = np.ravel(s.pop("_idf_diag").sum(axis=0))
        return s
    return hook


OLD = {DictVectorizer: "sklearn.feature_extraction.dict_vectorizer"}
doc_case("text_old020_tfidf", T["text_tfidf"], version="0.20.4", protos=(2, 4),
         state=text_version("0.20.4", drop_n_features=True))
doc_case("text_old020_pipe_count_mnb", P["text_pipe_count_mnb"], version="0.20.4", protos=(2,),
         state=text_version("0.20.4", drop_n_features=True))
dict_case("text_old021_dict", DictVectorizer().fit(DTRAIN), DCOLS, DROWS, version="0.21.3", protos=(2, 4),
          state=text_version("0.21.3"), modules=OLD)
# Newer releases keep idf_ as an array instead of the diagonal matrix.
doc_case("text_v15_tfidf_idf_array", T["text_tfidf_sublinear"], version="1.5.2", protos=(4, 5),
         state=text_version("1.5.2", idf_array=True))
est = TfidfTransformer().fit(Xc_train)
case("text_v15_tfidf_transformer_idf_array", est, Xc_test, version="1.5.2", protos=(4,),
     checks=text_checks(est, Xc_test), state=text_version("1.5.2", idf_array=True))
doc_case("text_numpy2_tfidf", T["text_tfidf_l1"], protos=(2, 4, 5), joblibs=False, numpy2=True)


# ---- refusals ------------------------------------------------------------------------------
def tweak(cls, **changes):
    def hook(est, s):
        if isinstance(est, cls):
            for k, v in changes.items():
                if v is KeyError:
                    s.pop(k, None)
                else:
                    s[k] = v(s) if callable(v) and not isinstance(v, type) else v
        return s
    return hook


def vocab_with(**changes):
    def f(s):
        v = dict(s["vocabulary_"])
        v.update(changes)
        return v
    return f


cv = C["text_count"]
tv = T["text_tfidf"]
refuse("text_vocab_out_of_range", cv, state=tweak(CountVectorizer, vocabulary_=vocab_with(fox=999)))
refuse("text_vocab_not_bijective", cv, state=tweak(CountVectorizer, vocabulary_=vocab_with(fox=0)))
refuse("text_vocab_negative", cv, state=tweak(CountVectorizer, vocabulary_=vocab_with(fox=-1)))
refuse("text_analyzer_char", cv, state=tweak(CountVectorizer, analyzer="char"))
refuse("text_analyzer_callable", cv, state=tweak(CountVectorizer, analyzer=np.float64))  # any callable; an allowlisted one so the VM reads the file
refuse("text_tokenizer_callable", cv, state=tweak(CountVectorizer, tokenizer=np.float64))
refuse("text_preprocessor_callable", cv, state=tweak(CountVectorizer, preprocessor=np.float64))
refuse("text_token_pattern", cv, state=tweak(CountVectorizer, token_pattern=r"(?u)\b\w+\b"))
refuse("text_input_filename", cv, state=tweak(CountVectorizer, input="filename"))
refuse("text_ngram_reversed", cv, state=tweak(CountVectorizer, ngram_range=(3, 1)))
refuse("text_ngram_zero", cv, state=tweak(CountVectorizer, ngram_range=(0, 2)))
refuse("text_strip_accents_bad", cv, state=tweak(CountVectorizer, strip_accents="latin"))
refuse("text_idf_nan", tv, state=tweak(TfidfTransformer,
                                         idf_=lambda s: np.r_[np.nan, np.ravel(s["_idf_diag"].sum(axis=0))[1:]],
                                         _idf_diag=KeyError))
refuse("text_idf_below_one", tv, state=tweak(TfidfTransformer,
                                               idf_=lambda s: np.ravel(s["_idf_diag"].sum(axis=0)) * 0.5,
                                               _idf_diag=KeyError))
refuse("text_idf_wrong_length", tv, state=tweak(TfidfTransformer,
                                                  idf_=lambda s: np.ravel(s["_idf_diag"].sum(axis=0))[:-1],
                                                  _idf_diag=KeyError))
refuse("text_idf_diag_offdiagonal", tv, state=tweak(TfidfTransformer,
                                                      _idf_diag=lambda s: sp.csr_matrix(np.roll(s["_idf_diag"].toarray(), 1, axis=1))))
refuse("text_idf_missing", tv, state=tweak(TfidfTransformer, _idf_diag=KeyError))
refuse("text_tfidf_dtype_f32", tv, state=tweak(TfidfVectorizer, dtype=np.float32))
refuse("text_norm_bad", tv, state=tweak(TfidfTransformer, norm="max"))
refuse("text_dict_names_mismatch", DictVectorizer().fit(DTRAIN),
       state=tweak(DictVectorizer, feature_names_=lambda s: list(reversed(s["feature_names_"]))))
