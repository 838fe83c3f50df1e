#!/usr/bin/env python3
"""Side-by-side benchmark: nnpipe against pandas, pyarrow and polars peers.

One command does everything:

1. generates the seeded inputs (bench/gen_data.py) unless they exist;
2. installs the peers (pandas, pyarrow, polars) with pip and GNU time with
   apt-get when missing;
3. builds nnpipe (``swift build -c release``) when its binary is missing or
   ``--build`` is given;
4. for each workload and each output kind (plain ``.csv``, gzip ``.csv.gz``)
   runs every tool ``--repeat`` times, round-robin, under ``/usr/bin/time -v``,
   recording wall time, user+sys CPU and peak RSS;
5. checks every peer's output against nnpipe's (same header, same shape, same
   ids, max |difference| <= 1e-12);
6. measures the floor nnpipe is held to (P3): the time to inflate the input
   sequentially with ISA-L, the library nnpipe reads gzip with (bench/isal_inflate.c,
   built here; ``gzip -dc INPUT > /dev/null`` where libisal-dev is missing), and
   nnpipe's CPU seconds divided by the cores; reports nnpipe's wall /
   max(inflate, CPU / cores);
7. writes bench/RESULTS.md (overwritten) with the machine, the versions, the
   exact command and the tables.

Usage: python3 bench/run.py [--workloads W1,W2,W3] [--big] [--repeat 3]
           [--tools nnpipe,pandas,pyarrow,polars] [--gzip-level 6] [--quick] ...
See bench/README.md and --help.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import importlib.util
import itertools
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import gen_data  # noqa: E402  (the workload definitions and the generator)

NNPIPE_BIN = REPO / ".build" / "release" / "nnpipe"
DATA_DIR = BENCH / "data"
# The inflate floor's command and its name in the report (set by main, from inflate_command).
INFLATE: list = [["gzip", "-dc"], "gzip -dc"]
TOOLS = ("nnpipe", "pandas", "pyarrow", "polars")
PEERS = ("pandas", "pyarrow", "polars")
BIG = "W2x10"
BIG_TOOLS = ("nnpipe", "pyarrow")  # tools run on W2x10 unless --tools says otherwise
KINDS = ("csv", "csv.gz")  # output kinds
TOLERANCE = 1e-12  # max abs difference allowed between a peer's output and nnpipe's
CHECK_ROWS = 200_000  # rows compared at a time (bounds the check's memory)
MiB = 1 << 20


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Setup: GNU time, the peers, nnpipe
# --------------------------------------------------------------------------

def ensure_gnu_time() -> None:
    """Installs Debian's `time` package when /usr/bin/time is missing."""
    if Path("/usr/bin/time").exists():
        return
    log("[setup] installing GNU time (apt-get install time)")
    if subprocess.run(["apt-get", "install", "-y", "time"]).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "time"], check=True)


def ensure_peers(tools: list[str]) -> None:
    """pip-installs the peers' packages that this interpreter lacks."""
    missing = [t for t in tools if t in PEERS and importlib.util.find_spec(t) is None]
    if missing:
        log(f"[setup] pip install {' '.join(missing)}")
        subprocess.run([sys.executable, "-m", "pip", "install", *missing], check=True)
        importlib.invalidate_caches()


def inflate_command() -> tuple[list[str], str]:
    """The command that inflates a gzip file to nothing, one thread, as fast as nnpipe's reader
    can: bench/isal_inflate.c built against ISA-L, else `gzip -dc`; and its name for the report."""
    binary = DATA_DIR / "isal-inflate"
    source = BENCH / "isal_inflate.c"
    if not binary.exists() or binary.stat().st_mtime < source.stat().st_mtime:
        binary.parent.mkdir(parents=True, exist_ok=True)
        built = subprocess.run(["cc", "-O2", "-o", str(binary), str(source), "-lisal"],
                               capture_output=True, text=True)
        if built.returncode != 0:
            log("[setup] ISA-L not found for the inflate floor (libisal-dev); timing gzip -dc instead")
            return ["gzip", "-dc"], "gzip -dc"
    return [str(binary)], "ISA-L inflate, bench/isal_inflate.c"


