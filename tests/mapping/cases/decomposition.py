# PCA ("pca_") and TruncatedSVD ("tsvd_") cases: transform, whitening,
# pipelines where the width changes before a classifier; other versions;
# broken files. PCA.score_samples is not implemented, so its check is left out.
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.naive_bayes import GaussianNB


def dec_checks(est, X):
    out = [c for c in checks_for(est, X) if c["method"] != "score_samples"]
    for c in out:   # a KMeans at the end: cluster indices compare as labels
        if c["method"] == "predict" and "numbers" in c and isinstance(final_step(est), KMeans):
            c["labels"] = [int(r[0]) for r in c.pop("numbers")]
    return out


def dec_case(name, est, X, **kw):
    case(name, est, X, checks=dec_checks(est, X), **kw)


Xd, Xdt = X3, np.vstack([Xt3, Xt3[:4] * 5.0])
DEC = {
    "pca_3": (PCA(n_components=3).fit(Xd), Xdt),
    "pca_whiten": (PCA(n_components=4, whiten=True).fit(Xd), Xdt),
    "pca_full": (PCA().fit(Xd), Xdt),
    "pca_mle": (PCA(n_components="mle", svd_solver="full").fit(Xd), Xdt),
    "pca_fraction_whiten": (PCA(n_components=0.8, whiten=True, svd_solver="full").fit(Xd), Xdt),
    "pca_randomized": (PCA(n_components=2, svd_solver="randomized", random_state=0).fit(Xd), Xdt),
    "pca_arpack": (PCA(n_components=2, svd_solver="arpack", random_state=0).fit(Xd), Xdt),
    "tsvd_2": (TruncatedSVD(n_components=2, random_state=0).fit(Xd), Xdt),
    "tsvd_arpack": (TruncatedSVD(n_components=5, algorithm="arpack", random_state=0).fit(Xd), Xdt),
}
for _name, (_est, _X) in DEC.items():
    dec_case(_name, _est, _X)

# The width changes inside the pipeline: 7 features -> 3 components -> a classifier.
dec_case("pca_pipe_gaussian_nb", Pipeline([("sc", StandardScaler()), ("pca", PCA(3, whiten=True)),
                                           ("nb", GaussianNB())]).fit(Xd, ys), Xdt)
dec_case("pca_pipe_kmeans", Pipeline([("pca", PCA(2)), ("km", KMeans(3, n_init=2, random_state=0))]).fit(Xd), Xdt)
dec_case("tsvd_pipe_logreg", Pipeline([("svd", TruncatedSVD(4, random_state=0)),
                                       ("lr", LogisticRegression(max_iter=1000))]).fit(Xd, y3), Xdt)
dec_case("tsvd_pipe_transform", Pipeline([("svd", TruncatedSVD(4, random_state=0)), ("mm", MinMaxScaler())]).fit(Xd),
         Xdt)


# ---- other versions ----------------------------------------------------------
def dec_as_version(version):
    def hook(est, s):
        s["_sklearn_version"] = version
        if version < "0.24" and isinstance(est, (PCA, TruncatedSVD)):
            s.pop("n_features_in_", None)
            s.pop("n_features_", None)
            s.pop("_fit_svd_solver", None)
            s.pop("n_oversamples", None)
        return s
    return hook


DEC_OLD = {PCA: "sklearn.decomposition.pca", TruncatedSVD: "sklearn.decomposition.truncated_svd"}
for _name in ("pca_3", "pca_whiten", "tsvd_2"):
    _est, _X = DEC[_name]
    _new = _name.replace("pca_", "pca_old021_") if _name.startswith("pca_") else "tsvd_old021_2"
    dec_case(_new, _est, _X, version="0.21.3", protos=(2, 4), state=dec_as_version("0.21.3"), modules=DEC_OLD)
_est, _X = DEC["pca_whiten"]
dec_case("pca_numpy2_whiten", _est, _X, protos=(2, 4, 5), joblibs=False, numpy2=True)
_est, _X = DEC["tsvd_arpack"]
dec_case("tsvd_numpy2_arpack", _est, _X, protos=(5,), joblibs=False, numpy2=True)
# PCA with mean_ None: transform skips the centering.
_nomean = PCA(n_components=3).fit(Xd)
_nomean.mean_ = None
case("pca_mean_none", _nomean, Xdt, checks=[{"member": "", "method": "transform", "exact": False,
                                              "numbers": clean(_nomean.transform(Xdt).tolist())}])


# ---- refusals ------------------------------------------------------------------
def dec_set(cls, key, value):
    def hook(est, s):
        if type(est) is cls:
            if value is KeyError:
                s.pop(key, None)
            else:
                s[key] = value(s[key]) if callable(value) else value
        return s
    return hook


_p, _pw, _t = DEC["pca_3"][0], DEC["pca_whiten"][0], DEC["tsvd_2"][0]
refuse("pca_whiten_zero_variance", _pw, state=dec_set(PCA, "explained_variance_",
                                                      lambda a: np.r_[a[:-1], 0.0]))
refuse("pca_variance_negative", _p, state=dec_set(PCA, "explained_variance_", lambda a: np.r_[a[:-1], -1.0]))
refuse("pca_variance_len", _p, state=dec_set(PCA, "explained_variance_", lambda a: a[:-1].copy()))
refuse("pca_mean_len", _p, state=dec_set(PCA, "mean_", lambda a: a[:-1].copy()))
refuse("pca_mean_nan", _p, state=dec_set(PCA, "mean_", lambda a: np.r_[np.nan, a[1:]]))
refuse("pca_n_components", _p, state=dec_set(PCA, "n_components_", 5))
refuse("pca_n_components_negative", _p, state=dec_set(PCA, "n_components_", -1))
refuse("pca_whiten_str", _p, state=dec_set(PCA, "whiten", "no"))
refuse("pca_components_3d", _p, state=dec_set(PCA, "components_", lambda a: a[None]))
refuse("tsvd_components_inf", _t, state=dec_set(TruncatedSVD, "components_", lambda a: np.where(a == a.max(), np.inf, a)))
refuse("tsvd_n_features", _t, state=dec_set(TruncatedSVD, "n_features_in_", 8))
refuse("tsvd_no_components", _t, state=dec_set(TruncatedSVD, "components_", KeyError))
# A pipeline whose classifier expects more columns than the PCA before it gives.
_pp = Pipeline([("pca", PCA(3)), ("nb", GaussianNB())]).fit(Xd, y3)
refuse("pca_pipe_width", _pp, state=lambda e, s: (dict(s, components_=s["components_"][:2], explained_variance_=
                                                        s["explained_variance_"][:2], n_components_=2)
                                                   if type(e) is PCA else s))
