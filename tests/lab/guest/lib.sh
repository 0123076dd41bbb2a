# memscope lab: shell helpers for guest jobs (busybox sh).  Source with ". /lab/lib.sh".
# Busybox sh runs its own applets first for bare names (modprobe, setpriv, tar,
# ...), so the real tools are always called by absolute path.
MODPROBE=/sbin/modprobe
SETPRIV=/usr/bin/setpriv
MEMSCOPE=${MEMSCOPE:-/usr/bin/memscope}
: "${LAB_OUT:=/out}"

lab_say() {
    # a marker line for the host (it watches the console; the demo on a
    # terminal: ttyS1, as the console is the user's terminal)
    echo "LAB: $*" >"${LAB_SAY_TTY:-/dev/console}"
}

lab_modules_nvdimm() {
    # nvdimm/dax/kmem stack; dax_pmem_core/compat exist only on some releases
    for m in nfit libnvdimm nd_pmem nd_btt dax_pmem_core dax_pmem dax_pmem_compat \
             device_dax kmem; do
        $MODPROBE -q "$m" 2>/dev/null
    done
    # wait for the NFIT region to appear
    i=0
    while [ $i -lt 50 ] && [ -z "$(ls /sys/bus/nd/devices 2>/dev/null | grep region)" ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

# lab_namespaces SIZE... : fresh labels, then one devdax namespace per size,
# memmap in RAM (-M mem: compound devmap dedup needs it), 2 MiB aligned.
lab_namespaces() {
    ndctl disable-region all
    ndctl init-labels -f all
    ndctl enable-region all
    for s in "$@"; do
        ndctl create-namespace -r region0 -m devdax -M mem -a 2M -s "$s" || return 1
    done
}

# lab_sysmem FILE: every value of /sys/devices/system/memory as "path=value"
# lines (path relative to that directory), plus "memoryN/node=K" from the node link.
lab_sysmem() {
    d=/sys/devices/system/memory
    {
        for f in "$d"/*; do
            [ -f "$f" ] && [ -r "$f" ] && echo "${f#$d/}=$(cat "$f" 2>/dev/null | tr '\n' ' ')"
        done
        for b in "$d"/memory*; do
            n=${b##*/}
            for f in "$b"/*; do
                [ -f "$f" ] && [ -r "$f" ] || continue
                case "${f##*/}" in uevent) continue ;; esac
                echo "$n/${f##*/}=$(cat "$f" 2>/dev/null | tr '\n' ' ' | sed 's/ *$//')"
            done
            for l in "$b"/node*; do
                [ -e "$l" ] && echo "$n/node=${l##*/node}"
            done
        done
    } >"$1"
}

# lab_vmemmap_span: for the benches (bench/pages.sh, bench/inguest.sh), sets
# span_lo and span_hi, the struct pages of the first and last present
# section (kernel virtual), and span_pages, the pages memscope decodes
# (active sub-sections of online or device sections)
lab_vmemmap_span() {
    _vs=$($MEMSCOPE sections -r -n -o MEMMAP,FLAGS,ACTIVE)
    span_lo=$(echo "$_vs" | awk 'NR == 1 {print $1}')
    span_hi=$(echo "$_vs" | awk '{m = $1} END {print m}')
    span_hi=$(printf '0x%x' $((span_hi + 32768 * 64)))
    span_pages=$(echo "$_vs" | awk '$2 ~ /online|zone_device/ {n += $3 * 512} END {print n}')
}

# lab_ram_pfns: the pfn range of every top-level "System RAM" of /proc/iomem,
# one FIRST-LAST per line (decimal, as memscope pages takes it)
lab_ram_pfns() {
    grep '^[0-9a-f]*-[0-9a-f]* : System RAM$' /proc/iomem | while IFS='- ' read -r a b _; do
        echo "$(( 0x$a >> 12 ))-$(( 0x$b >> 12 ))"
    done
}

