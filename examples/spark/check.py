#!/usr/bin/env python3
"""Checks that nnpipe as a Spark stage (score.py) gives exactly what `nnpipe run` gives on one machine.

    python3 examples/spark/check.py [--nnpipe PATH] [--keep DIR]

1. Installs what is missing: pyspark (pip, from PyPI) and Java 17 (Debian's
   openjdk-17-jre-headless, with apt-get), and builds nnpipe in release (`swift build -c
   release`) unless --nnpipe or $NNPIPE_BIN names a binary.
2. Writes a folder of seeded inputs, each with a header line: four gzip files of a few thousand
   rows, one plain file read as several partitions (a small split size), and one gzip file with
   only its header (an empty partition).
3. Runs score.py under `spark-submit --master local[2]`, and `nnpipe run` on each file alone,
   the header read by nnpipe itself (the same model, a pipeline with `header: true`).
4. Compares the two row for row, sorted by id, as text (the same binary gives the same bytes),
   and checks the row count, that the plain file was split and that an empty partition ran.
5. Runs score.py on a folder with one bad row and requires the Spark job to fail.

Prints PASS or FAIL (with the first difference) and exits 0 only on PASS.
"""
import argparse
import glob
import gzip
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(ROOT, "sample-data", "seed-model.json")
SPARK_PIPELINE = os.path.join(HERE, "seed-spark.yaml")
GZIP_FILES = 4
ROWS_PER_GZIP_FILE = 3000
PLAIN_FILE_ROWS = 5000
SPLIT_BYTES = 32 * 1024  # the plain file (about 200 KB) becomes several partitions


class CheckFailed(Exception):
    pass


def step(message: str) -> None:
    print(f"check: {message}", flush=True)


def ensure_java() -> None:
    if shutil.which("java"):
        return
    step("installing Java 17 (openjdk-17-jre-headless)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "update"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "openjdk-17-jre-headless"], check=True)


def ensure_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        step("installing pyspark from PyPI")
        subprocess.run([sys.executable, "-m", "pip", "install", "pyspark"], check=True)


def spark_submit() -> str:
    import pyspark
    return os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")


def nnpipe_binary(given: str | None) -> str:
    if given:
        return os.path.abspath(given)
    step("building nnpipe (swift build -c release)")
    subprocess.run(["swift", "build", "-c", "release", "--product", "nnpipe"], cwd=ROOT, check=True)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_path, "nnpipe")


def write_inputs(folder: str) -> int:
    """Writes the seeded input files; returns the number of data rows."""
    os.makedirs(folder)
    rng = random.Random(20261125)
    next_id = 1
    rows = 0

    def data_lines(count: int) -> list[str]:
        nonlocal next_id
        lines = []
        for _ in range(count):
            # Full float64 text (repr), with the odd exponent and integer among them.
            x1 = rng.gauss(0, 3)
            x2 = rng.choice([rng.gauss(0, 3), rng.uniform(-1e-5, 1e-5), float(rng.randint(-50, 50))])
            lines.append(f"{next_id},{x1!r},{x2!r}")
            next_id += 1
        return lines

    for index in range(GZIP_FILES):
        lines = data_lines(ROWS_PER_GZIP_FILE)
        rows += len(lines)
        with gzip.open(os.path.join(folder, f"samples-{index}.csv.gz"), "wt") as out:
            out.write("id,x1,x2\n" + "\n".join(lines) + "\n")
    lines = data_lines(PLAIN_FILE_ROWS)
    rows += len(lines)
    with open(os.path.join(folder, "samples-plain.csv"), "w") as out:
        out.write("id,x1,x2\n" + "\n".join(lines) + "\n")
    with gzip.open(os.path.join(folder, "samples-header-only.csv.gz"), "wt") as out:
        out.write("id,x1,x2\n")
    return rows


def run_spark(binary: str, inputs: str, output: str, log: str) -> int:
    command = [spark_submit(), "--master", "local[2]", "--conf", "spark.log.level=WARN",
               os.path.join(HERE, "score.py"), inputs, output, "--pipeline", SPARK_PIPELINE,
               "--nnpipe", binary, "--max-split-bytes", str(SPLIT_BYTES)]
    environment = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    with open(log, "w") as out:
        return subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=environment).returncode


