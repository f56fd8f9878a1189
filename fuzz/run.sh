#!/usr/bin/env bash
# run.sh BUILD_DIR SECONDS — runs every fuzz target for SECONDS over a copy of
# its committed corpus (fuzz/corpus/<name>/). Crashes, leaks, sanitizer
# reports and timeouts fail; new interesting inputs stay in a temp folder.
#   For long runs: bash fuzz/run.sh build-fuzz 3600
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
secs=${2:-30}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for bin in "$build"/fuzz/*_fuzz; do
  name=$(basename "$bin" _fuzz)
  mkdir -p "$work/$name"
  seeds="fuzz/corpus/$name"
  dict=()
  [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  echo "== fuzz $name for ${secs}s (seeds: $(ls "$seeds" 2>/dev/null | wc -l))"
  if ! "$bin" "$work/$name" "$seeds" "${dict[@]}" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=3072 -malloc_limit_mb=3072 -print_final_stats=1 \
        -artifact_prefix="$work/" >"$work/$name.log" 2>&1; then
    echo "fuzz target $name FAILED:"; tail -60 "$work/$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/$name.log" | tail -2
  fi
done
exit $status
