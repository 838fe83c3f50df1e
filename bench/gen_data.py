#!/usr/bin/env python3
"""Seeded generator for the nnpipe side-by-side benchmark's inputs.

For every workload it writes, into ``DIR/<workload>/``:

* ``input.csv.gz``: header ``id,x0,...,x{n-1}``, then one row per record:
  an integer ``id`` (0, 1, 2, ...) and the features, each a standard-normal
  draw (or, with ``--distribution uniform``, a uniform one in [0, 1), numpy's
  ``random()``) written with 7 significant digits (``%.7g``), or with ``--digits 17``
  as pandas' ``to_csv`` writes them by default (Python's ``repr``: the shortest
  text that reads back to the same double, up to 17 significant digits). Compressed with the
  ``gzip -6`` binary through a pipe (Python's gzip module if the binary is
  missing; ``pigz -6`` if installed), so formatting and compression overlap.
* ``model.json``: ``{"layers": [{"weights": [[...]...], "bias": [...],
  "activation": "..."}, ...]}`` with weights shaped inputs x units.

Workloads (row counts in brackets are the ``--quick`` smoke-test sizes):

* W1 "seed":  2,000,000 x 2 (20,000), net 2-3-4-2, all sigmoid, fixed weights.
* W2 "wide":  1,000,000 x 32 (10,000), net 32-64-64-8 (relu, relu, sigmoid).
* W3 "heavy": 100,000 x 256 (2,000), net 256-512-256-10 (relu, relu, sigmoid).
* W2x10:      10,000,000 x 32 (100,000), same net as W2.

Random weights are normal draws scaled by 1/sqrt(fan_in), biases normal x 0.1;
each net has its own seed, so W2 and W2x10 share one model. Everything is
deterministic. 17-digit inputs live in ``DIR/<workload>-d17/`` (same values,
same model); uniform inputs in ``DIR/<workload>[-d17]-uniform/``. Beside each input, ``input.json`` records its rows, features and
uncompressed bytes per value. Existing files are kept (delete a workload's folder to
regenerate it); files are written under a temporary name and renamed, so an
interrupted run leaves nothing that looks complete.

Usage: python3 bench/gen_data.py [--dir DIR] [--workloads W1,W2,...] [--digits 7|17]
           [--distribution normal|uniform] [--quick]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DIR = BENCH_DIR / "data"
QUICK_SUBDIR = "quick"  # --quick data lives in DIR/quick so it never mixes with full-size data
GZIP_LEVEL = 6
CHUNK_ROWS = 50_000  # rows formatted per step (bounds memory)
DIGITS = (7, 17)  # significant digits a feature is written with: %.7g, or repr (pandas' to_csv)
DISTRIBUTIONS = ("normal", "uniform")  # the features' distribution: standard normal, or uniform in [0, 1)

# The seed net 2-3-4-2 (all sigmoid), fixed weights.
SEED_NET = {
    "layers": [
        {"weights": [[1, -3, 5], [2, 4, -6]], "bias": [-1, 1, 2], "activation": "sigmoid"},
        {"weights": [[-1, 1, 2, 7], [1, 2, 3, -3], [1, 2, 3, 4]], "bias": [1, 2, 3, 4],
         "activation": "sigmoid"},
        {"weights": [[-1, 6], [1, -2], [1, 2], [1, 3]], "bias": [1, 2], "activation": "sigmoid"},
    ]
}


@dataclass(frozen=True)
class Net:
    """A random dense net: layer sizes (inputs first) and one activation per layer."""
    name: str
    sizes: tuple[int, ...]
    activations: tuple[str, ...]


WIDE = Net("wide", (32, 64, 64, 8), ("relu", "relu", "sigmoid"))
HEAVY = Net("heavy", (256, 512, 256, 10), ("relu", "relu", "sigmoid"))


@dataclass(frozen=True)
class Workload:
    name: str
    label: str
    rows: int
    quick_rows: int
    features: int
    net: Net | None  # None => the fixed seed net

    def row_count(self, quick: bool) -> int:
        return self.quick_rows if quick else self.rows

    @property
    def outputs(self) -> int:
        return 2 if self.net is None else self.net.sizes[-1]


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload("W1", "seed", 2_000_000, 20_000, 2, None),
        Workload("W2", "wide", 1_000_000, 10_000, 32, WIDE),
        Workload("W3", "heavy", 100_000, 2_000, 256, HEAVY),
        Workload("W2x10", "wide x10", 10_000_000, 100_000, 32, WIDE),
    )
}


def stable_seed(text: str) -> int:
    """A seed derived from a name, identical across runs and Python versions."""
    return zlib.crc32(text.encode())


def make_model(workload: Workload) -> dict:
    """The model.json content of a workload."""
    if workload.net is None:
        return SEED_NET
    net = workload.net
    rng = np.random.default_rng(stable_seed("model:" + net.name))
    layers = []
    for fan_in, units, act in zip(net.sizes[:-1], net.sizes[1:], net.activations):
        w = rng.standard_normal((fan_in, units)) / np.sqrt(fan_in)
        b = rng.standard_normal(units) * 0.1
        layers.append({"weights": w.tolist(), "bias": b.tolist(), "activation": act})
    return {"layers": layers}


def workload_dir(base: Path, name: str, quick: bool, digits: int = 7, distribution: str = "normal") -> Path:
    folder = (name if digits == 7 else f"{name}-d{digits}") + ("" if distribution == "normal" else f"-{distribution}")
    return (base / QUICK_SUBDIR / folder) if quick else (base / folder)


def paths(base: Path, name: str, quick: bool, digits: int = 7, distribution: str = "normal") -> tuple[Path, Path]:
    """(input.csv.gz, model.json) of a workload."""
    d = workload_dir(base, name, quick, digits, distribution)
    return d / "input.csv.gz", d / "model.json"


def input_info(base: Path, name: str, quick: bool, digits: int = 7, distribution: str = "normal") -> dict | None:
    """What input.json records of an input (rows, features, bytes, bytes_per_value), if written."""
    path = workload_dir(base, name, quick, digits, distribution) / "input.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class _GzipSink:
    """Writes bytes to a gzip file through a compressor process: `pigz` (same
    format and level, one gzip member, parallel) when installed, else `gzip`,
    else Python's gzip module."""

    def __init__(self, path: Path, level: int):
        self._proc = None
        tool = shutil.which("pigz") or shutil.which("gzip")
        if tool:
            self._file = open(path, "wb")
            self._proc = subprocess.Popen([tool, f"-{level}", "-c"],
                                          stdin=subprocess.PIPE, stdout=self._file)
            self.write = self._proc.stdin.write
        else:
            self._file = gzip.open(path, "wb", compresslevel=level)
            self.write = self._file.write

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            if self._proc.wait() != 0:
                raise RuntimeError("gzip failed")
        self._file.close()


