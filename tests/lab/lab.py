#!/usr/bin/python3
"""memscope QEMU lab.  See tests/lab/README.md.

  lab.py fetch [--kernels 6.1,6.12,7.3]
  lab.py check [--kernels ...] [--memscope PATH] [--jobs N]
  lab.py demo [--kernel 6.12] [--memscope PATH]
  lab.py shell KERNEL [--nvdimm [SIZE]] [--ns SIZE]... [--append ARGS] [--qemu-args ARGS] -- CMD
  lab.py artifacts [--kernels ...]
  lab.py assert DIR...            (re-run the host-side assertions on collected results)
  lab.py selftest [DIR]           (check that the assertions catch broken output)
"""
import argparse
import os
import shlex
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from labkit import initramfs, kernels, scenarios, vm  # noqa: E402
from labkit.common import BUILD, REPO, log  # noqa: E402


def _kernels(arg):
    names = [k.strip() for k in arg.split(",") if k.strip()]
    for n in names:
        if n not in kernels.KERNELS:
            raise SystemExit("unknown kernel %r (known: %s)" % (n, ", ".join(kernels.ALL)))
    return names


def _memscope(path):
    path = path or os.path.join(REPO, "memscope")
    if not os.path.exists(path):
        raise SystemExit("lab: memscope binary %s not found; run make, or pass --memscope" % path)
    return os.path.abspath(path)


def cmd_fetch(a):
    for n in _kernels(a.kernels):
        k = kernels.get(n)
        print("%s %s %s" % (n, k.release, k.vmlinuz))
    return 0


def _shell_job(cmd, nvdimm, namespaces):
    lines = [". /lab/lib.sh", "mkdir -p /out/files", "export OUT=/out/files"]
    if nvdimm:
        lines.append("lab_modules_nvdimm")
        if namespaces:
            lines.append("lab_namespaces %s >/out/namespaces.log 2>&1 || "
                         "{ cat /out/namespaces.log >&2; exit 1; }" % " ".join(namespaces))
    lines.append(cmd)
    return "\n".join(lines) + "\n"


def _copy_tree(src, dest):
    """Copy src into dest, merging into an existing directory."""
    for base, dirs, files in os.walk(src):
        rel = os.path.relpath(base, src)
        os.makedirs(os.path.join(dest, rel), exist_ok=True)
        for f in files:
            shutil.copyfile(os.path.join(base, f), os.path.join(dest, rel, f))


def _guest_memscope(path):
    """shell/artifacts: --memscope, else ./memscope, else build/memscope, else a placeholder."""
    if path:
        return _memscope(path)
    for p in (os.path.join(REPO, "memscope"), os.path.join(REPO, "build", "memscope")):
        if os.path.exists(p):
            return p
    log("no memscope binary built: the guest gets a placeholder")
    return scenarios.placeholder_memscope()


def cmd_shell(a):
    if not a.cmd:
        raise SystemExit("lab shell: give a command after --")
    k = kernels.get(a.kernel)
    initrd = initramfs.build(k, _guest_memscope(a.memscope))
    work = os.path.join(BUILD, "run", "shell-%s-%d" % (a.kernel, os.getpid()))
    m = vm.Machine(k, initrd, work, cmdline_extra=a.append or "", mem=a.mem,
                   nvdimm_size=a.nvdimm, qemu_args=shlex.split(a.qemu_args or ""),
                   timeout=a.timeout)
    files = {"job.sh": _shell_job(" ".join(a.cmd), a.nvdimm, a.ns)}
    if a.console:
        files["console"] = ""
    r = m.run(files, echo=a.console)
    if not a.console:
        sys.stdout.write(r.read("job.stdout", ""))
    sys.stderr.write(r.read("job.stderr", ""))
    dest = a.out or os.path.join(BUILD, "shell", a.kernel, "files")
    src = os.path.join(r.outdir, "files")
    if os.path.isdir(src) and os.listdir(src):
        if not a.out:
            shutil.rmtree(dest, ignore_errors=True)  # only our own default directory
        _copy_tree(src, dest)
    if os.path.isdir(src) and os.listdir(src):
        log("files written to $OUT in the guest are in %s" % dest)
    if r.rc is None:
        log("guest did not finish (timeout=%s); console: %s" % (r.timed_out, r.serial_log))
        return 125
    shutil.rmtree(work, ignore_errors=True)
    return r.rc


def cmd_artifacts(a):
    rc = 0
    memscope = _guest_memscope(a.memscope)
    for n in _kernels(a.kernels):
        k = kernels.get(n)
        initrd = initramfs.build(k, memscope)
        m = vm.Machine(k, initrd, os.path.join(BUILD, "run", "artifacts-" + n), timeout=a.timeout)
        r = m.run({"job.sh": ". /lab/lib.sh\nlab_artifacts /out/artifacts\n"})
        dest = os.path.join(BUILD, "artifacts", n)
        shutil.rmtree(dest, ignore_errors=True)
        if r.rc != 0:
            log("%s: artifacts job failed rc=%s, see %s" % (n, r.rc, r.serial_log))
            rc = 1
            continue
        shutil.copytree(os.path.join(r.outdir, "artifacts"), dest)
        shutil.copy(r.serial_log, os.path.join(dest, "serial.log"))
        log("%s: %s (%.1fs)" % (n, dest, r.elapsed))
    return rc


