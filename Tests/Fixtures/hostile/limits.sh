# Limits: ulimit -f, -n, -v and a full file system never crash and never leave a wrong file.

c_file_size_limit_gzip_output() {
  setup_sum; big_input in.csv; echo old > out.csv.gz
  (ulimit -f 64; timeout -s KILL 60 "$NP" run p.yaml -o out.csv.gz > .so 2> .se); st=$?
  status_is 74; no_trap; err_has "ulimit -f"; [ "$(cat out.csv.gz)" = old ] || fail "the earlier output changed"
  [ -z "$(ls -A | grep nnpipe-)" ] || fail "left behind: $(ls -A)"
}
c_file_size_limit_stats() {
  setup_sum; big_input in.csv 1000
  (ulimit -f 1; timeout -s KILL 60 "$NP" run p.yaml -q --stats-json s.json > .so 2> .se); st=$?
  no_trap; [ $st = 0 ] || [ $st = 74 ] || fail "status $st"
}
c_open_files_limit() {
  setup_sum; for i in 1 2 3 4 5 6; do cp in.csv i$i.csv; done
  for n in 8 12 20; do
    (ulimit -n $n; timeout -s KILL 60 "$NP" run p.yaml 'i*.csv' -o 'o-{stem}.csv' > .so 2> .se); st=$?
    no_trap; [ $st = 0 ] || [ $st = 71 ] || fail "ulimit -n $n: status $st $(cat .se)"
    if [ $st = 71 ]; then err_has "ulimit -n"; else for i in 1 2 3 4 5 6; do same o-i$i.csv <(echo "$sum_out"); done; fi
  done
}
c_address_space_limit() {
  setup_sum; big_input in.csv 20000; np run p.yaml -q -o ref.csv
  for v in 200000 400000 1000000; do
    (ulimit -v $v; timeout -s KILL 60 "$NP" run p.yaml > .so 2> .se); st=$?
    no_trap; case $st in 0) same out.csv ref.csv ;; 70|71) absent out.csv ;; *) fail "ulimit -v $v: status $st" ;; esac
    rm -f out.csv
  done
}
# A 512 KiB tmpfs in a private mount namespace (skipped where unshare is not allowed).
in_small_tmpfs() { # $1: the script to run there
  need unshare; mkdir mnt; printf 'mount -t tmpfs -o size=512k tmpfs mnt || exit 99\n%s\n' "$1" > inner.sh
  NP=$NP unshare -rm bash inner.sh; [ $? != 99 ] && [ -f st.txt ] || { echo "SKIP: no private tmpfs"; exit 0; }
}
c_full_disk_file_output() {
  setup_sum; big_input in.csv
  in_small_tmpfs 'echo old > mnt/out.csv; timeout -s KILL 60 "$NP" run p.yaml -o mnt/out.csv > .so 2> .se; echo $? > st.txt; cat mnt/out.csv > kept.txt; ls -A mnt > ls.txt'
  st=$(cat st.txt); status_is 74; no_trap; [ "$(cat kept.txt)" = old ] || fail "the earlier output changed"; [ "$(cat ls.txt)" = out.csv ] || fail "left $(cat ls.txt)"
}
c_full_disk_stream_output() {
  setup_sum; big_input in.csv
  in_small_tmpfs 'timeout -s KILL 60 "$NP" run p.yaml -o - > mnt/o.csv 2> .se; echo $? > st.txt; wc -l < mnt/o.csv > lines.txt'
  st=$(cat st.txt); status_is 74; no_trap; grep -q "sent to the output stream" .se || fail "no figures: $(cat .se)"
  n=$(($(cat lines.txt) - 1)); grep -q "$n rows" .se || fail "$n rows reached the file: $(cat .se)"
}
c_huge_declared_safetensors() {
  python3 - <<'P'
import json, struct
h = {"0.weight": {"dtype": "F64", "shape": [100000, 100000], "data_offsets": [0, 80000000000]},
     "0.bias": {"dtype": "F64", "shape": [100000], "data_offsets": [80000000000, 80000800000]}}
t = json.dumps(h).encode()
open('m.safetensors', 'wb').write(struct.pack('<Q', len(t)) + t + b'\0' * 64)
P
  printf 'id,x1,x2\n1,1,2\n' > in.csv
  for cmd in "inspect m.safetensors" "run --model m.safetensors --activations identity --features x1,x2 in.csv -o out.csv"; do
    (ulimit -v 2000000; timeout -s KILL 60 "$NP" $cmd > .so 2> .se); st=$?
    no_trap; [ $st = 78 ] || [ $st = 70 ] || fail "$cmd: status $st"
  done
  absent out.csv
}
c_deeply_nested_model_and_pipeline() {
  setup_sum
  python3 -c "print('{\"layers\": ' + '[' * 100000 + ']' * 100000 + '}')" > deep.json
  python3 -c "print('stages: ' + '[' * 100000 + ']' * 100000)" > deep.yaml
  python3 -c "print('stages: ' + '{a: ' * 50000 + '1' + '}' * 50000)" > deep2.yaml
  np run --model deep.json --features x1,x2 in.csv -o out.csv; status_is 78; err_has "nested more than"
  np inspect deep.json; status_is 78
  for f in deep.yaml deep2.yaml; do np run $f; status_is 78; err_has "nesting level"; np validate $f; status_is 78; done
  absent out.csv
}
c_device_full() {
  setup_sum; big_input in.csv 5000
  np run p.yaml -o /dev/full; status_is 74; err_has "No space left on device"
  printf 'id,x1,x2\n1,x,2\n' > bad.csv; np run p.yaml bad.csv --on-error reject --rejects /dev/full -o c.csv; status_is 74; absent c.csv
}
c_reader_goes_away() { setup_sum; big_input in.csv; timeout 60 "$NP" run p.yaml -o - 2> .se | head -1 > /dev/null; st=${PIPESTATUS[0]}; status_is 141; [ ! -s .se ] || fail "messages: $(cat .se)"; }
