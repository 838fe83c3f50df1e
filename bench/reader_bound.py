#!/usr/bin/env python3
"""The reader-bound run against one thread's decompression of the same file.

A run that the reader bounds: one feature of W2's 1,000,000 x 32 input through an identity
model (`--features x0`), so that parsing, the model and the writer cost little and the run takes
about as long as the input takes to decompress and cut into records. Each compressed form of the
same text is timed three ways, medians of --repeat runs:

  decode      the compressor's own one-thread decoder to nothing: ISA-L's inflate
              (bench/isal_inflate.c, the library nnpipe inflates with) for gzip files,
              `zstd -dc` for zstd files
  nnpipe      the reader-bound run, on every core (nnpipe's parallel decoder where the file
              allows it: BGZF members, zstd frames, a gzip member in regions from 4 cores; on
              fewer, a row of its own with execution.parallel_gzip: true)
  nnpipe/1    the same run on one core (taskset -c 0)

and the ratio nnpipe / decode, which only a decoder split over threads can take below 1.0.
Inputs, made once into bench/data/W2/ from the W2 input (python3 bench/gen_data.py
--workloads W2): input.csv (plain), input.csv.gz (gzip -6, one member), input.bgz (bgzip,
Debian's tabix), input.pzst (pzstd, Debian's zstd), input.zst (zstd, one frame).

  python3 bench/reader_bound.py [--repeat 5] [--nnpipe .build/release/nnpipe]

Prints a Markdown table; bench/RESULTS.md keeps the last one quoted.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = BENCH / "data" / "W2"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def prepare() -> dict[str, Path]:
    if not (DATA / "input.csv.gz").exists():
        sh(["python3", str(BENCH / "gen_data.py"), "--workloads", "W2"])
    plain = DATA / "input.csv"
    if not plain.exists():
        with open(plain, "wb") as out:
            sh(["gzip", "-dc", str(DATA / "input.csv.gz")], stdout=out)
    files = {"plain": plain, "gzip (one member)": DATA / "input.csv.gz"}
    makers = {"bgzip (BGZF)": ("input.bgz", ["bgzip", "-c", "-@", "2"]),
              "pzstd (frames)": ("input.pzst", ["pzstd", "-q", "-c", "-p", "2"]),
              "zstd (one frame)": ("input.zst", ["zstd", "-q", "-c"])}
    for label, (name, cmd) in makers.items():
        target = DATA / name
        if not target.exists():
            if not shutil.which(cmd[0]):
                print(f"[reader-bound] {cmd[0]} not found: no {label} row")
                continue
            with open(plain, "rb") as source, open(target, "wb") as out:
                sh(cmd, stdin=source, stdout=out)
        files[label] = target
    (DATA / "identity.json").write_text('{"layers": [{"weights": [[1]], "bias": [0], "activation": "identity"}]}')
    return files


def median_seconds(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        sh(cmd, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--nnpipe", default=str(REPO / ".build" / "release" / "nnpipe"))
    args = parser.parse_args()
    inflate = DATA.parent / "isal-inflate"
    if not inflate.exists():
        sh(["cc", "-O2", "-o", str(inflate), str(BENCH / "isal_inflate.c"), "-lisal"])
    files = prepare()
    run = [args.nnpipe, "run", "-q", "--model", str(DATA / "identity.json"), "--features", "x0", "-o", "-"]
    print(f"| input ({os.cpu_count()} cores) | size | one-thread decode (s) | nnpipe (s) | nnpipe on one core (s) | nnpipe / decode |")
    print("|---|---|---|---|---|---|")
    # On fewer than 4 cores a gzip member is inflated on one thread unless execution.parallel_gzip
    # says otherwise: that setting gets a row of its own there (from 4 cores it is the default).
    rows = [(label, path, []) for label, path in files.items()]
    if (os.cpu_count() or 1) < 4:
        at = [label for label, _, _ in rows].index("gzip (one member)") + 1
        rows.insert(at, ("gzip (one member), parallel_gzip: true", files["gzip (one member)"],
                         ["--set=execution.parallel_gzip=true"]))
    for label, path, settings in rows:
        if label == "plain":
            decode = None
        elif path.name.endswith(".gz") or path.name.endswith(".bgz"):
            decode = median_seconds([str(inflate), str(path)], args.repeat)
        else:
            decode = median_seconds(["zstd", "-q", "-dc", "-f", "-o", "/dev/null", str(path)], args.repeat)
        both = median_seconds(run + settings + [str(path)], args.repeat)
        one = median_seconds(["taskset", "-c", "0"] + run + settings + [str(path)], args.repeat)
        ratio = f"{both / decode:.2f}" if decode else "-"
        shown = f"{decode:.3f}" if decode else "-"
        print(f"| {label} | {path.stat().st_size / 2**20:.0f} MiB | {shown} | {both:.3f} | {one:.3f} | {ratio} |")


main()
