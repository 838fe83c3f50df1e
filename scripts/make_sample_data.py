#!/usr/bin/env python3
"""Writes the sample inputs and models in sample-data/ (seeded, byte-identical on every run).

- seed-samples.csv.gz: the seed network's example input. The first row is the seed's own input
  (200, 17); the rest are random samples with 7 significant digits, like the benchmark's.
- sensor-model.json and sensor-readings.csv.gz: a small classifier (8 inputs, relu 16, softmax 4)
  over sensor readings with a quoted free-text column and a few bad rows ("N/A", a missing
  field), for pipelines/sensor-classes.yaml.
- sensor-scaler.json, sensor-logits-model.json and sensor-labels.txt: a classifier over
  standardized readings whose last layer is linear (logits), for pipelines/sensor-labels.yaml
  (scale, forward, softmax, argmax with labels).

Run from the repository root:
    python3 scripts/make_sample_data.py
"""
import gzip
import json
import random

import numpy as np


def write_gzip(path: str, lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode()
    # mtime=0 keeps the file byte-identical from run to run.
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as out:
            out.write(data)


def write_model(path: str, rng, shapes, gain: float) -> None:
    """A JSON model of random dense layers (weights rounded to 6 decimals), one per (inputs, units, activation)."""
    layers = []
    for fan_in, units, activation in shapes:
        weights = np.round(rng.normal(0, gain / np.sqrt(fan_in), size=(fan_in, units)), 6)
        bias = np.round(rng.normal(0, 0.1, size=units), 6)
        layers.append({"weights": weights.tolist(), "bias": bias.tolist(), "activation": activation})
    with open(path, "w") as f:
        json.dump({"layers": layers}, f, indent=1)
        f.write("\n")


def seed_samples() -> None:
    rng = random.Random(20261125)
    lines = ["id,x1,x2", "1,200,17"]
    for i in range(2, 1001):
        x1 = float(f"{rng.gauss(0, 3):.7g}")
        x2 = float(f"{rng.gauss(0, 3):.7g}")
        lines.append(f"{i},{x1!r},{x2!r}")
    write_gzip("sample-data/seed-samples.csv.gz", lines)


def sensor_samples() -> None:
    rng = np.random.default_rng(7)
    write_model("sample-data/sensor-model.json", rng, [(8, 16, "relu"), (16, 4, "softmax")], gain=1.0)
    notes = ["ok", "door open, checked", 'operator said "fine"', "", "multi-line\nnote"]
    lines = ["reading_id,recorded_at,note," + ",".join(f"s{i}" for i in range(8))]
    for i in range(1, 501):
        values = [f"{v:.7g}" for v in rng.normal(20, 5, size=8)]
        if i == 137:
            values[3] = "N/A"  # a bad row: not a number
        note = notes[i % len(notes)]
        quoted = '"' + note.replace('"', '""') + '"' if any(c in note for c in ',"\n') else note
        row = [f"r{i:05d}", f"2026-11-24T{i % 24:02d}:{i % 60:02d}:00Z", quoted] + values
        if i == 401:
            row = row[:-1]  # a bad row: a field missing
        lines.append(",".join(row))
    write_gzip("sample-data/sensor-readings.csv.gz", lines)


def sensor_labels() -> None:
    rng = np.random.default_rng(11)
    with open("sample-data/sensor-scaler.json", "w") as f:
        # as scikit-learn's StandardScaler would give: mean_ and scale_ of the readings
        json.dump({"mean": [20.0] * 8, "scale": [5.0] * 8}, f)
        f.write("\n")
    write_model("sample-data/sensor-logits-model.json", rng, [(8, 12, "gelu"), (12, 4, "identity")], gain=1.5)
    with open("sample-data/sensor-labels.txt", "w") as f:
        f.write("idle\nnormal\nbusy\nfault\n")


if __name__ == "__main__":
    seed_samples()
    sensor_samples()
    sensor_labels()
