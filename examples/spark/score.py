#!/usr/bin/env python3
"""Scores a folder of CSV files on Apache Spark, with nnpipe as the scoring stage.

    spark-submit --master local[2] examples/spark/score.py INPUT_DIR OUTPUT_DIR \\
        --pipeline examples/spark/seed-spark.yaml --nnpipe .build/release/nnpipe

Reads every CSV file under INPUT_DIR (plain or gzip, each beginning with one header line), drops
each file's header line, pipes every partition through `nnpipe run PIPELINE --workers 1` with
RDD.pipe, and saves the activations under OUTPUT_DIR as text files (part-00000, part-00001, ...):
headerless CSV, one line per data row, in input order within each partition.

The pipeline must read and write headerless CSV (`read: {header: false, ...}`, `write: {header:
false}`): Spark hands each partition to nnpipe as bare lines, and the partitions' outputs are
concatenated. seed-spark.yaml beside this file is such a pipeline. The job fails when nnpipe
exits with a non-zero status on any partition (a bad row under the `fail` policy, a wrong model).

Paths are used as given on the executors: the binary and the pipeline file (with its model) must
exist there, at an absolute path, or at a path relative to the executor's working folder.
The binary is --nnpipe, else $NNPIPE_BIN, else `nnpipe` found on this machine's PATH.

Records are lines: Spark splits its text input at line breaks, so quoted fields that hold line
breaks are not supported here (nnpipe itself reads them when it reads the file).
"""
import argparse
import os
import shlex
import shutil
import sys

from pyspark import SparkContext


def data_lines(sc: SparkContext, folder: str, max_split_bytes: int | None):
    """Every line of every file under `folder` except each file's first (its header), as an RDD.

    Hadoop's TextInputFormat keys each line with its byte offset in its file (in the inflated
    stream for gzip), so the header is exactly the line at offset 0: one per file, whichever
    partition it lands in. The simpler ways are wrong:
      - nnpipe's `header: true` would take the first line of every partition as a header, but a
        partition is not a file: a plain file larger than the split size is read as several
        partitions, and only the first of them begins with the header;
      - dropping the first line of each partition (mapPartitionsWithIndex) loses a data row at
        the start of every split after a file's first, for the same reason;
      - dropping lines equal to the header text needs the header known in advance, and drops a
        data row that happens to repeat it.
    Empty lines pass through: nnpipe skips blank lines, as it does when it reads the files.
    """
    conf = {}
    if max_split_bytes is not None:
        conf["mapreduce.input.fileinputformat.split.maxsize"] = str(max_split_bytes)
    pairs = sc.newAPIHadoopFile(folder, "org.apache.hadoop.mapreduce.lib.input.TextInputFormat",
                                "org.apache.hadoop.io.LongWritable", "org.apache.hadoop.io.Text",
                                conf=conf)
    return pairs.filter(lambda pair: pair[0] != 0).values()


def nnpipe_command(binary: str, pipeline: str) -> str:
    """The command run once per partition.

    `--workers 1`: Spark already runs one task per core, each with its own nnpipe process.
    `--input - --output -` whatever the pipeline file says: the partition comes on standard input,
    and RDD.pipe reads the results from standard output. `--quiet`: no summary line per partition
    in the executor's log (errors are still printed there, on standard error).
    """
    return shlex.join([binary, "run", pipeline, "--input", "-", "--output", "-", "--workers", "1", "--quiet"])


def nnpipe_environment() -> dict[str, str]:
    """The environment of each nnpipe process: nnpipe's own variables from this one.

    RDD.pipe starts the command with exactly the environment it is given (an empty one by
    default), so the binary is never looked up on the executor's PATH: give its path.
    """
    return {name: value for name, value in os.environ.items() if name.startswith("NNPIPE_") and name != "NNPIPE_BIN"}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="folder of CSV files (plain or gzip), each with a header line")
    parser.add_argument("output", help="folder to create for the results (must not exist)")
    parser.add_argument("--pipeline", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed-spark.yaml"),
                        help="headerless pipeline file, as a path valid on the executors (default: seed-spark.yaml here)")
    parser.add_argument("--nnpipe", default=os.environ.get("NNPIPE_BIN") or shutil.which("nnpipe"),
                        help="the nnpipe binary, as a path valid on the executors (default: $NNPIPE_BIN, else nnpipe on PATH)")
    parser.add_argument("--max-split-bytes", type=int, default=None,
                        help="largest input split of a plain file, in bytes (more, smaller partitions); gzip files are never split")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    if not args.nnpipe:
        print("score.py: no nnpipe binary: give --nnpipe PATH or set NNPIPE_BIN", file=sys.stderr)
        return 64
    sc = SparkContext(appName="nnpipe-score")
    sc.setLogLevel("WARN")
    try:
        scores = data_lines(sc, args.input, args.max_split_bytes).pipe(
            nnpipe_command(args.nnpipe, args.pipeline), env=nnpipe_environment(), checkCode=True)
        scores.saveAsTextFile(args.output)
    finally:
        sc.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
