#!/usr/bin/env bash
# Builds one of nnpipe's libFuzzer targets (the package in fuzz/) and runs it for SECONDS:
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]    TARGET: csv gzip parallel onnx numpy safetensors json pipeline float
#   scripts/fuzz.sh all SECONDS                          every target in turn, SECONDS each
#
# The corpus lives outside the repository, in ${NNPIPE_FUZZ_CORPUS:-~/.cache/nnpipe-fuzz}/TARGET,
# seeded from the repository's fixtures on the first run and grown by every run; inputs that
# crash, leak memory or run past 10 seconds land in …/TARGET-artifacts. A thrown typed nnpipe
# error is a pass; any other outcome is a bug: commit the input under
# Tests/Fixtures/fuzz-regressions/ with a test that runs it (FuzzRegressionTests).
# Prints the executions per second and the coverage features the run added. Needs clang's
# libFuzzer, which the swift.org toolchain for Linux ships (`-sanitize=fuzzer`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
targets=(csv gzip parallel speculative onnx numpy safetensors json pipeline float)

usage() { (IFS="|"; echo "usage: scripts/fuzz.sh {${targets[*]}|all} SECONDS [libFuzzer flags…]" >&2); exit 64; }
[ $# -ge 2 ] || usage
target=$1 seconds=$2
shift 2
[[ $seconds =~ ^[0-9]+$ ]] || usage

if [ "$target" = all ]; then
    for each in "${targets[@]}"; do "$0" "$each" "$seconds" "$@"; done
    exit 0
fi

max_len=65536
case $target in
    csv) product=FuzzCSV max_len=8192 ;;
    gzip) product=FuzzGzip ;;
    parallel) product=FuzzParallelDecode ;;
    speculative) product=FuzzSpeculativeGzip ;;
    onnx) product=FuzzOnnx ;;
    numpy) product=FuzzNumpy ;;
    safetensors) product=FuzzSafetensors ;;
    json) product=FuzzModelJSON ;;
    pipeline) product=FuzzPipeline max_len=16384 ;;
    float) product=FuzzFloat max_len=4096 ;;
    *) usage ;;
esac

corpus_root=${NNPIPE_FUZZ_CORPUS:-$HOME/.cache/nnpipe-fuzz}
corpus=$corpus_root/$target
artifacts=$corpus_root/$target-artifacts
mkdir -p "$corpus" "$artifacts"

build_flags=(-c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
swift build --package-path "$root/fuzz" "${build_flags[@]}" --product "$product" >&2
binary=$(swift build --package-path "$root/fuzz" "${build_flags[@]}" --show-bin-path)/$product

# Copies `file` into the corpus behind `prefix` (the bytes a target reads as its settings).
seed() {
    local prefix=$1 file=$2 name
    name=$(basename "$file")
    { printf "$prefix"; cat "$file"; } >"$corpus/seed-$name"
}

# The first run seeds the corpus with the fixtures (files under 64 KiB, so runs stay fast).
if [ -z "$(ls -A "$corpus")" ]; then
    cd "$root"
    small() { find "$@" -type f -size -64k 2>/dev/null || true; }
    case $target in
        csv)
            for file in $(small Tests/Fixtures/models -name '*.csv'); do seed '\x05\x00\x03' "$file"; done
            { printf '\x04\x00\x07'; gzip -dc sample-data/sensor-readings.csv.gz | head -c 4000 || true; } >"$corpus/seed-sensor-readings.csv"
            printf '\x00\x00\x21id,text\r\n1,"a ""quoted"", field"\r\n2,"multi\nline"\n\n3,x\r4' >"$corpus/seed-quotes.csv"
            ;;
        gzip)
            for file in $(small Tests/Fixtures/gzip sample-data -name '*.gz'); do seed '\x05' "$file"; done
            ;;
        parallel)
            for file in $(small Tests/Fixtures/gzip Tests/Fixtures/parallel Tests/Fixtures/zstd \( -name '*.gz' -o -name '*.zst' \)); do
                seed '\x0a\x01\x00' "$file"
            done
            printf '\x02\x00\x00id,x1,x2\na,1,2\nb,3,4\n' >"$corpus/seed-bgzf.csv"
            printf '\x02\x02\x07id,x1,x2\na,1,2\nb,3,4\n' >"$corpus/seed-zstd-flipped.csv"
            ;;
        speculative)
            printf '\x00\x00\x00id,x1,x2\na,1,2\nb,3,4\n' >"$corpus/seed-text.csv"
            printf '\x07\x00\x85id,x1,x2\na,1,2\nb,3,4\n' >"$corpus/seed-flipped.csv"
            ;;
        onnx) for file in $(small Tests/Fixtures/models sample-data -name '*.onnx'); do seed '' "$file"; done ;;
        numpy) for file in $(small Tests/Fixtures/models sample-data \( -name '*.npz' -o -name '*.npy' \)); do seed '' "$file"; done ;;
        safetensors) for file in $(small Tests/Fixtures/models sample-data -name '*.safetensors'); do seed '' "$file"; done ;;
        json) for file in $(small Tests/Fixtures/models sample-data -name '*.json'); do seed '' "$file"; done ;;
        pipeline)
            for file in pipelines/*.yaml; do seed '' "$file"; done
            printf 'stages:\n  - read: {path: "${DATA:-${EMPTY:-x}}/in.csv", features: [a], carry: [${N}]}\n  - forward: {model: "${DATA}/${MODEL}"}\n  - write: {path: out.csv}\n' >"$corpus/seed-interpolation.yaml"
            ;;
        float)
            # Byte 0 even: the text itself; odd: a recipe for a long text (fuzz/Sources/FuzzFloat).
            n=0
            for text in 0.1 -1.5e-05 6.02e23 1e0000000000000000000001 4.9406564584124654e-324 \
                1.7976931348623157e308 2.2250738585072011e-308 9007199254740993 .5e-3 1e99999999999999999999; do
                printf '\x00%s' "$text" >"$corpus/seed-text-$n"; n=$((n + 1))
            done
            # 0. then 20 x 0xC350 = 1,000,000 zeros then 1, its exponent landing on 10^5.
            printf '\x01\x28\x50\xC3\x00\x00\x00\x01\x02\x00\x01\x95\x01' >"$corpus/seed-recipe-megabyte"
            printf '\x01\x02\x90\x01\x10\x00\x27\x31\x41\x59\x26\x53\x03\x01\x51\x00' >"$corpus/seed-recipe-long"
            ;;
    esac
fi

log=$corpus_root/$target.log
echo "fuzz: $product for ${seconds}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs), log $log" >&2
status=0
"$binary" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" >"$log" 2>&1 || status=$?

features() { grep -o "$1.*ft: [0-9]*" "$log" | tail -1 | grep -o '[0-9]*$' || echo 0; }
started=$(features INITED)
ended=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
per_second=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
echo "fuzz: $target: $executions executions, $per_second/s; coverage features $started -> $ended (+$((ended - started))); corpus $(ls "$corpus" | wc -l) inputs"
if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|Fatal error|SUMMARY|Test unit written' "$log" | head -5
    echo "fuzz: $target found a bug (exit $status); the input is in $artifacts; the log in $log" >&2
    exit 1
fi
