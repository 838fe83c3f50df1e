#!/usr/bin/env python3
"""Measures the CPU seconds of each stage of an nnpipe run, the inputs of bench/scaling_model.py.

Runs `nnpipe run` under `perf record -e cpu-clock` (sampling every thread, user and kernel) and
sorts the samples into stages by thread and symbol:

* setup (main thread, before its first inflate or split sample): dynamic loading, YAML, the
  model's JSON, the plan;
* reader (main thread, sequential): inflate (ISA-L or zlib), record splitting and chunk building
  (RecordSplitter, InputSequence, ByteSource, memchr, memmove), kernel (read syscalls, page
  faults), other;
* workers (Dispatch threads, parallel): parse (ChunkProcessor's record loop with FloatParser
  inlined, CSVRecordParser, memchr), forward (OpenBLAS, Network, layers, libm), format
  (ChunkProcessor.encode, FloatFormatter, ShortestDouble, CSVText), compress (deflate, ISA-L,
  zstd, CRC), other (allocation, copies, page faults, reference counting);
* overhead (per chunk): libdispatch, semaphores, futexes and the scheduler;
* writer (the serial queue): OrderedWriter, OutputFile and the kernel's write path (write
  syscalls, page cache, file system) on the Dispatch threads.

Samples carry no call chain, so a shared function (memchr, malloc, memmove) counts for the stage
of its thread, and the kernel's symbols are sorted by name.

A sample is one CPU millisecond at the default 999 Hz; each figure has a sampling error of about
sqrt(samples) ms. Chunks are counted as nnpipe cuts them: at chunk_rows records or once a chunk
reaches chunk_bytes (256 KiB by default; less from 16 workers on plain output), whichever comes first.

    python3 bench/gen_data.py --workloads W2
    swift build -c release
    python3 bench/stage_times.py --plain-input > bench/scaling_inputs.json
        # W2 from its .csv.gz to plain and to gzip output, and from the inflated .csv to plain

Needs perf (linux-perf) and permission to sample (root, or kernel.perf_event_paranoid <= 1).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
import gen_data  # noqa: E402

# (stage, substrings of a symbol or library), checked in order; the first match wins.
READER = [
    ("inflate", ["isal_inflate", "inflate", "libisal", "libz.so", "crc32", "Gzip", "Zstd", "ZSTD_", "libzstd"]),
    ("split", ["RecordSplitter", "InputSequence", "ByteSource", "RawChunk", "CCPU_cut", "memchr", "memmove",
               "memcpy", "CompressedInput", "InputContent"]),
]
SETUP = ["ld-linux", "_dl_", "Yams", "yaml", "JSONValue", "ModelLoader", "PipelinePlan", "PipelineLoader",
         "Config", "ArgumentParser", "Demangle", "swift_getTypeByMangled", "libswiftCore"]
WORKER = [
    ("overhead", ["libdispatch", "dispatch_", "sem_", "pthread_", "futex", "__lll_", "schedule",
                  "finish_task_switch", "ProcessorPool", "Semaphore"]),
    ("writer", ["OrderedWriter", "OutputFile", "OutputTarget"]),
    ("compress", ["deflate", "isal_", "libisal", "libz.so", "crc32", "Compressor", "ZSTD_", "libzstd"]),
    ("format", ["ChunkProcessorC6encode", "FloatFormatter", "ShortestDouble", "CSVText"]),
    ("forward", ["openblas", "dgemm", "Network", "DenseLayer", "Activation", "MatrixMultiply", "InputStep",
                 "libm.so"]),
    ("parse", ["ChunkProcessor", "FloatParser", "CSVRecordParser", "RawChunk", "memchr"]),
]
KERNEL_OVERHEAD = ["futex", "schedule", "switch", "wake", "sched", "pick_next", "dequeue", "enqueue"]
KERNEL_WRITE = ["write", "copy_folio_from_iter", "copy_from_user", "ext4", "xfs", "iomap", "filemap",
                "generic_perform", "block_", "jbd2", "balance_dirty"]
LINE = re.compile(r"^\s*(\d+)/(\d+)\s+[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$")


def classify(main_thread: bool, symbol: str, dso: str, reading: bool) -> str:
    text = f"{symbol} {dso}"
    kernel = "kernel" in dso
    if main_thread:
        if not reading and any(s in text for s in SETUP + ["kernel"]):
            return "setup"
        if kernel:
            return "reader.kernel"
        for stage, keys in READER:
            if any(k in text for k in keys):
                return f"reader.{stage}"
        return "reader.other"
    if kernel:
        if any(k in symbol for k in KERNEL_OVERHEAD):
            return "overhead"
        return "writer" if any(k in symbol for k in KERNEL_WRITE) else "workers.other"
    for stage, keys in WORKER:
        if any(k in text for k in keys):
            return stage if stage in ("overhead", "writer") else f"workers.{stage}"
    return "workers.other"  # allocation, copies, page faults, reference counting


def count_chunks(data: Path, chunk_rows: int, chunk_bytes: int) -> tuple[int, int, int]:
    """Rows, uncompressed bytes and chunks of a gzip CSV with a header, cut as nnpipe cuts it."""
    rows = chunks = size = 0
    in_chunk_rows = in_chunk_bytes = 0
    with gzip.open(data, "rb") as f:
        f.readline()
        for line in f:
            rows += 1
            size += len(line)
            in_chunk_rows += 1
            in_chunk_bytes += len(line)
            if in_chunk_rows >= chunk_rows or in_chunk_bytes >= chunk_bytes:
                chunks += 1
                in_chunk_rows = in_chunk_bytes = 0
    return rows, size, chunks + (1 if in_chunk_rows else 0)


def measure(nnpipe: Path, data: Path, model: Path, features: int, kind: str, args, work: Path) -> dict:
    out = work / f"out.{kind}"
    pipeline = work / f"pipeline-{kind.replace('.', '-')}.yaml"
    names = ", ".join(f"x{i}" for i in range(features))
    pipeline.write_text(
        f"stages:\n  - read:\n      path: {json.dumps(str(data))}\n      features: [{names}]\n"
        f"      carry: [id]\n  - forward:\n      model: {json.dumps(str(model))}\n"
        f"  - write:\n      path: {json.dumps(str(out))}\n"
        f"execution:\n  chunk_rows: {args.chunk_rows}\n  workers: {args.workers}\n")
    samples = work / "perf.data"
    env = dict(os.environ, LC_ALL="C")
    run = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(args.freq), "-o", str(samples),
                          "--", str(nnpipe), "run", str(pipeline)], capture_output=True, text=True, env=env)
    if run.returncode != 0:
        raise SystemExit(f"perf record / nnpipe failed ({run.returncode}): {run.stderr.strip()}")
    script = subprocess.run(["perf", "script", "-i", str(samples), "-F", "pid,tid,ip,sym,dso"],
                            capture_output=True, text=True, env=env, check=True).stdout
    stages: Counter[str] = Counter()
    reading = False
    for line in script.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        pid, tid, symbol, dso = m.groups()
        main = pid == tid
        text = f"{symbol} {dso}"
        # The main thread turns from setup to reading at its first inflate or split sample.
        if main and not reading and any(k in text for _, keys in READER for k in keys) and "ld-linux" not in text:
            reading = True
        stages[classify(main, symbol, dso, reading)] += 1
    seconds = {k: round(v / args.freq, 3) for k, v in sorted(stages.items())}
    output_bytes = out.stat().st_size
    out.unlink(missing_ok=True)
    return {"input": "csv.gz", "output": kind, "output_bytes": output_bytes, "samples": sum(stages.values()), "cpu_seconds": seconds,
            "summary": run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nnpipe", type=Path, default=ROOT / ".build/release/nnpipe")
    ap.add_argument("--dir", type=Path, default=gen_data.DEFAULT_DIR, help="gen_data.py's folder")
    ap.add_argument("--workload", default="W2")
    ap.add_argument("--outputs", default="csv,csv.gz")
    ap.add_argument("--workers", type=int, default=1, help="1: stages do not compete for cores")
    ap.add_argument("--chunk-rows", type=int, default=8192)
    ap.add_argument("--chunk-bytes", type=int, default=256 << 10, help="nnpipe's default below 16 workers; not passed")
    ap.add_argument("--freq", type=int, default=999)
    ap.add_argument("--plain-input", action="store_true",
                    help="also run plain output from the input inflated beforehand (a reader without inflate)")
    args = ap.parse_args(argv)
    workload = gen_data.WORKLOADS[args.workload]
    data, model = gen_data.paths(args.dir, args.workload, False)
    if not data.exists():
        raise SystemExit(f"{data} is missing: python3 bench/gen_data.py --workloads {args.workload}")
    rows, size, chunks = count_chunks(data, args.chunk_rows, args.chunk_bytes)
    cases = []
    with tempfile.TemporaryDirectory(prefix="nnpipe-stages-") as tmp:
        for kind in args.outputs.split(","):
            cases.append(measure(args.nnpipe, data, model, workload.features, kind, args, Path(tmp)))
            print(f"[stages] {args.workload} {kind}: {cases[-1]['cpu_seconds']}", file=sys.stderr)
        if args.plain_input:
            # The same rows uncompressed: the reader is then read and split only.
            plain = Path(tmp) / "input.csv"
            with gzip.open(data, "rb") as src, open(plain, "wb") as dst:
                while block := src.read(1 << 22):
                    dst.write(block)
            case = measure(args.nnpipe, plain, model, workload.features, "csv", args, Path(tmp))
            case["input"] = "csv"
            cases.append(case)
            print(f"[stages] {args.workload} csv from csv: {case['cpu_seconds']}", file=sys.stderr)
    json.dump({"workload": args.workload, "rows": rows, "input_bytes": size, "chunks": chunks,
               "workers": args.workers, "chunk_rows": args.chunk_rows, "chunk_bytes": args.chunk_bytes,
               "sample_hz": args.freq, "cases": cases}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
