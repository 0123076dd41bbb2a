"""Build a per-kernel initramfs: busybox, memscope, ndctl/daxctl/lsmem/kmod,
the nvdimm/dax/kmem/virtio modules and the guest scripts.

Output is an uncompressed newc cpio (the kernel unpacks it fastest under TCG),
cached under <cache>/initramfs/ keyed by a hash of every input.
"""
import glob
import lzma
import os
import re
import shutil
import subprocess

from .common import GUEST_DIR, cache_dir, log, run, sha256_files

BUSYBOX = "/bin/busybox"
# host tool -> path inside the guest
TOOLS = {
    "/usr/bin/ndctl": "/usr/bin/ndctl",
    "/usr/bin/daxctl": "/usr/bin/daxctl",
    "/usr/bin/lsmem": "/usr/bin/lsmem",
    "/usr/bin/setpriv": "/usr/bin/setpriv",
    "/usr/bin/kmod": "/usr/bin/kmod",
    "/usr/bin/tmux": "/usr/bin/tmux",  # drives memscope tui (guest/tui.sh)
}
# terminfo entries for tmux and the TUI inside it (compiled, self-contained)
TERMINFO = ["tmux", "tmux-256color", "screen", "screen-256color", "xterm", "xterm-256color",
            "linux", "vt100"]
KMOD_LINKS = ["modprobe", "insmod", "rmmod", "lsmod", "modinfo", "depmod"]
# Modules wanted in the guest (missing ones are skipped: names moved between releases).
MODULES = ["virtio_pci", "virtio_blk", "nfit", "libnvdimm", "nd_pmem", "nd_btt",
           "dax_pmem", "dax_pmem_core", "dax_pmem_compat", "device_dax", "kmem",
           "qemu_fw_cfg"]  # writes VMCOREINFO for QEMU dumps (-device vmcoreinfo)
BUILDER_VERSION = "3"  # bump to invalidate cached images after layout changes


def _find_tool(path):
    if os.path.exists(path):
        return path
    alt = shutil.which(os.path.basename(path)) or shutil.which(
        os.path.basename(path), path="/usr/sbin:/sbin:/usr/bin:/bin")
    if not alt:
        raise RuntimeError("host tool %s not found (see tests/lab/README.md)" % path)
    return alt


