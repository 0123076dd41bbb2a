#!/usr/bin/python3
"""bench/guest.py: memscope against the raw read, /proc/kpageflags, drgn and
crash, all inside one lab guest per kernel (issue 14 items 3 and 5).

  bench/guest.py [--kernels 6.12,7.3] [--mem 8G] [--runs 5] [--memscope PATH]
                 [--capture-mem 2G]

Boots each kernel (labkit: the cached Debian kernels, QEMU TCG) with the
lab's initramfs plus a second cpio holding the lab's Debian sid root
(python3-drgn 0.3, crash 9) and the kernel's DWARF vmlinux
(labkit/oracle_env.py), runs bench/inguest.sh in it and prints its table.
With --capture-mem, one more boot of the first kernel at that size times
`memscope capture FILE.zst` alone (item 5: a 2 GiB guest).
TCG makes absolute times meaningless: the ratios between the measures of
one round (interleaved, A B A B) are what the table is for. A benchmark,
not a test: `make bench-guest`, never part of make check.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "lab"))

from labkit import initramfs, kernels, oracle_env, vm  # noqa: E402
from labkit.common import BUILD, cache_dir, log  # noqa: E402

# what the guest does not need of the sid root (and mount points kept empty)
SKIP = ("var/cache", "var/lib/apt", "usr/share/doc", "usr/share/locale", "usr/share/man",
        "usr/share/info", "proc", "sys", "dev", "run", "tmp", "work", "check")


def _cpio(cwd, names, out):
    tmp = out + ".tmp.%d" % os.getpid()
    with open(tmp, "wb") as fo:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0"], cwd=cwd,
                       input="\n".join(names).encode() + b"\n", stdout=fo, check=True)
    os.rename(tmp, out)


def tools_cpio(name):
    """A newc cpio (cached) of sid-root/ (drgn, crash) and
    vmlinux-dbg/<name>/vmlinux, as paths below the guest's /."""
    root = oracle_env.sid_root()
    vmlinux = oracle_env.vmlinux_dbg(name)
    base = cache_dir()
    d = os.path.join(base, "bench")
    os.makedirs(d, exist_ok=True)
    out = os.path.join(d, "%s-tools.cpio" % name)
    newest = max(os.path.getmtime(os.path.join(root, ".complete")), os.path.getmtime(vmlinux))
    if os.path.exists(out) and os.path.getmtime(out) >= newest:
        return out
    log("building %s (sid root and the DWARF vmlinux)" % out)
    names = []
    top = os.path.basename(root)
    for dirpath, dirs, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        names.append(os.path.join(top, rel) if rel != "." else top)
        if rel in SKIP:
            dirs[:] = []
            continue
        # links to directories (bin -> usr/bin) are not walked into: kept as links
        links = [x for x in dirs if os.path.islink(os.path.join(dirpath, x))]
        dirs[:] = [x for x in dirs if x not in links]
        files = files + links
        for f in files:
            if rel == "." and f.startswith("."):
                continue
            names.append(os.path.join(top, rel, f) if rel != "." else os.path.join(top, f))
    vrel = os.path.relpath(vmlinux, base)
    parts = vrel.split(os.sep)
    for i in range(1, len(parts) + 1):
        names.append(os.path.join(*parts[:i]))
    _cpio(base, [os.path.normpath(n) for n in names], out)
    return out


def boot(name, memscope, mem, runs, capture_only, timeout, extra_env="", append=""):
    k = kernels.get(name)
    base = initramfs.build(k, memscope)
    files = {"inguest.sh": open(os.path.join(HERE, "inguest.sh")).read(),
             "drgn_pages.py": open(os.path.join(HERE, "drgn_pages.py")).read()}
    env = "RUNS=%d %s" % (runs, extra_env)
    qemu_args, on_marker = [], {}
    dump = os.path.join(BUILD, "bench", "%s-%s.elf" % (name, mem))
    if capture_only:
        # and a QEMU dump of the guest, for capture natively on the host
        env += " ONLY=capture DUMP=1"
        initrd = base
        qemu_args = ["-device", "vmcoreinfo"]
        os.makedirs(os.path.dirname(dump), exist_ok=True)
        on_marker = {"dump-bench": lambda qmp: vm.dump_and_resume(qmp, dump)}
    else:
        tools = tools_cpio(name)
        vrel = os.path.relpath(oracle_env.vmlinux_dbg(name), cache_dir())
        env += " SID=/sid-root VMLINUX=/%s" % vrel
        initrd = os.path.join(BUILD, "bench", "%s-initrd.cpio" % name)
        os.makedirs(os.path.dirname(initrd), exist_ok=True)
        with open(initrd, "wb") as fo:
            for part in (base, tools):
                with open(part, "rb") as fi:
                    shutil.copyfileobj(fi, fo, 1 << 20)
    files["job.sh"] = ("mkdir -p /out/files\n%s KERNEL=%s MEM=%s sh /job/inguest.sh\n"
                       % (env, name, mem))
    work = os.path.join(BUILD, "run", "bench-%s-%s-%d" % (name, mem, os.getpid()))
    m = vm.Machine(k, initrd, work, cmdline_extra=append, mem=mem, timeout=timeout,
                   qemu_args=qemu_args)
    log("booting %s with %s (%s)" % (name, mem, "capture only" if capture_only else
                                     "memscope, kpageflags, drgn, crash"))
    r = m.run(files, on_marker=on_marker)
    if initrd != base:
        os.unlink(initrd)
    out = r.read("job.stdout", "")
    if capture_only and os.path.exists(dump):
        try:
            out += native_capture(memscope, dump, os.path.join(r.outdir, "files", "root"), runs)
        except (RuntimeError, OSError, ValueError) as e:
            out += "native capture of the dump failed: %s\n" % e
        finally:
            os.unlink(dump)
    err = r.read("job.stderr", "")
    log("%s %s: rc=%s in %.0f s" % (name, mem, r.rc, r.elapsed))
    if r.rc is None:
        log("guest did not finish (timeout=%s); console: %s" % (r.timed_out, r.serial_log))
    else:
        shutil.rmtree(work, ignore_errors=True)
    return r.rc, out, err


