# Naive Bayes cases ("nb_" prefix): GaussianNB, MultinomialNB, BernoulliNB,
# ComplementNB with int, str and float labels; files rewritten as other
# scikit-learn versions (sigma_ before 1.0, no n_features_in_ before 0.24);
# files broken in one place. Run by make_mapping_cases.py in its namespace.
import warnings

from sklearn.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB

warnings.filterwarnings("ignore", category=FutureWarning)   # force_alpha's default
warnings.filterwarnings("ignore", category=UserWarning)     # alpha=0 warnings

_rng = np.random.RandomState(11)
# Counts for the discrete models: three classes with different word rates.
_rates = np.array([[1, 5, 1, 3, 0.2, 2, 1, 4], [4, 1, 2, 0.5, 3, 1, 2, 1], [2, 2, 5, 1, 1, 0.1, 3, 2]])
_yn = np.repeat([0, 1, 2], 60)
Xn = _rng.poisson(_rates[_yn]).astype(np.float64)
Xnt = _rng.poisson(_rates[np.tile([0, 1, 2], 14)]).astype(np.float64)
Xnt[0, :] = 0.0                       # an empty document
Xnt[1, 3] = 1000.0                    # a far-off count: probabilities that underflow exp()
yns = np.array(["ham", "spam", "eggs"])[_yn]
ynf = np.array([-1.0, 0.0, 2.0])[_yn]
Xg, yg = X3, y3                       # 7 continuous features, 3 classes
Xgt = np.vstack([Xt3, Xt3[:3] * 6.0])  # a few rows far from every mean

NB = {
    "nb_gaussian": (GaussianNB().fit(Xg, yg), Xgt),
    "nb_gaussian_str": (GaussianNB().fit(Xg, ys), Xgt),
    "nb_gaussian_float_labels": (GaussianNB(var_smoothing=1e-3).fit(Xc, yc * 2.0 - 1.0), Xtc),
    "nb_gaussian_priors": (GaussianNB(priors=[0.2, 0.5, 0.3]).fit(Xg, yg), Xgt),
    "nb_gaussian_bool_labels": (GaussianNB().fit(Xc, yc == 1), Xtc),
    "nb_multinomial": (MultinomialNB().fit(Xn, _yn), Xnt),
    "nb_multinomial_str": (MultinomialNB(alpha=0.5).fit(Xn, yns), Xnt),
    "nb_multinomial_float_labels": (MultinomialNB(fit_prior=False).fit(Xn, ynf), Xnt),
    "nb_multinomial_alpha_array": (MultinomialNB(alpha=np.linspace(0.1, 2.0, 8)).fit(Xn, _yn), Xnt),
    "nb_multinomial_class_prior": (MultinomialNB(class_prior=[0.5, 0.0, 0.5]).fit(Xn, _yn), Xnt),
    "nb_multinomial_negative_x": (MultinomialNB().fit(Xn, _yn), Xnt - 2.0),  # predict does not check sign
    "nb_bernoulli": (BernoulliNB().fit(Xg, yg), Xgt),
    "nb_bernoulli_threshold": (BernoulliNB(binarize=1.5, alpha=0.3).fit(Xn, yns), Xnt),
    "nb_bernoulli_none": (BernoulliNB(binarize=None).fit((Xn > 1).astype(float), _yn), Xnt / 4.0),
    "nb_complement": (ComplementNB().fit(Xn, _yn), Xnt),
    "nb_complement_norm": (ComplementNB(norm=True).fit(Xn, yns), Xnt),
    "nb_complement_one_class": (ComplementNB().fit(Xn[:60], _yn[:60]), Xnt),
    "nb_multinomial_one_class": (MultinomialNB().fit(Xn[:60], yns[:60]), Xnt),
}
# partial_fit told of a class it never sees: class_log_prior_ holds -inf.
_unseen = MultinomialNB().partial_fit(Xn, _yn, classes=[0, 1, 2, 3])
NB["nb_multinomial_unseen_class"] = (_unseen, Xnt)
# alpha = 0 kept as given: feature_log_prob_ holds -inf where a count is 0.
_alpha0 = MultinomialNB(alpha=0.0, force_alpha=True).fit(Xn[:, :6] * (Xn[:, :6] > 2), _yn)
NB["nb_multinomial_alpha0"] = (_alpha0, Xnt[:, :6] * (Xnt[:, :6] > 2))
for _name, (_est, _X) in NB.items():
    case(_name, _est, _X)

# A pipeline: scaler -> Gaussian naive Bayes.
case("nb_pipe_gaussian", Pipeline([("sc", StandardScaler()), ("nb", GaussianNB())]).fit(Xg, ys), Xgt)


# ---- other versions ----------------------------------------------------------
def nb_as_version(version, sigma=False, n_features_=False):
    """Before 1.0 GaussianNB kept var_ as sigma_; before 0.24 no n_features_in_
    (the discrete models had n_features_ in 0.2x)."""
    def hook(est, s):
        s["_sklearn_version"] = version
        n = s.pop("n_features_in_", None)
        s.pop("feature_names_in_", None)
        if n_features_ and n is not None:
            s["n_features_"] = n
        if sigma and "var_" in s:
            s["sigma_"] = s.pop("var_")
        if version < "0.20":
            s.pop("epsilon_", None)
        return s
    return hook


