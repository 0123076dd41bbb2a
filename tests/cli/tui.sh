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

tui_result() { cli_result "$@"; }	# NAME OK DETAIL

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
counts = {k: 0 for k in "EHKOXD."}
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
print(" ".join("%s=%d" % (k, counts[k]) for k in "EHKOXD.") + " partial=%d" % partial)
PY
}

# The same from `memscope sections -J -o +CLASS`, the legend's categories
# (one function decides the class for both, src/mm/facts.c).
tui_expect_cells() {
	"$memscope" -c "$tui_fx/core" --btf "$tui_fx/btf" --sysroot "$tui_fx/root" \
		sections -J -o +CLASS | python3 -c '
import json, sys
secs = json.load(sys.stdin)["sections"]
c = {k: 0 for k in "EHKOXD."}
partial = 0
letter = {"early": "E", "hotadded": "H", "kmem": "K", "online": "O",
          "offline": "X", "device": "D"}
for s in secs:
    c[letter[s["class"]]] += 1
    partial += s["active"] < s["subsections"]
c["."] = max(s["section"] for s in secs) + 1 - len(secs)
print(" ".join("%s=%d" % (k, c[k]) for k in "EHKOXD.") + " partial=%d" % partial)'
}

tui_legend() {	# the legend's counts in the same form
	python3 -c '
import re, sys
t = sys.stdin.read()
names = {"early boot": "E", "hot-added": "H", "kmem": "K", "online": "O", "offline": "X",
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
	# these read the map at one cell per section ('z'; tui_fit_tests: the
	# default, fitted to the window)
	tui_keys z
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
	# (a sysroot without the file would not do: a core file then reads
	# its memory blocks from kernel memory, issue 11)
	bsz="$root/sys/devices/system/memory/block_size_bytes"
	mv "$bsz" "$bsz.away"
	echo 0 >"$bsz"
	tui_wait 'refresh failed: '
	tui_result tui-refresh-failed $? "status: $(tui_cap | tail -1)"
	mv "$bsz.away" "$bsz"
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
	tui_demo_tests
}

# The shipped snapshot (--demo): the banner, and the pages view of a real
# devdax compound page agreeing with `memscope --demo pages`.
tui_demo_tests() {
	local want got

	tui_start 120 30 --demo -d 0.5 tui
	tui_cap | tail -1 | grep -q '^DEMO SNAPSHOT, not this machine  section '
	tui_result tui-demo-banner $? "status: $(tui_cap | tail -1)"
	tui_keys z
	# the compound overlay: per section, the first kind found of U V T S C
	# (HugeTLB, devdax, THP, slab, other), as `memscope compound` counts
	tui_keys c
	tui_wait 'overlay: compound'
	want=$(for n in $("$memscope" --demo sections -r -n -o SECTION 2>/dev/null); do
		k=$("$memscope" --demo compound -r -n -o KIND "section:$n" 2>/dev/null | tr '\n' ' ')
		for p in hugetlb:U devdax:V thp:T slab:S other:C; do
			case " $k" in *" ${p%:*} "*) echo "$n ${p#*:}"; break ;; esac
		done
	done)
	got=$(tui_cap | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"^0x([0-9a-f]+) (.*)$", line)
    if m:
        first = int(m.group(1), 16) >> 27
        for i in range(0, len(m.group(2)), 2):
            if m.group(2)[i] in "UVTSC":
                print(first + i // 2, m.group(2)[i])')
	[ -n "$want" ] && [ "$got" = "$want" ]
	tui_result tui-overlay-compound $? "overlay: '$(echo $got)', compound: '$(echo $want)'"
	tui_keys c
	tui_keys / 'pfn 0x100000' Enter
	tui_keys 5
	tui_wait 'Pages from pfn 0x100000'
	want=$("$memscope" --demo pages -r -n -o PFN,KIND,ORDER,REFCOUNT,MAPCOUNT,FLAGS \
		0x100000-0x100002 2>/dev/null | awk '{ printf "%d %s %s %s %s %s\n", $1, $2, $3, $4, $5, $NF }')
	got=$(tui_cap | python3 -c '
import sys
for l in sys.stdin:
    f = l.split()
    if f and f[0] in ("0x000100000", "0x000100001", "0x000100002"):
        print(int(f[0], 16), f[1], f[2], f[4], f[5], f[-1])')
	[ -n "$want" ] && [ "$got" = "$want" ] &&
		tui_cap | grep -q '^0x000100000  head      9  -              1    0    0  -        devdax head,reserved$'
	tui_result tui-pages-view $? "pages: '$want', the view: '$got'"
	tui_cap | tail -1 | grep -q 'pfn 0x100000  0x100000000  section 32  struct page 0x'
	tui_result tui-pages-status $? "status: $(tui_cap | tail -1)"
	# zoom out to the section's sub-section, and in again to its pages
	tui_keys Down Down Escape
	tui_cap | grep -q '^Section 32 ' && tui_cap | tail -1 | grep -q 'section 32 sub-section 0 '
	tui_result tui-pages-zoom-out $? "$(tui_cap | sed -n 2p) / $(tui_cap | tail -1)"
	tui_keys Right Enter
	tui_wait 'Pages from pfn 0x100200'
	tui_result tui-pages-zoom-in $? "$(tui_cap | sed -n 2p)"
	# the vmemmap view of section 0 (HVO huge pages): its mappings and those
	# on shared frames, as the row of `memscope vmemmap` over the same range
	tui_keys 1 / 'section 0' Enter 6
	tui_wait 'vmemmap of section 0 '
	got=$(tui_cap | sed -n 's/^vmemmap of section 0  \(0x[0-9a-f]*-0x[0-9a-f]*\): \([0-9]*\) mappings, \([0-9]*\) on shared frames.*/\1 \2 \3/p')
	# the rows of `vmemmap` inside that range (owners split it: boot,
	# hugetlb), summed
	want=$("$memscope" --demo vmemmap -r -n -o RANGE,PAGES,SHARED,SAVED 2>/dev/null |
		python3 -c '
import sys
lo, hi = (int(x, 16) for x in sys.argv[1].split("-"))
pages = shared = 0
for line in sys.stdin:
    f = line.split()
    if len(f) != 4 or not f[0].startswith("0x"):
        continue
    a, b = (int(x, 16) for x in f[0].split("-"))
    if lo <= a and b <= hi:
        pages += int(f[1])
        shared += int(f[2]) + int(f[3])
if pages:
    print("%s %d %d" % (sys.argv[1], pages, shared))' "${got%% *}")
	[ -n "$want" ] && [ "$got" = "$want" ] && [ "${want##* }" -gt 0 ]
	tui_result tui-vmemmap-view $? "view: '$got', vmemmap: '$want'"

	# actions: refused on the read-only snapshot, and the session goes on
	tui_keys 1 / 'section 32' Enter H
	tui_cap | tail -1 | grep -q '^DEMO SNAPSHOT, not this machine  hotplug refused: read-only (--demo)'
	tui_result tui-action-readonly $? "status: $(tui_cap | tail -1)"
	tui_keys O
	tui_cap | tail -1 | grep -q 'offline refused: read-only (--demo)' &&
		tui_cap | grep -q '^sections 0-41'
	tui_result tui-action-readonly-map $? "status: $(tui_cap | tail -1)"

	# the facts the CLI prints, in the views (SAME: one function each, issue
	# 11): every section's block and class in the Section view, the
	# deferred progress in the Deferred view, /block N
	local bad="" n blk cls line
	while read -r n blk cls; do
		tui_keys / "section $n" Enter Enter
		line=$(tui_cap | grep '^block  ')
		case $cls in
		device) want="block        - (no memory block)" ;;
		*) want="block        memory$blk online" ;;
		esac
		case $line in "$want"*) ;; *) bad="$bad $n:'$line'" ;; esac
		tui_keys Escape
	done < <("$memscope" --demo sections -r -n -o SECTION,BLOCK,CLASS 2>/dev/null | awk '{ if (NF == 2) print $1, "-", $2; else print }')
	tui_result tui-demo-section-blocks "$([ -z "$bad" ]; echo $?)" "differ from sections -o BLOCK:$bad"
	tui_keys 1 / 'block 36' Enter
	tui_cap | tail -1 | grep -q '^DEMO SNAPSHOT, not this machine  section 36 '
	tui_result tui-demo-jump-block $? "status: $(tui_cap | tail -1)"
	read -r n blk cls < <("$memscope" --demo deferred -r -n -o INITIALISED,SCANNED,PENDING 2>/dev/null)
	tui_keys 4
	tui_wait "$n of $blk struct pages initialised, $cls pending"
	tui_result tui-demo-deferred $? "want $n of $blk, $cls pending: $(tui_cap | sed -n 3p)"
	tui_keys 1
	tui_keys q
	tui_wait 'TUI-EXIT 0'
	tui_result tui-demo-quit $? "$(tui_cap | grep TUI-EXIT)"
	tui_tmux kill-server 2>/dev/null
}

