"""(memscope against memscope: every check here is a SAME, issue 11.)

Issue 6 assertions, on the "main" boot: the snapshot the guest captured
after hot-add (post/snapshot/snap.elf), read on the host with the same
memscope binary, must give the rows the guest's live kernel gave, command
by command (JSON, every column); the snapshot holds only what memscope read.
"""
import os
import subprocess

COMMANDS = ["sections", "subsections", "blocks", "summary", "deferred", "vmemmap", "devices"]


def _rows(text):
    """The output without its "source" line (/proc/kcore vs the file); the
    text is compared, not parsed: identical rows, byte for byte."""
    lines = [l for l in text.splitlines() if '"source"' not in l]
    return "\n".join(lines) if lines else None


def check(rep, tag, d, meta):
    s = os.path.join(d, "post", "snapshot")
    snap = os.path.join(s, "snap.elf")
    rc = open(os.path.join(s, "capture.rc")).read().strip() if os.path.exists(
        os.path.join(s, "capture.rc")) else "missing"
    if not rep.setup("%s snapshot-captured" % tag, rc in ("0", "64") and os.path.exists(snap),
                     "capture rc=%s: %s" % (rc, open(os.path.join(s, "capture.err")).read()[-300:]
                                            if os.path.exists(os.path.join(s, "capture.err")) else "")):
        return
    size = os.path.getsize(snap)
    rep.same("%s snapshot-small" % tag, size < 128 << 20, "%d bytes" % size)
    for c in COMMANDS:
        live = open(os.path.join(s, "live-%s.json" % c)).read()
        # summary is not a table: it takes no --output-all (as in lab_snapshot)
        p = subprocess.run([meta["memscope"], "-c", snap, c, "-J", "-b"] +
                           ([] if c == "summary" else ["--output-all"]),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        same = p.returncode == 0 and _rows(p.stdout) == _rows(live) and _rows(live) is not None
        rep.same("%s snapshot-same-%s" % (tag, c), same,
                  "host rc=%d %s" % (p.returncode, p.stderr.strip()[:200]))
    os.unlink(snap)   # 40 MB per kernel; the rows above are what it was for
