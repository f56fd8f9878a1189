#include "pickle/allowlist.h"

#include <array>

namespace safemodel::pickle {
namespace {

// Each entry is one exact (module, name). Classes are only ever *recorded*
// (name + args + state); functions are emulated by the VM for the exact
// argument shapes documented in docs/PICKLE.md. Nothing here is imported.
constexpr AllowEntry kTable[] = {
    // ---- numpy arrays, dtypes, scalars ------------------------------------
    // ndarray.__reduce__ names _reconstruct; emulated as "empty array awaiting BUILD".
    {"numpy.core.multiarray", "_reconstruct", Role::kReconstruct, "numpy 1.x array reconstructor (emulated)"},
    {"numpy._core.multiarray", "_reconstruct", Role::kReconstruct, "numpy 2.x array reconstructor (emulated)"},
    // numpy scalars (np.float64(1.5) in a state): dtype + raw bytes, emulated.
    {"numpy.core.multiarray", "scalar", Role::kScalar, "numpy 1.x scalar from dtype + bytes (emulated)"},
    {"numpy._core.multiarray", "scalar", Role::kScalar, "numpy 2.x scalar from dtype + bytes (emulated)"},
    // Protocol 5 arrays: _frombuffer(buffer, dtype, shape, order), emulated.
    {"numpy.core.numeric", "_frombuffer", Role::kFromBuffer, "numpy 1.x protocol-5 array (emulated)"},
    {"numpy._core.numeric", "_frombuffer", Role::kFromBuffer, "numpy 2.x protocol-5 array (emulated)"},
    // dtype.__reduce__: numpy.dtype('f8', False, True) + BUILD state, emulated.
    {"numpy", "dtype", Role::kDTypeCtor, "dtype constructor from a type string (emulated)"},
    // Only accepted as the subtype argument of _reconstruct / joblib's subclass.
    {"numpy", "ndarray", Role::kArrayType, "array type tag, never called"},
    {"numpy.matrixlib.defmatrix", "matrix", Role::kArrayType, "2-d ndarray subclass tag, never called"},
    // Scalar types used as plain values (an estimator's dtype=np.float64 parameter).
    {"numpy", "float64", Role::kTypeValue, "type tag used as a parameter value"},
    {"numpy", "float32", Role::kTypeValue, "type tag used as a parameter value"},
    {"numpy", "int64", Role::kTypeValue, "type tag used as a parameter value"},
    {"numpy", "int32", Role::kTypeValue, "type tag used as a parameter value"},
    // Random states kept by estimators (random_state=np.random.RandomState(0)); recorded, never run.
    {"numpy.random._pickle", "__randomstate_ctor", Role::kRandomState, "RandomState factory, recorded as inert object"},
    {"numpy.random._pickle", "__bit_generator_ctor", Role::kBitGenerator, "bit generator factory, recorded as inert object"},
    {"numpy.random", "__RandomState_ctor", Role::kRandomState, "numpy < 1.17 RandomState factory, recorded"},

    // ---- Python builtins that pickle itself uses ---------------------------
    // Protocol < 2 new-style objects: copyreg._reconstructor(cls, object, None), emulated.
    {"copyreg", "_reconstructor", Role::kCopyregRecon, "object creation for protocol 0/1 (emulated)"},
    {"copy_reg", "_reconstructor", Role::kCopyregRecon, "Python 2 name of copyreg._reconstructor (emulated)"},
    {"builtins", "object", Role::kObjectBase, "base-class tag for _reconstructor, never called"},
    {"__builtin__", "object", Role::kObjectBase, "Python 2 name of builtins.object"},
    // bytes in protocol < 3: _codecs.encode(str, 'latin1'), emulated.
    {"_codecs", "encode", Role::kCodecsEncode, "bytes from latin-1 text (emulated, latin1 only)"},
    // Protocols 0-2 write b'' as bytes() (no argument), emulated.
    {"builtins", "bytes", Role::kBytes, "empty bytes, bytes() only (emulated)"},
    {"__builtin__", "bytes", Role::kBytes, "Python 2 name of bytes, bytes() only (emulated)"},
    {"builtins", "bytearray", Role::kByteArray, "bytearray from bytes (emulated)"},
    {"__builtin__", "bytearray", Role::kByteArray, "Python 2 name of bytearray (emulated)"},
    {"builtins", "set", Role::kSet, "set from a list (emulated)"},
    {"__builtin__", "set", Role::kSet, "Python 2 name of set (emulated)"},
    {"builtins", "frozenset", Role::kFrozenSet, "frozenset from a list (emulated)"},
    {"__builtin__", "frozenset", Role::kFrozenSet, "Python 2 name of frozenset (emulated)"},
    {"collections", "OrderedDict", Role::kOrderedDict, "becomes an ordinary ordered dict (emulated)"},

    // ---- joblib --------------------------------------------------------------
    // Array header; the VM reads the array bytes that follow its BUILD itself.
    {"joblib.numpy_pickle", "NumpyArrayWrapper", Role::kJoblibWrapper, "joblib array header (bytes follow inline)"},
    {"sklearn.externals.joblib.numpy_pickle", "NumpyArrayWrapper", Role::kJoblibWrapper,
     "vendored joblib array header (scikit-learn < 0.23)"},
    // Known, but refused by the VM with a reason: they name companion files.
    {"joblib.numpy_pickle", "NDArrayWrapper", Role::kJoblibOldWrapper, "joblib < 0.10 companion .npy file"},
    {"joblib.numpy_pickle", "ZNDArrayWrapper", Role::kJoblibOldWrapper, "joblib < 0.10 companion .npy.z file"},
    {"joblib.numpy_pickle_compat", "NDArrayWrapper", Role::kJoblibOldWrapper, "joblib < 0.10 companion .npy file"},
    {"joblib.numpy_pickle_compat", "ZNDArrayWrapper", Role::kJoblibOldWrapper, "joblib < 0.10 companion .npy.z file"},
    {"sklearn.externals.joblib.numpy_pickle", "NDArrayWrapper", Role::kJoblibOldWrapper, "old companion .npy file"},
    {"sklearn.externals.joblib.numpy_pickle", "ZNDArrayWrapper", Role::kJoblibOldWrapper, "old companion .npy.z file"},

    // ---- scikit-learn estimators of issue 3 (current and pre-0.22 paths) ------
    // Estimators are NEWOBJ(cls, ()) + BUILD(__dict__): we record the name and the
    // state dict; an adapter in lib/src/estimators maps and validates them.
    {"sklearn.linear_model._base", "LinearRegression", Role::kClass, "estimator state (mapped by an adapter)"},
    {"sklearn.linear_model.base", "LinearRegression", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model._ridge", "Ridge", Role::kClass, "estimator state (mapped by an adapter)"},
    {"sklearn.linear_model.ridge", "Ridge", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model._coordinate_descent", "Lasso", Role::kClass, "estimator state (mapped by an adapter)"},
    {"sklearn.linear_model.coordinate_descent", "Lasso", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model._coordinate_descent", "ElasticNet", Role::kClass, "estimator state (mapped by an adapter)"},
    {"sklearn.linear_model.coordinate_descent", "ElasticNet", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model._logistic", "LogisticRegression", Role::kClass, "estimator state (mapped by an adapter)"},
    {"sklearn.linear_model.logistic", "LogisticRegression", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model._stochastic_gradient", "SGDClassifier", Role::kClass, "estimator state"},
    {"sklearn.linear_model.stochastic_gradient", "SGDClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model._stochastic_gradient", "SGDRegressor", Role::kClass, "estimator state"},
    {"sklearn.linear_model.stochastic_gradient", "SGDRegressor", Role::kClass, "pre-0.22 path"},
    // SGD loss objects (Cython extension types, __reduce__ = (cls, (params,))): recorded with args.
    {"sklearn.linear_model._sgd_fast", "Hinge", Role::kClass, "SGD loss object: args recorded"},
    {"sklearn.linear_model._sgd_fast", "SquaredHinge", Role::kClass, "SGD loss object: args recorded"},
    {"sklearn.linear_model._sgd_fast", "ModifiedHuber", Role::kClass, "SGD loss object: args recorded"},
    {"sklearn.linear_model._sgd_fast", "Log", Role::kClass, "SGD loss object: args recorded"},
    {"sklearn.linear_model._sgd_fast", "SquaredLoss", Role::kClass, "SGD loss object: args recorded"},
    {"sklearn.linear_model._sgd_fast", "Huber", Role::kClass, "SGD loss object: args recorded"},
    {"sklearn.linear_model._sgd_fast", "EpsilonInsensitive", Role::kClass, "SGD loss object: args recorded"},
    {"sklearn.linear_model._sgd_fast", "SquaredEpsilonInsensitive", Role::kClass, "SGD loss object: args recorded"},
    {"sklearn.linear_model.sgd_fast", "Hinge", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model.sgd_fast", "SquaredHinge", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model.sgd_fast", "ModifiedHuber", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model.sgd_fast", "Log", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model.sgd_fast", "SquaredLoss", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model.sgd_fast", "Huber", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model.sgd_fast", "EpsilonInsensitive", Role::kClass, "pre-0.22 path"},
    {"sklearn.linear_model.sgd_fast", "SquaredEpsilonInsensitive", Role::kClass, "pre-0.22 path"},
    {"sklearn.svm._classes", "LinearSVC", Role::kClass, "estimator state (mapped by an adapter)"},
    {"sklearn.svm.classes", "LinearSVC", Role::kClass, "pre-0.22 path"},
    {"sklearn.tree._classes", "DecisionTreeClassifier", Role::kClass, "estimator state"},
    {"sklearn.tree.tree", "DecisionTreeClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.tree._classes", "DecisionTreeRegressor", Role::kClass, "estimator state"},
    {"sklearn.tree.tree", "DecisionTreeRegressor", Role::kClass, "pre-0.22 path"},
    {"sklearn.tree._classes", "ExtraTreeClassifier", Role::kClass, "estimator state"},
    {"sklearn.tree.tree", "ExtraTreeClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.tree._classes", "ExtraTreeRegressor", Role::kClass, "estimator state"},
    {"sklearn.tree.tree", "ExtraTreeRegressor", Role::kClass, "pre-0.22 path"},
    // Tree: REDUCE(Tree, (n_features, n_classes, n_outputs)) + BUILD{nodes, values, ...}: recorded.
    {"sklearn.tree._tree", "Tree", Role::kClass, "tree arrays (validated by the tree builder)"},
    {"sklearn.ensemble._forest", "RandomForestClassifier", Role::kClass, "estimator state"},
    {"sklearn.ensemble.forest", "RandomForestClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.ensemble._forest", "RandomForestRegressor", Role::kClass, "estimator state"},
    {"sklearn.ensemble.forest", "RandomForestRegressor", Role::kClass, "pre-0.22 path"},
    {"sklearn.ensemble._forest", "ExtraTreesClassifier", Role::kClass, "estimator state"},
    {"sklearn.ensemble.forest", "ExtraTreesClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.ensemble._forest", "ExtraTreesRegressor", Role::kClass, "estimator state"},
    {"sklearn.ensemble.forest", "ExtraTreesRegressor", Role::kClass, "pre-0.22 path"},
    {"sklearn.preprocessing._data", "StandardScaler", Role::kClass, "estimator state"},
    {"sklearn.preprocessing.data", "StandardScaler", Role::kClass, "pre-0.22 path"},
    {"sklearn.preprocessing._data", "MinMaxScaler", Role::kClass, "estimator state"},
    {"sklearn.preprocessing.data", "MinMaxScaler", Role::kClass, "pre-0.22 path"},
    {"sklearn.pipeline", "Pipeline", Role::kClass, "list of (name, estimator) steps"},

    // ---- naive Bayes, clustering, decomposition ------------------------------
    // Estimator states only (NEWOBJ + BUILD dict); KMeans' random_state uses the
    // numpy RandomState entries above. sklearn.naive_bayes never moved.
    {"sklearn.naive_bayes", "GaussianNB", Role::kClass, "estimator state"},
    {"sklearn.naive_bayes", "MultinomialNB", Role::kClass, "estimator state"},
    {"sklearn.naive_bayes", "BernoulliNB", Role::kClass, "estimator state"},
    {"sklearn.naive_bayes", "ComplementNB", Role::kClass, "estimator state"},
    {"sklearn.cluster._kmeans", "KMeans", Role::kClass, "estimator state"},
    {"sklearn.cluster.k_means_", "KMeans", Role::kClass, "pre-0.22 path"},
    {"sklearn.cluster._kmeans", "MiniBatchKMeans", Role::kClass, "estimator state"},
    {"sklearn.cluster.k_means_", "MiniBatchKMeans", Role::kClass, "pre-0.22 path"},
    {"sklearn.decomposition._pca", "PCA", Role::kClass, "estimator state"},
    {"sklearn.decomposition.pca", "PCA", Role::kClass, "pre-0.22 path"},
    {"sklearn.decomposition._truncated_svd", "TruncatedSVD", Role::kClass, "estimator state"},
    {"sklearn.decomposition.truncated_svd", "TruncatedSVD", Role::kClass, "pre-0.22 path"},
    // ---- numeric preprocessing ------------------------------------------------
    {"sklearn.preprocessing._data", "MaxAbsScaler", Role::kClass, "estimator state"},
    {"sklearn.preprocessing.data", "MaxAbsScaler", Role::kClass, "pre-0.22 path"},
    {"sklearn.preprocessing._data", "RobustScaler", Role::kClass, "estimator state"},
    {"sklearn.preprocessing.data", "RobustScaler", Role::kClass, "pre-0.22 path"},
    {"sklearn.preprocessing._data", "Normalizer", Role::kClass, "estimator state"},
    {"sklearn.preprocessing.data", "Normalizer", Role::kClass, "pre-0.22 path"},
    {"sklearn.preprocessing._data", "Binarizer", Role::kClass, "estimator state"},
    {"sklearn.preprocessing.data", "Binarizer", Role::kClass, "pre-0.22 path"},
    {"sklearn.impute._base", "SimpleImputer", Role::kClass, "estimator state"},
    {"sklearn.impute", "SimpleImputer", Role::kClass, "0.20-0.21 path"},
    // SimpleImputer.indicator_ (add_indicator=True): its features_ are mapped.
    {"sklearn.impute._base", "MissingIndicator", Role::kClass, "SimpleImputer.indicator_ state"},
    {"sklearn.impute", "MissingIndicator", Role::kClass, "0.20-0.21 path"},
    {"sklearn.preprocessing._polynomial", "PolynomialFeatures", Role::kClass, "estimator state (0.24+)"},
    {"sklearn.preprocessing._data", "PolynomialFeatures", Role::kClass, "0.22-0.23 path"},
    {"sklearn.preprocessing.data", "PolynomialFeatures", Role::kClass, "pre-0.22 path"},
    {"sklearn.preprocessing._discretization", "KBinsDiscretizer", Role::kClass, "estimator state"},
    {"sklearn.preprocessing.discretization", "KBinsDiscretizer", Role::kClass, "0.20-0.21 path"},
    // KBinsDiscretizer._encoder (one-hot encodings): its categories_ are checked.
    {"sklearn.preprocessing._encoders", "OneHotEncoder", Role::kClass, "KBinsDiscretizer._encoder state"},
    // ---- boosting (GradientBoosting*, HistGradientBoosting*, Dummy*) ----------
    // Loss, link and Cython helper objects are recorded inert; the mapper reads
    // only the loss's class. __pyx_unpickle_* are the Cython-generated
    // functions Cy* losses reduce to: on this list they are recorded like a
    // class (REDUCE args kept), never run.
    {"sklearn.dummy", "DummyClassifier", Role::kClass, "estimator state (also GradientBoosting's init_)"},
    {"sklearn.dummy", "DummyRegressor", Role::kClass, "estimator state (also GradientBoosting's init_)"},
    {"sklearn.ensemble._gb", "GradientBoostingClassifier", Role::kClass, "estimator state"},
    {"sklearn.ensemble._gb", "GradientBoostingRegressor", Role::kClass, "estimator state"},
    {"sklearn.ensemble.gradient_boosting", "GradientBoostingClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.ensemble.gradient_boosting", "GradientBoostingRegressor", Role::kClass, "pre-0.22 path"},
    {"sklearn.ensemble._gb_losses", "BinomialDeviance", Role::kClass, "GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._gb_losses", "MultinomialDeviance", Role::kClass, "GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._gb_losses", "ExponentialLoss", Role::kClass, "GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._gb_losses", "LeastSquaresError", Role::kClass, "GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._gb_losses", "LeastAbsoluteError", Role::kClass, "GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._gb_losses", "HuberLossFunction", Role::kClass, "GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._gb_losses", "QuantileLossFunction", Role::kClass, "GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble.gradient_boosting", "BinomialDeviance", Role::kClass, "< 0.21 GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble.gradient_boosting", "MultinomialDeviance", Role::kClass, "< 0.21 GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble.gradient_boosting", "ExponentialLoss", Role::kClass, "< 0.21 GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble.gradient_boosting", "LeastSquaresError", Role::kClass, "< 0.21 GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble.gradient_boosting", "LeastAbsoluteError", Role::kClass, "< 0.21 GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble.gradient_boosting", "HuberLossFunction", Role::kClass, "< 0.21 GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble.gradient_boosting", "QuantileLossFunction", Role::kClass, "< 0.21 GradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble.gradient_boosting", "LogOddsEstimator", Role::kClass, "< 0.21 GradientBoosting init_: its constant is read"},
    {"sklearn.ensemble.gradient_boosting", "ScaledLogOddsEstimator", Role::kClass, "< 0.21 GradientBoosting init_: its constant is read"},
    {"sklearn.ensemble.gradient_boosting", "PriorProbabilityEstimator", Role::kClass, "< 0.21 GradientBoosting init_: its constant is read"},
    {"sklearn.ensemble.gradient_boosting", "MeanEstimator", Role::kClass, "< 0.21 GradientBoosting init_: its constant is read"},
    {"sklearn.ensemble.gradient_boosting", "QuantileEstimator", Role::kClass, "< 0.21 GradientBoosting init_: its constant is read"},
    {"sklearn.ensemble.gradient_boosting", "ZeroEstimator", Role::kClass, "< 0.21 GradientBoosting init_: its constant is read"},
    {"sklearn.ensemble._hist_gradient_boosting.gradient_boosting", "HistGradientBoostingClassifier", Role::kClass, "estimator state"},
    {"sklearn.ensemble._hist_gradient_boosting.gradient_boosting", "HistGradientBoostingRegressor", Role::kClass, "estimator state"},
    {"sklearn.ensemble._hist_gradient_boosting.predictor", "TreePredictor", Role::kClass, "node records (validated by the builder)"},
    {"sklearn.ensemble._hist_gradient_boosting.binning", "_BinMapper", Role::kClass, "known categories for categorical splits"},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "LeastSquares", Role::kClass, "< 1.1 HistGradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "LeastAbsoluteDeviation", Role::kClass, "< 1.1 HistGradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "Poisson", Role::kClass, "< 1.1 HistGradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "BinaryCrossEntropy", Role::kClass, "< 1.1 HistGradientBoosting loss object: only its class is read"},
    {"sklearn.ensemble._hist_gradient_boosting.loss", "CategoricalCrossEntropy", Role::kClass, "< 1.1 HistGradientBoosting loss object: only its class is read"},
    {"sklearn._loss.loss", "HalfSquaredError", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss.loss", "AbsoluteError", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss.loss", "PinballLoss", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss.loss", "HalfPoissonLoss", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss.loss", "HalfGammaLoss", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss.loss", "HalfBinomialLoss", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss.loss", "HalfMultinomialLoss", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss.loss", "ExponentialLoss", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss.loss", "HuberLoss", Role::kClass, "loss object: only its class is read"},
    {"sklearn._loss._loss", "CyHalfSquaredError", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "CyAbsoluteError", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "CyPinballLoss", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "CyHalfPoissonLoss", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "CyHalfGammaLoss", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "CyHalfBinomialLoss", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "CyHalfMultinomialLoss", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "CyExponentialLoss", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "CyHuberLoss", Role::kClass, "Cython loss type, argument of its unpickle helper"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfSquaredError", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyAbsoluteError", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyPinballLoss", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfPoissonLoss", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfGammaLoss", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfBinomialLoss", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHalfMultinomialLoss", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyExponentialLoss", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss._loss", "__pyx_unpickle_CyHuberLoss", Role::kClass, "Cython unpickle helper: recorded (REDUCE args), never called"},
    {"sklearn._loss.link", "IdentityLink", Role::kClass, "link object inside a loss: recorded, not read"},
    {"sklearn._loss.link", "LogLink", Role::kClass, "link object inside a loss: recorded, not read"},
    {"sklearn._loss.link", "LogitLink", Role::kClass, "link object inside a loss: recorded, not read"},
    {"sklearn._loss.link", "HalfLogitLink", Role::kClass, "link object inside a loss: recorded, not read"},
    {"sklearn._loss.link", "MultinomialLogit", Role::kClass, "link object inside a loss: recorded, not read"},
    {"sklearn._loss.link", "Interval", Role::kClass, "link object inside a loss: recorded, not read"},
    // ---- neural networks and SVMs ----------------------------------------------
    {"sklearn.neural_network._multilayer_perceptron", "MLPClassifier", Role::kClass, "estimator state"},
    {"sklearn.neural_network.multilayer_perceptron", "MLPClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.neural_network._multilayer_perceptron", "MLPRegressor", Role::kClass, "estimator state"},
    {"sklearn.neural_network.multilayer_perceptron", "MLPRegressor", Role::kClass, "pre-0.22 path"},
    // MLPClassifier._label_binarizer: its y_type_/classes_ decide predict's labels.
    {"sklearn.preprocessing._label", "LabelBinarizer", Role::kClass, "MLPClassifier._label_binarizer state"},
    {"sklearn.preprocessing.label", "LabelBinarizer", Role::kClass, "pre-0.22 path"},
    // MLP._optimizer (sgd/adam solvers): training state, recorded and never read.
    {"sklearn.neural_network._stochastic_optimizers", "AdamOptimizer", Role::kClass, "training-only state (dropped)"},
    {"sklearn.neural_network._stochastic_optimizers", "SGDOptimizer", Role::kClass, "training-only state (dropped)"},
    {"sklearn.svm._classes", "SVC", Role::kClass, "estimator state (libsvm arrays)"},
    {"sklearn.svm.classes", "SVC", Role::kClass, "pre-0.22 path"},
    {"sklearn.svm._classes", "NuSVC", Role::kClass, "estimator state (libsvm arrays)"},
    {"sklearn.svm.classes", "NuSVC", Role::kClass, "pre-0.22 path"},
    {"sklearn.svm._classes", "SVR", Role::kClass, "estimator state (libsvm arrays)"},
    {"sklearn.svm.classes", "SVR", Role::kClass, "pre-0.22 path"},
    {"sklearn.svm._classes", "NuSVR", Role::kClass, "estimator state (libsvm arrays)"},
    {"sklearn.svm.classes", "NuSVR", Role::kClass, "pre-0.22 path"},
    {"sklearn.svm._classes", "OneClassSVM", Role::kClass, "estimator state (libsvm arrays)"},
    {"sklearn.svm.classes", "OneClassSVM", Role::kClass, "pre-0.22 path"},
    // ---- neighbours ----
    // KNeighbors* estimator states, and inside them the fitted BinaryTree and its
    // DistanceMetric, both pickled as REDUCE(newObj, (cls,)) + BUILD(state tuple):
    // newObj is recorded (never called) and the class is only named as its argument.
    {"sklearn.neighbors._classification", "KNeighborsClassifier", Role::kClass, "estimator state (mapped by an adapter)"},
    {"sklearn.neighbors.classification", "KNeighborsClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.neighbors._regression", "KNeighborsRegressor", Role::kClass, "estimator state (mapped by an adapter)"},
    {"sklearn.neighbors.regression", "KNeighborsRegressor", Role::kClass, "pre-0.22 path"},
    {"sklearn.neighbors._kd_tree", "newObj", Role::kClass, "BinaryTree/DistanceMetric pickling helper: recorded (REDUCE args), never called"},
    {"sklearn.neighbors.kd_tree", "newObj", Role::kClass, "BinaryTree/DistanceMetric pickling helper: recorded (REDUCE args), never called"},
    {"sklearn.neighbors._ball_tree", "newObj", Role::kClass, "BinaryTree/DistanceMetric pickling helper: recorded (REDUCE args), never called"},
    {"sklearn.neighbors.ball_tree", "newObj", Role::kClass, "BinaryTree/DistanceMetric pickling helper: recorded (REDUCE args), never called"},
    {"sklearn.metrics._dist_metrics", "newObj", Role::kClass, "BinaryTree/DistanceMetric pickling helper: recorded (REDUCE args), never called"},
    {"sklearn.neighbors._dist_metrics", "newObj", Role::kClass, "BinaryTree/DistanceMetric pickling helper: recorded (REDUCE args), never called"},
    {"sklearn.neighbors.dist_metrics", "newObj", Role::kClass, "BinaryTree/DistanceMetric pickling helper: recorded (REDUCE args), never called"},
    {"sklearn.neighbors._kd_tree", "KDTree", Role::kTypeValue, "newObj argument: the tree class, named only"},
    {"sklearn.neighbors._kd_tree", "KDTree64", Role::kTypeValue, "newObj argument: the tree class, named only"},
    {"sklearn.neighbors.kd_tree", "KDTree", Role::kTypeValue, "newObj argument: the tree class, named only"},
    {"sklearn.neighbors._ball_tree", "BallTree", Role::kTypeValue, "newObj argument: the tree class, named only"},
    {"sklearn.neighbors._ball_tree", "BallTree64", Role::kTypeValue, "newObj argument: the tree class, named only"},
    {"sklearn.neighbors.ball_tree", "BallTree", Role::kTypeValue, "newObj argument: the tree class, named only"},
    {"sklearn.metrics._dist_metrics", "EuclideanDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.metrics._dist_metrics", "EuclideanDistance64", Role::kTypeValue, "newObj argument (1.3+ name), named only"},
    {"sklearn.metrics._dist_metrics", "ManhattanDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.metrics._dist_metrics", "ManhattanDistance64", Role::kTypeValue, "newObj argument (1.3+ name), named only"},
    {"sklearn.metrics._dist_metrics", "ChebyshevDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.metrics._dist_metrics", "ChebyshevDistance64", Role::kTypeValue, "newObj argument (1.3+ name), named only"},
    {"sklearn.metrics._dist_metrics", "MinkowskiDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.metrics._dist_metrics", "MinkowskiDistance64", Role::kTypeValue, "newObj argument (1.3+ name), named only"},
    {"sklearn.neighbors._dist_metrics", "EuclideanDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.neighbors._dist_metrics", "ManhattanDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.neighbors._dist_metrics", "ChebyshevDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.neighbors._dist_metrics", "MinkowskiDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.neighbors.dist_metrics", "EuclideanDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.neighbors.dist_metrics", "ManhattanDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.neighbors.dist_metrics", "ChebyshevDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    {"sklearn.neighbors.dist_metrics", "MinkowskiDistance", Role::kTypeValue, "newObj argument: the tree's metric class, named only"},
    // ---- isolation forest and AdaBoost ---------------------------------------
    {"sklearn.ensemble._iforest", "IsolationForest", Role::kClass, "estimator state (ExtraTreeRegressor members)"},
    {"sklearn.ensemble.iforest", "IsolationForest", Role::kClass, "pre-0.22 path"},
    {"sklearn.ensemble._weight_boosting", "AdaBoostClassifier", Role::kClass, "estimator state (tree members)"},
    {"sklearn.ensemble.weight_boosting", "AdaBoostClassifier", Role::kClass, "pre-0.22 path"},
    {"sklearn.ensemble._weight_boosting", "AdaBoostRegressor", Role::kClass, "estimator state (tree members)"},
    {"sklearn.ensemble.weight_boosting", "AdaBoostRegressor", Role::kClass, "pre-0.22 path"},
    // ---- meta-estimators ---------------------------------------------------------
    {"sklearn.ensemble._voting", "VotingClassifier", Role::kClass, "estimator state (members)"},
    {"sklearn.ensemble.voting", "VotingClassifier", Role::kClass, "0.21 path"},
    {"sklearn.ensemble.voting_classifier", "VotingClassifier", Role::kClass, "0.18-0.20 path"},
    {"sklearn.ensemble._voting", "VotingRegressor", Role::kClass, "estimator state (members)"},
    {"sklearn.ensemble.voting", "VotingRegressor", Role::kClass, "0.21 path"},
    {"sklearn.ensemble._stacking", "StackingClassifier", Role::kClass, "estimator state (members)"},
    {"sklearn.ensemble._stacking", "StackingRegressor", Role::kClass, "estimator state (members)"},
    {"sklearn.multiclass", "OneVsRestClassifier", Role::kClass, "estimator state (members)"},
    {"sklearn.calibration", "CalibratedClassifierCV", Role::kClass, "estimator state (members)"},
    {"sklearn.calibration", "_CalibratedClassifier", Role::kClass, "calibrated_classifiers_[i]: plain object state"},
    {"sklearn.calibration", "_SigmoidCalibration", Role::kClass, "calibrator state (a_, b_)"},
    {"sklearn.isotonic", "IsotonicRegression", Role::kClass, "calibrator state (thresholds)"},
    // named_estimators_: a dict subclass, read as the dict it is (never used for predict).
    {"sklearn.utils._bunch", "Bunch", Role::kOrderedDict, "dict subclass: NEWOBJ + SETITEMs make a dict"},
    {"sklearn.utils", "Bunch", Role::kOrderedDict, "pre-1.2 path of the dict subclass"},
    // ---- encoders and column transformers ------------------------------------
    {"sklearn.preprocessing._encoders", "OneHotEncoder", Role::kClass, "estimator state (categories_)"},
    {"sklearn.preprocessing.data", "OneHotEncoder", Role::kClass, "pre-0.20 path (refused by the adapter)"},
    {"sklearn.preprocessing._encoders", "OrdinalEncoder", Role::kClass, "estimator state (categories_)"},
    {"sklearn.preprocessing._label", "LabelEncoder", Role::kClass, "estimator state (classes_)"},
    {"sklearn.preprocessing.label", "LabelEncoder", Role::kClass, "pre-0.22 path"},
    {"sklearn.compose._column_transformer", "ColumnTransformer", Role::kClass, "transformers_ and selectors"},
    {"sklearn.pipeline", "FeatureUnion", Role::kClass, "transformer_list"},
    {"builtins", "slice", Role::kClass, "ColumnTransformer column selector, recorded (start, stop, step)"},
    {"__builtin__", "slice", Role::kClass, "Python 2 name of builtins.slice (protocol 2)"},
    // transformers_ holds 'passthrough' as FunctionTransformer(func=None) in 1.2+; only that is mapped.
    {"sklearn.preprocessing._function_transformer", "FunctionTransformer", Role::kClass,
     "identity transformer of a passthrough column selection"},
    {"sklearn.preprocessing.function_transformer", "FunctionTransformer", Role::kClass, "pre-0.22 path"},
    // ---- text features ----
    // sklearn.feature_extraction.text has kept its name in every version.
    {"sklearn.feature_extraction.text", "CountVectorizer", Role::kClass, "estimator state (vocabulary dict)"},
    {"sklearn.feature_extraction.text", "TfidfVectorizer", Role::kClass, "estimator state (vocabulary dict)"},
    {"sklearn.feature_extraction.text", "TfidfTransformer", Role::kClass, "estimator state (idf)"},
    {"sklearn.feature_extraction._dict_vectorizer", "DictVectorizer", Role::kClass, "estimator state"},
    {"sklearn.feature_extraction.dict_vectorizer", "DictVectorizer", Role::kClass, "pre-0.22 path"},
    // TfidfTransformer._idf_diag (< 1.3?): a diagonal CSR matrix, state read as arrays.
    {"scipy.sparse._csr", "csr_matrix", Role::kClass, "TfidfTransformer._idf_diag (scipy >= 1.8)"},
    {"scipy.sparse.csr", "csr_matrix", Role::kClass, "TfidfTransformer._idf_diag (scipy < 1.8)"},
};

}  // namespace

const AllowEntry* FindAllowed(std::string_view module, std::string_view name) {
  // ~100 entries: a linear scan is cheap next to parsing and keeps the table plain data.
  for (const AllowEntry& e : kTable) {
    if (e.module == module && e.name == name) return &e;
  }
  return nullptr;
}

std::span<const AllowEntry> AllowTable() { return kTable; }

}  // namespace safemodel::pickle
