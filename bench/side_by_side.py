#!/usr/bin/python3
"""side_by_side.py — safemodel against joblib + scikit-learn, in one run.

    /usr/bin/python3 bench/side_by_side.py [--rounds N] [--quick] [--skip-weights]
                                           [--build DIR] [--json FILE] [--keep]

Measures, alternating the two sides round by round (A, B, A, B, ...) so that
drifts in machine load hit both alike, and reports medians and their ratios
(ratio = other side / safemodel: above 1 means safemodel is faster):

1. verify + load, ready to predict, in-process: `safemodel._core.open_model`
   (C++ verify + parse + validate + hash) and `safemodel.load` (which also
   rebuilds the scikit-learn object) against `joblib.load`, for a random
   forest and for a large weights file (a dict of float32 arrays).
2. predict on a batch of rows: `safemodel predict` as a whole process (all
   cores, and -j 1) against `joblib.load` + scikit-learn's `predict`
   in-process, for five 3-class models; and single-row latency:
   scikit-learn's `predict(X[:1])` in-process against `safemodel predict` on
   a one-row .npy as a process. (The C++ API's single-row latency, without
   process start-up and verification, is measured by build/bench/predict_bench.)
3. `safemodel convert` (process) against `joblib.load` (in-process).

Every safemodel output is compared with scikit-learn's: labels must be
identical (weights: arrays equal); the script exits 1 when any differs.

The scikit-learn side runs in this already-started interpreter with
scikit-learn imported; safemodel's process figures include process start-up,
signature check, reading X and writing the CSV. For scale, the start-up a
Python process would pay first is printed as a reference line.

Everything is made afresh in a temporary folder (removed unless --keep);
nothing is cached between runs. Progress goes to stderr, results to stdout.
"""
import argparse
import dataclasses
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import (GradientBoostingClassifier, HistGradientBoostingClassifier,
                              RandomForestClassifier)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

REPO = Path(__file__).resolve().parent.parent
N_FEATURES = 20
N_CLASSES = 3
BUSY_WARNING_CORES = 0.25   # other processes' average CPU use above which the run is flagged


@dataclasses.dataclass(frozen=True)
class Sizes:
    """How big everything is; FULL is the issue's setting, QUICK a smoke test."""
    forest_trees: int
    train_rows: int           # make_classification rows every model is fitted on
    gb_trees: int
    gb_train_rows: int        # GradientBoostingClassifier fits on this subset
    mlp_max_iter: int
    predict_rows: int
    weights_mib: int
    weights_arrays: int
    rounds: int
    single_row_calls: int     # in-process predict(X[:1]) calls per round
    single_row_processes: int  # `safemodel predict` 1-row processes per round


FULL = Sizes(forest_trees=200, train_rows=20_000, gb_trees=100, gb_train_rows=20_000, mlp_max_iter=30,
             predict_rows=100_000, weights_mib=1024, weights_arrays=4, rounds=5,
             single_row_calls=100, single_row_processes=3)
QUICK = Sizes(forest_trees=20, train_rows=2_000, gb_trees=20, gb_train_rows=2_000, mlp_max_iter=10,
              predict_rows=10_000, weights_mib=64, weights_arrays=4, rounds=3,
              single_row_calls=20, single_row_processes=2)


@dataclasses.dataclass
class Context:
    """What every measurement needs: tools, keys, data and the result record."""
    sm: object                 # the imported safemodel package
    cli: Path
    tmp: Path
    sizes: Sizes
    public_key: Path
    secret_key: Path
    x_path: Path               # the predict batch, .npy
    x1_path: Path              # its first row, .npy
    X: np.ndarray
    results: dict = dataclasses.field(default_factory=dict)
    mismatches: list = dataclasses.field(default_factory=list)


# ---------------------------------------------------------------- helpers

def progress(message):
    """A progress line on stderr (stdout carries only the results)."""
    print(message, file=sys.stderr, flush=True)


def median(values):
    """The median of a non-empty sequence of numbers."""
    return statistics.median(values)


