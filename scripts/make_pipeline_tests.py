#!/usr/bin/env python3
"""Writes the `tests:` section of each example pipeline in pipelines/ from numpy.

For each pipeline below: the model's layers are read from its JSON file, the test rows are run
through numpy's float64 forward pass (x = act(x @ W + b), the activations of make_golden.py),
and everything from the pipeline file's `tests:` line to its end is replaced with the tests
and their expected values (written with repr: shortest round trip). `nnpipe test` then checks
nnpipe against these numbers. Run from the repository root:
    python3 scripts/make_pipeline_tests.py
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from make_golden import ACTIVATIONS  # noqa: E402

# pipeline: (model file, feature names, [(test name, rows, row style, tolerance line or None)])
PIPELINES = {
    "pipelines/seed.yaml": ("sample-data/seed-model.json", ["x1", "x2"], [
        ("the seed's own row", [[200, 17]], "list", "{absolute: 0, relative: 1e-15}"),
        ("around zero", [[0, 0], [-1.5, 2.25], [0.001, -0.001]], "list", None),
    ]),
    "pipelines/sensor-classes.yaml": ("sample-data/sensor-model.json", [f"s{i}" for i in range(8)], [
        ("typical readings", [[20.5, 18.25, 22, 19.75, 21, 20, 17.5, 23],
                              [10, 12, 9.5, 11, 30, 31, 29.5, 32]], "map", None),
        ("all zero", [[0] * 8], "list", None),
    ]),
}


def forward(model, rows):
    x = np.array(rows, dtype=np.float64)
    for layer in model["layers"]:
        w = np.array(layer["weights"], dtype=np.float64)
        b = np.array(layer["bias"], dtype=np.float64)
        x = ACTIVATIONS[layer["activation"]](x @ w + b)
    return x


def number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def tests_section(model, features, tests):
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
        for out in forward(model, rows):
            lines.append(f"      - [{', '.join(repr(float(v)) for v in out)}]")
        if tolerance:
            lines.append(f"    tolerance: {tolerance}")
    return "\n".join(lines) + "\n"


def main():
    for pipeline, (model_path, features, tests) in PIPELINES.items():
        with open(model_path) as f:
            model = json.load(f)
        with open(pipeline) as f:
            text = f.read()
        head = text.split("\ntests:", 1)[0].rstrip("\n") + "\n"
        with open(pipeline, "w") as f:
            f.write(head + tests_section(model, features, tests))


if __name__ == "__main__":
    main()
