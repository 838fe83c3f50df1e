#!/usr/bin/env python3
"""Writes the `tests:` section of each example pipeline in pipelines/ from numpy.

For each pipeline below, the test rows go through numpy float64 versions of its stages (the
forward pass x = act(x @ W + b) with make_golden.py's activations; scaling, softmax and argmax
with labels where the pipeline has them), and everything from the pipeline file's `tests:` line
to its end is replaced with the tests and their expected values (numbers written with repr:
shortest round trip; labels in quotes). `nnpipe test` then checks
nnpipe against these numbers. Run from the repository root:
    python3 scripts/make_pipeline_tests.py
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from make_golden import ACTIVATIONS  # noqa: E402

SENSOR_TESTS = [
    ("typical readings", [[20.5, 18.25, 22, 19.75, 21, 20, 17.5, 23],
                          [10, 12, 9.5, 11, 30, 31, 29.5, 32]], "map", None),
    ("all zero", [[0] * 8], "list", None),
]


def forward(model, rows):
    x = np.array(rows, dtype=np.float64)
    for layer in model["layers"]:
        w = np.array(layer["weights"], dtype=np.float64)
        b = np.array(layer["bias"], dtype=np.float64)
        x = ACTIVATIONS[layer["activation"]](x @ w + b)
    return x


def dense(model_path):
    """The written values of a pipeline that only runs the model in `model_path`."""
    with open(model_path) as f:
        model = json.load(f)
    return lambda rows: forward(model, rows).tolist()


def sensor_labels(rows):
    """pipelines/sensor-labels.yaml: standardize, logits, softmax, argmax with labels."""
    with open("sample-data/sensor-scaler.json") as f:
        scaler = json.load(f)
    with open("sample-data/sensor-logits-model.json") as f:
        model = json.load(f)
    with open("sample-data/sensor-labels.txt") as f:
        labels = f.read().split()
    x = (np.array(rows, dtype=np.float64) - np.array(scaler["mean"])) / np.array(scaler["scale"])
    probabilities = ACTIVATIONS["softmax"](forward(model, x))
    return [[labels[k], p[k]] for k, p in zip(probabilities.argmax(axis=1), probabilities)]


SENSOR_FEATURES = [f"s{i}" for i in range(8)]

# pipeline: (written values of rows, feature names, [(test name, rows, row style, tolerance)])
PIPELINES = {
    "pipelines/seed.yaml": (dense("sample-data/seed-model.json"), ["x1", "x2"], [
        ("the seed's own row", [[200, 17]], "list", "{absolute: 0, relative: 1e-15}"),
        ("around zero", [[0, 0], [-1.5, 2.25], [0.001, -0.001]], "list", None),
    ]),
    "pipelines/sensor-classes.yaml": (dense("sample-data/sensor-model.json"), SENSOR_FEATURES, SENSOR_TESTS),
    # the same model in other formats (the same float64 values)
    "pipelines/sensor-classes-npz.yaml": (dense("sample-data/sensor-model.json"), SENSOR_FEATURES, SENSOR_TESTS),
    "pipelines/sensor-classes-safetensors.yaml": (dense("sample-data/sensor-model.json"), SENSOR_FEATURES, SENSOR_TESTS),
    "pipelines/sensor-classes-onnx.yaml": (dense("sample-data/sensor-model.json"), SENSOR_FEATURES, SENSOR_TESTS),
    "pipelines/sensor-labels.yaml": (sensor_labels, SENSOR_FEATURES, SENSOR_TESTS),
}


def number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def value(v):
    """A written value as YAML: a number, or a label in quotes."""
    return json.dumps(v) if isinstance(v, str) else repr(float(v))


def tests_section(compute, features, tests):
    lines = ["tests:   # written by scripts/make_pipeline_tests.py (numpy float64); run: nnpipe test"]
    for name, rows, style, tolerance in tests:
        lines.append(f"  - name: {name}")
        lines.append("    rows:")
        for row in rows:
            if style == "map":
                pairs = ", ".join(f"{f}: {number(v)}" for f, v in zip(features, row))
                lines.append(f"      - {{{pairs}}}")
            else:
                lines.append(f"      - [{', '.join(number(v) for v in row)}]")
        lines.append("    expect:")
        for out in compute(rows):
            lines.append(f"      - [{', '.join(value(v) for v in out)}]")
        if tolerance:
            lines.append(f"    tolerance: {tolerance}")
    return "\n".join(lines) + "\n"


def main():
    for pipeline, (compute, features, tests) in PIPELINES.items():
        with open(pipeline) as f:
            text = f.read()
        head = text.split("\ntests:", 1)[0].rstrip("\n") + "\n"
        with open(pipeline, "w") as f:
            f.write(head + tests_section(compute, features, tests))


if __name__ == "__main__":
    main()
