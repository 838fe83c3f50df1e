#!/usr/bin/env bash
# Times ShortestDouble alone against Double.description (bench/writer/main.swift) on 1M values of
# each kind: full17 (random bits, any normal exponent), digits7 (0.1234567), ints (-1000...1000),
# sigmoid (outputs in (0, 1)).
#
#   bash bench/writer_speed.sh                # ns/value, median of 9 passes
#   CALLGRIND=1 bash bench/writer_speed.sh    # instructions per value (valgrind), the stable figure
#   WRITER_SOURCES="a.swift b.swift" bash bench/writer_speed.sh   # another version (all its files, e.g. from git show)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/bench/data/writer"
mkdir -p "$data"
shopt -s nullglob
default_sources=("$root"/Sources/NNPipe/Numbers/ShortestDouble.swift "$root"/Sources/NNPipe/Numbers/ShortestDouble+*.swift
    "$root"/Sources/NNPipe/Numbers/ShortestDoubleTable.swift)
sources=${WRITER_SOURCES:-${default_sources[*]}}
binary="$data/writer-bench"
# shellcheck disable=SC2086
swiftc -O -wmo -enforce-exclusivity=unchecked -module-name WriterBench -o "$binary" "$root/bench/writer/main.swift" $sources
for kind in full17 digits7 ints sigmoid; do
    for writer in ${WRITERS:-shortest description}; do
        if [[ -n "${CALLGRIND:-}" ]]; then
            function=$([[ $writer == shortest ]] && echo writeAll || echo describeAll)
            valgrind --tool=callgrind --callgrind-out-file="$data/callgrind.out" --toggle-collect="*${function}*" \
                "$binary" "$kind" "$writer" 1 >/dev/null 2>"$data/callgrind.log"
            instructions=$(grep -E '^summary:|^totals:' "$data/callgrind.out" | head -1 | awk '{print $2}')
            echo "$kind $writer: $instructions instructions in $function, $(python3 -c "print(f'{$instructions / 1e6:.1f}')") per value"
        else
            "$binary" "$kind" "$writer" 9
        fi
    done
done
