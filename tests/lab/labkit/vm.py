"""Boot a lab kernel in QEMU (TCG) and move files in and out of the guest.

Transport: two virtio-blk raw disks identified in the guest by their serial.
  labin   a tar of the job directory (job.sh plus any files), read by /init
  labout  /init writes a tar of /out to it; the host untars it byte-exact
The serial console goes to a log file which the host tails for marker lines
("LAB: <marker>") so it can act (e.g. hot-add a DIMM through QMP) on cue.
"""
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import time

from .common import log

OUT_DISK_BYTES = 512 << 20
QEMU = os.environ.get("MEMSCOPE_LAB_QEMU", "qemu-system-x86_64")
# no_timer_check: on a loaded TCG host the early IO-APIC timer test can
# miss ticks and panic ("IO-APIC + timer doesn't work"); the lab runs
# guests two at a time on two cores.
BASE_CMDLINE = "console=ttyS0,115200 panic=-1 memhp_default_state=offline no_timer_check"


class QMP:
    """Minimal QMP client on a unix socket."""

    def __init__(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(30)
        self.buf = b""
        self._recv()  # greeting
        self.cmd("qmp_capabilities")

    def _recv(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("QMP socket closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self._recv()
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError("QMP %s: %s" % (name, r["error"].get("desc")))
            # asynchronous event: ignore

    def close(self):
        self.sock.close()


def hotadd_dimm(qmp, idx, size="1G"):
    """Hot-add a pc-dimm backed by RAM (ACPI memory hotplug)."""
    qmp.cmd("object-add", **{"qom-type": "memory-backend-ram", "id": "hmem%d" % idx,
                             "size": _bytes(size)})
    qmp.cmd("device_add", driver="pc-dimm", id="hdimm%d" % idx, memdev="hmem%d" % idx)


def remove_dimm(qmp, idx):
    """Ask the guest to eject pc-dimm idx (ACPI); its blocks must be offline.
    The backend stays: ids are not reused."""
    qmp.cmd("device_del", id="hdimm%d" % idx)


def _bytes(s):
    if isinstance(s, int):
        return s
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s[-1] in mult:
        return int(s[:-1]) * mult[s[-1]]
    return int(s)


class Result:
    def __init__(self, rc, outdir, serial_log, elapsed, timed_out, qemu_rc):
        self.rc = rc                  # the job's exit status, None if it never finished
        self.outdir = outdir          # extracted /out of the guest
        self.serial_log = serial_log
        self.elapsed = elapsed
        self.timed_out = timed_out
        self.qemu_rc = qemu_rc

    def read(self, name, default=None):
        p = os.path.join(self.outdir, name)
        if not os.path.exists(p):
            return default
        with open(p, errors="replace") as f:
            return f.read()


def _handler(pending, text):
    """The on_marker action for a console line: "name" runs once;
    "prefix*" runs for every "LAB: prefix..." line, given the marker too."""
    if not text.startswith("LAB: "):
        return None
    marker = text[5:]
    if marker in pending:
        return pending.pop(marker)
    for key, fn in pending.items():
        if key.endswith("*") and marker.startswith(key[:-1]):
            return lambda qmp, fn=fn: fn(qmp, marker)
    return None


def dump_and_resume(qmp, path):
    """Pause the guest, write all of its memory to `path` (ELF, with the
    VMCOREINFO note the guest's qemu_fw_cfg gave -device vmcoreinfo), resume,
    then grow the labin disk by 1 MiB: the guest waits for that (lab_dump)."""
    qmp.cmd("stop")
    old = qmp.sock.gettimeout()
    qmp.sock.settimeout(900)    # all of guest RAM (and the NVDIMM) to disk
    t0 = time.monotonic()
    try:
        qmp.cmd("dump-guest-memory", paging=False, protocol="file:" + path)
    finally:
        qmp.sock.settimeout(old)
        qmp.cmd("cont")
    log("  QMP: dump-guest-memory %s: %.1f GB in %.1fs" % (
        os.path.basename(path), os.path.getsize(path) / 1e9 if os.path.exists(path) else 0,
        time.monotonic() - t0))
    blk = [b for b in qmp.cmd("query-block") if b.get("device") == "labin"]
    size = blk[0]["inserted"]["image"]["virtual-size"] if blk else 0
    qmp.cmd("block_resize", device="labin", size=size + (1 << 20))


class Machine:
    """One QEMU boot.  Options mirror the scenario description."""

    def __init__(self, kernel, initrd, workdir, cmdline_extra="", mem="2G", smp=2,
                 nvdimm_size=None, qemu_args=(), timeout=300, terminal=False):
        self.kernel = kernel
        self.initrd = initrd
        self.workdir = workdir
        self.cmdline = (BASE_CMDLINE + " " + cmdline_extra).strip()
        self.mem = mem
        self.smp = smp
        self.nvdimm_size = nvdimm_size
        self.qemu_args = list(qemu_args)
        self.timeout = timeout
        # the console (ttyS0) on this process's terminal, keys and all; the
        # marker lines then come on ttyS1, the serial.log file (make demo)
        self.terminal = terminal

    def _qemu_cmd(self):
        w = self.workdir
        machine = "pc,nvdimm=on" if self.nvdimm_size else "pc"
        cmd = [QEMU, "-accel", "tcg", "-cpu", "max", "-smp", str(self.smp),
               "-machine", machine, "-m", "%s,slots=4,maxmem=64G" % self.mem,
               "-nodefaults", "-display", "none", "-no-reboot"]
        if self.terminal:
            cmd += ["-serial", "stdio"]
        cmd += ["-serial", "file:" + os.path.join(w, "serial.log"),
               "-qmp", "unix:%s,server=on,wait=off" % os.path.join(w, "qmp.sock"),
               "-kernel", self.kernel.vmlinuz, "-initrd", self.initrd,
               "-append", self.cmdline,
               "-drive", "file=%s,format=raw,if=none,id=labin" % os.path.join(w, "in.img"),
               "-device", "virtio-blk-pci,drive=labin,serial=labin",
               "-drive", "file=%s,format=raw,if=none,id=labout" % os.path.join(w, "out.img"),
               "-device", "virtio-blk-pci,drive=labout,serial=labout"]
        if self.nvdimm_size:
            cmd += ["-object", "memory-backend-file,id=nv0,share=on,mem-path=%s,size=%d"
                    % (os.path.join(w, "nvdimm0.img"), _bytes(self.nvdimm_size)),
                    "-device", "nvdimm,id=nvdimm0,memdev=nv0,label-size=128K"]
        return cmd + self.qemu_args

    def _write_in_disk(self, files):
        bio = io.BytesIO()
        with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            for name, data in sorted(files.items()):
                if isinstance(data, str):
                    data = data.encode()
                ti = tarfile.TarInfo(name)
                ti.size = len(data)
                ti.mode = 0o755
                ti.mtime = int(time.time())
                tar.addfile(ti, io.BytesIO(data))
        raw = bio.getvalue()
        raw += b"\0" * (-len(raw) % (1 << 20) or 0) + b"\0" * (1 << 20)
        with open(os.path.join(self.workdir, "in.img"), "wb") as f:
            f.write(raw)

    def run(self, files, on_marker=None, echo=False):
        """Boot, run job.sh from `files`, return a Result.

        on_marker: {marker: callable(qmp)} called when the guest prints
        "LAB: <marker>" on the console.  echo: copy the console to stdout.
        """
        w = self.workdir
        shutil.rmtree(w, ignore_errors=True)
        os.makedirs(w)
        self._write_in_disk(files)
        with open(os.path.join(w, "out.img"), "wb") as f:
            f.truncate(OUT_DISK_BYTES)
        if self.nvdimm_size:
            with open(os.path.join(w, "nvdimm0.img"), "wb") as f:
                f.truncate(_bytes(self.nvdimm_size))
        cmd = self._qemu_cmd()
        with open(os.path.join(w, "qemu.cmd"), "w") as f:
            f.write(" ".join(cmd) + "\n")
        open(os.path.join(w, "serial.log"), "w").close()
        t0 = time.monotonic()
        qerr = open(os.path.join(w, "qemu.stderr"), "w")
        if self.terminal:
            proc = subprocess.Popen(cmd, stderr=qerr)
        else:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qerr, stderr=qerr)
        pending = dict(on_marker or {})
        qmp = None
        pos = 0
        partial = b""
        timed_out = False
        try:
            with open(os.path.join(w, "serial.log"), "rb") as logf:
                while True:
                    alive = proc.poll() is None
                    logf.seek(pos)
                    chunk = logf.read()
                    pos += len(chunk)
                    if chunk:
                        if echo:
                            os.write(1, chunk)
                        partial += chunk
                        *lines, partial = partial.split(b"\n")
                        for line in lines:
                            text = line.decode(errors="replace").strip()
                            fn = _handler(pending, text)
                            if fn is not None:
                                if qmp is None:
                                    qmp = QMP(os.path.join(w, "qmp.sock"))
                                fn(qmp)
                    if not alive:
                        break
                    if time.monotonic() - t0 > self.timeout:
                        timed_out = True
                        log("timeout after %ds, killing qemu (%s)" % (self.timeout, w))
                        proc.kill()
                        proc.wait()
                        break
                    time.sleep(0.05 if chunk else 0.2)
        finally:
            if qmp:
                qmp.close()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            qerr.close()
        elapsed = time.monotonic() - t0
        outdir = os.path.join(w, "out")
        os.makedirs(outdir, exist_ok=True)
        rc = None
        try:
            with tarfile.open(os.path.join(w, "out.img"), mode="r:") as tar:
                for m in tar.getmembers():
                    if m.name.startswith("/") or ".." in m.name.split("/"):
                        continue
                    if m.isdir() or m.isfile():
                        tar.extract(m, outdir, set_attrs=False)
        except tarfile.ReadError:
            pass  # guest never wrote its results
        rcfile = os.path.join(outdir, "job.rc")
        if os.path.exists(rcfile):
            with open(rcfile) as f:
                rc = int(f.read().strip() or 255)
        # no disk images left behind: the nvdimm/out images are large
        for img in ("nvdimm0.img", "out.img", "in.img"):
            p = os.path.join(w, img)
            if os.path.exists(p):
                os.unlink(p)
        return Result(rc, outdir, os.path.join(w, "serial.log"), elapsed, timed_out,
                      proc.returncode)
