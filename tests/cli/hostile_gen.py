#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile inputs for tests/cli/hostile.sh, built here, never committed.

hostile_gen.py symlink-snap FILE TARGET_DIR
    A 300-byte memscope snapshot (an ELF core with notes only): a symlink
    note sys/evil -> TARGET_DIR, then a file note sys/evil/x. memscope
    before issue 10 unpacked it on disk and so wrote TARGET_DIR/x.

hostile_gen.py bomb FILE GIB
    An xz file that inflates to a 64-byte ELF core header (no segments)
    followed by GIB GiB of zeros: about 150 KB per GiB. Built from one
    compressed 16 MiB block of zeros repeated (xz blocks are independent),
    so that making it takes milliseconds, not a minute of compression.
"""
import lzma
import struct
import sys
import zlib


def note(name, typ, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), typ) + pad(n) + pad(desc)


def file_note(kind, path, data):
    # MEMSCOPE type 2: u32 kind (0 file, 1 symlink, 2 dir), path, NUL, data
    return note("MEMSCOPE", 2, struct.pack("<I", kind) + path.encode() + b"\0" + data)


def core(notes):
    phoff = 64
    off = phoff + 56
    ehdr = (b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8 +
            struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, phoff, 0, 0, 64, 56, 1, 0, 0, 0))
    phdr = struct.pack("<IIQQQQQQ", 4, 0, off, 0, 0, len(notes), 0, 4)  # PT_NOTE
    return ehdr + phdr + notes


def varint(n):
    out = b""
    while n >= 0x80:
        out += bytes([n & 0x7f | 0x80])
        n >>= 7
    return out + bytes([n])


def read_varint(b, i):
    n = shift = 0
    while True:
        n |= (b[i] & 0x7f) << shift
        shift += 7
        i += 1
        if not b[i - 1] & 0x80:
            return n, i


def one_block(data):
    """The block of a one-block .xz of data, its unpadded and data sizes."""
    x = lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, preset=0)
    backward = struct.unpack("<I", x[-8:-4])[0]
    index = x[-12 - (backward + 1) * 4:-12]
    assert index[0] == 0 and index[1] == 1
    unpadded, i = read_varint(index, 2)
    size, _ = read_varint(index, i)
    return x[12:-12 - len(index)], x[:12], x[-2 - 2:-2], unpadded, size


def bomb(path, gib):
    ehdr = (b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8 +
            struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, 0, 0, 0, 0))
    head, stream_header, flags, hu, hs = one_block(ehdr)
    zero, _, _, zu, zs = one_block(b"\0" * (16 << 20))
    n = int(float(gib) * 64)
    index = b"\0" + varint(1 + n) + varint(hu) + varint(hs) + (varint(zu) + varint(zs)) * n
    index += b"\0" * (-len(index) % 4)
    index += struct.pack("<I", zlib.crc32(index))
    backward = struct.pack("<I", len(index) // 4 - 1)
    footer = struct.pack("<I", zlib.crc32(backward + flags)) + backward + flags + b"YZ"
    with open(path, "wb") as f:
        f.write(stream_header + head + zero * n + index + footer)


def symlink_snap(path, target):
    notes = (note("VMCOREINFO", 0, b"OSRELEASE=6.12.0\n") +
             note("MEMSCOPE", 1, struct.pack("<I", 1)) +
             file_note(1, "sys/evil", target.encode()) +
             file_note(0, "sys/evil/x", b"owned\n"))
    with open(path, "wb") as f:
        f.write(core(notes))


if __name__ == "__main__":
    {"symlink-snap": symlink_snap, "bomb": bomb}[sys.argv[1]](*sys.argv[2:])
