#!/usr/bin/env python3
"""Writes the fixtures of inputs that nnpipe decompresses in parallel, made by the real tools:
bgzip (htslib's BGZF: 64 KiB members with a size field) and pzstd (several zstd frames, each
after a skippable frame), with damaged copies of the BGZF file, and pigz (one gzip member
whose parts, compressed on several threads, are joined by empty blocks). (fuzz-size-field-shorter.csv.gz
is an input scripts/fuzz.sh parallel found, kept as it is: not written here.) The CSV is the one
Tests/CLITests/ParallelDecodeTests.swift builds (rows()), 15,000 rows; pigz's is numbers()'s.
Needs bgzip (Debian's tabix), pzstd (Debian's zstd) and pigz. Run from anywhere: python3 Tests/Fixtures/parallel/make.py
"""
import os
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def rows():
    return b"id,x1,x2\n" + b"".join(b"r%d,%d,%d\n" % (i, i, i % 7) for i in range(15000))


def numbers():
    """8,000 rows of numbers of varied length, seeded: dynamic blocks, as real CSV gives."""
    import random
    r = random.Random(21)
    labels = ["yes", "no", '"maybe, later"']
    lines = ["id,a,b,c,label"] + [
        f"{i},{r.gauss(0, 1):.7g},{r.uniform(-100, 100):.6f},{r.randint(0, 96)},{r.choice(labels)}" for i in range(8000)]
    return ("\n".join(lines) + "\n").encode()


def members(data):
    """The BGZF members of `data`, each as bytes, using the size field."""
    out, at = [], 0
    while at < len(data):
        xlen = struct.unpack_from("<H", data, at + 10)[0]
        size = None
        sub = at + 12
        while sub < at + 12 + xlen:
            slen = struct.unpack_from("<H", data, sub + 2)[0]
            if data[sub:sub + 2] == b"BC":
                size = struct.unpack_from("<H", data, sub + 4)[0] + 1
            sub += 4 + slen
        out.append(data[at:at + size])
        at += size
    return out


def main():
    csv = rows()
    bgzf = subprocess.run(["bgzip", "-c"], input=csv, capture_output=True, check=True).stdout
    pzst = subprocess.run(["pzstd", "-q", "-c", "-p", "1", "-3"], input=csv, capture_output=True, check=True).stdout
    # Parts of 32 KiB compressed on 4 threads: empty fixed-code and stored blocks between them.
    pigz = subprocess.run(["pigz", "-6", "-b", "32", "-p", "4", "-n", "-c"], input=numbers(), capture_output=True,
                          check=True).stdout
    parts = members(bgzf)
    assert len(parts) >= 4, len(parts)
    plain = subprocess.run(["gzip", "-c", "-n"], input=b"r15000,15000,1\n", capture_output=True, check=True).stdout
    corrupt = bytearray(bgzf)
    middle = sum(len(p) for p in parts[:2]) + 40  # inside the third member's deflate data
    corrupt[middle] ^= 0xFF
    crc = bytearray(parts[2])
    crc[-8] ^= 0x01  # the third member's CRC-32
    files = {
        "bgzip.csv.gz": bgzf,
        # BGZF members, then a plain gzip member (no size field): read on by one decoder.
        "bgzip-then-plain.csv.gz": bgzf + plain,
        "bgzip-corrupt.csv.gz": bytes(corrupt),
        "bgzip-crc.csv.gz": b"".join(parts[:2]) + bytes(crc) + b"".join(parts[3:]),
        # Cut in the middle of the third member.
        "bgzip-truncated.csv.gz": bgzf[:sum(len(p) for p in parts[:2]) + len(parts[2]) // 2],
        "bgzip-zero-padded.csv.gz": bgzf + bytes(100),
        "bgzip-trailing-garbage.csv.gz": bgzf + b"garbage",
        "pzstd.csv.zst": pzst,
        "pigz-b32.csv.gz": pigz,
    }
    for name, data in files.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    print(f"{len(parts)} BGZF members; pzstd file {len(pzst)} bytes")


main()
