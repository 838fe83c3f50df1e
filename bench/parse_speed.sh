#!/usr/bin/env bash
# Times FloatParser alone on 7- and 17-significant-digit fields (bench/parser/main.swift).
#
#   bash bench/parse_speed.sh                 # ns/value and values/s, median of 9 passes
#   CALLGRIND=1 bash bench/parse_speed.sh     # instructions per value (valgrind), the stable figure
#   PARSER_SOURCES="a.swift b.swift" bash bench/parse_speed.sh   # another parser version (e.g. from git show)
#
# Fields: 1M standard-normal values, 32 to a line, written by numpy as bench/gen_data.py writes
# them (`%.7g`) and as pandas' to_csv writes them (`repr`, up to 17 significant digits); and 1M
# uniform values in [10, 1000) as `%.7g` (two or three integer digits).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/bench/data/parse"
mkdir -p "$data"
python3 - "$data" <<'PY'
import sys, os
import numpy as np
out = sys.argv[1]
for name, fmt in (("digits7.csv", "%.7g"), ("digits17.csv", None), ("hundreds7.csv", "%.7g")):
    path = os.path.join(out, name)
    if os.path.exists(path):
        continue
    rng = np.random.default_rng(20261125)
    if name.startswith("hundreds"):
        values = rng.uniform(10, 1000, (31250, 32)).tolist()  # 2 or 3 integer digits
    else:
        values = rng.standard_normal((31250, 32)).tolist()
    with open(path + ".tmp", "w") as f:
        for row in values:
            f.write(",".join((fmt % v) if fmt else repr(v) for v in row) + "\n")
    os.replace(path + ".tmp", path)
PY
shopt -s nullglob
default_sources=("$root"/Sources/NNPipe/Numbers/FloatParser.swift "$root"/Sources/NNPipe/Numbers/FloatParser+*.swift)
sources=${PARSER_SOURCES:-${default_sources[*]}}
binary="$data/parse-bench"
# shellcheck disable=SC2086
swiftc -O -wmo -enforce-exclusivity=unchecked -module-name ParseBench -o "$binary" "$root/bench/parser/main.swift" $sources
for file in "$data/digits7.csv" "$data/digits17.csv" "$data/hundreds7.csv"; do
    if [[ -n "${CALLGRIND:-}" ]]; then
        values=$(tr ',' '\n' < "$file" | wc -l)
        valgrind --tool=callgrind --callgrind-out-file="$data/callgrind.out" --toggle-collect='*parseAll*' \
            "$binary" "$file" 1 >/dev/null 2>"$data/callgrind.log"
        instructions=$(grep -E '^summary:|^totals:' "$data/callgrind.out" | head -1 | awk '{print $2}')
        echo "$file: $instructions instructions in parseAll, $(python3 -c "print(f'{$instructions / $values:.1f}')") per value"
    else
        "$binary" "$file" 9
    fi
done
