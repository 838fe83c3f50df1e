#!/usr/bin/env python3
"""Two nnpipe binaries run alternately on the bench pipelines: before/after figures of a change.

On a shared machine the load drifts over minutes; running the two binaries one after the other,
row by row, exposes both to the same drift. For each row, RUNS runs of each binary with
`/usr/bin/time`: the median and range of wall time, of CPU time (user + system) and of peak RSS.

  python3 bench/alternate.py RUNS BEFORE AFTER [W:OUTPUT ...]

W is a folder of bench/out (W1, W2-d17, ...: written by bench/run.py) and OUTPUT `csv` or
`csv-gz` (bench/out/W/pipeline-OUTPUT.yaml); every row of W1, W2 and W3 at 7 and 17 digits
when none is given. Both binaries write the pipeline's own output file, in turn.
"""
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(binary: str, pipeline: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one quiet run."""
    with tempfile.NamedTemporaryFile("r") as times:
        subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", times.name,
                        binary, "run", "-q", str(pipeline)], check=True)
        wall, user, system, rss = times.read().split()[-4:]
    return float(wall), float(user) + float(system), int(rss) / 1024


def summary(values: list[float], unit: str, digits: int) -> str:
    return (f"{statistics.median(values):.{digits}f}{unit} "
            f"({min(values):.{digits}f}-{max(values):.{digits}f})")


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    runs, binaries = int(sys.argv[1]), sys.argv[2:4]
    rows = sys.argv[4:] or [f"{w}{d}:{o}" for w in ("W1", "W2", "W3") for d in ("", "-d17")
                            for o in ("csv", "csv-gz")]
    for row in rows:
        workload, output = row.split(":")
        pipeline = REPO / "bench" / "out" / workload / f"pipeline-{output}.yaml"
        figures = {b: [] for b in binaries}
        for _ in range(runs):
            for binary in binaries:
                figures[binary].append(timed(binary, pipeline))
        parts = []
        for binary in binaries:
            wall, cpu, rss = zip(*figures[binary])
            parts.append(f"{os.path.basename(binary)}: wall {summary(wall, ' s', 2)}, "
                         f"CPU {summary(cpu, ' s', 2)}, {summary(rss, ' MiB', 0)}")
        print(f"{workload} {output} | " + " | ".join(parts), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
