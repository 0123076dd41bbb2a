"""Host side of the reference decoders (issue 11): read each QEMU dump a
boot took (guest lab_dump NAME -> build/lab/run/<k>-<boot>/dump-NAME.elf)
with drgn (tests/lab/oracle/drgn_state.py) and crash 9 (`kmem -n`), both
in the sid root of oracle_env.py, and keep only their output:
  results/<k>/<boot>/oracle/NAME.drgn.json, NAME.crash.txt, NAME.log
The dumps (guest RAM + NVDIMM, GBs) are deleted once read.
"""
import glob
import os
import subprocess
import time

from . import oracle_env
from .common import LAB_DIR, log

DRGN_SCRIPT = os.path.join(LAB_DIR, "oracle", "drgn_state.py")
DRGN_VI_SCRIPT = os.path.join(LAB_DIR, "oracle", "drgn_vmcoreinfo.py")
TIMEOUT = 1200


def _ranges(dest, name):
    """pfn ranges the guest asked drgn to read for dump NAME
    (dest/dump-ranges/NAME.txt: FIRST-LAST words)."""
    try:
        with open(os.path.join(dest, "dump-ranges", name + ".txt")) as f:
            return [tuple(int(x) for x in w.split("-")) for w in f.read().split()]
    except (OSError, ValueError):
        return []


def read_dumps(kname, work, dest, crash=True, drgn_args=()):
    """drgn on every dump of `work` (drgn_state.py given drgn_args too), crash
    (crash=True) on the last one; results under dest/oracle."""
    dumps = sorted(glob.glob(os.path.join(work, "dump-*.elf")))
    if not dumps:
        return
    out = os.path.join(dest, "oracle")
    os.makedirs(out, exist_ok=True)
    try:
        vmlinux = oracle_env.vmlinux_dbg(kname)
        oracle_env.sid_root()
    except RuntimeError as e:
        with open(os.path.join(out, "unavailable.txt"), "w") as f:
            f.write("%s\n" % e)
        log("%s: no reference decoder: %s" % (kname, e))
        vmlinux = None
    # crash loads the whole vmlinux into its gdb first: 2-3 min per dump under
    # TCG load, so it reads the boot's last dump only (drgn: 20 s, every dump)
    last = max(dumps, key=os.path.getmtime)
    for dump in dumps:
        name = os.path.basename(dump)[len("dump-"):-len(".elf")]
        if vmlinux:
            _drgn(dump, vmlinux, os.path.join(out, name), _ranges(dest, name), drgn_args)
            if crash and dump == last:
                _crash(dump, vmlinux, os.path.join(out, name))
        if not os.environ.get("MEMSCOPE_LAB_KEEP_DUMP"):
            os.unlink(dump)


def _run(args, binds, logpath, stdin=None):
    t0 = time.monotonic()
    with open(logpath, "a") as lf:
        lf.write("$ %s\n" % " ".join(args))
        lf.flush()
        try:
            p = oracle_env.chroot(args, binds=binds, stdout=subprocess.PIPE, stderr=lf,
                                  timeout=TIMEOUT, input=stdin)
        except subprocess.TimeoutExpired:
            # (subprocess.run kills the child) the assertion says it is missing
            lf.write("timeout after %ds\n" % TIMEOUT)
            return subprocess.CompletedProcess(args, 124, "", "")
        lf.write("exit %d in %.1fs\n" % (p.returncode, time.monotonic() - t0))
    return p


def _drgn(dump, vmlinux, base, ranges, extra=(), vmcoreinfo=None):
    """vmcoreinfo: a file of VMCOREINFO text for a dump without the note
    (drgn_vmcoreinfo.py hands it to drgn's Program(vmcoreinfo=...))."""
    binds = {os.path.dirname(dump), os.path.dirname(vmlinux),
             os.path.dirname(base), os.path.dirname(DRGN_SCRIPT)}
    args = [DRGN_SCRIPT, base + ".drgn.json"] + ["%d-%d" % r for r in ranges] + list(extra)
    if vmcoreinfo:
        binds.add(os.path.dirname(vmcoreinfo))
        cmd = ["python3", DRGN_VI_SCRIPT, vmcoreinfo, dump, vmlinux] + args
    else:
        cmd = ["drgn", "-q", "-c", dump, "-s", vmlinux, "--no-default-symbols"] + args
    p = _run(cmd, sorted(binds), base + ".log")
    if p.returncode != 0 and os.path.exists(base + ".drgn.json"):
        os.unlink(base + ".drgn.json")


def _crash(dump, vmlinux, base):
    binds = sorted({os.path.dirname(dump), os.path.dirname(vmlinux)})
    # kmem -n needs neither the modules nor the slab caches: skipping both
    # saves most of crash's start-up, and 9.0 cannot parse 7.x's struct module
    p = _run(["crash", "--no_modules", "--no_kmem_cache", "-s", vmlinux, dump], binds,
             base + ".log",
             stdin="kmem -n\nquit\n")
    with open(base + ".crash.txt", "w") as f:
        f.write(p.stdout or "")
