#!/bin/sh
# bench/inguest.sh: the in-guest half of bench/guest.py (busybox sh, root,
# in the lab's initramfs; drgn and crash in the sid root at $SID).
# Each round measures, back to back under the same load:
#   (a) raw pread of the vmemmap segments of /proc/kcore (1 MiB preads,
#       pagehelper kcore-read): the bytes memscope's struct-page scan reads
#   (b) memscope compound, the whole command
#   (c) memscope pages to /dev/null over $CROWS pfns of the largest System
#       RAM range of /proc/iomem (all RAM takes minutes a run under TCG;
#       rows/s is what counts)
#   (d) memscope check, the whole command
#   (e) /proc/kpageflags read whole in 1 MiB chunks
#   (f) drgn 0.3 for_each_page + compound_head over the first $NPAGES pages
#   (g) crash 9 `kmem -p` to /dev/null: all of mem_map, as crash has no
#       range for it (piped to head, it still walks every page: measured
#       in 6.12, 4096 rows took as long as 65536)
#   (h) memscope capture FILE.zst (ONLY=capture: (a) and (h) alone, the
#       2 GiB guest of issue 14 item 5)
# drgn and crash start once (minutes under TCG) and wait on a fifo, so each
# round asks them for one walk; the warm-up round (0) leaves them out.
# Prints one line per round, then the medians of the per-round ratios.
# A benchmark, not a test.
MEMSCOPE=${MEMSCOPE:-/usr/bin/memscope}
HELPER=${HELPER:-/lab/pagehelper}
RUNS=${RUNS:-5}
NPAGES=${NPAGES:-65536}		# 256 MiB of 4 KiB pages, from pfn 0
WAIT=${WAIT:-1200}		# seconds drgn and crash may take to start
ONLY=${ONLY:-}			# "capture": (a) and (h) only
CROWS=${CROWS:-131072}		# (c): 512 MiB of pfns

say() { echo "bench: $*" >&2; echo "LAB: bench $*" >/dev/console; }
t() { $HELPER time "$@" 2>&1 >/dev/null | tail -1; }

