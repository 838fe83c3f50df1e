# gzip, zstd and CSV edge cases, against Python's float() and the gzip/zstd tools.

# The sum pipeline over $1 (made by the case from in.csv): the output must be the reference.
as_reference() { sed -i "s/in.csv/$1/" p.yaml; np run p.yaml -q "${@:2}"; status_is 0; ref_sum in.csv > ref.csv; same out.csv ref.csv; }
refused_65() { sed -i "s/in.csv/$1/" p.yaml; np run p.yaml -q "${@:2}"; no_trap; status_is 65; absent out.csv; }
c_gzip_empty_member_in_the_middle() { setup_sum; big_input in.csv 5000; { head -2000 in.csv | gzip; printf '' | gzip; tail -n +2001 in.csv | gzip; } > in.csv.gz; as_reference in.csv.gz; }
c_gzip_header_with_every_field() {
  setup_sum; big_input in.csv 3000
  python3 - <<'P'
import struct, zlib
data = open('in.csv', 'rb').read()
co = zlib.compressobj(6, zlib.DEFLATED, -15); body = co.compress(data) + co.flush()
hdr = b'\x1f\x8b\x08' + bytes([0x02 | 0x04 | 0x08 | 0x10]) + b'\0\0\0\0\0\xff'
extra = b'XY\x03\0abc'
hdr += struct.pack('<H', len(extra)) + extra + b'name.csv\0' + b'a comment\0'
hdr += struct.pack('<H', zlib.crc32(hdr) & 0xffff)
open('in.csv.gz', 'wb').write(hdr + body + struct.pack('<II', zlib.crc32(data), len(data)))
P
  gzip -t in.csv.gz || fail "gzip -t refuses the fixture"; as_reference in.csv.gz
}
c_gzip_wrong_header_crc() {
  setup_sum
  python3 - <<'P'
import struct, zlib
data = open('in.csv', 'rb').read()
co = zlib.compressobj(6, zlib.DEFLATED, -15); body = co.compress(data) + co.flush()
hdr = b'\x1f\x8b\x08\x02\0\0\0\0\0\xff'
hdr += struct.pack('<H', (zlib.crc32(hdr) + 1) & 0xffff)
open('in.csv.gz', 'wb').write(hdr + body + struct.pack('<II', zlib.crc32(data), len(data)))
P
  sed -i 's/in.csv/in.csv.gz/' p.yaml; np run p.yaml -q; no_trap
  case $st in 0) same out.csv <(echo "$sum_out") ;; 65) absent out.csv ;; *) fail "status $st" ;; esac
}
flip() { python3 -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[int(sys.argv[2])] ^= 1; open(sys.argv[3], 'wb').write(b)" "$@"; }
c_gzip_wrong_crc() { setup_sum; big_input in.csv 3000; gzip -c in.csv > g; flip g -6 in.csv.gz; refused_65 in.csv.gz; }
c_gzip_wrong_crc_parallel() { setup_sum; big_input in.csv; gzip -c in.csv > g; flip g -6 in.csv.gz; refused_65 in.csv.gz --set execution.parallel_gzip=true --workers 2; }
c_gzip_wrong_length() { setup_sum; big_input in.csv 3000; gzip -c in.csv > g; flip g -1 in.csv.gz; refused_65 in.csv.gz; }
c_gzip_trailing_zeros() { setup_sum; { gzip -c in.csv; head -c 1000 /dev/zero; } > in.csv.gz; as_reference in.csv.gz; }
c_gzip_trailing_garbage() { setup_sum; { gzip -c in.csv; printf junk; } > in.csv.gz; refused_65 in.csv.gz; }
c_gzip_only_an_empty_member() { setup_sum; printf '' | gzip > in.csv.gz; refused_65 in.csv.gz; }
c_bgzip_lying_block_size() {
  need bgzip; setup_sum; big_input in.csv; bgzip -c in.csv > g
  python3 -c "
import struct; b = bytearray(open('g', 'rb').read()); o = struct.unpack('<H', b[16:18])[0] + 1
b[o + 16:o + 18] = struct.pack('<H', struct.unpack('<H', b[o + 16:o + 18])[0] + 100); open('in.csv.gz', 'wb').write(b)"
  sed -i 's/in.csv/in.csv.gz/' p.yaml; np run p.yaml -q --workers 2; no_trap
  case $st in 0) ref_sum in.csv > ref.csv; same out.csv ref.csv ;; 65) absent out.csv ;; *) fail "status $st" ;; esac
}
c_bgzip_parallel() { need bgzip; setup_sum; big_input in.csv; bgzip -c in.csv > in.csv.gz; as_reference in.csv.gz --workers 2; }
c_pigz_independent_blocks() { need pigz; setup_sum; big_input in.csv; pigz -i -b 32 -c in.csv > in.csv.gz; as_reference in.csv.gz --workers 2 --set execution.parallel_gzip=true; }
c_zstd_skippable_frames() {
  need zstd; setup_sum; big_input in.csv 20000; head -10001 in.csv | zstd -q > f1; tail -n +10002 in.csv | zstd -q > f2
  python3 -c "
import struct
skip = lambda n, m: struct.pack('<II', 0x184D2A50 + m, n) + b'\xab' * n
open('in.csv.zst', 'wb').write(skip(7, 0) + open('f1', 'rb').read() + skip(0, 15) + skip(300, 3) + open('f2', 'rb').read() + skip(4, 1))"
  zstd -t -q in.csv.zst || fail "zstd -t refuses the fixture"; as_reference in.csv.zst
}
c_pzstd_lying_frame_size() {
  need pzstd; setup_sum; big_input in.csv; pzstd -q -p 2 -c in.csv > g
  python3 -c "
import struct; b = bytearray(open('g', 'rb').read()); b[8:12] = struct.pack('<I', struct.unpack('<I', b[8:12])[0] - 50); open('in.csv.zst', 'wb').write(b)"
  sed -i 's/in.csv/in.csv.zst/' p.yaml; np run p.yaml -q --workers 2; no_trap
  case $st in 0) ref_sum in.csv > ref.csv; same out.csv ref.csv ;; 65) absent out.csv ;; *) fail "status $st" ;; esac
}
c_zstd_truncated() { need zstd; setup_sum; big_input in.csv 20000; zstd -q -c in.csv | head -c 30000 > in.csv.zst; refused_65 in.csv.zst; }
c_zstd_truncated_skippable_frame() { need zstd; setup_sum; { zstd -q -c in.csv; python3 -c "import struct, sys; sys.stdout.buffer.write(struct.pack('<II', 0x184D2A50, 1000) + b'x' * 10)"; } > in.csv.zst; refused_65 in.csv.zst; }
c_csv_byte_order_mark() { setup_sum; printf '\xef\xbb\xbfid,x1,x2\n1,1,2\n2,3,4\n' > in.csv; np run p.yaml -q; status_is 0; same out.csv <(echo "$sum_out"); }
c_csv_crlf() { setup_sum; printf 'id,x1,x2\r\n1,1,2\r\n2,3,4\r\n' > in.csv; np run p.yaml -q; status_is 0; same out.csv <(echo "$sum_out"); }
c_csv_crlf_carried_last() { setup_sum; printf 'x1,x2,id\r\n1,2,1\r\n3,4,2\r\n' > in.csv; np run p.yaml -q; status_is 0; same out.csv <(echo "$sum_out"); }
c_csv_quoted_newlines_carried() {
  setup_sum; printf 'id,x1,x2\n"a\nb, ""q""",1,2\n"c\r\nd",3,4\n' > in.csv; np run p.yaml -q; status_is 0
  python3 -c "
import csv; r = list(csv.reader(open('out.csv', newline='')))
assert r == [['id', 'y0', 'y1'], ['a\nb, \"q\"', '5.0', '1.0'], ['c\r\nd', '11.0', '3.0']], r" || fail "a carried field changed"
}
c_csv_nul_byte() { setup_sum; printf 'id,x1,x2\n1,1\0,2\n' > in.csv; refused_65 in.csv; }
c_csv_unterminated_quote() { setup_sum; printf 'id,x1,x2\n"1,1,2\n2,3,4\n' > in.csv; refused_65 in.csv; }
c_csv_header_only_without_newline() { setup_sum; printf 'id,x1,x2' > in.csv; np run p.yaml -q; status_is 0; same out.csv <(echo id,y0,y1); }
c_csv_ragged_rows_skipped() { setup_sum; printf 'id,x1,x2\n1,1,2\n2,3\n3,1,1,9\n' > in.csv; np run p.yaml -q --on-error skip; status_is 0; same out.csv <(printf 'id,y0,y1\n1,5.0,1.0\n'); }
