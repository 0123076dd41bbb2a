"""Fetch Debian kernels (vmlinuz + modules) into the lab cache.

apt-get runs with a private configuration (state, cache and source list under
the lab cache), so nothing is installed on the host.  The archive URI is read
at run time from the host's own apt sources; no archive host name is written
in this repository.
"""
import glob
import os
import re
import shutil

from .common import cache_dir, log, run

# name -> (suite, version prefix of the kernel ABI, apt meta package)
KERNELS = {
    "6.1": ("bookworm", "6.1.", "linux-image-amd64"),
    "6.12": ("trixie", "6.12.", "linux-image-amd64"),
    "7.3": ("trixie-backports", "7.3.", "linux-image-amd64"),
}
ALL = ["6.1", "6.12", "7.3"]
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


def _host_debian_uri():
    """The main archive URI of the host's apt sources (deb822 or one-line)."""
    uris = []
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path) as f:
            for line in f:
                m = re.match(r"\s*URIs:\s*(.+)", line)
                if m:
                    uris += m.group(1).split()
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    m = re.match(r"\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)", line)
                    if m:
                        uris.append(m.group(1))
    override = os.environ.get("MEMSCOPE_LAB_APT_URI")
    if override:
        return override
    for u in uris:
        if "security" not in u and "ports" not in u:
            return u.rstrip("/")
    raise RuntimeError("no Debian archive URI found in /etc/apt sources "
                       "(set MEMSCOPE_LAB_APT_URI)")


class Apt:
    """apt-get/apt-cache with a private state for one suite."""

    def __init__(self, suite):
        self.suite = suite
        self.root = os.path.join(cache_dir(), "apt", suite)
        for d in ("state/lists/partial", "cache/archives/partial", "etc/preferences.d",
                  "etc/apt.conf.d"):
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        self.sources = os.path.join(self.root, "etc", "sources.list")

    def opts(self):
        r = self.root
        return ["-o", "Dir::State=" + r + "/state",
                "-o", "Dir::State::status=" + r + "/state/status",
                "-o", "Dir::Cache=" + r + "/cache",
                "-o", "Dir::Etc::SourceList=" + self.sources,
                "-o", "Dir::Etc::SourceParts=" + r + "/etc/none",
                "-o", "Dir::Etc::Preferences=" + r + "/etc/preferences",
                "-o", "Dir::Etc::PreferencesParts=" + r + "/etc/preferences.d",
                "-o", "APT::Get::List-Cleanup=0",
                "-o", "Debug::NoLocking=1",
                "-o", "APT::Architecture=amd64",
                "-o", "APT::Architectures=amd64"]

    def update(self, trusted):
        uri = _host_debian_uri()
        opt = "[trusted=yes]" if trusted else "[signed-by=%s]" % KEYRING
        with open(self.sources, "w") as f:
            f.write("deb %s %s %s main\n" % (opt, uri, self.suite))
        status = os.path.join(self.root, "state", "status")
        if not os.path.exists(status):
            open(status, "w").close()
        run(["apt-get", "-q"] + self.opts() + ["update"])

    def ensure_lists(self):
        stamp = os.path.join(self.root, "updated")
        if os.path.exists(stamp):
            return
        try:
            self.update(trusted=not os.path.exists(KEYRING))
        except RuntimeError as e:
            log("apt update with keyring failed (%s); retrying with trusted=yes" %
                str(e).splitlines()[-1][:200])
            self.update(trusted=True)
        open(stamp, "w").close()

    def cache(self, *args):
        return run(["apt-cache"] + self.opts() + list(args))

    def versions(self, pkg):
        out = self.cache("madison", pkg)
        return [l.split("|")[1].strip() for l in out.splitlines() if "|" in l]

    def depends(self, spec):
        out = self.cache("depends", spec)
        deps = []
        for line in out.splitlines():
            m = re.match(r"\s*\|?(?:Pre)?Depends:\s*(\S+)", line)
            if m and not m.group(1).startswith("<"):
                deps.append(m.group(1))
        return deps

    def download(self, pkg, dest):
        run(["apt-get", "-q"] + self.opts() + ["download", pkg], cwd=dest)


