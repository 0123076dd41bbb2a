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

# Files named on the command line must be regular: a FIFO would block
# open() (before issue 10, `-c FIFO` hung), a device be read.
hfx=$(fixture 6.12-l4)
mkfifo "$hostile_dir/fifo"
hostile_one_line hostile-fifo-core "fifo is not a regular file" -c "$hostile_dir/fifo" summary
hostile_one_line hostile-fifo-btf "fifo is not a regular file" -c "$hfx/core" --btf "$hostile_dir/fifo" \
	--sysroot "$hfx/root" summary
hostile_one_line hostile-fifo-vmlinux "fifo is not a regular file" -c "$hfx/core" --btf "$hfx/btf" \
	--sysroot "$hfx/root" -k "$hostile_dir/fifo" summary
hostile_one_line hostile-fifo-vmcoreinfo "fifo is not a regular file" -c "$hfx/core" --btf "$hfx/btf" \
	--sysroot "$hfx/root" --vmcoreinfo "$hostile_dir/fifo" summary
hostile_one_line hostile-device-core "null is not a regular file" -c /dev/null summary

# An xz bomb: a 64-byte ELF header, then 1 GiB of zeros in 160 KB. The
# headers declare 64 bytes, so memscope stops after the first 64 KB out
# (before issue 10 it inflated the whole gigabyte, then failed).
tests/cli/hostile_gen.py bomb "$hostile_dir/bomb.xz" 1
start=$(date +%s%N)
hostile_one_line hostile-xz-bomb "inflates past the end its ELF headers declare" -c "$hostile_dir/bomb.xz" summary
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 2000 ]
cli_result hostile-xz-bomb-fast $? "took $ms ms"

# Trailing junk: inside the stream, past the ELF's declared end; and after
# the stream. The same snapshot without junk reads (snapshot-same-*).
xz -dc "$snap.xz" >"$hostile_dir/fx.snap"
{ cat "$hostile_dir/fx.snap"; printf 'junk'; } | xz -0 >"$hostile_dir/junk-inside.xz"
{ cat "$snap.xz"; printf 'junk'; } >"$hostile_dir/junk-after.xz"
hostile_one_line hostile-xz-junk-inside "inflates past the end its ELF headers declare" \
	-c "$hostile_dir/junk-inside.xz" summary
hostile_one_line hostile-xz-junk-after "trailing data after the xz stream" -c "$hostile_dir/junk-after.xz" summary
{ head -c 64 "$hostile_dir/fx.snap" | tr '\177' X; tail -c +65 "$hostile_dir/fx.snap"; } | xz -0 >"$hostile_dir/not-elf.xz"
hostile_one_line hostile-xz-not-elf "does not hold a 64-bit ELF core" -c "$hostile_dir/not-elf.xz" summary

# Messages quote the input: escaped, never raw (an ESC c resets the user's
# terminal). VMCOREINFO with an escape sequence in a value, in the release.
python3 - "$hfx/core" "$hostile_dir" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
assert d.count(b"NUMBER(SECTION_SIZE_BITS)=27") == 1 and d.count(b"OSRELEASE=6.12.0-fx") == 1
open(sys.argv[2] + "/esc-value.core", "wb").write(d.replace(b"NUMBER(SECTION_SIZE_BITS)=27", b"NUMBER(SECTION_SIZE_BITS)=\x1bc"))
open(sys.argv[2] + "/esc-release.core", "wb").write(d.replace(b"OSRELEASE=6.12.0-fx", b"OSRELEASE=6\x1b[2J0-fx"))
PY
hostile_one_line hostile-escape-vmcoreinfo 'SECTION_SIZE_BITS)=\\x1bc is not a number' \
	-c "$hostile_dir/esc-value.core" --btf "$hfx/btf" --sysroot "$hfx/root" summary
! "$memscope" -c "$hostile_dir/esc-value.core" --btf "$hfx/btf" --sysroot "$hfx/root" summary 2>&1 |
	LC_ALL=C grep -q $'\033'
cli_result hostile-escape-vmcoreinfo-raw $? "an ESC byte reached stderr"
out=$("$memscope" -c "$hostile_dir/esc-release.core" --btf "$hfx/btf" --sysroot "$hfx/root" summary -J 2>&1)
! printf '%s' "$out" | LC_ALL=C grep -q $'\033' && printf '%s' "$out" | python3 -c 'import json, sys; json.load(sys.stdin)'
cli_result hostile-escape-release $? "summary -J: $(printf '%s' "$out" | head -3 | cat -A)"

# libbpf's own complaint is part of the one line, not a line of its own.
head -c 100 "$memscope" >"$hostile_dir/cut.elf"
hostile_one_line hostile-libbpf-one-line "not valid BTF (libbpf: .*cut.elf)" \
	-c "$hfx/core" --btf "$hostile_dir/cut.elf" --sysroot "$hfx/root" summary
hostile_one_line hostile-btf-no-section "is an ELF file without a .BTF section" \
	-c "$hfx/core" --btf /bin/true --sysroot "$hfx/root" summary

# Least privilege: a snapshot or dump is read with no capability at all
# and no_new_privs, whoever runs memscope (the kernel's /proc/self/status
# is the oracle, printed at exit with MEMSCOPE_DEBUG_CAPS=1).
if [ "$(id -u)" -ne 0 ] || ! grep -q '^CapEff:.*[1-9a-f]' /proc/self/status; then
	echo "SKIP hostile-caps-*: not root with capabilities, nothing to drop"
else
	for args in "snapshot -c $snap.xz summary" "dump -c $hfx/core --btf $hfx/btf --sysroot $hfx/root sections"; do
		name=${args%% *}
		args=${args#* }
		# shellcheck disable=SC2086
		st=$(MEMSCOPE_DEBUG_CAPS=1 "$memscope" $args 2>&1 >/dev/null)
		printf '%s\n' "$st" | grep -q '^memscope: debug: CapEff:[[:space:]]*0*$' &&
			printf '%s\n' "$st" | grep -q '^memscope: debug: CapPrm:[[:space:]]*0*$' &&
			printf '%s\n' "$st" | grep -q '^memscope: debug: NoNewPrivs:[[:space:]]*1$'
		cli_result "hostile-caps-$name" $? "memscope $args: $st"
	done
fi

# SIGTERM while a snapshot is open leaves nothing behind: there is no
# directory to leave (before issue 10 the unpacked one stayed in TMPDIR).
# capture blocks opening its FIFO output, with the snapshot open.
mkdir -p "$hostile_dir/tmp"
mkfifo "$hostile_dir/out.fifo"
TMPDIR="$hostile_dir/tmp" "$memscope" -c "$snap" capture "$hostile_dir/out.fifo" >/dev/null 2>&1 &
hpid=$!
sleep 2
kill -TERM "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
[ -z "$(ls -A "$hostile_dir/tmp")" ]
cli_result hostile-sigterm-no-leftover $? "left in TMPDIR: $(ls -A "$hostile_dir/tmp")"
