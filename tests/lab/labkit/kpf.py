"""memscope `pages` over every RAM pfn against /proc/kpageflags and
/proc/kpagecount (issue 11), read just before and just after the scan.

A pfn is compared when the kernel's two readings agree with each other
(bit by bit, per compared bit): it did not change under the scan.  Every
compared pfn is counted, every disagreement named.  Bits (for a tail, the
kernel reports its folio's: only bits that are folio-wide are held to tails):
  HEAD, TAIL      memscope KIND
  HUGE, THP       memscope COMPOUND of the head (hugetlb, thp)
  SLAB            TYPE or FLAGS slab
  BUDDY           a free buddy block (its head's TYPE buddy and order)
  RESERVED, LRU, SWAPBACKED   FLAGS (base pages and heads)
  PGTABLE, OFFLINE            TYPE table, offline (base pages)
  MMAP, ANON      MAPCOUNT > 0, MAPPING & PAGE_MAPPING_ANON (base pages
                  without a page_type)
  kpagecount      MAPCOUNT (base pages without a page_type)
"""
import os
import struct

from . import truth as T

# include/uapi/linux/kernel-page-flags.h and fs/proc/page.c (KPF_RESERVED
# and above are the "kernel hacking" bits, exported since 2.6.31)
KPF = {"slab": 7, "buddy": 10, "mmap": 11, "anon": 12, "swapbacked": 14, "head": 15,
       "tail": 16, "huge": 17, "nopage": 20, "thp": 22, "offline": 23, "pgtable": 26,
       "lru": 5, "reserved": 32}

COLS = ["pfn", "kind", "order", "head", "type", "compound", "flags", "pincount",
        "refcount", "zone", "state", "mapcount", "mapping", "buddy_order"]
# at most this share of the RAM pfns may change between the two readings, or
# be the readers' own (memscope's table of 786k rows is ~150 MB of anon memory)
UNSTABLE_MAX = 0.12
# disagreements nothing explains: none

OUTPUT = ",".join(c.upper() for c in COLS)


def _int(s):
    """A pfn: decimal or 0x-prefixed hex (issue 11 moves text pfns to hex)."""
    return int(s, 0) if s.startswith("0x") else int(s)


def rows(text):
    out = {}
    for line in text.splitlines():
        f = line.split(" ")
        if len(f) != len(COLS):
            continue
        r = dict(zip(COLS, f))
        try:
            out[_int(r["pfn"])] = r
        except ValueError:
            continue
    return out


def words(path):
    """/proc/kpageflags or kpagecount as collected (u64 per pfn)."""
    if not os.path.exists(path):
        T.MISSING.append(path)
        return ()
    with open(path, "rb") as f:
        data = f.read()
    n = len(data) // 8
    return struct.unpack("<%dQ" % n, data[:n * 8])


def _free(rs):
    free = set()
    for pfn, r in rs.items():
        # a free block's order is BUDDY_ORDER (ORDER is the compound order,
        # 0 there, as drgn and the kernel say)
        if r["type"] == "buddy" and r["buddy_order"].isdigit():
            free.update(range(pfn, pfn + (1 << int(r["buddy_order"]))))
    return free


def memscope_bits(r, rs, free):
    """{bit: bool} memscope states for one pfn, and its mapcount or None."""
    kind = r["kind"]
    head = rs.get(_int(r["head"])) if kind == "tail" and r["head"] else r
    comp = head["compound"] if head else ""
    flags = set(r["flags"].split(",")) if r["flags"] else set()
    typ = r["type"]
    pfn = _int(r["pfn"])
    b = {KPF["head"]: kind == "head", KPF["tail"]: kind == "tail",
         KPF["huge"]: comp == "hugetlb", KPF["thp"]: comp == "thp",
         KPF["slab"]: typ == "slab" or "slab" in flags or comp == "slab",
         KPF["buddy"]: pfn in free}
    count = None
    if kind in ("base", "head"):
        for name in ("reserved", "lru", "swapbacked"):
            b[KPF[name]] = name in flags
    if kind == "base":
        b[KPF["pgtable"]] = typ == "table"
        b[KPF["offline"]] = typ == "offline"
        if not typ and r["mapcount"] not in ("", "none") and r["mapping"]:
            mc = int(r["mapcount"])
            b[KPF["mmap"]] = mc > 0
            b[KPF["anon"]] = bool(int(r["mapping"], 16) & 1)
            count = mc
    return b, count


