# Option values: nan, inf, negative, huge, empty, trailing garbage: a usage error (64) before
# anything runs, never a trap, never an output.

# Each remaining argument is one option and value ("--chunk-rows=nan"): each must be refused (64).
refused_each() {
  setup_sum
  for arg in "$@"; do
    np run p.yaml "$arg"; no_trap
    [ "$st" = 64 ] || fail "$arg: status $st, expected 64; $(head -c 300 .se)"
    [ ! -e out.csv ] || fail "$arg: out.csv written"
  done
}
c_chunk_rows_values() { refused_each --chunk-rows= --chunk-rows=12abc --chunk-rows=1e3 --chunk-rows=99999999999999999999999 --chunk-rows=-1 --chunk-rows=nan --chunk-rows=' 5'; }
c_workers_values() { refused_each --workers=-1 --workers='4 ' --workers=inf --workers= --workers=0x2 --workers=99999999999999999999; }
c_wait_lock_values() { refused_each --wait-lock=nan --wait-lock=inf --wait-lock=-1 --wait-lock=1e300 --wait-lock=' 5' --wait-lock=5s --wait-lock=; }
c_min_rows_values() { refused_each --min-rows=-1 --min-rows=99999999999999999999 --min-rows=nan --min-rows=1.5 --min-rows=; }
c_progress_interval_values() { refused_each --progress-interval= --progress-interval=١ --progress-interval=-inf --progress-interval=1e-400x; }
c_delimiter_values() {
  setup_sum
  for d in '' ab '"' $'\n' $'\r' é; do
    np run --model m.json --features x1,x2 -d "$d" in.csv -o out.csv; no_trap
    [ "$st" = 64 ] || fail "delimiter '$d': status $st"; [ ! -e out.csv ] || fail "delimiter '$d': out.csv written"
  done
}
c_feature_lists() {
  setup_sum
  # An empty item of a list is passed over ('x1,,x2' reads x1 and x2).
  np run --model m.json --features 'x1,,x2' --carry id in.csv -o out.csv; status_is 0; same out.csv <(echo "$sum_out"); rm out.csv
  for f in '' ',' 'x1,nope'; do
    np run --model m.json --features "$f" in.csv -o out.csv; no_trap
    [ "$st" = 64 ] || [ "$st" = 65 ] || fail "features '$f': status $st"; [ ! -e out.csv ] || fail "features '$f': out.csv written"
  done
  np run --model m.json --no-header --features 0,-1 in.csv -o out.csv; status_is 64
  np run --model m.json --no-header --features 0,99999999999999999999 in.csv -o out.csv; status_is 64
}
c_hex_float_seconds_are_seconds() { setup_sum; np run p.yaml -q --wait-lock 0x10 --progress-interval 0x1p3; status_is 0; same out.csv <(echo "$sum_out"); }
c_set_numeric_keys() {
  refused_each --set=execution.chunk_rows=.nan --set=execution.chunk_rows=-5 --set=execution.chunk_rows=2.5 \
    --set=write.gzip_level=11 --set=write.gzip_level=.nan --set=write.zstd_level=99 --set=write.decimals=-1 \
    --set=write.decimals=100000 --set=errors.max_error_rate=.nan --set=errors.max_error_rate=2 --set=errors.max_errors=-1 \
    --set=execution.journal_interval=.inf --set=execution.journal_interval=-1 --set=execution.journal_interval=.nan \
    --set=read.max_record_bytes=0 --set=read.max_record_bytes=1e30 --set=execution.chunk_bytes=-1 --set=execution.workers=0
}
c_set_malformed() { refused_each --set=write.gzip_level= --set=write.gzip_level --set=write.nope=1 --set==1 '--set=write.gzip_level=[1' --set=write.delimiter=ab --set=stages=1; }
