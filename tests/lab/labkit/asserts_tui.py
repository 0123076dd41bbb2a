"""Host-side assertions for the TUI (issue 5) in the main boot: tmux captures
of `memscope tui` (guest/tui.sh) against memscope's own JSON of the same phase,
which the other assertions hold against sysfs, lsmem and ndctl.

pre/tui:  map.txt (legend and cells per state), zoom-35.txt (the partly
          populated device section's exact bitmap), help.txt, help-returned.txt,
          resize.txt (60x24: fewer cells per row, same counts), paused.txt
post/tui: stale.txt (paused across the hot-add: still the pre map), map.txt
          (after 'r': the new map, and how many cells changed), exit.txt
"""
import json
import os
import re

from . import truth as T
from . import tui_cli

ZOOM_SECTION = 35
NAMES = {"early boot": "E", "hot-added": "H", "kmem": "K", "online": "O", "offline": "X",
         "ZONE_DEVICE": "D", "absent": "."}


def _json(path, key):
    try:
        return json.loads(T.read(path)).get(key)
    except ValueError:
        return None


def classes(sections):
    """Section number -> (letter, active), the TUI's cell states from -J."""
    out = {}
    for s in sections:
        f = (s.get("flags") or "").split(",")
        zone = s.get("zone") or ""
        # online memory is RAM (online_pages() alone onlines sections): a
        # kmem range onlined inside ZONE_DEVICE's span is K, not D; offline
        # memory with a memory block is RAM too (ZONE_DEVICE has none)
        dev = "zone_device" in f or "Device" in zone.split("/")
        k = "D" if dev and "online" not in f and s.get("block") is None else \
            "X" if "online" not in f else "E" if "early" in f else "K" if dev else "H"
        out[s["section"]] = (k, s.get("active"), s.get("subsections"))
    return out


def expected(cls):
    c = {k: 0 for k in "EHKOXD."}
    for k, _, _ in cls.values():
        c[k] += 1
    c["."] = max(cls) + 1 - len(cls) if cls else 0
    partial = sum(1 for _, a, n in cls.values() if a < n)
    return c, partial


def legend(text):
    got = dict(re.findall(r"\] ([A-Za-z_ -]+): (\d+)", text))
    c = {NAMES[n]: int(got[n]) for n in NAMES if n in got}
    return c, int(got["partly populated"]) if "partly populated" in got else None


def cells(text):
    c = {k: 0 for k in "EHKOXD."}
    partial = 0
    for line in text.splitlines():
        m = re.match(r"^0x[0-9a-f]+ (.*)$", line)
        if not m:
            continue
        row = m.group(1).rstrip()
        for i in range(0, len(row), 2):
            cell = row[i:i + 2]
            if not cell.strip():
                continue
            if cell[0].islower():
                partial += 1
            c["." if cell[0] == "." else cell[0].upper()] += 1
    return c, partial


def per_row(text):
    m = re.search(r"(\d+) per row", text)
    return int(m.group(1)) if m else None


def changed(pre, post):
    n = 0
    last = max(pre) + 1 if pre else 0
    for nr in set(pre) | set(post):
        a, b = pre.get(nr), post.get(nr)
        if nr >= last:
            n += b is not None
        elif (a and a[:2]) != (b and b[:2]):
            n += 1
    return n


