"""issue 11: drgn (tests/lab/oracle/drgn_state.py, on a QEMU dump of the
guest taken right after memscope ran) as the oracle of `devices`,
`deferred` and `vmemmap`; every check is a PASS/FAIL (labkit/report.py).

  drgn-pgmaps        devices -J against every struct dev_pagemap of the
                     kernel's pgmap_array: the set (struct address), range,
                     size, type (enum memory_type), geometry (PAGE_SIZE <<
                     vmemmap_shift), altmap (altmap.alloc when
                     PGMAP_ALTMAP_VALID)
  drgn-devices-vmemmap  per device: PAGES, FRAMES, MEMMAP, VMEMMAP_BYTES,
                     SAVED from drgn's walk of the page tables behind its
                     struct pages (vmemmap boot)
  drgn-deferred      deferred -J against pgdat: spanned, first_deferred_pfn
                     (none once it is ULONG_MAX), the deferrable zone, the
                     boot struct pages in it initialised or not, the state
  drgn-vmemmap-walk  drgn's follow_phys() and the tables read in drgn agree
                     (the oracle's own consistency: setup)
  drgn-vmemmap-rows  every vmemmap row: pages mapped, distinct frames, frames
                     mapped more than once, read-only mappings, PMD/PUD
                     pages, leaf level, memmap ram/self (self: the frame is
                     in the row's own pgmap, or in a memory block's
                     self-hosted memmap, memory_block->altmap)
  drgn-vmemmap-owners  each vmemmap page's owner: the pgmap holding its pfns,
                     else the HugeTLB folio (hstate lists), else hotplug (a
                     section without SECTION_IS_EARLY), else boot
  drgn-vmemmap-totals  the "total" rows (per owner, per kind, all) over the
                     same pages, and all pages of present sections mapped
"""
import collections
import json
import os

from . import truth as T

ULONG_MAX = (1 << 64) - 1
PAGE = 4096
LEVEL = {1: "pte", 2: "pmd", 3: "pud"}
# enum memory_type (include/linux/memremap.h) -> memscope's TYPE
TYPES = {"MEMORY_DEVICE_GENERIC": ("devdax", "generic"), "MEMORY_DEVICE_FS_DAX": ("fsdax",),
         "MEMORY_DEVICE_PRIVATE": ("private",), "MEMORY_DEVICE_COHERENT": ("coherent",),
         "MEMORY_DEVICE_PCI_P2PDMA": ("p2pdma",)}


def load(d, name):
    """drgn's document for dump NAME, or (None, why)."""
    base = os.path.join(d, "oracle", name)
    try:
        return json.loads(T.read(base + ".drgn.json")), ""
    except ValueError as e:
        return None, "drgn JSON: %s" % e
    except OSError:
        pass
    return None, (T.read_optional(os.path.join(d, "oracle", "unavailable.txt")).strip() or
                  "no drgn output (%s.log: %s)" % (base, T.read_optional(base + ".log")[-300:]))


def rows(path, key):
    try:
        return json.loads(T.read(path))[key]
    except (ValueError, KeyError, TypeError):
        return None


def _range(s):
    a, b = s.split("-")
    return int(a, 16), int(b, 16)


class Walk:
    """drgn's vmemmap walk: va -> (pa, level, writable) of every mapped page."""

    def __init__(self, ref):
        w = ref["vmemmap"]
        self.ok = w.get("levels") is not None and w["mismatch"] == 0
        self.why = "levels %s, %d pages where follow_phys and the tables differ: %s" % (
            w.get("levels"), w["mismatch"], "; ".join(w["mismatch_examples"][:3]))
        self.base, self.psz = w["vmemmap_base"], w["struct_page"]
        self.pages = {}
        self.unmapped = w["unmapped"]
        for va, pa, n, lvl, rw in w["runs"]:
            if pa is None:
                continue
            for i in range(n):
                self.pages[va + i * PAGE] = (pa + i * PAGE, lvl, rw)
        self.mult = collections.Counter(p[0] for p in self.pages.values())

    def pfn(self, va):
        return (va - self.base) // self.psz

    def count(self, vas, self_of=None):
        """PAGES FRAMES SHARED RO PMD (and self pages) over vas."""
        got = [self.pages[v] for v in vas if v in self.pages]
        frames = {p[0] for p in got}
        c = {"pages": len(got), "frames": len(frames),
             "shared": sum(1 for f in frames if self.mult[f] > 1),
             "ro": sum(1 for p in got if not p[2]), "pmd": sum(1 for p in got if p[1] >= 2),
             "levels": {p[1] for p in got}}
        if self_of:
            c["self"] = sum(1 for v in vas if v in self.pages and self_of(v, self.pages[v][0]))
        return c