def compare(rs, kpf0, kpf1, cnt0, cnt1, ranges):
    """-> (compared, unstable, transient, holes (KPF_NOPAGE), [disagreements], bits seen)"""
    free = _free(rs)
    compared, unstable, transient, holes, bad = 0, 0, 0, 0, []
    seen = {}
    for lo, hi in ranges:
        for pfn in range(lo, hi + 1):
            r = rs.get(pfn)
            if r is None:
                bad.append("pfn %#x: no memscope row" % pfn)
                continue
            if pfn >= len(kpf0) or pfn >= len(kpf1) or kpf1[pfn] >> KPF["nopage"] & 1:
                holes += 1
                continue
            if r["state"] == "unstable":
                unstable += 1
                continue
            mine, count = memscope_bits(r, rs, free)
            diff, moved = [], False
            for bit, v in mine.items():
                k0, k1 = bool(kpf0[pfn] >> bit & 1), bool(kpf1[pfn] >> bit & 1)
                if k0 != k1:
                    moved = True
                elif v != k1:
                    # memscope's own short-lived memory: free before and after
                    # the scan, in use while memscope read it
                    if bit == KPF["buddy"] and not v and r["refcount"] not in ("0", ""):
                        moved = True
                        continue
                    diff.append(bit)
                seen[bit] = seen.get(bit, 0) + v
            if count is not None and pfn < len(cnt0) and pfn < len(cnt1):
                if cnt0[pfn] != cnt1[pfn]:
                    moved = True
                elif count != cnt1[pfn]:
                    diff.append("count %d vs kpagecount %d" % (count, cnt1[pfn]))
            if diff and _idle(kpf0[pfn], kpf1[pfn]):
                transient += 1      # memscope's own memory, taken and freed under the scan
                continue
            if moved:   # the kernel's state of this page changed under the scan
                unstable += 1
                continue
            if diff and _transient(kpf0[pfn], kpf1[pfn], cnt0, cnt1, pfn, diff, count):
                transient += 1
                continue
            compared += 1
            if diff:
                names = {v: k for k, v in KPF.items()}
                bad.append("pfn %#x %s: kpageflags %#x (before %#x), memscope %s type=%s "
                           "compound=%s flags=%s refcount=%s mapcount=%s" % (
                               pfn, [names.get(x, x) for x in diff], kpf1[pfn], kpf0[pfn],
                               r["kind"], r["type"], r["compound"], r["flags"],
                               r["refcount"], r["mapcount"]))
    return compared, unstable, transient, holes, bad, seen


def _idle(k0, k1):
    """Free to the kernel at both readings: no flag but KPF_BUDDY (a free page
    on a per-cpu list has none).  (kpagecount is read apart from kpageflags.)"""
    idle = ~(1 << KPF["buddy"])
    return k0 & idle == 0 and k1 & idle == 0


def _transient(k0, k1, cnt0, cnt1, pfn, diff, count):
    """A disagreement the readers themselves explain (the oracle disturbs what
    it measures): the kernel saw the page idle both times (no flag but
    KPF_BUDDY, mapped by nobody) and memscope saw it in use: memscope's own
    memory (its output table, its page tables), taken and freed under the
    scan.  Or only the mapping differs, by one: the reader's own mapping
    (busybox dd maps busybox text while it reads kpagecount, memscope its own
    binary while it scans)."""
    c1 = cnt1[pfn] if pfn < len(cnt1) else 0
    if _idle(k0, k1):
        return True
    counts = [d for d in diff if isinstance(d, str)]
    bits = [d for d in diff if not isinstance(d, str)]
    return set(bits) <= {KPF["mmap"]} and (not counts or (count is not None and
                                                           abs(count - c1) == 1))