# lab_online_ram_pfns: lab_ram_pfns less the memory blocks that are offline
# (hot-added RAM left offline is still "System RAM" in /proc/iomem, but the
# kernel has no struct pages to report there: KPF_NOPAGE)
lab_online_ram_pfns() {
    _or_d=/sys/devices/system/memory
    _or_per=$(( 0x$(cat $_or_d/block_size_bytes) >> 12 ))
    _or_off=$(grep -l '^offline$' $_or_d/memory*/state 2>/dev/null |
        sed 's,.*/memory,,; s,/state,,' | sort -n | tr '\n' ' ')
    lab_ram_pfns | awk -v per="$_or_per" -v off="$_or_off" '
        BEGIN { n = split(off, b, " ") }
        { split($0, r, "-"); lo = r[1] + 0; hi = r[2] + 0
          for (i = 1; i <= n && lo <= hi; i++) {
              s = b[i] * per; e = s + per - 1
              if (e < lo || s > hi) continue
              if (s > lo) print lo "-" s - 1
              lo = e + 1
          }
          if (lo <= hi) print lo "-" hi }'
}

# lab_kpf DIR (issue 11, every boot): every online RAM pfn of memscope pages
# against /proc/kpageflags and /proc/kpagecount read just before and just
# after it by one reader whose own pages stay put (kpfsnap.c), asserted by
# labkit/asserts_pages.check_all. The state is held still while it runs: no
# khugepaged collapse (it sleeps 10 minutes), THP only where madvised.
# DIR/kpf-time.txt: the guest seconds the run took.
LAB_KPF_COLS=PFN,KIND,ORDER,HEAD,TYPE,COMPOUND,FLAGS,PINCOUNT,REFCOUNT,ZONE,STATE,MAPCOUNT,MAPPING,BUDDY_ORDER
lab_kpf() {
    mkdir -p "$1"
    echo madvise >/sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
    echo 600000 >/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs 2>/dev/null
    lab_online_ram_pfns >"$1/ram-ranges.txt"
    _kpf_t0=$(cut -d' ' -f1 /proc/uptime)
    /lab/kpfsnap "$1" $MEMSCOPE pages -r -n -o "$LAB_KPF_COLS" $(cat "$1/ram-ranges.txt")
    _kpf_t1=$(cut -d' ' -f1 /proc/uptime)
    echo "$_kpf_t0 $_kpf_t1" >"$1/kpf-time.txt"
    lab_say "kpf ${1#$LAB_OUT/} $_kpf_t0-$_kpf_t1"
}

# lab_dump NAME (issue 11): the host pauses the guest, writes a QEMU dump of
# it for drgn and crash (labkit/oracles.py), resumes it and grows the labin
# disk by 1 MiB: wait for that, so nothing runs between memscope and the dump.
lab_dump() {
    $MODPROBE -q qemu_fw_cfg 2>/dev/null   # VMCOREINFO for -device vmcoreinfo
    # (callers' variables: busybox sh has no "local" in every build, so the
    # names here are lab_dump's own)
    for _ld_b in /sys/block/vd*; do
        [ "$(cat "$_ld_b/serial" 2>/dev/null)" = labin ] && _ld_in=$_ld_b
    done
    _ld_old=$(cat "$_ld_in/size")
    lab_say "dump-$1"
    _ld_i=0
    while [ $_ld_i -lt 9000 ] && [ "$(cat "$_ld_in/size")" = "$_ld_old" ]; do
        sleep 0.1
        _ld_i=$((_ld_i + 1))
    done
    echo "$1 waited=${_ld_i}00ms" >>"$LAB_OUT/dumps.txt"
}

# lab_run NAME CMD...: run a command, keep stdout, stderr and exit status.
lab_run() {
    name=$1
    shift
    "$@" >"$LAB_OUT/$name.out" 2>"$LAB_OUT/$name.err"
    echo $? >"$LAB_OUT/$name.rc"
}

