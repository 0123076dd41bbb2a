#!/usr/bin/env python3
"""The output contract (issue 11, Build 3), for every command that prints a
table, in every mode (default text, -J, -P, -r, --output-all, and
--output-all -J), each with and without -b:

  - the command succeeds;
  - -J parses and validates against the command's JSON Schema in
    share/memscope/schema/ (which must equal what `memscope CMD --help -J`
    prints, so the checked-in schema cannot drift from the column table);
  - in JSON, sizes, counts and pfns are integers; addresses and flag words
    hex strings (the schema says which column is which);
  - in -P text, pfns are hex (0x...), sizes human unless -b, and every value
    is the JSON one, row by row.

tests/cli/contract.py MEMSCOPE NAME:CORE_ARGS... prints PASS/FAIL/SKIP lines,
one per (source, command), and the count; exit 1 on any failure.
CORE_ARGS are the arguments that select a source, ';'-separated
("-c;core;--btf;btf;--sysroot;root").
"""
import json
import os
import re
import shlex
import subprocess
import sys

try:
    import jsonschema
except ImportError:		# scripts/install-deps installs python3-jsonschema
    jsonschema = None

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "../.."))
SCHEMAS = os.path.join(ROOT, "share/memscope/schema")
HUMAN = re.compile(r"^[0-9]+(\.[0-9])?[BKMGTPE]$")
HEX = re.compile(r"^0x[0-9a-f]+$")
# Commands that change the system: they run only live, as root, in the lab.
LIVE_ONLY = ["online", "offline", "hotplug", "unplug", "pin"]

counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}


def say(kind, name, why=""):
    counts[kind] += 1
    print(f"{kind} {name}" + (f": {why}" if why else ""), flush=True)


