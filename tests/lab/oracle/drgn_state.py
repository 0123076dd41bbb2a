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

from drgn import FaultError, cast
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
        out.append(row)
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
    out = argv[0]
    ranges = []
    for a in argv[1:]:
        lo, _, hi = a.partition("-")
        ranges.append((int(lo, 0), int(hi or lo, 0)))
    doc = {"schema": 1, "release": prog["init_uts_ns"].name.release.string_().decode()}
    doc["sections"] = sections()
    doc["nodes"] = nodes()
    doc["pgmaps"] = pgmaps()
    doc["pages"] = pages(ranges)
    with open(out, "w") as f:
        json.dump(doc, f)


main(sys.argv[1:])
