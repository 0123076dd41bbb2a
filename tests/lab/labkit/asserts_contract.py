"""issue 11, Build 3: the output contract in the lab.

  contract-<cmd>       main boot: tests/cli/contract.py on the host, on the
                       boot's QEMU dump (every table command x -J/-P/-r/
                       --output-all x with and without -b, read with only
                       kallsyms and BTF: asserts_dump.collect); its PASS and
                       FAIL lines are SAME checks here (memscope against its
                       own schema and its own text), its SKIPs are SKIPs
  contract-live-<file> every JSON document the guest's memscope printed live
                       (main: the snapshot's and the dump's live rows, and
                       sections/blocks -J without -b; act: hotplug, unplug,
                       online, offline, pin, blockers -J) validates against
                       share/memscope/schema/<command>.json: SAME
"""
import glob
import json
import os

from . import truth as T
from .common import REPO

SCHEMAS = os.path.join(REPO, "share", "memscope", "schema")
# act/<name>.out -> the command that printed it (scenario-act.sh, -J runs)
ACT = ("hotplug", "unplug", "online", "offline", "blockers", "pin")

try:
    import jsonschema
except ImportError:      # scripts/install-deps installs python3-jsonschema
    jsonschema = None


def _schema(cmd):
    with open(os.path.join(SCHEMAS, cmd + ".json")) as f:
        return json.load(f)


def documents(text):
    """The JSON documents of an output, one after another (pin prints one
    when it holds its pins and one when it releases them; a refused offline
    or unplug its changes, then the blockers)."""
    dec, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return out
        doc, i = dec.raw_decode(text, i)
        out.append(doc)


def validate(path, cmd):
    """None when the file holds JSON documents valid for cmd, else why.  A
    document whose table is another command's (blockers) follows that one."""
    try:
        docs = documents(T.read(path))
    except ValueError as e:
        return "not JSON: %s" % e
    if not docs:
        return "no JSON document"
    for n, doc in enumerate(docs):
        table = [k for k in doc if k != "schema"] if isinstance(doc, dict) else []
        c = table[0] if len(table) == 1 and os.path.exists(
            os.path.join(SCHEMAS, table[0] + ".json")) else cmd
        try:
            jsonschema.validate(doc, _schema(c))
        except jsonschema.ValidationError as e:
            return "document %d, schema %s: %s at %s" % (n + 1, c, e.message[:160],
                                                       list(e.absolute_path)[:4])
        except OSError as e:
            return "no schema for %s: %s" % (c, e)
    return None


def _live(rep, tag, files):
    if jsonschema is None:
        rep.same("%s contract-live" % tag, False, "python3 jsonschema missing (scripts/install-deps)")
        return
    for name, path, cmd in files:
        why = validate(path, cmd)
        rep.same("%s contract-live-%s" % (tag, name), why is None, why or "")


def check_main(rep, tag, d):
    log = os.path.join(d, "post", "dump", "contract.log")
    text = T.read(log)
    n = 0
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        name, _, why = rest.partition(": ")
        if kind in ("PASS", "FAIL"):
            n += 1
            rep.same("%s %s" % (tag, name), kind == "PASS", why)
        elif kind == "SKIP":
            rep.skip("%s %s" % (tag, name), why)
    rep.setup("%s contract-ran" % tag, n > 0 and T.read(log[:-4] + ".rc").strip() in ("0", "1"),
              "contract.py printed %d checks: %s" % (n, text[-300:]))
    files = []
    for sub in ("snapshot", "dump"):
        for p in sorted(glob.glob(os.path.join(d, "post", sub, "live-*.json"))):
            cmd = os.path.basename(p)[len("live-"):-len(".json")]
            files.append(("%s-%s" % (sub, cmd), p, cmd))
    for p in sorted(glob.glob(os.path.join(d, "post", "contract", "*.out"))):
        cmd = os.path.basename(p)[:-4]
        files.append(("nobytes-%s" % cmd, p, cmd))
    _live(rep, tag, files)


def check_act(rep, tag, d):
    files = []
    for p in sorted(glob.glob(os.path.join(d, "act", "*.out"))):
        name = os.path.basename(p)[:-4]
        cmd = name.split("-")[0]
        if cmd in ACT and T.read(p).lstrip().startswith("{"):
            files.append((name, p, cmd))
    _live(rep, tag, files)


def selftest(main_dir):
    """Issue 11 defect 1 put back: a size printed as "196K" in -J must fail."""
    import shutil
    import tempfile
    from .report import Quiet
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "main")
        shutil.copytree(main_dir, d)
        p = os.path.join(d, "post", "dump", "live-vmemmap.json")
        doc = json.loads(T.read(p))
        doc["vmemmap"][0]["saved_bytes"] = "196K"
        with open(p, "w") as f:
            json.dump(doc, f)
        rep = Quiet()
        check_main(rep, "x", d)
        hit = "x contract-live-dump-vmemmap" in rep.failed_names
    print("%s a size as \"196K\" in vmemmap -J -> contract-live-dump-vmemmap" % (
        "ok  " if hit else "MISS"))
    return 0 if hit else 1
