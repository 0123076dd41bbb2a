#!/usr/bin/env python3
"""Checks memscope's metrics (a file, or node_exporter's /metrics) against
memscope's own -J output of the same source (consistency: SAME) and, given
a sysroot, against the memory-block tree in it (an independent source:
PASS).

    promvalues.py METRICS JSONDIR [SYSROOT]
    promvalues.py --same A B      every memscope_ sample of A is in B, equal

JSONDIR holds sections.json, blocks.json, vmemmap.json, devices.json,
compound.json and deferred.json (memscope -J -b ..., devices with
--output-all); a missing or empty
one (the command failed: no struct pages in the fixture) skips its
families, counted. Prints PASS/SAME/FAIL/SKIP lines and a closing
"N passed, N failed, N same, N skipped"."""
import json
import os
import re
import sys
from collections import defaultdict

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

res = {"PASS": 0, "FAIL": 0, "SAME": 0, "SKIP": 0}


def report(kind, name, detail=""):
    res[kind] += 1
    print("%s %s%s" % (kind, name, (": " + detail) if detail else ""))


def parse(text):
    fam = defaultdict(dict)
    for line in text.splitlines():
        if not line.startswith("memscope_"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("bad sample line: " + line)
        labels = tuple(sorted((k, v.replace('\\"', '"').replace("\\\\", "\\"))
                              for k, v in LABEL.findall(m.group(3) or "")))
        fam[m.group(1)][labels] = float(m.group(4))
    return fam


def load(d, name):
    p = os.path.join(d, name + ".json")
    try:
        with open(p) as f:
            text = f.read()
        return json.loads(text) if text.strip() else None
    except (OSError, ValueError):
        return None


def key(**kw):
    return tuple(sorted((k, "" if v is None else str(v)) for k, v in kw.items()))


def compare(kind, name, got, want):
    if got == want:
        report(kind, name, "%d series" % len(want))
        return
    diff = []
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            diff.append("%s: metrics %s, expected %s" % (dict(k), got.get(k), want.get(k)))
    report("FAIL", name, "; ".join(diff[:6]))


def section_class(s):
    """The CLI's CLASS column where the JSON has it (sections -o +CLASS),
    else what the flags and zones say (no kmem rule: that needs iomem)."""
    if s.get("class"):
        return s["class"]
    flags = (s.get("flags") or "").split(",")
    zones = (s.get("zone") or "").split("/")
    if "zone_device" in flags or "Device" in zones:
        return "device"
    if "online" not in flags:
        return "offline"
    return "early" if "early" in flags else "hotadded"


def check_sections(fam, d):
    js = load(d, "sections")
    if not js:
        return report("SKIP", "sections", "no sections -J")
    want, active = defaultdict(float), defaultdict(float)
    for s in js["sections"]:
        k = key(node=s.get("node"), zone=s.get("zone"))
        want[k + (("class", section_class(s)),)] += 1
        active[key(node=s.get("node"))] += s["active"]
    want = {tuple(sorted(k)): v for k, v in want.items()}
    compare("SAME", "sections-vs-cli", fam.get("memscope_sections", {}), want)
    compare("SAME", "subsections-active-vs-cli",
            fam.get("memscope_subsections_active", {}), dict(active))


def check_blocks(fam, d, sysroot):
    js = load(d, "blocks")
    if not js:
        return report("SKIP", "blocks", "no blocks -J")
    want = defaultdict(float)
    for b in js["memory"]:
        want[key(node=b.get("node"), zone=b.get("zones"), state=b["state"])] += 1
    got = fam.get("memscope_memory_blocks", {})
    compare("SAME", "memory-blocks-vs-cli", got, dict(want))
    if not sysroot:
        return
    # the oracle: the block tree itself (state, valid_zones, node link)
    base = os.path.join(sysroot, "sys/devices/system/memory")
    want = defaultdict(float)
    for e in sorted(os.listdir(base)):
        if not re.match(r"memory\d+$", e):
            continue
        p = os.path.join(base, e)
        state = open(os.path.join(p, "state")).read().strip()
        state = {"going-offline": "on->off"}.get(state, state)
        try:
            # lsmem's spelling: the kernel's "none" is "None"
            zones = [{"none": "None"}.get(z, z) for z in
                     open(os.path.join(p, "valid_zones")).read().split()]
        except OSError:
            zones = []
        nodes = [n[4:] for n in os.listdir(p) if re.match(r"node\d+$", n)]
        want[key(node=nodes[0] if nodes else "", zone="/".join(zones),
                 state=state)] += 1
    compare("PASS", "memory-blocks-vs-sysfs", got, dict(want))


def check_vmemmap(fam, d):
    js = load(d, "vmemmap")
    if not js:
        return report("SKIP", "vmemmap", "no vmemmap -J")
    memmap, totals = defaultdict(float), {}
    for r in js["vmemmap"]:
        if r["range"] == "total":
            totals[r["owner"]] = r
        elif r["owner"] != "unreadable":
            memmap[key(owner=r["owner"], memmap=r["memmap"])] += r["frames"] * 4096
    compare("SAME", "memmap-bytes-vs-cli", fam.get("memscope_memmap_bytes", {}),
            dict(memmap))
    # the per-owner totals the CLI prints: hugetlb:SIZE and device:NAME
    # owners, the remainder of each kind under its name
    got = fam.get("memscope_vmemmap_saved_bytes", {})
    want = {}
    owned = defaultdict(float)
    for o, r in totals.items():
        if ":" in o:
            want[key(owner=o)] = r["saved_bytes"]
            owned[o.split(":")[0]] += r["saved_bytes"]
    for o, r in totals.items():
        if ":" not in o and o != "all" and r["saved_bytes"] > owned[o]:
            want[key(owner=o)] = r["saved_bytes"] - owned[o]
    # owners the CLI leaves out (no pages) must show no saving
    extra = {k: v for k, v in got.items() if k not in want}
    compare("SAME", "vmemmap-saved-vs-cli",
            {k: v for k, v in got.items() if k in want}, want)
    if any(extra.values()):
        report("FAIL", "vmemmap-saved-extra", str(extra))


def check_devices(fam, d):
    js = load(d, "devices")
    if js is None:
        return report("SKIP", "devices", "no devices -J")
    want = defaultdict(float)
    for g in js["devices"]:
        want[key(device=g["device"], type=g["type"], memmap=g.get("memmap"))] += g["size"]
    compare("SAME", "pgmap-bytes-vs-cli", fam.get("memscope_pgmap_bytes", {}),
            dict(want))


def check_compound(fam, d):
    js = load(d, "compound")
    if not js:
        return report("SKIP", "compound", "no compound -J")
    want = defaultdict(float)
    for b in js["compound"]:
        want[key(kind=b["kind"], order=b["order"], zone=b["zone"])] += b["count"]
    compare("SAME", "compound-pages-vs-cli", fam.get("memscope_compound_pages", {}),
            dict(want))


def check_deferred(fam, d):
    js = load(d, "deferred")
    if not js:
        return report("SKIP", "deferred", "no deferred -J")
    want = {key(node=n["node"]): n["pending"] for n in js["deferred"]
            if n.get("pending") is not None}
    compare("SAME", "deferred-pending-vs-cli",
            fam.get("memscope_deferred_pending_pages", {}), want)


def same(a, b):
    fa, fb = parse(open(a).read()), parse(open(b).read())
    bad = ["%s%s: %s != %s" % (n, dict(k), v, fb.get(n, {}).get(k))
           for n in fa for k, v in fa[n].items() if fb.get(n, {}).get(k) != v]
    bad += ["%s only in %s" % (n, b) for n in fb if n not in fa]
    print("\n".join(bad))
    return 1 if bad else 0


def main():
    if sys.argv[1] == "--same":
        return same(sys.argv[2], sys.argv[3])
    fam = parse(open(sys.argv[1]).read())
    d = sys.argv[2]
    sysroot = sys.argv[3] if len(sys.argv) > 3 else None
    check_sections(fam, d)
    check_blocks(fam, d, sysroot)
    check_vmemmap(fam, d)
    check_devices(fam, d)
    check_compound(fam, d)
    check_deferred(fam, d)
    print("%d passed, %d failed, %d same, %d skipped" %
          (res["PASS"], res["FAIL"], res["SAME"], res["SKIP"]))
    return 1 if res["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