def _vercmp(a, b):
    """dpkg version comparison via dpkg itself (a > b)."""
    import subprocess
    return subprocess.call(["dpkg", "--compare-versions", a, "gt", b]) == 0


def _newest(versions):
    best = None
    for v in versions:
        if best is None or _vercmp(v, best):
            best = v
    return best


def resolve(name):
    """Return the list of binary packages holding the kernel image and modules."""
    suite, prefix, meta = KERNELS[name]
    apt = Apt(suite)
    apt.ensure_lists()
    vers = [v for v in apt.versions(meta) if v.startswith(prefix)]
    if not vers:
        raise RuntimeError("no %s %s* in %s" % (meta, prefix, suite))
    ver = _newest(vers)
    image = [d for d in apt.depends("%s=%s" % (meta, ver))
             if d.startswith("linux-image-") and d[len("linux-image-"):].startswith(prefix)]
    if not image:
        raise RuntimeError("cannot resolve image package of %s=%s" % (meta, ver))
    pkgs = [image[0]]
    # 7.x splits the image package: follow linux-binary-* / linux-modules-*.
    for d in apt.depends(image[0]):
        if re.match(r"linux-(binary|modules|image|base)-" + re.escape(prefix), d) and d not in pkgs:
            pkgs.append(d)
    return apt, pkgs


class Kernel:
    """An extracted kernel: vmlinuz path, release string, module tree."""

    def __init__(self, name, root):
        self.name = name
        self.root = root
        vmlinuz = sorted(glob.glob(os.path.join(root, "boot", "vmlinuz-*")))
        if vmlinuz:
            self.vmlinuz = vmlinuz[0]
            self.release = os.path.basename(self.vmlinuz)[len("vmlinuz-"):]
        else:  # 7.x: usr/lib/modules/<release>/vmlinuz
            vmlinuz = sorted(glob.glob(os.path.join(root, "usr/lib/modules/*/vmlinuz")))
            if not vmlinuz:
                raise RuntimeError("no vmlinuz in " + root)
            self.vmlinuz = vmlinuz[0]
            self.release = os.path.basename(os.path.dirname(self.vmlinuz))
        for d in ("usr/lib/modules", "lib/modules"):
            p = os.path.join(root, d, self.release)
            if os.path.isdir(p):
                self.moddir = p
                break
        else:
            raise RuntimeError("no modules for %s in %s" % (self.release, root))


def kernel_root(name):
    return os.path.join(cache_dir(), "kernels", name)


def fetch(name):
    """Download and extract kernel `name` unless already present; return Kernel."""
    root = kernel_root(name)
    done = os.path.join(root, ".complete")
    if os.path.exists(done):
        return Kernel(name, root)
    log("fetching kernel %s" % name)
    apt, pkgs = resolve(name)
    debs = os.path.join(cache_dir(), "debs", name)
    os.makedirs(debs, exist_ok=True)
    tmp = root + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for pkg in pkgs:
        have = glob.glob(os.path.join(debs, pkg + "_*.deb"))
        if not have:
            log("  apt-get download %s" % pkg)
            apt.download(pkg, debs)
            have = glob.glob(os.path.join(debs, pkg + "_*.deb"))
        run(["dpkg-deb", "-x", sorted(have)[-1], tmp])
    with open(os.path.join(tmp, ".packages"), "w") as f:
        f.write("\n".join(os.path.basename(p) for p in sorted(glob.glob(debs + "/*.deb"))) + "\n")
    Kernel(name, tmp)  # validate before publishing
    shutil.rmtree(root, ignore_errors=True)
    os.rename(tmp, root)
    k = Kernel(name, root)
    open(done, "w").close()
    log("kernel %s: %s" % (name, k.release))
    return k


def get(name):
    if name not in KERNELS:
        raise SystemExit("unknown kernel %r (known: %s)" % (name, ", ".join(ALL)))
    return fetch(name)
