"""The TUI against the CLI, section by section (issue 12): `memscope tui
--dump section` (the Section view rendered for every present section, as on
screen) against `memscope sections -J` and `subsections -J` of the same
moment. memscope against memscope: a consistency check (SAME), never PASS.

Used by the lab (asserts.py, for the boots that declare "tui-cli" in
scenarios.BOOTS) and by tests/cli on fixtures and the demo snapshot:
  python3 tui_cli.py DUMP SECTIONS_JSON SUBSECTIONS_JSON
prints the differences and exits 1 when there are any.
"""
import json
import re
import sys

# the TUI's class names (section_class.c: name) -> the CLI's CLASS (label)
CLASSES = {"early boot": "early", "hot-added": "hotadded", "kmem": "kmem",
           "online": "online", "offline": "offline", "ZONE_DEVICE": "device"}
# the columns the dump is compared on: sections -J -o SECTION_COLUMNS, the
# default ones and these (tests/lab/guest/lib.sh lab_memscope says it again)
SECTION_COLUMNS = "+CLASS,OWNER"

WHERE = re.compile(r"^where +section (\d+)  0x([0-9a-f]+)-0x([0-9a-f]+)  pfn 0x[0-9a-f]+  "
                   r"(.+?) (\d+)/(\d+)(?:  block (\d+) \S+)?(?:  zone (\S+))?"
                   r"(?:  node (\d+))?(?:  (.+))?$", re.M)


def _one(m, text):
    r = re.search(m, text, re.M)
    return r.groups() if r else None


def parse_dump(text):
    """Section number -> the figures its Section view shows."""
    out = {}
    for block in re.split(r"^== section ", text, flags=re.M)[1:]:
        head, _, body = block.partition("\n")
        nr = int(head.strip())
        w = WHERE.search(body)
        f = {"title": ("Section %d " % nr) in body}
        if w:
            f.update(section=int(w.group(1)), start=int(w.group(2), 16),
                     end=int(w.group(3), 16), cls=CLASSES.get(w.group(4), "?" + w.group(4)),
                     active=int(w.group(5)), subsections=int(w.group(6)),
                     block=int(w.group(7)) if w.group(7) else None,
                     zone=w.group(8) or "", node=int(w.group(9)) if w.group(9) else None,
                     owner=w.group(10))
        fl = _one(r"^flags\s+(?:(\S+)\s+)?\(raw 0x[0-9a-f]+\)$", body)
        f["flags"] = (fl[0] or "") if fl else None
        z = _one(r"^zone +(\S+)$", body)
        f["zone_line"] = None if not z else "" if z[0] == "-" else z[0]
        b = _one(r"^block +(?:memory(\d+) \S+, zones .*|(- \(no memory block\)))$", body)
        f["block_line"] = None if not b else int(b[0]) if b[0] else "none"
        mm = _one(r"^memmap +(?:0x([0-9a-f]+)|(none))", body)
        f["memmap"] = None if not mm else int(mm[0], 16) if mm[0] else "none"
        ss = _one(r"^sub-sections (\d+) of (\d+) active", body)
        f["ss"] = (int(ss[0]), int(ss[1])) if ss else None
        bm = _one(r"^bitmap +([#.]+)$", body)
        f["map"] = bm[0] if bm else None
        out[nr] = f
    return out


def _num(v):
    return int(v, 0) if isinstance(v, str) else v


def compare(dump_text, sections, subsections):
    """A list of differences (empty: the same figures), and how many
    sections were compared."""
    tui = parse_dump(dump_text)
    maps = {s.get("section"): s.get("map") for s in subsections or []}
    bad = []
    cli = {s.get("section"): s for s in sections or []}
    if set(tui) != set(cli):
        bad.append("sections: TUI %d (only %s), CLI %d (only %s)" % (
            len(tui), sorted(set(tui) - set(cli))[:5], len(cli), sorted(set(cli) - set(tui))[:5]))
    for nr in sorted(set(tui) & set(cli)):
        t, c = tui[nr], cli[nr]
        memmap = _num(c.get("memmap")) if c.get("memmap") else "none"
        want = {"title": True, "section": nr, "start": _num(c.get("start")),
                "end": _num(c.get("end")), "cls": c.get("class"),
                "active": c.get("active"), "subsections": c.get("subsections"),
                "block": c.get("block"), "zone": c.get("zone") or "",
                "node": c.get("node"), "owner": c.get("owner"),
                "flags": c.get("flags") or "", "zone_line": c.get("zone") or "",
                "block_line": c.get("block") if c.get("block") is not None else "none",
                "memmap": memmap, "ss": (c.get("active"), c.get("subsections")),
                "map": maps.get(nr)}
        for k, v in want.items():
            if t.get(k) != v:
                bad.append("section %d %s: TUI %r, CLI %r" % (nr, k, t.get(k), v))
    return bad, len(set(tui) & set(cli))


def main(argv):
    with open(argv[1]) as f:
        dump = f.read()
    with open(argv[2]) as f:
        secs = json.load(f).get("sections")
    with open(argv[3]) as f:
        subs = json.load(f).get("subsections")
    bad, n = compare(dump, secs, subs)
    for b in bad:
        print(b)
    print("%d sections compared, %d differences" % (n, len(bad)))
    return 1 if bad or not n else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