def _ldd(path):
    """Shared libraries (resolved host paths) needed by `path`, incl. the loader."""
    p = subprocess.run(["ldd", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if "not a dynamic executable" in p.stdout or "statically linked" in p.stdout:
        return []
    if p.returncode != 0:
        raise RuntimeError("ldd %s: %s" % (path, p.stdout.strip()))
    libs = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if "not found" in line:
            raise RuntimeError("ldd %s: %s" % (path, line))
        m = re.match(r"\S+ => (/\S+)", line) or re.match(r"(/\S+)", line)
        if m:
            libs.append(m.group(1))
    return libs


def _copy(src, root, dest=None, mode=None):
    dest = dest or src
    out = os.path.join(root, dest.lstrip("/"))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    if os.path.lexists(out):
        os.unlink(out)
    shutil.copyfile(os.path.realpath(src), out)
    os.chmod(out, mode if mode is not None else (os.stat(src).st_mode & 0o7777))


def _depmod_full(kernel):
    """modules.dep for the whole extracted kernel (Debian ships none; postinst makes it)."""
    dep = os.path.join(kernel.moddir, "modules.dep")
    if os.path.exists(dep):
        return dep
    base = os.path.join(kernel.root, ".depmod")
    link = os.path.join(base, "lib", "modules", kernel.release)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if not os.path.lexists(link):
        os.symlink(kernel.moddir, link)
    run([_find_tool("/usr/sbin/depmod"), "-b", base, kernel.release])
    return dep


def _module_closure(kernel):
    dep = _depmod_full(kernel)
    deps = {}
    path_of = {}
    with open(dep) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            name = re.sub(r"\.ko(\.(xz|zst|gz))?$", "", os.path.basename(mod)).replace("-", "_")
            path_of[name] = mod
            deps[mod] = rest.split()
    want, seen = [], set()
    stack = [path_of[m] for m in MODULES if m in path_of]
    while stack:
        m = stack.pop()
        if m in seen:
            continue
        seen.add(m)
        want.append(m)
        stack.extend(deps.get(m, []))
    return sorted(want)


def _install_modules(kernel, root):
    dst = os.path.join(root, "lib", "modules", kernel.release)
    os.makedirs(dst, exist_ok=True)
    for rel in _module_closure(kernel):
        src = os.path.join(kernel.moddir, rel)
        plain = re.sub(r"\.ko\.(xz|zst|gz)$", ".ko", rel)
        out = os.path.join(dst, plain)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if rel.endswith(".xz"):
            with lzma.open(src) as fi, open(out, "wb") as fo:
                shutil.copyfileobj(fi, fo)
        elif rel.endswith(".zst"):
            run(["zstd", "-q", "-d", "-f", "-o", out, src])
        elif rel.endswith(".gz"):
            import gzip
            with gzip.open(src) as fi, open(out, "wb") as fo:
                shutil.copyfileobj(fi, fo)
        else:
            shutil.copyfile(src, out)
    for f in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
        if os.path.exists(os.path.join(kernel.moddir, f)):
            shutil.copyfile(os.path.join(kernel.moddir, f), os.path.join(dst, f))
    run([_find_tool("/usr/sbin/depmod"), "-b", root, kernel.release])


def _inputs(kernel, memscope):
    guest = sorted(glob.glob(os.path.join(GUEST_DIR, "*")))
    tools = [_find_tool(t) for t in TOOLS] + [BUSYBOX]
    return guest + tools + [memscope, os.path.abspath(__file__)], \
        ("%s|%s|%s" % (BUILDER_VERSION, kernel.release, memscope)).encode()


def build(kernel, memscope):
    """Return the path of an initramfs for `kernel` holding `memscope`."""
    memscope = os.path.abspath(memscope)
    if not os.path.exists(memscope):
        raise RuntimeError("memscope binary %s does not exist (build it, or pass --memscope)"
                           % memscope)
    files, extra = _inputs(kernel, memscope)
    key = sha256_files(files, extra)[:16]
    outdir = os.path.join(cache_dir(), "initramfs")
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, "%s-%s.cpio" % (kernel.name, key))
    if os.path.exists(out):
        return out
    log("building initramfs for %s (%s)" % (kernel.name, kernel.release))
    root = os.path.join(outdir, "%s-%s-root.%d" % (kernel.name, key, os.getpid()))
    shutil.rmtree(root, ignore_errors=True)
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "lib", "lib64", "proc", "sys", "dev",
              "tmp", "run", "etc", "root", "job", "out", "var/tmp", "mnt", "lab"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    _copy(BUSYBOX, root, "/bin/busybox", 0o755)
    applets = run([BUSYBOX, "--list"]).split()
    libs = set()
    for host, guest in TOOLS.items():
        host = _find_tool(host)
        _copy(host, root, guest, 0o755)
        libs.update(_ldd(host))
    _copy(memscope, root, "/usr/bin/memscope", 0o755)
    for name in TERMINFO:
        for base in ("/lib/terminfo", "/usr/share/terminfo", "/etc/terminfo"):
            src = os.path.join(base, name[0], name)
            if os.path.exists(src):
                _copy(src, root, os.path.join("/usr/share/terminfo", name[0], name), 0o644)
                break
    # tmux insists on a UTF-8 LC_CTYPE (it tries C.UTF-8 itself)
    ctype = "/usr/lib/locale/C.utf8/LC_CTYPE"
    if os.path.exists(ctype):
        _copy(ctype, root, ctype, 0o644)
    libs.update(_ldd(memscope))
    for lib in sorted(libs):
        _copy(lib, root, lib, 0o755)
        # the loader is asked for by its canonical path (/lib64/ld-linux-x86-64.so.2)
    for name in KMOD_LINKS:
        os.symlink("/usr/bin/kmod", os.path.join(root, "sbin", name))
    for a in applets:
        if a in ("busybox", "linuxrc", "init") or a in KMOD_LINKS or a in ("setpriv",):
            continue
        p = os.path.join(root, "bin", a)
        if not os.path.lexists(p):
            os.symlink("busybox", p)
    for f in sorted(glob.glob(os.path.join(GUEST_DIR, "*"))):
        _copy(f, root, "/lab/" + os.path.basename(f), 0o755)
    # guest helpers in C (issue 3: pagehelper; issue 7: vmwalk; issue 11: kpfsnap):
    # static, so they need no libraries
    for name in ("pagehelper", "vmwalk", "kpfsnap"):
        run(["gcc", "-static", "-O2", "-Wall", "-o", os.path.join(root, "lab", name),
             os.path.join(GUEST_DIR, name + ".c")])
    _copy(os.path.join(GUEST_DIR, "init"), root, "/init", 0o755)
    with open(os.path.join(root, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
    with open(os.path.join(root, "etc", "group"), "w") as f:
        f.write("root:x:0:\nnogroup:x:65534:\n")
    _install_modules(kernel, root)
    tmp = "%s.tmp.%d" % (out, os.getpid())
    with open(tmp, "wb") as fo:
        names = run(["find", "."], cwd=root)
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0"], cwd=root,
                       input=names.encode(), stdout=fo, check=True)
    shutil.rmtree(root)
    for old in glob.glob(os.path.join(outdir, "%s-*.cpio" % kernel.name)):
        os.unlink(old)  # a running QEMU keeps its open copy
    os.rename(tmp, out)
    log("initramfs %s: %d MiB" % (os.path.basename(out), os.path.getsize(out) >> 20))
    return out
