#!/usr/bin/env python3
"""Writes the zstd fixtures in this folder with the zstd command (Debian's `zstd` package; setup.sh
installs it): one frame, several frames as `cat a.zst b.zst` writes them, skippable frames
(RFC 8878 section 3.1.2: magic 0x184D2A5?, a 4-byte length, then that many bytes decoders pass
over) first and between frames, and broken files: cut inside the first or the last frame, a
flipped byte inside a frame, and bytes after the last frame. Run from anywhere:
python3 Tests/Fixtures/zstd/make.py
"""
import os
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = b"id,x1,x2\na,1,2\nb,3,4\n"


def frame(data):
    """One zstd frame of `data`, with the content checksum `zstd` writes by default."""
    return subprocess.run(["zstd", "-q", "-c", "-19", "--check"], input=data, check=True,
                          stdout=subprocess.PIPE).stdout


def skippable(payload, variant=0):
    """A skippable frame carrying `payload` (magic 0x184D2A50 + variant, little-endian)."""
    return struct.pack("<II", 0x184D2A50 + variant, len(payload)) + payload


def flipped(data, offset):
    return data[:offset] + bytes([data[offset] ^ 0xFF]) + data[offset + 1:]


one = frame(CSV)
FIXTURES = {
    "one-frame.csv.zst": one,
    "three-frames.csv.zst": frame(CSV[:9]) + frame(CSV[9:15]) + frame(CSV[15:]),
    "skippable-between.csv.zst": frame(CSV[:15]) + skippable(b"nnpipe test metadata") + frame(CSV[15:]),
    "skippable-first.csv.zst": skippable(b"", 0xF) + skippable(b"meta", 3) + frame(CSV) + skippable(b"end"),
    "truncated.csv.zst": one[:-5],
    "truncated-second-frame.csv.zst": (frame(CSV[:15]) + frame(CSV[15:]))[:-3],
    # The last byte of the content checksum: the frame decodes, and its check fails.
    "corrupt-checksum.csv.zst": flipped(one, len(one) - 1),
    # The frame header's descriptor byte: reserved bit set.
    "corrupt-header.csv.zst": one[:4] + bytes([one[4] | 0x08]) + one[5:],
    "trailing-garbage.csv.zst": one + b"junk\n",
}

if __name__ == "__main__":
    for name, data in FIXTURES.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
