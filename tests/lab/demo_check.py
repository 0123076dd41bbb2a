#!/usr/bin/python3
"""`make demo` on a terminal, checked: tmux on the host runs it in a 140x40
pane, captures the map when it first shows (before the scenario changes
anything) and after the scenario's last step, quits with q, and compares
both captures with what the guest's kernel said at those moments (sysfs
memory blocks and /proc/iomem, written by tests/lab/guest/demo-tui.sh):

  demo-map-before   the map fitted to the pane (a cell per sub-section,
                    "1 cell = 2 MiB"), rows labelled bN for exactly the
                    memory blocks of sysfs, every cell early boot (E)
  demo-map-after    the blocks sysfs lists at the end, each its own row;
                    the DIMM's blocks (new since the start, not kmem) all
                    hot-added (H), the ones /proc/iomem calls "System RAM
                    (kmem)" all kmem (K); the legend counts agree
  demo-map-changed  the two captures differ in those rows
  demo-blocks       the legend's partly populated sample in block elements
                    (UTF-8 on the guest's serial console)
  demo-quit         q ends the TUI, the guest and make demo (exit 0)

  demo_check.py [--out DIR] [--timeout S]

Takes a couple of minutes (one TCG boot); prints PASS/FAIL lines and an
"N passed, N failed" summary. The captures are kept in DIR.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUN = os.path.join(REPO, "build", "lab", "run", "demo-tui-6.12")
SOCK = "memscope-demo-check-%d" % os.getpid()
results = {"passed": 0, "failed": 0}


def tmux(*args, **kw):
    return subprocess.run(["tmux", "-u", "-L", SOCK] + list(args), capture_output=True,
                          text=True, **kw)


def capture():
    return tmux("capture-pane", "-p").stdout


def result(name, ok, detail):
    if ok:
        print("PASS %s" % name)
        results["passed"] += 1
    else:
        print("FAIL %s: %s" % (name, detail))
        results["failed"] += 1


def wait(pred, timeout, step=0.5):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return None


def serial():
    try:
        with open(os.path.join(RUN, "serial.log"), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def rows(cap):
    """{block: cells} for the map's rows labelled with a memory block."""
    out = {}
    for line in cap.splitlines():
        m = re.match(r"^0x[0-9a-f]+ b(\d+) +(\S+)\s*$", line)
        if m:
            out[int(m.group(1))] = m.group(2)
    return out


def legend(cap, name):
    m = re.search(r"\] %s: (\d+)" % re.escape(name), cap)
    return int(m.group(1)) if m else None


def blocks(name):
    with open(os.path.join(RUN, "out", "blocks-%s.txt" % name)) as f:
        return {int(n): st for n, st in (line.split() for line in f if line.strip())}


def kmem_blocks():
    with open(os.path.join(RUN, "out", "block_size_bytes")) as f:
        bs = int(f.read().strip(), 16)
    out = set()
    with open(os.path.join(RUN, "out", "iomem-end.txt")) as f:
        for line in f:
            m = re.match(r"^\s*([0-9a-f]+)-([0-9a-f]+) : System RAM \(kmem\)", line)
            if m:
                a, b = int(m.group(1), 16), int(m.group(2), 16)
                out.update(range(a // bs, b // bs + 1))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(REPO, "build", "lab", "demo-check"))
    ap.add_argument("--timeout", type=int, default=900, help="boot and scenario, seconds")
    a = ap.parse_args()
    if not shutil.which("tmux"):
        print("FAIL demo-tmux: tmux is not installed (scripts/install-deps)")
        print("0 passed, 1 failed")
        return 1
    os.makedirs(a.out, exist_ok=True)
    # a fresh run directory: its serial.log is this run's
    shutil.rmtree(RUN, ignore_errors=True)
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "140", "-y", "40",
         "cd %s && make demo; echo MAKE-DEMO-EXIT $?; sleep 600" % REPO)
    try:
        before = wait(lambda: (lambda c: c if "1 cell = " in c else None)(capture()),
                      a.timeout)
        early = "demo-step 1" in serial()
        if before:
            with open(os.path.join(a.out, "demo-capture-before.txt"), "w") as f:
                f.write(before)
        done = wait(lambda: "LAB: demo-done" in serial(), a.timeout)
        time.sleep(4)   # the TUI refreshes every second
        after = capture()
        with open(os.path.join(a.out, "demo-capture-after.txt"), "w") as f:
            f.write(after)
        tmux("send-keys", "q")
        quit_ok = wait(lambda: "MAKE-DEMO-EXIT 0" in capture(), 120)
        end_cap = capture()
    finally:
        tmux("kill-server")
    if not before or not done:
        result("demo-map-before", False, "no map within %ds (run dir %s)" % (a.timeout, RUN))
        print("%d passed, %d failed" % (results["passed"], results["failed"]))
        return 1

    start, end = blocks("start"), blocks("end")
    got = rows(before)
    result("demo-map-before",
           "1 cell = 2 MiB (a sub-section), " in before and not early and
           set(got) == set(start) and all(set(c) == {"E"} for c in got.values()),
           "blocks in the map %s, sysfs %s%s" % (sorted(got), sorted(start),
                                                 "; the scenario had begun" if early else ""))
    got = rows(after)
    kmem = kmem_blocks() & set(end)
    dimm = set(end) - set(start) - kmem
    bad = [b for b in dimm if set(got.get(b, "")) != {"H"}] + \
          [b for b in kmem if set(got.get(b, "")) != {"K"}]
    result("demo-map-after",
           set(got) == set(end) and dimm and kmem and not bad and
           legend(after, "kmem") == len(kmem),
           "blocks in the map %s, sysfs %s; DIMM %s kmem %s; wrong rows %s; legend kmem %s"
           % (sorted(got), sorted(end), sorted(dimm), sorted(kmem), bad, legend(after, "kmem")))
    result("demo-map-changed", rows(before) != rows(after), "the map did not change")
    result("demo-blocks", "[\u2586\u2582] partly populated" in after,
           "legend: %s" % [l for l in after.splitlines() if "partly" in l])
    result("demo-quit", bool(quit_ok), "after q: %s" % end_cap.strip().splitlines()[-3:])
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    return 0 if results["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