. /lab/lib.sh
lab_vmemmap_span	# (a): [span_lo, span_hi); (b), (d): span_pages
lo=$span_lo hi=$span_hi pages_b=$span_pages
pages_e=$(( $(wc -c </proc/kpageflags) / 8 ))
ram=$(echo $(lab_ram_pfns))
crange=$(for r in $ram; do echo "$r"; done | awk -F- -v n="$CROWS" '
	$2 - $1 + 1 > best {best = $2 - $1 + 1; lo = $1; hi = $2}
	END {if (hi - lo + 1 > n) hi = lo + n - 1; print lo "-" hi}')
say "$(grep MemTotal /proc/meminfo | tr -s ' '), $(nproc) cpus, vmemmap $lo-$hi, $pages_b pages decoded, RAM $ram, (c) over $crange"

# drgn and crash, each waiting on its own fifo pair
DRGN=- CRASH=-
if [ -z "$ONLY" ] && [ -n "$SID" ] && [ -d "$SID" ]; then
	for d in proc sys dev tmp; do
		mkdir -p "$SID/$d" && mount --bind "/$d" "$SID/$d"
	done
	top=${VMLINUX#/}
	top=${top%%/*}
	mv "/$top" "$SID/"
	cp /job/drgn_pages.py /tmp/
	mkfifo /tmp/drgn.in /tmp/drgn.out /tmp/crash.in /tmp/crash.out
	exec 5<>/tmp/drgn.in 6<>/tmp/drgn.out 7<>/tmp/crash.in 8<>/tmp/crash.out
	say "starting drgn and crash"
	chroot "$SID" /usr/bin/python3 /tmp/drgn_pages.py "$VMLINUX" "$NPAGES" \
		</tmp/drgn.in >/tmp/drgn.out 2>/tmp/drgn.err &
	drgn_pid=$!
	chroot "$SID" /usr/bin/crash -s --no_scroll "$VMLINUX" /proc/kcore \
		</tmp/crash.in >/tmp/crash.out 2>&1 &
	crash_pid=$!
	echo '!echo READY' >&7
	# until a line starting with $2 comes on fd $1 (other lines go to
	# /tmp/$3.log), while process $3 lives, for at most $WAIT seconds
	upto() {
		_w=0
		while [ $_w -lt "$WAIT" ]; do
			if read -t 5 -r line <&"$1"; then
				case "$line" in
				"$2"*) echo "$line"; return 0 ;;
				esac
				echo "$line" >>"/tmp/$3.log"
				continue
			fi
			eval "kill -0 \$${3}_pid" 2>/dev/null || return 1
			_w=$((_w + 5))
		done
		return 1
	}
fi
# after round 0 (run while they load, not counted): are they there?
wait_ready() {
	[ -n "$drgn_pid" ] || return
	if r=$(upto 6 READY drgn); then DRGN=1; say "$r"; else
		say "drgn did not start: $(tail -c 600 /tmp/drgn.err /tmp/drgn.log 2>/dev/null)"; fi
	if upto 8 READY crash >/dev/null; then CRASH=1; say "crash ready"; else
		say "crash did not start: $(tail -c 600 /tmp/crash.log)"; fi
}

drgn_walk() {
	[ "$DRGN" = 1 ] || { echo "- -"; return; }
	echo go >&5
	upto 6 "" drgn || echo "- -"
}

crash_walk() {
	[ "$CRASH" = 1 ] || { echo "-"; return; }
	echo '!echo T0 $(date +%s.%N)' >&7
	echo "kmem -p >/dev/null" >&7
	echo '!echo T1 $(date +%s.%N)' >&7
	t0=$(upto 8 T0 crash) && t1=$(upto 8 T1 crash) &&
		echo "$t0 $t1" | awk '{printf "%.6f\n", $4 - $2}' || echo "-"
}

capture() {
	rm -f /tmp/bench.zst
	s=$(t $MEMSCOPE capture --force /tmp/bench.zst)
	echo "$s $(wc -c </tmp/bench.zst 2>/dev/null || echo 0)"
	rm -f /tmp/bench.zst
}

# round 0 warms the caches and is not counted
i=0
while [ $i -le "$RUNS" ]; do
	a=$($HELPER kcore-read $lo $hi)
	if [ "$ONLY" = capture ]; then
		line="$a - - - - - - - $(capture)"
	else
		b=$(t $MEMSCOPE compound)
		c=$(t $MEMSCOPE pages $crange)
		d=$(t $MEMSCOPE check)
		e=$(t dd if=/proc/kpageflags of=/dev/null bs=1M)
		f="- -" g=-
		if [ $i -gt 0 ]; then
			f=$(drgn_walk)
			g=$(crash_walk)
		fi
		line="$a $b $c $d $e $f $g -"
	fi
	say "round $i: $line"
	[ $i -gt 0 ] && echo "$line" >>/tmp/rounds
	[ $i -eq 0 ] && wait_ready
	i=$((i + 1))
done

if [ -z "$ONLY" ]; then
	# rows (c) prints, counted once
	rows_c=$($MEMSCOPE -r -n pages $crange | wc -l)
	# the pages (g) walks: crash's rows, less its header
	rows_g=-
	if [ "$CRASH" = 1 ]; then
		echo 'kmem -p | wc -l' >&7
		echo '!echo T2' >&7
		: >/tmp/crash.log
		upto 8 T2 crash >/dev/null
		rows_g=$(( $(tail -n 1 /tmp/crash.log) - 1 ))
	fi
fi

echo "kernel $(uname -r), $(grep MemTotal /proc/meminfo | tr -s ' '), $RUNS rounds (after one warm-up), $(nproc) vCPUs (TCG)"
awk -v pb="$pages_b" -v pe="$pages_e" -v rc="$rows_c" -v np="$NPAGES" -v gr="$rows_g" -v only="$ONLY" '
function med(v, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function put(k, x) { if (x != "-" && x > 0) { c[k]++; v[k, c[k]] = x } }
function m(k,   i, w) { if (!c[k]) return -1; for (i = 1; i <= c[k]; i++) w[i] = v[k, i]; return med(w, c[k]) }
function show(name, k, what, per, unit) {
	if (m(k) < 0) { printf "%-44s not measured\n", name; return }
	printf "%-44s %9.3f s  %12.0f %s\n", name, m(k), per / m(k), unit
}
function ratio(name, k, target,   r) {
	r = m(k)
	if (r < 0) { printf "%-34s not measured\n", name; return }
	printf "%-34s %8.2f", name, r
	if (target != "") printf "   (target >= %s: %s)", target, (r >= target ? "met" : "MISSED")
	printf "\n"
}
{
	pa = $1 / 64; ta = $2
	put("a", ta); put("b", $3); put("c", $4); put("d", $5); put("e", $6)
	put("f", $8); put("g", $9); put("h", $10)
	if ($7 != "-") fp = $7
	if ($11 != "-") hz = $11
	ra = pa / ta
	if ($3 != "-") put("b/a", (pb / $3) / ra)
	if ($5 != "-") put("d/a", (pb / $5) / ra)
	if ($3 != "-" && $6 != "-") put("b/e", (pb / $3) / (pe / $6))
	if ($3 != "-" && $8 != "-") put("b/f", (pb / $3) / ($7 / $8))
	if ($3 != "-" && $9 != "-" && gr > 0) put("b/g", (pb / $3) / (gr / $9))
	if ($10 != "-") put("h/a", ta / $10)
	pa_all = pa
}
END {
	printf "medians of %d rounds:\n", NR
	show("(a) raw pread of the vmemmap, " pa_all " pages", "a", "", pa_all, "pages/s")
	if (only == "") {
		show("(b) memscope compound, " pb " pages", "b", "", pb, "pages/s")
		show("(c) memscope pages >/dev/null, " rc " rows", "c", "", rc, "rows/s")
		show("(d) memscope check, " pb " pages", "d", "", pb, "pages/s")
		show("(e) /proc/kpageflags, " pe " pfns", "e", "", pe, "pfns/s")
		show("(f) drgn for_each_page+compound_head, " fp, "f", "", fp, "pages/s")
		show("(g) crash kmem -p >/dev/null, " gr " rows", "g", "", gr, "pages/s")
	}
	show("(h) capture FILE.zst, " int(hz / 1024) " KiB", "h", "", pa_all * 64 / 1048576, "MiB/s of struct pages")
	printf "median per-round ratios (pages/s over pages/s):\n"
	if (only == "") {
		ratio("(b)/(a) compound / raw read", "b/a", 1.0)
		ratio("(d)/(a) check / raw read", "d/a", 0.8)
		ratio("(b)/(e) compound / kpageflags", "b/e", "")
		ratio("(b)/(f) compound / drgn", "b/f", 200)
		ratio("(b)/(g) compound / crash", "b/g", "")
	}
	ratio("(h) capture: raw read time / capture time", "h/a", "")
}' /tmp/rounds

if [ -z "$ONLY" ]; then
	# the profile: each phase of one run of each command
	for cmd in compound check "pages $crange"; do
		echo "MEMSCOPE_TIMINGS=1 memscope $cmd:"
		MEMSCOPE_TIMINGS=1 $MEMSCOPE $cmd 2>&1 >/dev/null | sed 's/^/    /'
	done
else
	echo "MEMSCOPE_TIMINGS=1 memscope capture:"
	MEMSCOPE_TIMINGS=1 $MEMSCOPE capture --force /tmp/bench.zst 2>&1 >/dev/null | sed 's/^/    /'
fi
if [ -n "$DUMP" ]; then
	# the host dumps this guest to time capture natively (bench/guest.py);
	# a QEMU dump has no kallsyms or BTF of its own: these read it
	mkdir -p /out/files/root/proc /out/files/root/sys/kernel/btf
	cat /proc/kallsyms >/out/files/root/proc/kallsyms
	cat /proc/iomem >/out/files/root/proc/iomem
	cp /sys/kernel/btf/vmlinux /out/files/root/sys/kernel/btf/vmlinux
	lab_dump bench
fi
exit 0
