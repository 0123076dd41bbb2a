"""Assertions of the "stress" boot (issue 10): memscope while memory changes.

The guest hot-adds and removes pc-dimms (QMP) and onlines/offlines their
blocks in a loop while memscope runs; each run keeps the sysfs block states
just before and just after it, and toggle.log every state change the kernel
accepted, with its time. The oracle for a run is sysfs: the states a block
held from the run's start to its end (before, after, and every logged change
in between; a block present in neither snapshot did not exist).
- stress-*-no-crash (OK/FAIL, setup: a clean exit proves no figure): no
  signal exit, no sanitizer report, stderr only "memscope:" lines (a clean
  failure, exit 1, is allowed while the memory under the read goes away; it
  is printed as a NOTE, and the run's rows are a SKIP).
- stress-sections-*-vs-sysfs: every present section row's block existed and
  its online flag is a state that block held during the run, or the row is
  marked unstable; every block whose state held still through the run (same
  before and after, no change logged) has all its sections printed, with
  that state.
- stress-check-*-vs-sysfs: a problem row is only in a block that changed
  during the run (or is marked unstable): the rest is a healthy kernel.
- stress-tui-*-drew (OK/FAIL, setup: crash-freedom): the TUI quit by
  itself after its refreshes, exit 0, and drew its map meanwhile.
- stress-hotplug-*, stress-finished (OK/FAIL, setup: the scenario got the
  machine it asked for): each cycle's DIMM appeared (its blocks in sysfs),
  its blocks were toggled, and it was removed again.
Only the -vs-sysfs checks are PASS/FAIL here; the oracles of the quiet
machine at the end (post/: sysfs, lsmem, zoneinfo, drgn, crash, the dump
read on the host) are labkit/asserts.py's, asserts_drgn.py's and
asserts_dump.py's, as in the other boots.
`python3 -m labkit.asserts_stress DIR` checks a collected result again (the
whole boot, as lab.py check); `python3 -m labkit.asserts_stress --selftest
DIR` (also run by `lab.py selftest` when the stress boot of the main/
result's kernel was collected) breaks it in known ways and requires the
matching assertion to fail.
"""
import json
import os
import re
import sys

from . import report, truth as T

SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")


def states(path):
    """{block: state} from `grep -H . memory*/state` lines."""
    out = {}
    for line in T.read(path).splitlines():
        m = re.search(r"/memory(\d+)/state:(\S+)", line)
        if m:
            out[int(m.group(1))] = m.group(2)
    return out


class Run:
    def __init__(self, d, stem, times, toggles):
        self.name = stem.split("-", 1)[1]
        self.kind = re.sub(r"-\d+$", "", self.name)
        p = os.path.join(d, stem)
        self.out = T.read(p + ".out")
        self.err = T.read(p + ".err")
        rc = T.read(p + ".rc").strip()
        self.rc = int(rc) if rc.lstrip("-").isdigit() else None
        self.before = states(p + ".before")
        self.after = states(p + ".after")
        t0, t1 = times.get(stem, (None, None))
        # every state each block held during the run
        self.held = {}
        for b in set(self.before) | set(self.after):
            self.held[b] = {s for s in (self.before.get(b), self.after.get(b)) if s}
        self.changed = {b for b in self.held
                        if self.before.get(b) != self.after.get(b)}
        if t0 is not None:
            for t, b, s in toggles:
                if t0 <= t <= t1:
                    self.held.setdefault(b, set()).add(s)
                    self.changed.add(b)

    def doc(self, key):
        try:
            d = json.loads(self.out)
        except ValueError:
            return None
        return d.get(key) if isinstance(d, dict) and d.get("schema") == 1 else None


