"""Run drgn_state.py on a dump that carries no VMCOREINFO (issue 11: the
mid-boot dump of tests/lab/deferred_dump.py, taken before the kernel built
it), giving drgn 0.3.0 the same boot's VMCOREINFO through
Program(vmcoreinfo=...). drgn still decodes the dump itself, from DWARF.

  python3 drgn_vmcoreinfo.py VMCOREINFO_FILE DUMP VMLINUX SCRIPT ARGS...
"""
import runpy
import sys

import drgn

vi_path, dump, vmlinux, script = sys.argv[1:5]
with open(vi_path, "rb") as f:
    vi = f.read()
prog = drgn.Program(vmcoreinfo=vi)
prog.set_core_dump(dump)
prog.load_debug_info([vmlinux])
sys.argv = [script] + sys.argv[5:]
runpy.run_path(script, init_globals={"prog": prog}, run_name="__main__")
