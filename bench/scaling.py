#!/usr/bin/env python3
"""nnpipe at 1, 2, 4, 8 and 16 workers on W2, with polars side by side and the model beside.

Two tables, for each --digits (7: `%.7g`; 17: pandas' `to_csv`), written as Markdown to
--report (and printed):

* **W2 end to end**: W2's 1,000,000 x 32 input through the 32-64-64-8 network to a plain CSV
  output, from three forms of the same text: gzip of one member (`pigz -6`/`gzip -6`, what
  gzip, pigz, Python and pandas write), BGZF (64 KiB members with the size field, what bgzip
  and nnpipe's own gzip output are) and plain text. nnpipe at each --workers count, polars (its
  streaming engine, every core) on the gzip and plain files; median wall seconds of --repeat
  runs, round-robin; speed-up over one worker beside bench/scaling_model.py's prediction for
  that many cores (stage CPU seconds of bench/scaling_inputs.json; BGZF as the model's "parts
  on the pool" case); peak RSS of the largest run. Every nnpipe output must be byte-identical
  to the first one (1 worker, gzip input): a mismatch stops the script with exit 1. polars'
  output is compared with nnpipe's (max |difference|, bench/run.py's check).
* **Reader-bound**: one feature through an identity model (bench/reader_bound.py's run), so
  that the run takes about as long as the input takes to decompress and cut into records;
  beside it one thread's decode of the same file (ISA-L's inflate, bench/isal_inflate.c).

`--inputs` may add `gzip-parallel`: the same one-member gzip file read with
`execution.parallel_gzip: true` (inflated in regions), beside `gzip`, read with
`parallel_gzip: false` (one thread; not set, it is on from 4 workers).

Inputs are made into --dir from bench/gen_data.py (seeded; existing files are kept).
--budget-s stops starting new cases after that many seconds (the report then says which were
skipped), so a run on a borrowed machine always leaves its tables.

    python3 bench/scaling.py [--nnpipe .build/release/nnpipe] [--workers 1,2,4,8,16]
        [--digits 7,17] [--repeat 3] [--tools nnpipe,polars] [--inputs gzip,bgzf,plain]
        [--dir bench/data/scaling]
        [--inflate bench/data/isal-inflate] [--report bench/out/scaling.md] [--budget-s 0]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import gen_data  # noqa: E402
import scaling_model  # noqa: E402
from run import compare_outputs  # noqa: E402

INPUTS = ("gzip", "gzip-parallel", "bgzf", "plain")
INPUT_LABELS = {"gzip": "gzip, one member, one thread (`parallel_gzip: false`)",
                "gzip-parallel": "gzip, one member, in regions (`parallel_gzip: true`)",
                "bgzf": "BGZF (bgzip, nnpipe's .gz)", "plain": "plain text"}
# The forms that are the same file read another way, and the setting that reads it so.
SAME_FILE = {"gzip-parallel": "gzip"}
# (Not set, parallel_gzip is on from 4 workers: "gzip" turns it off to measure one thread.)
SETTINGS = {"gzip": {"parallel_gzip": "false"}, "gzip-parallel": {"parallel_gzip": "true"}}
BGZF_BLOCK = 65280  # bgzip's block of uncompressed bytes
STARTED = time.monotonic()


def log(msg: str) -> None:
    print(f"[scaling {time.monotonic() - STARTED:6.1f}s] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

def bgzf_member(block: bytes) -> bytes:
    """One BGZF member: a gzip member whose header's extra field `BC` holds its size - 1."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = deflate.compress(block) + deflate.flush()
    header = struct.pack("<BBBBIBBH", 0x1F, 0x8B, 8, 4, 0, 0, 0xFF, 6) + b"BC" + struct.pack("<HH", 2, 0)
    member = bytearray(header + body + struct.pack("<II", zlib.crc32(block), len(block)))
    struct.pack_into("<H", member, 16, len(member) - 1)
    return bytes(member)


def write_bgzf(plain: Path, target: Path) -> None:
    """Compresses plain into BGZF members on every core (the file bgzip -@N writes, in form)."""
    temporary = target.with_suffix(".partial")

    def blocks():
        with open(plain, "rb") as f:
            while block := f.read(BGZF_BLOCK):
                yield block

    with open(temporary, "wb") as out, concurrent.futures.ProcessPoolExecutor() as pool:
        for member in pool.map(bgzf_member, blocks(), chunksize=64):
            out.write(member)
        out.write(bgzf_member(b""))  # the EOF marker
    temporary.replace(target)