def load(d):
    s = os.path.join(d, "stress")
    times = {}
    for line in T.read(os.path.join(s, "times.txt")).splitlines():
        f = line.split()
        if len(f) == 3:
            times[f[0]] = (float(f[1]), float(f[2]))
    toggles = []
    for line in T.read(os.path.join(s, "toggle.log")).splitlines():
        f = line.split()
        if len(f) == 3 and f[1].isdigit():
            toggles.append((float(f[0]), int(f[1]), f[2]))
    stems = sorted(f[:-3] for f in os.listdir(s) if f.endswith(".rc")) if os.path.isdir(s) else []
    return s, [Run(s, st, times, toggles) for st in stems], toggles


def no_crash(rep, tag, r):
    bad = []
    if r.rc is None or r.rc >= 124:
        bad.append("exit %s" % r.rc)
    if SANITIZER.search(r.err):
        bad.append("sanitizer: %s" % SANITIZER.search(r.err).group(0))
    lines = [l for l in r.err.splitlines() if l.strip()]
    if r.kind != "tui":
        stray = [l for l in lines if not l.startswith("memscope: ")]
        if stray:
            bad.append("stderr not memscope's: %r" % stray[0][:120])
    ok = rep.setup("%s stress-%s-no-crash" % (tag, r.name), not bad, "; ".join(bad))
    if ok and r.rc not in (0, 64) and not (r.kind == "check" and r.rc == 1):
        print("NOTE %s stress-%s: exit %s: %s" % (tag, r.name, r.rc, (lines or ["?"])[0][:160]))
    return ok


def sections_vs_sysfs(rep, tag, r, block_size):
    rows = r.doc("sections")
    if rows is None:
        if r.rc == 0:
            rep.check("%s stress-%s-vs-sysfs" % (tag, r.name), False, "no sections JSON")
        else:
            rep.skip("%s stress-%s-vs-sysfs" % (tag, r.name), "exit %s: no rows" % r.rc)
        return
    bad, seen, unstable = [], {}, 0
    for row in rows:
        flags = (row.get("flags") or "").split(",")
        if "present" not in flags:
            continue
        start = int(row.get("start", "0"), 16)
        blk = start // block_size
        online = "online" in flags
        seen.setdefault(blk, set()).add(online)
        if "unstable" in flags or "unstable" in (row.get("state") or ""):
            unstable += 1
            continue
        held = r.held.get(blk, set())
        if not held:
            bad.append("section %s: block %d in no sysfs snapshot" % (row.get("section"), blk))
        elif not any((s == "online") == online or s == "going-offline" for s in held):
            bad.append("section %s: online=%s, block %d held %s" %
                       (row.get("section"), online, blk, ",".join(sorted(held))))
        if row.get("block") is not None and row.get("block") != blk:
            bad.append("section %s: block %s, sysfs block %d" % (row.get("section"), row.get("block"), blk))
    for b, st in sorted(r.before.items()):
        if b in r.changed or r.after.get(b) != st:
            continue
        if b not in seen:
            bad.append("block %d (%s all along) has no present section" % (b, st))
        elif seen[b] != {st == "online"}:
            bad.append("block %d (%s all along): sections say online=%s" % (b, st, sorted(seen[b])))
    rep.check("%s stress-%s-vs-sysfs" % (tag, r.name), not bad,
              "%d of %d rows: %s" % (len(bad), len(rows), "; ".join(bad[:4])))
    if unstable:
        print("NOTE %s stress-%s: %d rows marked unstable" % (tag, r.name, unstable))


def check_vs_sysfs(rep, tag, r, block_size):
    rows = r.doc("check")
    if rows is None:
        if r.rc in (0, 1):
            rep.check("%s stress-%s-vs-sysfs" % (tag, r.name), False, "no check JSON")
        else:
            rep.skip("%s stress-%s-vs-sysfs" % (tag, r.name), "exit %s: no rows" % r.rc)
        return
    bad, moving = [], 0
    for row in rows:
        pfn = int(row.get("pfn", 0))
        blk = pfn * 4096 // block_size
        if blk in r.changed or blk not in r.before or blk not in r.after or \
                "unstable" in str(row.get("problem", "")):
            moving += 1
            continue
        bad.append("pfn %d (block %d, %s all along): %s %s" %
                   (pfn, blk, r.before[blk], row.get("problem"), str(row.get("detail"))[:80]))
    rep.check("%s stress-%s-vs-sysfs" % (tag, r.name), not bad,
              "%d problem rows in blocks that held still: %s" % (len(bad), "; ".join(bad[:3])))
    if moving:
        print("NOTE %s stress-%s: %d problem rows in blocks that changed during the run" %
              (tag, r.name, moving))


