"""issue 11: memscope against the reference decoders, drgn and crash 9, run
on the host on a QEMU dump of the guest taken right after memscope ran
(guest lab_dump, labkit/oracles.py, tests/lab/oracle/drgn_state.py).

  drgn-sections   the present sections, each one's flag bits (the kernel's
                  enum), memmap (struct page of its first pfn) and
                  usage->subsection_map, against sections -J / subsections -J
  drgn-nodes      summary -J nodes: pgdat node_start_pfn, node_spanned_pages,
                  node_present_pages
  crash-sections  crash `kmem -n`: the same table read by another program
                  (section numbers, MEM_MAP, STATE letters)
"""
import json
import os
import re

from . import truth as T

# the kernel's enum (mm/mmzone.h, SECTION_*_BIT) -> memscope's flag names
FLAG_NAMES = {"SECTION_MARKED_PRESENT": "present", "SECTION_HAS_MEM_MAP": "memmap",
              "SECTION_IS_ONLINE": "online", "SECTION_IS_EARLY": "early",
              "SECTION_TAINT_ZONE_DEVICE": "zone_device",
              "SECTION_IS_VMEMMAP_PREINIT": "vmemmap_preinit"}
# crash's kmem -n STATE letters (memory.c: P M O E D V)
CRASH_LETTERS = set("PMOEDV")


def _ms(pd, name, key):
    try:
        doc = json.loads(T.read(os.path.join(pd, "memscope", name + ".out")))
        return doc[key]
    except (ValueError, KeyError, TypeError):
        return None


def _hex(v):
    return int(v, 16) if isinstance(v, str) else v


def crash_sections(text):
    """{nr: (mem_map, state)} from crash's `kmem -n` section table."""
    out, on = {}, False
    for line in text.splitlines():
        f = line.split()
        if f[:3] == ["NR", "SECTION", "CODED_MEM_MAP"]:
            on = True
            continue
        if on and len(f) >= 6 and f[0].isdigit():
            out[int(f[0])] = (int(f[3], 16), f[4])
        elif on and f and not f[0].isdigit():
            on = False
    return out


def check_phase(rep, tag, d, phase):
    base = os.path.join(d, "oracle", phase)
    why = T.read_optional(os.path.join(d, "oracle", "unavailable.txt")).strip()
    pd = os.path.join(d, phase)
    if not os.path.exists(base + ".drgn.json"):
        rep.check("%s drgn-ran" % tag, False, why or "no drgn output (%s.log: %s)" % (
            base, T.read_optional(base + ".log")[-400:]))
        return
    try:
        ref = json.loads(T.read(base + ".drgn.json"))
    except ValueError as e:
        rep.check("%s drgn-ran" % tag, False, "drgn JSON: %s" % e)
        return
    secs, subs = _ms(pd, "sections-json", "sections"), _ms(pd, "subsections-json", "subsections")
    bysec = {s["section"]: s for s in secs or []}
    bysub = {s["section"]: s for s in subs or []}
    bad = []
    want = {r["section"]: r for r in ref["sections"]}
    if set(want) != set(bysec):
        bad.append("drgn-only %s, memscope-only %s" % (sorted(set(want) - set(bysec))[:6],
                                                        sorted(set(bysec) - set(want))[:6]))
    for nr, r in sorted(want.items()):
        s = bysec.get(nr)
        if s is None:
            continue
        kflags = sorted(FLAG_NAMES.get(f, f.lower()) for f in r["flags"])
        mflags = sorted(f for f in (s.get("flags") or "").split(",") if f)
        if kflags != mflags:
            bad.append("section %d flags: memscope %s, drgn %s" % (nr, mflags, kflags))
        if r.get("memmap") and _hex(s.get("memmap")) != _hex(r["memmap"]):
            bad.append("section %d memmap: memscope %s, drgn %s" % (nr, s.get("memmap"),
                                                                   r["memmap"]))
        if r.get("subsections") and bysub.get(nr, {}).get("map") != r["subsections"]:
            bad.append("section %d subsection_map: memscope %s, drgn %s" % (
                nr, bysub.get(nr, {}).get("map"), r["subsections"]))
    rep.check("%s drgn-sections" % tag, secs is not None and subs is not None and not bad,
              "%d sections; %s" % (len(want), "; ".join(bad[:5])))

    summ = _ms(pd, "summary-json", "nodes")
    bad = []
    for n in ref.get("nodes", []):
        m = next((x for x in summ or [] if x.get("node") == n["node"]), None)
        for k in ("start_pfn", "spanned", "present"):
            if m is None or m.get(k) != n[k]:
                bad.append("node %d %s: memscope %r, drgn %r" % (n["node"], k,
                                                                m and m.get(k), n[k]))
    rep.check("%s drgn-nodes" % tag, summ is not None and ref.get("nodes") and not bad,
              "; ".join(bad[:4]) or "no summary -J nodes")

    if not os.path.exists(base + ".crash.txt"):
        rep.skip("%s crash-sections" % tag, "crash reads only the last dump of a boot")
        return
    text = T.read(base + ".crash.txt")
    cr = crash_sections(text)
    if not cr and re.search(r"^crash: invalid structure member|cannot determine", text, re.M):
        # crash 9.0 predates the kernel's layout (7.x: struct module lost
        # module_num_gpl_syms, 7.1's compound_info): it refuses the dump
        why = [l for l in text.splitlines() if l.startswith(("crash:", "WARNING"))]
        rep.skip("%s crash-sections" % tag, "crash cannot read this kernel: %s" % (
            "; ".join(why)[:200]))
        return
    bad = []
    if set(cr) != set(bysec):
        bad.append("crash-only %s, memscope-only %s" % (sorted(set(cr) - set(bysec))[:6],
                                                         sorted(set(bysec) - set(cr))[:6]))
    for nr, (mm, state) in sorted(cr.items()):
        s = bysec.get(nr)
        if s is None:
            continue
        if _hex(s.get("memmap")) != mm:
            bad.append("section %d memmap: memscope %s, crash %#x" % (nr, s.get("memmap"), mm))
        if set(state) & CRASH_LETTERS != set(s.get("state", "")) & CRASH_LETTERS:
            bad.append("section %d state: memscope %r, crash %r" % (nr, s.get("state"), state))
    rep.check("%s crash-sections" % tag, cr and secs is not None and not bad,
              "; ".join(bad[:5]) or "no kmem -n table (%s.log)" % base)


