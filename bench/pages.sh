#!/bin/sh
# bench/pages.sh: how fast memscope decodes struct pages, against the floor
# of reading the same bytes. Runs in the lab guest (busybox sh, root) as
# /lab/bench-pages.sh:
#   tests/lab/lab.py shell 6.12 --mem 3G -- /lab/bench-pages.sh
# needs memscope and the lab's pagehelper (tests/lab/guest/pagehelper.c).
#   (a) raw pread of the vmemmap bytes of RAM from /proc/kcore (1 MiB preads)
#   (b) memscope compound over all memory (reads and decodes every struct page
#       of online and ZONE_DEVICE sections, builds the census)
#   (c) reading /proc/kpageflags whole (the kernel decodes, 8 bytes per pfn)
# Prints pages/s for each, and the ratios. A benchmark, not a test.
MEMSCOPE=${MEMSCOPE:-memscope}
HELPER=${HELPER:-/lab/pagehelper}
RUNS=${RUNS:-5}

. /lab/lib.sh
lab_vmemmap_span
lo=$span_lo hi=$span_hi pages_b=$span_pages
pages_c=$(( $(wc -c </proc/kpageflags) / 8 ))

# Each round times (a), the start-up (memscope compound of a single pfn:
# kcore, VMCOREINFO, kallsyms, BTF, mem_section, the page layout), (b) and
# (c) back to back, so that
# the ratios compare runs under the same load (the lab's QEMU is TCG on
# shared cores); the report gives each one's fastest run and the median of
# the per-round ratios.
t() { $HELPER time "$@" 2>&1 >/dev/null | tail -1; }
for i in $(seq $RUNS); do
    a=$($HELPER kcore-read $lo $hi)
    echo "$a $(t $MEMSCOPE compound 256) $(t $MEMSCOPE compound) $(t dd if=/proc/kpageflags of=/dev/null bs=1M)"
done | awk -v pb="$pages_b" -v pc="$pages_c" '
function med(v, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function min(x, y) { return y == "" || x < y ? x : y }
{
    n++; ba = $1; ta = $2; ts = $3; tb = $4; tc = $5
    tn = tb - ts; if (tn <= 0) tn = 0.000001
    ra = ba / 64 / ta
    scan[n] = (pb / tn) / ra; tot[n] = (pb / tb) / ra; kpf[n] = (pb / tb) / (pc / tc); net[n] = tn
    mta = min(ta, mta); mts = min(ts, mts); mtb = min(tb, mtb); mtc = min(tc, mtc); mtn = min(tn, mtn)
}
END {
    printf "%d rounds; fastest of each:\n", n
    printf "(a) raw kcore pread of vmemmap  %9d pages %8.3f s %12.0f pages/s\n", ba / 64, mta, ba / 64 / mta
    printf "(b) memscope compound           %9d pages %8.3f s %12.0f pages/s\n", pb, mtb, pb / mtb
    printf "    start-up (compound of one pfn)         %8.3f s\n", mts
    m = med(net, n)
    printf "    the scan itself (median)    %9d pages %8.3f s %12.0f pages/s\n", pb, m, pb / m
    printf "(c) /proc/kpageflags            %9d pages %8.3f s %12.0f pages/s\n", pc, mtc, pc / mtc
    printf "median per-round ratios: scan/(a) = %.2f   (b)/(a) = %.2f   (b)/(c) = %.2f\n", med(scan, n), med(tot, n), med(kpf, n)
}'
