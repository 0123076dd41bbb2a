"""Parse the ground truth a guest collected (sysfs, lsmem, /proc/iomem, kcore notes)."""
import json
import os
import re
import struct

SECTION_SIZE = 128 << 20          # x86_64 SECTION_SIZE_BITS 27
SUBSECTION_SIZE = 2 << 20         # SUBSECTION_SHIFT 21
SUBSECTIONS = SECTION_SIZE // SUBSECTION_SIZE


class Block:
    def __init__(self, num):
        self.num = num
        self.attrs = {}

    @property
    def state(self):
        return self.attrs.get("state")

    @property
    def phys_index(self):
        return int(self.attrs["phys_index"], 16)

    @property
    def node(self):
        n = self.attrs.get("node")
        return int(n) if n is not None else None


def sysfs_memory(path):
    """-> (block_size, {num: Block}) from lab_sysmem's "path=value" lines."""
    top, blocks = {}, {}
    with open(path) as f:
        for line in f:
            key, _, val = line.rstrip("\n").partition("=")
            val = val.strip()
            m = re.match(r"memory(\d+)/(\S+)$", key)
            if m:
                b = blocks.setdefault(int(m.group(1)), Block(int(m.group(1))))
                b.attrs[m.group(2)] = val
            else:
                top[key] = val
    return int(top["block_size_bytes"], 16), blocks


class Resource:
    def __init__(self, start, end, name, depth):
        self.start, self.end, self.name, self.depth = start, end, name, depth
        self.children = []

    def __repr__(self):
        return "%x-%x %s" % (self.start, self.end, self.name)


def iomem(path):
    """-> flat list of Resource with .children, in file order (needs root)."""
    out, stack = [], []
    with open(path) as f:
        for line in f:
            m = re.match(r"^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$", line.rstrip("\n"))
            if not m:
                continue
            depth = len(m.group(1)) // 2
            r = Resource(int(m.group(2), 16), int(m.group(3), 16), m.group(4), depth)
            while stack and stack[-1].depth >= depth:
                stack.pop()
            if stack:
                stack[-1].children.append(r)
            stack.append(r)
            out.append(r)
    return out


def system_ram(res):
    return [r for r in res if r.depth == 0 and r.name == "System RAM"]


def device_ranges(res):
    """ZONE_DEVICE (pgmap) ranges of nvdimm namespaces: [(start, end, name)].

    A devdax namespace shows in /proc/iomem as "namespaceX.Y" (its info block,
    reserved by dax_pmem) followed by "daxX.Y" (the data); the pgmap that
    memremap_pages() hot-adds covers both (nvdimm_setup_pfn: the whole
    namespace for -M mem), so adjacent entries of one X.Y are merged.
    """
    parts = {}
    for r in res:
        m = re.match(r"(namespace|dax)(\d+\.\d+)$", r.name)
        if m:
            parts.setdefault(m.group(2), []).append((r.start, r.end))
    out = []
    for key, rs in parts.items():
        rs.sort()
        cur = list(rs[0])
        for a, e in rs[1:]:
            if a <= cur[1] + 1:
                cur[1] = max(cur[1], e)
            else:
                out.append((cur[0], cur[1], "namespace" + key))
                cur = [a, e]
        out.append((cur[0], cur[1], "namespace" + key))
    return sorted(out)


def taint_sections(ranges):
    """Sections the kernel marks SECTION_TAINT_ZONE_DEVICE: those holding a
    ZONE_DEVICE range's start or end when it is not section aligned
    (move_pfn_range_to_zone(), since v5.12 commit 1f90a3477df3)."""
    s = set()
    for start, end in ranges:
        if start % SECTION_SIZE:
            s.add(start // SECTION_SIZE)
        if (end + 1) % SECTION_SIZE:
            s.add((end + 1) // SECTION_SIZE)
    return s


def granules(ranges, section):
    """Sub-section indexes of `section` that intersect any [start, end] range."""
    base = section * SECTION_SIZE
    act = set()
    for start, end in ranges:
        lo = max(start, base)
        hi = min(end, base + SECTION_SIZE - 1)
        if lo > hi:
            continue
        for g in range((lo - base) // SUBSECTION_SIZE, (hi - base) // SUBSECTION_SIZE + 1):
            act.add(g)
    return act


def sections_of(ranges):
    s = set()
    for start, end in ranges:
        s.update(range(start // SECTION_SIZE, end // SECTION_SIZE + 1))
    return s


def lsmem(path):
    with open(path) as f:
        rows = json.load(f)["memory"]
    out = {}
    for r in rows:
        r = dict(r)
        r["block"] = int(r["block"])
        if r.get("node") is not None:
            r["node"] = int(r["node"])
        out[r["block"]] = r
    return out


def vmcoreinfo(path):
    """VMCOREINFO key=value pairs from the first bytes of /proc/kcore."""
    if not os.path.exists(path):
        return {}
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        return {}
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    info = {}
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type != 4:  # PT_NOTE
            continue
        off, end = p_offset, min(p_offset + p_filesz, len(data))
        while off + 12 <= end:
            namesz, descsz, _ = struct.unpack_from("<III", data, off)
            name = data[off + 12:off + 12 + namesz].rstrip(b"\0")
            doff = off + 12 + ((namesz + 3) & ~3)
            desc = data[doff:doff + descsz]
            if name == b"VMCOREINFO":
                for line in desc.decode(errors="replace").splitlines():
                    k, _, v = line.partition("=")
                    info[k] = v
            off = doff + ((descsz + 3) & ~3)
    return info


# Input files an assertion asked for and did not find, since the last
# report.begin_boot(): each boot's run ends with a failure naming them (an
# assertion whose input is missing never vanishes silently).
MISSING = []


def read(path, default=""):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        MISSING.append(path)
        return default


def read_optional(path, default=""):
    """A file the scenario writes only sometimes (bench output, ...)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def kallsyms_text(path):
    """The address of _text from a `grep ' _text$' /proc/kallsyms` line."""
    for line in read_optional(path).splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == "_text":
            return int(f[0], 16)
    return None


def zoneinfo(path):
    """[{node, zone, spanned, present, managed, start_pfn}] of /proc/zoneinfo
    (zones with nothing spanned print no start_pfn on some releases)."""
    zones, cur = [], None
    for line in read(path).splitlines():
        m = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if m:
            cur = {"node": int(m.group(1)), "zone": m.group(2)}
            zones.append(cur)
            continue
        f = line.split()
        if cur is not None and len(f) == 2 and f[0] in ("spanned", "present", "managed",
                                                        "start_pfn:"):
            cur[f[0].rstrip(":")] = int(f[1])
    return zones
