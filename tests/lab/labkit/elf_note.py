"""The VMCOREINFO note of a QEMU dump (ELF64, PT_NOTE), read on the host by
the lab's own code, not memscope's: asserts_dump hides it and lends it back
through a donor file, deferred_dump gives its text to drgn for a dump taken
before the kernel built it. The dump is read as hostile: every size is
bounded by the file."""
import collections
import os
import struct

PT_NOTE = 4
MAX_NOTES = 16 << 20

# name_off: file offset of the note's name; hdr: the ELF header (64 bytes);
# note: the whole note (header, name, desc, padded); desc: its text
Note = collections.namedtuple("Note", "name_off hdr note desc")


def find(path, want=b"VMCOREINFO"):
    """The first note named `want` in the ELF64 file at path, or None."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        hdr = f.read(64)
        if len(hdr) < 64 or hdr[:5] != b"\x7fELF\x02":
            return None
        phoff, = struct.unpack_from("<Q", hdr, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", hdr, 0x36)
        if phentsize < 56 or phoff + phentsize * phnum > size:
            return None
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
        for i in range(phnum):
            ptype, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", ph, i * phentsize)
            if ptype != PT_NOTE or off + filesz > size or filesz > MAX_NOTES:
                continue
            f.seek(off)
            data = f.read(filesz)
            p = 0
            while p + 12 <= len(data):
                namesz, descsz, _ = struct.unpack_from("<III", data, p)
                desc = p + 12 + ((namesz + 3) & ~3)
                end = desc + ((descsz + 3) & ~3)
                if desc + descsz > len(data):
                    break
                if data[p + 12:p + 12 + namesz].rstrip(b"\0") == want:
                    return Note(off + p + 12, hdr, data[p:end], data[desc:desc + descsz])
                p = end
    return None
