#!/usr/bin/env python3
"""Cost of a run against the model's size: time and peak memory of `nnpipe validate`
and `nnpipe run` on models of growing width and growing input count.

Shapes (one dense layer each, sigmoid, seeded weights):

- ``units-N``: 10 inputs -> N units, N in 1k, 10k, 100k, 1M (and 2M with
  ``--big``); the input has 10 feature columns;
- ``features-F``: F inputs -> 10 units, F in 1k, 10k, 100k; the input's header
  names all F columns (``x0`` ...) and the pipeline lists them as features.

Each model is an ``.npz`` (``np.savez``: ``W0`` inputs x units, ``b0``); shapes
with at most 100k weights also get a JSON model and pipeline (``-json``). Each
input is a plain CSV of ``--rows`` rows (2 by default) with an ``id`` column
carried through. Files go to ``bench/data/model-size/`` (git-ignored, kept
between runs); outputs to ``bench/out/model-size/`` (removed after each run).

Every command runs under ``/usr/bin/time -v`` (wall seconds, peak RSS); ``run``
runs twice, with the defaults (``chunk_rows`` 8192, one worker per processor)
and with ``--workers 1 --chunk-rows 1``. The report (markdown, standard output)
gives the median of ``--repeat`` runs.

Usage: python3 bench/model_size.py [--shapes units-1000000,features-100000]
           [--big] [--repeat 1] [--rows 2] [--nnpipe .build/release/nnpipe]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = BENCH / "data" / "model-size"
OUT = BENCH / "out" / "model-size"
UNITS = (1_000, 10_000, 100_000, 1_000_000)
BIG_UNITS = (2_000_000,)
FEATURES = (1_000, 10_000, 100_000)
JSON_MAX_WEIGHTS = 100_000
MiB = 1 << 20


def shape_names(big: bool) -> list[str]:
    units = UNITS + (BIG_UNITS if big else ())
    return [f"units-{n}" for n in units] + [f"features-{f}" for f in FEATURES]


def dims(name: str) -> tuple[int, int]:
    """(inputs, units) of a shape name."""
    kind, count = name.split("-")
    return (10, int(count)) if kind == "units" else (int(count), 10)


def make(name: str, rows: int) -> list[Path]:
    """Writes the shape's model(s), input and pipeline(s) unless present; returns the pipelines."""
    inputs, units = dims(name)
    folder = DATA / name
    pipelines = [folder / "pipeline.yaml"]
    if inputs * units <= JSON_MAX_WEIGHTS:
        pipelines.append(folder / "pipeline-json.yaml")
    if all(p.exists() for p in pipelines):
        return pipelines
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(inputs * 7919 + units)
    weights = rng.standard_normal((inputs, units)) / np.sqrt(inputs)
    bias = rng.standard_normal(units) * 0.1
    np.savez(folder / "model.npz", W0=weights, b0=bias)
    names = [f"x{i}" for i in range(inputs)]
    with open(folder / "input.csv", "w") as f:
        f.write(",".join(["id"] + names) + "\n")
        for r in range(rows):
            f.write(",".join([str(r + 1)] + [f"{v:.7g}" for v in rng.standard_normal(inputs)]) + "\n")
    features = "[" + ", ".join(names) + "]"
    common = f"""stages:
  - read:
      path: input.csv
      features: {features}
      carry: [id]
  - forward:
      model: {{model}}{{activations}}
  - write:
      path: ../../out/model-size/{name}.csv
"""
    (folder / "pipeline.yaml").write_text(
        common.format(model="model.npz", activations="\n      activations: [sigmoid]"))
    if len(pipelines) > 1:
        layer = {"weights": weights.tolist(), "bias": bias.tolist(), "activation": "sigmoid"}
        (folder / "model.json").write_text(json.dumps({"layers": [layer]}))
        (folder / "pipeline-json.yaml").write_text(common.format(model="model.json", activations=""))
    return pipelines


def measure(command: list[str]) -> tuple[float, float, int]:
    """Runs a command under GNU time: (wall seconds, peak RSS MiB, exit status)."""
    start = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-v"] + command, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    rss = int(match.group(1)) / 1024 if match else float("nan")
    if done.returncode != 0:
        print(f"[model_size] {' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}",
              file=sys.stderr)
    return wall, rss, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", help="comma-separated shape names (default: all)")
    parser.add_argument("--big", action="store_true", help="add a 2,000,000-unit layer")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--rows", type=int, default=2, help="input rows per shape")
    parser.add_argument("--nnpipe", default=str(REPO / ".build" / "release" / "nnpipe"))
    parser.add_argument("--no-json", action="store_true", help="skip the JSON models")
    args = parser.parse_args()
    shapes = args.shapes.split(",") if args.shapes else shape_names(args.big)
    OUT.mkdir(parents=True, exist_ok=True)
    nnpipe = args.nnpipe
    print("| shape | model | command | wall s | peak RSS MiB |")
    print("|---|---|---|---:|---:|")
    failed = False
    for name in shapes:
        inputs, units = dims(name)
        for pipeline in make(name, args.rows):
            if args.no_json and pipeline.name != "pipeline.yaml":
                continue
            model = "json" if "json" in pipeline.name else "npz"
            commands = [
                ("validate", [nnpipe, "validate", str(pipeline)]),
                ("run", [nnpipe, "run", str(pipeline)]),
                ("run --workers 1 --chunk-rows 1",
                 [nnpipe, "run", str(pipeline), "--workers", "1", "--chunk-rows", "1"]),
            ]
            for label, command in commands:
                results = [measure(command) for _ in range(args.repeat)]
                failed |= any(r[2] != 0 for r in results)
                wall = statistics.median(r[0] for r in results)
                rss = statistics.median(r[1] for r in results)
                print(f"| {inputs:,} -> {units:,} | {model} | `{label}` | {wall:.2f} | {rss:,.0f} |",
                      flush=True)
                shutil.rmtree(OUT, ignore_errors=True)
                OUT.mkdir(parents=True, exist_ok=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
