#!/usr/bin/env bash
# install_test.sh SOURCE_DIR BUILD_DIR — installs safemodel into a temporary
# prefix, builds tests/install/consumer against it with find_package, and runs
# it on a signed model made by the installed tool.
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
