#!/usr/bin/env python3
"""Checks that nnpipe as a Spark stage (score.py) gives exactly what `nnpipe run` gives on one machine.

    python3 examples/spark/check.py [--nnpipe PATH] [--keep DIR]

1. Installs what is missing: pyspark (pip, from PyPI) and Java 17 (Debian's
   openjdk-17-jre-headless, with apt-get), and builds nnpipe in release (`swift build -c
   release`) unless --nnpipe or $NNPIPE_BIN names a binary.
2. Writes a folder of seeded inputs, each with a header line: four gzip files of a few thousand
   rows, one plain file read as several partitions (a small split size), and one gzip file with
   only its header (an empty partition).
3. Runs `nnpipe run` on each file alone, the header read by nnpipe itself (the same model, a
   pipeline with `header: true`), and score.py under `spark-submit --master local[2]`.
4. Compares the two row for row, sorted by id, as text (the same binary gives the same bytes),
   and checks the row count, that the plain file was split and that an empty partition ran.
5. Runs score.py again on a small standalone cluster (`local-cluster[2,1,1024]`: executors in
   processes of their own) with nnpipe, the pipeline and the model shipped by `--files` and
   named by relative paths, as on a cluster whose nodes lack them; compares again.
6. Runs score.py on a folder with one bad row and requires the Spark job to fail.

Prints PASS or FAIL (with the first difference) and exits 0 only on PASS.
"""
import argparse
import glob
import gzip
import importlib
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
        importlib.invalidate_caches()


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


def run_spark(master: list[str], job: list[str], cwd: str, log: str) -> int:
    """spark-submit MASTER-OPTIONS score.py JOB-ARGUMENTS, in `cwd`, its output in `log`."""
    command = [spark_submit(), *master, "--conf", "spark.log.level=WARN", os.path.join(HERE, "score.py"), *job]
    environment = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    with open(log, "w") as out:
        return subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=environment).returncode


def spark_local(binary: str, inputs: str, output: str, log: str) -> int:
    """The job in local mode, nnpipe and the pipeline by absolute path."""
    return run_spark(["--master", "local[2]"],
                     [inputs, output, "--pipeline", SPARK_PIPELINE, "--nnpipe", binary,
                      "--max-split-bytes", str(SPLIT_BYTES)], cwd=os.path.dirname(output), log=log)


def spark_shipped(binary: str, inputs: str, output: str, log: str) -> int:
    """The job on a small standalone cluster (`local-cluster`: executors in processes of their own),
    nnpipe, the pipeline and the model shipped with --files and named by relative paths, as on a
    cluster whose nodes lack them. The workers' folders (Spark's home/work) are removed afterwards."""
    ship = os.path.join(os.path.dirname(output), "ship")
    os.makedirs(ship)
    files = [os.path.join(ship, name) for name in ("nnpipe", "seed-spark.yaml", "seed-model.json")]
    shutil.copy2(binary, files[0])
    with open(SPARK_PIPELINE) as source, open(files[1], "w") as out:
        out.write(source.read().replace("model: ../../sample-data/seed-model.json", "model: seed-model.json"))
    shutil.copy2(MODEL, files[2])
    worker_root = os.path.join(os.path.dirname(spark_submit()), "..", "work")
    before = set(os.listdir(worker_root)) if os.path.isdir(worker_root) else set()
    try:
        return run_spark(["--master", "local-cluster[2,1,1024]", "--files", ",".join(files)],
                         [inputs, output, "--nnpipe", "./nnpipe", "--pipeline", "./seed-spark.yaml"],
                         cwd=os.path.dirname(output), log=log)
    finally:
        if os.path.isdir(worker_root):
            for name in set(os.listdir(worker_root)) - before:
                shutil.rmtree(os.path.join(worker_root, name), ignore_errors=True)
            if not before and not os.listdir(worker_root):
                os.rmdir(worker_root)


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


def spark_rows(output: str) -> tuple[list[str], list[int]]:
    """The rows of a saveAsTextFile folder, and the size of each part (one part per partition)."""
    parts = sorted(glob.glob(os.path.join(output, "part-*")))
    return [row for part in parts for row in open(part).read().splitlines()], [os.path.getsize(p) for p in parts]


def compare(label: str, rows: list[str], single_rows: list[str], expected_rows: int) -> None:
    if len(rows) != expected_rows or len(single_rows) != expected_rows:
        raise CheckFailed(f"rows: {expected_rows} in the inputs, {len(rows)} from {label}, "
                          f"{len(single_rows)} from nnpipe run")
    for line, (cluster, single) in enumerate(zip(by_id(rows), by_id(single_rows)), start=1):
        if cluster != single:
            raise CheckFailed(f"row {line} by id differs:\n  {label}: {cluster}\n  nnpipe run: {single}")


def check(binary: str, work: str) -> None:
    inputs = os.path.join(work, "inputs")
    expected_rows = write_inputs(inputs)
    step(f"{expected_rows} rows in {len(os.listdir(inputs))} files under {inputs}")
    single_rows = run_single_machine(binary, inputs, work)

    started = time.monotonic()
    log = os.path.join(work, "spark-local.log")
    status = spark_local(binary, inputs, os.path.join(work, "out-local"), log)
    if status != 0:
        raise CheckFailed(f"spark-submit (local[2]) exited {status}; its log: {log}\n" + tail(log))
    rows, sizes = spark_rows(os.path.join(work, "out-local"))
    compare("Spark local[2]", rows, single_rows, expected_rows)
    # 4 gzip files + the header-only one are a partition each; the plain file must make more than one.
    if len(sizes) <= GZIP_FILES + 2:
        raise CheckFailed(f"{len(sizes)} partitions: the plain file was not split (the header test is void)")
    if 0 not in sizes:
        raise CheckFailed("no empty partition: the header-only file did not give one")
    step(f"local[2]: {len(rows)} rows from {len(sizes)} partitions ({sizes.count(0)} empty) equal nnpipe run's, "
         f"byte for byte ({time.monotonic() - started:.1f} s)")

    started = time.monotonic()
    log = os.path.join(work, "spark-shipped.log")
    status = spark_shipped(binary, inputs, os.path.join(work, "out-shipped"), log)
    if status != 0:
        raise CheckFailed(f"spark-submit (local-cluster, --files) exited {status}; its log: {log}\n" + tail(log))
    rows, sizes = spark_rows(os.path.join(work, "out-shipped"))
    compare("Spark local-cluster", rows, single_rows, expected_rows)
    step(f"local-cluster, nnpipe shipped with --files: {len(rows)} rows equal nnpipe run's "
         f"({time.monotonic() - started:.1f} s)")

    bad = os.path.join(work, "bad-inputs")
    os.makedirs(bad)
    with gzip.open(os.path.join(bad, "bad.csv.gz"), "wt") as out:
        out.write("id,x1,x2\n1,0.5,0.25\n2,N/A,1\n")
    log = os.path.join(work, "spark-bad.log")
    status = spark_local(binary, bad, os.path.join(work, "out-bad"), log)
    if status == 0:
        raise CheckFailed("the Spark job succeeded on a bad row; nnpipe's failure must fail it")
    if '"N/A" is not a number' not in open(log).read():
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
        if not os.access(binary, os.X_OK):
            raise OSError(f"no nnpipe binary at {binary}")
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
    print(f"PASS: nnpipe in Spark (local[2], local-cluster) agrees with nnpipe run ({time.monotonic() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
