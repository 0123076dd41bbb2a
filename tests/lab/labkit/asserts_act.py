"""Assertions of the "act" boot (issue 4): memscope hotplug, unplug, online,
offline, pin and blockers against sysfs, daxctl and /proc ground truth.

Every action's output is a "changes" table (one row per section: block state,
zones, section flag letters and active sub-sections before and after); the
assertions hold each row against the sysfs collected right after the action,
and the bad-input cases to one stderr line and the right exit code.
"""
import json
import os
import subprocess

from . import truth as T


def docs(text):
    """The JSON documents of an output, one after another."""
    out, dec, i = [], json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        try:
            obj, i = dec.raw_decode(text, i)
        except ValueError:
            return out
        out.append(obj)


def pairs(text, table_start=None):
    """KEY="value" rows of -P output."""
    rows = []
    for line in text.splitlines():
        if '="' not in line:
            continue
        row = {}
        for part in line.split('" '):
            k, _, v = part.partition('="')
            row[k.strip()] = v.rstrip('"')
        rows.append(row)
    return rows


class Act:
    def __init__(self, d):
        self.d = os.path.join(d, "act")

    def out(self, name):
        return T.read(os.path.join(self.d, name + ".out"))

    def err(self, name):
        return T.read(os.path.join(self.d, name + ".err"))

    def rc(self, name):
        return T.read(os.path.join(self.d, name + ".rc")).strip()

    def table(self, name, key):
        for doc in docs(self.out(name)):
            if key in doc:
                return doc[key], doc.get("schema")
        return None, None

    def sysfs(self, name):
        """memoryN -> {state, valid_zones} from sys-NAME.txt (grep -H lines)."""
        blocks = {}
        for line in T.read(os.path.join(self.d, "sys-%s.txt" % name)).splitlines():
            path, _, v = line.partition(":")
            parts = path.split("/")
            if len(parts) < 2 or not parts[-2].startswith("memory") or \
                    not parts[-2][6:].isdigit():
                continue
            blocks.setdefault(int(parts[-2][6:]), {})[parts[-1]] = v.strip()
        return blocks

    def dax_mode(self, name, dev):
        try:
            data = json.loads(T.read(os.path.join(self.d, "dax-%s.json" % name)) or "[]")
        except ValueError:
            return None
        for x in data if isinstance(data, list) else [data]:
            if x.get("chardev") == dev or x.get("dev") == dev:
                return x.get("mode")
        return None


def one_line_error(a, name, rc, needle):
    err = a.err(name)
    lines = [x for x in err.splitlines() if x.strip()]
    ok = a.rc(name) == str(rc) and len(lines) == 1 and lines[0].startswith("memscope: ") and \
        needle in lines[0]
    return ok, "exit %s (want %s), stderr %r" % (a.rc(name), rc, err[:300])


def check_changes(rep, tag, a, name, sysname, want_state, want_zone, was_device):
    """A hotplug/unplug changes table against sysfs after the action."""
    rows, schema = a.table(name, "changes")
    sysb = a.sysfs(sysname)
    bad = []
    if a.rc(name) != "0":
        bad.append("exit %s: %s" % (a.rc(name), a.err(name)[:200]))
    if not rows or schema != 1:
        bad.append("no changes table (schema %r)" % schema)
    blocks_seen = 0
    for r in rows or []:
        blk = r.get("block")
        blk = int(blk) if blk not in (None, "", "-") else None
        after = r.get("state_after")
        if want_state == "online" and blk is not None:
            blocks_seen += 1
            s = sysb.get(blk, {})
            if after != "online" or s.get("state") != "online":
                bad.append("section %s block %s: after %r sysfs %r" % (r["section"], blk, after,
                                                                      s.get("state")))
            if want_zone and (r.get("zones_after") != want_zone or
                              s.get("valid_zones", "").lower() != want_zone.lower()):
                bad.append("block %s zones %r sysfs %r want %s" % (
                    blk, r.get("zones_after"), s.get("valid_zones"), want_zone))
            if "O" not in r.get("section_after", ""):
                bad.append("section %s letters %r lack O" % (r["section"], r.get("section_after")))
            if was_device and (r.get("state_before") != "-" or "P" not in r.get("section_before")):
                bad.append("section %s before %r/%r: want a device section with no block" % (
                    r["section"], r.get("state_before"), r.get("section_before")))
        if want_state == "devdax":
            if after != "-":
                bad.append("section %s still has a block after unplug (%r)" % (r["section"], after))
            if blk is not None and blk in sysb:
                bad.append("sysfs still has memory%d" % blk)
            if r.get("state_before") == "online":
                blocks_seen += 1
                if "O" not in r.get("section_before", ""):
                    bad.append("section %s was online but letters %r" % (
                        r["section"], r.get("section_before")))
            if r.get("section_after") != "-" and "O" in r.get("section_after"):
                bad.append("section %s online after unplug" % r["section"])
    if not blocks_seen:
        bad.append("no block rows touched")
    rep.check("%s act-%s" % (tag, name), not bad, "; ".join(bad[:4]))