def check(rep, tag, d, phases):
    for ph in phases:
        check_phase(rep, "%s/%s" % (tag, ph), d, ph)


def check_pages(rep, tag, d, phases):
    """drgn-pages: `pages` rows of the sampled ranges (THPs, HugeTLB 2M and 1G,
    the first 64 MiB) against drgn's compound_head()/compound_order() and
    _refcount on the dump taken right after the scan."""
    from . import asserts_pages
    for ph in phases:
        t = "%s/%s" % (tag, ph)
        base = os.path.join(d, "oracle", ph)
        try:
            ref = json.loads(T.read(base + ".drgn.json"))["pages"]
        except (ValueError, KeyError):
            rep.check("%s drgn-pages" % t, False, "no drgn output: %s" % (
                T.read_optional(os.path.join(d, "oracle", "unavailable.txt")) or
                T.read_optional(base + ".log")[-400:]))
            continue
        rows = asserts_pages._pages(T.read(os.path.join(d, "pages", ph, "pages.txt")))
        # the THP and HugeTLB ranges hold still; the last range (the first 64 MiB
        # of RAM) moves between the scan and the dump (dd, slab): not compared
        rgs = T.read(os.path.join(d, "pages", ph, "ranges.txt")).split()[:-1]
        held = set()
        for rg in rgs:
            a, b = rg.split("-")
            held.update(range(int(a), int(b) + 1))
        ref = [r for r in ref if r["pfn"] in held]
        bad, base_order, compared = [], [], 0
        for r in ref:
            m = rows.get(r["pfn"])
            if r.get("unreadable") or m is None:
                bad.append("pfn %#x: %s" % (r["pfn"], "drgn cannot read it" if m else
                                            "no memscope row"))
                continue
            compared += 1
            pfn, head, order = r["pfn"], r["head"], r["order"]
            kind = "tail" if head != pfn else "head" if order > 0 else "base"
            # text pfns are hex (0x3e00) since issue 11; decimal before
            got = (m["kind"], int(m["head"], 0) if re.match(r"^(0x[0-9a-f]+|\d+)$", m["head"])
                   else m["head"])
            if got != (kind, head):
                bad.append("pfn %#x: memscope %s head %s, drgn %s head %#x" % (
                    pfn, m["kind"], m["head"], kind, head))
            elif kind != "base" and m["order"] != str(order):
                bad.append("pfn %#x: memscope order %s, drgn compound_order %d" % (
                    pfn, m["order"], order))
            elif kind == "base" and m["order"] not in ("0", ""):
                base_order.append("pfn %#x (%s)" % (pfn, m["type"] or "-"))
            if kind == "head" and m["refcount"] != str(r["refcount"]):
                bad.append("pfn %#x: memscope refcount %s, drgn _refcount %d" % (
                    pfn, m["refcount"], r["refcount"]))
        rep.check("%s drgn-pages" % t, compared == len(ref) > 4096 and not bad,
                  "%d of %d pfns compared; %s" % (compared, len(ref), "; ".join(bad[:4])))
        rep.known("%s drgn-pages-base-order" % t, not base_order,
                  "%d base pages with an ORDER other than 0 (drgn: not compound): %s" % (
                      len(base_order), ", ".join(base_order[:4])),
                  "issue 11 defect 11: ORDER of a free buddy page is its buddy order")
