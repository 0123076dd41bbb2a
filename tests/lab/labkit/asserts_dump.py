"""Issue 11, "dumps stand alone", on the main, vmemmap and act boots: at the
end of the boot the guest records memscope's live rows, sysfs and lsmem
(guest/dump.sh lab_dump_rows), then the host takes a QMP dump-guest-memory
of that moment (lab_dump post) and reads it with memscope, given only the
guest's kallsyms and BTF (no sysfs, no /proc/iomem: memory blocks and iomem
come from kernel memory); drgn reads the same dump next (oracles.py).

  dump-vs-live-<cmd>   memscope on the dump = memscope live: SAME (a
                       consistency check, memscope against memscope)
  dump-blocks-sysfs    blocks from the dump = the guest's sysfs: PASS
  dump-blocks-lsmem    blocks from the dump = lsmem: PASS
  dump-vmcoreinfo-<cmd> the same dump with its VMCOREINFO note hidden (a
                       kdump-style core without it), the note lent by a
                       small ELF through --vmcoreinfo: the same rows, SAME

Valid zones of an offline block are computed by the kernel at read time
(valid_zones_show()): a dump cannot hold them, memscope leaves them empty,
and both comparisons skip them, saying so.
"""
import json
import os
import resource
import struct
import subprocess
import sys
import time

from . import elf_note
from . import truth as T
from .common import REPO

CONTRACT = os.path.join(REPO, "tests", "cli", "contract.py")

COMMANDS = ["sections", "blocks", "vmemmap", "devices"]


def _donor(path, hdr, note):
    """A small ELF holding only the note: what --vmcoreinfo borrows."""
    eh = bytearray(hdr)
    struct.pack_into("<Q", eh, 32, 64)             # e_phoff
    struct.pack_into("<Q", eh, 40, 0)              # e_shoff
    struct.pack_into("<HHH", eh, 56, 1, 0, 0)      # e_phnum, e_shentsize, e_shnum
    ph = struct.pack("<IIQQQQQQ", 4, 0, 64 + 56, 0, 0, len(note), len(note), 4)
    with open(path, "wb") as f:
        f.write(bytes(eh) + ph + note)


