"""Scenarios: which guests to boot, what each collects, then the assertions.

Per kernel, two boots cover the five scenarios:
  main   default paging (5-level under -cpu max) + KASLR, emulated NVDIMM with
         two devdax namespaces (256M, then 208M whose last section is partial),
         then a 1 GiB pc-dimm hot-added through QMP, onlined through sysfs
         (3 blocks kernel zone, 4 movable, 1 left offline).  Collects pre/ and post/.
  plain  2 GiB RAM only, "no5lvl nokaslr".  Collects boot/.
"""
import concurrent.futures
import json
import os
import shutil
import time

from . import asserts, asserts_dump, initramfs, kernels, oracles, vm
from .common import BUILD, GUEST_DIR, cache_dir, log

PLACEHOLDER = """#!/bin/sh
echo "memscope: placeholder binary (no ./memscope built yet)" >&2
exit 1
"""

# "oracles": the number of oracle checks (PASS/FAIL/KNOWN) the boot's assertions
# run, per kernel or for all ("*"); fewer is a failure (labkit/report.py)
# The checks every boot runs (labkit/asserts.check_shared), each at the
# collection points it names (directories of the boot's results):
# "kpf": an oracle check, every online RAM pfn of `memscope pages` against
#        /proc/kpageflags and /proc/kpagecount (guest/lib.sh lab_kpf, in
#        POINT/kpf; asserts_pages.check_all)
# "tui_cli": a SAME check, the TUI's Section view of every present section
#        against the sections and subsections tables (guest/lib.sh
#        lab_tui_cli, in POINT/memscope; asserts_tui.check_tui_cli)
BOOTS = {
    "main": dict(script="scenario-main.sh", cmdline="", nvdimm="1G", hotplug="1G",
                 phases=["pre", "post"], dumps=True, host_dump="post", drgn_args=["--vmemmap"],
                 # observed on 6.1, 6.12 and 7.3
                 oracles={"6.1": 55, "*": 56}, kpf=["pre", "post"], tui_cli=["pre", "post"]),
    "plain": dict(script="scenario-plain.sh", cmdline="no5lvl nokaslr", nvdimm=None,
                  hotplug=None, phases=["boot"], dumps=True, oracles=18,
                  kpf=["boot"], tui_cli=["boot"]),
    # issue 7: HVO on/off, a 1 GiB HugeTLB page, devdax 1G/2M/4K (-M mem) and -M dev,
    # a DIMM hot-added with memmap_on_memory; asserted by asserts_vmemmap.py
    "vmemmap": dict(script="scenario-vmemmap.sh", mem="3G", nvdimm="5G", hotplug="1G",
                    cmdline="hugetlb_free_vmemmap=on hugepagesz=1G hugepages=1 "
                            "memory_hotplug.memmap_on_memory=1", phases=[],
                    # issue 11: one dump at the end, for drgn and for memscope on the host
                    dumps=True, crash=False, host_dump="post", drgn_args=["--vmemmap"],
                    oracles={"6.1": 100, "*": 104},     # 6.1: no NR_MEMMAP counters
                    kpf=["end"], tui_cli=["end"]),
    # issue 3: struct pages (THP + a pin, slab, hugetlb 2M HVO off/on and 1G,
    # devdax -a 2M) against /proc/kpageflags, meminfo, hugepages sysfs, daxctl;
    # the bench (bench/pages.sh); asserted by asserts_pages.py
    "pages": dict(script="scenario-pages.sh", mem="3G", nvdimm="1G", hotplug=None,
                  cmdline="hugepagesz=1G hugepages=1", phases=[], dumps=True, crash=False,
                  oracles=20, kpf=["pages/nohvo", "pages/hvo"],
                  tui_cli=["pages/nohvo", "pages/hvo"]),
    # issue 4: hotplug/unplug a devdax device (Movable, auto-online, Normal), pin a
    # devdax device and anonymous memory, a QMP pc-dimm onlined by memscope, an
    # offline refused by a pin; asserted by asserts_act.py
    "act": dict(script="scenario-act.sh", cmdline="", nvdimm="1G", hotplug="1G",
                phases=[], dumps=True, crash=False, host_dump="post", oracles=31,
                kpf=["end"], tui_cli=["end"]),
    # issue 10: pc-dimms hot-added and removed through QMP, their blocks
    # onlined and offlined in a loop while memscope runs; asserts_stress.py;
    # issue 11: then post/ of the quiet machine, as plain's boot/, and one
    # dump of it for memscope on the host, drgn and crash (oracles: 15 against
    # sysfs during the cycles, 19 on post/ with kpageflags-all)
    "stress": dict(script="scenario-stress.sh", cmdline="", nvdimm=None, hotplug=None,
                   phases=["post"], dumps=True, host_dump="post",
                   markers=lambda: _stress_markers(3, "512M"), oracles=34,
                   kpf=["post"], tui_cli=["post"]),
}
BOOT_TIMEOUT = 900   # an idle host needs under 120 s; helpers share 2 cores
# dumps write all of guest memory twice (pre/, post/): a few GB under TCG load
DUMP_BOOT_TIMEOUT = 2400


