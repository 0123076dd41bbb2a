# lab.py demo on a terminal (make demo): memscope tui on the console, which
# is the user's terminal (ttyS0, sized as the host's: DEMO_ROWS, DEMO_COLS,
# DEMO_TERM come first in job.sh), while a scenario beside it changes the
# map: two devdax namespaces, HugeTLB pages, a DIMM the host hot-adds
# through QMP (marker on ttyS1, a file on the host), onlined; then dax0.0
# hotplugged as System RAM by memscope itself. q quits the TUI and
# so ends the guest. The scenario's steps go to /out/scenario.log, and as
# "LAB: demo-step N ..." markers to the host.
. /lab/lib.sh
LAB_SAY_TTY=/dev/ttyS1
TTY=/dev/ttyS0
mem=/sys/devices/system/memory

# kernel messages (hotplug, ACPI, kmem) would write over the map
echo 1 >/proc/sys/kernel/printk
stty -F $TTY rows "${DEMO_ROWS:-24}" cols "${DEMO_COLS:-80}"
# the initramfs has C.UTF-8's LC_CTYPE only: the TUI's block elements
export TERM=${DEMO_TERM:-xterm-256color} LC_CTYPE=C.UTF-8

step() {	# N TEXT: a scenario step, said to the host and logged
    n=$1
    shift
    echo "$(cut -d' ' -f1 /proc/uptime)s step $n: $*"
    lab_say "demo-step $n $*"
}

# the kernel's view, for the host's check of the map (tests/lab/demo_check.py)
oracle() {	# NAME: memory blocks and their states (sysfs), /proc/iomem
    for b in $mem/memory*; do
        echo "${b##*/memory} $(cat "$b/state")"
    done >"$LAB_OUT/blocks-$1.txt"
    cat /proc/iomem >"$LAB_OUT/iomem-$1.txt"
    cat $mem/block_size_bytes >"$LAB_OUT/block_size_bytes"
}

scenario() {
    oracle start
    sleep "${DEMO_PAUSE:-8}"
    step 1 two devdax namespaces on the NVDIMM
    lab_namespaces 256M 208M || echo "namespace setup failed"
    sleep "${DEMO_PAUSE:-8}"
    step 2 "128 HugeTLB pages (the compound overlay, c, shows them)"
    echo 128 >/proc/sys/vm/nr_hugepages
    sleep "${DEMO_PAUSE:-8}"
    before=$(ls -d $mem/memory* | wc -l)
    ls -d $mem/memory* >/tmp/blocks-before
    step 3 the host hot-adds a 1 GiB DIMM through QMP
    lab_say demo-hotadd
    i=0
    while [ $i -lt 600 ] && [ "$(ls -d $mem/memory* | wc -l)" -le "$before" ]; do
        sleep 0.1
        i=$((i + 1))
    done
    sleep 2		# all of its blocks
    sleep "${DEMO_PAUSE:-8}"
    step 4 its memory blocks onlined movable
    for b in $(ls -d $mem/memory*); do
        grep -qx "$b" /tmp/blocks-before || echo online_movable >"$b/state"
    done
    sleep "${DEMO_PAUSE:-8}"
    # dax0.0: 254 MiB from 0x100200000 holds one whole memory block, which
    # kmem needs (dax0.1 holds none)
    step 5 memscope hotplug dax0.0: the devdax device as System RAM
    $MEMSCOPE hotplug dax0.0
    oracle end
    step 6 done, q quits
    lab_say demo-done
}

lab_modules_nvdimm
scenario >"$LAB_OUT/scenario.log" 2>&1 &
spid=$!
$MEMSCOPE tui -d 1 <$TTY >$TTY 2>"$LAB_OUT/tui.err"
rc=$?
kill $spid 2>/dev/null
lab_say demo-quit rc=$rc
exit $rc
