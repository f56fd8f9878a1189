# Neighbours: KNeighborsClassifier / KNeighborsRegressor with brute, kd_tree
# and ball_tree, uniform and distance weights, euclidean / manhattan /
# chebyshev / minkowski. Run by make_mapping_cases.py in its namespace (case,
# refuse, hooks, as_version, fake_class, _fake_function...). Case names start
# with "knn_"; other-version files are "knn_old021_*", "knn_old018_*",
# "knn_numpy2_*", "knn_v19_*".
#
# Most data here is integer-valued on purpose: many training points at exactly
# the same distance from a query, duplicated training rows, queries on training
# points (distance 0), so that which k neighbours scikit-learn keeps, and in
# which order it sums them, is tested and not just the nearest point.
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neighbors._ball_tree import BallTree
from sklearn.neighbors._kd_tree import KDTree
import sklearn.neighbors._ball_tree as _bt_mod
import sklearn.neighbors._kd_tree as _kd_mod
import sklearn.metrics._dist_metrics as _dm_mod

rng_knn = np.random.RandomState(11)
# Integer grid data with duplicates: ties everywhere.
Xi = rng_knn.randint(0, 5, size=(90, 2)).astype(np.float64)
yi = rng_knn.randint(0, 3, size=90)
yis = np.array(["a", "b", "c"])[yi]
yir = rng_knn.randint(-20, 20, size=90) / 4.0 + 0.1
yim = np.c_[yir, rng_knn.randint(0, 9, size=90) * 0.7]
Xti = np.vstack([np.array([[x, y] for x in np.arange(-1, 6, 0.5) for y in np.arange(-1, 6, 0.5)]), Xi[:10]])
# Three integer features, more points: deeper trees.
Xi3 = rng_knn.randint(0, 4, size=(160, 3)).astype(np.float64)
yi3 = rng_knn.randint(0, 4, size=160)
yi3_multi = np.c_[yi3, rng_knn.randint(0, 2, size=160) * 5]
Xti3 = np.vstack([rng_knn.randint(-1, 5, size=(60, 3)) + rng_knn.randint(0, 2, size=(60, 3)) * 0.5, Xi3[:8]])
# Real-valued data.
Xk, yk = make_classification(n_samples=150, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
                             random_state=12)
Xtk = Xk[:30] * 1.07 + 0.01
Xkr, ykr = make_regression(n_samples=150, n_features=4, noise=2.0, random_state=13)
Xtkr = Xkr[:30] * 0.93 - 0.02

KC, KR = KNeighborsClassifier, KNeighborsRegressor
KNN = {}
for algo in ("brute", "kd_tree", "ball_tree"):
    a = algo.split("_")[0]
    for w in ("uniform", "distance"):
        KNN["knn_clf_int_%s_%s_k5" % (a, w)] = (KC(5, weights=w, algorithm=algo, leaf_size=3).fit(Xi, yi), Xti)
        KNN["knn_clf_int_%s_%s_k9_str" % (a, w)] = (KC(9, weights=w, algorithm=algo, leaf_size=2).fit(Xi, yis), Xti)
        KNN["knn_reg_int_%s_%s_k8" % (a, w)] = (KR(8, weights=w, algorithm=algo, leaf_size=4).fit(Xi, yir), Xti)
        KNN["knn_clf_3d_%s_%s_manhattan" % (a, w)] = (KC(6, weights=w, algorithm=algo, leaf_size=3,
                                                          metric="manhattan").fit(Xi3, yi3), Xti3)
        KNN["knn_clf_3d_%s_%s_chebyshev" % (a, w)] = (KC(7, weights=w, algorithm=algo, leaf_size=5,
                                                          metric="chebyshev").fit(Xi3, yi3), Xti3)
        KNN["knn_reg_3d_%s_%s_minkowski3" % (a, w)] = (KR(10, weights=w, algorithm=algo, leaf_size=3, p=3)
                                                       .fit(Xi3, yi3 * 1.5), Xti3)
        KNN["knn_clf_real_%s_%s" % (a, w)] = (KC(7, weights=w, algorithm=algo, leaf_size=6).fit(Xk, yk), Xtk)
        KNN["knn_reg_real_%s_%s_p1.5" % (a, w)] = (KR(6, weights=w, algorithm=algo, p=1.5).fit(Xkr, ykr), Xtkr)
    KNN["knn_reg_multi_%s" % a] = (KR(9, weights="distance", algorithm=algo, leaf_size=3).fit(Xi, yim), Xti)
    KNN["knn_reg_multi_uniform_%s" % a] = (KR(9, algorithm=algo, leaf_size=3).fit(Xi, yim), Xti)
    KNN["knn_clf_multi_%s" % a] = (KC(5, algorithm=algo, leaf_size=3).fit(Xi3, yi3_multi), Xti3)
    KNN["knn_clf_k1_%s" % a] = (KC(1, algorithm=algo, leaf_size=1).fit(Xi, yi), Xti)
    KNN["knn_clf_all_%s" % a] = (KC(90, weights="distance", algorithm=algo).fit(Xi, yi), Xti)