def _read_dump(d, prefix, args, memscope):
    for c in COMMANDS:
        p = subprocess.run([memscope] + args + [c, "-J", "-b", "--output-all"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        for ext, text in (("json", p.stdout), ("err", p.stderr), ("rc", "%d\n" % p.returncode)):
            with open(os.path.join(d, "%s-%s.%s" % (prefix, c, ext)), "w") as f:
                f.write(text)


def collect(dest, dump, memscope, contract=False):
    """Reads the dump on the host into dest/post/dump/host-*; keeps the dump
    (drgn reads it next, oracles.read_dumps, and drops it).  `contract`: the
    output contract (tests/cli/contract.py) on the dump too, into
    dest/post/dump/contract.log (labkit/asserts_contract.py)."""
    d = os.path.join(dest, "post", "dump")
    if not os.path.isdir(d) or not os.path.exists(dump):
        return
    root = os.path.join(d, "root")
    t0, c0 = time.monotonic(), _cpu()
    _read_dump(d, "host", ["-c", dump, "--sysroot", root], memscope)
    _timing(d, "host-read", t0, c0)
    if contract:
        t0, c0 = time.monotonic(), _cpu()
        with open(os.path.join(d, "contract.log"), "w") as f:
            p = subprocess.run([sys.executable, CONTRACT, memscope,
                                "dump:-c;%s;--sysroot;%s" % (dump, root)],
                               stdout=f, stderr=subprocess.STDOUT)
        with open(os.path.join(d, "contract.rc"), "w") as f:
            f.write("%d\n" % p.returncode)
        _timing(d, "contract", t0, c0)
    found = elf_note.find(dump)
    if found:   # hide the note (one byte of its name), lend it back, restore it
        off, hdr, note = found.name_off, found.hdr, found.note
        donor = os.path.join(d, "vmcoreinfo.elf")
        _donor(donor, hdr, note)
        os.chmod(dump, 0o600)
        with open(dump, "r+b") as f:
            f.seek(off)
            f.write(b"X")
        try:
            _read_dump(d, "vi", ["-c", dump, "--vmcoreinfo", donor, "--sysroot", root],
                       memscope)
        finally:
            with open(dump, "r+b") as f:
                f.seek(off)
                f.write(b"V")


def _cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timing(d, what, t0, c0):
    """Host seconds per step, wall and CPU of the children (a loaded host
    stretches the first, not the second), for the CI budget (timings.txt).
    With --jobs 2, a guest that ends meanwhile adds its QEMU's CPU too."""
    with open(os.path.join(d, "timings.txt"), "a") as f:
        f.write("%s wall %.1f cpu %.1f\n" % (what, time.monotonic() - t0, _cpu() - c0))


def _read(d, name):
    return T.read(os.path.join(d, name), "").strip()


def _rows(text):
    """The rows without the "source" line (/proc/kcore vs the dump)."""
    lines = [l for l in text.splitlines() if '"source"' not in l]
    return "\n".join(lines) if lines else None


def _blocks(text):
    return json.loads(text)["memory"]


def _unknown_zones(rows):
    """Offline blocks' zones: the kernel computes them at read time."""
    return {r["block"] for r in rows if r.get("state") != "online"}


def _skip(name, reason):
    """Until the Report counts skips itself: at least the line."""
    print("SKIP %s: %s" % (name, reason))


def check(rep, tag, d, meta):
    same = getattr(rep, "same", rep.check)   # SAME: memscope against memscope
    skip = getattr(rep, "skip", _skip)
    dd = os.path.join(d, "post", "dump")
    # preconditions compare nothing: they only ever FAIL, never PASS
    if not os.path.exists(os.path.join(dd, "host-blocks.rc")):
        rep.check("%s dump-taken" % tag, False, "no host-side rows in %s (was the dump taken? "
                  "fw_cfg: %s)" % (dd, _read(dd, "fw_cfg.txt")[:200]))
        return
    host, live = {}, {}
    for c in COMMANDS:
        rc, lrc = _read(dd, "host-%s.rc" % c), _read(dd, "live-%s.rc" % c)
        h, l = _read(dd, "host-%s.json" % c), _read(dd, "live-%s.json" % c)
        if rc != "0" or lrc != "0":
            rep.check("%s dump-read-%s" % (tag, c), False,
                      "host rc=%s %s; live rc=%s %s" % (rc, _read(dd, "host-%s.err" % c)[:200],
                                                        lrc, _read(dd, "live-%s.err" % c)[:200]))
            continue
        host[c], live[c] = h, l
    for c in COMMANDS:
        if c not in host:
            continue
        if c == "blocks":
            hb, lb = _blocks(host[c]), _blocks(live[c])
            gone = _unknown_zones(hb)
            trim = [dict(r, zones=None) if r["block"] in gone else r for r in lb]
            ok = [dict(r, zones=None) if r["block"] in gone else r for r in hb] == trim
            detail = "first difference: %s" % next(
                ("%s / %s" % (a, b) for a, b in zip(hb, lb) if a != b), "row count %d/%d"
                % (len(hb), len(lb)))
            if gone:
                skip("%s dump-vs-live-blocks-offline-zones" % tag,
                     "%d offline blocks: valid_zones is computed at read time" % len(gone))
        else:
            ok = _rows(host[c]) == _rows(live[c]) and _rows(live[c]) is not None
            detail = "rows differ"
        same("%s dump-vs-live-%s" % (tag, c), ok, detail)
    for c in COMMANDS:
        if c not in host:
            continue
        vi = _read(dd, "vi-%s.json" % c)
        if not vi:
            skip("%s dump-vmcoreinfo-%s" % (tag, c), "no VMCOREINFO note to hide in the dump")
            continue
        same("%s dump-vmcoreinfo-%s" % (tag, c),
             _read(dd, "vi-%s.rc" % c) == "0" and _rows(vi) == _rows(host[c]),
             "rc=%s %s" % (_read(dd, "vi-%s.rc" % c), _read(dd, "vi-%s.err" % c)[:200]))
    if "blocks" in host:
        _oracles(rep, tag, dd, _blocks(host["blocks"]))


def _oracles(rep, tag, dd, rows):
    """The dump's blocks against sysfs and lsmem of the same moment."""
    bs, blocks = T.sysfs_memory(os.path.join(dd, "truth", "sysfs-memory.txt"))
    got = {r["block"]: r for r in rows}
    bad = []
    if set(got) != set(blocks):
        bad.append("blocks %s only in the dump, %s only in sysfs"
                   % (sorted(set(got) - set(blocks))[:5], sorted(set(blocks) - set(got))[:5]))
    for n, b in sorted(blocks.items()):
        r = got.get(n)
        if r is None:
            continue
        if r.get("size") != bs or int(r["range"].split("-")[0], 16) != b.phys_index * bs:
            bad.append("block %d: range %s size %s, sysfs phys_index %x size %d"
                       % (n, r.get("range"), r.get("size"), b.phys_index, bs))
        if r.get("state") != b.state:
            bad.append("block %d: state %s, sysfs %s" % (n, r.get("state"), b.state))
        if b.state == "online" and (r.get("zones") or "").lower() != \
                "/".join(b.attrs.get("valid_zones", "").split()).lower():
            bad.append("block %d: zones %r, sysfs valid_zones %r"
                       % (n, r.get("zones"), b.attrs.get("valid_zones")))
        # as lsmem, memscope calls only an online block removable
        if b.state == "online" and "removable" in b.attrs and \
                bool(r.get("removable")) != (b.attrs["removable"] == "1"):
            bad.append("block %d: removable %s, sysfs %s" % (n, r.get("removable"),
                                                            b.attrs["removable"]))
    rep.check("%s dump-blocks-sysfs" % tag, not bad and bool(blocks), "; ".join(bad[:4]))
    try:
        ls = T.lsmem(os.path.join(dd, "truth", "lsmem.json"))
    except (OSError, ValueError, KeyError) as e:
        rep.check("%s dump-blocks-lsmem" % tag, False, "lsmem output: %s" % e)
        return
    bad = []
    for n, lr in sorted(ls.items()):
        r = got.get(n)
        if r is None:
            bad.append("block %d: lsmem has it, the dump not" % n)
            continue
        if lr.get("state") != r.get("state") or lr.get("node") != r.get("node"):
            bad.append("block %d: state/node %s/%s, lsmem %s/%s"
                       % (n, r.get("state"), r.get("node"), lr.get("state"), lr.get("node")))
        if lr.get("state") == "online" and \
                (lr.get("zones") or "").lower() != (r.get("zones") or "").lower():
            bad.append("block %d: zones %r, lsmem %r" % (n, r.get("zones"), lr.get("zones")))
    rep.check("%s dump-blocks-lsmem" % tag, not bad and bool(ls), "; ".join(bad[:4]))
