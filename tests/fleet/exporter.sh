# Sourced by tests/fleet/run: a real node_exporter on 127.0.0.1:<free
# port>, only its textfile collector, reading a directory of this test;
# memscope writes the file there, the exporter's /metrics is read back over
# loopback HTTP and checked as the file is. The exporter is stopped by the
# trap, whatever happens.
exdir="$work/exporter"
mkdir -p "$exdir/textfile"
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$exporter" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$exdir/textfile" \
	>"$exdir/log" 2>&1 &
expid=$!
trap 'kill "$expid" 2>/dev/null; wait "$expid" 2>/dev/null' EXIT

scrape() {
	"$py" - "http://127.0.0.1:$port/metrics" <<'PY'
import sys
import urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
PY
}

up=0
for _ in $(seq 50); do
	if scrape >/dev/null 2>&1; then
		up=1
		break
	fi
	kill -0 "$expid" 2>/dev/null || break
	sleep 0.2
done
if [ $up -eq 0 ]; then
	fail "node-exporter-up: $(tail -n 3 "$exdir/log")"
else
	pass "node-exporter-up: 127.0.0.1:$port"
	for src in demo 7.3-l5; do
		# shellcheck disable=SC2046
		"$memscope" $(src_args "$src") metrics --textfile "$exdir/textfile" 2>/dev/null
		scrape >"$exdir/$src.metrics" 2>"$exdir/$src.err"
		# the exporter read the file without complaint and serves every
		# memscope sample of it, unchanged
		if grep -q '^node_textfile_scrape_error 0$' "$exdir/$src.metrics" &&
		   "$py" tests/fleet/promvalues.py --same "$exdir/textfile/memscope.prom" \
			"$exdir/$src.metrics" >"$exdir/$src.diff"; then
			pass "node-exporter-serves-$src"
		else
			fail "node-exporter-serves-$src: $(grep textfile "$exdir/$src.metrics" | head -3) $(head -5 "$exdir/$src.diff")"
		fi
		root=""
		[ "$src" = demo ] || root="$(fixture "$src")/root"
		values "exporter-$src" "$src" "$exdir/$src.metrics" $root
	done
fi
kill "$expid" 2>/dev/null
wait "$expid" 2>/dev/null
trap - EXIT
if kill -0 "$expid" 2>/dev/null; then
	fail "node-exporter-stopped"
else
	pass "node-exporter-stopped"
fi
