# Boot "stress" (issue 10): memory changes under memscope. Per cycle the
# host hot-adds a 512 MiB pc-dimm through QMP, a background loop onlines
# (movable) and offlines its blocks without pause, and meanwhile
# `memscope sections`, `vmemmap`, `compound`, `check` and the TUI (tmux,
# --refreshes) run one after another; then the blocks go offline and the
# host removes the DIMM (QMP device_del) while `sections` runs again.
# Every run keeps NNN-NAME.out/.err/.rc and the block states of sysfs just
# before and just after it (.before, .after): labkit/asserts_stress.py
# holds each printed row to one of the two.
# At the end, the machine quiet (toggling stopped, the DIMMs removed), post/
# holds plain's ground truth and memscope rows (asserts.check_phase: sysfs,
# lsmem, iomem, zoneinfo) and the rows of one QEMU dump of that moment, read
# on the host by memscope (asserts_dump.py) and by drgn (asserts_drgn.py).
. /lab/lib.sh
. /lab/tui.sh
S=$LAB_OUT/stress
mkdir -p "$S"
M=$MEMSCOPE
mem=/sys/devices/system/memory
CYCLES=${STRESS_CYCLES:-3}
DIMM_BYTES=${STRESS_DIMM_BYTES:-536870912}
bs=$(( 0x$(cat $mem/block_size_bytes) ))
echo $bs >"$S/block_size.txt"
want=$(( DIMM_BYTES / bs ))

# block states, one grep (no fork per block: TCG)
sysstate() { grep -H . $mem/memory*/state >"$1" 2>/dev/null; }
blocks() { ls -d $mem/memory* 2>/dev/null | sed 's,.*/memory,,' | sort -n; }
n=0
run() {	# NAME CMD...
    n=$((n + 1))
    f=$S/$(printf %03d $n)-$1
    shift
    sysstate "$f.before"
    t0=$(cut -d' ' -f1 /proc/uptime)
    "$@" >"$f.out" 2>"$f.err"
    echo $? >"$f.rc"
    sysstate "$f.after"
    echo "${f##*/} $t0 $(cut -d' ' -f1 /proc/uptime)" >>"$S/times.txt"
}
# toggle BLOCK...: online_movable then offline, in turn, until killed;
# each change that the kernel took is logged (the runs did see changes)
toggle() {
    while :; do
        for b in "$@"; do
            echo online_movable >$mem/memory$b/state 2>/dev/null &&
                echo "$(cut -d' ' -f1 /proc/uptime) $b online" >>"$S/toggle.log"
        done
        sleep 0.2
        for b in "$@"; do
            echo offline >$mem/memory$b/state 2>/dev/null &&
                echo "$(cut -d' ' -f1 /proc/uptime) $b offline" >>"$S/toggle.log"
        done
        sleep 0.2
    done
}
wait_blocks() {	# COUNT: until there are COUNT blocks (at most 60 s)
    i=0
    while [ $i -lt 600 ] && [ "$(blocks | wc -l)" -ne "$1" ]; do
        sleep 0.1
        i=$((i + 1))
    done
}
# the TUI for a few refreshes under tmux; the output is the last screen it
# drew (captured while it runs: on quitting it clears the terminal), then
# how many captures showed the map
tui_run() {
    mkdir -p /dev/pts
    grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts
    rm -f /tmp/stress-tui.rc /tmp/stress-tui.screen
    tui_tmux -f /dev/null new-session -d -x 100 -y 40 \
        "$M tui -d 0.5 --refreshes 6 2>/tmp/stress-tui.err; echo \$? >/tmp/stress-tui.rc; sleep 600"
    i=0 maps=0
    while [ $i -lt 600 ] && [ ! -s /tmp/stress-tui.rc ]; do
        tui_tmux capture-pane -p >/tmp/stress-tui.cap 2>/dev/null
        if grep -q 'memscope  1 Map' /tmp/stress-tui.cap; then
            mv /tmp/stress-tui.cap /tmp/stress-tui.screen
            maps=$((maps + 1))
        fi
        sleep 0.2
        i=$((i + 1))
    done
    cat /tmp/stress-tui.screen 2>/dev/null
    echo "TUI-CAPTURES $maps"
    cat /tmp/stress-tui.err >&2
    tui_tmux kill-server 2>/dev/null
    [ -s /tmp/stress-tui.rc ] || return 124	# did not quit by itself
    return "$(cat /tmp/stress-tui.rc)"
}

k=1
while [ $k -le "$CYCLES" ]; do
    base=$(blocks | wc -l)
    blocks >"$S/blocks-$k-before.txt"
    lab_say stress-add-$k
    run sections-adding-$k $M sections -J -b	# races the ACPI hot-add
    wait_blocks $((base + want))
    new=$(blocks | while read b; do grep -qx "$b" "$S/blocks-$k-before.txt" || echo "$b"; done)
    echo $new >"$S/blocks-$k-added.txt"
    toggle $new &
    tpid=$!
    run sections-$k $M sections -J -b
    run vmemmap-$k $M vmemmap -J -b
    run compound-$k $M compound -J -b
    run check-$k $M check -J -b
    run tui-$k tui_run
    run sections-late-$k $M sections -J -b
    kill $tpid
    wait $tpid 2>/dev/null
    for b in $new; do
        j=0
        while [ $j -lt 20 ] && [ "$(cat $mem/memory$b/state 2>/dev/null)" = online ]; do
            echo offline >$mem/memory$b/state 2>/dev/null || sleep 0.2
            j=$((j + 1))
        done
    done
    lab_say stress-del-$k
    run sections-removing-$k $M sections -J -b	# races the ACPI eject
    wait_blocks "$base"
    blocks >"$S/blocks-$k-after.txt"
    k=$((k + 1))
done
echo done >"$S/finished"

# issue 11: the oracles of every boot, on the machine that three hot-add and
# remove cycles left behind: every online RAM pfn against kpageflags and
# kpagecount (lib.sh), then nothing runs between these rows and the dump
lab_kpf "$LAB_OUT/post/kpf"
lab_ground_truth "$LAB_OUT/post/truth"
lab_memscope "$LAB_OUT/post/memscope"
. /lab/dump.sh
lab_dump_rows "$LAB_OUT/post/dump"
lab_dump post
