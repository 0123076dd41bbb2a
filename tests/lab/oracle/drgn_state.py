"""The reference decoder (issue 11): drgn reads a QEMU dump of a lab guest
with the kernel's DWARF and writes what memscope claims to show, decoded by
drgn's own helpers, never by memscope's code or its inputs.

  drgn -q -c DUMP -s VMLINUX drgn_state.py OUT.json [FIRST-LAST ...]

OUT.json: {"schema": 1, "release", "sections": [...], "nodes": [...],
"pgmaps": [...], "pages": [...]}.  Each section: its number, the names of
the flag bits set in section_mem_map (the kernel's own enum, through
drgn's _section_flags), the memmap (section_decode_mem_map of section nr,
i.e. the struct page of its first pfn) and usage->subsection_map as 64
"#"/"." characters.  Each node: node_start_pfn, node_spanned_pages,
node_present_pages, first_deferred_pfn (when the kernel has it).  pgmaps:
every struct dev_pagemap of pgmap_array (mm/memremap.c), its ranges, type
and vmemmap_shift.  pages: one row per pfn of the ranges given: the raw
flags word, _refcount, _mapcount, and drgn's compound_head()/compound_order()
(which know HVO fake heads and 7.1's compound_info).
"""
import json
import sys

from drgn import FaultError, Object, cast, offsetof
from drgn.helpers.linux.mm import compound_head, compound_order, page_to_pfn, pfn_to_page
from drgn.helpers.linux.mmzone import (_section_flags, for_each_present_section,
                                       section_decode_mem_map)

prog = prog  # noqa: F821  (drgn's script globals)


