# Names: template stems with dots, spaces, newlines, leading dashes, 255-byte names, unicode,
# inputs that are links to one another; nothing lands outside the folder the template names.

c_stem_with_newline() { setup_sum; cp in.csv $'a\nb.csv'; np run p.yaml $'a\nb.csv' -o 'o-{stem}.csv'; status_is 0; same $'o-a\nb.csv' <(echo "$sum_out"); }
c_stem_with_leading_dash() { setup_sum; cp in.csv ./-x.csv; np run p.yaml ./-x.csv -o '{stem}.out'; status_is 0; same ./-x.out <(echo "$sum_out"); }
c_stem_with_spaces_and_unicode() { setup_sum; cp in.csv 'é ü  ✓.csv'; np run p.yaml 'é ü  ✓.csv' -o 'o/{stem}.csv'; status_is 0; same 'o/é ü  ✓.csv' <(echo "$sum_out"); }
c_stems_with_dots() {
  setup_sum; cp in.csv a.b.c.csv; gzip -c in.csv > d.e.csv.gz; np run p.yaml a.b.c.csv d.e.csv.gz -o 'o-{stem}.csv'; status_is 0
  same o-a.b.c.csv <(echo "$sum_out"); same o-d.e.csv <(echo "$sum_out")
}
c_output_name_of_255_bytes() { setup_sum; n=$(printf 'a%.0s' $(seq 251)); cp in.csv $n.csv; np run p.yaml $n.csv -o '{stem}.out'; status_is 0; same $n.out <(echo "$sum_out"); }
c_output_name_of_256_bytes() { setup_sum; n=$(printf 'a%.0s' $(seq 251)); cp in.csv $n.csv; np run p.yaml $n.csv -o 'x{stem}.csv'; status_is 73; err_has "at most 255"; [ -z "$(ls -A | grep nnpipe)" ] || fail "left behind"; }
c_stem_of_only_dots() { setup_sum; mkdir -p w/out; gzip -c in.csv > 'w/...csv.gz'; (cd w && timeout 60 "$NP" run ../p.yaml '...csv.gz' -o 'out/{stem}' > ../.so 2> ../.se); st=$?; status_is 64; [ ! -f w/out ] || fail "wrote w/out"; }
c_empty_stem() { setup_sum; mkdir out; cp in.csv .csv; np run p.yaml .csv -o 'out/{stem}'; status_is 64; [ -z "$(ls -A out)" ] || fail "wrote $(ls -A out)"; }
c_two_inputs_one_output_name() { setup_sum; mkdir b; cp in.csv a.csv; printf 'id,x1,x2\n9,1,1\n' > b/a.csv; np run p.yaml a.csv b/a.csv -o 'o-{stem}.csv'; status_is 64; err_has "--output o-{stem}.csv: a.csv and b/a.csv would both be written to o-a.csv"; absent o-a.csv; }
c_inputs_linked_to_one_another() {
  setup_sum; cp in.csv a.csv; ln -s a.csv b.csv; ln a.csv c.csv
  np run p.yaml a.csv b.csv c.csv -o 'o-{stem}.csv'; status_is 0
  for x in a b c; do same o-$x.csv <(echo "$sum_out"); done
}
c_output_is_a_folder() { setup_sum; mkdir out.csv; np run p.yaml; status_is 73; [ -z "$(ls -A out.csv)" ] || fail "wrote into the folder"; }
