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
import math
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
    # PyTorch's activations; inputs up to ±1e5 drive every one to its extremes
    "pytorch-activations": ([4, 8, 8, 8, 8, 8, 8, 3],
                            ["leaky_relu(0.2)", "elu(0.5)", "gelu", "gelu_tanh", "softplus", "silu", "log_softmax"],
                            1500),
    "leaky-default-elu": ([3, 6, 2], ["leaky_relu", "elu"], 500),
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


def log_softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def leaky_relu(slope):
    return lambda x: np.where(x >= 0, x, slope * x)


def elu(alpha):
    def f(x):
        with np.errstate(over="ignore"):
            return np.where(x > 0, x, alpha * np.expm1(x))
    return f


_erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x * math.sqrt(0.5)))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


def softplus(x):
    # PyTorch: linear above the threshold 20
    return np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))


def silu(x):
    return x * sigmoid(x)


ACTIVATIONS = {
    "sigmoid": sigmoid,
    "relu": lambda x: np.maximum(x, 0.0),
    "tanh": np.tanh,
    "identity": lambda x: x,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "leaky_relu": leaky_relu(0.01),
    "leaky_relu(0.2)": leaky_relu(0.2),
    "elu": elu(1.0),
    "elu(0.5)": elu(0.5),
    "gelu": gelu,
    "gelu_tanh": gelu_tanh,
    "softplus": softplus,
    "silu": silu,
}


def seven_digits(values):
    """Rounds to 7 significant digits, as the inputs are written."""
    return np.array([float(f"{v:.7g}") for v in values.ravel()]).reshape(values.shape)


def random_layers(rng, sizes, activations):
    """Dense layers (inputs × units weights, 7 significant digits) for the given sizes."""
    layers = []
    for fan_in, units, activation in zip(sizes, sizes[1:], activations):
        weights = seven_digits(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, units)))
        bias = seven_digits(rng.normal(0.0, 0.5, size=units))
        layers.append({"weights": weights.tolist(), "bias": bias.tolist(), "activation": activation})
    return layers


def main() -> None:
    rng = np.random.default_rng(20261125)
    for name, (sizes, activations, rows) in CASES.items():
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        layers = random_layers(rng, sizes, activations)
        with open(os.path.join(folder, "model.json"), "w") as f:
            json.dump({"layers": layers}, f)

        x = rng.normal(0.0, 2.0, size=(rows, sizes[0])) * rng.choice([1e-3, 1.0, 10.0], size=(rows, 1))
        x = seven_digits(x)
        x[0, 0] = 1e-300  # tiny and large magnitudes
        x[1, 0] = -123456.7
        x[2, :] = 0.0
        x[3:13, :] *= 1e4  # large magnitudes: exp overflow must not give NaN
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


STAGES = "Tests/Fixtures/golden-stages"

# The stage cases share one model (model.json), scaler (scaler.json), labels (labels.txt) and
# input (input.csv); each case folder holds the transform stages as pipeline YAML
# (transforms.yaml, paths relative to the case folder), the numpy output (expected.csv) and the
# tolerance (tolerance.txt: |nnpipe - numpy| <= t + t*|numpy|).
def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(v if isinstance(v, str) else repr(float(v)) for v in row) + "\n")