def ensure_nnpipe(args) -> list[str]:
    """The command that runs nnpipe, building the release binary if needed."""
    if args.nnpipe:  # hidden option: a stand-in binary or command line
        return shlex.split(args.nnpipe)
    if args.build or not NNPIPE_BIN.exists():
        log("[setup] swift build -c release")
        subprocess.run(["swift", "build", "-c", "release"], cwd=REPO, check=True)
    if not NNPIPE_BIN.exists():
        sys.exit(f"nnpipe binary not found at {NNPIPE_BIN} after building")
    return [str(NNPIPE_BIN)]


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + sys seconds, the process and its children
    rss_mib: float  # peak resident set size of the largest process


def timed(cmd: list[str], label: str) -> Sample:
    """Runs cmd under /usr/bin/time -v; raises with its stderr on failure."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tfile, \
            tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", tfile.name, *cmd],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read()[-3000:]
            raise RuntimeError(f"{label} failed (exit {proc.returncode}): {shlex.join(cmd)}\n{tail}")
        stats = {}
        for line in tfile.read().splitlines():
            key, sep, value = line.strip().rpartition(": ")
            if sep:
                stats[key] = value
    return Sample(
        wall=wall,
        cpu=float(stats["User time (seconds)"]) + float(stats["System time (seconds)"]),
        rss_mib=int(stats["Maximum resident set size (kbytes)"]) / 1024,
    )


# --------------------------------------------------------------------------
# Correctness check
# --------------------------------------------------------------------------

def _open_text(path: Path):
    return gzip.open(path, "rt", newline="") if path.suffix == ".gz" else open(path, newline="")


def compare_outputs(ref: Path, other: Path, rows: int, outputs: int) -> tuple[float, str | None]:
    """(max abs difference, error or None) between two `id,y0..` CSV files,
    read in step a block of rows at a time. Ids must match exactly, and both
    files must hold `rows` rows of `outputs` values."""
    import numpy as np

    header = "id," + ",".join(f"y{i}" for i in range(outputs))
    worst = 0.0
    seen = 0
    with _open_text(ref) as fa, _open_text(other) as fb:
        for f, path in ((fa, ref), (fb, other)):
            got = f.readline().strip()
            if got != header:
                return float("nan"), f"{path.name}: header {got[:80]!r}, expected {header[:80]!r}"
        while True:
            la = list(itertools.islice(fa, CHECK_ROWS))
            lb = list(itertools.islice(fb, CHECK_ROWS))
            if len(la) != len(lb):
                return float("nan"), "row counts differ"
            if not la:
                break
            a = np.loadtxt(la, delimiter=",", ndmin=2, dtype=np.float64)
            b = np.loadtxt(lb, delimiter=",", ndmin=2, dtype=np.float64)
            if a.shape != b.shape or a.shape[1] != outputs + 1:
                return float("nan"), f"shapes differ: {a.shape} vs {b.shape}"
            if not np.array_equal(a[:, 0], b[:, 0]):
                return float("nan"), f"ids differ near row {seen}"
            ya, yb = a[:, 1:], b[:, 1:]
            diff = np.abs(ya - yb)
            diff[np.isnan(ya) & np.isnan(yb)] = 0.0  # NaN in both: equal
            diff[np.isnan(diff)] = np.inf  # NaN in one only
            worst = max(worst, float(diff.max()))
            seen += len(la)
    if seen != rows:
        return worst, f"{seen:,} rows, expected {rows:,}"
    if not worst <= TOLERANCE:
        return worst, f"max abs diff {worst:.3g} > {TOLERANCE:g}"
    return worst, None


# --------------------------------------------------------------------------
# One workload x output kind
# --------------------------------------------------------------------------

@dataclass
class Result:
    workload: gen_data.Workload
    kind: str
    rows: int
    digits: int = 7  # significant digits of the input's values
    distribution: str = "normal"  # the values' distribution (gen_data.DISTRIBUTIONS)
    bytes_per_value: float = 0.0  # uncompressed input bytes / (rows x features)
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # output bytes
    checks: dict[str, tuple[float, str | None]] = field(default_factory=dict)
    inflate: float = 0.0  # median seconds of inflating the input (see inflate_command)

    def median(self, tool: str, attr: str = "wall") -> float:
        return statistics.median(getattr(s, attr) for s in self.samples[tool])


def write_pipeline(path: Path, data: Path, model: Path, out: Path, features: int,
                   args, gz: bool) -> None:
    """Writes nnpipe's pipeline YAML (absolute paths, JSON-quoted)."""
    names = ", ".join(f"x{i}" for i in range(features))
    write = f"      path: {json.dumps(str(out))}\n"
    if gz and args.nnpipe_gzip_level:
        write += f"      gzip_level: {args.nnpipe_gzip_level}\n"
    path.write_text(
        "stages:\n"
        "  - read:\n"
        f"      path: {json.dumps(str(data))}\n"
        f"      features: [{names}]\n"
        "      carry: [id]\n"
        "  - forward:\n"
        f"      model: {json.dumps(str(model))}\n"
        "  - write:\n"
        + write +
        "execution:\n"
        f"  chunk_rows: {args.chunk_rows}\n"
        f"  workers: {args.workers}\n"
    )