KNN["knn_clf_auto"] = (KC(4).fit(Xi, yis), Xti)
KNN["knn_reg_auto_f32"] = (KR(5, algorithm="kd_tree", leaf_size=2).fit(Xkr.astype(np.float32), ykr), Xtkr)
KNN["knn_reg_int_y"] = (KR(3, algorithm="ball_tree").fit(Xi, yi * 3 - 1), Xti)
KNN["knn_pipe_scaled"] = (Pipeline([("sc", StandardScaler()), ("knn", KC(5, weights="distance"))]).fit(Xk, yk), Xtk)

for name, (est, X) in KNN.items():
    # Integer data: every distance is exact in both implementations (Minkowski's
    # pow goes through numpy's vectorized power in the trees: not exact).
    exact = ("_int_" in name or "_3d_" in name or "_multi" in name or "_k1_" in name or "_all_" in name) and \
        "minkowski" not in name
    case(name, est, X, checks=checks_for(est, X, exact=exact))


# ---- other versions -----------------------------------------------------------
# The tree and its metric are Cython types whose module cannot be renamed: an
# old file's tree is rewritten as REDUCE(<old>.newObj, (<old>.KDTree,)) with the
# same state, and its metric likewise.
class OldTree:
    def __init__(self, tree, module, cls_name, metric_module):
        self.tree, self.module, self.cls_name, self.metric_module = tree, module, cls_name, metric_module

    def __reduce__(self):
        _, _, st = self.tree.__reduce__()
        st = list(st)
        dm = st[11]
        _, (dm_cls,), dm_state = dm.__reduce__()
        st[11] = Reduced2(_fake_function(self.metric_module, "newObj"),
                          (class_in(self.metric_module, dm_cls.__name__),), dm_state)
        if not self.module.startswith("sklearn.neighbors._"):
            st = st[:12]  # no sample_weight before 0.22
        return (_fake_function(self.module, "newObj"), (class_in(self.module, self.cls_name),), tuple(st))


def class_in(module, name):
    """The class `name` of `module`: the real one where the module has it (never
    replace a class of a loaded module), else a stand-in."""
    m = fake_module(module)
    return getattr(m, name) if hasattr(m, name) else fake_class(module, name)


class Reduced2:
    """Pickles as REDUCE(fn, args) + BUILD(state)."""

    def __init__(self, fn, args, state):
        self.fn, self.args, self.state = fn, args, state

    def __reduce__(self):
        return self.fn, self.args, self.state


KNN_OLD_PATHS = {KNeighborsClassifier: "sklearn.neighbors.classification",
                 KNeighborsRegressor: "sklearn.neighbors.regression",
                 StandardScaler: "sklearn.preprocessing.data"}


