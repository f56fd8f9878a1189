#!/usr/bin/env bash
# fuzz_coverage.sh [TARGET...] — line coverage of lib/src/ reached by the fuzz
# corpora. Builds the fuzz targets with clang source-based coverage (no
# sanitizers) in build-cov, runs each over fuzz/corpus/<target>/ (every file
# once, libFuzzer's driver, no fuzzing), merges the profiles with
# llvm-profdata-14 and prints line and branch coverage per module of lib/src
# (llvm-cov-14 export), then the per-file table. A measuring build: warnings
# are not errors here (the normal build enforces them).
#   COV_BUILD_DIR=build-cov     build directory
#   CORPUS_ROOT=fuzz/corpus     e.g. a folder of corpora grown by long runs
#   COV_JOBS=N                  ninja -j (default: ninja's)
#   COV_FILES=0                 leave out the per-file table
#   COV_HTML=DIR                also write an HTML report (shows the missed
#                               branches of every validator) into DIR
#   COV_REFUSALS=0              leave out the refusal table: for each file of
#                               the validators (estimators/, format/, mapping/),
#                               how many refusal sites (return Corruption(...),
#                               Unsupported(...), Refuse(...), ...) the corpora
#                               reach; the sites never reached are listed in
#                               <build>/profiles/unreached_refusals.txt
set -euo pipefail
cd "$(dirname "$0")/.."
build=${COV_BUILD_DIR:-build-cov}
corpora=${CORPUS_ROOT:-fuzz/corpus}
for tool in llvm-profdata-14 llvm-cov-14 clang++-14; do
  command -v "$tool" >/dev/null || { echo "fuzz_coverage.sh: $tool missing (bash scripts/deps.sh)" >&2; exit 1; }
done