def round_robin(fns, rounds, *, repeats=None, keep=True, label=""):
    """Calls fns[0], fns[1], ... in turn, `rounds` times, after one untimed
    warm-up call of each. repeats[i] > 1 calls fns[i] that many times in a row
    within a round; the round's figure is then the median of those calls.
    Returns (times, last): times[i] is the list of per-round seconds of
    fns[i]; last[i] what its final call returned (None unless keep: results
    are dropped after timing, so large ones do not pile up)."""
    repeats = repeats or [1] * len(fns)
    for fn in fns:
        fn()
    times = [[] for _ in fns]
    last = [None] * len(fns)
    for r in range(rounds):
        progress(f"  {label} round {r + 1}/{rounds}...")
        for i, fn in enumerate(fns):
            per_call = []
            for _ in range(repeats[i]):
                last[i] = None
                start = time.perf_counter()
                result = fn()
                per_call.append(time.perf_counter() - start)
                last[i] = result if keep else None
                del result
            times[i].append(median(per_call))
    return times, last


def alternate(a_fn, b_fn, rounds, **kwargs):
    """Times a_fn and b_fn alternately (A, B, A, B, ...) over `rounds` rounds;
    see round_robin. Returns (a_times, b_times, a_last, b_last)."""
    (a_times, b_times), (a_last, b_last) = round_robin([a_fn, b_fn], rounds, **kwargs)
    return a_times, b_times, a_last, b_last


def run(args):
    """Runs a process (stdout discarded), raising with its stderr if it fails."""
    proc = subprocess.run([str(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} exited {proc.returncode}: "
                           f"{proc.stderr.decode(errors='replace').strip()}")


def read_labels(csv_path, like):
    """The labels `safemodel predict` wrote, in the dtype of `like`."""
    return np.loadtxt(csv_path, dtype=like.dtype, delimiter=",", ndmin=1)


def fmt_s(seconds):
    """Seconds with a unit that keeps three significant digits."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


def fmt_ratio(ratio):
    return f"{ratio:.1f}x" if ratio >= 10 else f"{ratio:.2f}x"


def fmt_mib(nbytes):
    return f"{nbytes / 2**20:.1f} MiB"


def cpu_snapshot():
    """(wall seconds, CPU seconds busy on the whole machine, CPU seconds of
    this process and its waited-for children), for other_cores_busy."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    busy = (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    t = os.times()
    return time.monotonic(), busy, t.user + t.system + t.children_user + t.children_system


def other_cores_busy(start, end):
    """How many cores other processes kept busy, on average, between two
    cpu_snapshot()s: a benchmark on a busy machine is not worth much."""
    wall = end[0] - start[0]
    return max(0.0, ((end[1] - start[1]) - (end[2] - start[2])) / wall) if wall > 0 else 0.0


def yes_no(ok):
    return "yes" if ok else "NO"


def print_table(title, header, rows):
    """A left-aligned text table on stdout."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    print(f"\n{title}")
    for r in [header] + rows:
        print("   ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def record_check(ctx, what, ok):
    """Notes a correctness check; failures make the script exit 1."""
    if not ok:
        ctx.mismatches.append(what)
        progress(f"MISMATCH: {what}")
    return ok


# ---------------------------------------------------------------- setup

def import_safemodel(build):
    """The safemodel package of the build folder."""
    sys.path.insert(0, str(build / "python"))
    import safemodel  # noqa: E402 - needs the path above
    return safemodel


def machine_info(cli):
    """Cores, CPU, interpreter and library versions."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": cpu or platform.processor(),
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "joblib": joblib.__version__,
        "safemodel": version.split()[-1] if version else "?",
    }