def knn_as_version(version, tree_module=None, metric_module=None):
    base = as_version(version)

    def hook(est, s):
        s = base(est, s)
        if isinstance(est, (KNeighborsClassifier, KNeighborsRegressor)):
            s.pop("n_samples_fit_", None)
            if s.get("_tree") is not None and tree_module is not None:
                kd = isinstance(s["_tree"], KDTree)
                s["_tree"] = OldTree(s["_tree"], tree_module % ("kd_tree" if kd else "ball_tree"),
                                     "KDTree" if kd else "BallTree", metric_module)
        return s
    return hook


for name in ("knn_clf_int_kd_distance_k5", "knn_clf_int_ball_uniform_k9_str", "knn_reg_int_brute_distance_k8",
             "knn_reg_3d_kd_uniform_minkowski3", "knn_clf_3d_ball_distance_chebyshev", "knn_pipe_scaled"):
    est, X = KNN[name]
    case(name.replace("knn_", "knn_old021_", 1), est, X, version="0.21.3", protos=(2, 4),
         state=knn_as_version("0.21.3", "sklearn.neighbors.%s", "sklearn.neighbors.dist_metrics"),
         modules=KNN_OLD_PATHS, checks=checks_for(est, X, exact="pipe" not in name and "minkowski" not in name))
for name in ("knn_clf_int_kd_uniform_k5", "knn_reg_int_ball_distance_k8"):
    est, X = KNN[name]
    case(name.replace("knn_", "knn_old018_", 1), est, X, version="0.18.2", protos=(2,), joblibs=False,
         state=knn_as_version("0.18.2", "sklearn.neighbors.%s", "sklearn.neighbors.dist_metrics"),
         modules=KNN_OLD_PATHS, checks=checks_for(est, X, exact=True))
for name in ("knn_clf_int_kd_distance_k5", "knn_reg_3d_ball_uniform_minkowski3"):
    est, X = KNN[name]
    case(name.replace("knn_", "knn_v023_", 1), est, X, version="0.23.2", protos=(4,), joblibs=False,
         state=knn_as_version("0.23.2", "sklearn.neighbors._%s", "sklearn.neighbors._dist_metrics"),
         checks=checks_for(est, X, exact="minkowski" not in name))
for name in ("knn_clf_int_brute_distance_k9_str", "knn_reg_int_kd_uniform_k8", "knn_clf_3d_ball_uniform_manhattan"):
    est, X = KNN[name]
    case(name.replace("knn_", "knn_numpy2_", 1), est, X, protos=(2, 4, 5), joblibs=False, numpy2=True,
         checks=checks_for(est, X, exact=True))
    case(name.replace("knn_", "knn_v19_", 1), est, X, version="1.9.0", protos=(5,), joblibs=False,
         state=as_version("1.9.0", rename_n_features=False), checks=checks_for(est, X, exact=True))


# ---- refusals: one broken thing each ---------------------------------------------
class BrokenTree:
    """The fitted tree with `edit(state_list)` applied to its state."""

    def __init__(self, tree, edit):
        self.tree, self.edit = tree, edit

    def __reduce__(self):
        fn, args, st = self.tree.__reduce__()
        st = list(st)
        self.edit(st)
        return fn, args, tuple(st)


def knn_patch(**changes):
    def hook(est, s):
        if isinstance(est, (KNeighborsClassifier, KNeighborsRegressor)):
            for k, v in changes.items():
                if v is KeyError:
                    s.pop(k, None)
                else:
                    s[k] = v(s[k]) if callable(v) and not isinstance(v, type) else v
        return s
    return hook


def tree_edit(edit):
    return knn_patch(_tree=lambda t: BrokenTree(t, edit))


def set_item(i, f):
    def edit(st):
        st[i] = f(st[i])
    return edit


def nd_edit(f):
    def g(nd):
        nd = nd.copy()
        f(nd)
        return nd
    return g


kd5 = KNN["knn_clf_int_kd_uniform_k5"][0]
ball5 = KNN["knn_clf_int_ball_uniform_k5"][0]
brute5 = KNN["knn_clf_int_brute_uniform_k5"][0]
reg_kd = KNN["knn_reg_int_kd_uniform_k8"][0]


