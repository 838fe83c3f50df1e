#!/usr/bin/env bash
# nnpipe's whole test suite, exactly as CI runs it (.ci/run calls this):
#   1. installs the build dependencies when missing (scripts/setup.sh),
#   2. runs every test (unit tests, and the built binary on real files),
#   3. runs the gzip-reading tests again over zlib instead of ISA-L (both paths stay tested),
#   4. runs the Spark example's check (examples/spark/check.py: pyspark in local mode gives the
#      same rows as nnpipe run; installs pyspark and Java 17 when missing; NNPIPE_SPARK_CHECK=0
#      skips it),
#   5. runs the suites that drive nnpipe's threads (workers, the writer, parallel decoding,
#      signals, resume, locks, the progress timer, several inputs, bad rows met by workers)
#      again under ThreadSanitizer (a separate build in .build-tsan). The other suites check
#      parsing, model files, messages and help text, on code that runs the same whatever the
#      threads: they already ran above, and under TSan they cost minutes without touching
#      anything shared.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift test
NNPIPE_INFLATE=zlib swift test --skip-build --filter 'InputFormat|BadInput|Reliability|Fuzz|Determinism'
[ "${NNPIPE_SPARK_CHECK:-1}" = 0 ] || NNPIPE_BIN="$(swift build --show-bin-path)/nnpipe" python3 examples/spark/check.py
NNPIPE_SANITIZED=thread swift test --sanitize=thread --scratch-path .build-tsan \
    --filter 'DeterminismTests|ReliabilityTests|ResumeTests|ResumeAfterSignalTests|ResumeSafetyTests|OutputLockTests|ParallelDecoderTests|ParallelDecodeTests|SpeculativeGzipTests|WorkerPriorityTests|BadInputTests|ProgressAndLogTests|StarvedMachineTests|HadoopStreamingTests|MultiFileTests|FolderNightTests|ChunkSizingTests|RunFiguresTests'
