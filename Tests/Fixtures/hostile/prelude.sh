# Helpers for the hostile-input cases (HostileInputTests runs each c_* function of the other .sh
# files here in a fresh folder, with NNPIPE naming the binary). A case prints "FAIL: why" and exits
# non-zero when nnpipe does what it must not: exit 0 with a wrong or missing file, a trap or a
# signal, a file of the user's or of another run changed, or another status class than documented.
set -u
NP=${NNPIPE:?}
fail() { echo "FAIL: $*"; exit 1; }
# A case that needs a tool this machine lacks says so and passes.
need() { command -v "$1" > /dev/null || { echo "SKIP: no $1"; exit 0; }; }
need_numpy() { python3 -c 'import numpy' 2> /dev/null || { echo "SKIP: no numpy"; exit 0; }; }
sum_model='{"layers": [{"weights": [[1, 1], [2, 0]], "bias": [0, 0], "activation": "identity"}]}'
sum_out='id,y0,y1
1,5.0,1.0
2,11.0,3.0'
# in.csv (two rows), m.json (y0 = x1 + 2 x2, y1 = x1) and p.yaml writing ${1:-out.csv}.
setup_sum() {
  printf '%s' "$sum_model" > m.json
  printf 'id,x1,x2\n1,1,2\n2,3,4\n' > in.csv
  printf 'stages:\n  - read: {path: in.csv, features: [x1, x2], carry: [id]}\n  - forward: {model: m.json}\n  - write: {path: "%s"}\n' "${1:-out.csv}" > p.yaml
}
# $2 rows (default 100000) of id,x1,x2 into $1.
big_input() {
  awk -v n="${2:-100000}" 'BEGIN { print "id,x1,x2"; for (i = 0; i < n; i++) print i "," i * 0.5 "," (i % 97) * 1.25 }' > "$1"
}
# The sum model's output for the CSV $1, computed by Python's float() (Python's repr is the
# shortest round trip, as nnpipe writes).
ref_sum() { python3 - "$1" <<'P'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
print('id,y0,y1')
for r in rows[1:]:
    a, b = float(r[1]), float(r[2])
    print(f'{r[0]},{a + 2 * b!r},{a!r}')
P
}
# Runs nnpipe (bounded); status in $st, standard output in .so, standard error in .se.
np() { timeout -s KILL 60 "$NP" "$@" > .so 2> .se; st=$?; }
status_is() { [ "$st" = "$1" ] || fail "status $st, expected $1; stderr: $(head -c 600 .se)"; }
no_trap() {
  ! grep -q "Fatal error\|backtrace\|Stack dump" .se || fail "trap: $(head -c 600 .se)"
  [ "$st" -lt 128 ] || [ "$st" = 130 ] || [ "$st" = 143 ] || fail "signal status $st"
}
err_has() { grep -qF -- "$1" .se || fail "stderr lacks '$1': $(head -c 600 .se)"; }
same() { cmp -s "$1" "$2" || fail "$1 differs from $2"; }
absent() { [ ! -e "$1" ] || fail "$1 exists"; }
# Copies of files, and the check that they did not change.
keep() { for f in "$@"; do cp "$f" ".kept.$(basename "$f")"; done; }
unchanged() { for f in "$@"; do cmp -s "$f" ".kept.$(basename "$f")" || fail "$f changed"; done; }
# Runs nnpipe "$@" in the background and SIGKILLs it once the journal $J has $E entries.
kill_at_entry() {
  "$NP" "$@" > /dev/null 2> .kse & local pid=$!
  for _ in $(seq 1 20000); do
    if [ -f "$J" ] && [ "$(grep -c '^entry' "$J" 2> /dev/null)" -ge "$E" ]; then break; fi
    kill -0 $pid 2> /dev/null || break
    sleep 0.001
  done
  kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null; true
}
