#!/bin/bash
# bench/bigmachine.sh: memscope on synthetic machines of 1, 4 and 16 TiB
# (bench/bigmachine.c writes them sparse under build/bench and this script
# deletes them after). A benchmark, not a test: it prints, for each size,
# wall time and peak RSS (/usr/bin/time) of sections, summary, vmemmap and
# compound, and the TUI's start-up to its first frame, one map frame and
# one refresh (MEMSCOPE_TIMINGS=1, the TUI run under tmux with
# --refreshes 2). Targets (issue 14): RSS <= 64 MiB except pages/compound
# buffers at 16 TiB; a map frame <= 50 ms at 1 TiB, <= 200 ms at 16 TiB.
#   bench/bigmachine.sh ./memscope build/bigmachine [TIB...]   (make bench-big)
# COMPOUND_MAX_TIB (default 4) skips compound above that size: it reads
# every struct page, 16 GiB per TiB, and takes minutes per TiB on a
# loaded machine; its rate is printed so it can be scaled.
set -u
memscope=$(realpath "$1")
gen=$(realpath "$2")
shift 2
sizes=${*:-1 4 16}
cd "$(dirname "$0")/.." || exit 1
work=$PWD/build/bench
compound_max=${COMPOUND_MAX_TIB:-4}
tmux_sock="memscope-bench-$$"
mkdir -p "$work"
trap 'rm -rf "$work"/m*; tmux -L "$tmux_sock" kill-server 2>/dev/null' EXIT

# run NAME ARGS...: one line "NAME  seconds  MiB" from /usr/bin/time
run() {
	local name=$1 t
	shift
	/usr/bin/time -o "$work/time" -f '%e %M' "$memscope" "${m[@]}" "$@" >/dev/null 2>"$work/err" ||
		echo "  $name: exit $?: $(head -1 "$work/err")"
	t=$(tail -1 "$work/time")
	printf '  %-22s %8.2f s %8.1f MiB\n' "$name" "${t% *}" "$(echo "${t#* } / 1024" | bc -l)"
}

# The TUI under tmux: MEMSCOPE_TIMINGS lines to a file, 2 refreshes.
tui() {
	local err=$work/tui.err
	rm -f "$err" "$work/tui.done"
	tmux -L "$tmux_sock" kill-server 2>/dev/null
	tmux -L "$tmux_sock" -f /dev/null new-session -d -x 200 -y 50 \
		"MEMSCOPE_TIMINGS=1 /usr/bin/time -f 'rss %M' $(printf '%q ' "$memscope" "${m[@]}") tui --refreshes 2 --delay 0.2 2>$err; touch $work/tui.done"
	for _ in $(seq 600); do
		[ -e "$work/tui.done" ] && break
		sleep 0.5
	done
	awk '
	/timing: tui: frame/ { f[++nf] = $5; if (nf == 1) first = $8 }
	/timing: tui: refresh/ { r[++nr] = $5 }
	/^rss/ { rss = $2 / 1024 }
	END {
		printf "  %-22s %8.1f ms to the first frame (%.1f ms to draw it)\n", "tui", first, f[1]
		printf "  %-22s %8.1f ms a frame after a refresh, %.1f ms the refresh, %.1f MiB peak\n", "", f[nf], r[nr], rss
	}' "$err"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for tib in $sizes; do
	dir=$work/m$tib
	start=$(date +%s.%N)
	"$gen" "$dir" "$tib" || exit 1
	echo "$tib TiB: $((tib * 8192 + 64)) sections, core $(du -h "$dir/core" | cut -f1) on disk," \
	     "$(ls -l "$dir/core" | awk '{printf "%.0f GiB", $5 / 2^30}') apparent," \
	     "written in $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f') s"
	m=(-c "$dir/core" --btf "$dir/btf" --sysroot "$dir/root")
	run sections sections
	run summary summary
	run vmemmap vmemmap
	# the census of 64 GiB, to scale: the rate per present struct page
	run "compound 64G" compound 0x100000-0x10fffff
	if [ "$tib" -le "$compound_max" ]; then
		run compound compound
	else
		echo "  compound               skipped (COMPOUND_MAX_TIB=$compound_max)"
	fi
	tui
	rm -rf "$dir"
done
