#!/usr/bin/env bash
# The main job in one go: install, build, then keygen -> import weights ->
# sign -> verify -> inspect -> a tampered copy refused.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh build
sm=$PWD/build/safemodel
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== some weights, as a NumPy .npz (safetensors works the same way)"
/usr/bin/python3 -c '
import numpy as np
rng = np.random.default_rng(0)
np.savez("weights.npz", **{"fc1.weight": rng.standard_normal((256, 128), dtype=np.float32),
                           "fc1.bias": np.zeros(256, np.float32), "step": np.int64(1000)})'
echo "== safemodel keygen"
"$sm" keygen --public-key demo.pub --secret-key demo.key --no-password
echo "== safemodel import-weights"
"$sm" import-weights weights.npz -o model.smdl --name demo --license MIT --framework numpy
echo "== safemodel sign"
"$sm" sign model.smdl --secret-key demo.key --comment "demo release"
echo "== safemodel verify"
"$sm" verify model.smdl --public-key demo.pub
echo "== safemodel inspect"
"$sm" inspect model.smdl
echo "== a tampered copy (one bit of one tensor flipped) must be refused"
cp model.smdl tampered.smdl
off=$("$sm" inspect tampered.smdl --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["tensors"][0]["offset"] + 5)')
printf '\x01' | dd of=tampered.smdl bs=1 seek="$off" conv=notrunc status=none
if "$sm" verify tampered.smdl --public-key demo.pub; then
  echo "demo FAILED: tampered file accepted"; exit 1
else
  echo "(refused, exit $?) -- as it should be"
fi
echo "== export-weights back to safetensors"
"$sm" export-weights model.smdl -o roundtrip.safetensors --public-key demo.pub
echo "== a scikit-learn pickle, converted without unpickling (in the sandbox), then predicted in C++"
/usr/bin/python3 -c '
import pickle, numpy as np
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
X, y = load_iris(return_X_y=True)
names = np.array(["setosa", "versicolor", "virginica"])[y]
pickle.dump(RandomForestClassifier(n_estimators=10, random_state=0).fit(X, names), open("iris.pkl", "wb"))
np.savetxt("iris.csv", X[::30], delimiter=",")'
"$sm" scan iris.pkl | head -3
"$sm" convert iris.pkl -o iris.smdl --secret-key demo.key
"$sm" predict iris.smdl --input iris.csv --public-key demo.pub
echo "== a pickle that runs a command is refused (and the command never runs)"
/usr/bin/python3 -c '
import pickle, os
class Evil:
    def __reduce__(self): return (os.system, ("touch pwned",))
pickle.dump(Evil(), open("evil.pkl", "wb"))'
if "$sm" convert evil.pkl -o evil.smdl; then echo "demo FAILED: payload accepted"; exit 1; fi
[ ! -e pwned ] && [ ! -e evil.smdl ] && echo "(refused; nothing ran, nothing written)"
echo "demo OK"
