#!/usr/bin/env bash
# example_test.sh SOURCE_DIR BUILD_DIR — installs safemodel into a temporary
# prefix and builds examples/custom-kind (a user-defined model kind, its own
# CMake project) against it with find_package, then runs the example's tests:
# its GoogleTest suite (scikit-learn as the oracle) and its fuzz target
# through the fuzzing kit (libFuzzer with ASan + UBSan under clang-14; the
# replay driver when clang-14 is not installed).
#   EXAMPLE_FUZZ_SECONDS=N  seconds of fuzzing (default 20)
set -euo pipefail
src=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$work/prefix"
      -DSCORECARD_FUZZ_SECONDS="${EXAMPLE_FUZZ_SECONDS:-20}")
if command -v clang++-14 >/dev/null; then
  export CC=clang-14 CXX=clang++-14
  args+=(-DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer")
  echo "== examples/custom-kind with clang-14, libFuzzer, ASan + UBSan"
else
  echo "== examples/custom-kind with $(c++ --version | head -n 1) (no clang-14: the fuzz target replays)"
fi
cmake -S "$src/examples/custom-kind" -B "$work/example" "${args[@]}" >/dev/null
ninja -C "$work/example" >/dev/null
cd "$work/example"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure
