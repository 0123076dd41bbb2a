"""bench/drgn_pages.py (run by bench/inguest.sh in the sid root, in the
guest): drgn's for_each_page + compound_head over the first N valid pages,
the live kernel through /proc/kcore and the DWARF vmlinux.

  python3 drgn_pages.py VMLINUX N

Prints READY once the program is loaded, then for each line read on stdin
walks the pages once and prints "PAGES SECONDS" (one process, so drgn's
start-up is paid once and the walks interleave with memscope's runs).
"""
import itertools
import sys
import time

import drgn
from drgn.helpers.linux.mm import compound_head, for_each_page

prog = drgn.Program()
prog.set_kernel()
try:
    prog.load_debug_info([sys.argv[1]])
except drgn.MissingDebugInfoError as e:
    # modules without debug info: the page helpers need only vmlinux
    sys.stderr.write("drgn: %s\n" % str(e)[:200])
n = int(sys.argv[2])
print("READY drgn %s" % drgn.__version__, flush=True)
for _ in sys.stdin:
    t = time.monotonic()
    k = 0
    for page in itertools.islice(for_each_page(prog), n):
        compound_head(page)
        k += 1
    print("%d %.6f" % (k, time.monotonic() - t), flush=True)
