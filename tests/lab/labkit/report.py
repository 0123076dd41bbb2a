"""The rules of the lab suite (issue 11), in one place.

  PASS/FAIL  rep.check(): memscope compared with an oracle independent of its
             code and inputs (sysfs, lsmem, ndctl/daxctl, /proc/kpageflags,
             kpagecount, zoneinfo, vmstat, meminfo, the kernel's own decision,
             drgn, crash).  Only these count as "passed".
  SAME/FAIL  rep.same(): memscope against memscope (live vs snapshot, CLI vs
             TUI, one table against another) or against the very input it
             decoded (VMCOREINFO): a consistency check, counted apart.
  OK/FAIL    rep.setup(): the lab itself (the guest finished, memscope ran,
             the scenario got the machine it asked for); counted apart.
  SKIP       rep.skip(): printed with its reason and counted.
  KNOWN      rep.known(): an oracle check failing on a defect already filed
             (named); counted apart, a PASS once fixed.
Every boot declares how many oracle checks it runs (scenarios.BOOTS
"oracles"); fewer is a failure.  Every input file an assertion reads and does
not find is a failure (truth.read records it) unless the reader said it is
optional.  The closing line is "N passed, N failed, N skipped", then
"N same, N setup" on a line of its own.
"""
import collections

from . import truth as T


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.same_n = 0
        self.setup_n = 0
        self.known_n = 0
        self.per_boot = collections.OrderedDict()
        self._boot = None

    # one line per check -------------------------------------------------
    def _fail(self, name, detail, kind=""):
        self.failed += 1
        print("FAIL %s: %s%s" % (name, "[%s] " % kind if kind else "", detail or "failed"))

    def check(self, name, ok, detail=""):
        """memscope against an independent oracle."""
        if self._boot is not None:
            self._boot["oracle"] += 1
        if ok:
            self.passed += 1
            print("PASS %s" % name)
        else:
            self._fail(name, detail)
        return bool(ok)

    def same(self, name, ok, detail=""):
        """memscope against memscope (or its own input): consistency only."""
        if ok:
            self.same_n += 1
            print("SAME %s" % name)
        else:
            self._fail(name, detail, "same")
        return bool(ok)

    def setup(self, name, ok, detail=""):
        """The lab ran as planned (no claim about memscope's figures)."""
        if ok:
            self.setup_n += 1
            print("OK   %s" % name)
        else:
            self._fail(name, detail, "setup")
        return bool(ok)

    def known(self, name, ok, detail, why):
        """An oracle check that fails on a defect already filed (`why`): it
        prints KNOWN and is counted apart until the fix makes it PASS."""
        if ok:
            return self.check(name, ok)
        if self._boot is not None:
            self._boot["oracle"] += 1
        self.known_n += 1
        print("KNOWN %s: %s (%s)" % (name, detail, why))
        return False

    def skip(self, name, reason):
        self.skipped += 1
        if self._boot is not None:
            self._boot["skip"] += 1
        print("SKIP %s: %s" % (name, reason))

    def note(self, text):
        print(text)

    # per boot: declared oracle count, missing inputs -------------------
    def begin_boot(self, tag):
        T.MISSING.clear()
        self._boot = {"oracle": 0, "skip": 0, "passed0": self.passed, "failed0": self.failed}
        self.per_boot[tag] = self._boot

    def end_boot(self, tag, declared):
        b = self._boot
        self._boot = None
        missing = sorted(set(T.MISSING))
        T.MISSING.clear()
        if missing:
            self._fail("%s inputs-present" % tag, "%d input files missing: %s" % (
                len(missing), ", ".join(missing[:6])), "setup")
        if declared is not None:
            ok = b["oracle"] >= declared
            msg = "%s ran %d oracle checks, declares %d" % (tag, b["oracle"], declared)
            if ok:
                self.setup_n += 1
                print("OK   %s oracle-count: %d of %d declared" % (tag, b["oracle"], declared))
            else:
                self._fail("%s oracle-count" % tag, msg, "setup")
        b["passed"] = self.passed - b["passed0"]

    def close(self):
        for tag, b in self.per_boot.items():
            print("INFO %s: %d oracle checks (%d passed), %d skipped" % (
                tag, b["oracle"], b.get("passed", 0), b["skip"]))
        print("%d passed, %d failed, %d skipped" % (self.passed, self.failed, self.skipped))
        print("%d same, %d setup, %d known failures" % (self.same_n, self.setup_n,
                                                       self.known_n))
        return 0 if self.failed == 0 else 1


class Quiet(Report):
    """For self-tests: records the names of failed checks, prints nothing."""

    def __init__(self):
        Report.__init__(self)
        self.failed_names = []

    def _fail(self, name, detail, kind=""):
        self.failed += 1
        self.failed_names.append(name)

    def check(self, name, ok, detail=""):
        if not ok:
            self._fail(name, detail)
        return bool(ok)

    def same(self, name, ok, detail=""):
        return self.check(name, ok, detail)

    setup = same

    def known(self, name, ok, detail, why):
        return bool(ok)

    def skip(self, name, reason):
        self.skipped += 1

    def note(self, text):
        pass