def prepare(base: Path, digits: int, forms: list[str]) -> tuple[dict[str, Path], Path]:
    """The forms of W2's input at these digits that `forms` names, and its model."""
    folder = gen_data.workload_dir(base, "W2", False, digits)
    gz, model = folder / "input.csv.gz", folder / "model.json"
    if not gz.exists() or not model.exists():
        log(f"generating W2 at {digits} digits into {folder}")
        subprocess.run([sys.executable, str(BENCH / "gen_data.py"), "--dir", str(base),
                        "--workloads", "W2", "--digits", str(digits)], check=True)
    plain = folder / "input.csv"
    if not plain.exists() and {"plain", "bgzf"} & set(forms):
        log("inflating to plain text")
        tool = shutil.which("pigz") or "gzip"
        with open(plain.with_suffix(".partial"), "wb") as out:
            subprocess.run([tool, "-dc", str(gz)], stdout=out, check=True)
        plain.with_suffix(".partial").replace(plain)
    bgz = folder / "input.bgz.csv.gz"
    if not bgz.exists() and "bgzf" in forms:
        log("writing BGZF")
        write_bgzf(plain, bgz)
    (folder / "identity.json").write_text(
        '{"layers": [{"weights": [[1]], "bias": [0], "activation": "identity"}]}')
    return {"gzip": gz, "gzip-parallel": gz, "bgzf": bgz, "plain": plain}, model


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float


def timed(cmd: list[str], label: str) -> Sample:
    """Runs cmd under GNU time: wall seconds, user+sys CPU seconds and peak RSS. (The peak RSS
    that wait4 reports for a child of this script counts this script's own pages before the
    exec, so it cannot tell a 40 MiB run from this process's size.)"""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    with tempfile.NamedTemporaryFile("r", suffix=".time") as figures:
        start = time.perf_counter()
        proc = subprocess.run([gnu_time, "-f", "%U %S %M", "-o", figures.name, *cmd],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{label} failed (exit {proc.returncode}): {shlex.join(cmd)}\n"
                               f"{proc.stderr.decode(errors='replace')[-2000:]}")
        user, system, rss_kib = figures.read().split()[-3:]
    return Sample(wall, float(user) + float(system), int(rss_kib) / 1024)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            h.update(block)
    return h.hexdigest()


@dataclass
class Cell:
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str = "wall") -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def peak_rss(self) -> float:
        return max(s.rss_mib for s in self.samples)


# --------------------------------------------------------------------------
# The model's prediction
# --------------------------------------------------------------------------

def predicted_speedups(workers: list[int], cores: int) -> dict[str, dict[int, float]]:
    """wall(1) / wall(n) from the committed stage times, per input form (plain output)."""
    data = json.loads((BENCH / "scaling_inputs.json").read_text())
    cases = {(c.get("input", "csv.gz"), c["output"]): c for c in data["cases"]}
    moved = 3 * data["input_bytes"]
    bandwidth = 10e9

    def speedups(terms: dict) -> dict[int, float]:
        wall = {n: scaling_model.predict(terms, n, cores, data["chunks"], moved, bandwidth)[0]
                for n in set(workers) | {1}}
        return {n: wall[1] / wall[n] for n in workers}

    out = {}
    gz = cases.get(("csv.gz", "csv"))
    if gz:
        terms = scaling_model.parts(gz)
        out["gzip"] = speedups(terms)
        r = terms["reader"]
        out["bgzf"] = speedups(dict(terms, S=r.get("kernel", 0) + r.get("split", 0) + r.get("other", 0),
                                    P=terms["P"] + r.get("inflate", 0)))
        # Against one worker of the one-thread reader, as the table's 1 w column is (one worker
        # reads with one thread whatever the setting).
        regions = scaling_model.in_regions(terms)
        one = scaling_model.predict(terms, 1, cores, data["chunks"], moved, bandwidth)[0]
        out["gzip-parallel"] = {n: one / scaling_model.predict(regions if n >= 2 else terms, n, cores, data["chunks"],
                                                               moved, bandwidth)[0]
                                for n in workers}
    plain = cases.get(("csv", "csv"))
    if plain:
        out["plain"] = speedups(scaling_model.parts(plain))
    return out


# --------------------------------------------------------------------------
# The runs
# --------------------------------------------------------------------------

def pipeline_yaml(path: Path, data: Path, model: Path, out: Path, workers: int,
                  settings: dict[str, str]) -> None:
    names = ", ".join(f"x{i}" for i in range(32))
    extra = "".join(f"  {key}: {value}\n" for key, value in settings.items())
    path.write_text(
        "stages:\n"
        f"  - read:\n      path: {json.dumps(str(data))}\n      features: [{names}]\n      carry: [id]\n"
        f"  - forward:\n      model: {json.dumps(str(model))}\n"
        f"  - write:\n      path: {json.dumps(str(out))}\n"
        f"execution:\n  chunk_rows: 8192\n  workers: {workers}\n{extra}")


