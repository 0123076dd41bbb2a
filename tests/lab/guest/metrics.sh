# lab_metrics DIR (issue 15): `memscope metrics --textfile DIR` between two
# reads of the oracles (/proc/vmstat, the memory-block tree), and the CLI's
# -J of the same moment, for tests/lab/labkit/asserts_metrics.py.
lab_metrics() {
    m=$1
    mkdir -p "$m"
    cat /proc/vmstat >"$m/vmstat-before"
    lab_sysmem "$m/sysfs-before.txt"
    $MEMSCOPE metrics --textfile "$m" 2>"$m/metrics.err"
    echo $? >"$m/metrics.rc"
    cat /proc/vmstat >"$m/vmstat-after"
    lab_sysmem "$m/sysfs-after.txt"
    # the service's capabilities (share/memscope/memscope-metrics.service):
    # all three, then each one left out
    for caps in all3 no-rawio no-syslog no-admin; do
        case $caps in
        all3) set -- +sys_rawio,+syslog,+sys_admin ;;
        no-rawio) set -- +syslog,+sys_admin ;;
        no-syslog) set -- +sys_rawio,+sys_admin ;;
        no-admin) set -- +sys_rawio,+syslog ;;
        esac
        $SETPRIV --bounding-set=-all,$1 $MEMSCOPE metrics >"$m/caps-$caps.prom" \
            2>"$m/caps-$caps.err"
        echo $? >"$m/caps-$caps.rc"
    done
    # not compound: slab churns between runs, asserts_metrics leaves it out
    for c in sections blocks vmemmap devices deferred; do
        $MEMSCOPE $c -J -b --output-all >"$m/$c.json" 2>"$m/$c.err"
    done
}
