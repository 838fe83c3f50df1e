#!/usr/bin/env python3
"""The peers nnpipe is benchmarked against: the same job written the way a
competent data engineer would write it with each of three Python tools.

The job: read a CSV (plain or gzip) with an ``id`` column and features
``x0..x{n-1}``, run a dense float64 network (each layer ``x = act(x @ W + b)``,
W shaped inputs x units, from ``model.json``) and write ``id,y0..y{k-1}`` as
CSV, gzip-compressed when OUTPUT ends in ``.gz``. Every peer streams in chunks
and does the forward pass with numpy; only the I/O differs:

* pandas:  ``pd.read_csv(chunksize=...)`` -> numpy -> ``DataFrame.to_csv`` into
           one open output handle (``gzip.open`` for ``.gz``).
* pyarrow: ``pyarrow.csv.open_csv`` streaming reader (multithreaded parsing)
           -> numpy -> ``pyarrow.csv.CSVWriter``; gzip through Arrow's
           ``pa.CompressedOutputStream(..., "gzip")``. Arrow fixes that
           stream's level at its default (9) from Python, so at any other
           ``--gzip-level`` the writer goes into a Python ``gzip.open`` handle
           instead (the same zlib), to keep the level equal across tools.
* polars:  lazy ``pl.scan_csv`` -> ``map_batches`` (numpy) -> ``sink_csv``
           on the streaming engine, with polars' own gzip compression.

All three write floats in shortest round-trip form (pandas and polars as
Python's repr, e.g. ``7.0``; Arrow as ``7``), so the output holds full float64
precision.

Usage: python3 bench/peers.py {pandas,pyarrow,polars} MODEL.json INPUT OUTPUT
                              [--gzip-level N] [--chunk-rows N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys

import numpy as np

TOOLS = ("pandas", "pyarrow", "polars")


# --------------------------------------------------------------------------
# The model and the forward pass (shared by all peers)
# --------------------------------------------------------------------------

def load_model(path: str) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """[(W, b, activation), ...] as C-contiguous float64 arrays."""
    with open(path) as f:
        spec = json.load(f)
    layers = []
    for layer in spec["layers"]:
        w = np.ascontiguousarray(layer["weights"], dtype=np.float64)
        b = np.asarray(layer["bias"], dtype=np.float64)
        act = layer.get("activation", "identity")
        if act not in ACTIVATIONS:
            raise ValueError(f"unknown activation {act!r}")
        layers.append((w, b, act))
    return layers


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # exp overflow for x << 0 gives the right limit, 0
        return 1.0 / (1.0 + np.exp(-x))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0, out=x)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "sigmoid": _sigmoid,
    "relu": _relu,
    "tanh": np.tanh,
    "identity": lambda x: x,
    "softmax": _softmax,
}


def forward(layers, x: np.ndarray) -> np.ndarray:
    """Runs the net on a (rows x inputs) float64 array."""
    for w, b, act in layers:
        x = ACTIVATIONS[act](x @ w + b)
    return x


def output_names(layers) -> list[str]:
    return [f"y{i}" for i in range(layers[-1][0].shape[1])]


def feature_names(layers) -> list[str]:
    return [f"x{i}" for i in range(layers[0][0].shape[0])]


# --------------------------------------------------------------------------
# The peers
# --------------------------------------------------------------------------

def run_pandas(layers, src: str, dst: str, gzip_level: int, chunk_rows: int) -> None:
    import pandas as pd

    features = feature_names(layers)
    ys = output_names(layers)
    dtypes = {"id": np.int64, **{c: np.float64 for c in features}}
    # read_csv infers gzip from the .gz suffix; usecols keeps only what we need.
    reader = pd.read_csv(src, usecols=["id", *features], dtype=dtypes, chunksize=chunk_rows)
    out = (gzip.open(dst, "wt", compresslevel=gzip_level, newline="")
           if dst.endswith(".gz") else open(dst, "w", newline=""))
    with reader, out:
        header = True
        for chunk in reader:
            y = forward(layers, chunk[features].to_numpy(dtype=np.float64))
            frame = pd.DataFrame(y, columns=ys)
            frame.insert(0, "id", chunk["id"].to_numpy())
            frame.to_csv(out, index=False, header=header)
            header = False


def run_pyarrow(layers, src: str, dst: str, gzip_level: int, chunk_rows: int) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    features = feature_names(layers)
    ys = output_names(layers)
    # Arrow batches by bytes, not rows: 16 MiB blocks give large batches for
    # the matmul and enough blocks to parse on every core. chunk_rows is unused.
    read_opts = pcsv.ReadOptions(block_size=16 << 20)
    convert_opts = pcsv.ConvertOptions(
        include_columns=["id", *features],
        column_types={"id": pa.int64(), **{c: pa.float64() for c in features}},
    )
    out_schema = pa.schema([("id", pa.int64())] + [(c, pa.float64()) for c in ys])
    write_opts = pcsv.WriteOptions(quoting_header="none")

    if not dst.endswith(".gz"):
        sink = pa.OSFile(dst, "wb")
    elif gzip_level == pa.Codec.default_compression_level("gzip"):
        sink = pa.CompressedOutputStream(dst, "gzip")
    else:
        sink = gzip.open(dst, "wb", compresslevel=gzip_level)

    # open_csv detects gzip input from the .gz suffix.
    with pcsv.open_csv(src, read_options=read_opts, convert_options=convert_opts) as reader, \
            sink, pcsv.CSVWriter(sink, out_schema, write_options=write_opts) as writer:
        for batch in reader:
            if batch.num_rows == 0:
                continue
            x = np.column_stack([batch.column(c).to_numpy() for c in features])
            y = forward(layers, x)
            arrays = [batch.column("id")] + [pa.array(y[:, j]) for j in range(y.shape[1])]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=out_schema))


def run_polars(layers, src: str, dst: str, gzip_level: int, chunk_rows: int) -> None:
    import polars as pl

    features = feature_names(layers)
    ys = output_names(layers)
    schema = {"id": pl.Int64, **{c: pl.Float64 for c in ys}}

    def batch(df: "pl.DataFrame") -> "pl.DataFrame":
        y = forward(layers, df.select(features).to_numpy())
        return pl.DataFrame(y, schema=ys).insert_column(0, df.get_column("id"))

    gz = dst.endswith(".gz")
    # The streaming engine sizes its own morsels; chunk_rows is unused.
    (
        pl.scan_csv(src, schema_overrides={"id": pl.Int64, **{c: pl.Float64 for c in features}})
        .select(["id", *features])
        .map_batches(batch, schema=schema, streamable=True)
        .sink_csv(dst, compression="gzip" if gz else "uncompressed",
                  compression_level=gzip_level if gz else None)
    )


RUNNERS = {"pandas": run_pandas, "pyarrow": run_pyarrow, "polars": run_polars}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run one peer of the nnpipe benchmark.")
    ap.add_argument("tool", choices=TOOLS)
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--gzip-level", type=int, default=6, help="for .gz outputs (default 6)")
    ap.add_argument("--chunk-rows", type=int, default=65536,
                    help="rows per chunk where the tool takes a row count (pandas)")
    args = ap.parse_args(argv)
    layers = load_model(args.model)
    RUNNERS[args.tool](layers, args.input, args.output, args.gzip_level, args.chunk_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