def sections():
    flags = _section_flags(prog)
    bits = {k: v for k, v in flags.items() if k != "SECTION_MAP_MASK"}
    nsub = 1 << (prog["SECTION_SIZE_BITS"].value_() - 21)
    out = []
    for nr, sec in for_each_present_section(prog):
        raw = sec.section_mem_map.value_()
        row = {"section": nr, "raw": "%#x" % (raw & ~flags["SECTION_MAP_MASK"]),
               "flags": sorted(k for k, v in bits.items() if raw & v)}
        try:
            row["memmap"] = "%#x" % section_decode_mem_map(sec, nr).value_()
        except FaultError:
            row["memmap"] = None
        try:
            usage = sec.usage
            words = usage.subsection_map
            w = [words[i].value_() for i in range(len(words))] if usage.value_() else []
            row["subsections"] = "".join(
                "#" if w and (w[i // 64] >> (i % 64)) & 1 else "." for i in range(nsub)) \
                if w else None
        except (AttributeError, FaultError):
            row["subsections"] = None
        out.append(row)
    return out


def nodes():
    from drgn.helpers.linux.mmzone import for_each_online_pgdat
    out = []
    for pg in for_each_online_pgdat(prog):
        nid = pg.node_id.value_()
        n = {"node": nid, "start_pfn": pg.node_start_pfn.value_(),
             "spanned": pg.node_spanned_pages.value_(),
             "present": pg.node_present_pages.value_()}
        try:
            n["first_deferred_pfn"] = pg.first_deferred_pfn.value_()
        except AttributeError:
            pass
        zones = []
        for i in range(len(pg.node_zones)):
            z = pg.node_zones[i]
            zones.append({"zone": z.name.string_().decode(), "start_pfn": z.zone_start_pfn.value_(),
                          "spanned": z.spanned_pages.value_(),
                          "present": z.present_pages.value_()})
        n["zones"] = zones
        out.append(n)
    return out


def pgmaps():
    from drgn.helpers.linux.xarray import xa_for_each
    out, seen = [], set()
    try:
        xa = prog["pgmap_array"].address_of_()
    except KeyError:
        return None
    for _, entry in xa_for_each(xa):
        pg = cast("struct dev_pagemap *", entry)
        if pg.value_() in seen:
            continue
        seen.add(pg.value_())
        nr = pg.nr_range.value_()
        ranges = [[pg.ranges[i].start.value_(), pg.ranges[i].end.value_()] for i in range(nr)]
        row = {"pgmap": "%#x" % pg.value_(), "type": pg.type.format_(type_name=False),
               "ranges": ranges}
        try:
            row["vmemmap_shift"] = pg.vmemmap_shift.value_()
        except AttributeError:
            pass
        row["flags"] = pg.flags.value_()
        if row["flags"] & PGMAP_ALTMAP_VALID:
            row["altmap"] = {k: getattr(pg.altmap, k).value_()
                             for k in ("base_pfn", "reserve", "free", "alloc")}
        out.append(row)
    return out


# include/linux/memremap.h (4.19+): pgmap->flags bit for a valid altmap
PGMAP_ALTMAP_VALID = 1 << 0


def hugetlb_folios():
    """[head pfn, order] of every HugeTLB folio (free and active lists of
    each hstate), linked through page->lru (folio->lru from 5.16)."""
    from drgn.helpers.linux.hugetlb import for_each_hstate
    from drgn.helpers.linux.list import list_for_each_entry
    out = []
    for h in for_each_hstate(prog):
        order = h.order.value_()
        heads = [h.hugepage_activelist.address_of_()]
        heads += [h.hugepage_freelists[i].address_of_() for i in range(len(h.hugepage_freelists))]
        try:    # struct folio from 5.16; its lru is page->lru
            kind = "struct folio"
            prog.type(kind)
        except LookupError:
            kind = "struct page"
        for head in heads:
            for f in list_for_each_entry(kind, head, "lru"):
                out.append([page_to_pfn(cast("struct page *", f)).value_(), order])
    return sorted(out)


def memmap_on_memory():
    """[first pfn, pfns] of the struct pages each memory block holds itself
    (memory_hotplug.memmap_on_memory): 6.6+ memory_block->altmap (base_pfn,
    alloc), before it memory_block->nr_vmemmap_pages at the block's start."""
    from drgn.helpers.linux.mm import for_each_memory_block
    out = []
    for mem in for_each_memory_block(prog):
        try:
            alt = mem.altmap
            if alt.value_():
                out.append([alt.base_pfn.value_(), alt.alloc.value_() + alt.reserve.value_()])
            continue
        except AttributeError:
            pass
        try:
            n = mem.nr_vmemmap_pages.value_()
        except AttributeError:
            return None
        if n:
            first = mem.start_section_nr.value_() << (prog["SECTION_SIZE_BITS"].value_() - 12)
            out.append([first, n])
    return out


def vmemmap_walk():
    """The kernel page tables (init_mm) behind the struct pages of every
    present section, one 4 KiB vmemmap page at a time: runs of
    [first va, first pa or None, pages, level (1 pte, 2 pmd, 3 pud),
    writable] where pa grows by 4 KiB.  drgn's follow_phys() gives each
    page's frame; the level and the writable bit come from reading the
    same tables here, and must land on the same frame (mismatches are
    counted)."""
    from drgn.helpers.linux.mm import follow_phys
    mm = prog["init_mm"].address_of_()
    # init_top_pgt is in the kernel image, not the direct map: translate it too
    pgd = follow_phys(mm, mm.pgd).value_()
    spp = 1 << (prog["SECTION_SIZE_BITS"].value_() - 12)
    psz = prog.type("struct page").size
    tables = {}

    def entry(table, idx):
        t = tables.get(table)
        if t is None:
            t = tables[table] = prog.read(table, 4096, True)
        return int.from_bytes(t[idx * 8:idx * 8 + 8], "little")

    def walk(va, shifts):
        table, rw = pgd, 1
        for lvl, sh in enumerate(shifts):
            e = entry(table, (va >> sh) & 511)
            if not e & 1:
                return None
            rw &= (e >> 1) & 1
            base = e & 0x000ffffffffff000
            left = len(shifts) - lvl   # 5/4 .. 1: the level this entry maps at
            if left == 1 or (left <= 3 and e & 0x80):   # pte, or a PSE pud/pmd leaf
                size = 1 << sh
                return (base & ~(size - 1)) + (va & (size - 1) & ~4095), left, rw
            table = base
        return None

    recs, mismatch, faults = [], [], 0
    shifts = None
    for nr, sec in for_each_present_section(prog):
        va0 = pfn_to_page(prog, nr * spp).value_()
        for i in range(spp * psz // 4096):
            va = va0 + i * 4096
            try:
                fp = follow_phys(mm, va).value_()
            except FaultError:
                fp = None
            if shifts is None and fp is not None:   # 4 or 5 levels: the one drgn agrees with
                for cand in ([48, 39, 30, 21, 12], [39, 30, 21, 12]):
                    try:
                        w = walk(va, cand)
                    except FaultError:
                        w = None
                    if w and w[0] == fp:
                        shifts = cand
                        break
            try:
                w = walk(va, shifts) if shifts else None
            except FaultError:
                w = None
            if (w[0] if w else None) != fp:
                mismatch.append("%#x: walk %s, follow_phys %s" % (
                    va, "%#x" % w[0] if w else None, "%#x" % fp if fp is not None else None))
                continue
            if fp is None:
                faults += 1
            lvl, rw = (w[1], w[2]) if w else (0, 0)
            last = recs[-1] if recs else None
            if last and last[0] + last[2] * 4096 == va and last[3] == lvl and last[4] == rw and \
                    ((fp is None and last[1] is None) or
                     (fp is not None and last[1] is not None and last[1] + last[2] * 4096 == fp)):
                last[2] += 1
            else:
                recs.append([va, fp, 1, lvl, rw])
    return {"levels": len(shifts) if shifts else None, "runs": recs, "unmapped": faults,
            "mismatch": len(mismatch), "mismatch_examples": mismatch[:8],
            "struct_page": psz, "vmemmap_base": pfn_to_page(prog, 0).value_()}


def deferred():
    """Per node: first_deferred_pfn, the deferrable zone (of the zones holding
    boot sections, the one ending last; never ZONE_DEVICE) and, over the
    boot sections' struct pages in it, how many are initialised (flags
    neither 0 nor the poison pattern ~0: set_page_links() wrote the zone,
    and the deferrable zone is never zone 0 on x86_64) or not."""
    from drgn.helpers.linux.mmzone import for_each_online_pgdat
    flags = _section_flags(prog)
    spp = 1 << (prog["SECTION_SIZE_BITS"].value_() - 12)
    psz = prog.type("struct page").size
    foff = offsetof(prog.type("struct page"), "flags")
    early = [nr for nr, sec in for_each_present_section(prog)
             if sec.section_mem_map.value_() & flags["SECTION_IS_EARLY"]]
    out = []
    for pg in for_each_online_pgdat(prog):
        try:
            fdp = pg.first_deferred_pfn.value_()
        except AttributeError:
            fdp = None
        n = {"node": pg.node_id.value_(), "spanned": pg.node_spanned_pages.value_(),
             "first_deferred_pfn": fdp, "zone": None, "scanned": 0, "pending": 0,
             "first_pending": None}
        best = None
        for i in range(len(pg.node_zones)):
            z = pg.node_zones[i]
            name = z.name.string_().decode()
            lo, sp = z.zone_start_pfn.value_(), z.spanned_pages.value_()
            if name == "Device" or not sp or not any(
                    nr * spp < lo + sp and lo < (nr + 1) * spp for nr in early):
                continue
            if best is None or lo + sp >= best[1] + best[2]:
                best = (i, lo, sp, name)
        if best and best[0] > 0:
            i, lo, sp, n["zone"] = best
            for nr in early:
                a, b = max(nr * spp, lo), min((nr + 1) * spp, lo + sp)
                if a >= b:
                    continue
                base = pfn_to_page(prog, a).value_()
                buf = prog.read(base, (b - a) * psz)
                for k in range(b - a):
                    f = int.from_bytes(buf[k * psz + foff:k * psz + foff + 8], "little")
                    n["scanned"] += 1
                    if f == 0 or f == (1 << 64) - 1:
                        n["pending"] += 1
                        if n["first_pending"] is None:
                            n["first_pending"] = a + k
        out.append(n)
    return out


def flags_word(page):
    """page->flags: an unsigned long, or from 6.18 memdesc_flags_t (.f)."""
    fl = page.flags
    try:
        return fl.f.value_()
    except (AttributeError, LookupError, TypeError):
        return fl.value_()


def pages(ranges):
    out = []
    for lo, hi in ranges:
        for pfn in range(lo, hi + 1):
            page = pfn_to_page(prog, pfn)
            try:
                head = compound_head(page)
                row = {"pfn": pfn, "flags": "%#x" % flags_word(page),
                       "refcount": page._refcount.counter.value_(),
                       "mapcount": page._mapcount.counter.value_(),
                       "head": page_to_pfn(head).value_(),
                       "order": compound_order(head).value_()}
            except FaultError:
                row = {"pfn": pfn, "unreadable": True}
            out.append(row)
    return out


def main(argv):
    global flags_
    flags_ = [a for a in argv if a.startswith("--")]
    argv = [a for a in argv if not a.startswith("--")]
    out = argv[0]
    ranges = []
    for a in argv[1:]:
        lo, _, hi = a.partition("-")
        ranges.append((int(lo, 0), int(hi or lo, 0)))
    doc = {"schema": 1, "release": prog["init_uts_ns"].name.release.string_().decode(),
           "pfns_per_section": 1 << (prog["SECTION_SIZE_BITS"].value_() - 12)}
    doc["sections"] = sections()
    doc["nodes"] = nodes()
    doc["pgmaps"] = pgmaps()
    doc["pages"] = pages(ranges)
    # issue 11: deferred init, and the vmemmap behind the struct pages (with
    # what owns them: HugeTLB folios, self-hosted memmaps of memory blocks)
    doc["errors"] = {}
    parts = [("deferred", deferred)]
    if "--vmemmap" in flags_:
        parts += [("hugetlb", hugetlb_folios), ("memmap_on_memory", memmap_on_memory),
                  ("vmemmap", vmemmap_walk)]
    for key, fn in parts:   # one part failing leaves the others (the checks say why)
        try:
            doc[key] = fn()
        except Exception as e:   # noqa: BLE001  (drgn raises many kinds)
            doc[key] = None
            doc["errors"][key] = "%s: %s" % (type(e).__name__, e)
    with open(out, "w") as f:
        json.dump(doc, f)


main(sys.argv[1:])
