#!/usr/bin/env bash
# Every test: install, build, run the GoogleTest suites (ctest); then the same
# suites under AddressSanitizer + UndefinedBehaviorSanitizer; then a short
# libFuzzer run of every fuzz target over its committed corpus.
#   FUZZ_SECONDS=N   seconds per fuzz target (default 20)
#   SKIP_SANITIZERS=1 / SKIP_FUZZ=1 to leave a stage out locally
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)

echo "== build (RelWithDebInfo, warnings are errors)"
bash scripts/build.sh build
echo "== tests"
(cd build && ctest --output-on-failure -j"$jobs" --timeout 900)

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build with ASan + UBSan"
  bash scripts/build.sh build-asan -DSAFEMODEL_SANITIZE=ON -DSAFEMODEL_BUILD_BENCH=OFF
  echo "== tests under ASan + UBSan"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j"$jobs" --timeout 1800)
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz targets (clang-14 libFuzzer + ASan/UBSan)"
  CC=clang-14 CXX=clang++-14 bash scripts/build.sh build-fuzz -DSAFEMODEL_BUILD_FUZZ=ON \
    -DSAFEMODEL_BUILD_TESTS=OFF -DSAFEMODEL_BUILD_BENCH=OFF -DSAFEMODEL_BUILD_TOOLS=OFF -DSAFEMODEL_SANITIZE=ON
  bash fuzz/run.sh build-fuzz "${FUZZ_SECONDS:-20}"
fi
echo "== all tests passed"
