# Numbers: the float parser against Python's float() on odd strings, subnormals, -0.0, overflow.

c_odd_number_strings() {
  setup_sum
  python3 - <<'P'
odd = ['1e-400', '4.9e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '2.2250738585072011e-308',
       '1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308', '-0', '-0.0', '+.5', '.5e-3', '5.',
       '0000000001', '1E+2', '1e0000000000000000000002', '9' * 30 + 'e-30', '0.' + '0' * 340 + '1e340', '1e', 'e5', '.', '-',
       '+-1', '1e+', '0x10', 'inf', 'nan', '1_0', ' 1', '1 ', '\u0661', '1.5e308', '-1e-330', '123456789012345678901234567890',
       '1.0000000000000000000000000001', '0e999999999', '1e-999999999', '.e1', '1..2', '1e1.5', '1' * 300 + '.' + '9' * 400,
       '0.' + '0' * 600 + '123e605', '2.2250738585072012e-308', '9007199254740993', '0.1e-99999999999999999999']
with open('in.csv', 'w') as f:
    f.write('id,x1,x2\n')
    for i, s in enumerate(odd): f.write(f'{i},"{s}",0\n')
P
  np run p.yaml -q --on-error reject --rejects rej.csv; status_is 0
  python3 - <<'P' || fail "nnpipe and Python's float() disagree"
import csv, math, re
rows = list(csv.reader(open('in.csv', newline='')))[1:]
out = {r[0]: r for r in list(csv.reader(open('out.csv')))[1:]}
# What nnpipe documents it reads: ASCII decimal numbers (spaces around allowed), finite.
strict = re.compile(r'^ *[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)? *$', re.A)
bad = []
for i, s, _ in rows:
    v = float(s) if strict.match(s) else None
    if v is not None and math.isinf(v): v = None
    if v is None:
        if i in out: bad.append((s[:40], 'accepted', out[i]))
    elif i not in out: bad.append((s[:40], 'rejected'))
    else:
        # y1 = x1 * 1 + x2 * 0 (numpy's x @ W: -0.0 + 0.0 is 0.0).
        got, want = float(out[i][2]), v * 1.0 + 0.0 * 0.0
        if got != want or math.copysign(1, got) != math.copysign(1, want): bad.append((s[:40], got, want))
if bad: print(bad); raise SystemExit(1)
P
}
c_negative_zero_and_subnormal_outputs() {
  need_numpy
  printf '{"layers": [{"weights": [[-1], [0]], "bias": [0], "activation": "identity"}, {"weights": [[1]], "bias": [-0.0], "activation": "identity"}]}' > m.json
  printf 'id,x1,x2\n1,0,0\n2,-0.0,0\n3,5e-324,0\n4,-5e-324,1\n5,1e-320,-1e-320\n' > in.csv
  printf 'stages:\n  - read: {path: in.csv, features: [x1, x2], carry: [id]}\n  - forward: {model: m.json}\n  - write: {path: out.csv}\n' > p.yaml
  np run p.yaml -q; status_is 0
  python3 - <<'P' || fail "differs from numpy"
import csv, math, numpy as np
X = np.array([[0, 0], [-0.0, 0], [5e-324, 0], [-5e-324, 1], [1e-320, -1e-320]])
Y = (X @ np.array([[-1.0], [0.0]]) + 0.0) @ np.array([[1.0]]) + (-0.0)
got = [float(r[1]) for r in list(csv.reader(open('out.csv')))[1:]]
for g, y in zip(got, Y[:, 0]):
    assert g == y and math.copysign(1, g) == math.copysign(1, y), (g, y)
P
}
c_subnormal_inputs() {
  setup_sum
  python3 -c "
import random; random.seed(5); print('id,x1,x2')
for i in range(500): print(f'{i},{random.choice([1, -1]) * random.uniform(0, 1) * 2.2250738585072014e-308!r},{random.uniform(-1, 1) * 1e-310!r}')" > in.csv
  np run p.yaml -q; status_is 0; ref_sum in.csv > ref.csv; same out.csv ref.csv
}
c_random_bit_patterns_in_four_spellings() {
  setup_sum
  python3 - <<'P'
import random, struct; random.seed(11)
with open('in.csv', 'w') as f:
    f.write('id,x1,x2\n')
    for i in range(20000):
        v = struct.unpack('<d', struct.pack('<Q', random.getrandbits(64)))[0]
        if v != v or abs(v) == float('inf'): v = 0.0
        s = random.choice([repr(v), '%.25e' % v, '%.3g' % v, '%.40f' % v if abs(v) < 1e30 else repr(v)])
        f.write(f'{i},{s},0\n')
P
  np run p.yaml -q; status_is 0
  python3 -c "
import csv
a = list(csv.reader(open('in.csv')))[1:]; b = list(csv.reader(open('out.csv')))[1:]
bad = [(x[1], y[2]) for x, y in zip(a, b) if float(x[1]) != float(y[2])]
assert len(a) == len(b) and not bad, bad[:5]" || fail "differs from Python's float()"
}
c_overflow_to_infinity_in_the_forward_pass() {
  setup_sum; printf 'id,x1,x2\n1,1e308,1e308\n' > in.csv; np run p.yaml -q; no_trap
  # numpy: 1e308 + 2e308 = inf; nnpipe writes it or refuses the row, never a wrong finite number.
  case $st in 0) python3 -c "
import csv; r = list(csv.reader(open('out.csv')))[1]; assert float(r[1]) == float('inf') and float(r[2]) == 1e308, r" || fail "$(cat out.csv)" ;;
    65) absent out.csv ;; *) fail "status $st" ;; esac
}
