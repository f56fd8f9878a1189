#!/usr/bin/env bash
# install_test.sh SOURCE_DIR BUILD_DIR — installs safemodel into a temporary
# prefix, builds tests/install/consumer against it with find_package, and runs
# it on a signed model made by the installed tool; then the installed Python
# module dumps, signs and loads a model (its sandbox helper found in the prefix).
set -euo pipefail
src=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/tests/install/consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
ninja -C "$work/consumer" >/dev/null
sm="$work/prefix/bin/safemodel"
cd "$work"
/usr/bin/python3 -c 'import numpy as np; np.save("w.npy", np.arange(6, dtype=np.float32).reshape(2, 3) + 1.5)'
"$sm" keygen -p keys.pub -s keys.key --no-password >/dev/null
mkdir store && cp keys.pub store/release.pub
"$sm" import-weights w.npy -o m.smdl >/dev/null
"$sm" sign m.smdl -s keys.key >/dev/null
out=$("$work/consumer/consumer" m.smdl store w)
echo "$out"
[ "$out" = "w f32 [2, 3] first=1.5" ]
# The installed converter runs its installed sandbox helper (libexec/safemodel).
/usr/bin/python3 -c 'import pickle, numpy as np; from sklearn.linear_model import LinearRegression
pickle.dump(LinearRegression().fit(np.eye(3), [1, 2, 3]), open("lr.pkl", "wb"))'
"$sm" convert lr.pkl -o lr.smdl >/dev/null

# The Python module, from the prefix only (not the build tree).
pydir=$(find "$work/prefix" -type d -path '*-packages/safemodel' | head -n 1)
[ -n "$pydir" ] || { echo "no installed safemodel Python package under $work/prefix"; exit 1; }
PYTHONPATH=$(dirname "$pydir") PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 - "$work" <<'PY'
import os, sys
import numpy as np
import safemodel
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier
work = sys.argv[1]
assert safemodel.__file__.startswith(work), safemodel.__file__
X, y = load_iris(return_X_y=True)
est = DecisionTreeClassifier(random_state=0).fit(X, y)
path = os.path.join(work, "py.smdl")
safemodel.dump(est, path, secret_key=os.path.join(work, "keys.key"))
loaded = safemodel.load(path, trusted_keys=[os.path.join(work, "keys.pub")])
assert (loaded.predict(X) == est.predict(X)).all()
print("python: installed module dumps, signs and loads")
PY