def check(rep, tag, d):
    pre_dir, post_dir = os.path.join(d, "pre", "tui"), os.path.join(d, "post", "tui")
    rd = lambda *p: T.read(os.path.join(*p))
    secs = _json(os.path.join(d, "pre", "memscope", "sections-json.out"), "sections")
    subs = _json(os.path.join(d, "pre", "memscope", "subsections-json.out"), "subsections")
    post_secs = _json(os.path.join(d, "post", "memscope", "sections-json.out"), "sections")
    if not secs or not subs or not post_secs:
        rep.same("%s tui" % tag, False, "no memscope JSON to compare with")
        return
    pre, post = classes(secs), classes(post_secs)
    want = expected(pre)
    m = rd(pre_dir, "map.txt")
    rep.setup("%s tui-started" % tag, rd(pre_dir, "tmux.rc").strip() == "0" and
              "memscope  1 Map" in m, "tmux %s: %s" % (rd(pre_dir, "tmux.log")[:200], m[:200]))
    rep.same("%s tui-legend" % tag, legend(m) == want, "legend %s, sections -J %s" %
              (legend(m), want))
    rep.same("%s tui-cells" % tag, cells(m) == want, "cells %s, sections -J %s" %
              (cells(m), want))

    z = rd(pre_dir, "zoom-35.txt")
    sub = [s for s in subs if s.get("section") == ZOOM_SECTION]
    bm = re.search(r"^bitmap +([#.]+)\s*$", z, re.M)
    act = re.search(r"^sub-sections (\d+) of (\d+) active", z, re.M)
    ok = bool(sub and bm and act) and bm.group(1) == sub[0]["map"] and \
        int(act.group(1)) == sub[0]["active"] == bm.group(1).count("#") and \
        sub[0]["active"] < int(act.group(2)) and \
        ("Section %d " % ZOOM_SECTION) in z
    rep.same("%s tui-zoom-%d" % (tag, ZOOM_SECTION), ok, "bitmap %r active %r, subsections -J %r"
              % (bm and bm.group(1), act and act.groups(), sub and sub[0]))
    # the frame behind the section's memmap, by the page-table walk: in RAM
    # (-M mem namespaces keep their memmap in System RAM)
    fr = re.search(r"^memmap +0x[0-9a-f]+ -> frame 0x([0-9a-f]+) \((\d+)K leaf\), "
                   r"last page -> 0x([0-9a-f]+)", z, re.M)
    ram = [(r.start, r.end) for r in T.system_ram(T.iomem(os.path.join(d, "pre", "truth",
                                                                       "iomem.txt")))]
    in_ram = lambda a: any(s <= a <= e for s, e in ram)
    rep.check("%s tui-zoom-memmap-frame" % tag, bool(fr) and in_ram(int(fr.group(1), 16)) and
              in_ram(int(fr.group(3), 16)) and fr.group(2) in ("4", "2048", "1048576"),
              (fr and fr.group(0)) or [l for l in z.splitlines() if l.startswith("memmap")])
    check_dedup(rep, tag, pre_dir, pre)
    check_devices(rep, tag, pre_dir, os.path.join(d, "pre", "truth", "dax-attrs.txt"))
    h = rd(pre_dir, "help.txt")
    rep.same("%s tui-help" % tag, "memscope help: keys" in h and re.search(r"^  q +quit", h, re.M)
              and re.search(r"^  / +jump to", h, re.M) and
              "[EE] early boot" in rd(pre_dir, "help-returned.txt"), h[:300])
    r = rd(pre_dir, "resize.txt")
    rep.same("%s tui-resize" % tag, per_row(r) and per_row(m) and per_row(r) < per_row(m) and
              cells(r) == want and max(len(l) for l in r.splitlines() or [""]) <= 60,
              "per row %s -> %s, cells %s" % (per_row(m), per_row(r), cells(r)))
    p = rd(pre_dir, "paused.txt")
    rep.same("%s tui-paused" % tag, "paused" in (p.splitlines() or [""])[0], p[:100])

    # across the hot-add: paused shows the old map, 'r' the new one
    s = rd(post_dir, "stale.txt")
    rep.same("%s tui-stale-while-paused" % tag, legend(s) == want, "legend %s" % (legend(s),))
    pm = rd(post_dir, "map.txt")
    pw = expected(post)
    ch = re.search(r"(\d+) changed since the last refresh", pm)
    nchanged = changed(pre, post)
    rep.same("%s tui-hotadd-refresh" % tag, legend(pm) == pw and cells(pm) == pw and
              pw != want, "legend %s cells %s, post sections -J %s" % (legend(pm), cells(pm), pw))
    rep.same("%s tui-hotadd-changed" % tag, ch is not None and int(ch.group(1)) == nchanged > 0,
              "TUI says %s changed, sections -J %d" % (ch and ch.group(1), nchanged))
    rep.same("%s tui-quit" % tag, "TUI-EXIT 0" in rd(post_dir, "exit.txt"),
              rd(post_dir, "exit.txt")[:200] + rd(post_dir, "tui.err")[:200])


