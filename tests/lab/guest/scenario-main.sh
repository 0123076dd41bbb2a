# Boot "main": default paging (5-level under -cpu max) and KASLR, an emulated
# NVDIMM split into two devdax namespaces (memmap in RAM), then a 1 GiB DIMM
# hot-added by the host through QMP and onlined here through sysfs.
# Collects memscope output and ground truth before (pre/) and after (post/).
. /lab/lib.sh
. /lab/tui.sh
NS_SIZES=${NS_SIZES:-256M 208M}
HOTPLUG_BYTES=${HOTPLUG_BYTES:-1073741824}

lab_modules_nvdimm
lab_namespaces $NS_SIZES >"$LAB_OUT/namespaces.log" 2>&1
echo $? >"$LAB_OUT/namespaces.rc"

lab_ground_truth "$LAB_OUT/pre/truth"
lab_memscope "$LAB_OUT/pre/memscope"
lab_dump pre
lab_tui_pre "$LAB_OUT/pre/tui"
# issue 11: every online RAM pfn against kpageflags and kpagecount (lib.sh)
lab_kpf "$LAB_OUT/pre/kpf"

mem=/sys/devices/system/memory
bs=$(( 0x$(cat $mem/block_size_bytes) ))
want=$(( HOTPLUG_BYTES / bs ))
before=$(ls -d $mem/memory* | wc -l)
ls -d $mem/memory* | sed 's,.*/,,' >"$LAB_OUT/blocks-before.txt"
lab_say ready-for-hotplug
i=0
while [ $i -lt 600 ]; do
    now=$(ls -d $mem/memory* | wc -l)
    [ "$now" -ge $((before + want)) ] && break
    sleep 0.1
    i=$((i + 1))
done
echo "blocks before=$before after=$now wanted=+$want waited=${i}00ms" >"$LAB_OUT/hotplug.log"
# Online the new blocks: the first three to the kernel zone, the next ones movable,
# the last stays offline (so offline sections are covered too).
n=0
new=$(ls -d $mem/memory* | sed 's,.*/memory,,' | sort -n | while read b; do
        grep -qx "memory$b" "$LAB_OUT/blocks-before.txt" || echo "$b"; done)
count=$(echo "$new" | grep -c .)
for b in $new; do
    n=$((n + 1))
    if [ $n -eq "$count" ]; then
        how=keep-offline
    elif [ $n -le 3 ]; then
        how=online_kernel
    else
        how=online_movable
    fi
    if [ $how != keep-offline ]; then
        echo $how >$mem/memory$b/state 2>>"$LAB_OUT/hotplug.log" || \
            echo online >$mem/memory$b/state 2>>"$LAB_OUT/hotplug.log"
    fi
    echo "memory$b $how -> $(cat $mem/memory$b/state)" >>"$LAB_OUT/hotplug.log"
done
echo "$new" >"$LAB_OUT/blocks-hotplugged.txt"

lab_ground_truth "$LAB_OUT/post/truth"
lab_memscope "$LAB_OUT/post/memscope"
. /lab/metrics.sh && lab_metrics "$LAB_OUT/post/metrics"
lab_tui_post "$LAB_OUT/post/tui"
lab_kpf "$LAB_OUT/post/kpf"

lab_snapshot "$LAB_OUT/post/snapshot"
# issue 11: the output contract on live rows without -b too (labkit/asserts_contract.py)
mkdir -p "$LAB_OUT/post/contract"
for c in sections blocks; do
    LAB_OUT=$LAB_OUT/post/contract lab_run $c $MEMSCOPE $c -J --output-all
done

# issue 11: one QEMU dump of the end of the boot (nothing changed the memory map
# since post/ was collected), read on the host by memscope with only kallsyms
# and BTF (asserts_dump.py, the output contract), then by drgn and crash
. /lab/dump.sh
lab_dump_rows "$LAB_OUT/post/dump"
lab_dump post
