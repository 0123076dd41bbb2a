"""Host-side assertions: memscope's JSON against sysfs, lsmem, /proc/iomem,
ndctl and the paging mode, for every result directory of `lab.py check`.

Prints "PASS name" / "FAIL name: detail" per assertion, then "N passed, N failed".
"""
import json
import os
import re

from . import truth as T
from .report import Report  # noqa: F401  (the rules of the suite)

FLAGS = ["present", "memmap", "online", "early", "zone_device", "vmemmap_preinit"]
LETTERS = {"present": "P", "memmap": "M", "online": "O", "early": "E", "zone_device": "D",
           "vmemmap_preinit": "V"}
NONROOT_MSG = "memscope: reading /proc/kcore needs CAP_SYS_RAWIO (run as root)"
# nokaslr vmemmap bases (arch/x86/include/asm/pgtable_64_types.h)
VMEMMAP_NOKASLR = {4: 0xffffea0000000000, 5: 0xffd4000000000000}
# __START_KERNEL_map + CONFIG_PHYSICAL_START (Debian amd64: 0x1000000)
START_KERNEL = 0xffffffff81000000


class Phase:
    """One collection point (a truth/ and a memscope/ directory)."""

    def __init__(self, d):
        self.dir = d
        t = os.path.join(d, "truth")
        self.block_size, self.blocks = T.sysfs_memory(os.path.join(t, "sysfs-memory.txt"))
        self.iomem = T.iomem(os.path.join(t, "iomem.txt"))
        self.ram = [(r.start, r.end) for r in T.system_ram(self.iomem)]
        self.dev = T.device_ranges(self.iomem)
        self.lsmem = T.lsmem(os.path.join(t, "lsmem.json"))
        self.flags = T.read(os.path.join(t, "cpuflags.txt")).split()
        self.cmdline = T.read(os.path.join(t, "cmdline.txt")).split()
        self.vmcoreinfo = T.vmcoreinfo(os.path.join(t, "kcore.head"))
        self.ms = {}
        self.ms_err = {}
        for name, key in (("sections-json", "sections"), ("subsections-json", "subsections"),
                          ("blocks-json", "memory")):
            self.ms[name] = self._load(name, key)
        self.summary = T.read(os.path.join(d, "memscope", "summary.out"))

    def _load(self, name, key):
        base = os.path.join(self.dir, "memscope", name)
        rc = T.read(base + ".rc", "missing").strip()
        if rc != "0":
            self.ms_err[name] = "exit %s: %s" % (rc, T.read(base + ".err").strip()[:300])
            return None
        try:
            doc = json.loads(T.read(base + ".out"))
        except ValueError as e:
            self.ms_err[name] = "bad JSON: %s" % e
            return None
        if not isinstance(doc, dict) or doc.get("schema") != 1 or not isinstance(
                doc.get(key), list):
            self.ms_err[name] = "expected {\"schema\":1,\"%s\":[...]}" % key
            return None
        return doc[key]

    def sections_per_block(self):
        return max(1, self.block_size // T.SECTION_SIZE)

    def block_sections(self, b):
        n = self.sections_per_block()
        return range(b.phys_index, b.phys_index + n)

    def expected_sections(self):
        s = set()
        for b in self.blocks.values():
            s.update(self.block_sections(b))
        return s | T.sections_of([(a, e) for a, e, _ in self.dev])


def _hex(v):
    return int(v, 16) if isinstance(v, str) else v


def _flags(sec):
    return [f for f in (sec.get("flags") or "").split(",") if f]


def check_phase(rep, tag, ph, hot_blocks=(), expect_dev=False, expect_5level=None):
    """All per-collection assertions."""
    c = lambda name, ok, detail="": rep.check("%s %s" % (tag, name), ok, detail)  # noqa: E731
    same = lambda name, ok, detail="": rep.same("%s %s" % (tag, name), ok, detail)  # noqa: E731
    setup = lambda name, ok, detail="": rep.setup("%s %s" % (tag, name), ok, detail)  # noqa: E731

    # memscope ran, non-root refused
    for name in ("sections-json", "subsections-json", "blocks-json"):
        setup("memscope-%s" % name, ph.ms[name] is not None, ph.ms_err.get(name, ""))
    setup("memscope-summary", T.read(os.path.join(ph.dir, "memscope", "summary.rc")).strip() == "0",
      T.read(os.path.join(ph.dir, "memscope", "summary.err")).strip()[:300])
    err = T.read(os.path.join(ph.dir, "memscope", "nonroot.err"))
    rc = T.read(os.path.join(ph.dir, "memscope", "nonroot.rc")).strip()
    c("nonroot-refused", rc == "1" and err == NONROOT_MSG + "\n",
      "exit %s, stderr %r" % (rc, err[:200]))
    # issue 10: once /proc/kcore is open, a read-only command runs with an
    # empty effective and permitted set and no_new_privs (the kernel's
    # /proc/self/status, printed by MEMSCOPE_DEBUG_CAPS=1), and still works
    err = T.read(os.path.join(ph.dir, "memscope", "caps.err"))
    rc = T.read(os.path.join(ph.dir, "memscope", "caps.rc")).strip()
    out = T.read(os.path.join(ph.dir, "memscope", "caps.out"))
    caps = dict(re.findall(r"^memscope: debug: (\w+):\s*([0-9a-f]+)$", err, re.M))
    c("caps-dropped-live", rc == "0" and "sections:" in out and
      caps.get("CapEff", "x").strip("0") == "" and caps.get("CapPrm", "x").strip("0") == "" and
      caps.get("NoNewPrivs") == "1", "exit %s, %s" % (rc, err.strip()[:300]))

    secs = ph.ms["sections-json"]
    subs = ph.ms["subsections-json"]
    blks = ph.ms["blocks-json"]
    bysec = {s.get("section"): s for s in secs} if secs is not None else None
    bysub = {s.get("section"): s for s in subs} if subs is not None else None

    # (i) blocks against sysfs and lsmem -J -a -b
    if blks is None:
        c("blocks-match-sysfs", False, "no memscope blocks -J output")
        c("blocks-match-lsmem", False, "no memscope blocks -J output")
    else:
        got = {b.get("block"): b for b in blks}
        want = set(ph.blocks)
        c("blocks-match-sysfs", set(got) == want,
          "sysfs-only %s, memscope-only %s" % (sorted(want - set(got)), sorted(set(got) - want)))
        bad = []
        for num, lrow in sorted(ph.lsmem.items()):
            m = got.get(num)
            if m is None:
                bad.append("block %d missing" % num)
                continue
            for k in ("range", "size", "state", "removable", "node", "zones"):
                if k in lrow and m.get(k) != lrow[k]:
                    bad.append("block %d %s: memscope %r, lsmem %r" % (num, k, m.get(k), lrow[k]))
            sysb = ph.blocks.get(num)
            if sysb is not None:
                first = sysb.phys_index
                last = first + ph.sections_per_block() - 1
                want_s = "%d-%d" % (first, last)
                if m.get("sections") not in (want_s, str(first) if first == last else want_s):
                    bad.append("block %d sections %r, want %r" % (num, m.get("sections"), want_s))
        c("blocks-match-lsmem", not bad and len(ph.lsmem) == len(ph.blocks),
          "; ".join(bad[:6]) + (" (+%d)" % (len(bad) - 6) if len(bad) > 6 else "") +
          ("" if len(ph.lsmem) == len(ph.blocks) else
           " lsmem has %d blocks, sysfs %d" % (len(ph.lsmem), len(ph.blocks))))
        # MEMMAP_ON_MEMORY (issue 11): the kernel takes a block's memmap from
        # the block only at hot-add, with memory_hotplug.memmap_on_memory;
        # boot blocks never, wherever memblock put their memmap. The kernel
        # command line and the blocks the lab hot-added decide.
        mom = any(a.split("=", 1)[-1] in ("1", "y", "Y", "force") for a in ph.cmdline
                  if a.startswith("memory_hotplug.memmap_on_memory="))
        bad = ["block %s: memscope %r" % (n, m.get("memmap_on_memory"))
               for n, m in sorted(got.items())
               if m.get("memmap_on_memory") not in (None, mom and n in hot_blocks)]
        c("blocks-memmap-on-memory", not bad, "; ".join(bad[:6]))

    if secs is None:
        for n in ("sections-set", "section-fields", "sections-of-blocks") + \
                (("zone-device",) if expect_dev else ()):
            c(n, False, "no memscope sections -J output")
    else:
        want = ph.expected_sections()
        have = set(bysec)
        c("sections-set", have == want,
          "missing %s, unexpected %s" % (sorted(want - have)[:10], sorted(have - want)[:10]))

        bad = []
        for s in secs:
            n = s.get("section")
            fl = _flags(s)
            unknown = [f for f in fl if f not in FLAGS and not re.match(r"bit\d+$", f)]
            if unknown:
                bad.append("%s: unknown flags %s" % (n, unknown))
            letters = "".join(LETTERS[f] for f in FLAGS if f in fl)
            if sorted(s.get("state", "")) != sorted(letters):
                bad.append("%s: state %r vs flags %r" % (n, s.get("state"), s.get("flags")))
            if _hex(s.get("start")) != n * T.SECTION_SIZE or \
                    _hex(s.get("end")) != (n + 1) * T.SECTION_SIZE - 1:
                bad.append("%s: start/end %s-%s" % (n, s.get("start"), s.get("end")))
            if s.get("subsections") != T.SUBSECTIONS:
                bad.append("%s: subsections %r" % (n, s.get("subsections")))
            if bysub is not None and n in bysub:
                mp = bysub[n].get("map", "")
                if s.get("active") != mp.count("#") or bysub[n].get("active") != mp.count("#"):
                    bad.append("%s: active %r/%r vs map count %d" % (
                        n, s.get("active"), bysub[n].get("active"), mp.count("#")))
        # memscope's own columns against each other (state letters, map count)
        same("section-fields", not bad, "; ".join(bad[:6]))

        # (ii) sections of each block: present+memmap, online iff block online,
        # early iff boot memory, block number, zone when the block has one
        bad = []
        for num, b in sorted(ph.blocks.items()):
            hot = num in hot_blocks
            online = b.state == "online"
            zones = b.attrs.get("valid_zones", "").split()
            for n in ph.block_sections(b):
                s = bysec.get(n)
                if s is None:
                    bad.append("section %d of block %d missing" % (n, num))
                    continue
                fl = _flags(s)
                for f in ("present", "memmap"):
                    if f not in fl:
                        bad.append("section %d: no %s" % (n, f))
                if ("online" in fl) != online:
                    bad.append("section %d: online flag %s, block %d %s" % (
                        n, "online" in fl, num, b.state))
                if ("early" in fl) == hot:
                    bad.append("section %d: early=%s but block %d is %s" % (
                        n, "early" in fl, num, "hot-added" if hot else "boot memory"))
                if "zone_device" in fl:
                    bad.append("section %d: zone_device in a memory block" % n)
                if s.get("block") != num:
                    bad.append("section %d: block %r, want %d" % (n, s.get("block"), num))
                if online and len(zones) == 1 and zones[0] != "none" and s.get("zone") != zones[0]:
                    bad.append("section %d: zone %r, sysfs %r" % (n, s.get("zone"), zones[0]))
                if b.node is not None and s.get("node") != b.node:
                    bad.append("section %d: node %r, sysfs %r" % (n, s.get("node"), b.node))
        c("sections-of-blocks", not bad, "; ".join(bad[:6]) +
          (" (+%d)" % (len(bad) - 6) if len(bad) > 6 else ""))

        # (iv) ZONE_DEVICE sections: zone Device, no block; the zone_device flag
        # (SECTION_TAINT_ZONE_DEVICE) exactly where a pgmap range starts or ends
        # inside a section
        devr = [(a, e) for a, e, _ in ph.dev]
        devsecs = T.sections_of(devr)
        tainted = T.taint_sections(devr)
        bad = []
        for n in sorted(devsecs):
            s = bysec.get(n)
            if s is None:
                bad.append("device section %d missing" % n)
                continue
            if s.get("block") is not None or s.get("zone") != "Device":
                bad.append("section %d: zone %r block %r" % (n, s.get("zone"), s.get("block")))
            fl = _flags(s)
            # memremap_pages() never onlines a section, and it is not boot memory
            if "present" not in fl or "memmap" not in fl or "online" in fl or "early" in fl:
                bad.append("section %d: flags %r" % (n, s.get("flags")))
            if ("zone_device" in _flags(s)) != (n in tainted):
                bad.append("section %d: flags %r, kernel taints %s" % (
                    n, s.get("flags"), sorted(tainted)))
        for n, s in bysec.items():
            if n not in devsecs and "zone_device" in _flags(s):
                bad.append("section %d: zone_device outside any namespace" % n)
        if expect_dev or devsecs:
            c("zone-device", not bad and bool(devsecs),
              "; ".join(bad[:6]) or "no namespace ranges in /proc/iomem")

    # (iii) sub-section activity against /proc/iomem
    if subs is None:
        c("subsections-vs-iomem", False, "no memscope subsections -J output")
    else:
        bad = []
        devsecs = T.sections_of([(a, e) for a, e, _ in ph.dev])
        dev_ranges = [(a, e) for a, e, _ in ph.dev]
        for n, s in sorted(bysub.items()):
            mp = s.get("map", "")
            if len(mp) != T.SUBSECTIONS or set(mp) - set("#."):
                bad.append("section %s: map %r" % (n, mp))
                continue
            got = {i for i, ch in enumerate(mp) if ch == "#"}
            want = T.granules(dev_ranges if n in devsecs else ph.ram, n)
            if got != want:
                bad.append("section %d: map %s, iomem wants %s" % (
                    n, mp, "".join("#" if i in want else "." for i in range(T.SUBSECTIONS))))
        if secs is not None:
            missing = set(bysec) - set(bysub)
            if missing:
                bad.append("sections without a map: %s" % sorted(missing)[:10])
        c("subsections-vs-iomem", not bad, "; ".join(bad[:4]))

        # the last namespace ends inside a section: its map must be partial
        if ph.dev:
            start, end, name = max(ph.dev, key=lambda d: d[1])
            last = end // T.SECTION_SIZE
            n_act = ((end + 1) - last * T.SECTION_SIZE) // T.SUBSECTION_SIZE
            want_map = "#" * n_act + "." * (T.SUBSECTIONS - n_act)
            mp = bysub.get(last, {}).get("map")
            c("partial-last-section", 0 < n_act < T.SUBSECTIONS and mp == want_map,
              "%s ends at %#x: section %d map %r, want %r" % (name, end, last, mp, want_map))
        elif expect_dev:
            c("partial-last-section", False, "no namespace/dax range in /proc/iomem")

    check_zoneinfo(rep, tag, ph, bysec)

    # (v) paging mode
    la57 = "la57" in ph.flags
    five = la57 and "no5lvl" not in ph.cmdline
    s = ph.summary
    says5 = bool(re.search(r"5[- ]level|levels?\W{0,3}5\b|la57\W{0,3}(on|yes|active)", s, re.I))
    says4 = bool(re.search(r"4[- ]level|levels?\W{0,3}4\b", s, re.I))
    if expect_5level is not None:
        setup("scenario-paging", five == expect_5level,
          "wanted %s-level paging; la57=%s cmdline=%s" % (
              5 if expect_5level else 4, la57, " ".join(ph.cmdline)))
    c("paging-levels", (says5, says4) == (five, not five),
      "la57=%s no5lvl=%s, summary says 5-level=%s 4-level=%s" % (
          la57, "no5lvl" in ph.cmdline, says5, says4))
    vi = ph.vmcoreinfo
    if vi.get("NUMBER(pgtable_l5_enabled)") is not None:
        setup("paging-ground-truth", (vi["NUMBER(pgtable_l5_enabled)"] == "1") == five,
          "VMCOREINFO pgtable_l5_enabled=%s, la57=%s cmdline=%s" % (
              vi["NUMBER(pgtable_l5_enabled)"], la57, " ".join(ph.cmdline)))

    # (e) KASLR: VMCOREINFO KERNELOFFSET is 0 iff nokaslr; the summary reports it
    if "KERNELOFFSET" in vi:
        off = int(vi["KERNELOFFSET"], 16)
        nokaslr = "nokaslr" in ph.cmdline
        setup("kaslr-ground-truth", (off == 0) == nokaslr,
          "KERNELOFFSET=%#x with cmdline %s" % (off, " ".join(ph.cmdline)))
        m = re.search(r"KASLR\W+offset\W+(0x[0-9a-f]+)", s, re.I)
        says_off = bool(re.search(r"KASLR\W+(off|disabled|none|no)\b|no KASLR", s, re.I))
        says = int(m.group(1), 16) if m else (0 if says_off else None)
        # The oracle: where the kernel's text is (/proc/kallsyms _text) less its
        # link address __START_KERNEL (__START_KERNEL_map + CONFIG_PHYSICAL_START,
        # 16 MiB on Debian's x86_64 configs).  memscope reads VMCOREINFO
        # KERNELOFFSET; agreeing with that is only consistency.
        text = T.kallsyms_text(os.path.join(ph.dir, "truth", "ktext.txt"))
        if text is not None:
            c("kaslr-offset", says == text - START_KERNEL,
              "summary %r, kallsyms _text %#x - %#x = %#x" % (
                  m.group(0) if m else None, text, START_KERNEL, text - START_KERNEL))
        else:
            rep.skip("%s kaslr-offset" % tag, "no kallsyms _text collected (truth/ktext.txt)")
        same("kaslr-offset-vmcoreinfo", says == off,
             "summary %r, KERNELOFFSET=%#x" % (m.group(0) if m else None, off))

    # memmap address of each section = vmemmap + first pfn * sizeof(struct page)
    if secs is not None:
        base = _hex(vi["SYMBOL(vmemmap)"]) if "SYMBOL(vmemmap)" in vi else None
        if base is None and "nokaslr" in ph.cmdline:
            base = VMEMMAP_NOKASLR[5 if five else 4]
        psize = int(vi.get("SIZE(page)", "64"))
        if base is not None:
            bad = ["section %d memmap %s, want %#x" % (s["section"], s.get("memmap"),
                                                        base + s["section"] * (T.SECTION_SIZE >> 12) * psize)
                   for s in secs
                   if _hex(s.get("memmap") or "0") !=
                   base + s["section"] * (T.SECTION_SIZE >> 12) * psize]
            # the vmemmap base is the VMCOREINFO memscope itself read: consistency
            # only (drgn's pfn_to_page() on the dump is the oracle, asserts_drgn)
            same("memmap-address", not bad, "; ".join(bad[:4]))
        else:
            rep.skip("%s memmap-address" % tag, "no SYMBOL(vmemmap) in VMCOREINFO and KASLR on")


def check_zoneinfo(rep, tag, ph, bysec):
    """issue 11: the nodes of `summary -J` and each section's zone against
    /proc/zoneinfo (the kernel's pgdat and zone spans)."""
    zones = T.zoneinfo(os.path.join(ph.dir, "truth", "zoneinfo.txt"))
    base = os.path.join(ph.dir, "memscope", "summary-json")
    if not os.path.exists(base + ".rc"):
        rep.skip("%s nodes-vs-zoneinfo" % tag, "no summary -J collected (older result)")
        return
    try:
        doc = json.loads(T.read(base + ".out"))
        nodes = {n["node"]: n for n in doc["nodes"]}
    except (ValueError, KeyError, TypeError) as e:
        rep.check("%s nodes-vs-zoneinfo" % tag, False, "summary -J: %s (exit %s)" % (
            e, T.read(base + ".rc").strip()))
        return
    bad = []
    for nid in sorted({z["node"] for z in zones} | set(nodes)):
        zs = [z for z in zones if z["node"] == nid]
        n = nodes.get(nid)
        if n is None:
            bad.append("node %d: not in memscope" % nid)
            continue
        present = sum(z.get("present", 0) for z in zs)
        names = [z["zone"] for z in zs if z.get("spanned", 0) > 0]
        ends = [z["start_pfn"] + z["spanned"] for z in zs if "start_pfn" in z and z["spanned"]]
        starts = [z["start_pfn"] for z in zs if "start_pfn" in z and z["spanned"]]
        if n.get("present") != present:
            bad.append("node %d present %r, zoneinfo sum %d" % (nid, n.get("present"), present))
        if sorted(n.get("zones") or []) != sorted(names):
            bad.append("node %d zones %r, zoneinfo %r" % (nid, n.get("zones"), names))
        if starts and n.get("start_pfn") != min(starts):
            bad.append("node %d start_pfn %r, zoneinfo %d" % (nid, n.get("start_pfn"), min(starts)))
        # the Device zone prints no start_pfn: its end bounds the span from below only
        if ends and not (n.get("spanned") or 0) >= max(ends) - min(starts):
            bad.append("node %d spanned %r < zoneinfo %d" % (nid, n.get("spanned"),
                                                             max(ends) - min(starts)))
    rep.check("%s nodes-vs-zoneinfo" % tag, zones and not bad, "; ".join(bad[:4]))
    if bysec is None:
        return
    bad = []
    for n, sec in sorted(bysec.items()):
        zname = sec.get("zone")
        if zname in (None, "", "-", "Device"):
            continue
        lo, hi = n * T.SECTION_SIZE >> 12, (n + 1) * T.SECTION_SIZE >> 12
        for zn in zname.split("/"):    # a section across zones: "DMA/DMA32"
            zs = [z for z in zones if z["zone"] == zn and z.get("node") == sec.get("node")]
            if not any("start_pfn" in z and z["start_pfn"] < hi and
                       lo < z["start_pfn"] + z["spanned"] for z in zs):
                bad.append("section %d: zone %r outside that zone's span" % (n, zn))
    rep.check("%s section-zones-vs-zoneinfo" % tag, zones and not bad, "; ".join(bad[:4]))


def check_boot(rep, d):
    meta = json.loads(T.read(os.path.join(d, "meta.json"), "{}") or "{}")
    tag = "%s/%s" % (meta.get("kernel", "?"), meta.get("boot", os.path.basename(d)))
    ok = rep.setup("%s guest-finished" % tag, meta.get("rc") == 0 and not meta.get("timed_out"),
                   "rc=%s timed_out=%s, see %s" % (meta.get("rc"), meta.get("timed_out"),
                                                   os.path.join(d, "serial.log")))
    if not ok and meta.get("rc") is None:
        return
    check_shared(rep, tag, d, meta)
    if meta.get("boot") == "pages":  # issue 3: its own assertions
        from . import asserts_pages, asserts_drgn
        asserts_pages.check(rep, tag, d, meta)
        asserts_drgn.check_pages(rep, tag, d, ["nohvo", "hvo"])
        return
    if meta.get("boot") == "act":  # issue 4: its own assertions
        from . import asserts_act, asserts_contract
        asserts_act.check(rep, tag, d, meta)
        asserts_contract.check_act(rep, tag, d)
        _end_dump(rep, tag, d, meta, walk=False)
        return
    if meta.get("boot") == "stress":  # issue 10: its own assertions; then (issue
        # 11) its post/ as plain's boot/, below, and the dump read on the host
        from . import asserts_dump, asserts_stress
        asserts_stress.check(rep, tag, d, meta)
        asserts_dump.check(rep, tag, d, meta)
    if meta.get("boot") == "vmemmap":  # issue 7: its own assertions
        from . import asserts_vmemmap
        asserts_vmemmap.check(rep, tag, d, meta)
        _end_dump(rep, tag, d, meta, walk=True)
        return
    nvdimm = bool(meta.get("nvdimm"))
    if nvdimm:
        nd = T.read(os.path.join(d, "pre", "truth", "ndctl.json"))
        try:
            regions = json.loads(nd).get("regions", []) if nd.strip().startswith("{") else \
                json.loads(nd) if nd.strip() else []
        except ValueError:
            regions = []
        nss = [n for r in regions for n in r.get("namespaces", [])]
        rep.setup("%s namespaces-created" % tag,
                  T.read(os.path.join(d, "namespaces.rc")).strip() == "0" and len(nss) == 2 and
                  all(n.get("mode") == "devdax" and n.get("map") == "mem" for n in nss),
                  T.read(os.path.join(d, "namespaces.log")).strip()[-300:])
    hot = set()
    hf = os.path.join(d, "blocks-hotplugged.txt")
    if meta.get("hotplug"):
        hot = {int(x) for x in T.read(hf).split()}
    for phase in meta.get("phases", []):
        pd = os.path.join(d, phase)
        try:
            ph = Phase(pd)
        except (OSError, KeyError, ValueError) as e:
            rep.setup("%s/%s collected" % (tag, phase), False, "%s: %s" % (pd, e))
            continue
        check_phase(rep, "%s/%s" % (tag, phase), ph, hot_blocks=hot if phase == "post" else (),
                    expect_dev=nvdimm,
                    expect_5level="no5lvl" not in meta.get("cmdline_extra", "").split())
        if phase == "post" and meta.get("hotplug"):
            check_hotplug(rep, "%s/%s" % (tag, phase), ph, hot, d)
    from . import scenarios
    if scenarios.BOOTS.get(meta.get("boot"), {}).get("dumps"):  # issue 11: drgn, crash
        from . import asserts_drgn, asserts_oracle
        asserts_drgn.check(rep, tag, d, meta.get("phases", []))
        for ph in meta.get("phases", []):   # deferred, pgmaps
            asserts_oracle.check_phase(rep, "%s/%s" % (tag, ph), d, ph)
    if meta.get("boot") == "plain":
        check_lockdown(rep, tag, os.path.join(d, "boot", "memscope"))
    if meta.get("boot") == "main":  # issue 5: the TUI through tmux
        from . import asserts_tui
        asserts_tui.check(rep, tag, d)
    if meta.get("boot") == "main":  # issue 15: metrics against sysfs and vmstat
        from . import asserts_metrics
        asserts_metrics.check(rep, tag, d)
    if meta.get("boot") == "main":  # issue 6: snapshot round trip
        from . import asserts_snapshot
        asserts_snapshot.check(rep, tag, d, meta)
    if meta.get("boot") == "main":  # issue 11: a QEMU dump read on the host
        from . import asserts_contract, asserts_dump
        asserts_dump.check(rep, tag, d, meta)
        asserts_contract.check_main(rep, tag, d)
        from . import asserts_oracle   # drgn: the vmemmap page tables, pgmaps at the end
        asserts_oracle.check_boot(rep, tag, d)


def check_shared(rep, tag, d, meta):
    """The checks of every boot, at the points its BOOTS entry names
    (labkit/scenarios.py): issue 11, every online RAM pfn against
    kpageflags/kpagecount (an oracle); issue 12, the TUI's Section view
    against the CLI's tables (SAME)."""
    from . import asserts_pages, asserts_tui, scenarios
    spec = scenarios.BOOTS.get(meta.get("boot"), {})
    for point in spec.get("kpf", ()):
        asserts_pages.check_all(rep, "%s/%s" % (tag, os.path.basename(point)),
                                os.path.join(d, point, "kpf"))
    for point in spec.get("tui_cli", ()):
        asserts_tui.check_tui_cli(rep, "%s/%s" % (tag, os.path.basename(point)),
                                  os.path.join(d, point))


def _end_dump(rep, tag, d, meta, walk):
    """vmemmap, act (issue 11): the dump of the end of the boot, read on the
    host by memscope (asserts_dump) and by drgn (asserts_oracle: pgmaps, and
    with `walk` the vmemmap page tables)."""
    from . import asserts_dump, asserts_oracle
    asserts_dump.check(rep, tag, d, meta)
    if walk:
        asserts_oracle.check_boot(rep, tag, d)
    else:
        ref, why = asserts_oracle.load(d, "post")
        if ref is None:
            rep.check("%s drgn-ran" % tag, False, why)
            return
        asserts_oracle.check_devices(rep, tag, ref, asserts_oracle.rows(
            os.path.join(d, "post", "dump", "live-devices.json"), "devices"))


def check_lockdown(rep, tag, m):
    """Under lockdown=confidentiality memscope refuses in one line, exit 1."""
    err = T.read(os.path.join(m, "lockdown.err"))
    rc = T.read(os.path.join(m, "lockdown.rc")).strip()
    rep.check("%s lockdown-refused" % tag,
              rc == "1" and err.count("\n") == 1 and
              "kernel lockdown: confidentiality" in err,
              "exit %r, stderr %r" % (rc, err[:200]))


def check_hotplug(rep, tag, ph, hot, d):
    """(vi) the hot-added blocks exist, all but the last online, not early."""
    want = (1 << 30) // ph.block_size
    bad = []
    if len(hot) != want:
        bad.append("%d new blocks, want %d (%s)" % (len(hot), want,
                                                    T.read(os.path.join(d, "hotplug.log"))[:200]))
    for i, num in enumerate(sorted(hot)):
        b = ph.blocks.get(num)
        want_state = "offline" if i == len(hot) - 1 else "online"
        if b is None or b.state != want_state:
            bad.append("block %d: sysfs %s, want %s" % (num, b and b.state, want_state))
    if not any(r[0] >= 4 << 30 for r in ph.ram):
        bad.append("no hot-added System RAM above 4 GiB in /proc/iomem")
    rep.setup("%s hotplug-ground-truth" % tag, not bad, "; ".join(bad[:4]))
    blks = ph.ms["blocks-json"]
    secs = ph.ms["sections-json"]
    if blks is None or secs is None:
        rep.check("%s hotplug-memscope" % tag, False, "no memscope output")
        return
    got = {b.get("block"): b for b in blks}
    bysec = {s.get("section"): s for s in secs}
    bad = []
    for num in sorted(hot):
        b = ph.blocks.get(num)
        if b is None:
            continue
        m = got.get(num)
        if m is None or m.get("state") != b.state:
            bad.append("block %d: memscope %r, sysfs %s" % (num, m and m.get("state"), b.state))
        for n in ph.block_sections(b):
            fl = _flags(bysec.get(n, {}))
            if "present" not in fl or "early" in fl or ("online" in fl) != (b.state == "online"):
                bad.append("section %d: flags %r" % (n, ",".join(fl)))
    rep.check("%s hotplug-memscope" % tag, not bad, "; ".join(bad[:4]))


def _declared(d):
    """The number of oracle checks a boot declares (scenarios.BOOTS)."""
    from . import scenarios
    meta = json.loads(T.read_optional(os.path.join(d, "meta.json"), "{}") or "{}")
    spec = scenarios.BOOTS.get(meta.get("boot"), {})
    n = spec.get("oracles")
    if isinstance(n, dict):
        n = n.get(meta.get("kernel"), n.get("*"))
    tag = "%s/%s" % (meta.get("kernel", "?"), meta.get("boot", os.path.basename(d)))
    return tag, n


def main(dirs):
    rep = Report()
    for d in dirs:
        tag, declared = _declared(d)
        rep.begin_boot(tag)
        check_boot(rep, d)
        rep.end_boot(tag, declared)
    return rep.close()