def check_dax(rep, tag, a, big, small):
    ok, why = True, ""
    # rmmod kmem before: hotplug loads it through libkmod and says so
    err = a.err("hotplug-movable")
    rep.check("%s act-kmem-loaded" % tag, "loaded modules: kmem" in err, err[:200])
    check_changes(rep, tag, a, "hotplug-movable", "hotplug-movable", "online", "Movable", True)
    check_changes(rep, tag, a, "unplug-movable", "unplug-movable", "devdax", None, False)
    rep.check("%s act-unplug-devdax-again" % tag, a.dax_mode("unplug-movable", big) == "devdax",
              "daxctl mode %r" % a.dax_mode("unplug-movable", big))
    ok, why = one_line_error(a, "hotplug-noonline", 1, "auto_online_blocks")
    rep.check("%s act-noonline-refused" % tag, ok and
              a.dax_mode("hotplug-noonline", big) == "devdax", why)
    check_changes(rep, tag, a, "hotplug-auto", "hotplug-auto", "online", "Movable", True)
    check_changes(rep, tag, a, "unplug-auto", "unplug-auto", "devdax", None, False)
    check_changes(rep, tag, a, "hotplug-normal", "hotplug-normal", "online", "Normal", True)
    ok, why = one_line_error(a, "unplug-noforce", 1, "use --force")
    rep.check("%s act-unplug-normal-needs-force" % tag, ok, why)
    # forced: either it went back to devdax, or the blockers said why not
    if a.rc("unplug-force") == "0":
        check_changes(rep, tag, a, "unplug-force", "unplug-force", "devdax", None, False)
    else:
        blk, _ = a.table("unplug-force", "blockers")
        rep.check("%s act-unplug-force-blockers" % tag, bool(blk),
                  "exit %s without a blockers report: %s" % (a.rc("unplug-force"),
                                                              a.err("unplug-force")[:200]))