for _name in ("nb_gaussian", "nb_gaussian_str"):
    _est, _X = NB[_name]
    case(_name.replace("nb_", "nb_old021_"), _est, _X, version="0.21.3", protos=(2, 4),
         state=nb_as_version("0.21.3", sigma=True))
_est, _X = NB["nb_gaussian"]
case("nb_old018_gaussian", _est, _X, version="0.18.2", protos=(2,), joblibs=False,
     state=nb_as_version("0.18.2", sigma=True))
case("nb_v102_gaussian", _est, _X, version="1.0.2", protos=(4,), joblibs=False,
     state=lambda e, s: dict(s, _sklearn_version="1.0.2"))
for _name in ("nb_multinomial", "nb_bernoulli", "nb_complement_norm"):
    _est, _X = NB[_name]
    case(_name.replace("nb_", "nb_old021_"), _est, _X, version="0.21.3", protos=(2, 4),
         state=nb_as_version("0.21.3", n_features_=True))
_est, _X = NB["nb_bernoulli_threshold"]
case("nb_old020_bernoulli_threshold", _est, _X, version="0.20.4", protos=(2,), joblibs=False,
     state=nb_as_version("0.20.4"))
for _name in ("nb_gaussian_str", "nb_multinomial", "nb_bernoulli_none"):
    _est, _X = NB[_name]
    case(_name.replace("nb_", "nb_numpy2_"), _est, _X, protos=(2, 4, 5), joblibs=False, numpy2=True)
_est, _X = NB["nb_complement"]
case("nb_v19_complement", _est, _X, version="1.9.0", protos=(5,), joblibs=False,
     state=lambda e, s: dict(s, _sklearn_version="1.9.0"))


# ---- refusals ------------------------------------------------------------------
def nb_set(cls, key, value):
    """Sets (or, with value=KeyError, drops) one attribute of the cls object."""
    def hook(est, s):
        if type(est) is cls:
            if value is KeyError:
                s.pop(key, None)
            else:
                s[key] = value(s[key]) if callable(value) else value
        return s
    return hook


def nb_poke(index, v):
    def f(a):
        a = np.array(a, dtype=np.float64, copy=True)
        a.flat[index] = v
        return a
    return f


_g = NB["nb_gaussian"][0]
_m = NB["nb_multinomial"][0]
refuse("nb_gaussian_var_zero", _g, state=nb_set(GaussianNB, "var_", nb_poke(4, 0.0)))
refuse("nb_gaussian_var_negative", _g, state=nb_set(GaussianNB, "var_", nb_poke(9, -1.0)))
refuse("nb_gaussian_no_var", _g, state=nb_set(GaussianNB, "var_", KeyError))
refuse("nb_gaussian_classes_len", _g, state=nb_set(GaussianNB, "classes_", lambda a: a[:2].copy()))
refuse("nb_gaussian_var_shape", _g, state=nb_set(GaussianNB, "var_", lambda a: a[:, :-1].copy()))
refuse("nb_gaussian_theta_inf", _g, state=nb_set(GaussianNB, "theta_", nb_poke(2, np.inf)))
refuse("nb_gaussian_prior_nan", _g, state=nb_set(GaussianNB, "class_prior_", nb_poke(1, np.nan)))
refuse("nb_gaussian_class_count_len", _g, state=nb_set(GaussianNB, "class_count_", lambda a: a[:2].copy()))
refuse("nb_gaussian_n_features", _g, state=nb_set(GaussianNB, "n_features_in_", 99))
refuse("nb_gaussian_sigma_str", _g, state=lambda e, s: dict(nb_as_version("0.21.3", sigma=True)(e, s), sigma_="wide"))
refuse("nb_multinomial_flp_nan", _m, state=nb_set(MultinomialNB, "feature_log_prob_", nb_poke(5, np.nan)))
refuse("nb_multinomial_flp_positive", _m, state=nb_set(MultinomialNB, "feature_log_prob_", nb_poke(3, 0.25)))
refuse("nb_multinomial_flp_1d", _m, state=nb_set(MultinomialNB, "feature_log_prob_", lambda a: a.ravel()))
refuse("nb_multinomial_prior_inf", _m, state=nb_set(MultinomialNB, "class_log_prior_", nb_poke(0, np.inf)))
refuse("nb_multinomial_prior_len", _m, state=nb_set(MultinomialNB, "class_log_prior_", lambda a: a[:2].copy()))
refuse("nb_multinomial_classes_len", _m, state=nb_set(MultinomialNB, "classes_", lambda a: a[:2].copy()))
refuse("nb_multinomial_class_count_negative", _m,
       state=nb_set(MultinomialNB, "class_count_", nb_poke(1, -3.0)))
refuse("nb_bernoulli_binarize_str", NB["nb_bernoulli"][0], state=nb_set(BernoulliNB, "binarize", "yes"))
refuse("nb_bernoulli_binarize_nan", NB["nb_bernoulli"][0], state=nb_set(BernoulliNB, "binarize", float("nan")))
refuse("nb_bernoulli_no_binarize", NB["nb_bernoulli"][0], state=nb_set(BernoulliNB, "binarize", KeyError))
refuse("nb_complement_negative", NB["nb_complement"][0],
       state=nb_set(ComplementNB, "feature_log_prob_", nb_poke(7, -0.5)))
