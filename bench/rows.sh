#!/bin/bash
# bench/rows.sh: how fast `memscope pages` prints, text and JSON, to a pipe.
# A benchmark, not a test. For each format: wall time, user+sys, peak RSS
# (/usr/bin/time) and rows per second of wall and of CPU, the median of
# RUNS runs (default 3), the start-up (a one-pfn run) left in:
#   bench/rows.sh ./memscope RANGE [memscope options...]
#   bench/rows.sh ./memscope 0-0x100000 --demo
#   bench/rows.sh ./memscope 0x140000-0x1bffff -c DIR/core --btf DIR/btf --sysroot DIR/root
set -u
memscope=$1 range=$2
shift 2
runs=${RUNS:-3}
tmp=$(mktemp -d /tmp/memscope-rows.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rows=$("$memscope" "$@" -r -n -o PFN pages "$range" | wc -l)
echo "$rows rows: memscope $* pages $range (load $(cut -d' ' -f1 /proc/loadavg))"
for fmt in text -J; do
	opt=()
	[ "$fmt" = -J ] && opt=(-J)
	for _ in $(seq "$runs"); do
		/usr/bin/time -o "$tmp/t" -f '%e %U %S %M' \
			sh -c '"$@" | cat >/dev/null' sh "$memscope" "$@" "${opt[@]}" pages "$range"
		cat "$tmp/t"
	done | sort -n | awk -v n="$runs" -v rows="$rows" -v fmt="$fmt" '
	{ w[NR] = $1; c[NR] = $2 + $3; m[NR] = $4 }
	END {
		i = int((n + 1) / 2)
		printf "  %-5s %7.2f s wall %7.2f s cpu %8.1f MiB  %6.2f M rows/s wall  %6.2f M rows/s cpu\n",
			fmt, w[i], c[i], m[i] / 1024, rows / w[i] / 1e6, rows / (c[i] > 0 ? c[i] : 0.001) / 1e6
	}'
done