def make_models(sizes):
    """The five 3-class models, fitted on the same data: [(name, estimator)].
    Each is left as users predict with it by default (n_jobs=None)."""
    X, y = make_classification(n_samples=sizes.train_rows, n_features=N_FEATURES, n_classes=N_CLASSES,
                               n_informative=10, random_state=0)
    specs = [
        (f"forest {sizes.forest_trees}",
         lambda: RandomForestClassifier(n_estimators=sizes.forest_trees, n_jobs=-1, random_state=0), None),
        (f"gradboost {sizes.gb_trees}",
         lambda: GradientBoostingClassifier(n_estimators=sizes.gb_trees, max_depth=3, random_state=0),
         sizes.gb_train_rows),
        ("histgradboost", lambda: HistGradientBoostingClassifier(random_state=0), None),
        ("logistic", lambda: LogisticRegression(max_iter=1000), None),
        ("mlp 64x64", lambda: MLPClassifier(hidden_layer_sizes=(64, 64), max_iter=sizes.mlp_max_iter,
                                            random_state=0), None),
    ]
    models = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, make, rows in specs:
            progress(f"fitting {name}...")
            start = time.perf_counter()
            est = make().fit(X[:rows], y[:rows])
            if hasattr(est, "n_jobs"):
                est.n_jobs = None
            progress(f"  fitted in {time.perf_counter() - start:.1f} s")
            models.append((name, est))
    return models


def save_model(ctx, name, est):
    """Writes est as joblib and as signed .smdl (through `safemodel convert`);
    returns (joblib path, smdl path)."""
    stem = name.split()[0]
    jl = ctx.tmp / f"{stem}.joblib"
    smdl = ctx.tmp / f"{stem}.smdl"
    joblib.dump(est, jl)
    run([ctx.cli, "convert", jl, "-o", smdl, "-s", ctx.secret_key])
    return jl, smdl


# ---------------------------------------------------------------- measurements

def bench_forest_load(ctx, name, est, jl, smdl):
    """1. joblib.load vs open_model and safemodel.load of the forest."""
    sm, pub = ctx.sm, [str(ctx.public_key)]
    progress(f"load: {name}...")
    (t_jl, t_open, t_load), (_, _, rebuilt) = round_robin(
        [lambda: joblib.load(jl),
         lambda: sm._core.open_model(str(smdl), pub, None, 1, False),
         lambda: sm.load(smdl, trusted_keys=pub)],
        ctx.sizes.rounds, label="forest load")
    sample = ctx.X[:10_000]
    same = record_check(ctx, f"{name}: safemodel.load predictions",
                        np.array_equal(rebuilt.predict(sample), est.predict(sample)))
    m_jl, m_open, m_load = median(t_jl), median(t_open), median(t_load)
    ctx.results["load_forest"] = {
        "model": name, "joblib_bytes": jl.stat().st_size, "smdl_bytes": smdl.stat().st_size,
        "joblib_load_s": m_jl, "open_model_s": m_open, "safemodel_load_s": m_load,
        "ratio_open_model": m_jl / m_open, "ratio_safemodel_load": m_jl / m_load,
        "safemodel_load_identical": same,
    }
    sizes = f"{fmt_mib(jl.stat().st_size)} / {fmt_mib(smdl.stat().st_size)}"
    return [
        [name, sizes, fmt_s(m_jl), "_core.open_model", fmt_s(m_open), fmt_ratio(m_jl / m_open), "-"],
        ["", "", "", "safemodel.load", fmt_s(m_load), fmt_ratio(m_jl / m_load), yes_no(same)],
    ]


def make_weights(sizes):
    """A dict of float32 arrays summing to sizes.weights_mib MiB."""
    rng = np.random.default_rng(0)
    per = sizes.weights_mib * 2**20 // 4 // sizes.weights_arrays
    return {f"layer{i}.weight": rng.standard_normal(per, dtype=np.float32) for i in range(sizes.weights_arrays)}


