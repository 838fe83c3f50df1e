#!/usr/bin/env bash
# Times nnpipe's compressed outputs against each other: each workload's input (made by
# gen_data.py into bench/data/) written as .csv.gz (gzip, default level 3, ISA-L) and as .csv.zst
# (zstd, default level 1; ZSTD_LEVEL=3 sets another), REPEAT runs each, round-robin; prints every wall time, the median and
# the output's size. Usage: bash bench/output_codecs.sh [W1 W2 ...]   (REPEAT=3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
nnpipe=.build/release/nnpipe
repeat=${REPEAT:-3}
out=bench/out/codecs
mkdir -p "$out"
for workload in "${@:-W1 W2}"; do
    data=bench/data/$workload
    features=$(python3 -c "import json; print(json.load(open('$data/input.json'))['features'])")
    names=$(python3 -c "print(', '.join(f'x{i}' for i in range($features)))")
    for kind in csv.gz csv.zst; do
        cat > "$out/$workload-$kind.yaml" <<YAML
stages:
  - read: {path: "$PWD/$data/input.csv.gz", features: [$names], carry: [id]}
  - forward: {model: "$PWD/$data/model.json"}
  - write: {path: "$PWD/$out/$workload.$kind", zstd_level: ${ZSTD_LEVEL:-1}}
YAML
    done
    declare -A times=()
    for _ in $(seq "$repeat"); do
        for kind in csv.gz csv.zst; do
            start=$(date +%s.%N)
            "$nnpipe" run "$out/$workload-$kind.yaml" --quiet
            times[$kind]+="$(echo "$(date +%s.%N) - $start" | bc) "
        done
    done
    for kind in csv.gz csv.zst; do
        median=$(printf '%s\n' ${times[$kind]} | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
        printf '%s %-7s runs: %s median: %.2f s  size: %d bytes\n' "$workload" "$kind" "${times[$kind]}" \
            "$median" "$(stat -c %s "$out/$workload.$kind")"
    done
    unset times
done