def check(rep, tag, d, meta):
    s, runs, toggles = load(d)
    bs = T.read(os.path.join(s, "block_size.txt")).strip()
    block_size = int(bs) if bs.isdigit() else 128 << 20
    rep.setup("%s stress-finished" % tag, os.path.exists(os.path.join(s, "finished")) and runs,
              "%d runs, no stress/finished" % len(runs))
    for r in runs:
        if not no_crash(rep, tag, r):
            continue
        if r.kind.startswith("sections"):
            sections_vs_sysfs(rep, tag, r, block_size)
        elif r.kind == "check":
            check_vs_sysfs(rep, tag, r, block_size)
        elif r.kind == "tui":
            m = re.search(r"TUI-CAPTURES (\d+)", r.out)
            rep.setup("%s stress-%s-drew" % (tag, r.name),
                      r.rc == 0 and "memscope  1 Map" in r.out and m and int(m.group(1)) > 0,
                      "exit %s, screen %r" % (r.rc, r.out[:200]))
    k = 1
    while os.path.exists(os.path.join(s, "blocks-%d-before.txt" % k)):
        before = T.read(os.path.join(s, "blocks-%d-before.txt" % k)).split()
        added = [int(x) for x in T.read(os.path.join(s, "blocks-%d-added.txt" % k)).split()]
        after = T.read(os.path.join(s, "blocks-%d-after.txt" % k)).split()
        flips = sum(1 for _, b, _ in toggles if b in added)
        want = meta.get("stress_dimm_blocks") or 4
        rep.setup("%s stress-hotplug-%d" % (tag, k),
                  len(added) == want and flips >= 2 * len(added) and before == after,
                  "%d blocks added (want %d), %d state changes, removed: %s" %
                  (len(added), want, flips, before == after))
        k += 1


def _rows(doc_key, fn):
    def mutate(text):
        d = json.loads(text)
        fn(d[doc_key])
        return json.dumps(d)
    return mutate


def _first_stable(rows):
    return next(r for r in rows if "early" in r.get("flags", ""))


