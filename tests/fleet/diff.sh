# Sourced by tests/fleet/run: `memscope diff` on snapshots of two fixtures
# that differ in known ways (fxgen ... changed: block 16 onlined to
# Movable, section 3 fully populated, block 18 hot-added and onlined): the
# rows must be exactly those changes (and the vmemmap of one more 128M
# section: 512 pages of struct pages), in text and -J; the same snapshot
# twice differs in nothing (exit 0); B A is A B reversed; bad use exits 2.
ddir="$work/diff"
mkdir -p "$ddir"
for v in a b; do
	extra=""
	[ $v = b ] && extra=changed
	"$fxgen" "$ddir/fx-$v" 6.12 4 $extra >/dev/null &&
		"$memscope" -c "$ddir/fx-$v/core" --btf "$ddir/fx-$v/btf" \
			--sysroot "$ddir/fx-$v/root" capture "$ddir/$v.snap" >/dev/null 2>&1
done
A="$ddir/a.snap" B="$ddir/b.snap"

# diff_case NAME WANT_RC ARGS...: stdout, the exit and stderr against the golden
diff_case() {
	local name=$1 want=$2 rc
	shift 2
	"$memscope" diff "$@" >"$ddir/$name.out" 2>"$ddir/$name.err"
	rc=$?
	{ cat "$ddir/$name.out"; echo "--- exit $rc"; echo "--- stderr"; \
	  sed "s|$ddir/||g" "$ddir/$name.err"; } >"$ddir/$name.txt"
	[ "${FLEET_UPDATE:-}" = 1 ] && cp "$ddir/$name.txt" "tests/fleet/golden/$name.txt"
	if [ $rc -ne "$want" ]; then
		fail "$name: exit $rc, want $want: $(head -3 "$ddir/$name.err")"
	elif diff -u "tests/fleet/golden/$name.txt" "$ddir/$name.txt" >"$ddir/$name.diff"; then
		pass "$name"
	else
		fail "$name: $(head -20 "$ddir/$name.diff")"
	fi
}

diff_case diff-same 0 "$A" "$A"
diff_case diff-known 1 "$A" "$B"
diff_case diff-known-json 1 -J "$A" "$B"
diff_case diff-known-pairs 1 -P -o OBJECT,ID,FIELD,CHANGE "$A" "$B"
diff_case diff-usage 2 "$A"
diff_case diff-two-live 2 - -
diff_case diff-missing 2 "$A" "$ddir/nope.snap"

# The known changes, written out from fxgen's "changed" machine.
"$memscope" diff -J "$B" "$A" >"$ddir/reverse.json" 2>/dev/null
if err=$("$py" - "$ddir/diff-known-json.out" "$ddir/reverse.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["diff"]
got = {(r["object"], r["id"], r["field"]): (r["a"], r["b"], r["delta"], r["change"]) for r in rows}
want = {
    ("section", "3", "active"): ("32", "64", 32, "changed"),
    ("section", "16", "class"): ("offline", "hotadded", None, "changed"),
    ("section", "16", "flags"): ("present,memmap", "present,memmap,online", None, "changed"),
    ("section", "18", None): (None, "present", None, "added"),
    ("block", "16", "state"): ("offline", "online", None, "changed"),
    ("block", "16", "zones"): ("Normal/Movable", "Movable", None, "changed"),
    ("block", "18", None): (None, "present", None, "added"),
    # one more hot-added 128M section: 32768 struct pages of 64 bytes
    ("vmemmap", "hotplug", "pages"): ("1024", "1536", 512, "changed"),
    ("vmemmap", "hotplug", "frames"): ("1024", "1536", 512, "changed"),
}
assert got == want, "\n".join("%s: %s != %s" % (k, got.get(k), want.get(k))
                              for k in set(got) | set(want) if got.get(k) != want.get(k))
# B A: the same rows, sides swapped, deltas negated, added <-> removed
back = json.load(open(sys.argv[2]))["diff"]
rev = {(r["object"], r["id"], r["field"]): (r["a"], r["b"], r["delta"], r["change"]) for r in back}
flip = {"added": "removed", "changed": "changed"}
want_rev = {k: (b, a, -d if d is not None else None, flip[c]) for k, (a, b, d, c) in want.items()}
assert rev == want_rev, (rev, want_rev)
PY
); then
	pass "diff-known-changes"
	pass "diff-reversed"
else
	fail "diff-known-changes: $err"
fi