def cmd_check(a):
    return scenarios.check(_kernels(a.kernels), _memscope(a.memscope), jobs=a.jobs,
                           only=a.only)


def cmd_demo(a):
    return scenarios.demo(a.kernel, _memscope(a.memscope))


def cmd_assert(a):
    from labkit import asserts
    return asserts.main(a.dirs)


def cmd_selftest(a):
    from labkit import selftest
    if a.dir:
        return selftest.main(a.dir)
    return _selftest_all(selftest)


def _selftest_all(selftest):
    """make check (after the lab): the self-test over each kernel's main/
    result, so that every assertion is shown to fail on broken output.
    Each "ok" line is a pass, each MISS a failure, each SKIP a skip."""
    import contextlib
    import io
    passed = failed = skipped = 0
    for kname in kernels.ALL:
        d = os.path.join(BUILD, "results", kname, "main")
        if not os.path.isdir(d):
            print("SKIP %s: no main/ result (the lab did not run it)" % kname)
            skipped += 1
            continue
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                rc = selftest.main(d)
        except Exception as e:  # a self-test that cannot run has failed
            print(out.getvalue(), end="")
            print("FAIL %s self-test: %s: %s" % (kname, type(e).__name__, e))
            failed += 1
            continue
        for line in out.getvalue().splitlines():
            print("%s %s" % (kname, line))
            passed += line.startswith("ok")
            failed += line.startswith("MISS")
            skipped += line.startswith("SKIP")
        if rc and not any(l.startswith("MISS") for l in out.getvalue().splitlines()):
            print("FAIL %s self-test: exit %d" % (kname, rc))
            failed += 1
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


def main(argv=None):
    p = argparse.ArgumentParser(prog="lab.py", description="memscope QEMU lab")
    sub = p.add_subparsers(dest="command")
    sub.required = True
    all_k = ",".join(kernels.ALL)

    s = sub.add_parser("fetch", help="download and extract the lab kernels")
    s.add_argument("--kernels", default=all_k)
    s.set_defaults(fn=cmd_fetch)

    s = sub.add_parser("check", help="run every scenario on every kernel and assert")
    s.add_argument("--kernels", default=all_k)
    s.add_argument("--memscope", help="binary to test (default ./memscope)")
    s.add_argument("--jobs", type=int, default=2, help="guests run in parallel (default 2)")
    s.add_argument("--only", help="comma list of boots to run (main,plain)")
    s.set_defaults(fn=cmd_check)

    s = sub.add_parser("demo", help="boot 6.12 with an NVDIMM and run memscope on the console")
    s.add_argument("--kernel", default="6.12")
    s.add_argument("--memscope")
    s.set_defaults(fn=cmd_demo)

    s = sub.add_parser("shell", help="run a shell command in a guest")
    s.add_argument("kernel")
    s.add_argument("--nvdimm", nargs="?", const="1G", default=None, metavar="SIZE",
                   help="add an emulated NVDIMM (default 1G) and load the nvdimm/dax modules")
    s.add_argument("--ns", action="append", default=[], metavar="SIZE",
                   help="with --nvdimm: create a devdax namespace (-M mem -a 2M) of SIZE")
    s.add_argument("--mem", default="2G")
    s.add_argument("--append", help="extra kernel command line")
    s.add_argument("--qemu-args", help="extra QEMU arguments (one string, shell-split)")
    s.add_argument("--memscope", help="binary to put in the guest (default ./memscope)")
    s.add_argument("--out", help="host directory for files the command writes to $OUT")
    s.add_argument("--console", action="store_true", help="show the serial console live")
    s.add_argument("--timeout", type=int, default=300)
    s.set_defaults(fn=cmd_shell)

    s = sub.add_parser("artifacts", help="copy BTF, kallsyms, kcore head, iomem, sysfs "
                       "memory out of each kernel into build/lab/artifacts/<kernel>/")
    s.add_argument("--kernels", default=all_k)
    s.add_argument("--memscope")
    s.add_argument("--timeout", type=int, default=300)
    s.set_defaults(fn=cmd_artifacts)

    s = sub.add_parser("assert", help="re-run host-side assertions on result directories")
    s.add_argument("dirs", nargs="+")
    s.set_defaults(fn=cmd_assert)

    argv = list(sys.argv[1:] if argv is None else argv)
    cmd = []
    if "--" in argv:
        i = argv.index("--")
        argv, cmd = argv[:i], argv[i + 1:]
    s = sub.add_parser("selftest", help="mutate collected memscope output and require the "
                       "assertions to catch it (host only)")
    s.add_argument("dir", nargs="?", help="a main/ result dir (default: each "
                   "kernel's, with a closing count)")
    s.set_defaults(fn=cmd_selftest)

    a = p.parse_args(argv)
    a.cmd = cmd
    try:
        return a.fn(a)
    except RuntimeError as e:
        sys.stderr.write("lab: %s\n" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