# (name, run file suffix, mutation of its text, assertion that must fail)
MUTATIONS = [
    ("boot section offline", "sections-1.out",
     _rows("sections", lambda rows: _first_stable(rows).update(
         flags="present,memmap,early")), "stress-sections-1-vs-sysfs"),
    ("boot section dropped", "sections-1.out",
     _rows("sections", lambda rows: rows.remove(_first_stable(rows))),
     "stress-sections-1-vs-sysfs"),
    ("section of no block", "sections-late-1.out",
     _rows("sections", lambda rows: rows.append(dict(
         rows[-1], section=4000, start=hex(4000 << 27), block=4000))),
     "stress-sections-late-1-vs-sysfs"),
    ("problem in boot memory", "check-1.out",
     _rows("check", lambda rows: rows.append(
         dict(pfn=4096, problem="not-tail", detail="mutated"))), "stress-check-1-vs-sysfs"),
    ("crash", "vmemmap-1.rc", lambda t: "139\n", "stress-vmemmap-1-no-crash"),
    ("sanitizer report", "compound-1.err",
     lambda t: "==1==ERROR: AddressSanitizer: heap-buffer-overflow\n",
     "stress-compound-1-no-crash"),
    ("stray stderr", "sections-2.err", lambda t: "garbage\n", "stress-sections-2-no-crash"),
    ("tui never quit", "tui-1.rc", lambda t: "124\n", "stress-tui-1-no-crash"),
    ("tui drew nothing", "tui-1.out", lambda t: "\n" * 40 + "TUI-CAPTURES 0\n",
     "stress-tui-1-drew"),
    ("dimm not removed", None, None, "stress-hotplug-1"),
    # issue 11: post/, the quiet machine at the end, against the oracles
    ("post: a section's memmap one struct page off", "post/memscope/sections-json.out",
     _rows("sections", lambda rows: rows[3].update(
         memmap="%#x" % (int(rows[3]["memmap"], 16) + 64))), "post drgn-sections"),
    ("post: a removed DIMM's section still present", "post/memscope/sections-json.out",
     _rows("sections", lambda rows: rows.append(dict(
         rows[-1], section=rows[-1]["section"] + 1, flags="present,memmap", state="PM",
         start=hex((rows[-1]["section"] + 1) << 27),
         end=hex(((rows[-1]["section"] + 2) << 27) - 1)))), "post sections-set"),
    ("post: a RAM granule inactive", "post/memscope/subsections-json.out",
     _rows("subsections", lambda rows: rows[5].update(map="." + rows[5]["map"][1:])),
     "post drgn-sections"),
    ("post: node present one page more", "post/memscope/summary-json.out",
     _rows("nodes", lambda nodes: nodes[0].update(present=nodes[0]["present"] + 1)),
     "post drgn-nodes"),
    ("post: a node zone lost", "post/memscope/summary-json.out",
     _rows("nodes", lambda nodes: nodes[0]["zones"].pop()), "post nodes-vs-zoneinfo"),
    ("post: a boot section in Movable", "post/memscope/sections-json.out",
     _rows("sections", lambda rows: rows[5].update(zone="Movable")),
     "post section-zones-vs-zoneinfo"),
    ("post: a block offline", "post/memscope/blocks-json.out",
     _rows("memory", lambda rows: rows[2].update(state="offline")), "post blocks-match-lsmem"),
    ("dump: a block offline", "post/dump/host-blocks.json",
     _rows("memory", lambda rows: rows[2].update(state="offline")), "dump-blocks-sysfs"),
]


def _check_all(d):
    """All of the boot's assertions (asserts.check_boot) on d, quietly:
    -> the names of the failed checks."""
    import contextlib
    import io
    from . import asserts
    rep = report.Quiet()
    with contextlib.redirect_stdout(io.StringIO()):
        asserts.check_boot(rep, d)
    return rep.failed_names


def selftest(result_dir):
    """Break a collected result in known ways: each must fail its assertion."""
    import shutil
    import tempfile
    meta = json.loads(T.read(os.path.join(result_dir, "meta.json"), "{}") or "{}")
    tag = "%s/%s" % (meta.get("kernel", "?"), meta.get("boot", "stress"))
    failed = _check_all(result_dir)
    print("%s unmutated result: %d failures %s" % ("ok  " if not failed else "BAD ",
                                                    len(failed), failed[:3]))
    misses = 0
    for name, suffix, fn, expect in MUTATIONS:
        with tempfile.TemporaryDirectory() as tmp:
            d = os.path.join(tmp, "r")
            shutil.copytree(result_dir, d)
            s = os.path.join(d, "stress")
            if suffix is None:
                with open(os.path.join(s, "blocks-1-after.txt"), "a") as f:
                    f.write("9999\n")
            else:
                if "/" in suffix:   # a file of the result, not a stress/ run's
                    p = os.path.join(d, suffix)
                else:
                    p = os.path.join(s, next(f for f in sorted(os.listdir(s))
                                             if f.split("-", 1)[-1] == suffix))
                text = fn(T.read(p))
                with open(p, "w") as f:
                    f.write(text)
            got = _check_all(d)
            hit = "%s %s" % (tag, expect) in got or "%s/%s" % (tag, expect) in got
            misses += not hit
            print("%s %s -> %s" % ("ok  " if hit else "MISS", name, expect))
    return 1 if misses or failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--selftest"]:
        sys.exit(selftest(sys.argv[2]))
    from . import asserts
    sys.exit(asserts.main(sys.argv[1:]))
