"""Issue 15: `memscope metrics` in the main boot, after the hot-add.

Oracles: the memory-block tree (state, valid_zones, node link of every
block) read just before and just after the metrics, and /proc/vmstat's
memmap accounting (nr_memmap_boot_pages + nr_memmap_pages, 6.11+: pages
of struct pages the kernel allocated) against memscope_memmap_bytes of
the frames in RAM. The same metrics against the CLI's -J of the same
moment are consistency checks, printed as SAME and counted apart (only a
disagreement counts, as a failure). compound is left out of those: slab
churns between the two runs.
"""
import os
import subprocess
import sys

from . import truth as T
from .common import REPO

sys.path.insert(0, os.path.join(REPO, "tests", "fleet"))
import promvalues as PV  # noqa: E402


def _vmstat(path):
    out = {}
    for line in T.read(path).splitlines():
        k, _, v = line.partition(" ")
        if v.strip().isdigit():
            out[k] = int(v)
    return out


def _blocks_sysfs(path):
    """memscope_memory_blocks as the sysfs tree says: {labels: count}."""
    want = {}
    for b in T.sysfs_memory(path)[1].values():
        zones = "/".join({"none": "None"}.get(z, z)
                         for z in b.attrs.get("valid_zones", "").split())
        state = {"going-offline": "on->off"}.get(b.state, b.state)
        k = PV.key(node="" if b.node is None else b.node, zone=zones, state=state)
        want[k] = want.get(k, 0) + 1
    return want


def check(rep, tag, d):
    m = os.path.join(d, "post", "metrics")
    tag = "%s metrics" % tag
    rc = T.read(os.path.join(m, "metrics.rc")).strip()
    if not rep.check("%s-exit" % tag, rc == "0",
                     "exit %s: %s" % (rc, T.read(os.path.join(m, "metrics.err")).strip()[-300:])):
        return
    prom = os.path.join(m, "memscope.prom")
    fam = PV.parse(T.read(prom))
    try:
        p = subprocess.run(["promtool", "check", "metrics"], stdin=open(prom),
                           capture_output=True, text=True)
        rep.check("%s-promtool" % tag, p.returncode == 0, (p.stdout + p.stderr).strip())
    except OSError:
        print("SKIP %s-promtool: no promtool" % tag)

    before = _blocks_sysfs(os.path.join(m, "sysfs-before.txt"))
    after = _blocks_sysfs(os.path.join(m, "sysfs-after.txt"))
    got = fam.get("memscope_memory_blocks", {})
    if before != after:
        print("SKIP %s-blocks-vs-sysfs: the block tree changed during the run" % tag)
    else:
        rep.check("%s-blocks-vs-sysfs" % tag, got == before,
                  "metrics %s, sysfs %s" % (sorted(got.items()), sorted(before.items())))

    vb, va = _vmstat(os.path.join(m, "vmstat-before")), _vmstat(os.path.join(m, "vmstat-after"))
    if "nr_memmap_pages" not in vb:
        print("SKIP %s-memmap-vs-vmstat: no nr_memmap_pages in /proc/vmstat (before 6.11)" % tag)
    else:
        kernel = [(v.get("nr_memmap_boot_pages", 0) + v["nr_memmap_pages"]) * 4096
                  for v in (vb, va)]
        ram = sum(v for k, v in fam.get("memscope_memmap_bytes", {}).items()
                  if dict(k).get("memmap") == "ram")
        rep.check("%s-memmap-vs-vmstat" % tag, kernel[0] == kernel[1] and ram == kernel[0],
                  "memscope_memmap_bytes{memmap=ram} %d, vmstat (boot+memmap pages)*4096 %s "
                  "(nr_memmap_boot_pages %s, nr_memmap_pages %s; by owner %s)" %
                  (ram, kernel, vb.get("nr_memmap_boot_pages"), vb["nr_memmap_pages"],
                   sorted((dict(k)["owner"], dict(k)["memmap"], v)
                          for k, v in fam.get("memscope_memmap_bytes", {}).items())))

    # The service's bounding set suffices: the same families and blocks as
    # with every capability. Without CAP_SYS_RAWIO /proc/kcore stays shut
    # (exit 1); without CAP_SYS_ADMIN /proc/iomem shows zeros (the device
    # names: exit 64). CAP_SYSLOG is for kallsyms addresses, which only
    # kernels whose VMCOREINFO lacks a symbol need: noted, not asserted.
    def caps(name):
        return (T.read(os.path.join(m, "caps-%s.rc" % name)).strip(),
                T.read(os.path.join(m, "caps-%s.err" % name)).strip(),
                PV.parse(T.read(os.path.join(m, "caps-%s.prom" % name))))
    rc, err, fams = caps("all3")
    rep.check("%s-caps-service-set" % tag, rc == "0" and set(fams) == set(fam) and
              fams.get("memscope_memory_blocks") == fam.get("memscope_memory_blocks"),
              "exit %s: %s" % (rc, err[-300:]))
    rc, err, _ = caps("no-rawio")
    rep.check("%s-caps-without-rawio-fails" % tag, rc == "1" and "CAP_SYS_RAWIO" in err,
              "exit %s: %s" % (rc, err[-300:]))
    rc, err, _ = caps("no-admin")
    rep.check("%s-caps-without-admin-partial" % tag, rc == "64" and "/proc/iomem" in err,
              "exit %s: %s" % (rc, err[-300:]))
    rc, err, fams = caps("no-syslog")
    print("NOTE %s-caps-without-syslog: exit %s, %s%s" % (
        tag, rc, "same families" if set(fams) == set(fam) else "families differ",
        (": " + err.splitlines()[0][:200]) if err else ""))

    def report(kind, name, detail=""):
        if kind == "FAIL":
            rep.check("%s-%s" % (tag, name), False, detail)
        else:
            print("%s %s-%s%s" % (kind, tag, name, (": " + detail) if detail else ""))
    PV.report = report
    PV.check_sections(fam, m)
    PV.check_blocks(fam, m, None)
    PV.check_vmemmap(fam, m)
    PV.check_devices(fam, m)
    PV.check_deferred(fam, m)
