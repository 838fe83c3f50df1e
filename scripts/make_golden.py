#!/usr/bin/env python3
"""Golden files for nnpipe's tests: random dense networks, inputs, and numpy float64 outputs.

For each case it writes, under Tests/Fixtures/golden/CASE/:
  model.json    {"layers": [{"weights": inputs×units, "bias": units, "activation": name}, ...]}
  input.csv     id,x0,x1,... (values with 7 significant digits, a few extreme ones)
  expected.csv  id,y0,y1,... from numpy: x = act(x @ W + b) layer after layer, float64,
                written with repr (shortest round trip)

The reference activations are the textbook numpy forms (sigmoid 1/(1+exp(-x)) computed
stably, softmax with the row maximum subtracted). Run from the repository root:
    python3 scripts/make_golden.py
"""
import json
import os

import numpy as np

OUT = "Tests/Fixtures/golden"

# name: (layer sizes, activations, rows)
CASES = {
    "seed-like": ([2, 3, 4, 2], ["sigmoid", "sigmoid", "sigmoid"], 2000),
    "relu-softmax": ([8, 16, 4], ["relu", "softmax"], 2000),
    "tanh-identity": ([5, 7, 3], ["tanh", "identity"], 2000),
    "wide": ([32, 64, 8], ["relu", "sigmoid"], 1000),
    "deep-mixed": ([6, 12, 12, 12, 5], ["tanh", "relu", "sigmoid", "softmax"], 1500),
    # wide enough (64×128 weights) for nnpipe's OpenBLAS path
    "blas-wide": ([64, 128, 64, 10], ["relu", "tanh", "softmax"], 600),
}


def sigmoid(x):
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "sigmoid": sigmoid,
    "relu": lambda x: np.maximum(x, 0.0),
    "tanh": np.tanh,
    "identity": lambda x: x,
    "softmax": softmax,
}


def seven_digits(values):
    """Rounds to 7 significant digits, as the inputs are written."""
    return np.array([float(f"{v:.7g}") for v in values.ravel()]).reshape(values.shape)


def main() -> None:
    rng = np.random.default_rng(20261125)
    for name, (sizes, activations, rows) in CASES.items():
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        layers = []
        for fan_in, units, activation in zip(sizes, sizes[1:], activations):
            weights = seven_digits(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, units)))
            bias = seven_digits(rng.normal(0.0, 0.5, size=units))
            layers.append({"weights": weights.tolist(), "bias": bias.tolist(), "activation": activation})
        with open(os.path.join(folder, "model.json"), "w") as f:
            json.dump({"layers": layers}, f)

        x = rng.normal(0.0, 2.0, size=(rows, sizes[0])) * rng.choice([1e-3, 1.0, 10.0], size=(rows, 1))
        x = seven_digits(x)
        x[0, 0] = 1e-300  # tiny and large magnitudes
        x[1, 0] = -123456.7
        x[2, :] = 0.0
        with open(os.path.join(folder, "input.csv"), "w") as f:
            f.write("id," + ",".join(f"x{i}" for i in range(sizes[0])) + "\n")
            for r in range(rows):
                f.write(f"{r}," + ",".join(repr(float(v)) for v in x[r]) + "\n")

        y = x
        for layer in layers:
            w = np.array(layer["weights"], dtype=np.float64)
            b = np.array(layer["bias"], dtype=np.float64)
            y = ACTIVATIONS[layer["activation"]](y @ w + b)
        with open(os.path.join(folder, "expected.csv"), "w") as f:
            f.write("id," + ",".join(f"y{i}" for i in range(y.shape[1])) + "\n")
            for r in range(rows):
                f.write(f"{r}," + ",".join(repr(float(v)) for v in y[r]) + "\n")
        print(f"{name}: {rows} rows, layers {sizes}, {activations}")


if __name__ == "__main__":
    main()
