#!/usr/bin/env python3
"""memscope lab, issue 6: QEMU dump-guest-memory during deferred struct-page init.

  tests/lab/deferred_dump.py [--kernels 6.1,6.12,7.3] [--mem 8G] [--memscope ./memscope]

Boots a large guest (one CPU, nokaslr) with -device vmcoreinfo, a QMP socket
and QEMU's gdbstub, breaks in deferred_init_memmap() at the Nth call of
__free_pages_core() (addresses from kallsyms of an earlier nokaslr boot), dumps it (ELF, physical
addresses only) while stopped there, lets it boot, and dumps it again once userspace asked for
it (after loading qemu_fw_cfg, so that dump carries VMCOREINFO). Then, on
the host:
  - the mid-boot dump (VMCOREINFO lent by the guest's own snapshot of the
    same boot: the kernel builds it only in a later initcall) must say "in progress" with a consistent
    initialised/pending split;
  - the post-boot dump must say "complete" and agree with the guest's live
    `memscope deferred` and `subsections` rows.
Dumps are deleted after the run (they are the size of guest RAM).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labkit import elf_note, initramfs, kernels, oracle_env, oracles, vm  # noqa: E402
from labkit.asserts_oracle import check_deferred  # noqa: E402
from labkit.common import BUILD, log  # noqa: E402

# Two breakpoints: the per-node init thread's entry (deferred_init_memmap,
# reached once memblock_free_all() has freed the early memory), then the
# Nth __free_pages_core() after it, which deferred init calls per MAX_ORDER
# block it has initialised (6.1-7.3; the helpers around it are inlined
# differently per release). Timing the stop from console lines was tried
# first: deferred init lasts 60-240 ms under TCG, too short and too
# variable to hit.
START_AT = "deferred_init_memmap"
COUNT_AT = "__free_pages_core"
GDB_PORT_BASE = 12340


class RSP:
    """Just enough of the GDB remote protocol to break in the guest kernel."""

    def __init__(self, port, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.sock.settimeout(300)
        self.buf = b""

    def send(self, data):
        data = data.encode()
        self.sock.sendall(b"$%s#%02x" % (data, sum(data) & 0xff))

    def recv(self):
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i + 1) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                data, self.buf = self.buf[i + 1:j], self.buf[j + 3:]
                self.sock.sendall(b"+")
                return data.decode()
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("gdbstub closed")
            self.buf += chunk

    def cmd(self, data):
        self.send(data)
        return self.recv()


def kernel_symbols(kname, memscope, names):
    """Addresses under nokaslr, from a small boot of the same kernel (cached)."""
    cache = os.path.join(BUILD, "run", "%s-nokaslr-syms-%s.json" % (kname, "-".join(sorted(names))))
    if os.path.exists(cache):
        return json.load(open(cache))
    k = kernels.get(kname)
    m = vm.Machine(k, initramfs.build(k, memscope), os.path.join(BUILD, "run", "%s-syms" % kname),
                   cmdline_extra="nokaslr", mem="1G", smp=1, timeout=300)
    pat = "|".join(names)
    r = m.run({"job.sh": "grep -E ' (%s)$' /proc/kallsyms > /out/syms.txt\n" % pat})
    syms = {}
    for line in open(os.path.join(r.outdir, "syms.txt")):
        addr, _, name = line.split()
        syms[name] = int(addr, 16)
    json.dump(syms, open(cache, "w"))
    return syms


def break_and_dump(work, port, start, count, hits, dump, state):
    """Thread: break in deferred init, dump while stopped, let the guest go."""
    sock = os.path.join(work, "qmp.sock")
    g = RSP(port)
    qmp = None

    def run_to(addr, n):
        if g.cmd("Z0,%x,1" % addr) != "OK":
            raise RuntimeError("gdbstub refused the breakpoint at 0x%x" % addr)
        for i in range(n):
            if i:
                # step off the breakpoint first, or "c" reports it again
                g.cmd("z0,%x,1" % addr)
                g.cmd("s")
                g.cmd("Z0,%x,1" % addr)
            g.send("c")
            reply = g.recv()
            if not reply.startswith(("T", "S")):
                raise RuntimeError("gdbstub: %s" % reply)
        g.cmd("z0,%x,1" % addr)

    try:
        g.cmd("?")
        run_to(start, 1)
        g.cmd("s")
        run_to(count, hits)
        state["hits"] = hits
        qmp = vm.QMP(sock, timeout=30)
        qmp.sock.settimeout(900)   # the dump writes all of guest RAM
        qmp.cmd("dump-guest-memory", paging=False, protocol="file:" + dump)
        state["dumped"] = True
        g.send("D")
        g.recv()
        if qmp.cmd("query-status")["status"] != "running":
            qmp.cmd("cont")
    except Exception as e:  # noqa: BLE001 - reported by the caller
        state["error"] = repr(e)
    finally:
        if qmp:
            qmp.close()   # frees the QMP socket for the marker handler
        g.sock.close()


def post_dump(dump, state):
    def fn(qmp):
        qmp.cmd("stop")
        qmp.sock.settimeout(900)
        qmp.cmd("dump-guest-memory", paging=False, protocol="file:" + dump)
        state["post"] = True
        qmp.cmd("cont")
    return fn


class _Rep:
    """check_deferred's reporter: its verdict and detail kept for expect()."""

    def check(self, name, ok, detail=""):
        self.result = (name, ok, detail)


