# shellcheck shell=bash
# The progress line (src/cli/progress.c), sourced by tests/cli/run: on a
# terminal (a tmux pane) a whole-memory `pages` over the demo snapshot
# shows "memscope: struct pages NN% ..., ETA" while it runs and leaves no
# trace once done; with --quiet, -J, or stderr not a terminal there is none.
# Sourced after tui.sh (its tui_result counts).

pr_sock="memscope-progress-$$"
pr_tmux() { tmux -L "$pr_sock" "$@"; }
# pr_run NAME ARGS...: memscope ARGS in a pane, stdout to a file; prints
# every progress line seen while it ran, then "LAST:" and the final pane.
pr_run() {
	local name=$1 seen="" i
	shift
	pr_tmux kill-server 2>/dev/null
	pr_tmux -f /dev/null new-session -d -x 150 -y 10 \
		"$(printf '%q ' "$memscope" "$@") >$work/progress-$name.out; echo PROGRESS-EXIT \$?; sleep 30"
	for i in $(seq 300); do
		cap=$(pr_tmux capture-pane -p)
		seen="$seen$(echo "$cap" | grep -E 'memscope: .*%' | tail -n 1)"$'\n'
		echo "$cap" | grep -q PROGRESS-EXIT && break
		sleep 0.1
	done
	echo "$seen" | grep -v '^$'
	echo "LAST:"
	pr_tmux capture-pane -p
	pr_tmux kill-server 2>/dev/null
}

if command -v tmux >/dev/null; then
	# 64 times all of the demo's memory: seconds (4 s idle), so a pane polled
	# ten times a second under load still sees the line (4 times took
	# 0.85 s once pages streamed, and a loaded machine missed it)
	out=$(pr_run on --demo pages $(printf '0-0x80000 %.0s' $(seq 64)) -o PFN)
	if echo "$out" | sed '/^LAST:/q' | grep -qE 'memscope: struct pages +[0-9]+% [0-9.]+[KMG]?/128\.0G, [0-9.]+[KMG]?/s, ETA [0-9]+:[0-9]{2}' &&
	   echo "$out" | sed -n '/^LAST:/,$p' | grep -q 'PROGRESS-EXIT 0' &&
	   ! echo "$out" | sed -n '/^LAST:/,$p' | grep -q '%'; then
		tui_result progress-terminal 0
	else
		tui_result progress-terminal 1 "$out"
	fi
	for q in --quiet -J; do
		out=$(pr_run quiet --demo pages 0-0x80000 -o PFN $q)
		if ! echo "$out" | grep -q '%' && echo "$out" | grep -q 'PROGRESS-EXIT 0'; then
			tui_result "progress-off$q" 0
		else
			tui_result "progress-off$q" 1 "$out"
		fi
	done
else
	echo "SKIP progress-terminal: no tmux"
fi
# stderr a file: no progress, no escape sequence
"$memscope" --demo pages 0-0x80000 -o PFN >/dev/null 2>"$work/progress.err"
if ! grep -q $'\033\|%' "$work/progress.err"; then
	tui_result progress-not-a-terminal 0
else
	tui_result progress-not-a-terminal 1 "$(cat -v "$work/progress.err")"
fi