def run_case(workload: gen_data.Workload, kind: str, tools: list[str], nnpipe: list[str],
             data: Path, model: Path, out_dir: Path, inflate: float, args, digits: int = 7,
             bytes_per_value: float = 0.0, distribution: str = "normal") -> Result:
    rows = workload.row_count(args.quick)
    res = Result(workload, kind, rows, digits=digits, distribution=distribution,
                 bytes_per_value=bytes_per_value, inflate=inflate)
    out_dir.mkdir(parents=True, exist_ok=True)
    gz = kind.endswith(".gz")
    outputs = {t: out_dir / f"{t}.{kind}" for t in tools}
    pipeline = out_dir / f"pipeline-{kind.replace('.', '-')}.yaml"
    write_pipeline(pipeline, data, model, outputs.get("nnpipe", out_dir / f"nnpipe.{kind}"),
                   workload.features, args, gz)
    commands = {}
    for t in tools:
        if t == "nnpipe":
            commands[t] = [*nnpipe, "run", str(pipeline)]
        else:
            commands[t] = [sys.executable, str(BENCH / "peers.py"), t, str(model), str(data),
                           str(outputs[t]), "--gzip-level", str(args.gzip_level),
                           "--chunk-rows", str(args.peer_chunk_rows)]
    for t in tools:
        res.samples[t] = []
    for rep in range(args.repeat):  # round-robin, so drift on a shared machine hits all tools
        for t in tools:
            outputs[t].unlink(missing_ok=True)
            s = timed(commands[t], f"{workload.name} {kind} {t}")
            res.samples[t].append(s)
            log(f"  {workload.name} d{digits} {distribution[0]} {kind:6} {t:8} run {rep + 1}/{args.repeat}: "
                f"{s.wall:8.2f} s wall, {s.cpu:8.2f} s CPU, {s.rss_mib:8.1f} MiB")
    for t in tools:
        res.sizes[t] = outputs[t].stat().st_size
    if "nnpipe" in tools:
        for t in tools:
            if t != "nnpipe":
                log(f"  checking {t} against nnpipe ...")
                res.checks[t] = compare_outputs(outputs["nnpipe"], outputs[t], rows,
                                                workload.outputs)
                diff, err = res.checks[t]
                log(f"  {t}: max abs diff {diff:.3g}" + (f"  MISMATCH: {err}" if err else ""))
    if not args.keep_outputs:
        for p in outputs.values():
            p.unlink(missing_ok=True)
    return res