def bench_weights_load(ctx):
    """1. joblib.load of a dict of arrays vs open_model / weights.load of the
    same arrays as a signed .smdl weights file."""
    sm, pub = ctx.sm, [str(ctx.public_key)]
    progress(f"writing {ctx.sizes.weights_mib} MiB of weights...")
    arrays = make_weights(ctx.sizes)
    jl, smdl = ctx.tmp / "weights.joblib", ctx.tmp / "weights.smdl"
    joblib.dump(arrays, jl)
    sm.weights.save(arrays, smdl, secret_key=str(ctx.secret_key))
    progress("load: weights...")
    (t_jl, t_open, t_wl), (_, model, loaded) = round_robin(
        [lambda: joblib.load(jl),
         lambda: sm._core.open_model(str(smdl), pub, None, 1, False),
         lambda: sm.weights.load(smdl, trusted_keys=pub)],
        ctx.sizes.rounds, label="weights load")
    tensors = dict(model.tensors())
    same_open = record_check(ctx, "weights: open_model tensors",
                             tensors.keys() == arrays.keys()
                             and all(np.array_equal(tensors[k], arrays[k]) for k in arrays))
    same_load = record_check(ctx, "weights: weights.load arrays",
                             loaded.keys() == arrays.keys()
                             and all(np.array_equal(loaded[k], arrays[k]) for k in arrays))
    del tensors, model, loaded, arrays
    m_jl, m_open, m_wl = median(t_jl), median(t_open), median(t_wl)
    name = f"weights {ctx.sizes.weights_mib} MiB"
    ctx.results["load_weights"] = {
        "mib": ctx.sizes.weights_mib, "arrays": ctx.sizes.weights_arrays,
        "joblib_bytes": jl.stat().st_size, "smdl_bytes": smdl.stat().st_size,
        "joblib_load_s": m_jl, "open_model_s": m_open, "weights_load_s": m_wl,
        "ratio_open_model": m_jl / m_open, "ratio_weights_load": m_jl / m_wl,
        "identical": same_open and same_load,
    }
    sizes = f"{fmt_mib(jl.stat().st_size)} / {fmt_mib(smdl.stat().st_size)}"
    rows = [
        [name, sizes, fmt_s(m_jl), "_core.open_model", fmt_s(m_open), fmt_ratio(m_jl / m_open),
         yes_no(same_open)],
        ["", "", "", "weights.load", fmt_s(m_wl), fmt_ratio(m_jl / m_wl), yes_no(same_load)],
    ]
    jl.unlink()
    smdl.unlink()
    return rows


def bench_predict(ctx, name, jl, smdl, expected):
    """2. joblib.load + predict (in-process) vs `safemodel predict` as a
    process, all cores and -j 1; checks both CSVs against `expected`."""
    out_all, out_one = ctx.tmp / "out_all.csv", ctx.tmp / "out_one.csv"
    base = [ctx.cli, "predict", smdl, "-i", ctx.x_path, "-p", ctx.public_key]
    phases = {"load": [], "predict": []}

    def sklearn_side():
        start = time.perf_counter()
        est = joblib.load(jl)
        loaded = time.perf_counter()
        labels = est.predict(ctx.X)
        phases["load"].append(loaded - start)
        phases["predict"].append(time.perf_counter() - loaded)
        return labels

    progress(f"predict {ctx.sizes.predict_rows} rows: {name}...")
    (t_sk, t_all, t_one), (sk_labels, _, _) = round_robin(
        [sklearn_side,
         lambda: run(base + ["-o", out_all]),
         lambda: run(base + ["-o", out_one, "-j", "1"])],
        ctx.sizes.rounds, label=name)
    same = record_check(ctx, f"{name}: safemodel predict labels",
                        np.array_equal(sk_labels, expected)
                        and np.array_equal(read_labels(out_all, expected), expected)
                        and np.array_equal(read_labels(out_one, expected), expected))
    # The warm-up call recorded phases too: drop it.
    m_load, m_pred = median(phases["load"][1:]), median(phases["predict"][1:])
    m_sk, m_all, m_one = median(t_sk), median(t_all), median(t_one)
    return {
        "rows": ctx.sizes.predict_rows,
        "sklearn_load_s": m_load, "sklearn_predict_s": m_pred, "sklearn_load_predict_s": m_sk,
        "safemodel_process_s": m_all, "safemodel_process_j1_s": m_one,
        "ratio": m_sk / m_all, "ratio_j1": m_sk / m_one,
        "ratio_predict_only": m_pred / m_all, "identical": same,
    }