def write_input(path: Path, workload: Workload, rows: int, digits: int = 7, distribution: str = "normal") -> None:
    """Writes the gzip CSV of `rows` records for `workload` (atomically), and input.json."""
    rng = np.random.default_rng(stable_seed("data:" + workload.name))
    k = workload.features
    tmp = path.with_name(path.name + ".tmp")
    sink = _GzipSink(tmp, GZIP_LEVEL)
    try:
        header = "id," + ",".join(f"x{i}" for i in range(k)) + "\n"
        sink.write(header.encode())
        # %r of a float is its repr, as pandas' to_csv writes it.
        row_fmt = (",%.7g" if digits == 7 else ",%r") * k + "\n"
        size = len(header)
        for start in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - start)
            values = (rng.standard_normal((n, k)) if distribution == "normal" else rng.random((n, k))).tolist()
            text = "".join([str(start + i) + (row_fmt % tuple(r)) for i, r in enumerate(values)])
            data = text.encode()
            size += len(data)
            sink.write(data)
    finally:
        sink.close()
    os.replace(tmp, path)
    info = {"rows": rows, "features": k, "digits": digits, "distribution": distribution, "bytes": size,
            "bytes_per_value": round(size / (rows * k), 2)}
    (path.parent / "input.json").write_text(json.dumps(info) + "\n")


def generate(base: Path, names: list[str], quick: bool, log=print, digits: int = 7,
             distribution: str = "normal") -> None:
    """Generates the listed workloads under `base` unless their files exist."""
    for name in names:
        workload = WORKLOADS[name]
        data_path, model_path = paths(base, name, quick, digits, distribution)
        data_path.parent.mkdir(parents=True, exist_ok=True)
        if not model_path.exists():
            tmp = model_path.with_name(model_path.name + ".tmp")
            tmp.write_text(json.dumps(make_model(workload)))
            os.replace(tmp, model_path)
        if data_path.exists():
            log(f"[gen] {name}: {data_path} exists, kept")
            continue
        rows = workload.row_count(quick)
        log(f"[gen] {name}: writing {rows:,} rows x {workload.features} features "
            f"({digits} significant digits, {distribution}) to {data_path}")
        write_input(data_path, workload, rows, digits, distribution)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR,
                    help="data folder (default: bench/data; --quick uses DIR/quick)")
    ap.add_argument("--workloads", default="W1,W2,W3",
                    help=f"comma-separated, of {','.join(WORKLOADS)} (default W1,W2,W3)")
    ap.add_argument("--digits", type=int, default=7, choices=DIGITS,
                    help="significant digits per value: 7 (%%.7g) or 17 (repr, as pandas' to_csv)")
    ap.add_argument("--distribution", default="normal", choices=DISTRIBUTIONS,
                    help="the values' distribution: normal (standard normal) or uniform ([0, 1))")
    ap.add_argument("--quick", action="store_true", help="tiny row counts for a smoke test")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        ap.error(f"unknown workload(s): {', '.join(unknown)}")
    generate(args.dir, names, args.quick, digits=args.digits, distribution=args.distribution)
    return 0


if __name__ == "__main__":
    sys.exit(main())
