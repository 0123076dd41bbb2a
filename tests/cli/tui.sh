# shellcheck shell=bash
# The TUI driven through tmux on a synthetic kernel: sourced by tests/cli/run
# (uses its fixture(), $memscope, $work, $passed, $failed). Sends keys,
# captures the pane, and checks the legend and the cells per state against
# `memscope sections -J`, the zoomed section's bitmap against `subsections`,
# the help screen, a resize, a failed refresh that the session survives,
# --refreshes, NO_COLOR, and the default command on and off a terminal.

tui_n=0
tui_sock="memscope-test-$$-0"
tui_fx=$(fixture 6.12-l4)

tui_tmux() { tmux -L "$tui_sock" "$@"; }

tui_result() {	# NAME OK DETAIL
	if [ "$2" = 0 ]; then
		echo "PASS $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1: $3"
		failed=$((failed + 1))
	fi
}

# tui_start W H ARGS...: a fresh tmux session running memscope ARGS.
tui_start() {
	local w=$1 h=$2
	shift 2
	tui_new_server
	tui_tmux -f /dev/null new-session -d -x "$w" -y "$h" \
		"$(printf '%q ' "$memscope" "$@"); echo \"TUI-EXIT \$?\"; sleep 30"
	tui_wait 'memscope  1 Map'
}

tui_cap() { tui_tmux capture-pane -p "$@"; }

# A fresh server on a socket of its own: a new server on the socket of one
# just killed can race with its exit.
tui_new_server() {
	tui_tmux kill-server 2>/dev/null
	tui_n=$((tui_n + 1))
	tui_sock="memscope-test-$$-$tui_n"
}

