# Files a run must not write: what it reads (inputs, model, external data, scaler, labels, the
# pipeline file) through links, `..` and globs, and outputs that share a file or a stream.

c_output_is_model_through_dotdot() { setup_sum; mkdir d; keep m.json; np run p.yaml -o d/../m.json; status_is 64; unchanged m.json; }
c_output_is_model_hard_link() { setup_sum; ln m.json mm.json; keep m.json; np run p.yaml -o mm.json; status_is 64; unchanged m.json; }
c_stats_is_model_symlink() { setup_sum; ln -s m.json link.json; keep m.json; np run p.yaml --stats-json link.json; status_is 64; unchanged m.json; absent out.csv; }
c_metrics_is_pipeline_file() { setup_sum; keep p.yaml; np run p.yaml --metrics-textfile p.yaml; status_is 64; unchanged p.yaml; }
c_metrics_is_pipeline_hard_link() { setup_sum; ln p.yaml p2.yaml; keep p.yaml; np run p.yaml --metrics-textfile p2.yaml; status_is 64; unchanged p.yaml; }
c_output_is_pipeline_file() { setup_sum; keep p.yaml; np run p.yaml -o p.yaml; status_is 64; unchanged p.yaml; }
c_rejects_is_input_through_dotdot() { setup_sum; mkdir d; keep in.csv; np run p.yaml --on-error reject --rejects ./d/../in.csv; status_is 64; unchanged in.csv; }
c_output_and_stats_are_scaler() {
  setup_sum; echo '{"mean": [0, 0], "scale": [1, 1]}' > s.json
  printf 'stages:\n  - read: {path: in.csv, features: [x1, x2], carry: [id]}\n  - scale: {file: s.json}\n  - forward: {model: m.json}\n  - write: {path: out.csv}\n' > p.yaml
  keep s.json; np run p.yaml -o s.json; status_is 64; unchanged s.json
  np run p.yaml --stats-json ./s.json; status_is 64; unchanged s.json
}
c_output_is_labels_file_in_pipeline() {
  setup_sum; printf 'a\nb\n' > labels.txt
  printf 'stages:\n  - read: {path: in.csv, features: [x1, x2], carry: [id]}\n  - forward: {model: m.json}\n  - argmax: {labels_file: labels.txt}\n  - write: {path: labels.txt}\n' > p.yaml
  keep labels.txt; np run p.yaml; status_is 78; unchanged labels.txt
}
c_rejects_is_onnx_external_data_symlink() {
  local model=torch-batchnorm-logsoftmax-f64-dynamo.onnx
  cp "$FIXTURES/models/exporters/$model" "$FIXTURES/models/exporters/$model.data" .
  printf 'a,b,c,d\n1,2,3,4\n5,x,3,4\n' > in.csv
  printf 'stages:\n  - read: {path: in.csv, features: [a, b, c, d]}\n  - forward: {model: %s}\n  - write: {path: out.csv}\n' $model > p.yaml
  ln -s $model.data link.data; keep $model.data
  np run p.yaml --on-error reject --rejects link.data; status_is 64; err_has "external data"; unchanged $model.data; absent out.csv
}
c_template_output_is_its_input() { setup_sum; cp in.csv a.csv; keep a.csv; np run p.yaml a.csv -o '{stem}.csv'; status_is 64; unchanged a.csv; }
c_template_output_through_dotdot_is_input() { setup_sum; mkdir o; cp in.csv o/a.csv; keep o/a.csv; np run p.yaml o/a.csv -o 'o/x/../{name}'; status_is 64; unchanged o/a.csv; }
c_glob_matches_the_output() { setup_sum; cp in.csv b.csv; np run p.yaml -q; keep out.csv; np run p.yaml '*.csv' -o out.csv; status_is 64; unchanged out.csv; }
c_input_symlink_to_output() { setup_sum; np run p.yaml -q; keep out.csv; ln -s out.csv alias.csv; np run p.yaml alias.csv; status_is 64; unchanged out.csv; }
c_model_is_the_input() {
  setup_sum; printf 'stages:\n  - read: {path: m.json, features: [x1, x2], carry: [id]}\n  - forward: {model: m.json}\n  - write: {path: out.csv}\n' > p.yaml
  keep m.json; np run p.yaml; no_trap; [ $st = 65 ] || fail "status $st"; unchanged m.json; absent out.csv
}
c_stats_is_metrics() { setup_sum; np run p.yaml --stats-json s.txt --metrics-textfile ./s.txt; status_is 64; absent out.csv; absent s.txt; }
c_stats_is_rejects() { setup_sum; np run p.yaml --on-error reject --rejects r.csv --stats-json r.csv; status_is 64; absent out.csv; }
c_metrics_is_output() { setup_sum; np run p.yaml --metrics-textfile out.csv; status_is 64; absent out.csv; }
c_rejects_template_is_output_template() { setup_sum; printf 'id,x1,x2\n1,1,2\n2,x,3\n' > a.csv; np run p.yaml a.csv -o 'o-{stem}.csv' --on-error reject --rejects './o-{stem}.csv'; status_is 64; absent o-a.csv; }
c_stats_on_the_output_stream() { setup_sum; np run p.yaml -o - --stats-json -; status_is 64; [ ! -s .so ] || fail "rows written: $(head -c 200 .so)"; }
c_rejects_on_the_output_stream() { setup_sum; printf 'id,x1,x2\n1,1,2\n2,x,3\n' > in.csv; np run p.yaml -o - --on-error reject --rejects /dev/stdout; status_is 64; [ ! -s .so ] || fail "rows written"; }
c_metrics_on_the_output_stream() { setup_sum; np run p.yaml -o /proc/self/fd/1 --metrics-textfile -; status_is 64; [ ! -s .so ] || fail "rows written"; }
c_rejects_and_stats_share_stderr() { setup_sum; printf 'id,x1,x2\n1,1,2\n2,x,3\n' > in.csv; np run p.yaml -q --on-error reject --rejects /dev/stderr --stats-json /dev/stderr; status_is 0; err_has 'line,reason,record'; err_has '"rows_rejected": 1'; }
c_output_symlink_to_user_file() {
  setup_sum; echo precious > victim.txt; ln -s victim.txt out.csv; np run p.yaml -q; no_trap; status_is 0
  # Either the link is replaced (the file untouched) or written through as the output: never a mix.
  [ "$(cat victim.txt)" = precious ] || same victim.txt <(echo "$sum_out")
}
c_stats_in_a_missing_folder_through_a_dangling_link() { setup_sum; mkdir d; ln -s d/nothere/x.json s.json; np run p.yaml -q --stats-json s.json; no_trap; [ $st = 0 ] || [ $st = 73 ] || fail "status $st"; }
c_one_inputs_output_is_another_inputs_rejects() {
  setup_sum; mkdir o; printf 'id,x1,x2\n1,1,2\n2,x,3\n' > x.csv; cp x.csv x.rej.csv
  np run p.yaml x.csv x.rej.csv -o 'o/{stem}.csv' --on-error reject --rejects 'o/{stem}.rej.csv'; status_is 64; [ -z "$(ls -A o)" ] || fail "wrote $(ls -A o)"
}
c_one_inputs_output_is_another_input() { setup_sum; cp in.csv a.csv; cp in.csv a.out.csv; keep a.out.csv; np run p.yaml 'a*.csv' -o '{stem}.out.csv'; status_is 64; unchanged a.out.csv; }