class Budget:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.skipped: list[str] = []

    def allows(self, what: str) -> bool:
        if self.seconds and time.monotonic() - STARTED > self.seconds:
            self.skipped.append(what)
            log(f"budget spent: skipping {what}")
            return False
        return True


def end_to_end(args, digits: int, files: dict[str, Path], model: Path, work: Path,
               budget: Budget) -> tuple[dict, dict]:
    """{(input, workers or 'polars'): Cell} and polars' max differences per input."""
    cells: dict = {}
    checks: dict = {}
    reference: str | None = None
    reference_path = work / "reference.csv"
    for rep in range(args.repeat):
        for form in args.inputs:
            if not budget.allows(f"W2 d{digits} {form} run {rep + 1}"):
                continue
            for n in args.workers:
                out = work / f"nnpipe-{form}-{n}.csv"
                yaml = work / f"pipeline-{form}-{n}.yaml"
                pipeline_yaml(yaml, files[form], model, out, n, SETTINGS.get(form, {}))
                out.unlink(missing_ok=True)
                s = timed([args.nnpipe, "run", "-q", str(yaml)], f"nnpipe {form} {n} workers")
                cells.setdefault((form, n), Cell()).samples.append(s)
                log(f"d{digits} {form:5} {n:2} workers run {rep + 1}: {s.wall:6.2f} s, "
                    f"{s.cpu:6.2f} s CPU, {s.rss_mib:5.0f} MiB")
                if rep == 0:
                    h = digest(out)
                    if reference is None:
                        reference = h
                        out.replace(reference_path)
                    elif h != reference:
                        sys.exit(f"nnpipe's output from {form} input at {n} workers differs from "
                                 f"the first run's: {out} vs {reference_path}")
                out.unlink(missing_ok=True)
            if "polars" in args.tools and form not in ("bgzf", *SAME_FILE):
                out = work / f"polars-{form}.csv"
                s = timed([sys.executable, str(BENCH / "peers.py"), "polars", str(model),
                           str(files[form]), str(out)], f"polars {form}")
                cells.setdefault((form, "polars"), Cell()).samples.append(s)
                log(f"d{digits} {form:5} polars run {rep + 1}: {s.wall:6.2f} s, {s.cpu:6.2f} s CPU, "
                    f"{s.rss_mib:5.0f} MiB")
                if rep == 0 and reference is not None and budget.allows(f"polars check d{digits} {form}"):
                    checks[form] = compare_outputs(reference_path, out, 1_000_000, 8)
                    log(f"polars {form}: max abs diff {checks[form][0]:.3g} {checks[form][1] or ''}")
                out.unlink(missing_ok=True)
    reference_path.unlink(missing_ok=True)
    return cells, checks


def reader_bound(args, digits: int, files: dict[str, Path], work: Path, budget: Budget) -> dict:
    """{(input, workers or 'decode'): Cell} for the identity model on x0."""
    cells: dict = {}
    identity = files["gzip"].parent / "identity.json"
    for rep in range(args.repeat):
        for form in args.inputs:
            if not budget.allows(f"reader-bound d{digits} {form} run {rep + 1}"):
                continue
            if form != "plain" and form not in SAME_FILE and args.inflate:
                s = timed([args.inflate, str(files[form])], f"inflate {form}")
                cells.setdefault((form, "decode"), Cell()).samples.append(s)
            for n in args.workers:
                cmd = [args.nnpipe, "run", "-q", "--model", str(identity), "--features", "x0",
                       "--workers", str(n), "-o", "-", str(files[form])]
                cmd += [f"--set=execution.{k}={v}" for k, v in SETTINGS.get(form, {}).items()]
                s = timed(cmd, f"reader-bound {form} {n}")
                cells.setdefault((form, n), Cell()).samples.append(s)
            log(f"reader-bound d{digits} {form} run {rep + 1} done")
    return cells


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def machine() -> str:
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} logical CPUs ({model}), Linux {platform.release()}"