# --------------------------------------------------------------------------
# Environment and report
# --------------------------------------------------------------------------

def _cmd_output(cmd: list[str], cwd: Path | None = None) -> str:
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip() or f"(exit {p.returncode})"
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"(unavailable: {e})"


def cores() -> int:
    return len(os.sched_getaffinity(0))


def machine_info() -> list[tuple[str, str]]:
    model = "unknown"
    for line in _cmd_output(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / (1 << 20):.1f} GiB"
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [("CPU", model), ("cores (nproc)", str(cores())), ("memory", mem),
            ("OS", platform.platform()), ("load average at start", load)]


def versions(args, nnpipe: list[str]) -> list[tuple[str, str]]:
    import numpy
    out = [("python", platform.python_version()), ("numpy", numpy.__version__)]
    for pkg in PEERS:
        try:
            out.append((pkg, importlib.metadata.version(pkg)))
        except importlib.metadata.PackageNotFoundError:
            out.append((pkg, "not installed"))
    out.append(("swift", _cmd_output(["swift", "--version"]).splitlines()[0]))
    if args.nnpipe:
        out.append(("nnpipe", f"stand-in command: {args.nnpipe}"))
    else:
        # --no-optional-locks: never take the index lock of a repo in use.
        out.append(("nnpipe", _cmd_output(["git", "--no-optional-locks", "describe", "--always",
                                           "--dirty", "--tags"], cwd=REPO)))
    return out


def _fmt_rate(rows: int, wall: float) -> str:
    r = rows / wall if wall > 0 else float("inf")
    return f"{r / 1e6:.2f} M" if r >= 1e6 else f"{r / 1e3:.1f} k"


def _net_text(w: gen_data.Workload) -> str:
    if w.net is None:
        return "2-3-4-2 (sigmoid x3, fixed weights)"
    return "-".join(map(str, w.net.sizes)) + f" ({', '.join(w.net.activations)})"


def floor_of(r: Result) -> tuple[float, float]:
    """(P3 floor seconds, nnpipe's CPU / cores) for a case that ran nnpipe."""
    cpu_per_core = r.median("nnpipe", "cpu") / cores()
    return max(r.inflate, cpu_per_core), cpu_per_core