if (($#)); then
  targets=("$@")
else
  mapfile -t targets < <(bash fuzz/run.sh --list)
fi

flags="-fprofile-instr-generate -fcoverage-mapping"
if [ ! -f "$build/build.ninja" ]; then
  echo "== configure $build (clang-14, source-based coverage)"
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSAFEMODEL_BUILD_FUZZ=ON -DSAFEMODEL_SANITIZE=OFF -DSAFEMODEL_BUILD_TESTS=OFF \
    -DSAFEMODEL_BUILD_BENCH=OFF -DSAFEMODEL_BUILD_TOOLS=OFF -DSAFEMODEL_WERROR=OFF \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fprofile-instr-generate" >/dev/null
fi
bins=()
for t in "${targets[@]}"; do bins+=("${t}_fuzz"); done
ninja -C "$build" ${COV_JOBS:+-j"$COV_JOBS"} "${bins[@]}"

prof="$build/profiles"
rm -rf "$prof"
mkdir -p "$prof"
objects=()
for t in "${targets[@]}"; do
  bin="$build/fuzz/${t}_fuzz"
  objects+=(-object "$bin")
  dir="$corpora/$t"
  if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir")" ]; then
    echo "== $t: no corpus in $dir"
    continue
  fi
  echo "== $t: $(ls "$dir" | wc -l) inputs"
  # Files given one by one: libFuzzer runs each once and exits. %p: one
  # profile per process (the driver may fork on a crash).
  find "$dir" -type f -print0 | xargs -0 -r env LLVM_PROFILE_FILE="$prof/$t-%p.profraw" "$bin" \
    -rss_limit_mb=3072 -timeout=30 >"$prof/$t.log" 2>&1 ||
    echo "   (some inputs failed: see $prof/$t.log)"
done
for so in "$build"/libsafemodel.so*; do
  [ -f "$so" ] && [ ! -L "$so" ] && objects+=(-object "$so")
done
llvm-profdata-14 merge -sparse "$prof"/*.profraw -o "$prof/merged.profdata"
# The first -object is the positional binary.
main=${objects[1]}
rest=("${objects[@]:2}")
llvm-cov-14 export -summary-only -instr-profile="$prof/merged.profdata" "$main" "${rest[@]}" \
  >"$prof/summary.json"
python3 - "$prof/summary.json" "$PWD/lib/src/" "${COV_FILES:-1}" <<'PY'
import collections, json, sys
data = json.load(open(sys.argv[1]))["data"][0]["files"]
root, per_file = sys.argv[2], sys.argv[3] != "0"
mods = collections.defaultdict(lambda: [0, 0, 0, 0])
rows = []
for f in data:
    name = f["filename"]
    if not name.startswith(root):
        continue
    rel = name[len(root):]
    s = f["summary"]
    m = mods[rel.split("/")[0]]
    m[0] += s["lines"]["covered"]; m[1] += s["lines"]["count"]
    m[2] += s["branches"]["covered"]; m[3] += s["branches"]["count"]
    rows.append((rel, s["lines"]["covered"], s["lines"]["count"], s["branches"]["covered"], s["branches"]["count"]))
pct = lambda a, b: 100.0 * a / b if b else 0.0
print("\n%-14s %17s %19s" % ("lib/src/", "lines", "branches"))
tot = [0, 0, 0, 0]
for mod in sorted(mods):
    a = mods[mod]
    tot = [x + y for x, y in zip(tot, a)]
    print("%-14s %6d/%-6d %5.1f%% %7d/%-6d %5.1f%%" % (mod, a[0], a[1], pct(a[0], a[1]), a[2], a[3], pct(a[2], a[3])))
print("%-14s %6d/%-6d %5.1f%% %7d/%-6d %5.1f%%" % ("TOTAL", tot[0], tot[1], pct(tot[0], tot[1]), tot[2], tot[3], pct(tot[2], tot[3])))
if per_file:
    print("\n%-40s %17s %19s" % ("file", "lines", "branches"))
    for r in sorted(rows):
        print("%-40s %6d/%-6d %5.1f%% %7d/%-6d %5.1f%%" % (r[0], r[1], r[2], pct(r[1], r[2]), r[3], r[4], pct(r[3], r[4])))
PY
if [ "${COV_REFUSALS:-1}" != 0 ]; then
  llvm-cov-14 export -instr-profile="$prof/merged.profdata" "$main" "${rest[@]}" >"$prof/full.json"
  python3 - "$prof/full.json" "$PWD/lib/src/" "$prof/unreached_refusals.txt" <<'PY'
import bisect, collections, json, re, sys
data = json.load(open(sys.argv[1]))["data"][0]["files"]
root, out_path = sys.argv[2], sys.argv[3]
# A refusal site: where a validator builds an error Status.
site = re.compile(r"\b(Corruption|Unsupported|InvalidArgument|LimitExceeded|Refuse)\(")
counts = collections.OrderedDict()
unreached = []
for f in sorted(data, key=lambda f: f["filename"]):
    name = f["filename"]
    rel = name[len(root):] if name.startswith(root) else None
    if rel is None or rel.split("/")[0] not in ("estimators", "format", "mapping") or not rel.endswith(".cc"):
        continue
    # Segments: [line, col, count, has_count, is_region_entry, is_gap]; the
    # count at a position is that of the last segment starting at or before it.
    segs = [(s[0], s[1], s[2]) for s in f["segments"] if s[3]]
    keys = [(s[0], s[1]) for s in segs]
    total = missed = 0
    for lineno, text in enumerate(open(name, encoding="utf-8", errors="replace"), 1):
        stripped = text.lstrip()
        if stripped.startswith("//"):
            continue
        for m in site.finditer(text):
            i = bisect.bisect_right(keys, (lineno, m.start() + 1)) - 1
            if i < 0:
                continue
            total += 1
            if segs[i][2] == 0:
                missed += 1
                unreached.append(f"{rel}:{lineno}: {text.strip()[:140]}")
    if total:
        counts[rel] = (total - missed, total)
with open(out_path, "w") as out:
    out.write("\n".join(unreached) + "\n")
print("\n%-40s %s" % ("refusal sites reached", "(validators; unreached listed in " + out_path + ")"))
all_hit = all_total = 0
for rel, (hit, total) in counts.items():
    all_hit += hit; all_total += total
    print("%-40s %5d/%-5d %5.1f%%" % (rel, hit, total, 100.0 * hit / total))
print("%-40s %5d/%-5d %5.1f%%" % ("TOTAL", all_hit, all_total, 100.0 * all_hit / max(all_total, 1)))
PY
fi
if [ -n "${COV_HTML:-}" ]; then
  llvm-cov-14 show -format=html -output-dir="$COV_HTML" -show-branches=count \
    -instr-profile="$prof/merged.profdata" "$main" "${rest[@]}" "$PWD/lib/src"
  echo "HTML report: $COV_HTML/index.html"
fi
