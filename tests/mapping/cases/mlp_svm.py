# Neural networks and SVMs: MLPClassifier/MLPRegressor and the libsvm
# estimators (SVC, NuSVC, SVR, NuSVR, OneClassSVM). Run by
# make_mapping_cases.py in its namespace (case, refuse, hooks, as_version,
# M, X3/y3, Xc/yc, Xr/yr, Xm/ym, ys...). Case names start with "mlp_" or
# "svm_"; other-version files are "mlp_old021_*", "svm_v19_*", ...
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import LabelBinarizer
from sklearn.svm import SVC, SVR, NuSVC, NuSVR, OneClassSVM

warnings.simplefilter("ignore", ConvergenceWarning)

yf = np.where(yc == 1, 2.0, -1.0)                       # float labels
ybs = np.array(["no", "yes"])[yc]                        # binary str labels
y_ml = np.c_[y3 == 0, X3[:, 0] > 0, X3[:, 1] + X3[:, 2] > 0.3].astype(int)   # multilabel indicator
X4, y4 = make_classification(n_samples=240, n_features=5, n_informative=4, n_redundant=0, n_classes=4,
                             n_clusters_per_class=1, random_state=5)
Xt4 = X4[:40] * 1.05

MS = {
    # ---- MLP ----
    "mlp_clf_relu_multi": (MLPClassifier(hidden_layer_sizes=(8, 5), max_iter=300, random_state=0).fit(X3, y3), Xt3),
    "mlp_clf_tanh_bin_str": (MLPClassifier(hidden_layer_sizes=(6,), activation="tanh", max_iter=300,
                                           random_state=1).fit(Xc, ybs), Xtc),
    "mlp_clf_logistic_str": (MLPClassifier(hidden_layer_sizes=(7,), activation="logistic", max_iter=400,
                                           random_state=2).fit(X3, ys), Xt3),
    "mlp_clf_identity_float": (MLPClassifier(hidden_layer_sizes=(4,), activation="identity", max_iter=300,
                                             random_state=3).fit(Xc, yf), Xtc),
    "mlp_clf_multilabel": (MLPClassifier(hidden_layer_sizes=(9,), max_iter=400, random_state=4).fit(X3, y_ml), Xt3),
    "mlp_clf_lbfgs_4": (MLPClassifier(hidden_layer_sizes=(10, 6, 4), solver="lbfgs", max_iter=200,
                                      random_state=5).fit(X4, y4), Xt4),
    "mlp_clf_sgd_early": (MLPClassifier(hidden_layer_sizes=(6,), solver="sgd", early_stopping=True, max_iter=60,
                                        random_state=6).fit(X3, ys), Xt3),
    "mlp_reg_relu": (MLPRegressor(hidden_layer_sizes=(10,), max_iter=400, random_state=0).fit(Xr, yr), Xtr),
    "mlp_reg_tanh_multi": (MLPRegressor(hidden_layer_sizes=(8, 4), activation="tanh", max_iter=400,
                                        random_state=1).fit(Xm, ym), Xtm),
    "mlp_reg_logistic_deep": (MLPRegressor(hidden_layer_sizes=(6, 5, 4), activation="logistic", solver="lbfgs",
                                           max_iter=300, random_state=2).fit(Xr, yr), Xtr),
    "mlp_pipe_scaled": (Pipeline([("sc", StandardScaler()), ("mlp", MLPClassifier(
        hidden_layer_sizes=(5,), max_iter=300, random_state=7))]).fit(X3, ys), Xt3),
    # ---- libsvm ----
    "svm_svc_rbf_ovr": (SVC().fit(X3, y3), Xt3),
    "svm_svc_rbf_ovo": (SVC(decision_function_shape="ovo", C=2.0).fit(X3, ys), Xt3),
    "svm_svc_rbf_bin_str": (SVC(gamma=0.2).fit(Xc, ybs), Xtc),
    "svm_svc_linear_4": (SVC(kernel="linear", C=0.5).fit(X4, y4), Xt4),
    "svm_svc_poly": (SVC(kernel="poly", degree=3, coef0=1.0, gamma="auto").fit(X3, y3), Xt3),
    "svm_svc_sigmoid_bin": (SVC(kernel="sigmoid", gamma=0.05, coef0=-0.5).fit(Xc, yc), Xtc),
    "svm_svc_break_ties": (SVC(break_ties=True, C=0.3).fit(X4, y4), Xt4),
    "svm_svc_proba_multi": (SVC(probability=True, random_state=0).fit(X3, ys), Xt3),
    "svm_svc_proba_bin": (SVC(probability=True, random_state=0).fit(Xc, yf), Xtc),
    "svm_svc_proba_poly_4": (SVC(kernel="poly", degree=2, probability=True, random_state=1).fit(X4, y4), Xt4),
    "svm_nusvc_proba": (NuSVC(nu=0.3, probability=True, random_state=0).fit(X3, y3), Xt3),
    "svm_nusvc_linear_bin": (NuSVC(kernel="linear", nu=0.4).fit(Xc, yc), Xtc),
    "svm_svr_rbf": (SVR(C=10.0, epsilon=0.5).fit(Xr, yr), Xtr),
    "svm_svr_linear": (SVR(kernel="linear", C=0.1).fit(Xr, yr), Xtr),
    "svm_nusvr_poly": (NuSVR(kernel="poly", degree=2, coef0=0.5, nu=0.5).fit(Xr, yr / 50.0), Xtr),
    "svm_oneclass": (OneClassSVM(nu=0.2, gamma=0.1).fit(X3), Xt3 * 1.3),
    "svm_pipe_scaled": (Pipeline([("sc", StandardScaler()), ("svc", SVC(probability=True, random_state=3))])
                        .fit(X3, ys), Xt3),
}
for name, (est, X) in MS.items():
    case(name, est, X)