# tui_wait TEXT: until the pane shows TEXT (10 s at most: CI machines are busy).
tui_wait() {
	local i
	for i in $(seq 100); do
		tui_cap | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

tui_keys() { tui_tmux send-keys "$@"; sleep 0.3; }

# Cells per state in the map's grid rows of a capture: "E H O X D . p".
tui_count_cells() {
	python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read().splitlines()
counts = {k: 0 for k in "EHOXD."}
partial = 0
for line in text:
    m = re.match(r"^0x[0-9a-f]+ (.*)$", line)
    if not m:
        continue
    cells = m.group(1)
    for i in range(0, len(cells.rstrip()) + 1, 2):
        c = cells[i:i + 2]
        if not c.strip():
            continue
        if c[0].islower():
            partial += 1
        counts[c[0].upper() if c[0] != "." else "."] += 1
print(" ".join("%s=%d" % (k, counts[k]) for k in "EHOXD.") + " partial=%d" % partial)
PY
}

# The same from `memscope sections -J`, the legend's categories.
tui_expect_cells() {
	"$memscope" -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$tui_fx/root" \
		sections -J | python3 -c '
import json, sys
secs = json.load(sys.stdin)["sections"]
c = {k: 0 for k in "EHOXD."}
partial = 0
for s in secs:
    f = s["flags"].split(",")
    k = "D" if "zone_device" in f or "Device" in (s["zone"] or "") else \
        "X" if "online" not in f else "E" if "early" in f else "H"
    c[k] += 1
    partial += s["active"] < s["subsections"]
c["."] = max(s["section"] for s in secs) + 1 - len(secs)
print(" ".join("%s=%d" % (k, c[k]) for k in "EHOXD.") + " partial=%d" % partial)'
}

tui_legend() {	# the legend's counts in the same form
	python3 -c '
import re, sys
t = sys.stdin.read()
names = {"early boot": "E", "hot-added": "H", "online": "O", "offline": "X",
         "ZONE_DEVICE": "D", "absent": "."}
got = dict(re.findall(r"\] ([A-Za-z_ -]+): (\d+)", t))
print(" ".join("%s=%s" % (names[n], got.get(n, "?")) for n in names) +
      " partial=%s" % got.get("partly populated", "?"))'
}

tui_tests() {
	local cap="$work/tui-cap.txt" want got bitmap root

	if ! command -v tmux >/dev/null; then
		tui_result tui-tmux 1 "tmux is not installed (scripts/install-deps)"
		return
	fi
	root="$work/tui-root"
	cp -r "$tui_fx/root" "$root"
	tui_start 100 30 -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$root" \
		-d 0.3 tui
	tui_cap >"$cap"
	want=$(tui_expect_cells)
	got=$(tui_legend <"$cap")
	tui_result tui-legend "$([ "$got" = "$want" ]; echo $?)" "legend '$got', sections -J '$want'"
	got=$(tui_count_cells "$cap")
	tui_result tui-cells "$([ "$got" = "$want" ]; echo $?)" "cells '$got', sections -J '$want'"
	grep -q '^section 3  0x18000000-0x1fffffff  pfn 0x18000  early boot 32/64  block 3 online' \
		<(tui_keys Right Right Right; tui_cap)
	tui_result tui-cursor-status $? "status bar after 3 x Right: $(tui_cap | tail -1)"

	# zoom into the partly populated device section: its exact bitmap
	tui_keys / 'section 41' Enter Enter
	bitmap=$("$memscope" -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$tui_fx/root" \
		subsections -r -n -o MAP 41)
	tui_cap | grep -q "^bitmap       $bitmap\$"
	tui_result tui-zoom-bitmap $? "want bitmap $bitmap, got: $(tui_cap | grep bitmap)"
	[ "$(tui_cap | grep -c '^0x0014[8ace]000000  ')" = 4 ] &&
		tui_cap | grep -q '^0x0014c000000  DD DD DD DD DD DD DD DD \.  \.  \.  \.  \.  \.  \.  \.'
	tui_result tui-zoom-cells $? "$(tui_cap | grep '^0x0014')"
	tui_keys Escape
	tui_cap | grep -q '^sections 0-41, 128M each'
	tui_result tui-zoom-out $? "Esc did not return to the map"

	# help: every key of the table, any key returns
	tui_keys F1
	tui_cap >"$cap"
	grep -q 'memscope help: keys' "$cap" && grep -q '^  /  *jump to 0xADDR' "$cap" &&
		grep -q '^  p  *pause or resume' "$cap" && grep -q '^  q  *quit' "$cap"
	tui_result tui-help $? "$(head -5 "$cap")"
	tui_keys x
	tui_cap | grep -q '^\[EE\] early boot: 4'
	tui_result tui-help-returns $? "$(tui_cap | head -3)"

	# Devices loads the pgmaps while shown: the same as `memscope devices`
	tui_keys 3
	tui_wait 'pgmaps (struct dev_pagemap)'
	dwant=$("$memscope" -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$tui_fx/root" \
		devices -r -n -o TYPE,RANGE | python3 -c '
import sys
for l in sys.stdin:
    t, r = l.split()
    a, b = r.split("-")
    print(t, int(a, 16), int(b, 16))')
	dgot=$(tui_cap | python3 -c '
import re, sys
for l in sys.stdin:
    m = re.match(r"^0x[0-9a-f]{16} +(\w+) +\d+ +0x([0-9a-f]+)-0x([0-9a-f]+)", l)
    if m:
        print(m.group(1), int(m.group(2), 16), int(m.group(3), 16))')
	[ -n "$dwant" ] && [ "$dgot" = "$dwant" ] &&
		tui_cap | grep -q '^0x00140000000-0x0014fffffff    2     104/128    Persistent Memory'
	tui_result tui-devices $? "devices -r: '$dwant', the view: '$dgot'"
	# the dedup overlay marks the sections `memscope vmemmap` finds on shared frames
	tui_keys 1 v
	tui_wait 'overlay: vmemmap-dedup'
	vwant=$("$memscope" -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$tui_fx/root" \
		vmemmap -J -o OWNER,SHARED,PFNS | python3 -c '
import json, re, sys
out = set()
for r in json.load(sys.stdin)["vmemmap"]:
    n = [int(x, 0) for x in re.findall(r"0x[0-9a-f]+", r.get("pfns") or "")]
    if r["shared"] and r["owner"] != "all" and len(n) == 2:
        out.update(range(n[0] >> 15, (n[1] >> 15) + 1))
print(sorted(out))')
	vgot=$(tui_cap | python3 -c '
import re, sys
out = set()
for line in sys.stdin:
    m = re.match(r"^0x([0-9a-f]+) (.*)$", line)
    if m:
        first = int(m.group(1), 16) >> 27
        out.update(first + i // 2 for i, ch in enumerate(m.group(2)) if ch == "+" and i % 2 == 0)
print(sorted(out))')
	[ -n "$vwant" ] && [ "$vgot" = "$vwant" ] && ! tui_cap | grep -q 'refresh failed'
	tui_result tui-overlay-dedup $? "overlay marks $vgot, vmemmap -J shared $vwant; $(tui_cap | tail -1)"
	tui_keys v

	# resize: fewer cells per row, same counts
	tui_tmux resize-window -x 60 -y 20
	sleep 0.5
	tui_cap >"$cap"
	got=$(tui_count_cells "$cap")
	grep -q '16 per row' "$cap" && [ "$got" = "$want" ]
	tui_result tui-resize $? "after resize to 60x20: '$got' $(grep 'per row' "$cap")"

	# a refresh that fails shows in the status bar; the session goes on
	mv "$root" "$root.away"
	tui_wait 'refresh failed: '
	tui_result tui-refresh-failed $? "status: $(tui_cap | tail -1)"
	mv "$root.away" "$root"
	sleep 0.8
	! tui_cap | grep -q 'refresh failed' && tui_cap | grep -q '^\[EE\] early boot: 4'
	tui_result tui-refresh-recovers $? "status: $(tui_cap | tail -1)"
	tui_keys q
	tui_wait 'TUI-EXIT 0'
	tui_result tui-quit $? "$(tui_cap | grep TUI-EXIT)"

	# --refreshes N quits by itself; NO_COLOR: no colour escapes
	tui_new_server
	tui_tmux -f /dev/null new-session -d -x 100 -y 30 \
		"NO_COLOR=1 $(printf '%q ' "$memscope" -c "$tui_fx/core" --btf "$tui_fx/btf" \
		--sysroot "$tui_fx/root" -d 0.5 --refreshes 4 tui); echo \"TUI-EXIT \$?\"; sleep 30"
	tui_wait 'memscope  1 Map' &&
		! tui_cap -e | grep -q $'\e\\[3[0-7]m\\|\e\\[4[0-7]m\\|\e\\[38;'
	tui_result tui-no-color $? "no map, or colour escapes under NO_COLOR"
	tui_wait 'TUI-EXIT 0'
	tui_result tui-refreshes "$?" "did not quit after 4 refreshes: $(tui_cap | head -2)"

	# colours by role otherwise; no command on a terminal is the TUI
	tui_start 100 30 -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$tui_fx/root"
	tui_cap -e | grep -q $'\e\\[3[0-7]m\\|\e\\[4[0-7]m\\|\e\\[38;'
	tui_result tui-default-on-terminal $? "no coloured TUI: $(tui_cap | head -1)"
	tui_tmux kill-server 2>/dev/null

	"$memscope" -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$tui_fx/root" |
		grep -q '^kernel:  *6.12.0-fx'
	tui_result tui-default-in-pipe $? "no summary without a terminal"
	got=$("$memscope" -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$tui_fx/root" tui \
		</dev/null 2>&1 >/dev/null)
	[ $? -eq 1 ] && [ "$got" = "memscope: tui needs a terminal" ]
	tui_result tui-no-terminal $? "got '$got'"
	"$memscope" -d 0 tui >/dev/null 2>&1
	tui_result tui-bad-delay "$([ $? -eq 2 ]; echo $?)" "-d 0 is not a usage error"
}

tui_tests
tui_tmux kill-server 2>/dev/null