def render(args, results: list, budget: Budget, predicted: dict) -> str:
    lines = [f"Machine: {machine()}. Command: `python3 bench/scaling.py "
             f"--workers {','.join(map(str, args.workers))} --digits {','.join(map(str, args.digits))} "
             f"--repeat {args.repeat} --tools {','.join(args.tools)} --inputs {','.join(args.inputs)}`; "
             f"medians of {args.repeat} runs.", ""]
    for digits, files, cells, checks, bound in results:
        sizes = {f: files[f].stat().st_size / 2**20 for f in args.inputs if files[f].exists()}
        lines += [f"#### W2 end to end, {digits} digits (1,000,000 x 32 -> 8 outputs, plain CSV output)", "",
                  "| input | size | " + " | ".join(f"{n} w" for n in args.workers)
                  + " | polars | nnpipe best / polars | peak RSS nnpipe / polars |",
                  "|---|---:|" + "---:|" * len(args.workers) + "---:|---:|---:|"]
        for form in args.inputs:
            if (form, args.workers[0]) not in cells:
                continue
            one = cells[(form, 1)].median() if (form, 1) in cells else None
            row = [INPUT_LABELS[form], f"{sizes[form]:.0f} MiB"]
            for n in args.workers:
                c = cells.get((form, n))
                if not c:
                    row.append("-")
                    continue
                text = f"{c.median():.2f} s"
                if one and n != 1:
                    model = predicted.get(form, {}).get(n)
                    text += f" ({one / c.median():.1f}×" + (f"; model {model:.1f}×)" if model else ")")
                row.append(text)
            best = min(cells[(form, n)].median() for n in args.workers if (form, n) in cells)
            nn_rss = max(cells[(form, n)].peak_rss() for n in args.workers if (form, n) in cells)
            p = cells.get((form, "polars"))
            if p:
                diff, err = checks.get(form, (float("nan"), None))
                row += [f"{p.median():.2f} s", f"**{best / p.median():.2f}**",
                        f"{nn_rss:.0f} / {p.peak_rss():.0f} MiB"
                        + (f" (max diff {diff:.2g}{'; ' + err if err else ''})" if form in checks else "")]
            else:
                row += ["-", "-", f"{nn_rss:.0f} MiB"]
            lines.append("| " + " | ".join(row) + " |")
        lines += ["", f"#### Reader-bound, {digits} digits (`--features x0`, identity model, output to /dev/null)", "",
                  "| input | one-thread decode | " + " | ".join(f"{n} w" for n in args.workers)
                  + " | best / decode |", "|---|---:|" + "---:|" * len(args.workers) + "---:|"]
        for form in args.inputs:
            if (form, args.workers[0]) not in bound:
                continue
            d = bound.get((form, "decode")) or bound.get((SAME_FILE.get(form), "decode"))
            row = [INPUT_LABELS[form], f"{d.median():.3f} s" if d else "-"]
            row += [f"{bound[(form, n)].median():.3f} s" if (form, n) in bound else "-" for n in args.workers]
            best = min(bound[(form, n)].median() for n in args.workers if (form, n) in bound)
            row.append(f"{best / d.median():.2f}" if d else "-")
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    if budget.skipped:
        lines.append("Skipped when --budget-s ran out: " + "; ".join(budget.skipped) + ".")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nnpipe", default=str(REPO / ".build" / "release" / "nnpipe"))
    ap.add_argument("--workers", default="1,2,4,8,16")
    ap.add_argument("--digits", default="7,17")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tools", default="nnpipe,polars")
    ap.add_argument("--inputs", default="gzip,bgzf,plain",
                    help=f"of {','.join(INPUTS)}: gzip-parallel reads the gzip file with parallel_gzip")
    ap.add_argument("--dir", type=Path, default=BENCH / "data" / "scaling")
    ap.add_argument("--inflate", default=str(BENCH / "data" / "isal-inflate"))
    ap.add_argument("--report", type=Path, default=BENCH / "out" / "scaling.md")
    ap.add_argument("--budget-s", type=float, default=0)
    args = ap.parse_args(argv)
    args.workers = [int(n) for n in args.workers.split(",")]
    args.digits = [int(d) for d in args.digits.split(",")]
    args.tools = args.tools.split(",")
    args.inputs = args.inputs.split(",")
    if unknown := set(args.inputs) - set(INPUTS):
        ap.error(f"unknown --inputs {', '.join(sorted(unknown))}: of {', '.join(INPUTS)}")
    args.dir = args.dir.resolve()
    if args.inflate and not Path(args.inflate).exists():
        log(f"{args.inflate} not found: no one-thread decode column")
        args.inflate = None
    predicted = predicted_speedups(args.workers, os.cpu_count() or 1)
    budget = Budget(args.budget_s)
    results = []
    args.report.parent.mkdir(parents=True, exist_ok=True)
    for digits in args.digits:
        if not budget.allows(f"{digits} digits"):
            continue
        files, model = prepare(args.dir, digits, args.inputs)
        work = args.dir / "runs"
        work.mkdir(parents=True, exist_ok=True)
        cells, checks = end_to_end(args, digits, files, model, work, budget)
        bound = reader_bound(args, digits, files, work, budget)
        results.append((digits, files, cells, checks, bound))
        args.report.write_text(render(args, results, budget, predicted))
    report = render(args, results, budget, predicted)
    args.report.write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