# libsvm's arithmetic is reproduced step for step (kernel sums in the order of
# the reference BLAS ddot that Debian's scipy links, glibc exp/tanh, the same
# coupling iterations): the SVM checks are bit-exact, logarithms excepted.
def exact_svm_checks():
    for c in manifest:
        if c["name"].startswith("svm_"):
            for ch in c["checks"]:
                ch["exact"] = ch["method"] != "predict_log_proba"


# ---- other versions -----------------------------------------------------------
MLP_SVM_OLD_PATHS = {
    MLPClassifier: "sklearn.neural_network.multilayer_perceptron",
    MLPRegressor: "sklearn.neural_network.multilayer_perceptron",
    LabelBinarizer: "sklearn.preprocessing.label",
    SVC: "sklearn.svm.classes", NuSVC: "sklearn.svm.classes", SVR: "sklearn.svm.classes",
    NuSVR: "sklearn.svm.classes", OneClassSVM: "sklearn.svm.classes",
    StandardScaler: "sklearn.preprocessing.data",
}


def svm_as_version(version):
    """libsvm attributes as scikit-learn < 0.23 stored them (public n_support_,
    probA_, probB_; no break_ties before 0.22; no offset_ before 0.20)."""
    base = as_version(version)
    minor = int(version.split(".")[1])

    def hook(est, s):
        s = base(est, s)
        if isinstance(est, (SVC, NuSVC, SVR, NuSVR, OneClassSVM)):
            for new, old in (("_n_support", "n_support_"), ("_probA", "probA_"), ("_probB", "probB_")):
                if new in s:
                    s[old] = s.pop(new)
            if minor < 22:
                s.pop("break_ties", None)
            if minor < 20:
                s.pop("offset_", None)
        return s
    return hook


for name in ("mlp_clf_relu_multi", "mlp_clf_tanh_bin_str", "mlp_clf_multilabel", "mlp_reg_tanh_multi",
             "mlp_pipe_scaled"):
    est, X = MS[name]
    case(name.replace("mlp_", "mlp_old021_", 1), est, X, version="0.21.3", protos=(2, 4),
         state=as_version("0.21.3"), modules=MLP_SVM_OLD_PATHS)
