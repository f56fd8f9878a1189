#!/usr/bin/env bash
# bench/run.sh [--quick] — every benchmark in one run, on this machine:
#   1. verify_bench: `safemodel verify` of a 1 GiB signed weights file vs
#      single-core BLAKE2b (b2sum), and the peak anonymous memory (RssAnon)
#      of Model::Open on it;
#   2. side_by_side.py: joblib + scikit-learn vs safemodel (load, predict on
#      100k rows and on one row, convert) for a forest, gradient boosting,
#      histogram gradient boosting, logistic regression and an MLP;
#   3. predict_bench (Google Benchmark): the C++ API's open, one-row latency
#      and batches, on the forest from step 2.
# Each prints medians of alternating rounds and the ratios. Run it on an idle
# machine: other work skews the ratios (side_by_side.py warns when it sees it).
# --quick: small sizes (a smoke test, about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
verify_mib=1024
if [ "${1:-}" = --quick ]; then
  quick=(--quick)
  verify_mib=64
fi
bash scripts/deps.sh
bash scripts/build.sh build
work=$(mktemp -d /tmp/safemodel-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== 1. verify vs b2sum; memory of loading"
build/bench/verify_bench "$verify_mib" 5
echo
echo "== 2. scikit-learn vs safemodel, side by side"
/usr/bin/python3 bench/side_by_side.py "${quick[@]}" --workdir "$work" --json "$work/side_by_side.json"
echo
echo "== 3. C++ API (Google Benchmark): open, one row, 100k rows on 1 and all cores"
build/bench/predict_bench "$work/forest.smdl" "$work/k.pub" "$work/X.npy" --benchmark_min_time=0.5
