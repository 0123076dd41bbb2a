"""Self-test of the assertions: break memscope's output of a collected result
in known ways and require that the matching assertion fails.  Runs on the host
only, on results left by `lab.py check` (no guest is booted)."""
import contextlib
import io
import json
import os
import shutil
import tempfile

from . import asserts


def _edit(path, fn):
    with open(path) as f:
        doc = json.load(f)
    fn(doc)
    with open(path, "w") as f:
        json.dump(doc, f)


def _sec(doc, pred):
    return next(s for s in doc["sections"] if pred(s))


def _map(doc, n):
    return next(s for s in doc["subsections"] if s["section"] == n)


def _flip(s, i):
    return s[:i] + ("." if s[i] == "#" else "#") + s[i + 1:]


# (name, phase, file, mutation, assertion expected to fail)
MUTATIONS = [
    ("drop a section", "post", "sections-json",
     lambda d: d["sections"].pop(3), "sections-set"),
    ("clear online on a boot section", "post", "sections-json",
     lambda d: _sec(d, lambda s: s["section"] == 5).update(
         flags="present,memmap,early", state="PME"), "sections-of-blocks"),
    ("mark a hot-added section early", "post", "sections-json",
     lambda d: _sec(d, lambda s: s["section"] == 40).update(
         flags="present,memmap,online,early", state="PMOE"), "hotplug-memscope"),
    ("state letters disagree with flags", "post", "sections-json",
     lambda d: _sec(d, lambda s: s["section"] == 1).update(state="PMO"), "section-fields"),
    ("zone_device on an aligned device section", "post", "sections-json",
     lambda d: _sec(d, lambda s: s["section"] == 33).update(
         flags="present,memmap,zone_device", state="PMD"), "zone-device"),
    ("device section with a block", "post", "sections-json",
     lambda d: _sec(d, lambda s: s["section"] == 35).update(block=35), "zone-device"),
    ("device section marked online", "pre", "sections-json",
     lambda d: _sec(d, lambda s: s["section"] == 34).update(
         flags="present,memmap,online", state="PMO"), "zone-device"),
    ("inactive sub-section in a RAM section", "post", "subsections-json",
     lambda d: _map(d, 7).update(map=_flip(_map(d, 7)["map"], 10)), "subsections-vs-iomem"),
    ("partial map made full", "post", "subsections-json",
     lambda d: _map(d, 35).update(map="#" * 64, active=64), "partial-last-section"),
    ("block state wrong", "post", "blocks-json",
     lambda d: d["memory"][2].update(state="offline"), "blocks-match-lsmem"),
    ("block missing", "post", "blocks-json",
     lambda d: d["memory"].pop(), "blocks-match-sysfs"),
    ("zones wrong", "post", "blocks-json",
     lambda d: d["memory"][1].update(zones="Normal"), "blocks-match-lsmem"),
    # issue 11: the reference decoders and the kernel's counters
    ("memmap one struct page off", "post", "sections-json",
     lambda d: _sec(d, lambda s: s["section"] == 3).update(
         memmap="%#x" % (int(_sec(d, lambda s: s["section"] == 3)["memmap"], 16) + 64)),
     "drgn-sections"),
    ("memmap one struct page off (crash)", "post", "sections-json",
     lambda d: _sec(d, lambda s: s["section"] == 4).update(
         memmap="%#x" % (int(_sec(d, lambda s: s["section"] == 4)["memmap"], 16) + 64)),
     "crash-sections"),
    ("a device section's map one granule short", "pre", "subsections-json",
     lambda d: _map(d, 35).update(map=_flip(_map(d, 35)["map"], 0)), "drgn-sections"),
    ("node present one page more", "post", "summary-json",
     lambda d: d["nodes"][0].update(present=d["nodes"][0]["present"] + 1), "drgn-nodes"),
    ("node zones lose one", "pre", "summary-json",
     lambda d: d["nodes"][0]["zones"].pop(), "nodes-vs-zoneinfo"),
    # issue 12: the TUI's Section view against the tables (SAME)
    ("a hot-added section's class unlike the TUI's", "post", "sections-facts-json",
     lambda d: _sec(d, lambda s: s["section"] == 40).update({"class": "early"}),
     "tui-cli-sections"),
    ("a section's block unlike the TUI's", "pre", "sections-facts-json",
     lambda d: _sec(d, lambda s: s["section"] == 5).update(block=6), "tui-cli-sections"),
]


def _unreserve(text, n=8):
    """pages -r rows (labkit/kpf.py COLS): n reserved base pages lose the flag
    (more than asserts_pages.RACE_PFNS, so a failure, not KNOWN)"""
    out = []
    for line in text.splitlines():
        f = line.split(" ")
        if n and len(f) > 6 and f[1] == "base" and "reserved" in f[6].split(","):
            f[6] = ",".join(x for x in f[6].split(",") if x != "reserved")
            n -= 1
        out.append(" ".join(f))
    return "\n".join(out) + "\n"


# (name, phase, file under the phase, text mutation, assertion expected to fail)
TEXT_MUTATIONS = [
    ("eight reserved pages printed unreserved", "pre", "kpf/pages-all.out", _unreserve,
     "kpageflags-all"),
]


def _text_edit(path, fn):
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(fn(text))


def main(result_dir):
    """result_dir: a main/ boot result (nvdimm + hot-add) of any kernel."""
    ok = True
    for name, phase, fname, fn, expect in MUTATIONS + TEXT_MUTATIONS:
        tmp = tempfile.mkdtemp(prefix="lab-selftest-")
        try:
            d = os.path.join(tmp, "main")
            shutil.copytree(result_dir, d)
            if "/" in fname:
                _text_edit(os.path.join(d, phase, fname), fn)
            else:
                _edit(os.path.join(d, phase, "memscope", fname + ".out"), fn)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                asserts.main([d])
            failed = [l for l in out.getvalue().splitlines() if l.startswith("FAIL")]
            hit = any(("/%s %s:" % (phase, expect)) in l for l in failed)
            print("%s %s -> %s" % ("ok  " if hit else "MISS", name, expect))
            ok &= hit
        finally:
            shutil.rmtree(tmp)
    # issue 11: the drgn oracles of deferred (this main/) and, when the same
    # kernel's vmemmap boot was collected, of vmemmap and devices
    from . import asserts_contract, asserts_oracle
    ok &= asserts_contract.selftest(result_dir) == 0
    vm = os.path.join(os.path.dirname(os.path.abspath(result_dir)), "vmemmap")
    ok &= asserts_oracle.selftest([result_dir] + (
        [vm] if os.path.exists(os.path.join(vm, "oracle", "post.drgn.json")) else [])) == 0
    # the stress boot of the same kernel, when collected (its post/ too, issue 11)
    from . import asserts_stress
    st = os.path.join(os.path.dirname(os.path.abspath(result_dir)), "stress")
    if os.path.exists(os.path.join(st, "oracle", "post.drgn.json")):
        ok &= asserts_stress.selftest(st) == 0
    else:
        print("SKIP stress self-test: no stress result with its dump beside %s" % result_dir)
    return 0 if ok else 1
