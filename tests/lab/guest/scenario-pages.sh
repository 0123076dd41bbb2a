# Boot "pages": struct pages against the kernel's own accounting. The host
# boots it with "hugepagesz=1G hugepages=1" and a 1 GiB NVDIMM.
#   thp      8 anonymous THPs (madvise + touch), the first pinned through an
#            io_uring fixed buffer (FOLL_PIN): tests/lab/guest/pagehelper.c
#   slab     20000 files in a tmpfs (dentries, inodes)
#   hugetlb  16 x 2 MiB with HVO off (phase nohvo), then 16 with it on
#            (phase hvo), and the boot-time 1 GiB page in both
#   devdax   a 256M devdax namespace with -a 2M (compound ZONE_DEVICE pages)
# Each phase collects memscope compound/check/pages for sampled ranges and
# the truth: /proc/meminfo, hugepages sysfs, daxctl, /proc/kpageflags.
# (The benchmark, bench/pages.sh, is /lab/bench-pages.sh: run it with
# lab.py shell, see README.md "Performance".)
. /lab/lib.sh
P=$LAB_OUT/pages
mkdir -p "$P"

lab_modules_nvdimm
lab_namespaces 256M >"$P/namespaces.log" 2>&1

echo madvise >/sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
/lab/pagehelper thp 8 "$P/helper.txt" &
helper=$!
/lab/pagehelper slab 20000 /tmp/slab >"$P/slab.log" 2>&1
i=0
while [ $i -lt 300 ] && ! grep -q '^pin' "$P/helper.txt" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done

hp2=/sys/kernel/mm/hugepages/hugepages-2048kB
# pages_collect DIR: truth and memscope output for one phase
pages_collect() {
    d=$1
    mkdir -p "$d"
    cat /proc/meminfo >"$d/meminfo.txt"
    for h in /sys/kernel/mm/hugepages/hugepages-*; do
        echo "${h##*-} $(cat $h/nr_hugepages) $(cat $h/free_hugepages)"
    done >"$d/hugepages.txt"
    daxctl list >"$d/daxctl.json" 2>/dev/null
    cat /proc/iomem >"$d/iomem.txt"
    cat /proc/zoneinfo >"$d/zoneinfo.txt"
    cat /proc/sys/vm/hugetlb_optimize_vmemmap >"$d/hvo.txt" 2>/dev/null
    LAB_OUT=$d lab_run compound-json $MEMSCOPE compound -J -b
    LAB_OUT=$d lab_run check $MEMSCOPE check
    # the sampled pfns: helper THPs, 2 MiB hugetlb pages, the 1 GiB page's
    # first and last pfns, and the first 64 MiB of RAM above 1 MiB
    {
        awk '/^thp/ {print $2 "-" $2 + 511}' "$P/helper.txt"
        /lab/pagehelper huge-ranges
        echo "256-16639"
    } >"$d/ranges.txt"
    # kpageflags just before and just after the scan: a pfn whose state
    # changed in between is a race, not a disagreement
    dd if=/proc/kpageflags of="$d/kpageflags-before.bin" bs=1M 2>/dev/null
    LAB_OUT=$d lab_run pages $MEMSCOPE pages -r -n \
        -o PFN,KIND,ORDER,HEAD,TYPE,COMPOUND,FLAGS,PINCOUNT,REFCOUNT,ZONE,STATE,BUDDY_ORDER $(cat "$d/ranges.txt")
    mv "$d/pages.out" "$d/pages.txt"
    # issue 11: drgn reads the same struct pages from a dump (asserts_drgn)
    mkdir -p "$LAB_OUT/dump-ranges"
    cp "$d/ranges.txt" "$LAB_OUT/dump-ranges/${d##*/}.txt"
    lab_dump "${d##*/}"
    dd if=/proc/kpageflags of="$d/kpageflags.bin" bs=1M 2>/dev/null
    # issue 11: every RAM pfn against kpageflags and kpagecount (lib.sh)
    lab_kpf "$d/kpf"
    # issue 12: the TUI against the CLI, every section (lib.sh)
    lab_tui_cli "$d/memscope"
}
# hold the state still while memscope and the kernel are read: no
# khugepaged collapse between the readings (THP stays madvise, below)
echo 600000 >/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs 2>/dev/null

echo 0 >/proc/sys/vm/hugetlb_optimize_vmemmap 2>/dev/null
echo 16 >$hp2/nr_hugepages
pages_collect "$P/nohvo"
echo 0 >$hp2/nr_hugepages
echo 1 >/proc/sys/vm/hugetlb_optimize_vmemmap 2>/dev/null
echo 16 >$hp2/nr_hugepages
pages_collect "$P/hvo"
kill $helper 2>/dev/null