# The demo's map fitted to a 140x40 window (issue 13): a cell per
# sub-section, a row per present section and one per absent run, so the
# present memory fills the rows; each row's address and block and its
# active sub-sections as `memscope --demo sections` says (memscope against
# memscope: SAME). Then block elements under UTF-8, letters without colour.
tui_fit_tests() {
	local cap="$work/tui-fit.txt" want got

	tui_new_server
	tui_tmux -f /dev/null new-session -d -x 140 -y 40 \
		"LANG=C $(printf '%q ' "$memscope" --demo -d 0.5 tui); sleep 30"
	tui_wait '1 cell = '
	tui_cap >"$cap"
	grep -q '^1 cell = 2 MiB (a sub-section), 64/row = 128 MiB, sections 0-41, ' "$cap"
	tui_result tui-fit-scale $? "$(sed -n 4p "$cap")"
	# rows of cells and hole rows between the legend and the status bar
	got=$(grep -c '^0x[0-9a-f]* ' "$cap")
	[ "$got" -ge 24 ]
	tui_result tui-fit-rows $? "$got of the 35 body rows used"
	want=$("$memscope" --demo sections -J -o SECTION,ACTIVE,BLOCK 2>/dev/null | python3 -c '
import json, sys
secs = json.load(sys.stdin)["sections"]
prev = -1
for s in secs:
    if s["section"] != prev + 1:
        print("0x%09x hole %d-%d" % ((prev + 1) << 27, prev + 1, s["section"] - 1))
    b = "" if s["block"] is None else "b%d" % s["block"]
    print("0x%09x %s %d" % (s["section"] << 27, b, s["active"]))
    prev = s["section"]')
	got=$(python3 -c '
import re, sys
for l in open(sys.argv[1]):
    m = re.match(r"^(0x[0-9a-f]+) (b\d+)? +(.*?)\s*$", l)
    if not m:
        continue
    h = re.search(r"sections (\d+)-(\d+) absent", m.group(3))
    if h:
        print("%s hole %s-%s" % (m.group(1), h.group(1), h.group(2)))
    else:
        print("%s %s %d" % (m.group(1), m.group(2) or "", sum(c.isupper() for c in m.group(3))))' "$cap")
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		echo "SAME tui-fit-demo-rows"
	else
		tui_result tui-fit-demo-rows 1 "map rows differ from sections -J: $(diff <(echo "$want") <(echo "$got") | head -5)"
	fi
	# Right moves by a sub-section: 63 stay in section 0, the 64th leaves
	tui_keys $(printf 'Right %.0s' $(seq 63))
	tui_cap | tail -1 | grep -q ' section 0  0x0-0x7ffffff' &&
		tui_keys Right && tui_cap | tail -1 | grep -q ' section 1  0x8000000-0xfffffff'
	tui_result tui-fit-cursor $? "$(tui_cap | tail -1)"
	tui_keys z
	tui_cap | grep -q '^sections 0-41, 128M each, 64 per row'
	tui_result tui-fit-z-sections $? "$(tui_cap | sed -n 4p)"
	tui_tmux kill-server 2>/dev/null

	# a short window: a cell per section; UTF-8 with colours draws the
	# partly populated device section 35 (40 of 64: 32 + 8 of 32) as
	# block elements, NO_COLOR as letters
	tui_new_server
	tui_tmux -f /dev/null -u new-session -d -x 140 -y 12 \
		"LANG=C.UTF-8 TERM=xterm-256color $(printf '%q ' "$memscope" --demo -d 0.5 tui); sleep 30"
	tui_wait '1 cell = '
	tui_cap >"$cap"
	grep -q '^1 cell = 128 MiB (a section), 32/row = 4 GiB' "$cap" &&
		grep -q '^0x100000000     DDDDDD█▂KK\. \. \. HHHH' "$cap" &&
		grep -q '^\[▆▂\] partly populated: 1' "$cap"
	tui_result tui-fit-blocks $? "$(grep -E '^(1 cell|0x1|\[)' "$cap" | tr '\n' '|')"
	tui_new_server
	tui_tmux -f /dev/null -u new-session -d -x 140 -y 12 \
		"NO_COLOR=1 LANG=C.UTF-8 $(printf '%q ' "$memscope" --demo -d 0.5 tui); sleep 30"
	tui_wait '1 cell = '
	tui_cap | grep -q '^0x100000000     DDDDDDd KK\. \. \. HHHH'
	tui_result tui-fit-no-color-letters $? "$(tui_cap | grep '^0x1')"
	# a terminal that cannot move the cursor: one frame as lines, then exit
	tui_new_server
	tui_tmux -f /dev/null new-session -d -x 140 -y 12 \
		"TERM=dumb $(printf '%q ' "$memscope" --demo tui); echo \"TUI-EXIT \$?\"; sleep 30"
	tui_wait 'TUI-EXIT'
	tui_cap | grep -q '^0x100000000     DDDDDDd KK\. \. \. HHHH$' &&
		tui_cap | grep -q '^DEMO SNAPSHOT, not this machine  section 0 ' &&
		tui_cap | grep -q '^TUI-EXIT 0$'
	tui_result tui-dumb-one-frame $? "$(tui_cap | grep -v '^$' | tail -4 | tr '\n' '|')"
	tui_tmux kill-server 2>/dev/null
}

tui_tests
tui_fit_tests
tui_tmux kill-server 2>/dev/null
