# shellcheck shell=bash
# Hostile inputs (issue 10), sourced by tests/cli/run (uses $memscope,
# $work and cli_result). Each input is built here by
# tests/cli/hostile_gen.py; the oracle is the file system (nothing appears
# outside) and the exit status and stderr (non-zero, one "memscope:" line).

# hostile_one_line NAME WANT ARGS...: memscope ARGS fails with exactly one
# stderr line, prefixed "memscope:", matching WANT, in under 10 seconds.
hostile_one_line() {
	local name=$1 want=$2 err rc
	shift 2
	err=$(timeout 10 "$memscope" "$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		[ "${err#memscope: }" != "$err" ] && printf '%s\n' "$err" | grep -q -- "$want"
	cli_result "$name" $? "exit $rc, stderr: $err"
}

# A symlink note, then a file note below it: before issue 10 this wrote
# $out/x (as root: anywhere). Now it is refused, and nothing is written.
hostile_dir="$work/hostile"
mkdir -p "$hostile_dir/out"
tests/cli/hostile_gen.py symlink-snap "$hostile_dir/symlink.snap" "$(realpath "$hostile_dir/out")"
TMPDIR="$hostile_dir" hostile_one_line hostile-symlink-note "lies below sys/evil, which is a symlink" \
	-c "$hostile_dir/symlink.snap" summary
[ -z "$(ls -A "$hostile_dir/out")" ] && [ -z "$(find "$hostile_dir" -name 'memscope-snapshot.*')" ]
cli_result hostile-symlink-no-write $? "written: $(ls -A "$hostile_dir/out") $(find "$hostile_dir" -name 'memscope-snapshot.*')"