def run_single_machine(binary: str, inputs: str, work: str) -> list[str]:
    """`nnpipe run` on each input file alone (nnpipe reads the header); the rows of all of them."""
    pipeline = os.path.join(work, "single.yaml")
    with open(pipeline, "w") as out:
        out.write(f"""stages:
  - read: {{path: "-", features: [x1, x2], carry: [id]}}
  - forward: {{model: "{MODEL}"}}
  - write: {{path: "-", header: false}}
""")
    rows = []
    for path in sorted(glob.glob(os.path.join(inputs, "*"))):
        result = subprocess.run([binary, "run", pipeline, "--input", path, "--output", "-", "--quiet"],
                                capture_output=True)
        if result.returncode != 0:
            raise CheckFailed(f"nnpipe run on {path} exited {result.returncode}: {result.stderr.decode()}")
        rows += result.stdout.decode().splitlines()
    return rows


def by_id(rows: list[str]) -> list[str]:
    return sorted(rows, key=lambda row: int(row.split(",", 1)[0]))


def check(binary: str, work: str) -> None:
    inputs = os.path.join(work, "inputs")
    expected_rows = write_inputs(inputs)
    step(f"{expected_rows} rows in {len(os.listdir(inputs))} files under {inputs}")

    output = os.path.join(work, "spark-out")
    log = os.path.join(work, "spark.log")
    started = time.monotonic()
    status = run_spark(binary, inputs, output, log)
    if status != 0:
        raise CheckFailed(f"spark-submit exited {status}; its log: {log}\n" + tail(log))
    step(f"Spark job done in {time.monotonic() - started:.1f} s")
    parts = sorted(glob.glob(os.path.join(output, "part-*")))
    sizes = [os.path.getsize(part) for part in parts]
    spark_rows = [row for part in parts for row in open(part).read().splitlines()]
    single_rows = run_single_machine(binary, inputs, work)

    if len(spark_rows) != expected_rows or len(single_rows) != expected_rows:
        raise CheckFailed(f"rows: {expected_rows} in the inputs, {len(spark_rows)} from Spark, "
                          f"{len(single_rows)} from nnpipe run")
    for line, (cluster, single) in enumerate(zip(by_id(spark_rows), by_id(single_rows)), start=1):
        if cluster != single:
            raise CheckFailed(f"row {line} by id differs:\n  Spark:      {cluster}\n  nnpipe run: {single}")
    # 4 gzip files + the header-only one are a partition each; the plain file must make more than one.
    if len(parts) <= GZIP_FILES + 2:
        raise CheckFailed(f"{len(parts)} partitions: the plain file was not split (the header test is void)")
    if 0 not in sizes:
        raise CheckFailed("no empty partition: the header-only file did not give one")
    step(f"{len(spark_rows)} rows from {len(parts)} partitions ({sizes.count(0)} empty) equal nnpipe run's, byte for byte")

    bad = os.path.join(work, "bad-inputs")
    os.makedirs(bad)
    with gzip.open(os.path.join(bad, "bad.csv.gz"), "wt") as out:
        out.write("id,x1,x2\n1,0.5,0.25\n2,N/A,1\n")
    status = run_spark(binary, bad, os.path.join(work, "bad-out"), os.path.join(work, "spark-bad.log"))
    if status == 0:
        raise CheckFailed("the Spark job succeeded on a bad row; nnpipe's failure must fail it")
    if '"N/A" is not a number' not in open(os.path.join(work, "spark-bad.log")).read():
        raise CheckFailed("the failed Spark job's log lacks nnpipe's error line")
    step(f"a bad row fails the Spark job (spark-submit exited {status}, nnpipe's error in its log)")


def tail(path: str, lines: int = 40) -> str:
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-lines:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nnpipe", default=os.environ.get("NNPIPE_BIN"),
                        help="nnpipe binary to use (default: $NNPIPE_BIN, else build it in release)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR (must not exist) and keep it")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        ensure_java()
        ensure_pyspark()
        binary = nnpipe_binary(args.nnpipe)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"FAIL: setting up: {error}", flush=True)
        return 1
    work = args.keep or tempfile.mkdtemp(prefix="nnpipe-spark-check-")
    if args.keep:
        os.makedirs(work)
    try:
        check(binary, work)
    except (CheckFailed, OSError, subprocess.CalledProcessError) as error:
        print(f"FAIL: {error}\n(work folder kept: {work})", flush=True)
        return 1
    if not args.keep:
        shutil.rmtree(work)
    print(f"PASS: Spark (local[2]) and nnpipe run agree ({time.monotonic() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