def stage_cases(rng):
    os.makedirs(STAGES, exist_ok=True)
    sizes, activations = [4, 16, 8, 5], ["relu", "tanh", "identity"]
    layers = random_layers(rng, sizes, activations)
    with open(os.path.join(STAGES, "model.json"), "w") as f:
        json.dump({"layers": layers}, f)
    rows = 800
    x = seven_digits(rng.normal(50.0, 20.0, size=(rows, 4)))
    mean = seven_digits(rng.normal(50.0, 1.0, size=4))
    scale = seven_digits(rng.uniform(15.0, 25.0, size=4))
    low = seven_digits(x.min(axis=0) - 1.0)
    high = seven_digits(x.max(axis=0) + 1.0)
    with open(os.path.join(STAGES, "scaler.json"), "w") as f:
        json.dump({"mean": mean.tolist(), "scale": scale.tolist()}, f)
    labels = ["setosa", "versicolor", "virginica", "with, comma", "other"]
    with open(os.path.join(STAGES, "labels.txt"), "w") as f:
        f.write("\n".join(labels) + "\n")
    write_csv(os.path.join(STAGES, "input.csv"), ["id", "x0", "x1", "x2", "x3"],
              [[str(r)] + list(x[r]) for r in range(rows)])
    ids = [str(r) for r in range(rows)]

    def forward(v, upto=None, dtype=np.float64):
        hidden = []
        v = v.astype(dtype)
        for layer in layers[:upto]:
            w = np.array(layer["weights"], dtype=np.float64).astype(dtype)
            b = np.array(layer["bias"], dtype=np.float64).astype(dtype)
            v = ACTIVATIONS[layer["activation"]](v @ w + b).astype(dtype)
            hidden.append(v)
        return v, hidden

    def quote(label):
        return '"' + label + '"' if "," in label else label

    def case(name, transforms, header, table, tolerance=1e-12):
        folder = os.path.join(STAGES, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "transforms.yaml"), "w") as f:
            f.write(transforms)
        with open(os.path.join(folder, "tolerance.txt"), "w") as f:
            f.write(f"{tolerance}\n")
        write_csv(os.path.join(folder, "expected.csv"), ["id"] + header, [[i] + list(r) for i, r in zip(ids, table)])
        print(f"stages {name}: {len(table)} rows")

    standard = (x - mean) / scale
    y, hidden = forward(standard)
    p = softmax(y)
    best = p.argmax(axis=1)
    case("scale-file-softmax-argmax",
         "  - scale: {file: ../scaler.json}\n  - forward: {model: ../model.json}\n  - softmax:\n"
         "  - argmax: {labels_file: ../labels.txt}\n",
         ["class", "probability"], [[quote(labels[c]), p[r, c]] for r, c in enumerate(best)])

    minmax = (x - low) / (high - low)
    y, hidden = forward(minmax)
    p = softmax(y)
    order = np.argsort(-p, axis=1, kind="stable")[:, :2]
    case("minmax-hidden-topk",
         f"  - scale: {{min: {low.tolist()}, max: {high.tolist()}}}\n"
         "  - forward: {model: ../model.json, hidden: [0]}\n  - softmax: {}\n"
         "  - top_k: {k: 2, keep_activations: true}\n",
         [f"h0_{i}" for i in range(16)] + [f"y{i}" for i in range(5)]
         + ["class_1", "probability_1", "class_2", "probability_2"],
         [list(hidden[0][r]) + list(p[r]) + [str(order[r, 0]), p[r, order[r, 0]], str(order[r, 1]), p[r, order[r, 1]]]
          for r in range(rows)])

    y, hidden = forward(standard, upto=2)
    case("embeddings-only",
         f"  - scale: {{mean: {mean.tolist()}, scale: {scale.tolist()}}}\n"
         "  - forward: {model: ../model.json, hidden: [1], final: false}\n",
         [f"h1_{i}" for i in range(8)], [list(hidden[1][r]) for r in range(rows)])

    y32, _ = forward(x, dtype=np.float32)
    case("float32", "  - forward: {model: ../model.json, precision: float32}\n",
         [f"y{i}" for i in range(5)], [list(map(float, y32[r])) for r in range(rows)], tolerance=1e-5)

    # threshold: class 1's probability against a cut-off; no probability may lie so near it
    # that the last bits could change the label.
    y, _ = forward(standard)
    p = softmax(y)
    cutoff = 0.25
    assert np.min(np.abs(p[:, 1] - cutoff)) > 1e-9
    label = np.where(p[:, 1] >= cutoff, "versicolor", "other")
    case("threshold",
         "  - scale: {file: ../scaler.json}\n  - forward: {model: ../model.json}\n  - softmax:\n"
         f"  - threshold: {{column: 1, cutoff: {cutoff}, labels: [other, versicolor], keep_activations: true}}\n",
         [f"y{i}" for i in range(5)] + ["label"], [list(p[r]) + [label[r]] for r in range(rows)])


if __name__ == "__main__":
    main()
    stage_cases(np.random.default_rng(20261126))
