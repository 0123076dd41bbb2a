# memscope lab: the TUI driven through tmux (issue 5), for the main boot.
# Source after lib.sh. lab_tui_pre starts `memscope tui` in a detached tmux
# session, captures the map, the zoomed section 35, help and a resize, then
# pauses the refresh; lab_tui_post (after the hot-add) captures the stale
# map, refreshes with 'r', captures the new one and quits with 'q'.
# The host-side assertions are tests/lab/labkit/asserts_tui.py.
TMUX_BIN=/usr/bin/tmux
TUI_SOCK=/tmp/memscope-tui.sock

tui_tmux() { $TMUX_BIN -S $TUI_SOCK "$@"; }

tui_wait() {	# TEXT: until the pane shows it, 10 s at most
    i=0
    while [ $i -lt 100 ]; do
        tui_tmux capture-pane -p 2>/dev/null | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

tui_keys() { tui_tmux send-keys "$@"; sleep 0.5; }
tui_cap() { tui_tmux capture-pane -p >"$1"; }

lab_tui_pre() {
    d=$1
    mkdir -p "$d"
    # tmux needs pseudo-terminals: devtmpfs has /dev/ptmx, not the devpts mount
    mkdir -p /dev/pts
    grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts
    tui_tmux -f /dev/null new-session -d -x 100 -y 40 \
        "$MEMSCOPE tui -d 1 2>/tmp/tui.err; echo TUI-EXIT \$?; sleep 600" \
        >"$d/tmux.log" 2>&1
    echo $? >"$d/tmux.rc"
    tui_wait 'memscope  1 Map'
    # asserts_tui.py reads the map at one cell per section ('z'; the
    # default fits it to the window)
    tui_keys z
    tui_cap "$d/map.txt"
    tui_keys / 'section 35' Enter
    tui_keys Enter
    tui_cap "$d/zoom-35.txt"
    tui_keys Escape
    tui_keys F1
    tui_cap "$d/help.txt"
    tui_keys x
    tui_cap "$d/help-returned.txt"
    tui_tmux resize-window -x 60 -y 24
    sleep 1.2
    tui_cap "$d/resize.txt"
    tui_tmux resize-window -x 100 -y 40
    # the vmemmap-dedup overlay, against `memscope vmemmap` of the same moment
    $MEMSCOPE vmemmap -J -o RANGE,OWNER,SHARED,PFNS >"$d/vmemmap.json" 2>"$d/vmemmap.err"
    tui_keys v
    tui_wait 'overlay: vmemmap-dedup'
    tui_cap "$d/dedup.txt"
    tui_keys v
    # Devices: the pgmaps are loaded while it is shown
    tui_keys 3
    tui_wait 'pgmaps (struct dev_pagemap)'
    sleep 0.5
    tui_cap "$d/devices.txt"
    tui_keys 1
    tui_keys p
    tui_cap "$d/paused.txt"
    return 0
}

lab_tui_post() {
    d=$1
    mkdir -p "$d"
    tui_cap "$d/stale.txt"
    tui_keys r
    sleep 1
    tui_cap "$d/map.txt"
    tui_keys q
    tui_wait 'TUI-EXIT'
    tui_cap "$d/exit.txt"
    cp /tmp/tui.err "$d/tui.err" 2>/dev/null
    tui_tmux kill-server 2>/dev/null
    return 0	# the host judges the captures; the boot's status stays the scenario's
}
