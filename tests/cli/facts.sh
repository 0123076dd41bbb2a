# shellcheck shell=bash
# The section facts the commands share (src/mm/facts.c): the metrics class
# their sections by the facts, with iomem when there is one; a failure to
# read /proc/iomem must still reach the collectors that name devices with
# it (metrics exit 64, the line says /proc/iomem), not be swallowed by the
# sections collector that does without. Sourced by tests/cli/run.

facts_fx=$(fixture 6.12-l4) || facts_fx=""
if [ -n "$facts_fx" ]; then
	facts_root="$work/facts-root"
	rm -rf "$facts_root"
	cp -r "$facts_fx/root" "$facts_root"
	rm -f "$facts_root/proc/iomem"
	mkdir "$facts_root/proc/iomem"	# unreadable as a file
	"$memscope" -c "$facts_fx/core" --btf "$facts_fx/btf" --sysroot "$facts_root" metrics \
		>"$work/facts-metrics.prom" 2>"$work/facts-metrics.err"
	rc=$?
	cli_result facts-iomem-failure-reaches-metrics \
		"$([ $rc -eq 64 ] && grep -q 'vmemmap: opening .*/proc/iomem' "$work/facts-metrics.err" &&
		   grep -q '^memscope_sections{' "$work/facts-metrics.prom"; echo $?)" \
		"exit $rc: $(head -c 300 "$work/facts-metrics.err")"
else
	cli_result facts-iomem-failure-reaches-metrics 1 "fixture"
fi