def placeholder_memscope():
    """A stand-in binary so the lab boots before memscope exists."""
    p = os.path.join(cache_dir(), "memscope-placeholder")
    if not os.path.exists(p):
        with open(p, "w") as f:
            f.write(PLACEHOLDER)
        os.chmod(p, 0o755)
    return p


def _hotplug(size):
    def fn(qmp):
        log("  QMP: hot-adding a %s pc-dimm" % size)
        vm.hotadd_dimm(qmp, 0, size)
    return fn


def _stress_markers(cycles, size):
    def add(i):
        return lambda qmp: vm.hotadd_dimm(qmp, i, size)

    def remove(i):
        return lambda qmp: vm.remove_dimm(qmp, i)
    m = {}
    for i in range(1, cycles + 1):
        m["stress-add-%d" % i] = add(i)
        m["stress-del-%d" % i] = remove(i)
    return m


def _panicked_before_init(r):
    """The guest's kernel panicked before /init printed its first line."""
    if r.rc is not None or r.timed_out:
        return False
    try:
        with open(r.serial_log, errors="replace") as f:
            log_text = f.read()
    except OSError:
        return False
    return "Kernel panic" in log_text and "LAB: init" not in log_text


def run_boot(kname, boot, memscope):
    """Boot one scenario guest; return (result dir, Result)."""
    spec = BOOTS[boot]
    k = kernels.get(kname)
    initrd = initramfs.build(k, memscope)
    work = os.path.join(BUILD, "run", "%s-%s" % (kname, boot))
    m = vm.Machine(k, initrd, work, cmdline_extra=spec["cmdline"], nvdimm_size=spec["nvdimm"],
                   mem=spec.get("mem", "2G"), timeout=BOOT_TIMEOUT)
    markers = {"ready-for-hotplug": _hotplug(spec["hotplug"])} if spec["hotplug"] else {}
    if spec.get("markers"):
        markers.update(spec["markers"]())
    if spec.get("dumps"):   # issue 11: QEMU dumps for drgn and crash on the host
        m.qemu_args += ["-device", "vmcoreinfo"]   # the dumps carry VMCOREINFO
        m.timeout = DUMP_BOOT_TIMEOUT
        markers["dump-*"] = lambda qmp, marker: vm.dump_and_resume(
            qmp, os.path.join(work, marker + ".elf"))
    log("%s/%s: booting" % (kname, boot))
    r = m.run({"job.sh": ". /lab/%s\n" % spec["script"]}, on_marker=markers)
    reboots = 0
    if _panicked_before_init(r):
        # the guest kernel died before /init ran, so nothing was measured
        # (seen once on 7.3 under TCG: an int3 Oops in the idle loop 2 s
        # into boot): booted once more, said here and kept in meta.json
        log("%s/%s: the kernel panicked before /init ran; booting once more" % (kname, boot))
        reboots = 1
        r = m.run({"job.sh": ". /lab/%s\n" % spec["script"]}, on_marker=markers)
    dest = os.path.join(BUILD, "results", kname, boot)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(r.outdir, dest)
    shutil.copy(r.serial_log, os.path.join(dest, "serial.log"))
    if spec.get("host_dump"):   # issue 11: memscope reads a drgn dump too, before drgn
        asserts_dump.collect(dest, os.path.join(work, "dump-%s.elf" % spec["host_dump"]),
                             memscope, contract=boot == "main")
    if spec.get("dumps"):
        oracles.read_dumps(kname, work, dest, crash=spec.get("crash", True),
                           drgn_args=spec.get("drgn_args", ()))
    meta = {"kernel": kname, "release": k.release, "boot": boot,
            "cmdline_extra": spec["cmdline"], "nvdimm": spec["nvdimm"],
            "hotplug": spec["hotplug"], "phases": spec["phases"], "rc": r.rc,
            "timed_out": r.timed_out, "elapsed": round(r.elapsed, 1),
            "memscope": memscope, "reboots": reboots}
    with open(os.path.join(dest, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    log("%s/%s: done in %.1fs rc=%s%s" % (kname, boot, r.elapsed, r.rc,
                                           " TIMEOUT" if r.timed_out else ""))
    return dest, r


def check(knames, memscope, jobs=1, only=None):
    t0 = time.monotonic()
    boots = [b.strip() for b in only.split(",")] if only else list(BOOTS)
    for b in boots:
        if b not in BOOTS:
            raise SystemExit("unknown boot %r (known: %s)" % (b, ", ".join(BOOTS)))
    for n in knames:  # fetch and build serially (apt, depmod), boot in parallel
        initramfs.build(kernels.get(n), memscope)
    todo = [(n, b) for n in knames for b in boots]
    dirs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        for dest, _ in ex.map(lambda nb: run_boot(nb[0], nb[1], memscope), todo):
            dirs.append(dest)
    boot_time = time.monotonic() - t0
    rc = asserts.main(dirs)
    log("lab check: %d boots in %.0fs" % (len(todo), boot_time))
    return rc


def demo(kname, memscope):
    """make demo: on a terminal, memscope tui on the guest's console with a
    scenario changing the map (guest/demo-tui.sh); else the one-shot tables
    on the serial console (guest/demo.sh)."""
    if os.isatty(0) and os.isatty(1):
        return demo_terminal(kname, memscope)
    k = kernels.get(kname)
    initrd = initramfs.build(k, memscope)
    m = vm.Machine(k, initrd, os.path.join(BUILD, "run", "demo-" + kname), nvdimm_size="1G",
                   cmdline_extra="quiet",
                   timeout=BOOT_TIMEOUT)
    with open(os.path.join(GUEST_DIR, "demo.sh")) as f:
        script = f.read()
    r = m.run({"job.sh": script, "console": ""}, echo=True)
    return 0 if r.rc == 0 else 1


# terminfo entries the initramfs carries (initramfs.TERMINFO); others fall back
DEMO_TERMS = ("xterm-256color", "xterm", "tmux-256color", "tmux", "screen-256color",
              "screen", "linux", "vt100")


def demo_terminal(kname, memscope, pause=8):
    """The guest's console on this terminal, sized to it; the scenario's
    hot-add marker (on ttyS1: serial.log) is answered through QMP. Nothing
    is printed while the guest has the terminal; the log is in the run dir."""
    k = kernels.get(kname)
    print("make demo: building the guest for %s ..." % k.release, flush=True)
    initrd = initramfs.build(k, memscope)
    work = os.path.join(BUILD, "run", "demo-tui-" + kname)
    size = os.get_terminal_size(1)
    term = os.environ.get("TERM", "")
    m = vm.Machine(k, initrd, work, nvdimm_size="1G", cmdline_extra="quiet",
                   timeout=3600, terminal=True)
    job = ("DEMO_ROWS=%d DEMO_COLS=%d DEMO_TERM=%s DEMO_PAUSE=%d\n. /lab/demo-tui.sh\n"
           % (size.lines, size.columns, term if term in DEMO_TERMS else "xterm-256color",
              pause))
    print("make demo: booting %s (TCG: a minute or two); then memscope tui on the guest's "
          "kernel, a scenario changing its map every %d s; q quits" % (k.release, pause),
          flush=True)
    # silent: the guest's TUI has the terminal
    r = m.run({"job.sh": job}, on_marker={"demo-hotadd": lambda qmp: vm.hotadd_dimm(qmp, 0, "1G")})
    print("\nmake demo: guest ended (job exit %s); log: %s" % (r.rc, work))
    return 0 if r.rc == 0 else 1
