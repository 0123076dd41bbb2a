"""The host side of the reference decoders: a Debian sid root holding drgn
and crash, and each lab kernel's DWARF vmlinux.

drgn and crash are far too slow inside a TCG guest, so they run on the host
against a QEMU dump-guest-memory of the guest.  sid (not trixie) because
trixie's python3-drgn 0.0.31 predates 7.1's page->compound_info; sid ships
0.3.0.  Both are cached under the lab cache:
  sid-root/                    debootstrap --variant=minbase + drgn, crash
  vmlinux-dbg/<kernel>/vmlinux the vmlinux of linux-image-<abi>-dbg
No archive host name is written here: the URI is the host's own (kernels.py).
"""
import fcntl
import glob
import os
import shutil
import subprocess

from . import kernels
from .common import cache_dir, log, run

SID_PACKAGES = ["python3-drgn", "crash", "python3"]


class _Lock:
    """One builder at a time per cache entry (parallel boots, other runs)."""

    def __init__(self, path):
        self.path = path + ".lock"

    def __enter__(self):
        self.f = open(self.path, "w")
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def sid_root():
    """Path of the cached sid root (built on first use, ~1 min)."""
    root = os.path.join(cache_dir(), "sid-root")
    done = os.path.join(root, ".complete")
    if os.path.exists(done):
        return root
    if not shutil.which("debootstrap"):
        raise RuntimeError("debootstrap not installed (scripts/install-deps)")
    with _Lock(root):
        if os.path.exists(done):
            return root
        tmp = root + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        log("debootstrap sid (drgn, crash) into %s" % root)
        cmd = ["debootstrap", "--variant=minbase", "--include=" + ",".join(SID_PACKAGES)]
        if os.path.exists(kernels.KEYRING):
            cmd.append("--keyring=" + kernels.KEYRING)
        else:
            cmd.append("--no-check-gpg")
        run(cmd + ["sid", tmp, kernels._host_debian_uri()])
        shutil.rmtree(root, ignore_errors=True)
        os.rename(tmp, root)
        open(done, "w").close()
    return root


def chroot(args, binds=(), **kw):
    """Run args inside the sid root, with host directories bind-mounted at
    the same path (read the dump and vmlinux, write the JSON).  A private
    mount namespace (unshare -m) keeps the binds off the host."""
    root = sid_root()
    script = ["set -e"]
    for d in binds:
        script.append("mkdir -p %s && mount --bind %s %s" % (
            _q(root + d), _q(d), _q(root + d)))
    script.append("mount -t proc proc %s" % _q(root + "/proc"))
    script.append("exec chroot %s %s" % (_q(root), " ".join(_q(a) for a in args)))
    kw.setdefault("universal_newlines", True)
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                           "\n".join(script)], **kw)


def _q(s):
    return "'" + s.replace("'", "'\\''") + "'"


def vmlinux_dbg(name):
    """The DWARF vmlinux of lab kernel `name` (from linux-image-<abi>-dbg)."""
    k = kernels.get(name)
    d = os.path.join(cache_dir(), "vmlinux-dbg", name)
    out = os.path.join(d, "vmlinux")
    if os.path.exists(out):
        return out
    os.makedirs(d, exist_ok=True)
    with _Lock(d):
        if os.path.exists(out):
            return out
        suite = kernels.KERNELS[name][0]
        apt = kernels.Apt(suite)
        apt.ensure_lists()
        pkg = "linux-image-%s-dbg" % k.release
        tmp = os.path.join(d, "deb")
        os.makedirs(tmp, exist_ok=True)
        have = glob.glob(os.path.join(tmp, pkg + "_*.deb"))
        if not have:
            log("apt-get download %s (about 1 GB, cached)" % pkg)
            apt.download(pkg, tmp)
            have = glob.glob(os.path.join(tmp, pkg + "_*.deb"))
        # extract only the vmlinux (usr/lib/debug/boot/vmlinux-<release>, near the
        # start of the archive; --occurrence=1 stops there instead of inflating the
        # module debug files after it: minutes under load)
        member = "./usr/lib/debug/boot/vmlinux-%s" % k.release
        if "/usr/lib/modules/" in k.vmlinuz:
            # 7.x puts the image under usr/lib/modules (kernels.Kernel); its -dbg
            # package the vmlinux too, boot/vmlinux-<release> is a symlink to it
            member = "./usr/lib/debug/lib/modules/%s/vmlinux" % k.release
        p = subprocess.run("dpkg-deb --fsys-tarfile %s | tar -xO --occurrence=1 %s > %s.tmp" % (
            _q(sorted(have)[-1]), _q(member), _q(out)), shell=True,
            stderr=subprocess.PIPE, universal_newlines=True)
        if p.returncode != 0 or os.path.getsize(out + ".tmp") == 0:
            raise RuntimeError("no %s in %s: %s" % (member, pkg, p.stderr.strip()[-300:]))
        os.rename(out + ".tmp", out)
        shutil.rmtree(tmp)  # the vmlinux is what we keep
    return out


if __name__ == "__main__":
    import sys
    print(sid_root())
    for n in sys.argv[1:] or kernels.ALL:
        print(n, vmlinux_dbg(n))
