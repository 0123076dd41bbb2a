"""Paths and small helpers shared by the lab modules."""
import hashlib
import os
import subprocess
import sys
import time

LAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(os.path.dirname(LAB_DIR))
GUEST_DIR = os.path.join(LAB_DIR, "guest")
BUILD = os.path.join(REPO, "build", "lab")


def cache_dir():
    d = os.environ.get("MEMSCOPE_LAB_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "memscope-lab")
    os.makedirs(d, exist_ok=True)
    return d


_T0 = time.monotonic()


def log(msg):
    sys.stderr.write("lab[%6.1fs]: %s\n" % (time.monotonic() - _T0, msg))
    sys.stderr.flush()


def run(cmd, **kw):
    """Run a command, raise with its stderr on failure, return stdout text."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    p = subprocess.run(cmd, universal_newlines=True, **kw)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode,
                                                    (p.stderr or "").strip()[-2000:]))
    return p.stdout


def sha256_files(paths, extra=b""):
    h = hashlib.sha256(extra)
    for p in paths:
        h.update(p.encode() + b"\0")
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()
