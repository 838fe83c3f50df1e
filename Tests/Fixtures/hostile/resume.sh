# --resume trusts nothing on disk it did not verify.

# A run of the sum model over 100000 rows killed outright after 5 journal entries; ref.csv is an
# uninterrupted run's output, $J the journal, $TMP the killed run's temporary output.
killed_state() {
  setup_sum; big_input in.csv 40000
  echo 'execution: {chunk_rows: 500, journal_interval: 0, workers: 1}' >> p.yaml
  np run p.yaml -q -o ref.csv; status_is 0
  J=.out.csv.nnpipe-journal E=5; kill_at_entry run p.yaml
  [ -f $J ] || fail "no journal after the kill"
  TMP=$(ls .out.csv.nnpipe-*-* | head -1); [ -n "$TMP" ] || fail "no temporary output after the kill"
}
# The resumed run: exit 0 and the reference's bytes, whatever it decided to trust.
resumed_as_reference() { np run p.yaml -q --resume "$@"; no_trap; status_is 0; same out.csv ref.csv; }

c_resume_plain() { killed_state; np run p.yaml --resume; status_is 0; err_has "by the run resumed"; same out.csv ref.csv; }
c_resume_journal_cut_mid_line() { killed_state; truncate -s $(($(stat -c%s $J) - 40)) $J; resumed_as_reference; }
c_resume_journal_random_bytes() { killed_state; head -c 4000 /dev/urandom > $J; resumed_as_reference; }
c_resume_journal_empty() { killed_state; : > $J; resumed_as_reference; }
c_resume_journal_symlink_to_input() { killed_state; keep in.csv; rm $J; ln -s in.csv $J; resumed_as_reference; unchanged in.csv; }
c_run_over_journal_symlink_to_input() { killed_state; keep in.csv; rm $J; ln -s in.csv $J; np run p.yaml -q; status_is 0; same out.csv ref.csv; unchanged in.csv; }
c_resume_temp_symlink_to_input() { killed_state; keep in.csv; rm $TMP; ln -s in.csv $TMP; resumed_as_reference; unchanged in.csv; }
c_resume_temp_hard_link_to_user_file() { killed_state; mv $TMP user.txt; ln user.txt $TMP; keep user.txt; resumed_as_reference; err_has "other names"; unchanged user.txt; }
c_resume_temp_same_length_other_bytes() { killed_state; head -c $(stat -c%s $TMP) /dev/zero | tr '\0' x > other; cat other > $TMP; resumed_as_reference; err_has "does not hold the bytes"; }
c_resume_temp_one_byte_edited() { killed_state; printf 'X' | dd of=$TMP bs=1 seek=100 conv=notrunc 2> /dev/null; resumed_as_reference; err_has "does not hold the bytes"; }
c_resume_temp_fifo() { killed_state; rm $TMP; mkfifo $TMP; resumed_as_reference; }
c_resume_temp_folder() { killed_state; rm $TMP; mkdir $TMP; resumed_as_reference; }
c_resume_temp_gone() { killed_state; rm $TMP; resumed_as_reference; err_has "temporary output is gone"; }
c_resume_journal_of_another_output() {
  killed_state; mv $J .other.csv.nnpipe-journal; mv $TMP ".other.csv.nnpipe-${TMP#.out.csv.nnpipe-}"
  np run p.yaml -q --resume -o other.csv; status_is 78; err_has "the setting write.path changed"; absent other.csv
}
c_resume_changed_model() { killed_state; sed -i 's/2, 0/2, 0.0/' m.json; np run p.yaml -q --resume; status_is 78; err_has "the model file m.json changed"; absent out.csv; }
c_resume_changed_setting() { killed_state; np run p.yaml -q --resume --set write.decimals=3; status_is 78; err_has "cannot resume"; absent out.csv; }
c_resume_changed_input_tail() { killed_state; echo "100000,1,1" >> in.csv; np run p.yaml -q --resume; status_is 78; err_has "input in.csv changed"; }
c_resume_changed_chunk_rows() { killed_state; np run p.yaml -q --resume --chunk-rows 999; [ $st = 78 ] || { status_is 0; same out.csv ref.csv; }; }
c_resume_other_inflate_decoder() {
  setup_sum; big_input in.csv; gzip -k in.csv; sed -i 's/in.csv/in.csv.gz/' p.yaml
  echo 'execution: {chunk_rows: 1000, journal_interval: 0, workers: 1}' >> p.yaml
  np run p.yaml -q -o ref.csv; J=.out.csv.nnpipe-journal E=5; kill_at_entry run p.yaml
  NNPIPE_INFLATE=zlib np run p.yaml -q --resume; status_is 0; same out.csv ref.csv
}
c_resume_other_blas_setting() {
  setup_sum; big_input in.csv 30000
  python3 -c "
import json, random; random.seed(3)
W1 = [[random.uniform(-1, 1) for _ in range(64)] for _ in range(2)]
W2 = [[random.uniform(-1, 1) for _ in range(8)] for _ in range(64)]
print(json.dumps({'layers': [{'weights': W1, 'bias': [0.1] * 64, 'activation': 'tanh'}, {'weights': W2, 'bias': [0] * 8, 'activation': 'identity'}]}))" > m.json
  echo 'execution: {chunk_rows: 1000, journal_interval: 0, workers: 1}' >> p.yaml
  J=.out.csv.nnpipe-journal E=3; kill_at_entry run p.yaml
  NNPIPE_BLAS=none np run p.yaml -q --resume
  if [ $st = 78 ]; then err_has "matrix kernel"; return; fi
  status_is 0; NNPIPE_BLAS=none np run p.yaml -q -o ref.csv; same out.csv ref.csv
}
# Rewrites every entry's offset= to $1 in the journal $J, each line's checksum recomputed (FNV-1a
# over eight-byte words, as an editor of the journal would do it).
forge_offset() {
  python3 - $J "$1" <<'P'
import re, sys
def fnv(b):
    h, n = 0xcbf29ce484222325, len(b) // 8
    for i in range(n):
        h ^= int.from_bytes(b[i * 8:i * 8 + 8], 'little'); h = (h * 0x100000001b3) & (2**64 - 1); h ^= h >> 32
    for c in b[n * 8:]:
        h ^= c; h = (h * 0x100000001b3) & (2**64 - 1)
    return (h ^ 0xFF) * 0x100000001b3 & (2**64 - 1)
lines = open(sys.argv[1], 'rb').read().split(b'\n')[:-1]
out = []
for line in lines:
    text = line[:line.rindex(b' ~')]
    if text.startswith(b'entry'): text = re.sub(rb'offset=\d+', b'offset=' + sys.argv[2].encode(), text)
    out.append(text + b' ~' + b'%016x' % fnv(text))
open(sys.argv[1], 'wb').write(b'\n'.join(out) + b'\n')
P
}
c_resume_forged_offset_past_the_end() { killed_state; forge_offset 99999999999; np run p.yaml -q --resume; status_is 65; err_has "the input ends before byte 99999999999"; absent out.csv; }
c_resume_forged_negative_offset() { killed_state; forge_offset -5; resumed_as_reference; err_has "nothing to resume"; }
c_resume_after_success() { setup_sum; np run p.yaml -q; np run p.yaml -q --resume; status_is 0; same out.csv <(echo "$sum_out"); }
c_lock_symlink_to_model() { setup_sum; keep m.json; ln -s m.json .out.csv.nnpipe-lock; np run p.yaml; status_is 73; err_has "is a symbolic link"; unchanged m.json; absent out.csv; }
c_lock_hard_link_to_model() { setup_sum; keep m.json; ln m.json .out.csv.nnpipe-lock; np run p.yaml; status_is 73; err_has "hard link"; unchanged m.json; absent out.csv; }
c_template_resume_committed_rejects_replaced() {
  setup_sum; for i in 1 2 3; do big_input a$i.csv 60000; sed -i '500s/,/,x/; 50000s/,/,y/' a$i.csv; done
  echo 'execution: {chunk_rows: 1000, journal_interval: 0, workers: 1}' >> p.yaml
  np run p.yaml -q 'a*.csv' -o 'r-{stem}.csv' --on-error reject --rejects 'r-{stem}.rej'; status_is 0
  J=.o-a2.csv.nnpipe-journal E=3; kill_at_entry run p.yaml 'a*.csv' -o 'o-{stem}.csv' --on-error reject --rejects 'o-{stem}.rej'
  [ -f o-a1.rej ] && [ ! -f o-a3.csv ] || { echo "SKIP: the kill missed a2"; exit 0; }
  n=$(stat -c%s o-a1.rej); head -c $n /dev/zero | tr '\0' x > x.tmp; mv x.tmp o-a1.rej
  np run p.yaml -q 'a*.csv' -o 'o-{stem}.csv' --on-error reject --rejects 'o-{stem}.rej' --resume; no_trap; status_is 0
  for i in 1 2 3; do same o-a$i.csv r-a$i.csv; same o-a$i.rej r-a$i.rej; done
}
