# Boot "vmemmap" (issue 7): HugeTLB vmemmap optimisation on and off, a 1 GiB
# HugeTLB page from the command line, device-dax namespaces of every
# geometry (-M mem -a 1G aligned and not, 2M, 4K, and -M dev), then a 1 GiB DIMM hot-added
# with memory_hotplug.memmap_on_memory=1. The host boots it with
# "hugetlb_free_vmemmap=on hugepagesz=1G hugepages=1 memory_hotplug.memmap_on_memory=1",
# 3 GiB of RAM and a 5 GiB NVDIMM. Each phase collects memscope vmemmap and
# devices, the independent walk (/lab/vmwalk) and the kernel's own figures.
. /lab/lib.sh
O=$LAB_OUT/vm
mkdir -p "$O"
hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

vm_collect() {
    d=$O/$1
    mkdir -p "$d"
    LAB_OUT=$d lab_run vmemmap $MEMSCOPE -J -b vmemmap --output-all
    LAB_OUT=$d lab_run devices $MEMSCOPE -J -b devices --output-all
    /lab/vmwalk >"$d/vmwalk.txt" 2>&1
    grep memmap /proc/vmstat >"$d/vmstat.txt"
    for h in /sys/kernel/mm/hugepages/hugepages-*; do
        echo "${h##*/} $(cat $h/nr_hugepages)"
    done >"$d/hugepages.txt"
    ndctl list -N >"$d/ndctl.json" 2>/dev/null
    daxctl list >"$d/daxctl.json" 2>/dev/null
    cat /proc/iomem >"$d/iomem.txt"
}

uname -r >"$O/uname"
cat /proc/cmdline >"$O/cmdline"
dmesg | grep 'HugeTLB' >"$O/hugetlb-dmesg.txt"
cat /sys/module/memory_hotplug/parameters/memmap_on_memory >"$O/memmap_on_memory" 2>&1

# dev_walks: each dax device's struct pages walked apart (namespaceX.Y start to daxX.Y end)
dev_walks() {
    grep -E ': (namespace|dax)[0-9]' /proc/iomem | sed 's/^ *//; s/-/ /; s/ : / /' |
    while read a b n; do
        case $n in
        namespace*) ns=$a ;;
        dax*) /lab/vmwalk "$ns" "$b" >"$O/devwalk-$n.txt" 2>&1 ;;
        esac
    done
}

lab_modules_nvdimm
{
    ndctl disable-region all
    ndctl init-labels -f all
    ndctl enable-region all
    ndctl create-namespace -r region0 -m devdax -M mem -a 1G -s 2G &&
    ndctl create-namespace -r region0 -m devdax -M mem -a 2M -s 256M &&
    ndctl create-namespace -r region0 -m devdax -M mem -a 4K -s 128M &&
    ndctl create-namespace -r region0 -m devdax -M dev -a 2M -s 256M
} >"$O/namespaces.log" 2>&1
echo $? >"$O/namespaces.rc"
dev_walks

# HVO on: 16 optimised 2 MiB pages (and the 1 GiB one from the command line)
echo 1 >/proc/sys/vm/hugetlb_optimize_vmemmap
echo 16 >$hp
vm_collect hvo-on
# HVO off: 8 more 2 MiB pages stay unoptimised
echo 0 >/proc/sys/vm/hugetlb_optimize_vmemmap
echo 24 >$hp
vm_collect hvo-off

mem=/sys/devices/system/memory
before=$(ls -d $mem/memory* | wc -l)
lab_say ready-for-hotplug
i=0
while [ $i -lt 600 ]; do
    now=$(ls -d $mem/memory* | wc -l)
    [ "$now" -ge $((before + 8)) ] && break
    sleep 0.1
    i=$((i + 1))
done
echo "blocks before=$before after=$now" >"$O/hotplug.log"
for b in $mem/memory*; do
    echo "${b##*/} $(cat $b/phys_index) $(cat $b/state) $(cat $b/memmap_on_memory 2>/dev/null)"
done >"$O/blocks.txt"
vm_collect hotplug
# last: a 1G namespace starting 0.625G past a 1G boundary, so its pgmap (which starts at the
# info block) is not aligned to its geometry
ndctl create-namespace -r region0 -m devdax -M mem -a 1G -s 2G >>"$O/namespaces.log" 2>&1
echo $? >"$O/misaligned.rc"
dev_walks
vm_collect misaligned
# issue 11, 12: every online RAM pfn against kpageflags and kpagecount, the
# TUI against the CLI (lib.sh); the memory map stays as it is for the dump
lab_kpf "$LAB_OUT/end/kpf"
lab_tui_cli "$LAB_OUT/end/memscope"

# issue 11: one QEMU dump of this moment (nothing runs between), read on the host by
# drgn (the pgmaps, the vmemmap page tables: labkit/asserts_oracle.py) and by memscope
# with only kallsyms and BTF (labkit/asserts_dump.py)
. /lab/dump.sh
lab_dump_rows "$LAB_OUT/post/dump" "$O/misaligned"	# its vmemmap and devices rows are this moment's
lab_dump post
