#!/usr/bin/env bash
# Seeds for the header target: every pickle of the mapping corpus that
# converts, as an unsigned .smdl (real estimators of every family we map).
#   fuzz/make_header_corpus.sh [SAFEMODEL_TOOL]   (default: build/safemodel)
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-build/safemodel}
mkdir -p fuzz/corpus/header
n=0
for p in fuzz/corpus/mapping/*.pkl; do
  out="fuzz/corpus/header/$(basename "$p" .pkl).smdl"
  if "$tool" convert "$p" -o "$out" >/dev/null 2>&1; then n=$((n + 1)); fi
done
echo "fuzz/corpus/header: $n seeds"
