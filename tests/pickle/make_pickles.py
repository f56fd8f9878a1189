# Writes the real pickles the pickle tests read: data, numpy arrays and
# scikit-learn 1.2.1 estimators in protocols 0-5 and joblib (plain and
# compressed). Usage: make_pickles.py OUTDIR. Run by the tests at test time.
import io, os, pickle, sys
import numpy as np
import joblib

out = sys.argv[1]

def w(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)

data = {'int': 7, 'neg': -5, 'big': 2**70, 'bigneg': -(2**70), 'float': 1.5, 'text': 'h\u00e9llo \u2603',
        'bytes': b'\x00\xff\n', 'none': None, 'yes': True, 'no': False, 'tuple': (1, 2, 3),
        'list': [1, [2, [3]]], 'ba': bytearray(b'xy'), 'set': {4}, 'fs': frozenset([5]), 'empty': ()}
for p in range(6):
    w('data_p%d.pkl' % p, pickle.dumps(data, protocol=p))

a = np.arange(6, dtype='<f8').reshape(2, 3)
arrays = {'f8': a, 'fortran': np.asfortranarray(a), 'i4': np.arange(5, dtype=np.int32),
          'b1': np.array([True, False]), 'u1': np.arange(3, dtype=np.uint8),
          'rec': np.zeros(2, dtype=[('x', '<i8'), ('y', '<f8')]), 'scalar': np.float64(2.5),
          'str': np.array(['ab', 'c']), 'obj': np.array(['a', 1], dtype=object), 'empty': np.zeros((0, 3))}
arrays['rec']['x'] = [1, 2]
for p in range(6):
    w('arrays_p%d.pkl' % p, pickle.dumps(arrays, protocol=p))
w('expect_f8.bin', a.tobytes())
w('expect_fortran.bin', np.asfortranarray(a).tobytes(order='F'))
w('expect_rec.bin', arrays['rec'].tobytes())

for comp in ['none', 'zlib', 'gzip', 'bz2', 'lzma', 'xz']:
    f = os.path.join(out, 'arrays_joblib_%s.joblib' % comp)
    plain = {k: v for k, v in arrays.items() if k != 'obj'}
    joblib.dump(plain, f, compress=0 if comp == 'none' else (comp, 3))

from sklearn.linear_model import (LinearRegression, Ridge, Lasso, ElasticNet, LogisticRegression,
                                  SGDClassifier, SGDRegressor)
from sklearn.svm import LinearSVC
from sklearn.tree import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                          ExtraTreeRegressor)
from sklearn.ensemble import (RandomForestClassifier, RandomForestRegressor, ExtraTreesClassifier,
                              ExtraTreesRegressor)
from sklearn.preprocessing import StandardScaler, MinMaxScaler
from sklearn.pipeline import Pipeline

rng = np.random.RandomState(0)
X = rng.randn(60, 4)
y = (X[:, 0] > 0).astype(int)
yr = X[:, 1] * 2.0
ys = np.array(['a', 'b', 'c'])[rng.randint(0, 3, 60)]
models = {
    'linreg': LinearRegression().fit(X, yr), 'ridge': Ridge().fit(X, yr), 'lasso': Lasso().fit(X, yr),
    'enet': ElasticNet().fit(X, yr), 'logreg': LogisticRegression().fit(X, ys),
    'sgdc': SGDClassifier(random_state=0).fit(X, y), 'sgdr': SGDRegressor(random_state=0).fit(X, yr),
    'linsvc': LinearSVC().fit(X, y), 'dtc': DecisionTreeClassifier(max_depth=3).fit(X, ys),
    'dtr': DecisionTreeRegressor(max_depth=3).fit(X, yr), 'etc1': ExtraTreeClassifier().fit(X, y),
    'etr1': ExtraTreeRegressor().fit(X, yr),
    'rfc': RandomForestClassifier(n_estimators=3, max_depth=4, random_state=0).fit(X, y),
    'rfr': RandomForestRegressor(n_estimators=2, max_depth=4, random_state=0).fit(X, yr),
    'etc': ExtraTreesClassifier(n_estimators=2, random_state=np.random.RandomState(1)).fit(X, y),
    'etr': ExtraTreesRegressor(n_estimators=2).fit(X, yr),
    'std': StandardScaler().fit(X), 'minmax': MinMaxScaler().fit(X),
    'pipe': Pipeline([('s', StandardScaler()), ('m', LogisticRegression())]).fit(X, y),
}
for name, m in models.items():
    for p in (0, 2, 4, 5):
        w('%s_p%d.pkl' % (name, p), pickle.dumps(m, protocol=p))
    joblib.dump(m, os.path.join(out, '%s.joblib' % name))
    joblib.dump(m, os.path.join(out, '%s.joblib.gz' % name), compress=('gzip', 3))
w('expect_logreg_coef.bin', models['logreg'].coef_.tobytes())
w('expect_rfc_tree0_nodes.bin', models['rfc'].estimators_[0].tree_.__getstate__()['nodes'].tobytes())
w('expect_rfc_tree0_count.txt', str(models['rfc'].estimators_[0].tree_.node_count).encode())