est, X = MS["mlp_clf_sgd_early"]
case("mlp_old018_clf_sgd_early", est, X, version="0.18.2", protos=(2,), joblibs=False,
     state=as_version("0.18.2"), modules=MLP_SVM_OLD_PATHS)
for name in ("svm_svc_rbf_ovr", "svm_svc_proba_multi", "svm_svc_proba_bin", "svm_nusvc_proba", "svm_svr_rbf",
             "svm_oneclass", "svm_pipe_scaled"):
    est, X = MS[name]
    case(name.replace("svm_", "svm_old021_", 1), est, X, version="0.21.3", protos=(2, 4),
         state=svm_as_version("0.21.3"), modules=MLP_SVM_OLD_PATHS)
for name in ("svm_svc_poly", "svm_oneclass"):
    est, X = MS[name]
    case(name.replace("svm_", "svm_old019_", 1), est, X, version="0.19.2", protos=(2,), joblibs=False,
         state=svm_as_version("0.19.2"), modules=MLP_SVM_OLD_PATHS)
# 0.18 stored decision_function_shape=None by default, meaning one-vs-one.
def svm_018_none_shape(est, s):
    s = svm_as_version("0.18.2")(est, s)
    if isinstance(est, SVC):
        s["decision_function_shape"] = None
    return s


est, X = MS["svm_svc_rbf_ovo"]
case("svm_old018_none_shape", est, X, version="0.18.2", protos=(2,), joblibs=False, state=svm_018_none_shape,
     modules=MLP_SVM_OLD_PATHS)
for name in ("mlp_clf_logistic_str", "mlp_reg_relu", "svm_svc_proba_poly_4", "svm_nusvr_poly"):
    est, X = MS[name]
    case(name.replace("_", "_numpy2_", 1), est, X, protos=(2, 4, 5), joblibs=False, numpy2=True)
    case(name.replace("_", "_v19_", 1), est, X, version="1.9.0", protos=(5,), joblibs=False,
         state=as_version("1.9.0", rename_n_features=False))


# MLPRegressor(loss="poisson") (1.7+): out_activation_ "exp", which 1.2.1 lacks;
# the expected output is scikit-learn's identity-output network, exponentiated.
def poisson_out(est, s):
    s["_sklearn_version"] = "1.7.0"
    if isinstance(est, MLPRegressor):
        s["out_activation_"] = "exp"
        s["loss"] = "poisson"
    return s


est, X = MS["mlp_reg_tanh_multi"]
files = write_variants("mlp_v17_poisson", est, protos=(4, 5), joblibs=False, state=poisson_out)
manifest.append({"name": "mlp_v17_poisson", "files": files, "class": "MLPRegressor", "version": "1.7.0",
                 "X": clean(X.tolist()), "checks": [{"member": "", "method": "predict", "exact": False,
                                                     "numbers": clean(np.exp(est.predict(X)).tolist())}]})


exact_svm_checks()


# ---- refusals: one broken thing each ---------------------------------------------
def patch(cls, **changes):
    """State hook: apply `changes` (value, or a function of the old value) to
    objects of `cls`; KeyError as the value drops the attribute."""
    def hook(est, s):
        if isinstance(est, cls):
            for k, v in changes.items():
                if v is KeyError:
                    s.pop(k, None)
                else:
                    s[k] = v(s[k]) if callable(v) and not isinstance(v, type) else v
        return s
    return hook


mlp3 = MS["mlp_clf_relu_multi"][0]
mlp_bin = MS["mlp_clf_tanh_bin_str"][0]
svc3 = MS["svm_svc_proba_multi"][0]
svc_poly = MS["svm_svc_poly"][0]


def bad_chain(coefs):
    c = list(coefs)
    c[1] = np.zeros((c[1].shape[0] + 1, c[1].shape[1]))
    return c


def nan_first(arrays):
    a = [x.copy() for x in arrays]
    a[0][0] = np.nan
    return a


def nan_at0(v):
    v = v.copy()
    v.flat[0] = np.nan
    return v