class Facts:
    """What drgn says owns a pfn, and where a self-hosted memmap lies."""

    def __init__(self, ref):
        spp = None
        self.pgmaps = []
        for g in ref.get("pgmaps") or []:
            for a, b in g["ranges"]:
                self.pgmaps.append((a >> 12, b >> 12, g["pgmap"]))
        self.hugetlb = sorted(ref.get("hugetlb") or [])
        self.heads = [h for h, _ in self.hugetlb]
        self.self_hosted = [(a, a + n) for a, n in ref.get("memmap_on_memory") or []]
        self.early = {s["section"] for s in ref["sections"] if "SECTION_IS_EARLY" in s["flags"]}
        spp = ref.get("pfns_per_section") or (1 << 15)
        self.spp = spp

    def pgmap_of(self, pfn):
        for a, b, g in self.pgmaps:
            if a <= pfn <= b:
                return g
        return None

    def hugetlb_of(self, pfn):
        import bisect
        i = bisect.bisect_right(self.heads, pfn) - 1
        if i >= 0 and pfn < self.hugetlb[i][0] + (1 << self.hugetlb[i][1]):
            return "hugetlb:%dkB" % (4 << self.hugetlb[i][1])
        return None

    def kind(self, pfn):
        """device:<pgmap address>, hugetlb:SIZE, hotplug or boot."""
        g = self.pgmap_of(pfn)
        if g:
            return "device:" + g
        return self.hugetlb_of(pfn) or ("boot" if pfn // self.spp in self.early else "hotplug")

    def is_self(self, pfn, pa):
        g = self.pgmap_of(pfn)
        f = pa >> 12
        if g:
            return self.pgmap_of(f) == g
        return any(a <= f < b for a, b in self.self_hosted)


def check_devices(rep, tag, ref, rows, walk=None):
    """devices -J against drgn's pgmaps (and, with a walk, its vmemmap)."""
    if ref.get("pgmaps") is None:
        rep.check("%s drgn-pgmaps" % tag, False, "drgn found no pgmap_array")
        return
    if rows is None:
        rep.check("%s drgn-pgmaps" % tag, False, "no devices -J rows")
        return
    want = {int(g["pgmap"], 16): g for g in ref["pgmaps"]}
    got = {int(r["pgmap"], 16): r for r in rows if r.get("pgmap")}
    bad = []
    if set(want) != set(got) or len(got) != len(rows):
        bad.append("pgmaps only in drgn %s, only in memscope %s, %d rows without one" % (
            [hex(x) for x in sorted(set(want) - set(got))],
            [hex(x) for x in sorted(set(got) - set(want))], len(rows) - len(got)))
    for addr, r in sorted(got.items()):
        g = want.get(addr)
        if g is None:
            continue
        lo, hi = g["ranges"][0]
        size = sum(b - a + 1 for a, b in g["ranges"])
        geo = PAGE << g["vmemmap_shift"] if "vmemmap_shift" in g else None
        alt = g["altmap"]["alloc"] if g.get("altmap") else 0
        if r["range"] != "%#x-%#x" % (lo, hi) or r.get("size") != size:
            bad.append("%s: range %s size %s, drgn %#x-%#x size %d" % (
                r["device"], r["range"], r.get("size"), lo, hi, size))
        if r.get("type") not in TYPES.get(g["type"], ()):
            bad.append("%s: type %s, drgn %s" % (r["device"], r.get("type"), g["type"]))
        if geo is not None and r.get("geometry") != geo:
            bad.append("%s: geometry %s, drgn PAGE_SIZE << vmemmap_shift %d = %d" % (
                r["device"], r.get("geometry"), g["vmemmap_shift"], geo))
        if r.get("altmap") != alt:
            bad.append("%s: altmap %s, drgn altmap.alloc %s (flags %#x)" % (
                r["device"], r.get("altmap"), alt, g.get("flags", 0)))
    rep.check("%s drgn-pgmaps" % tag, not bad and bool(want),
              "%d pgmaps; %s" % (len(want), "; ".join(bad[:4])))
    if walk is None:
        return
    facts = Facts(ref)
    bad = []
    for addr, r in sorted(got.items()):
        g = want.get(addr)
        if g is None:
            continue
        vas = set()
        for a, b in g["ranges"]:
            lo = walk.base + (a >> 12) * walk.psz
            hi = walk.base + ((b >> 12) + 1) * walk.psz
            vas.update(range(lo & ~(PAGE - 1), hi, PAGE))
        c = walk.count(sorted(vas), lambda v, pa: facts.is_self(walk.pfn(v), pa))
        memmap = "device" if c["self"] == c["pages"] else "ram" if not c["self"] else "mixed"
        exp = {"pages": c["pages"], "frames": c["frames"], "memmap": memmap,
               "vmemmap_bytes": c["frames"] * PAGE, "saved": (c["pages"] - c["frames"]) * PAGE}
        have = {k: r.get(k) for k in exp}
        if have != exp:
            bad.append("%s: memscope %r, drgn %r" % (r["device"], have, exp))
    rep.check("%s drgn-devices-vmemmap" % tag, not bad and bool(got), "; ".join(bad[:3]))


def check_deferred(rep, tag, ref, rows):
    """deferred -J -b --output-all against drgn's pgdat and struct pages."""
    bad = []
    want = {n["node"]: n for n in ref.get("deferred") or []}
    got = {r["node"]: r for r in rows or []}
    if not want or set(want) != set(got):
        bad.append("nodes: drgn %s, memscope %s" % (sorted(want), sorted(got)))
    for nid, n in sorted(want.items()):
        r = got.get(nid)
        if r is None:
            continue
        fdp = n["first_deferred_pfn"]
        if fdp is None:
            exp = {"state": "not configured", "first_deferred_pfn": None}
        else:
            exp = {"spanned": n["spanned"], "zone": n["zone"], "scanned": n["scanned"],
                   "pending": n["pending"], "initialised": n["scanned"] - n["pending"],
                   "first_pending": n["first_pending"],
                   "first_deferred_pfn": None if fdp == ULONG_MAX else fdp,
                   "state": "complete" if fdp == ULONG_MAX and not n["pending"]
                   else "in progress"}
        have = {k: r.get(k) for k in exp}
        if have != exp:
            bad.append("node %d: memscope %r, drgn %r" % (nid, have, exp))
    rep.check("%s drgn-deferred" % tag, rows is not None and not bad,
              "; ".join(bad[:3] + _errors(ref, "deferred")) or "no deferred -J rows")


def _errors(ref, *keys):
    """What drgn_state.py could not read, for a FAIL's detail."""
    return ["drgn %s: %s" % (k, ref.get("errors", {})[k]) for k in keys
            if k in ref.get("errors", {})]


def _row_vas(r):
    a, b = _range(r["range"])
    return range(a, b + 1, PAGE)


def check_vmemmap(rep, tag, ref, rows, devices):
    """vmemmap -J -b --output-all against drgn's page-table walk."""
    if not ref.get("vmemmap") or ref.get("hugetlb") is None or \
            ref.get("memmap_on_memory") is None:
        rep.check("%s drgn-vmemmap-rows" % tag, False, "; ".join(
            _errors(ref, "vmemmap", "hugetlb", "memmap_on_memory")) or "no drgn vmemmap walk")
        return
    walk = Walk(ref)
    if not rep.setup("%s drgn-vmemmap-walk" % tag, walk.ok, walk.why):
        return
    if rows is None:
        rep.check("%s drgn-vmemmap-rows" % tag, False, "no vmemmap -J rows")
        return
    facts = Facts(ref)
    # device:NAME -> the pgmap: by the range devices -J gives that name
    names = {}
    for x in devices or []:
        names["device:" + x["device"]] = "device:" + x["pgmap"] if x.get("pgmap") else None
    body = [r for r in rows if r["range"] != "total"]
    bad, owners = [], []
    seen = set()
    for r in body:
        vas = list(_row_vas(r))
        seen.update(vas)
        c = walk.count(vas, lambda v, pa: facts.is_self(walk.pfn(v), pa))
        exp = {"pages": len(vas), "frames": c["frames"], "shared": c["shared"], "ro": c["ro"],
               "pmd": c["pmd"], "saved": len(vas) - c["frames"],
               "mapping": LEVEL.get(max(c["levels"])) if len(c["levels"]) == 1 else
               "mixed %s" % sorted(c["levels"]),
               "memmap": "self" if c["self"] == len(vas) else "ram" if not c["self"] else
               "mixed (%d of %d self)" % (c["self"], len(vas))}
        if c["pages"] != len(vas):
            exp["pages"] = "%d of %d mapped" % (c["pages"], len(vas))
        have = {k: r.get(k) for k in exp}
        if have != exp:
            bad.append("%s %s: memscope %r, drgn %r" % (r["range"], r["owner"], have, exp))
        want_owner = names.get(r["owner"], r["owner"])
        kinds = {facts.kind(walk.pfn(v)) for v in vas}
        if kinds != {want_owner}:
            owners.append("%s %s: drgn %s" % (r["range"], r["owner"], sorted(kinds)))
    rep.check("%s drgn-vmemmap-rows" % tag, body and not bad,
              "%d rows; %s" % (len(body), "; ".join(bad[:3])))
    rep.check("%s drgn-vmemmap-owners" % tag, body and not owners,
              "%d rows; %s" % (len(body), "; ".join(owners[:4])))
    bad = []
    missed = set(walk.pages) - seen
    if missed:
        bad.append("%d mapped vmemmap pages in no row, first %#x" % (len(missed), min(missed)))
    for t in (r for r in rows if r["range"] == "total"):
        o = t["owner"]
        vas = [v for r in body if o == "all" or r["owner"] == o or
               r["owner"].split(":")[0] == o for v in _row_vas(r)]
        c = walk.count(vas)
        exp = {k: c[k] for k in ("pages", "frames", "shared", "ro", "pmd")}
        have = {k: t.get(k) for k in exp}
        if o == "all" and t.get("unmapped") is not None:
            exp["unmapped"], have["unmapped"] = walk.unmapped, t["unmapped"]
        if have != exp:
            bad.append("total %s: memscope %r, drgn %r" % (o, have, exp))
    rep.check("%s drgn-vmemmap-totals" % tag, not bad, "; ".join(bad[:3]))
    return walk


def check_boot(rep, tag, d, name="post"):
    """vmemmap boot: devices and vmemmap at the end (post/dump live rows)."""
    ref, why = load(d, name)
    if ref is None:
        rep.check("%s drgn-ran" % tag, False, why)
        return
    dd = os.path.join(d, name, "dump")
    devices = rows(os.path.join(dd, "live-devices.json"), "devices")
    walk = check_vmemmap(rep, tag, ref, rows(os.path.join(dd, "live-vmemmap.json"), "vmemmap"),
                         devices)
    check_devices(rep, tag, ref, devices, walk)


def check_phase(rep, tag, d, phase):
    """main/plain: deferred and pgmaps of a phase (pd/memscope/*-json)."""
    ref, why = load(d, phase)
    if ref is None:
        return   # asserts_drgn says drgn-ran FAIL for this phase
    m = os.path.join(d, phase, "memscope")
    check_deferred(rep, tag, ref, rows(os.path.join(m, "deferred-json.out"), "deferred"))
    if ref.get("pgmaps"):
        check_devices(rep, tag, ref, rows(os.path.join(m, "devices-json.out"), "devices"))


# ---- self-test: break a collected result in known ways; the matching check must fail ----

def _row(pred, **kw):
    def fn(doc):
        r = next(r for r in doc["vmemmap"] if pred(r))
        r.update({k: (v(r[k]) if callable(v) else v) for k, v in kw.items()})
    return fn


def _dev(i, **kw):
    def fn(doc):
        r = doc["devices"][i]
        r.update({k: (v(r[k]) if callable(v) else v) for k, v in kw.items()})
    return fn


def _body(owner):
    return lambda r: r["range"] != "total" and r["owner"].startswith(owner)


def _node(**kw):
    def fn(doc):
        doc["deferred"][0].update({k: (v(doc["deferred"][0][k]) if callable(v) else v)
                                   for k, v in kw.items()})
    return fn


def _altmap(doc):
    next(r for r in doc["devices"] if r["altmap"])["altmap"] = 0


# (what, file under the boot, mutation, check expected to fail)
MUTATIONS = [
    ("a boot row one frame more", "post/dump/live-vmemmap.json",
     _row(_body("boot"), frames=lambda v: v + 1), "drgn-vmemmap-rows"),
    ("a HugeTLB row's read-only mappings lost", "post/dump/live-vmemmap.json",
     _row(lambda r: _body("hugetlb")(r) and r["ro"], ro=0), "drgn-vmemmap-rows"),
    ("a shared frame not seen", "post/dump/live-vmemmap.json",
     _row(lambda r: _body("device")(r) and r["shared"], shared=lambda v: v - 1),
     "drgn-vmemmap-rows"),
    ("the self-hosted memmap said ram", "post/dump/live-vmemmap.json",
     _row(lambda r: _body("hotplug")(r) and r["memmap"] == "self", memmap="ram"),
     "drgn-vmemmap-rows"),
    ("a PMD mapping said pte", "post/dump/live-vmemmap.json",
     _row(lambda r: _body("")(r) and r["mapping"] == "pmd", mapping="pte"),
     "drgn-vmemmap-rows"),
    ("a HugeTLB row called boot", "post/dump/live-vmemmap.json",
     _row(_body("hugetlb"), owner="boot"), "drgn-vmemmap-owners"),
    ("a hot-added row called boot", "post/dump/live-vmemmap.json",
     _row(_body("hotplug"), owner="boot"), "drgn-vmemmap-owners"),
    ("a row's range cut short", "post/dump/live-vmemmap.json",
     _row(_body("boot"), range=lambda v: "%#x-%#x" % (_range(v)[0], _range(v)[1] - PAGE)),
     "drgn-vmemmap-rows"),
    ("all frames one less", "post/dump/live-vmemmap.json",
     _row(lambda r: r["owner"] == "all", frames=lambda v: v - 1), "drgn-vmemmap-totals"),
    ("a device's pgmap unknown", "post/dump/live-devices.json",
     lambda doc: doc["devices"].pop(), "drgn-pgmaps"),
    ("a device's range shifted", "post/dump/live-devices.json",
     _dev(0, range=lambda v: "%#x-%#x" % (_range(v)[0] + PAGE, _range(v)[1])), "drgn-pgmaps"),
    ("a device's geometry wrong", "post/dump/live-devices.json",
     _dev(1, geometry=4096), "drgn-pgmaps"),
    ("the -M dev altmap lost", "post/dump/live-devices.json", _altmap, "drgn-pgmaps"),
    ("a device's frames one more", "post/dump/live-devices.json",
     _dev(0, frames=lambda v: v + 1), "drgn-devices-vmemmap"),
]
DEFERRED_MUTATIONS = [
    ("deferred: a pending page", "pre/memscope/deferred-json.out",
     _node(pending=lambda v: v + 1), "drgn-deferred"),
    ("deferred: first_deferred_pfn kept", "post/memscope/deferred-json.out",
     _node(first_deferred_pfn=4096), "drgn-deferred"),
    ("deferred: another zone", "pre/memscope/deferred-json.out",
     _node(zone="Normal"), "drgn-deferred"),
    ("deferred: scanned one page less", "post/memscope/deferred-json.out",
     _node(scanned=lambda v: v - 1), "drgn-deferred"),
]


def selftest(dirs):
    import shutil
    import tempfile
    from .report import Quiet

    def run(d, phases):
        rep = Quiet()
        if phases:
            for ph in phases:
                check_phase(rep, ph, d, ph)
        else:
            check_boot(rep, "x", d)
        return rep.failed_names

    misses = 0
    for d in dirs:
        meta = json.loads(T.read(os.path.join(d, "meta.json")))
        phases = meta["phases"]
        muts = DEFERRED_MUTATIONS if phases else MUTATIONS
        base = run(d, phases)
        print("%s unmutated %s: %s" % ("ok  " if not base else "BAD ", d, base))
        misses += bool(base)
        for what, rel, fn, expect in muts:
            with tempfile.TemporaryDirectory() as tmp:
                dd = os.path.join(tmp, "r")
                shutil.copytree(d, dd)
                p = os.path.join(dd, rel)
                doc = json.loads(T.read(p))
                try:
                    fn(doc)
                except StopIteration:   # e.g. 6.1's HVO maps no tail read-only
                    print("SKIP %s: no such row in %s" % (what, rel))
                    continue
                with open(p, "w") as f:
                    json.dump(doc, f)
                failed = run(dd, phases)
                hit = any(n.endswith(" " + expect) for n in failed)
                misses += not hit
                print("%s %s -> %s" % ("ok  " if hit else "MISS", what, expect))
    return 1 if misses else 0


if __name__ == "__main__":
    import sys
    sys.exit(selftest(sys.argv[1:]))