def bench_single_row(ctx, name, est, smdl, expected):
    """2. scikit-learn predict(X[:1]) in-process (median of many calls) vs
    `safemodel predict` on a one-row .npy as a process."""
    out = ctx.tmp / "out_1.csv"
    x1 = ctx.X[:1]
    progress(f"single row: {name}...")
    t_sk, t_sm, last_sk, _ = alternate(
        lambda: est.predict(x1),
        lambda: run([ctx.cli, "predict", smdl, "-i", ctx.x1_path, "-p", ctx.public_key, "-o", out]),
        ctx.sizes.rounds, repeats=[ctx.sizes.single_row_calls, ctx.sizes.single_row_processes],
        label=f"{name} 1 row")
    same = record_check(ctx, f"{name}: safemodel predict, one row",
                        np.array_equal(last_sk, expected[:1])
                        and np.array_equal(read_labels(out, expected), expected[:1]))
    m_sk, m_sm = median(t_sk), median(t_sm)
    return {"sklearn_predict_1_s": m_sk, "safemodel_process_1_s": m_sm, "ratio": m_sk / m_sm,
            "identical": same}


def bench_convert(ctx, name, jl):
    """3. `safemodel convert` (process) vs joblib.load (in-process)."""
    out = ctx.tmp / "converted.smdl"
    progress(f"convert: {name}...")
    t_jl, t_conv, _, _ = alternate(lambda: joblib.load(jl), lambda: run([ctx.cli, "convert", jl, "-o", out]),
                                   ctx.sizes.rounds, keep=False, label="convert")
    m_jl, m_conv = median(t_jl), median(t_conv)
    ctx.results["convert"] = {"model": name, "joblib_load_s": m_jl, "convert_process_s": m_conv,
                              "ratio": m_jl / m_conv}
    return [[name, fmt_s(m_jl), fmt_s(m_conv), fmt_ratio(m_jl / m_conv)]]


def python_startup(ctx):
    """For scale: a Python process that imports what joblib.load of a forest
    needs (what a process doing the scikit-learn side would pay first)."""
    cmd = [sys.executable, "-c", "import joblib, sklearn.ensemble"]
    times, _ = round_robin([lambda: run(cmd)], ctx.sizes.rounds, keep=False, label="python start-up")
    return median(times[0])


# ---------------------------------------------------------------- main

def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, help="rounds per comparison (default 5; 3 with --quick)")
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke test in well under a minute")
    p.add_argument("--skip-weights", action="store_true", help="skip the weights-file comparison")
    p.add_argument("--build", type=Path, default=REPO / "build", help="build folder (default: <repo>/build)")
    p.add_argument("--json", type=Path, help="also write every median and ratio here as JSON")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (its path goes to stderr)")
    p.add_argument("--workdir", type=Path,
                   help="write models, keys and X here (created; kept) instead of a temporary folder")
    args = p.parse_args()
    if args.rounds is not None and args.rounds < 1:
        p.error("--rounds must be at least 1")
    return args


def setup(args, tmp):
    """Keys, predict data and the Context."""
    sizes = QUICK if args.quick else FULL
    if args.rounds:
        sizes = dataclasses.replace(sizes, rounds=args.rounds)
    build = args.build.resolve()
    cli = build / "safemodel"
    if not cli.exists():
        sys.exit(f"{cli}: not found (build first, or pass --build)")
    sm = import_safemodel(build)
    pub, key = tmp / "k.pub", tmp / "k.key"
    run([cli, "keygen", "--public-key", pub, "--secret-key", key, "--no-password"])
    X = np.random.default_rng(0).normal(size=(sizes.predict_rows, N_FEATURES))
    x_path, x1_path = tmp / "X.npy", tmp / "X1.npy"
    np.save(x_path, X)
    np.save(x1_path, X[:1])
    return Context(sm=sm, cli=cli, tmp=tmp, sizes=sizes, public_key=pub, secret_key=key,
                   x_path=x_path, x1_path=x1_path, X=X)


