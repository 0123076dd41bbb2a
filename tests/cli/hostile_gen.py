#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile inputs for tests/cli/hostile.sh, built here, never committed.

hostile_gen.py symlink-snap FILE TARGET_DIR
    A 300-byte memscope snapshot (an ELF core with notes only): a symlink
    note sys/evil -> TARGET_DIR, then a file note sys/evil/x. memscope
    before issue 10 unpacked it on disk and so wrote TARGET_DIR/x.
"""
import struct
import sys


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


def symlink_snap(path, target):
    notes = (note("VMCOREINFO", 0, b"OSRELEASE=6.12.0\n") +
             note("MEMSCOPE", 1, struct.pack("<I", 1)) +
             file_note(1, "sys/evil", target.encode()) +
             file_note(0, "sys/evil/x", b"owned\n"))
    with open(path, "wb") as f:
        f.write(core(notes))


if __name__ == "__main__":
    {"symlink-snap": symlink_snap}[sys.argv[1]](*sys.argv[2:])
