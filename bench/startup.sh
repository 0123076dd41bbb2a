#!/bin/sh
# bench/startup.sh: memscope's start-up, phase by phase (MEMSCOPE_TIMINGS=1),
# the median of RUNS runs (default 10) of one command. A benchmark, not a
# test; POSIX sh and awk, so that it runs in the lab guest (busybox) too:
#   bench/startup.sh ./memscope --demo summary
#   tests/lab/lab.py shell 6.12 -- 'sh /lab/... memscope summary'
# Prints one line per phase: its median milliseconds, then the median of
# the whole run (the "total" of the last phase).
#   bench/startup.sh --from FILE   the timing lines of runs made elsewhere
#                                  (a lab guest without this script)
RUNS=${RUNS:-10}
tmp=${TMPDIR:-/tmp}/memscope-startup.$$
trap 'rm -f "$tmp"' EXIT
if [ "${1:-}" = --from ]; then
	grep '^memscope: timing:' "$2" >"$tmp"
	RUNS=$(grep -c 'timing: start ' "$tmp")
else
	: >"$tmp"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		MEMSCOPE_TIMINGS=1 "$@" 2>&1 >/dev/null | grep '^memscope: timing:' >>"$tmp"
		i=$((i + 1))
	done
fi
# "memscope: timing: NAME... MS ms (total T ms)": NAME may have spaces
awk -v runs="$RUNS" '
function med(list,   v, n, i, j, t) {
	n = split(list, v, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
	name = $0
	sub(/^memscope: timing: /, "", name)
	sub(/ +[0-9.]+ ms \(total.*$/, "", name)
	ms = $(NF - 4)
	tot = $(NF - 1)
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
	vals[name] = vals[name] " " ms
	if (name == "start") run++
	last[run] = tot
}
END {
	printf "%d runs of the command; median ms per phase\n", runs
	for (i = 1; i <= n; i++)
		printf "  %-24s %10.1f\n", order[i], med(vals[order[i]])
	for (r = 1; r <= run; r++) totals = totals " " last[r]
	printf "  %-24s %10.1f\n", "TOTAL", med(totals)
}' "$tmp"
