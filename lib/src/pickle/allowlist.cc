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