def _secs(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if p.returncode not in (0, 64):
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.strip()[-300:]))
    return time.monotonic() - t


def native_capture(memscope, dump, root, runs):
    """memscope capture of the guest's QEMU dump on the host: FILE.zst,
    FILE uncompressed, and a raw read of as many bytes of the dump (from
    the page cache), interleaved; round 0 warms the cache."""
    d = os.path.dirname(dump)
    zst, plain = os.path.join(d, "native.zst"), os.path.join(d, "native.snap")
    base = [memscope, "-c", dump, "--sysroot", root, "capture", "--force"]
    rows = []
    for i in range(runs + 1):
        tz = _secs(base + [zst])
        tp = _secs(base + [plain])
        size = os.path.getsize(plain)
        t = time.monotonic()
        with open(dump, "rb") as f:
            left = size
            while left > 0:
                b = f.read(min(left, 1 << 20))
                if not b:
                    break
                left -= len(b)
        tr = time.monotonic() - t
        if i:
            rows.append((tz, tp, tr))
    zsize = os.path.getsize(zst)
    for f in (zst, plain):
        os.unlink(f)
    mz, mp, mr = (statistics.median(c) for c in zip(*rows))
    return ("native, on the host: memscope -c DUMP --sysroot ROOT capture, medians of %d "
            "(load %.1f):\n"
            "  capture FILE.zst  %7.3f s  (%d KiB)\n"
            "  capture FILE      %7.3f s  (%d KiB uncompressed)\n"
            "  raw read of %d KiB of the dump %7.3f s: capture.zst / raw read %.1fx slower, "
            "zstd costs %.3f s\n" % (
                len(rows), os.getloadavg()[0], mz, zsize >> 10, mp, size >> 10, size >> 10, mr,
                mz / mr if mr else 0, mz - mp))


def main():
    p = argparse.ArgumentParser(prog="bench/guest.py", description=__doc__.split("\n")[0])
    p.add_argument("--kernels", default="6.12,7.3")
    p.add_argument("--mem", default="8G")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--capture-mem", default="2G",
                   help="one more boot of the first kernel timing capture alone ('' : none)")
    p.add_argument("--memscope", default=os.path.join(REPO, "memscope"))
    p.add_argument("--timeout", type=int, default=1800, help="seconds per boot")
    p.add_argument("--env", default="", help="VAR=VALUE... for bench/inguest.sh (NPAGES, WAIT)")
    p.add_argument("--append", default="",
                   help="extra kernel command line (hugepagesz=1G hugepages=2: compound pages)")
    a = p.parse_args()
    memscope = os.path.abspath(a.memscope)
    if not os.path.exists(memscope):
        raise SystemExit("bench/guest.py: %s not built (make)" % memscope)
    names = [n for n in a.kernels.split(",") if n]
    jobs = [(n, a.mem, False) for n in names if a.mem]	# --mem '': capture alone
    if a.capture_mem:	# first: the shortest boot
        jobs.insert(0, (names[0], a.capture_mem, True))
    rc = 0
    for n, mem, cap in jobs:
        r, out, err = boot(n, memscope, mem, a.runs, cap, a.timeout, a.env, a.append)
        print("== %s, %s guest%s" % (n, mem, ", capture only" if cap else ""))
        sys.stdout.write(out)
        if err.strip():
            sys.stdout.write("-- stderr:\n" + err[-3000:])
        sys.stdout.flush()
        rc = rc or (r != 0)
    return rc


if __name__ == "__main__":
    sys.exit(main())
