#!/usr/bin/env python3
"""Writes sample-data/seed-samples.csv.gz: the seed network's example input.

The first row is the seed's own input (200, 17); the rest are seeded random samples with
7 significant digits, like the benchmark's. Run from the repository root:
    python3 scripts/make_sample_data.py
"""
import gzip
import random

ROWS = 1000


def main() -> None:
    rng = random.Random(20261125)
    lines = ["id,x1,x2", "1,200,17"]
    for i in range(2, ROWS + 1):
        x1 = float(f"{rng.gauss(0, 3):.7g}")
        x2 = float(f"{rng.gauss(0, 3):.7g}")
        lines.append(f"{i},{x1!r},{x2!r}")
    data = ("\n".join(lines) + "\n").encode()
    # mtime=0 keeps the file byte-identical from run to run.
    with open("sample-data/seed-samples.csv.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as out:
            out.write(data)


if __name__ == "__main__":
    main()