# lab_ground_truth DIR: what the kernel itself says, for the host-side assertions.
lab_ground_truth() {
    g=$1
    mkdir -p "$g"
    lab_sysmem "$g/sysfs-memory.txt"
    lsmem -J -a -b -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES >"$g/lsmem.json" 2>"$g/lsmem.err"
    cat /proc/iomem >"$g/iomem.txt"
    ndctl list -N -R >"$g/ndctl.json" 2>"$g/ndctl.err"
    daxctl list >"$g/daxctl.json" 2>"$g/daxctl.err"
    grep -m1 '^flags' /proc/cpuinfo >"$g/cpuflags.txt"
    uname -r >"$g/uname.txt"
    cat /proc/cmdline >"$g/cmdline.txt"
    cat /proc/zoneinfo >"$g/zoneinfo.txt"
    cat /proc/meminfo >"$g/meminfo.txt"
    grep ' _text$' /proc/kallsyms >"$g/ktext.txt"
    dd if=/proc/kcore bs=4096 count=16 of="$g/kcore.head" 2>/dev/null
    ls -l /sys/bus/dax/devices/ >"$g/dax-devices.txt" 2>&1
    for r in /sys/bus/dax/devices/dax*; do
        [ -d "$r" ] || continue
        n=${r##*/}
        for f in size align resource target_node; do
            [ -r "$r/$f" ] && echo "$n/$f=$(cat "$r/$f")"
        done
    done >"$g/dax-attrs.txt" 2>/dev/null
}

# lab_tui_cli DIR (issue 12, every boot): the TUI's Section view of every
# present section, against these columns (labkit/tui_cli.py SECTION_COLUMNS),
# asserted by labkit/asserts_tui.check_tui_cli: a SAME check
lab_tui_cli() {
    mkdir -p "$1"
    LAB_OUT=$1 lab_run subsections-json $MEMSCOPE subsections -J
    LAB_OUT=$1 lab_run sections-facts-json $MEMSCOPE sections -J -o +CLASS,OWNER
    LAB_OUT=$1 lab_run tui-sections $MEMSCOPE tui --dump section
}

# lab_memscope DIR: the memscope outputs (JSON and text) with status and stderr.
lab_memscope() {
    m=$1
    mkdir -p "$m"
    LAB_OUT=$m lab_run sections-json $MEMSCOPE sections -J
    LAB_OUT=$m lab_run blocks-json $MEMSCOPE blocks -J
    LAB_OUT=$m lab_run summary $MEMSCOPE summary
    LAB_OUT=$m lab_run summary-json $MEMSCOPE summary -J -b
    LAB_OUT=$m lab_run sections $MEMSCOPE sections
    # issue 11: against drgn's pgdat first_deferred_pfn and pgmaps (asserts_oracle.py)
    LAB_OUT=$m lab_run deferred-json $MEMSCOPE deferred -J -b --output-all
    LAB_OUT=$m lab_run devices-json $MEMSCOPE devices -J -b --output-all
    lab_tui_cli "$m"
    # bad input: not root -> one line on stderr, exit 1
    LAB_OUT=$m lab_run nonroot $SETPRIV --reuid=65534 --regid=65534 --clear-groups \
        $MEMSCOPE summary
    # issue 10: what a read-only command keeps once /proc/kcore is open
    LAB_OUT=$m lab_run caps env MEMSCOPE_DEBUG_CAPS=1 $MEMSCOPE summary
}

# lab_artifacts DIR: raw kernel facts other developers decode offline.
lab_artifacts() {
    a=$1
    mkdir -p "$a"
    cp /sys/kernel/btf/vmlinux "$a/btf-vmlinux"
    cat /proc/kallsyms >"$a/kallsyms"
    dd if=/proc/kcore bs=4096 count=16 of="$a/kcore.head" 2>/dev/null
    cat /sys/kernel/vmcoreinfo >"$a/vmcoreinfo-sysfs.txt" 2>/dev/null
    cat /proc/iomem >"$a/iomem"
    lab_sysmem "$a/sysfs-memory.txt"
    ls -lR /sys/devices/system/memory/ >"$a/sysfs-memory-ls.txt" 2>&1
    uname -r >"$a/uname"
    cat /proc/cmdline >"$a/cmdline"
    grep -m1 '^flags' /proc/cpuinfo >"$a/cpuflags"
    cat /proc/zoneinfo >"$a/zoneinfo"
    cat /proc/meminfo >"$a/meminfo"
}

# lab_snapshot DIR (issue 6): a snapshot, and the live rows it must reproduce
# on the host (asserts_snapshot.py). Commands whose rows move with the live
# system (compound: slab churn) are left out of the comparison.
lab_snapshot() {
    s=$1
    mkdir -p "$s"
    $MEMSCOPE capture "$s/snap.elf" >"$s/capture.out" 2>"$s/capture.err"
    echo $? >"$s/capture.rc"
    for c in sections subsections blocks summary deferred vmemmap devices; do
        all=--output-all
        [ "$c" = summary ] && all=	# not a table: it takes no --output-all
        $MEMSCOPE $c -J -b $all >"$s/live-$c.json" 2>"$s/live-$c.err"
        echo $? >"$s/live-$c.rc"
    done
}