def swap_idx(a):
    a = a.copy()
    a[3] = a[4]
    return a


refuse("knn_idx_not_permutation", kd5, state=tree_edit(set_item(1, swap_idx)))
refuse("knn_idx_out_of_range", kd5, state=tree_edit(set_item(1, lambda a: np.where(np.arange(a.size) == 2, 90, a))))
def nd_set(i, field, f):
    return set_item(2, nd_edit(lambda nd: nd[field].__setitem__(i, f(nd[field][i]))))


refuse("knn_node_range_outside", kd5, state=tree_edit(nd_set(5, "idx_end", lambda v: 1000)))
refuse("knn_children_not_split", kd5, state=tree_edit(nd_set(1, "idx_end", lambda v: v - 1)))
refuse("knn_root_range", ball5, state=tree_edit(nd_set(0, "idx_start", lambda v: 1)))
refuse("knn_is_leaf_2", kd5, state=tree_edit(nd_set(0, "is_leaf", lambda v: 2)))
refuse("knn_radius_nan", ball5, state=tree_edit(nd_set(3, "radius", lambda v: np.nan)))
refuse("knn_bounds_shape", kd5, state=tree_edit(set_item(3, lambda b: b[:1])))
refuse("knn_bounds_inf", kd5, state=tree_edit(set_item(3, lambda b: np.where(b == b.max(), np.inf, b))))
refuse("knn_n_levels", kd5, state=tree_edit(set_item(5, lambda v: v + 1)))
refuse("knn_tree_data_differs", kd5, state=tree_edit(set_item(0, lambda d: d + 1.0)))
refuse("knn_tree_metric_mismatch", kd5, state=tree_edit(set_item(11, lambda m: _dm_mod.DistanceMetric.get_metric(
    "manhattan"))))
refuse("knn_tree_state_short", kd5, state=tree_edit(lambda st: st.__delitem__(slice(5, None))))
refuse("knn_tree_wrong_class", kd5, state=knn_patch(_tree=lambda t: BallTree(Xi, leaf_size=3)))
refuse("knn_brute_with_tree", brute5, state=knn_patch(_tree=lambda t: KDTree(Xi)))
refuse("knn_weights_callable", brute5, state=knn_patch(weights=np.float64))
refuse("knn_weights_unknown", brute5, state=knn_patch(weights="gaussian"))
refuse("knn_metric_unknown", brute5, state=knn_patch(effective_metric_="cosine"))
refuse("knn_metric_params", brute5, state=knn_patch(effective_metric_params_={"V": 1.0}))
refuse("knn_minkowski_p_half", KNN["knn_reg_3d_brute_uniform_minkowski3"][0],
       state=knn_patch(effective_metric_params_={"p": 0.5}))
refuse("knn_fit_method", brute5, state=knn_patch(_fit_method="lsh"))
refuse("knn_k_too_large", brute5, state=knn_patch(n_neighbors=91))
refuse("knn_k_zero", brute5, state=knn_patch(n_neighbors=0))
refuse("knn_y_out_of_range", brute5, state=knn_patch(_y=lambda y: np.where(np.arange(y.size) == 7, 3, y)))
refuse("knn_y_rows", brute5, state=knn_patch(_y=lambda y: y[:-1]))
refuse("knn_fit_x_nan", brute5, state=knn_patch(_fit_X=lambda x: np.where(np.arange(x.size).reshape(x.shape) == 5,
                                                                          np.nan, x)))
refuse("knn_fit_x_f32_brute", brute5, state=knn_patch(_fit_X=lambda x: x.astype(np.float32)))
refuse("knn_features_in", brute5, state=knn_patch(n_features_in_=3))
refuse("knn_reg_y_inf", reg_kd, state=knn_patch(_y=lambda y: np.where(np.arange(y.size) == 4, np.inf, y)))
refuse("knn_no_fit_x", brute5, state=knn_patch(_fit_X=KeyError))
