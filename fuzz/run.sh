#!/usr/bin/env bash
# Runs the libFuzzer targets (fuzz/<name>_fuzz.cc) over a temp copy of their
# committed corpus (fuzz/corpus/<name>/), with fuzz/<name>.dict if present.
# Crashes, leaks, sanitizer reports and timeouts fail (exit 1); the failing
# input is kept under fuzz/findings/<name>/. New interesting inputs stay in
# the temp folder and are dropped, unless --keep is given: then the seeds and
# the new units that add coverage are merged (libFuzzer -merge=1) into
# fuzz/corpus/<name>/, which keeps its named seeds.
#
#   fuzz/run.sh --list               target names, one per line (no build)
#   fuzz/run.sh TARGET SECONDS       build what is needed, run TARGET
#   fuzz/run.sh --all SECONDS        build and run every target
#   fuzz/run.sh --keep TARGET|--all SECONDS   run, then minimise into the corpus
#   fuzz/run.sh --cpu TARGET SECONDS  SECONDS of the fuzzer's CPU time, not wall
#                                    time (long runs on a busy machine); with --keep too
#   fuzz/run.sh BUILD_DIR SECONDS    (old form) every target built in BUILD_DIR
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz; configured with clang-14,
# ASan+UBSan and libFuzzer if missing), FUZZ_JOBS (ninja -j, default: ninja's).
#   For long runs: bash fuzz/run.sh --all 3600
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '9,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

list_targets() {
  local f
  for f in fuzz/*_fuzz.cc; do basename "$f" _fuzz.cc; done
}

build=${FUZZ_BUILD_DIR:-build-fuzz}
targets=()
keep=0
cpu_budget=0
while [ "${1:-}" = "--keep" ] || [ "${1:-}" = "--cpu" ]; do
  [ "$1" = "--keep" ] && keep=1
  [ "$1" = "--cpu" ] && cpu_budget=1
  shift
done
case "${1:-}" in
  --list) list_targets; exit 0 ;;
  --all) [ $# -eq 2 ] || usage; secs=$2; mapfile -t targets < <(list_targets) ;;
  ""|-h|--help) usage ;;
  *)
    [ $# -eq 2 ] || usage
    secs=$2
    if [ -d "$1" ] && ! [ -f "fuzz/$1_fuzz.cc" ]; then
      build=$1  # old form: BUILD_DIR SECONDS, every target
      mapfile -t targets < <(list_targets)
    elif [ -f "fuzz/$1_fuzz.cc" ]; then
      targets=("$1")
    else
      echo "run.sh: no fuzz target '$1' (see fuzz/run.sh --list)" >&2
      exit 2
    fi
    ;;
esac
[[ "$secs" =~ ^[0-9]+$ ]] || { echo "run.sh: SECONDS must be a whole number" >&2; exit 2; }

if [ ! -f "$build/build.ninja" ]; then
  echo "== configure $build (clang-14, libFuzzer, ASan+UBSan)"
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSAFEMODEL_BUILD_FUZZ=ON -DSAFEMODEL_BUILD_TESTS=OFF -DSAFEMODEL_BUILD_BENCH=OFF \
    -DSAFEMODEL_BUILD_TOOLS=OFF -DSAFEMODEL_SANITIZE=ON >/dev/null
fi
bins=()
for t in "${targets[@]}"; do bins+=("${t}_fuzz"); done
ninja -C "$build" ${FUZZ_JOBS:+-j"$FUZZ_JOBS"} "${bins[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for name in "${targets[@]}"; do
  bin="$build/fuzz/${name}_fuzz"
  mkdir -p "$work/$name" "$work/$name.art"
  seeds="fuzz/corpus/$name"
  [ -d "$seeds" ] && cp -r "$seeds/." "$work/$name/"
  dict=()
  [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  echo "== fuzz $name for ${secs}s (seeds: $(ls "$seeds" 2>/dev/null | wc -l))"
  start_cpu=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
  wall=$secs
  [ "$cpu_budget" = 1 ] && wall=$((secs * 50))
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" "$work/$name" "${dict[@]}" -max_total_time="$wall" -timeout=10 \
    -rss_limit_mb=3072 -malloc_limit_mb=3072 -print_final_stats=1 \
    -artifact_prefix="$work/$name.art/" >"$work/$name.log" 2>&1 &
  pid=$!
  budget_hit=0
  if [ "$cpu_budget" = 1 ]; then
    # SECONDS of the fuzzer's own CPU time, however busy the machine is:
    # interrupt it (libFuzzer exits 72 on SIGINT, corpus kept) when used up.
    ticks=$((secs * $(getconf CLK_TCK)))
    while kill -0 "$pid" 2>/dev/null; do
      used=$(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
      if [ "${used:-0}" -ge "$ticks" ]; then budget_hit=1; kill -INT "$pid"; break; fi
      sleep 5
    done
  fi
  rc=0
  wait "$pid" || rc=$?
  [ "$budget_hit" = 1 ] && [ "$rc" = 72 ] && rc=0
  if [ "$rc" != 0 ]; then
    echo "fuzz target $name FAILED:"; tail -60 "$work/$name.log"
    if [ -n "$(ls -A "$work/$name.art")" ]; then
      mkdir -p "fuzz/findings/$name"
      cp "$work/$name.art"/* "fuzz/findings/$name/"
      echo "failing input(s) kept in fuzz/findings/$name/: $(ls "$work/$name.art" | tr '\n' ' ')"
    fi
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$work/$name.log" | tail -3
    grep -E "^#[0-9]+.*(cov|ft):" "$work/$name.log" | tail -1 | sed 's/^/last status: /'
    cpu=$(( ($(awk '{print $14+$15+$16+$17}' /proc/$$/stat) - start_cpu) / $(getconf CLK_TCK) ))
    echo "cpu seconds: $cpu"
    if [ "$keep" = 1 ]; then
      # The named seeds stay; new units go in only if they add coverage.
      mkdir -p "$work/$name.min"
      [ -d "$seeds" ] && cp -r "$seeds/." "$work/$name.min/"
      "$bin" -merge=1 "$work/$name.min" "$work/$name" "${dict[@]}" -timeout=10 -rss_limit_mb=3072 \
        -malloc_limit_mb=3072 >"$work/$name.merge.log" 2>&1 || { tail -20 "$work/$name.merge.log"; status=1; continue; }
      rm -rf "$seeds" && mkdir -p "$seeds" && cp "$work/$name.min"/* "$seeds/"
      echo "corpus fuzz/corpus/$name: $(ls "$seeds" | wc -l) units, $(cat "$seeds"/* | wc -c) bytes after merging"
    fi
  fi
done
exit $status