def render(results: list[Result], args, nnpipe: list[str], started: str,
           machine: list[tuple[str, str]]) -> str:
    lines = ["# nnpipe benchmark results", ""]
    lines += [f"Run {started} (UTC). Generated by `bench/run.py`; re-run to refresh "
              "(this file is overwritten).", ""]
    lines += ["Command:", "", "```", "python3 bench/run.py " + shlex.join(sys.argv[1:]).strip(),
              "```", ""]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine]
    lines += ["", "## Versions", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in versions(args, nnpipe)]
    lines += ["", "## Settings", "",
              f"- repeats per tool: {args.repeat} (round-robin; medians reported)",
              f"- input: gzip -6 CSV; outputs: plain `.csv` and gzip `.csv.gz`: peers at level "
              f"{args.gzip_level}, nnpipe at "
              + (f"level {args.nnpipe_gzip_level}" if args.nnpipe_gzip_level
                 else "its default level (3: ISA-L deflate)")
              + " (compare the output sizes in the tables)",
              f"- nnpipe: `chunk_rows: {args.chunk_rows}`, `workers: {args.workers}`; peers: "
              f"pandas chunks of {args.peer_chunk_rows} rows, pyarrow 16 MiB blocks, "
              "polars streaming engine (see bench/peers.py)",
              "- wall: elapsed time of the whole command (interpreter start and imports "
              "included); CPU: user + sys; RSS: peak resident set size (max over runs)",
              "- ratio: nnpipe's median wall / the fastest peer's median wall (below 1: "
              "nnpipe is faster)",
              "- P3 floor: max(inflate, nnpipe CPU / cores), where inflate is the median time of "
              f"inflating the input to nothing on one thread ({INFLATE[1]}); nnpipe wall / floor "
              "of 1.0 is the best possible",
              f"- check: each peer's output parsed with numpy against nnpipe's: same header, "
              f"shape and ids, max abs diff <= {TOLERANCE:g}", ""]

    if args.quick:
        lines += ["**Quick smoke-test sizes: these numbers say nothing about performance.**", ""]

    # Summary
    lines += ["## Summary", "",
              "| workload | values | digits | input bytes/value | output | nnpipe (s) | fastest peer (s) "
              "| ratio | P3 floor (s) | nnpipe / floor | check |",
              "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for r in results:
        peers = [t for t in r.samples if t != "nnpipe"]
        has_nn = "nnpipe" in r.samples
        nn = f"{r.median('nnpipe'):.2f}" if has_nn else "-"
        if peers:
            best = min(peers, key=r.median)
            fast = f"{r.median(best):.2f} ({best})"
            ratio = f"{r.median('nnpipe') / r.median(best):.2f}" if has_nn else "-"
        else:
            fast = ratio = "-"
        if has_nn:
            floor, _ = floor_of(r)
            fl, vs = f"{floor:.2f}", f"{r.median('nnpipe') / floor:.2f}"
        else:
            fl = vs = "-"
        bad = [t for t, (_, err) in r.checks.items() if err]
        check = ("FAIL: " + ", ".join(bad)) if bad else ("ok" if r.checks else "-")
        lines.append(f"| {r.workload.name} | {r.distribution} | {r.digits} | {r.bytes_per_value:.1f} | .{r.kind} | {nn} "
                     f"| {fast} | {ratio} | {fl} | {vs} | {check} |")
    lines.append("")

    # Details per workload
    for (name, digits, distribution), group in itertools.groupby(
            results, key=lambda r: (r.workload.name, r.digits, r.distribution)):
        group = list(group)
        w = group[0].workload
        data, _ = gen_data.paths(args.dir, name, args.quick, digits, distribution)
        lines += [f"## {name} ({w.label}), {distribution} values, {digits} significant digits: {group[0].rows:,} rows x "
                  f"{w.features} features, net {_net_text(w)}", "",
                  f"Input: {data.stat().st_size / MiB:.1f} MiB gzip, {group[0].bytes_per_value:.1f} "
                  f"bytes per value uncompressed; inflating it ({INFLATE[1]}) takes "
                  f"{group[0].inflate:.2f} s.", ""]
        for r in group:
            lines += [f"### Output .{r.kind}", "",
                      "| tool | median wall (s) | min-max (s) | rows/s | CPU (s) | peak RSS (MiB) "
                      "| output (MiB) | max abs diff vs nnpipe |",
                      "|---|---:|---:|---:|---:|---:|---:|---|"]
            for t, samples in r.samples.items():
                walls = [s.wall for s in samples]
                med = r.median(t)
                if t in r.checks:
                    diff, err = r.checks[t]
                    check = f"{diff:.3g}" + (f" **FAIL: {err}**" if err else "")
                else:
                    check = "(reference)" if t == "nnpipe" else "-"
                lines.append(
                    f"| {t} | {med:.2f} | {min(walls):.2f}-{max(walls):.2f} | "
                    f"{_fmt_rate(r.rows, med)} | {r.median(t, 'cpu'):.2f} | "
                    f"{max(s.rss_mib for s in samples):.0f} | {r.sizes[t] / MiB:.1f} | {check} |")
            lines.append("")
            if "nnpipe" in r.samples:
                floor, cpu_per_core = floor_of(r)
                nn = r.median("nnpipe")
                peers = [t for t in r.samples if t != "nnpipe"]
                if peers:
                    best = min(peers, key=r.median)
                    lines.append(f"- nnpipe / fastest peer ({best}): "
                                 f"{nn:.2f} / {r.median(best):.2f} = **{nn / r.median(best):.2f}**")
                lines.append(f"- P3 floor: max(inflate {r.inflate:.2f} s, CPU "
                             f"{r.median('nnpipe', 'cpu'):.2f} s / {cores()} cores = "
                             f"{cpu_per_core:.2f} s) = {floor:.2f} s; nnpipe wall / floor = "
                             f"**{nn / floor:.2f}**")
                lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_args(argv: list[str] | None):
    ap = argparse.ArgumentParser(
        description="Benchmark nnpipe against pandas, pyarrow and polars; writes bench/RESULTS.md.")
    ap.add_argument("--workloads", default="W1,W2,W3",
                    help=f"comma-separated, of {','.join(gen_data.WORKLOADS)} (default W1,W2,W3)")
    ap.add_argument("--digits", default="7",
                    help="comma-separated significant digits of the inputs' values, of 7 (%%.7g) "
                         "and 17 (repr, as pandas' to_csv writes them) (default 7)")
    ap.add_argument("--distributions", default="normal",
                    help="comma-separated distributions of the inputs' values, of normal (standard "
                         "normal) and uniform ([0, 1)) (default normal)")
    ap.add_argument("--big", action="store_true",
                    help=f"also run {BIG} (10M rows; {' and '.join(BIG_TOOLS)} only unless "
                         "--tools is given)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per tool and case (default 3)")
    ap.add_argument("--tools", help=f"comma-separated, of {','.join(TOOLS)} (default all)")
    ap.add_argument("--gzip-level", type=int, default=6, choices=range(1, 10), metavar="1-9",
                    help="gzip level of the peers' .csv.gz outputs (default 6)")
    ap.add_argument("--nnpipe-gzip-level", type=int, choices=range(1, 10), metavar="1-9",
                    help="nnpipe's write.gzip_level (default: nnpipe's own default, 3)")
    ap.add_argument("--chunk-rows", type=int, default=8192,
                    help="nnpipe's execution.chunk_rows (default 8192)")
    ap.add_argument("--workers", default="auto", help="nnpipe's execution.workers (default auto)")
    ap.add_argument("--peer-chunk-rows", type=int, default=65536,
                    help="pandas' read_csv chunksize (default 65536)")
    ap.add_argument("--quick", action="store_true",
                    help="tiny row counts (smoke test); data in DIR/quick, report in "
                         "bench/out/RESULTS-quick.md unless --results")
    ap.add_argument("--build", action="store_true", help="rebuild nnpipe even if its binary exists")
    ap.add_argument("--dir", type=Path, default=gen_data.DEFAULT_DIR,
                    help="data folder (default bench/data)")
    ap.add_argument("--out", type=Path, default=BENCH / "out",
                    help="folder for outputs and pipelines (default bench/out)")
    ap.add_argument("--results", type=Path, help="report path (default bench/RESULTS.md)")
    ap.add_argument("--keep-outputs", action="store_true",
                    help="keep the tools' outputs under --out (deleted after each check by default)")
    ap.add_argument("--nnpipe", help=argparse.SUPPRESS)  # stand-in command, for testing run.py
    args = ap.parse_args(argv)

    args.workload_names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    if args.big and BIG not in args.workload_names:
        args.workload_names.append(BIG)
    unknown = [n for n in args.workload_names if n not in gen_data.WORKLOADS]
    if unknown:
        ap.error(f"unknown workload(s): {', '.join(unknown)}")
    try:
        args.digit_list = [int(d) for d in args.digits.split(",") if d.strip()]
    except ValueError:
        ap.error(f"--digits: not a list of numbers: {args.digits}")
    if not args.digit_list or any(d not in gen_data.DIGITS for d in args.digit_list):
        ap.error(f"--digits takes {' and '.join(map(str, gen_data.DIGITS))}")
    args.distribution_list = [d.strip() for d in args.distributions.split(",") if d.strip()]
    if not args.distribution_list or any(d not in gen_data.DISTRIBUTIONS for d in args.distribution_list):
        ap.error(f"--distributions takes {' and '.join(gen_data.DISTRIBUTIONS)}")
    args.tools_given = args.tools is not None
    args.tool_list = [t.strip() for t in (args.tools or ",".join(TOOLS)).split(",") if t.strip()]
    bad = [t for t in args.tool_list if t not in TOOLS]
    if bad:
        ap.error(f"unknown tool(s): {', '.join(bad)}")
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.results is None:
        args.results = (args.out / "RESULTS-quick.md") if args.quick else (BENCH / "RESULTS.md")
    return args


def input_bytes_per_value(args, name: str, digits: int, data: Path, distribution: str = "normal") -> float:
    """Uncompressed input bytes per feature value, from input.json (counted by inflating the
    input and written there when an older generator left none)."""
    info = gen_data.input_info(args.dir, name, args.quick, digits, distribution)
    if info is None:
        workload = gen_data.WORKLOADS[name]
        rows = workload.row_count(args.quick)
        size = int(subprocess.run(["sh", "-c", f"gzip -dc {shlex.quote(str(data))} | wc -c"],
                                  capture_output=True, text=True, check=True).stdout)
        info = {"rows": rows, "features": workload.features, "digits": digits, "bytes": size,
                "bytes_per_value": round(size / (rows * workload.features), 2)}
        (data.parent / "input.json").write_text(json.dumps(info) + "\n")
    return float(info["bytes_per_value"])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    machine = machine_info()  # load average before we add to it

    ensure_gnu_time()
    for digits, distribution in itertools.product(args.digit_list, args.distribution_list):
        gen_data.generate(args.dir, args.workload_names, args.quick, log=log, digits=digits,
                          distribution=distribution)
    ensure_peers(args.tool_list)
    nnpipe = ensure_nnpipe(args) if "nnpipe" in args.tool_list else []
    INFLATE[:] = inflate_command()

    results: list[Result] = []
    failed = False
    for name, distribution, digits in itertools.product(args.workload_names, args.distribution_list, args.digit_list):
        workload = gen_data.WORKLOADS[name]
        tools = args.tool_list
        if name == BIG and not args.tools_given:
            tools = [t for t in tools if t in BIG_TOOLS]
        data, model = gen_data.paths(args.dir, name, args.quick, digits, distribution)
        bytes_per_value = input_bytes_per_value(args, name, digits, data, distribution)
        log(f"[bench] {name}, {distribution} values, {digits} digits ({bytes_per_value:.1f} bytes/value): "
            f"{workload.row_count(args.quick):,} rows, tools {', '.join(tools)}")
        inflate = statistics.median(
            timed(["sh", "-c", f"{shlex.join(INFLATE[0])} {shlex.quote(str(data))} > /dev/null"],
                  f"{name} inflate").wall
            for _ in range(args.repeat))
        log(f"  inflate ({INFLATE[1]}): {inflate:.2f} s")
        out_dir = args.out / ("quick" if args.quick else "") / gen_data.workload_dir(Path(), name, False, digits, distribution)
        for kind in KINDS:
            r = run_case(workload, kind, tools, nnpipe, data, model, out_dir, inflate, args,
                         digits, bytes_per_value, distribution)
            failed |= any(err for _, err in r.checks.values())
            results.append(r)

    report = render(results, args, nnpipe, started, machine)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(report + "\n")
    log(f"[bench] wrote {args.results}")
    if failed:
        log("[bench] some outputs did not match nnpipe's: see the report")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, subprocess.CalledProcessError) as e:
        # a tool, the build or an install failed: say which, without a traceback
        log(f"[bench] {e}")
        sys.exit(2)