def run_all(ctx, skip_weights):
    """Every measurement; prints the tables."""
    s = ctx.sizes
    m = ctx.results["machine"]
    print(f"machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, scikit-learn {m['sklearn']}, "
          f"numpy {m['numpy']}, joblib {m['joblib']}, safemodel {m['safemodel']}")
    print(f"medians of {s.rounds} alternating rounds; ratio = other / safemodel (above 1: safemodel faster)")

    models = make_models(s)
    saved = {name: save_model(ctx, name, est) for name, est in models}
    expected = {name: est.predict(ctx.X) for name, est in models}
    forest_name, forest = models[0]
    forest_jl, forest_smdl = saved[forest_name]

    load_rows = bench_forest_load(ctx, forest_name, forest, forest_jl, forest_smdl)
    if not skip_weights:
        load_rows += bench_weights_load(ctx)
    print_table("1. verify + load, ready to predict (in-process)",
                ["what", "joblib / smdl size", "joblib.load", "safemodel", "", "ratio", "identical"],
                load_rows)

    predict, single = {}, {}
    for name, est in models:
        jl, smdl = saved[name]
        predict[name] = bench_predict(ctx, name, jl, smdl, expected[name])
        single[name] = bench_single_row(ctx, name, est, smdl, expected[name])
    ctx.results["predict"], ctx.results["single_row"] = predict, single
    rows_k = f"{s.predict_rows // 1000}k"
    print_table(f"2. predict {s.predict_rows} rows: joblib.load + scikit-learn predict (in-process) "
                f"vs safemodel predict (whole process, CSV out)",
                ["model", f"sklearn load+predict({rows_k})", "safemodel predict (process)", "ratio",
                 "-j 1", "ratio", "sklearn predict only", "ratio", "identical"],
                [[n, fmt_s(r["sklearn_load_predict_s"]), fmt_s(r["safemodel_process_s"]), fmt_ratio(r["ratio"]),
                  fmt_s(r["safemodel_process_j1_s"]), fmt_ratio(r["ratio_j1"]), fmt_s(r["sklearn_predict_s"]),
                  fmt_ratio(r["ratio_predict_only"]), yes_no(r["identical"])] for n, r in predict.items()])
    print("   (predict-only ratio: scikit-learn's predict with the model already in memory, against the "
          "whole safemodel process)")
    print_table("2b. single row: scikit-learn predict(X[:1]) (in-process) vs safemodel predict on 1 row (process)",
                ["model", "sklearn predict(X[:1])", "safemodel predict (process)", "ratio", "identical"],
                [[n, fmt_s(r["sklearn_predict_1_s"]), fmt_s(r["safemodel_process_1_s"]), fmt_ratio(r["ratio"]),
                  yes_no(r["identical"])] for n, r in single.items()])
    print("   (the process figure is mostly start-up + verify + load; the C++ API's one-row latency is "
          "measured by build/bench/predict_bench)")

    convert_rows = bench_convert(ctx, forest_name, forest_jl)
    print_table("3. convert (process) vs joblib.load (in-process)",
                ["model", "joblib.load", "safemodel convert (process)", "ratio"], convert_rows)

    startup = python_startup(ctx)
    ctx.results["python_startup_s"] = startup
    print(f"\nreference: `python3 -c 'import joblib, sklearn.ensemble'` as a process: {fmt_s(startup)} "
          "(not counted in the scikit-learn figures above)")


def main():
    args = parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        tmp, args.keep = args.workdir.resolve(), True
    else:
        tmp = Path(tempfile.mkdtemp(prefix="safemodel-side-by-side-"))
    try:
        ctx = setup(args, tmp)
        ctx.results["machine"] = machine_info(ctx.cli)
        ctx.results["sizes"] = dataclasses.asdict(ctx.sizes)
        before = cpu_snapshot()
        run_all(ctx, args.skip_weights)
        busy = other_cores_busy(before, cpu_snapshot())
        ctx.results["other_processes_cores_busy"] = busy
        print(f"\nother processes kept {busy:.2f} of {ctx.results['machine']['cores']} cores busy "
              "on average during the measurements")
        if busy > BUSY_WARNING_CORES:
            print("WARNING: the machine was busy with other work: the figures (-j above all) are "
                  "unreliable; run again on an idle machine")
        ctx.results["mismatches"] = ctx.mismatches
        ctx.results["all_identical"] = not ctx.mismatches
        print(f"\nall identical: {yes_no(not ctx.mismatches)}")
        if args.json:
            args.json.write_text(json.dumps(ctx.results, indent=2) + "\n")
            progress(f"wrote {args.json}")
    finally:
        if args.keep:
            progress(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if ctx.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
