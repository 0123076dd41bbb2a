# Issue 11 ("dumps stand alone"), sourced by scenario-main.sh,
# scenario-vmemmap.sh and scenario-act.sh at their end (lab_dump_rows, then
# lab_dump post: one dump for memscope on the host, then drgn and crash):
# record what the live kernel and sysfs say, keep only the kinfo files a
# host needs (kallsyms and BTF: a QEMU dump has neither), then ask the host
# for a QMP dump-guest-memory of this very moment and stay idle meanwhile.
# dump_sysmem FILE: what asserts_dump.py compares, in lab_sysmem's format, with one
# grep (lab_sysmem forks a few processes per attribute: tens of seconds under TCG)
dump_sysmem() {
    (
        cd /sys/devices/system/memory || exit
        grep -H . block_size_bytes memory*/phys_index memory*/state memory*/valid_zones \
            memory*/removable 2>/dev/null | sed 's/:/=/'
        for l in memory*/node*; do
            [ -e "$l" ] && echo "${l%%/*}/node=${l##*/node}"
        done
    ) >"$1"
}

# (not $d: lab_sysmem sets it)
# lab_dump_rows DIR [ROWS]: ROWS, a directory with this moment's memscope -J -b
# --output-all output (vmemmap.out ...), saves running those commands again
lab_dump_rows() {
    dump_dir=$1
    mkdir -p "$dump_dir/root/proc" "$dump_dir/root/sys/kernel/btf" "$dump_dir/truth"
    _dr_t0=$(cut -d' ' -f1 /proc/uptime)
    $MODPROBE -q qemu_fw_cfg	# publishes VMCOREINFO to QEMU's vmcoreinfo device
    cat /proc/kallsyms >"$dump_dir/root/proc/kallsyms"
    cp /sys/kernel/btf/vmlinux "$dump_dir/root/sys/kernel/btf/vmlinux"
    for c in sections blocks vmemmap devices; do
        # $2: a directory holding this moment's C.out/.err/.rc (same options)
        if [ -n "$2" ] && [ -f "$2/$c.out" ]; then
            cp "$2/$c.out" "$dump_dir/live-$c.json"
            cp "$2/$c.err" "$dump_dir/live-$c.err"
            cp "$2/$c.rc" "$dump_dir/live-$c.rc"
            continue
        fi
        $MEMSCOPE $c -J -b --output-all >"$dump_dir/live-$c.json" 2>"$dump_dir/live-$c.err"
        echo $? >"$dump_dir/live-$c.rc"
    done
    dump_sysmem "$dump_dir/truth/sysfs-memory.txt"
    lsmem -J -a -b -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES \
        >"$dump_dir/truth/lsmem.json" 2>"$dump_dir/truth/lsmem.err"
    cat /proc/iomem >"$dump_dir/truth/iomem.txt"
    ls /sys/firmware/qemu_fw_cfg/by_name/etc/ >"$dump_dir/fw_cfg.txt" 2>&1
    echo "guest-rows $_dr_t0 $(cut -d' ' -f1 /proc/uptime)" >"$dump_dir/guest-times.txt"
    sync
}
