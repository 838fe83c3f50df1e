#!/usr/bin/env python3
"""Writes the gzip fixtures in this folder: members with every header flag (RFC 1952 section
2.3: FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT), a wrong header CRC, a reserved flag, zero padding
and trailing bytes after the last member. Python's gzip module writes only FNAME, so headers are
built by hand around zlib's raw deflate. Run from anywhere: python3 Tests/Fixtures/gzip/make.py
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = b"id,x1,x2\na,1,2\nb,3,4\n"
FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT = 1, 2, 4, 8, 16


def member(data, flags=0, bad_hcrc=False, extra=b"NN\x04\x00test", name=b"in.csv", comment=b"a comment"):
    """One gzip member of `data` whose header has `flags` (and their fields)."""
    header = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 1700000000) + b"\x00\x03"
    if flags & FEXTRA:
        header += struct.pack("<H", len(extra)) + extra
    if flags & FNAME:
        header += name + b"\x00"
    if flags & FCOMMENT:
        header += comment + b"\x00"
    if flags & FHCRC:
        crc16 = zlib.crc32(header) & 0xFFFF  # the low 16 bits of the CRC-32 of the bytes before it
        header += struct.pack("<H", crc16 ^ 0x0101 if bad_hcrc else crc16)
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = deflate.compress(data) + deflate.flush()
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


FIXTURES = {
    "ftext.csv.gz": member(CSV, FTEXT),
    "fhcrc.csv.gz": member(CSV, FHCRC),
    "fextra.csv.gz": member(CSV, FEXTRA),
    "fname.csv.gz": member(CSV, FNAME),
    "fcomment.csv.gz": member(CSV, FCOMMENT),
    "all-flags.csv.gz": member(CSV, FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT),
    # Two members, each with every flag (the second's header is met after the first's end).
    "all-flags-two-members.csv.gz": member(CSV[:15], 31) + member(CSV[15:], 31, name=b"", comment=b""),
    "fhcrc-wrong.csv.gz": member(CSV, FHCRC, bad_hcrc=True),
    "reserved-flag.csv.gz": member(CSV, 0x20),
    # A tape or block-device copy: zeros to the end of a 512-byte block.
    "zero-padded.csv.gz": member(CSV).ljust(512, b"\x00"),
    "zero-padded-two-members.csv.gz": (member(CSV[:15]) + member(CSV[15:])).ljust(1024, b"\x00"),
    "trailing-garbage.csv.gz": member(CSV) + b"junk\n",
    "trailing-zeros-then-garbage.csv.gz": member(CSV) + b"\x00" * 10 + b"x",
}

if __name__ == "__main__":
    for name, data in FIXTURES.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
