#!/usr/bin/env python3
"""Measures how far nnpipe's `precision: float32` lies from numpy's float32 forward pass.

numpy computes `act(x @ W + b)` in float32 throughout (its matrix product sums in float32);
nnpipe rounds inputs, weights, biases, pre-activations and activations to float32 but sums the
products in float64. The two differ by numpy's own summation error, which grows with a layer's
fan-in and the size of its terms. For random networks (weights N(0, 1/fan_in), inputs N(0, s))
of several widths and depths, this prints the largest |nnpipe - numpy| / (1 + |numpy|) over
the outputs, the measure docs/models.md states. Run from the repository root after
`swift build -c release`:
    python3 scripts/measure_float32.py [path/to/nnpipe]
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

NNPIPE = sys.argv[1] if len(sys.argv) > 1 else ".build/release/nnpipe"
ACT = {
    "relu": lambda v: np.maximum(v, 0),
    "tanh": np.tanh,
    "identity": lambda v: v,
}

# (layer sizes, activations, input scale)
CASES = [
    ([8, 16, 4], ["relu", "identity"], 1),
    ([32, 64, 8], ["relu", "identity"], 1),
    ([64, 128, 64, 10], ["relu", "tanh", "identity"], 1),
    ([256, 256, 256, 16], ["relu", "relu", "identity"], 1),
    ([1024, 512, 8], ["relu", "identity"], 1),
    ([1024, 1024, 1024, 8], ["tanh", "tanh", "identity"], 1),
    ([64, 128, 8], ["relu", "identity"], 100),
    ([512, 512, 8], ["relu", "identity"], 100),
]


def measure(sizes, activations, scale, rows=2000, seed=0):
    rng = np.random.default_rng(seed)
    layers = []
    for i, act in enumerate(activations):
        w = rng.normal(0, 1 / np.sqrt(sizes[i]), (sizes[i], sizes[i + 1]))
        b = rng.normal(0, 0.1, sizes[i + 1])
        layers.append({"weights": w.tolist(), "bias": b.tolist(), "activation": act})
    x = rng.normal(0, scale, (rows, sizes[0]))
    v = x.astype(np.float32)
    for layer in layers:
        w = np.array(layer["weights"]).astype(np.float32)
        b = np.array(layer["bias"]).astype(np.float32)
        v = ACT[layer["activation"]](v @ w + b).astype(np.float32)
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "m.json"), "w") as f:
            json.dump({"layers": layers}, f)
        names = [f"x{i}" for i in range(sizes[0])]
        np.savetxt(os.path.join(folder, "in.csv"), x, delimiter=",", header=",".join(names), comments="", fmt="%.17g")
        with open(os.path.join(folder, "p.yaml"), "w") as f:
            f.write("stages:\n  - read: {path: in.csv, features: [%s]}\n" % ", ".join(names)
                    + "  - forward: {model: m.json, precision: float32}\n  - write: {path: out.csv}\n")
        subprocess.run([os.path.abspath(NNPIPE), "run", "p.yaml", "--quiet"], cwd=folder, check=True)
        y = np.loadtxt(os.path.join(folder, "out.csv"), delimiter=",", skiprows=1, ndmin=2)
    return np.max(np.abs(y - v) / (1 + np.abs(v)))


if __name__ == "__main__":
    worst = 0.0
    for sizes, activations, scale in CASES:
        d = measure(sizes, activations, scale)
        worst = max(worst, d)
        print(f"{'x'.join(map(str, sizes)):>22} {'/'.join(activations):<20} inputs N(0, {scale}): {d:.2e}")
    print(f"largest: {worst:.2e}")
