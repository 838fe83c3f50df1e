#!/usr/bin/env python3
"""Predicts nnpipe's wall time at 1, 2, 4, 8 and 16 workers from per-stage CPU seconds.

Input: the JSON that bench/stage_times.py writes (default bench/scaling_inputs.json): for one
workload and each output kind, the CPU seconds of setup, the reader's parts, the workers' parts,
the per-chunk overhead and the writer, measured with one worker so that no stage waits for a core.

The model (a pipeline with one sequential reader, a pool of workers and one sequential writer):

    S = reader (read + inflate + record splitting, on the main thread)        sequential
    W = writer (ordered writes, on a serial queue)                             sequential
    P = workers (parse + forward + format + compress), O = per-chunk overhead   parallel
    wall(n) = setup + max(S, W, (P + O) / min(n, cores), (S + W + P + O) / cores,
                          bytes moved / memory bandwidth) + (P + O) / chunks

The reader, the writer and the workers overlap (Amdahl's law with the sequential part as a
pipeline stage rather than a prefix), so the slowest of them bounds the run; the last chunk's
work on one worker is the pipeline's drain. Bytes moved: the input's text three times (inflate
writes it, the splitter reads it into chunks, the parser reads it) and the output's twice; the
bandwidth is an assumption (--bandwidth-gbs), not a measurement. Not modelled: frequency
changes with load, hyperthreads, cache sharing, and the writer's disk.

The target this checks: the sequential part S / (S + W + P + O) at most 1/16 on W2 with plain
output, so that 16 workers can reach 8 times one worker's throughput.

    python3 bench/scaling_model.py                      # markdown table for 16 cores
    python3 bench/scaling_model.py --cores 2            # this machine's core count
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORKERS = (1, 2, 4, 8, 16)


def parts(case: dict) -> dict:
    """The model's terms, in seconds, from one case's per-stage CPU seconds."""
    cpu = case["cpu_seconds"]

    def total(prefix: str) -> float:
        return sum(v for k, v in cpu.items() if k.startswith(prefix))

    reader = {k.split(".", 1)[1]: v for k, v in cpu.items() if k.startswith("reader.")}
    return {"setup": cpu.get("setup", 0.0), "S": total("reader."), "W": cpu.get("writer", 0.0),
            "P": total("workers."), "O": cpu.get("overhead", 0.0), "reader": reader}


# CPU of inflating one gzip member in regions (nnpipe's marker decoder, markers filled in,
# joins) over ISA-L's one thread on the same bytes. First 2.5, from W2's reader-bound run on the
# 2-core EPYC (1.08 s of CPU in regions against 0.53 s on one thread, of which ISA-L's inflate is
# 0.36 s: (0.36 + 0.55) / 0.36). Since the faster block finder and paired literals, timed per
# region on the 2-core Xeon (bench/RESULTS.md, "One gzip member in regions, cheaper"): 3.9 ms to
# find and decode a region of W2 and 0.4 ms to fill in its markers, against 1.9 ms for ISA-L on
# the same region: 4.3 / 1.9. A many-core measurement can be given with --speculative-cost.
SPECULATIVE_COST = 2.26


def in_regions(terms: dict, cost: float = SPECULATIVE_COST) -> dict:
    """The terms when a gzip member is inflated in regions on the pool (parallel_gzip): the
    reader keeps the kernel's reads and the splitting; inflating, at `cost` times its one-thread
    CPU, joins the parallel work."""
    r = terms["reader"]
    return dict(terms, S=r.get("kernel", 0) + r.get("split", 0) + r.get("other", 0),
                P=terms["P"] + cost * r.get("inflate", 0))


def predict(terms: dict, workers: int, cores: int, chunks: int, bytes_moved: float,
            bandwidth: float) -> tuple[float, str]:
    """Predicted wall seconds and the name of the bound that sets it."""
    S, W, P, O = terms["S"], terms["W"], terms["P"], terms["O"]
    bounds = {
        "reader": S,
        "writer": W,
        "workers": (P + O) / min(workers, cores),
        "cores": (S + W + P + O) / cores,
        "memory": bytes_moved / bandwidth,
    }
    name = max(bounds, key=bounds.get)
    return terms["setup"] + bounds[name] + (P + O) / max(chunks, 1), name


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="?", type=Path, default=BENCH_DIR / "scaling_inputs.json")
    ap.add_argument("--cores", type=int, default=16)
    ap.add_argument("--bandwidth-gbs", type=float, default=10.0,
                    help="memory bandwidth of the whole machine, GB/s (assumed; default 10)")
    ap.add_argument("--speculative-cost", type=float, default=SPECULATIVE_COST,
                    help="CPU of inflating a gzip member in regions over one thread's inflate "
                         f"(default {SPECULATIVE_COST:g})")
    args = ap.parse_args(argv)
    data = json.loads(args.inputs.read_text())
    chunks = data["chunks"]
    print(f"{data['workload']}: {data['rows']:,} rows, {data['input_bytes'] / 1e6:.0f} MB of text, "
          f"{chunks} chunks; {args.cores} cores, {args.bandwidth_gbs:g} GB/s assumed\n")
    print("| input → output | S reader | W writer | P workers | O overhead | sequential share | "
          + " | ".join(f"{n} w" for n in WORKERS) + " | 16 w / 1 w |")
    print("|---|---:|---:|---:|---:|---:|" + "---:|" * len(WORKERS) + "---:|")
    notes = []
    for case in data["cases"]:
        terms = parts(case)
        S, W, P, O = terms["S"], terms["W"], terms["P"], terms["O"]
        share = S / (S + W + P + O)
        moved = 3 * data["input_bytes"] + 2 * case.get("output_bytes", 0)
        cells, walls = [], {}
        for n in WORKERS:
            wall, bound = predict(terms, n, args.cores, chunks, moved, args.bandwidth_gbs * 1e9)
            walls[n] = wall
            cells.append(f"{wall:.2f} s ({bound})")
        label = f"{case.get('input', 'csv.gz')} → {case['output']}"
        print(f"| {label} | {S:.2f} | {W:.2f} | {P:.2f} | {O:.3f} | {share:.1%} "
              f"({'meets' if share <= 1 / 16 else 'above'} 1/16) | " + " | ".join(cells)
              + f" | {walls[1] / walls[16]:.1f}× |")
        reader = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(terms["reader"].items(), key=lambda kv: -kv[1]))
        needed = (P + O) / 8
        # Inflate on a thread of its own, feeding the splitter: the reader's bound becomes the
        # slower of the two halves (the kernel's reads go with inflate).
        r = terms["reader"]
        split_terms = dict(terms, S=max(r.get("inflate", 0) + r.get("kernel", 0), r.get("split", 0) + r.get("other", 0)))
        split_wall = {n: predict(split_terms, n, args.cores, chunks, moved, args.bandwidth_gbs * 1e9)[0] for n in (1, 16)}
        # Inflate in parts on the pool (BGZF members, zstd frames: ParallelDecoder): the reader
        # keeps the kernel's reads and the splitting; inflating joins the parallel work.
        pool_terms = dict(terms, S=r.get("kernel", 0) + r.get("split", 0) + r.get("other", 0),
                          P=terms["P"] + r.get("inflate", 0))
        pool_wall = {n: predict(pool_terms, n, args.cores, chunks, moved, args.bandwidth_gbs * 1e9)[0] for n in (1, 16)}
        regions = in_regions(terms, args.speculative_cost)
        region_wall = {n: predict(regions, n, args.cores, chunks, moved, args.bandwidth_gbs * 1e9)[0] for n in (1, 16)}
        pooled = (f" Inflating in parts on the pool (BGZF or zstd frames): sequential {pool_terms['S']:.2f} s, "
                  f"16 workers {pool_wall[16]:.2f} s, {walls[1] / pool_wall[16]:.1f}× one worker of today's reader."
                  f" One gzip member in regions ({args.speculative_cost:g}× inflate's CPU): 16 workers "
                  f"{region_wall[16]:.2f} s, {walls[1] / region_wall[16]:.1f}× one worker of the one-thread reader."
                  if r.get("inflate", 0) > 0 else "")
        notes.append(f"- {label}: reader {reader}; for 8× at 16 workers the reader must take "
                     f"at most (P + O) / 8 = {needed:.2f} s, {needed / S:.0%} of today's {S:.2f} s. "
                     f"With inflate on its own thread: sequential {split_terms['S']:.2f} s, 16 workers "
                     f"{split_wall[16]:.2f} s, {split_wall[1] / split_wall[16]:.1f}× one worker.{pooled}")
    print()
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