def marked(text, mark="+"):
    """Section numbers whose map cell carries an overlay's mark."""
    out = set()
    per = per_row(text)
    for line in text.splitlines():
        m = re.match(r"^0x([0-9a-f]+) (.*)$", line)
        if not m or not per:
            continue
        first = int(m.group(1), 16) // T.SECTION_SIZE
        row = m.group(2)
        for i in range(0, len(row), 2):
            if row[i:i + 1] == mark:
                out.add(first + i // 2)
    return out


def check_dedup(rep, tag, pre_dir, pre):
    """The vmemmap-dedup overlay marks exactly the sections that `memscope
    vmemmap` finds on shared frames: here the devdax namespaces (-M mem, 2M
    align: compound devmap dedup, 5.19+); boot RAM has no HugeTLB pages."""
    doc = _json(os.path.join(pre_dir, "vmemmap.json"), "vmemmap") or []
    want = set()
    for r in doc:
        if r.get("owner") == "all" or not r.get("shared"):
            continue
        nums = [int(x, 0) for x in re.findall(r"0x[0-9a-fA-F]+|\d+", r.get("pfns") or "")]
        if len(nums) >= 2:
            ppsec = T.SECTION_SIZE // 4096
            want.update(range(nums[0] // ppsec, nums[1] // ppsec + 1))
    text = T.read(os.path.join(pre_dir, "dedup.txt"))
    got = marked(text)
    dev = {n for n, (k, _, _) in pre.items() if k == "D"}
    rep.same("%s tui-overlay-dedup" % tag, bool(doc) and got == want and got == dev,
              "overlay marks %s, vmemmap -J shared %s, device sections %s; %s" %
              (sorted(got), sorted(want), sorted(dev),
               T.read(os.path.join(pre_dir, "vmemmap.err"))[:200]))


def check_devices(rep, tag, pre_dir, attrs_path):
    """Devices view: one pgmap per dax device (sysfs), type generic
    (MEMORY_DEVICE_GENERIC), compound order from the 2M align, its range
    holding the device's resource, named after it."""
    dax = {}
    for line in T.read(attrs_path).splitlines():
        m = re.match(r"(dax[\d.]+)/(\w+)=(\S+)", line)
        if m:
            dax.setdefault(m.group(1), {})[m.group(2)] = int(m.group(3), 0)
    text = T.read(os.path.join(pre_dir, "devices.txt"))
    rows = re.findall(r"^0x[0-9a-f]{16} +(\w+) +(\d+) +0x([0-9a-f]+)-0x([0-9a-f]+) (\S+)",
                      text, re.M)
    bad = []
    for name, a in sorted(dax.items()):
        order = (a.get("align", 4096) // 4096).bit_length() - 1
        hit = [r for r in rows if r[4] == name]
        if len(hit) != 1:
            bad.append("%s: %d pgmap rows" % (name, len(hit)))
            continue
        typ, o, start, end, _ = hit[0]
        if typ != "generic" or int(o) != order or not (
                int(start, 16) <= a["resource"] and
                a["resource"] + a["size"] - 1 <= int(end, 16)):
            bad.append("%s: %s (want generic, order %d, holding 0x%x+%d)" %
                       (name, hit[0], order, a["resource"], a["size"]))
    rep.check("%s tui-devices-pgmaps" % tag, dax and len(rows) == len(dax) and not bad,
              "%d pgmap rows for %d dax devices; %s" % (len(rows), len(dax), "; ".join(bad)))


def check_tui_cli(rep, tag, phase_dir):
    """Issue 12: every present section's Section view (`tui --dump section`)
    shows the figures `sections -J` and `subsections -J` print: class, block,
    node, zone, iomem owner, flags, memmap, active sub-sections and the
    sub-section map. memscope against memscope: SAME."""
    m = os.path.join(phase_dir, "memscope")
    dump = T.read(os.path.join(m, "tui-sections.out"))
    secs = _json(os.path.join(m, "sections-facts-json.out"), "sections")
    subs = _json(os.path.join(m, "subsections-json.out"), "subsections")
    rc = T.read(os.path.join(m, "tui-sections.rc")).strip()
    if rc != "0" or not secs or not subs:
        rep.same("%s tui-cli-sections" % tag, False, "tui --dump exit %s: %s; sections %s" % (
            rc, T.read(os.path.join(m, "tui-sections.err"))[:200], bool(secs)))
        return
    bad, n = tui_cli.compare(dump, secs, subs)
    rep.same("%s tui-cli-sections" % tag, not bad and n == len(secs),
             "%d of %d sections compared; %s" % (n, len(secs), "; ".join(bad[:6])))