def run(memscope, args):
    p = subprocess.run([memscope] + args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def schema_of(memscope, cmd):
    """The checked-in schema, after checking it is the generated one."""
    path = os.path.join(SCHEMAS, cmd + ".json")
    with open(path) as f:
        text = f.read()
    rc, out, _ = run(memscope, [cmd, "--help", "-J"])
    if cmd != "summary" and (rc != 0 or out != text):
        raise AssertionError(f"{path} differs from `memscope {cmd} --help -J`"
                             " (regenerate: scripts/schemas)")
    return json.loads(text)


def columns(schema):
    """{json name: format} of a table schema: pfn, bytes, hex or None."""
    props = schema["additionalProperties"]["items"]["properties"]
    return {k: (v.get("format"), v["type"][0]) for k, v in props.items()}


def pairs(text):
    rows = []
    for line in text.splitlines():
        rows.append({k.lower(): v for k, v in
                     re.findall(r'([A-Za-z0-9_]+)="((?:[^"\\]|\\.)*)"', line)})
    return rows


def table_rows(doc):
    return next(v for k, v in doc.items() if k != "schema")


def check_text_value(col, fmt, typ, val, bytes_):
    if val == "":
        return None
    if fmt == "pfn" and not HEX.match(val):
        return f"{col}={val!r}: a pfn in text must be hex"
    if fmt == "bytes" and not (val.isdigit() if bytes_ else HUMAN.match(val)):
        return f"{col}={val!r}: a size {'with' if bytes_ else 'without'} -b"
    if fmt == "hex" and not HEX.match(val):
        return f"{col}={val!r}: not a hex string"
    if typ == "integer" and fmt is None and not re.match(r"^-?[0-9]+$", val):
        return f"{col}={val!r}: not an integer"
    return None


def same_value(fmt, typ, text, js, bytes_):
    """The -P text value and the JSON value are one fact."""
    if js is None:
        return text == ""
    if fmt == "pfn":
        return int(text, 16) == js
    if fmt == "bytes":
        return not bytes_ or int(text) == js
    if typ == "integer":
        return int(text) == js
    if typ == "boolean":
        return text.lower() in (("yes", "true", "1") if js else
                                ("no", "false", "0", "-"))
    return text == js


def check_table(memscope, src, cmd, args, schema, want_rc):
    """Runs cmd in every mode; returns a list of problems."""
    bad = []
    cols = columns(schema)
    for b in ([], ["-b"]):
        docs = {}
        for mode in ([], ["-J"], ["-P"], ["-r"], ["--output-all"],
                     ["--output-all", "-J"], ["--output-all", "-P"]):
            argv = src + mode + b + [cmd] + args
            rc, out, err = run(memscope, argv)
            what = " ".join(mode + b) or "default"
            if rc != want_rc:
                bad.append(f"{what}: exit {rc}: {err.strip()[:200]}")
                continue
            if "-J" in mode:
                try:
                    doc = json.loads(out)
                except ValueError as e:
                    bad.append(f"{what}: not JSON: {e}")
                    continue
                try:
                    jsonschema.validate(doc, schema)
                except jsonschema.ValidationError as e:
                    bad.append(f"{what}: schema: {e.message} at "
                               f"{list(e.absolute_path)}")
                docs[tuple(mode)] = table_rows(doc)
            elif "-P" in mode:
                rows = pairs(out)
                docs[tuple(mode)] = rows
                for r in rows:
                    for k, v in r.items():
                        if k not in cols:
                            bad.append(f"{what}: unknown column {k}")
                            continue
                        e = check_text_value(k, *cols[k], v, bool(b))
                        if e:
                            bad.append(f"{what}: {e}")
        # Text and JSON say the same, row by row, column by column.
        for jm, pm in ((("-J",), ("-P",)),
                       (("--output-all", "-J"), ("--output-all", "-P"))):
            js, ps = docs.get(jm), docs.get(pm)
            if js is None or ps is None:
                continue
            if len(js) != len(ps):
                bad.append(f"{' '.join(pm + tuple(b))}: {len(ps)} rows, JSON {len(js)}")
                continue
            for i, (jr, pr) in enumerate(zip(js, ps)):
                for k, v in pr.items():
                    if k in cols and k in jr and not same_value(
                            *cols[k], v, jr[k], bool(b)):
                        bad.append(f"row {i} {k}: text {v!r}, JSON {jr[k]!r}")
    return bad[:8]


def first(memscope, src, cmd, key):
    rc, out, _ = run(memscope, src + ["-J", cmd])
    if rc != 0:
        return None
    rows = table_rows(json.loads(out))
    return rows[0][key] if rows else None


def command_args(memscope, src):
    """Each table command with arguments that select real rows of src."""
    cmds = {c: [] for c in ("sections", "subsections", "blocks", "vmemmap",
                            "devices", "compound", "check", "deferred")}
    start = first(memscope, src, "sections", "start")
    if start is not None:
        pfn = int(start, 16) >> 12
        cmds["pages"] = [f"{pfn:#x}-{pfn + 0x3ff:#x}"]
    block = first(memscope, src, "blocks", "block")
    if block is not None:
        cmds["blockers"] = [str(block)]
    return cmds


def main():
    memscope = os.path.realpath(sys.argv[1])
    if jsonschema is None:
        say("FAIL", "contract", "python3 jsonschema missing (scripts/install-deps)")
        return 1
    for spec in sys.argv[2:]:
        name, _, core = spec.partition(":")
        src = core.split(";") if core else []
        cmds = command_args(memscope, src)
        for cmd, args in cmds.items():
            test = f"contract-{name}-{cmd}"
            # A source without the data (a fixture without struct pages)
            # fails with one line; the contract is then for another source.
            rc, out, err = run(memscope, src + [cmd] + args)
            if rc != 0 and not out and err.startswith("memscope:"):
                say("SKIP", test, err.strip().splitlines()[-1][:160])
                continue
            # check exits 1 when it found problems, and lists them
            want_rc = 1 if cmd == "check" and rc == 1 and out else 0
            try:
                schema = schema_of(memscope, cmd)
                bad = check_table(memscope, src, cmd, args, schema, want_rc)
            except (AssertionError, OSError, ValueError) as e:
                bad = [str(e)]
            if bad:
                say("FAIL", test, "; ".join(bad))
            else:
                say("PASS", test)
        # summary: its own JSON, with its hand-written schema
        test = f"contract-{name}-summary"
        bad = []
        for b in ([], ["-b"]):
            rc, out, err = run(memscope, src + ["-J"] + b + ["summary"])
            try:
                jsonschema.validate(json.loads(out), schema_of(memscope, "summary"))
            except (ValueError, jsonschema.ValidationError) as e:
                bad.append(f"{' '.join(b) or 'default'}: {str(e)[:200]}")
            rc2, _, err2 = run(memscope, src + b + ["summary"])
            if rc or rc2:
                bad.append(f"exit {rc}/{rc2}: {err.strip() or err2.strip()}")
        say("FAIL" if bad else "PASS", test, "; ".join(bad))
        for cmd in LIVE_ONLY:
            # The schema is still checked against the column table.
            try:
                schema_of(memscope, cmd)
                say("SKIP", f"contract-{name}-{cmd}",
                    "changes the system: its output is checked in the lab only")
            except (AssertionError, OSError, ValueError) as e:
                say("FAIL", f"contract-{name}-{cmd}", str(e))
    print(f"contract: {counts['PASS']} passed, {counts['FAIL']} failed, "
          f"{counts['SKIP']} skipped")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
