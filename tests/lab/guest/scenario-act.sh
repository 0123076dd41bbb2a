# Boot "act" (issue 4): memscope changes memory and shows what changed.
# An NVDIMM with two devdax namespaces (-M mem -a 2M): the bigger one is
# hot-plugged to System RAM and back (Movable, auto-online on, Normal), the
# smaller one is pinned (compound heads) while a hotplug of it is refused.
# Then a 1 GiB pc-dimm is hot-added through QMP, onlined with memscope
# (block range, physical range), an anonymous range is pinned, and offlining
# its block is refused with the blockers report naming the pinned pfns.
# Every command keeps .out/.err/.rc under $LAB_OUT/act (with -J the notes,
# "loaded modules: kmem", the pin path, go to .err); sysfs after each action
# under $LAB_OUT/act/sys-*.txt; guest seconds per command in times.txt.
# Asserted by labkit/asserts_act.py.
. /lab/lib.sh
A=$LAB_OUT/act
mkdir -p "$A"
M=$MEMSCOPE
mem=/sys/devices/system/memory
# r NAME CMD...: lab_run, and how long it took (guest seconds, times.txt)
r() {
    t0=$(cut -d' ' -f1 /proc/uptime)
    LAB_OUT=$A lab_run "$@"
    echo "$1 $t0 $(cut -d' ' -f1 /proc/uptime)" >>"$A/times.txt"
}
# snap NAME: block state and valid_zones ("path:value", one grep: lab_sysmem
# forks a few processes per attribute, minutes under TCG), and daxctl list
snap() {
    grep -H . $mem/memory*/state $mem/memory*/valid_zones >"$A/sys-$1.txt" 2>/dev/null
    daxctl list >"$A/dax-$1.json" 2>/dev/null
}
# wait_file FILE PATTERN: until FILE holds PATTERN (at most 60 s)
wait_file() {
    i=0
    while [ $i -lt 600 ] && ! grep -q "$2" "$1" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
}

