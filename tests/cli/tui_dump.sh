# shellcheck shell=bash
# The TUI against the CLI, section by section (issue 12): `tui --dump
# section` (the Section view of every present section) against `sections
# -J` and `subsections -J` of the same source, compared by the lab's own
# comparer (tests/lab/labkit/tui_cli.py). memscope against memscope: a
# consistency check. Sourced by tests/cli/run (uses fixture(), $memscope,
# $work, cli_result).

tui_dump_cols=$(python3 -c 'import sys; sys.path.insert(0, "tests/lab/labkit"); import tui_cli; print(tui_cli.SECTION_COLUMNS)')

# tui_dump_same NAME ARGS...: the dump and the tables of one source agree
tui_dump_same() {
	local name=$1 d="$work/tui-dump-$1" out
	shift
	mkdir -p "$d"
	"$memscope" "$@" tui --dump section >"$d/dump.txt" 2>"$d/dump.err" &&
		"$memscope" "$@" sections -J -o "$tui_dump_cols" >"$d/sections.json" 2>"$d/sections.err" &&
		"$memscope" "$@" subsections -J >"$d/subsections.json" 2>"$d/subsections.err"
	out=$(python3 tests/lab/labkit/tui_cli.py "$d/dump.txt" "$d/sections.json" \
		"$d/subsections.json" 2>&1)
	cli_result "tui-cli-same-$name" $? "$(echo "$out" | head -5) $(head -c 200 "$d/dump.err")"
}

for fx in 6.1-l4 6.12-l4 7.3-l5 6.12-devdax; do
	if d=$(fixture "$fx"); then
		tui_dump_same "$fx" -c "$d/core" --btf "$d/btf" --sysroot "$d/root"
	else
		cli_result "tui-cli-same-$fx" 1 "fixture"
	fi
done
if [ -s "$work/demo.snap" ]; then
	tui_dump_same demo -c "$work/demo.snap"
	# the comparer fails on a TUI that names another class or block
	d="$work/tui-dump-demo"
	sed -e '0,/  kmem 64\/64/s//  hot-added 64\/64/' "$d/dump.txt" >"$d/class.txt"
	sed -e '0,/  block 36 online/s//  block 37 online/' "$d/dump.txt" >"$d/block.txt"
	bad=""
	for t in class block; do
		cmp -s "$d/$t.txt" "$d/dump.txt" && bad="$bad $t: not tampered;"
		python3 tests/lab/labkit/tui_cli.py "$d/$t.txt" "$d/sections.json" \
			"$d/subsections.json" >"$d/$t.out" 2>&1 && bad="$bad $t: no difference found;"
	done
	cli_result tui-cli-same-detects "$([ -z "$bad" ]; echo $?)" "$bad"
fi
# a view the TUI does not have is a usage error
"$memscope" --demo tui --dump nosuch >/dev/null 2>"$work/tui-dump-usage.err"
rc=$?
cli_result tui-dump-usage "$([ $rc -eq 2 ] && grep -q '^memscope: no view nosuch' "$work/tui-dump-usage.err"; echo $?)" \
	"exit $rc: $(head -c 200 "$work/tui-dump-usage.err")"
