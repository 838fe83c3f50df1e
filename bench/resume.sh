#!/usr/bin/env bash
# Resume against a rerun, and the journal's cost on an uninterrupted run, on W2 (1,000,000 rows
# x 32 features, gzip input; python3 bench/gen_data.py --workloads W2 makes it).
#
#   [INPUT=input.csv] bench/resume.sh NNPIPE [BASELINE_NNPIPE] [W2_DIR] [ROUNDS]
#
# NNPIPE is the release binary under test; BASELINE_NNPIPE, when given, a build without the
# journal (runs alternate between them). Each round times: an uninterrupted run with the
# journal at its default interval (an entry every 2 s at most), the same with an entry every
# 0.1 s (execution.journal_interval), the baseline; then a run with an entry after every chunk,
# SIGKILLed once its journal counts 90% of its chunks and the journal cut back to that chunk's
# entry (W2 takes about 2 s: at the default interval it would have none; an hours-long run killed
# at 90% loses at most the last 2 s), finished with --resume. Every output is compared byte for byte with an uninterrupted run's.
set -euo pipefail
nnpipe=$(realpath "$1")
base=${2:+$(realpath "$2")}
data=$(realpath "${3:-bench/data/W2}")
rounds=${4:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# Chunks are cut at 256 KiB (execution.chunk_bytes' default below 16 workers) before 8192 rows on
# W2, in whole blocks of 256 rows: 768 rows of 332 bytes, about 1,300 chunks.
chunks=$(python3 -c "
import json; d = json.load(open('$data/input.json')); width = d['bytes'] / d['rows']
per = min(8192, max(256, int((256 << 10) / width) // 256 * 256)); print(-(-d['rows'] // per))")
kill_after=$((chunks * 9 / 10))
features=$(python3 -c 'print(",".join(f"x{i}" for i in range(32)))')
run() { "$1" run --model "$data/model.json" --features "$features" --carry id "$data/${INPUT:-input.csv.gz}" -o "$2" -q "${@:3}"; }
killed_run() {
    local journal=".$2.nnpipe-journal" pid keep
    "$1" run --model "$data/model.json" --features "$features" --carry id "$data/${INPUT:-input.csv.gz}" -o "$2" -q \
        --set execution.journal_interval=0 &
    pid=$!
    until grep -q " chunks=$kill_after " "$journal" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.005; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" || true
    if [ -f "$journal" ] && ! grep -q " done=1 " "$journal"; then
        keep=$(grep -n " chunks=$kill_after " "$journal" | head -n 1 | cut -d: -f1)
        if [ -n "$keep" ]; then head -n "$keep" "$journal" > "$journal.cut" && mv "$journal.cut" "$journal"; fi
    fi
}
often_run() { run "$@" --set execution.journal_interval=0.1; }
seconds() { local start end; start=$(date +%s.%N); "$@"; end=$(date +%s.%N); printf '%.2f' "$(echo "$end - $start" | bc)"; }

run "$nnpipe" ref.csv
for round in $(seq "$rounds"); do
    full=$(seconds run "$nnpipe" out.csv) && cmp out.csv ref.csv
    often=$(seconds often_run "$nnpipe" out.csv) && cmp out.csv ref.csv
    baseline=-
    if [ -n "$base" ]; then baseline=$(seconds run "$base" out.csv) && cmp out.csv ref.csv; fi
    rm -f out.csv
    killed=$(seconds killed_run "$nnpipe" out.csv 2>/dev/null)
    resumed=$(seconds run "$nnpipe" out.csv --resume --stats-json stats.json) && cmp out.csv ref.csv
    rows=$(python3 -c 'import json; print(json.load(open("stats.json")).get("rows_resumed", 0))')
    echo "round $round (kill after chunk $kill_after of about $chunks): uninterrupted ${full} s (entries every 0.1 s: ${often} s; no journal: ${baseline} s); killed after ${killed} s; --resume ${resumed} s (${rows} rows resumed)"
done