def check_pin_dax(rep, tag, a, small, size):
    # the path that pinned (io_uring, or AF_XDP where io_uring refused: 6.1)
    note = a.err("pin-dax")
    rep.check("%s act-pin-dax-path" % tag, "through " in note, note[:300])
    pinned, released = None, None
    for doc in docs(a.out("pin-dax")):
        pinned = doc.get("pinned", pinned)
        released = doc.get("released", released)
    bad = []
    rc = a.rc("pin-dax")
    if T.read(os.path.join(a.d, "pin-dax.rc")).strip() != "0":
        bad.append("exit %s: %s" % (T.read(os.path.join(a.d, "pin-dax.rc")).strip(),
                                   a.err("pin-dax")[:200]))
    if not pinned or not released:
        bad.append("no pinned/released tables")
    for r in pinned or []:
        if r.get("block") is not None:
            bad.append("devdax pfn %s has a block %r" % (r.get("pfn"), r.get("block")))
        if r.get("kind") != "head" or r.get("order") != 9 or r.get("pages") != 512:
            bad.append("row %s: %s order %s pages %s, want 2 MiB heads" % (
                r.get("pfn"), r.get("kind"), r.get("order"), r.get("pages")))
        elif not r.get("pincount_after", 0) > r.get("pincount_before", 0):
            # one pin per folio (6.12+ io_uring coalesces a folio's pages) or
            # one per 4K page of it (6.1: AF_XDP and io_uring pin each page)
            bad.append("head %s pincount %s -> %s" % (r.get("pfn"), r.get("pincount_before"),
                                                      r.get("pincount_after")))
    before = {r.get("pfn"): r.get("pincount_before") for r in pinned or []}
    for r in released or []:
        if r.get("pincount_after") != before.get(r.get("pfn")):
            bad.append("head %s after release pincount %s, before the pin %s" % (
                r.get("pfn"), r.get("pincount_after"), before.get(r.get("pfn"))))
    if pinned and len(pinned) != size // (2 << 20):
        bad.append("%d heads pinned, want %d (%d bytes / 2M)" % (len(pinned),
                                                              size // (2 << 20), size))
    rep.check("%s act-pin-dax-heads" % tag, not bad, "; ".join(bad[:4]))
    # a hugetlbfs file: 2 MiB hugetlb heads gain pins, and lose them again
    pinned, released = None, None
    for doc in docs(a.out("pin-hugetlb")):
        pinned = doc.get("pinned", pinned)
        released = doc.get("released", released)
    before = {r.get("pfn"): r.get("pincount_before") for r in pinned or []}
    ok = a.rc("pin-hugetlb") == "0" and pinned and len(pinned) == 2 and released and \
        all(r.get("kind") == "head" and r.get("order") == 9 and
            r.get("pincount_after", 0) > r.get("pincount_before", 0) for r in pinned) and \
        all(r.get("pincount_after") == before.get(r.get("pfn")) for r in released)
    # memscope's pin table against itself (before/after): SAME; the kernel's
    # FOLL_PIN counters are the oracle (check_pin_vmstat)
    rep.same("%s act-pin-hugetlb" % tag, ok, "exit %s %s pinned %r" % (
        a.rc("pin-hugetlb"), a.err("pin-hugetlb")[:200], (pinned or [])[:2]))
    ok, why = one_line_error(a, "hotplug-inuse", 1, "in use")
    rep.check("%s act-hotplug-inuse-refused" % tag, ok, why)


def check_bad(rep, tag, a):
    for name, rc, needle in [("bad-unknown-dev", 1, "dax9.9"),
                             ("hotplug-noonline", 1, "auto_online_blocks"),
                             ("bad-unknown-block", 2, "no memory block 99999"),
                             ("bad-zone-word", 2, "--zone"),
                             ("bad-nonroot", 1, "CAP_SYS_ADMIN"),
                             ("online-already", 1, "already online")]:
        err = a.err(name)
        lines = [x for x in err.splitlines() if x.strip() and not x.startswith("Try '")]
        ok = a.rc(name) == str(rc) and len(lines) == 1 and needle in lines[0]
        rep.check("%s act-%s" % (tag, name), ok, "exit %s (want %d), stderr %r" % (
            a.rc(name), rc, err[:300]))


def check_dimm(rep, tag, a):
    info = dict(kv.split("=", 1) for kv in T.read(os.path.join(a.d, "dimm.txt")).split()
                if "=" in kv)
    b = [int(info.get("b%d" % i, -1)) for i in range(1, 6)]
    online = a.sysfs("dimm-online")
    bad = []
    for name, blocks, zone in [("online-normal", b[0:2], "Normal"),
                               ("online-movable", b[2:4], "Movable")]:
        rows, schema = a.table(name, "changes")
        if a.rc(name) != "0" or not rows or schema != 1:
            bad.append("%s: exit %s rows %r %s" % (name, a.rc(name), rows and len(rows),
                                                   a.err(name)[:200]))
            continue
        got = {r["block"] for r in rows}
        if got != set(blocks):
            bad.append("%s: blocks %s want %s" % (name, sorted(got), blocks))
        for r in rows:
            s = online.get(r["block"], {})
            if (r["state_before"], r["state_after"]) != ("offline", "online") or \
                    s.get("state") != "online" or r["zones_after"] != zone or \
                    s.get("valid_zones", "").lower() != zone.lower() or \
                    "O" in r["section_before"] or "O" not in r["section_after"] or \
                    r["changed"] is not True:
                bad.append("%s: row %r sysfs %r" % (name, r, s))
    rep.check("%s act-dimm-online" % tag, not bad, "; ".join(bad[:3]))
    # partial: b2 already online, b5 onlined -> exit 64, one line for b2
    rows, _ = a.table("online-partial", "changes")
    final = a.sysfs("dimm-final")
    lines = [x for x in a.err("online-partial").splitlines() if x.startswith("memscope: ")]
    ok = a.rc("online-partial") == "64" and len(lines) == 1 and \
        ("memory%d" % b[1]) in lines[0] and rows and \
        any(r["block"] == b[4] and r["state_after"] == "online" for r in rows)
    rep.check("%s act-online-partial-64" % tag, ok, "exit %s %r %r" % (
        a.rc("online-partial"), lines, rows and rows[-1]))
    rows, _ = a.table("online-dry", "changes")
    ok = a.rc("online-dry") == "0" and rows and \
        all(r["state_after"] == r["state_before"] for r in rows)
    rows2, _ = a.table("offline-single", "changes")
    ok2 = a.rc("offline-single") == "0" and rows2 and \
        all(r["state_before"] == "online" and r["state_after"] == "offline" and
            "O" in r["section_before"] and "O" not in r["section_after"] for r in rows2) and \
        final.get(b[4], {}).get("state") == "offline"
    rep.check("%s act-dry-run" % tag, ok, "exit %s rows %r" % (a.rc("online-dry"), rows))
    rep.check("%s act-offline-single" % tag, ok2, "exit %s rows %r sysfs %r" % (
        a.rc("offline-single"), rows2, final.get(b[4])))
    return info


def check_pinned_offline(rep, tag, a, info):
    pb = info.get("pinned_block", "")
    if not pb.isdigit():
        rep.check("%s act-pin-anon-in-normal" % tag, False,
                  "no pinned page in the hot-added Normal blocks: %s" % a.out("pin-anon")[:300])
        return
    pb = int(pb)
    pins = [r for r in pairs(a.out("pin-anon")) if r.get("BLOCK") == str(pb) and
            int(r.get("PINCOUNT_AFTER", "0") or 0) > 0]
    rep.check("%s act-pin-anon-in-normal" % tag, bool(pins), "block %d" % pb)
    # the kernel refused (or timed out), its error on stderr, then blockers
    err = a.err("offline-pinned")
    blk, _ = a.table("offline-pinned", "blockers")
    pinned = [r for r in blk or [] if r.get("reason") == "pinned" and r.get("block") == pb]
    ok = a.rc("offline-pinned") == "1" and "memory%d" % pb in err and pinned
    rep.same("%s act-offline-refused-blockers" % tag, ok, "exit %s stderr %r blockers %r" % (
        a.rc("offline-pinned"), err[:200], (blk or [])[:3]))
    # blockers names the pinned pfns with their pin counts, as pin saw them
    blk, schema = a.table("blockers-pinned", "blockers")
    # JSON pfns are integers, text pfns hex (issue 11)
    named = {r["pfn"]: r for r in blk or [] if r.get("reason") == "pinned"}
    bad = []
    if schema != 1 or not named:
        bad.append("no pinned rows (exit %s)" % a.rc("blockers-pinned"))
    for p in pins[:8]:
        r = named.get(int(p["PFN"], 16))
        if r is None:
            # a run may start earlier in blockers (merged); find it
            r = next((x for x in named.values() if x["pfn"] <= int(p["PFN"], 16) <
                      x["pfn"] + x["pages"]), None)
        if r is None or r.get("pincount", 0) < 1:
            bad.append("pfn %s (pinned by pin) not named: %r" % (p["PFN"], r))
    # blockers against pin: memscope against memscope (the kernel's decision
    # is check_decisions)
    rep.same("%s act-blockers-names-pins" % tag, not bad, "; ".join(bad[:3]))
    blk, _ = a.table("blockers-released", "blockers")
    left = [r for r in blk or [] if r.get("reason") == "pinned"]
    rep.same("%s act-pins-gone-after-release" % tag,
              a.rc("blockers-released") == "0" and not left and
              T.read(os.path.join(a.d, "pin-anon.rc")).strip() == "0",
              "exit %s, %d pinned rows left, pin exit %s" % (
                  a.rc("blockers-released"), len(left),
                  T.read(os.path.join(a.d, "pin-anon.rc")).strip()))


def check_diff(rep, tag, a, meta):
    """Issue 15: `memscope diff` of snapshots taken around online-normal
    says what that action reported, and nothing else of sections, blocks,
    pgmaps or vmemmap (compound and deferred move on their own)."""
    snaps = [os.path.join(a.d, n + ".snap") for n in ("before-online", "after-online")]
    if not all(os.path.exists(s) for s in snaps):
        rep.check("%s act-diff" % tag, False, "no snapshots: %s" %
                  T.read(os.path.join(a.d, "capture-before.err"))[:200])
        return
    p = subprocess.run([meta["memscope"], "diff", "-J"] + snaps, capture_output=True, text=True)
    rows = json.loads(p.stdout).get("diff", []) if p.stdout.strip() else []
    acted, _ = a.table("online-normal", "changes")
    want, got = set(), set()
    for r in acted or []:
        if r["state_before"] != r["state_after"]:
            want.add(("block", str(r["block"]), "state", r["state_before"], r["state_after"]))
        if r["zones_before"] != r["zones_after"]:
            want.add(("block", str(r["block"]), "zones", r["zones_before"], r["zones_after"]))
        if r["active_before"] != r["active_after"]:
            want.add(("section", str(r["section"]), "active", str(r["active_before"]),
                      str(r["active_after"])))
        if ("O" in r["section_before"]) != ("O" in r["section_after"]):
            want.add(("section", str(r["section"]), "online", "O" in r["section_before"],
                      "O" in r["section_after"]))
    for r in rows:
        if r["object"] in ("block", "section") and r["field"] != "class":
            if r["object"] == "section" and r["field"] == "flags":
                got.add(("section", r["id"], "online", "online" in (r["a"] or "").split(","),
                         "online" in (r["b"] or "").split(",")))
            else:
                got.add((r["object"], r["id"], r["field"], r["a"], r["b"]))
        elif r["object"] in ("pgmap", "vmemmap"):
            got.add((r["object"], r["id"], r["field"], r["a"], r["b"]))
    # memscope diff against memscope online's own report: a consistency check
    rep.same("%s act-diff-equals-online" % tag, p.returncode == 1 and acted and got == want,
              "exit %d %s; diff only %s; action only %s" % (
                  p.returncode, p.stderr.strip()[:200], sorted(got - want)[:4],
                  sorted(want - got)[:4]))


def check(rep, tag, d, meta):
    a = Act(d)
    dev = dict(kv.split("=", 1) for kv in T.read(os.path.join(a.d, "daxdevs.txt")).split()
               if kv.startswith(("big=", "small=")))
    big, small = dev.get("big", ""), dev.get("small", "")
    rep.setup("%s act-namespaces" % tag, T.read(os.path.join(a.d, "namespaces.rc")).strip() == "0"
              and big and small, T.read(os.path.join(a.d, "namespaces.log"))[-300:])
    check_dax(rep, tag, a, big, small)
    size = 0
    for line in T.read(os.path.join(a.d, "daxdevs.txt")).splitlines():
        f = line.split()
        if f and f[0] == small:
            size = int(f[1].split("=")[1])
    check_pin_dax(rep, tag, a, small, size)
    check_bad(rep, tag, a)
    info = check_dimm(rep, tag, a)
    check_diff(rep, tag, a, meta)
    check_pinned_offline(rep, tag, a, info)
    check_pin_vmstat(rep, tag, a)
    check_decisions(rep, tag, a)


def _pins(a, name):
    """net FOLL_PIN pins the kernel holds: nr_foll_pin_acquired - released"""
    v = dict(l.split() for l in T.read(os.path.join(a.d, "vmstat-%s.txt" % name)).splitlines()
             if len(l.split()) == 2)
    try:
        return int(v["nr_foll_pin_acquired"]) - int(v["nr_foll_pin_released"])
    except KeyError:
        return None


def _pin_delta(rows, key_before, key_after, key_pages, key_kind):
    """Pins memscope saw added: per folio head its _pincount delta, per run of
    base pages (pincount = refcount / GUP_PIN_COUNTING_BIAS) delta x pages."""
    total = 0
    for r in rows:
        d = int(r.get(key_after) or 0) - int(r.get(key_before) or 0)
        total += d if r.get(key_kind) == "head" else d * int(r.get(key_pages) or 1)
    return total


def check_pin_vmstat(rep, tag, a):
    """issue 11: what `pin` says it pinned, against the kernel's own counters
    (/proc/vmstat nr_foll_pin_acquired/released, read before, while held, after)."""
    for name, json_out in (("pin-dax", True), ("pin-anon", False)):
        before, held, after = (_pins(a, "%s-%s" % (name, p)) for p in ("before", "held", "after"))
        if json_out:
            rows = []
            for doc in docs(a.out(name)):
                rows = doc.get("pinned", rows)
            got = _pin_delta(rows, "pincount_before", "pincount_after", "pages", "kind")
        else:   # -P: the pinned rows, then the released rows (first sighting of a pfn)
            rows, seen = [], set()
            for r in pairs(a.out(name)):
                if "PINCOUNT_AFTER" in r and r.get("PFN") not in seen:
                    seen.add(r.get("PFN"))
                    rows.append(r)
            got = _pin_delta(rows, "PINCOUNT_BEFORE", "PINCOUNT_AFTER", "PAGES", "KIND")
        if None in (before, held, after):
            rep.check("%s act-%s-vmstat" % (tag, name), False, "no nr_foll_pin_* in /proc/vmstat")
            continue
        rep.check("%s act-%s-vmstat" % (tag, name), rows and got == held - before and
                  after == before,
                  "memscope pinned %d (%d rows), the kernel holds %d more pins while held, "
                  "%+d after the release" % (got, len(rows), held - before, after - before))


def check_decisions(rep, tag, a):
    """issue 11: blockers predicts, for every online block, whether the kernel
    offlines it; the kernel then decides (echo offline > memoryN/state)."""
    tried, why = {}, {}
    for line in T.read(os.path.join(a.d, "decide.txt")).splitlines():
        f = line.split()
        if len(f) >= 3 and f[0].isdigit():
            tried[int(f[0])] = f[2] == "state=offline"
            why[int(f[0])] = " ".join(f[5:]) or f[1]
    d = Act.__new__(Act)
    d.d = os.path.join(a.d, "decide")
    refused, bad = set(), []
    for b in sorted(tried):
        rows, schema = d.table("blockers-%d" % b, "blockers")
        if d.rc("blockers-%d" % b) not in ("0", "1") or schema != 1:
            bad.append("block %d: blockers exit %s %s" % (b, d.rc("blockers-%d" % b),
                                                          d.err("blockers-%d" % b)[:100]))
        elif rows:
            refused.add(b)
    if not tried:
        bad.append("no block tried (decide.txt)")
    bad += ["block %d: memscope %s, the kernel %s" % (
        b, "refuses (%s)" % "".join(sorted({r.get("reason", "?") for r in
                                            d.table("blockers-%d" % b, "blockers")[0] or []}))
        if b in refused else "offlines", "offlined it" if went else "refused (%s)" % why[b])
        for b, went in sorted(tried.items()) if went == (b in refused)]
    went = sorted(b for b, w in tried.items() if w)
    rep.setup("%s act-decisions-mixed" % tag, went and len(went) < len(tried),
              "%d of %d blocks offlined: the scenario needs both outcomes" % (len(went), len(tried)))
    print("INFO %s act-offline-decisions: %d blocks, offlined %s" % (tag, len(tried), went))
    rep.check("%s act-offline-decisions" % tag, not bad, "; ".join(bad[:6]))
