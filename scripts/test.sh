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
#      anything shared. Under TSan (NNPIPE_SANITIZED set) the slowest tables take fewer shapes
#      and rounds that go the same way through the threads (`runsSanitized` in the tests: the
#      parallel decoder's read shapes, one stopping signal, 4 random kills of 12, fewer worker
#      counts reading compressed fixtures); the run above keeps every case.
#
# `bash scripts/test.sh --fast` is the loop to run while changing code (a few minutes on 2 cores
# once built): it builds when needed, then runs every unit test (Tests/NNPipeTests, the seeded
# random tests at 30 iterations unless NNPIPE_FUZZ_ITERATIONS says otherwise) and a smoke set of
# the binary on real files: plain, gzip and zstd input, the bad-input table, a killed run resumed,
# the model formats against numpy, the golden files, and the examples in pipelines/ and --help.
# No zlib re-run, no Spark, no ThreadSanitizer: run the whole suite before sending a change.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
    "") ;;
    --fast)
        smoke=(
            '^NNPipeTests\.'
            '^CLITests\.InputFormatTests/'
            '^CLITests\.InputFormatZstdTests/manyFrames\('
            '^CLITests\.BadInputTests/badInput\('
            '^CLITests\.ResumeTests/aResumedRunCountsTheWholeRunAndWhatWasResumed\('
            '^CLITests\.ModelFileTests/(matchesNumpy|sameOutputs)\('
            '^CLITests\.KerasFileTests/matchesKeras\('
            '^CLITests\.GoldenTests/'
            '^CLITests\.ExamplePipelineTests/'
            '^CLITests\.HelpExampleTests/'
        )
        bash scripts/setup.sh
        swift build --build-tests
        filter="$(IFS='|'; echo "${smoke[*]}")"
        NNPIPE_FUZZ_ITERATIONS="${NNPIPE_FUZZ_ITERATIONS:-30}" swift test --skip-build --filter "$filter"
        exit
        ;;
    *) echo "usage: bash scripts/test.sh [--fast]" >&2; exit 64 ;;
esac
# Each stage's time goes to standard error when it ends (to see where CI's minutes go).
stage() {
    local name="$1" started=$SECONDS
    shift
    "$@"
    echo "test.sh: $name took $((SECONDS - started)) s" >&2
}
stage setup bash scripts/setup.sh
stage "build and every test" swift test
stage "the gzip tests over zlib" env NNPIPE_INFLATE=zlib swift test --skip-build --filter 'InputFormat|BadInput|Reliability|Fuzz|Determinism'
if [ "${NNPIPE_SPARK_CHECK:-1}" != 0 ]; then
    stage "the Spark check" env NNPIPE_BIN="$(swift build --show-bin-path)/nnpipe" python3 examples/spark/check.py
fi
stage "the ThreadSanitizer build" swift build --build-tests --sanitize=thread --scratch-path .build-tsan
# Under ThreadSanitizer the suites of the binary run side by side (each test mostly waits for the
# nnpipe processes it starts), and the in-process suites one test at a time: their tests start
# the decoders' threads in the test process itself, where TSan's cost grows with the threads
# running at once (ParallelDecoderTests: 122 s side by side, 50 s one at a time, on 2 cores).
tsan=(env NNPIPE_SANITIZED=thread swift test --skip-build --sanitize=thread --scratch-path .build-tsan)
stage "the ThreadSanitizer tests of the binary" "${tsan[@]}" \
    --filter '^CLITests\.(DeterminismTests|ReliabilityTests|ResumeTests|ResumeAfterSignalTests|ResumeSafetyTests|OutputLockTests|ParallelDecodeTests|ParallelGzipTests|WorkerPriorityTests|BadInputTests|ProgressAndLogTests|StarvedMachineTests|HadoopStreamingTests|MultiFileTests|FolderNightTests|RunFiguresTests)/'
stage "the ThreadSanitizer tests in process" "${tsan[@]}" --no-parallel \
    --filter '^NNPipeTests\.(ParallelDecoderTests|SpeculativeGzipTests|ChunkSizingTests)/'