refuse("mlp_coef_chain", mlp3, state=patch(MLPClassifier, coefs_=bad_chain))
refuse("mlp_intercept_nan", mlp3, state=patch(MLPClassifier, intercepts_=nan_first))
refuse("mlp_intercept_count", mlp3, state=patch(MLPClassifier, intercepts_=lambda v: v[:-1]))
refuse("mlp_coefs_not_list", mlp3, state=patch(MLPClassifier, coefs_="weights"))
refuse("mlp_activation_unknown", mlp3, state=patch(MLPClassifier, activation="swish"))
refuse("mlp_hidden_softmax", mlp3, state=patch(MLPClassifier, activation="softmax"))
refuse("mlp_n_layers", mlp3, state=patch(MLPClassifier, n_layers_=7))
refuse("mlp_y_type_continuous", mlp3, state=patch(LabelBinarizer, y_type_="continuous"))
refuse("mlp_classes_count", mlp3, state=patch(LabelBinarizer, classes_=np.array([0, 1, 2, 3])))
refuse("mlp_binarizer_wrong_object", mlp_bin,
       state=patch(MLPClassifier, _label_binarizer=StandardScaler().fit(Xc)))
refuse("mlp_no_binarizer", mlp_bin, state=patch(MLPClassifier, _label_binarizer=KeyError))
refuse("mlp_features_in", mlp3, state=patch(MLPClassifier, n_features_in_=3))

refuse("svm_n_support_sum", svc3, state=patch(SVC, _n_support=lambda v: v + np.array([1, 0, 0], dtype=v.dtype)))
refuse("svm_n_support_negative", svc3, state=patch(SVC, _n_support=lambda v: v * np.array([-1, 1, 1], dtype=v.dtype)))
refuse("svm_dual_coef_shape", svc3, state=patch(SVC, _dual_coef_=lambda v: v[:1]))
refuse("svm_dual_coef_inf", svc3, state=patch(SVC, _dual_coef_=lambda v: np.where(np.arange(v.size).reshape(v.shape) == 3,
                                                                                   np.inf, v)))
refuse("svm_intercept_count", svc3, state=patch(SVC, _intercept_=lambda v: v[:2]))
refuse("svm_gamma_negative", svc3, state=patch(SVC, _gamma=-0.5))
refuse("svm_gamma_nan", svc3, state=patch(SVC, _gamma=float("nan")))
refuse("svm_prob_a_size", svc3, state=patch(SVC, _probA=lambda v: v[:1]))
refuse("svm_precomputed", svc3, state=patch(SVC, kernel="precomputed"))
refuse("svm_kernel_global", svc3, state=patch(SVC, kernel=np.float64))
refuse("svm_kernel_unknown", svc3, state=patch(SVC, kernel="laplacian"))
refuse("svm_sparse", svc3, state=patch(SVC, _sparse=True))
refuse("svm_sv_nan", svc3, state=patch(SVC, support_vectors_=nan_at0))
refuse("svm_sv_columns", svc3, state=patch(SVC, n_features_in_=9))
refuse("svm_degree_huge", svc_poly, state=patch(SVC, degree=5000))
refuse("svm_break_ties_ovo", svc3, state=patch(SVC, break_ties=True, decision_function_shape="ovo"))
refuse("svm_shape_unknown", svc3, state=patch(SVC, decision_function_shape="ova"))
refuse("svm_no_dual_coef", svc3, state=patch(SVC, _dual_coef_=KeyError))
refuse("svm_svr_two_rows", MS["svm_svr_rbf"][0], state=patch(SVR, _dual_coef_=lambda v: np.vstack([v, v])))


# A callable kernel pickles as a reference to the user's function: the VM
# refuses that global before any mapping.
def my_kernel(a, b):
    return a @ b.T


my_kernel.__module__ = "user_kernels"
fake_module("user_kernels").my_kernel = my_kernel
refuse("svm_kernel_function", svc3, state=patch(SVC, kernel=lambda old: my_kernel))
