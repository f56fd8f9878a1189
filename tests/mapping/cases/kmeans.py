# KMeans / MiniBatchKMeans cases ("kmeans_" prefix): predict (cluster index
# labels) and transform (distances), ties on purpose, pipelines with KMeans as
# the last step and as a transformer; other versions; broken files.
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs

Xb, _ = make_blobs(n_samples=300, n_features=4, centers=5, cluster_std=1.5, random_state=7)
Xbt = np.vstack([Xb[:40] + 0.3, Xb[:5] * 3.0])


def km_checks(est, X):
    """KMeans.predict gives cluster indices: compare them as integer labels."""
    out = checks_for(est, X)
    for c in out:
        if c["method"] == "predict" and "numbers" in c:
            c["labels"] = [int(r[0]) for r in c.pop("numbers")]
    return out


def km_case(name, est, X, **kw):
    case(name, est, X, checks=km_checks(est, X), **kw)


KM = {
    "kmeans_lloyd": (KMeans(n_clusters=5, n_init=3, random_state=0).fit(Xb), Xbt),
    "kmeans_elkan": (KMeans(n_clusters=4, n_init=2, algorithm="elkan", random_state=1).fit(Xb), Xbt),
    "kmeans_one_cluster": (KMeans(n_clusters=1, n_init=1, random_state=0).fit(Xb), Xbt),
    # random_state as a RandomState object: kept in the state as inert data.
    "kmeans_random_state_obj": (KMeans(n_clusters=3, n_init=2, random_state=np.random.RandomState(5)).fit(Xb), Xbt),
    "kmeans_minibatch": (MiniBatchKMeans(n_clusters=6, n_init=3, batch_size=64, random_state=0).fit(Xb), Xbt),
}
for _name, (_est, _X) in KM.items():
    km_case(_name, _est, _X)

# Ties: centers 0 and 2 equal, center 1 at distance 2 from center 0 along x.
# Rows on the bisector, on a duplicate and exactly between: the lowest index wins.
_tie = KMeans(n_clusters=3, n_init=1, random_state=0).fit(Xb[:, :2])
_tie.cluster_centers_ = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]])
_Xtie = np.array([[1.0, 5.0], [1.0, -3.0], [0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.5, 0.25], [-1.0, 0.0]])
km_case("kmeans_ties", _tie, _Xtie)

km_case("kmeans_pipe_scaled", Pipeline([("sc", StandardScaler()), ("km", KMeans(4, n_init=2, random_state=0))]).fit(Xb),
        Xbt)
# KMeans as a transformer (distances, 6 columns) before a classifier on 4 features.
_yb = (Xb[:, 0] > Xb[:, 0].mean()).astype(int)
km_case("kmeans_pipe_features", Pipeline([("km", KMeans(6, n_init=2, random_state=0)),
                                          ("lr", LogisticRegression(max_iter=1000))]).fit(Xb, _yb), Xbt)


# ---- other versions ----------------------------------------------------------
def km_as_version(version):
    def hook(est, s):
        s["_sklearn_version"] = version
        if version < "0.24":
            s.pop("n_features_in_", None)
            s.pop("_n_features_out", None)
        s.pop("feature_names_in_", None)
        return s
    return hook


KM_OLD = {KMeans: "sklearn.cluster.k_means_", MiniBatchKMeans: "sklearn.cluster.k_means_"}
for _name in ("kmeans_lloyd", "kmeans_minibatch", "kmeans_random_state_obj"):
    _est, _X = KM[_name]
    km_case(_name.replace("kmeans_", "kmeans_old021_"), _est, _X, version="0.21.3", protos=(2, 4),
            state=km_as_version("0.21.3"), modules=KM_OLD)
_est, _X = KM["kmeans_lloyd"]
km_case("kmeans_numpy2_lloyd", _est, _X, protos=(2, 4, 5), joblibs=False, numpy2=True)
km_case("kmeans_v16_lloyd", _est, _X, version="1.6.1", protos=(5,), joblibs=False, state=km_as_version("1.6.1"))


# ---- refusals ------------------------------------------------------------------
def km_set(key, value):
    def hook(est, s):
        if isinstance(est, (KMeans, MiniBatchKMeans)):
            if value is KeyError:
                s.pop(key, None)
            else:
                s[key] = value(s[key]) if callable(value) else value
        return s
    return hook


_k = KM["kmeans_lloyd"][0]
refuse("kmeans_no_centers", _k, state=km_set("cluster_centers_", KeyError))
refuse("kmeans_centers_nan", _k, state=km_set("cluster_centers_", lambda a: np.where(np.arange(a.size).reshape(a.shape) == 6, np.nan, a)))
refuse("kmeans_centers_1d", _k, state=km_set("cluster_centers_", lambda a: a.ravel()))
refuse("kmeans_centers_empty", _k, state=km_set("cluster_centers_", lambda a: a[:0].copy()))
refuse("kmeans_n_features", _k, state=km_set("n_features_in_", 3))
refuse("kmeans_n_features_negative", _k, state=km_set("n_features_in_", -1))
refuse("kmeans_centers_str", _k, state=km_set("cluster_centers_", "k-means++"))