def drgn_deferred(kname, dump, base, vmcoreinfo=None):
    """drgn_state.py (DWARF vmlinux of linux-image-*-dbg) on `dump`: its doc,
    or a reason it could not run (str) for a SKIP, or None (drgn failed)."""
    try:
        vmlinux = oracle_env.vmlinux_dbg(kname)
        oracle_env.sid_root()
    except RuntimeError as e:
        return "no drgn: %s" % e
    os.makedirs(os.path.dirname(base), exist_ok=True)
    oracles._drgn(dump, vmlinux, base, [], vmcoreinfo=vmcoreinfo)
    try:
        return json.load(open(base + ".drgn.json"))
    except (OSError, ValueError):
        return None


def memscope_json(memscope, *args):
    p = subprocess.run([memscope] + list(args) + ["-J"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode:
        raise AssertionError("memscope %s: %s" % (" ".join(args), p.stderr.strip()))
    return json.loads(p.stdout)


def check(kname, memscope, mem, delay, keep=False):  # delay: breakpoint hits
    k = kernels.get(kname)
    work = os.path.join(BUILD, "run", "%s-dump" % kname)
    dest = os.path.join(BUILD, "results", kname, "dump")
    mid = os.path.join(BUILD, "run", "%s-dump-mid.elf" % kname)
    post = os.path.join(BUILD, "run", "%s-dump-post.elf" % kname)
    for p in (mid, post):
        if os.path.exists(p):
            os.unlink(p)
    state = {}
    syms = kernel_symbols(kname, memscope, [START_AT, COUNT_AT])
    hits = delay
    port = GDB_PORT_BASE + os.getpid() % 1000
    initrd = initramfs.build(k, memscope)   # after the symbol boot: the cache is pruned
    log("%s/dump: breaking in %s at call %d of %s" % (kname, START_AT, hits, COUNT_AT))
    # One CPU: one deferred-init thread, so the calls run in pfn order.
    m = vm.Machine(k, initrd, work, cmdline_extra="nokaslr", mem=mem, smp=1,
                   qemu_args=["-device", "vmcoreinfo", "-gdb", "tcp:127.0.0.1:%d" % port, "-S"],
                   timeout=600)
    t = threading.Thread(target=break_and_dump,
                         args=(work, port, syms[START_AT], syms[COUNT_AT], hits, mid, state),
                         daemon=True)
    t0 = time.monotonic()
    # Machine.run recreates the work dir first; start the watcher just after.
    threading.Timer(0.3, t.start).start()
    r = m.run({"job.sh": ". /lab/scenario-dump.sh\n"},
              on_marker={"dump-now": post_dump(post, state)})
    if t.is_alive() or t.ident:
        t.join(timeout=5)
    log("%s/dump: guest done in %.1fs rc=%s" % (kname, time.monotonic() - t0, r.rc))
    out = r.outdir
    root = os.path.join(out, "root")
    failures = []
    passes = []
    sames = []
    skips = []

    def skip(what):
        log("  SKIP %s" % what)
        skips.append(what)

    def expect(cond, what, same=False):
        """same: memscope against memscope (issue 11: SAME, counted apart);
        else against the kernel's state the gdb breakpoint fixed"""
        log("  %s %s" % (("SAME" if same else "PASS") if cond else "FAIL", what))
        (failures if not cond else sames if same else passes).append(what)

    try:
        expect(state.get("dumped") and state.get("post"),
               "both dumps taken %s" % state.get("error", ""), same=True)
        live = json.load(open(os.path.join(out, "live-deferred.out")))["deferred"][0]
        snap = os.path.join(out, "boot.snap")
        # VMCOREINFO is built by a later initcall: lend the snapshot's (same boot)
        d_mid = memscope_json(memscope, "-c", mid, "--vmcoreinfo", snap, "--sysroot", root,
                              "deferred", "--output-all")["deferred"][0]
        d_post = memscope_json(memscope, "-c", post, "--sysroot", root, "deferred",
                               "--output-all")["deferred"][0]
        log("  live %s" % live)
        log("  mid  %s" % d_mid)
        log("  post %s" % d_post)
        expect(d_mid["state"] == "in progress", "mid-boot dump: in progress")
        expect(d_mid["pending"] > 0, "mid-boot dump: struct pages still pending")
        # holds by construction (memscope's own split): consistency only
        expect(d_mid["initialised"] + d_mid["pending"] == d_mid["scanned"],
               "mid-boot dump: initialised + pending = scanned", same=True)
        expect(d_mid["scanned"] == d_post["scanned"], "mid and post scanned the same zone",
               same=True)
        # The QEMU pc machine's Normal zone starts at 4 GiB; the boot CPU
        # initialised its first section: past it, the init thread's work.
        expect(d_mid["first_pending"] > 0x100000 + 32768 and d_mid["initialised"] > 2 * 32768,
               "mid-boot dump: the init thread made progress (first pending pfn %s)"
               % d_mid["first_pending"])
        fdp = d_mid["first_deferred_pfn"]
        expect(fdp is None or d_mid["first_pending"] >= fdp,
               "mid-boot: nothing pending below first_deferred_pfn (%s)" % fdp, same=True)
        expect(d_post["state"] == "complete" and d_post["pending"] == 0,
               "post-boot dump: complete")
        for key in ("spanned", "initialised", "pending", "state", "first_deferred_pfn"):
            expect(d_post[key] == live[key], "post-boot dump %s = live %s" % (key, key),
                   same=True)
        sub_live = json.load(open(os.path.join(out, "live-subsections.out")))
        sub_post = memscope_json(memscope, "-c", post, "--sysroot", root, "subsections")
        expect(sub_live == sub_post, "post-boot dump subsections = live rows", same=True)
        d_snap = memscope_json(memscope, "-c", snap, "deferred")["deferred"][0]
        expect(d_snap == {k2: live[k2] for k2 in d_snap}, "snapshot deferred = live",
               same=True)
        # issue 11: drgn, from the kernel's DWARF, reads pgdat first_deferred_pfn,
        # the deferrable zone and every boot struct page of it in each dump;
        # memscope's deferred -J of the same dump must say the same. The
        # mid-boot dump has no VMCOREINFO: drgn is given the post-boot dump's
        # note (QEMU's vmcoreinfo device, same nokaslr boot).
        note = elf_note.find(post)
        vi = note.desc if note else None
        vi_path = os.path.join(work, "vmcoreinfo.txt")
        if vi:
            with open(vi_path, "wb") as f:
                f.write(vi)
        for name, dump, vmci, extra in (
                ("mid", mid, vi_path if vi else None, ["--vmcoreinfo", snap]),
                ("post", post, None, [])):
            if name == "mid" and not vi:
                expect(False, "drgn-deferred %s: no VMCOREINFO note in the post-boot dump"
                       % name)
                continue
            t1 = time.monotonic()
            ref = drgn_deferred(kname, dump, os.path.join(out, "oracle", name), vmci)
            log("  drgn on the %s dump: %.1fs" % (name, time.monotonic() - t1))
            if isinstance(ref, str):
                skip("drgn-deferred %s: %s" % (name, ref))
                continue
            rows = memscope_json(memscope, "-c", dump, *extra, "--sysroot", root,
                                 "deferred", "-b", "--output-all")["deferred"]
            rep = _Rep()
            check_deferred(rep, name, ref or {}, rows if ref else None)
            _, ok, detail = rep.result
            log("  drgn %s %s" % (name, (ref or {}).get("deferred")))
            expect(ok, "drgn-deferred %s dump: memscope deferred = drgn's pgdat and struct "
                   "pages %s" % (name, "" if ok else detail or "(drgn failed, see oracle/)"))
    except (AssertionError, OSError, ValueError, KeyError, IndexError) as e:
        failures.append(str(e))
        log("  FAIL %s" % e)
    finally:
        for p in (mid, post):
            if os.path.exists(p) and not keep:
                os.unlink(p)
    subprocess.run(["rm", "-rf", dest])
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    subprocess.run(["cp", "-r", out, dest])
    subprocess.run(["rm", "-f", os.path.join(dest, "boot.snap")])
    return len(passes), len(sames), failures, len(skips)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kernels", default="6.1,6.12,7.3")
    p.add_argument("--mem", default="8G")
    p.add_argument("--memscope", default="./memscope")
    p.add_argument("--keep", action="store_true", help="keep the dumps (GiBs) for debugging")
    p.add_argument("--hits", type=int, default=400,
                   help="stop at this call of __free_pages_core in deferred init")
    a = p.parse_args()
    memscope = os.path.abspath(a.memscope)
    bad = {}
    passed = same = skipped = 0
    for kname in a.kernels.split(","):
        n, ns, f, nk = check(kname, memscope, a.mem, a.hits, a.keep)
        passed += n
        same += ns
        skipped += nk
        if f:
            bad[kname] = f
    for kname, f in bad.items():
        print("FAIL %s: %s" % (kname, "; ".join(f)))
    print("deferred-dump: %s" % ("FAIL" if bad else "PASS"))
    print("%d passed, %d failed, %d skipped" % (passed, sum(len(f) for f in bad.values()),
                                                skipped))
    print("%d same" % same)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