lab_modules_nvdimm
# hotplug must load kmem itself through libkmod, and say so
/sbin/rmmod kmem 2>"$A/rmmod.err"
lab_namespaces 512M 256M >"$A/namespaces.log" 2>&1
echo $? >"$A/namespaces.rc"
big= small=
for d in /sys/bus/dax/devices/dax*; do
    n=${d##*/}
    s=$(cat "$d/size")
    echo "$n size=$s resource=$(cat "$d/resource" 2>/dev/null)" >>"$A/daxdevs.txt"
    if [ "$s" -ge 402653184 ]; then big=$n; else small=$n; fi
done
echo "big=$big small=$small" >>"$A/daxdevs.txt"
cat $mem/block_size_bytes >"$A/block_size.txt"
snap pre

# (1) devdax -> System RAM, Movable, blocks onlined by memscope
r hotplug-movable $M -J hotplug "$big" --zone movable
snap hotplug-movable
r unplug-movable $M -J unplug "$big"
snap unplug-movable

# (2) auto-online policy on: --no-online is refused, the kernel onlines
echo online_movable >$mem/auto_online_blocks
r hotplug-noonline $M hotplug "$big" --no-online
snap hotplug-noonline
r hotplug-auto $M -J hotplug "$big" --zone movable
snap hotplug-auto
r unplug-auto $M -J unplug "$big"
snap unplug-auto
echo offline >$mem/auto_online_blocks

# (3) Normal zone: unplug without --force is refused, then forced
r hotplug-normal $M -J hotplug "$big" --zone normal
snap hotplug-normal
r unplug-noforce $M unplug "$big"
r unplug-force $M -J unplug "$big" --force --timeout 3
snap unplug-force

# pins_now NAME: the kernel's own FOLL_PIN counters (issue 11: the oracle of pin)
# (node counters keep per-cpu deltas below a threshold out of /proc/vmstat: a
# write to vm.stat_refresh folds them in first, or a few pins go missing)
vm_fold() {
    echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
    true
}
pins_now() {
    vm_fold
    grep '^nr_foll_pin_' /proc/vmstat >"$A/vmstat-$1.txt"
}
# pins_settled NAME BEFORE: after a release, io_uring drops its buffers from a
# workqueue (io_ring_exit_work) once the ring is gone: wait (5 s at most) for
# acquired - released to come back to BEFORE's, then read
pins_settled() {
    i=0
    net0=$(awk '{v[$1]=$2} END {print v["nr_foll_pin_acquired"] - v["nr_foll_pin_released"]}' \
        "$A/vmstat-$2.txt")
    while [ $i -lt 50 ] && vm_fold && [ "$(awk '/^nr_foll_pin_acquired/ {a=$2} /^nr_foll_pin_released/ {r=$2}
            END {print a - r}' /proc/vmstat)" != "$net0" ]; do
        sleep 0.1
        i=$((i + 1))
    done
    pins_now "$1"
}

# (4) pin a 2 MiB-aligned devdax device; a hotplug of it meanwhile is refused
pins_now pin-dax-before
$M -J pin "/dev/$small" --until-signal >"$A/pin-dax.out" 2>"$A/pin-dax.err" &
pid=$!
wait_file "$A/pin-dax.out" '"pinned"'
pins_now pin-dax-held
r hotplug-inuse $M hotplug "$small"
kill -INT $pid
wait $pid
echo $? >"$A/pin-dax.rc"
pins_settled pin-dax-after pin-dax-before

# a hugetlbfs file (io_uring takes hugetlbfs on every kernel)
echo 4 >/proc/sys/vm/nr_hugepages
mkdir -p /mnt/huge
mount -t hugetlbfs none /mnt/huge && truncate -s 4M /mnt/huge/f
r pin-hugetlb $M -J pin /mnt/huge/f

# (5) bad input
r bad-unknown-dev $M hotplug dax9.9
r bad-unknown-block $M online 99999
r bad-zone-word $M online 0 --zone dma
r bad-nonroot $SETPRIV --reuid=65534 --regid=65534 --clear-groups $M online 0

# (6) a pc-dimm hot-added through QMP, onlined by memscope
ls -d $mem/memory* | sed 's,.*/memory,,' | sort -n >"$A/blocks-before.txt"
before=$(wc -l <"$A/blocks-before.txt")
lab_say ready-for-hotplug
i=0
while [ $i -lt 600 ]; do
    [ "$(ls -d $mem/memory* | wc -l)" -ge $((before + 8)) ] && break
    sleep 0.1
    i=$((i + 1))
done
ls -d $mem/memory* | sed 's,.*/memory,,' | sort -n | while read b; do
    grep -qx "$b" "$A/blocks-before.txt" || echo "$b"; done >"$A/blocks-new.txt"
set -- $(cat "$A/blocks-new.txt")
b1=$1 b2=$2 b3=$3 b4=$4 b5=$5
bs=$(( 0x$(cat $mem/block_size_bytes) ))
lo=$(printf '0x%x' $((b3 * bs)))
hi=$(printf '0x%x' $(((b4 + 1) * bs - 1)))
echo "b1=$b1 b2=$b2 b3=$b3 b4=$b4 b5=$b5 range=$lo-$hi" >"$A/dimm.txt"
snap dimm-added
$M capture "$A/before-online.snap" >/dev/null 2>"$A/capture-before.err"  # issue 15: diff
r online-normal $M -J online "$b1-$b2" --zone normal
$M capture "$A/after-online.snap" >/dev/null 2>"$A/capture-after.err"
r online-movable $M -J online "$lo-$hi" --zone movable
snap dimm-online
r online-already $M online "$b1"
r online-partial $M -J online "$b2" "$b5"
r online-dry $M -J offline "$b5" --dry-run
r offline-single $M -J offline "$b5"
snap dimm-final

# (7) pin anonymous memory (it lands in the Normal blocks); offline refused
pins_now pin-anon-before
$M -P pin anon:128M --hold 60 >"$A/pin-anon.out" 2>"$A/pin-anon.err" &
pid=$!
wait_file "$A/pin-anon.out" 'PINCOUNT_AFTER'
pins_now pin-anon-held
# the hot-added Normal block holding the most pinned pages
pb=$(awk -F'"' -v a="$b1" -v b="$b2" '$18 > 0 && ($6 == a || $6 == b) { n[$6] += $4 }
     END { m = 0; for (k in n) if (n[k] > m) { m = n[k]; best = k }; print best }' "$A/pin-anon.out")
echo "pinned_block=$pb" >>"$A/dimm.txt"
r offline-pinned $M -J offline "$pb" --timeout 4
r blockers-pinned $M -J blockers "$pb"
kill -TERM $pid
wait $pid
echo $? >"$A/pin-anon.rc"
r blockers-released $M -J blockers "$pb"
pins_settled pin-anon-after pin-anon-before

# (8) issue 11: the kernel's decision on every online block.  With 64 MiB
# pinned again, memscope predicts (blockers) and then, block by block,
# the block is offlined through sysfs: it goes (and is onlined back) or the
# kernel refuses (EBUSY/EINVAL at once, or keeps retrying a pinned page until
# the 5 s timeout stops it); asserted by asserts_act.check_decisions.
$M -J pin anon:64M --until-signal >"$A/pin-decide.out" 2>"$A/pin-decide.err" &
pid=$!
wait_file "$A/pin-decide.out" '"pinned"'
grep -l '^online$' $mem/memory*/state | sed 's,.*/memory,,; s,/state,,' | sort -n \
    >"$A/decide-blocks.txt"
mkdir -p "$A/decide"
for b in $(cat "$A/decide-blocks.txt"); do
    # the prediction right before the kernel decides: an earlier offline moves
    # pages into the blocks after it (one run per block: -J shows first runs only)
    LAB_OUT=$A/decide lab_run "blockers-$b" $M -J blockers "$b"
    t0=$(cut -d' ' -f1 /proc/uptime)
    timeout 5 sh -c "echo offline >$mem/memory$b/state" 2>"$A/decide.err"
    rc=$?
    st=$(cat $mem/memory$b/state)
    echo "$b rc=$rc state=$st t0=$t0 t1=$(cut -d' ' -f1 /proc/uptime) $(tr '\n' ' ' <"$A/decide.err")" \
        >>"$A/decide.txt"
    [ "$st" = offline ] && echo online >$mem/memory$b/state
done
kill -INT $pid
wait $pid
echo $? >"$A/pin-decide.rc"
snap end
# issue 11, 12: every online RAM pfn against kpageflags and kpagecount, the
# TUI against the CLI (lib.sh); the memory map stays as it is for the dump
lab_kpf "$LAB_OUT/end/kpf"
lab_tui_cli "$LAB_OUT/end/memscope"

# issue 11: a QEMU dump of the end state, read on the host by memscope with only
# kallsyms and BTF (labkit/asserts_dump.py) and by drgn (labkit/asserts_oracle.py)
. /lab/dump.sh
lab_dump_rows "$LAB_OUT/post/dump"
lab_dump post
