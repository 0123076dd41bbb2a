# Sourced by tests/fleet/run: the SVG map of the demo. xmllint says it is
# well-formed XML and valid against the SVG 1.1 subset of svg-subset.rng
# (which must reject a foreign element), rsvg-convert (librsvg) renders
# it at its size, and its structure equals the golden (the time left out);
# the cells per class against `sections -J` are a consistency check.
mdir="$work/map"
mkdir -p "$mdir"
svg="$mdir/demo.svg"
"$memscope" --demo map --svg "$svg" --overlay vmemmap,compound,deferred,pins 2>"$mdir/err"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$svg" ]; then
	fail "map-demo: exit $rc: $(cat "$mdir/err")"
else
	pass "map-demo"
	if ! command -v xmllint >/dev/null; then
		skip "map-xmllint: no xmllint (Debian package libxml2-utils)"
	else
		if err=$(xmllint --noout "$svg" 2>&1); then
			pass "map-xmllint-well-formed"
		else
			fail "map-xmllint-well-formed: $err"
		fi
		if err=$(xmllint --noout --relaxng tests/fleet/svg-subset.rng "$svg" 2>&1); then
			pass "map-xmllint-svg-subset"
		else
			fail "map-xmllint-svg-subset: $err"
		fi
		sed 's|</svg>|<script>alert(1)</script></svg>|' "$svg" >"$mdir/foreign.svg"
		if xmllint --noout --relaxng tests/fleet/svg-subset.rng "$mdir/foreign.svg" >/dev/null 2>&1; then
			fail "map-svg-subset-rejects-script: the schema let a <script> through"
		else
			pass "map-svg-subset-rejects-script"
		fi
	fi
	if ! command -v rsvg-convert >/dev/null; then
		skip "map-rsvg: no rsvg-convert (Debian package librsvg2-bin)"
	elif rsvg-convert -o "$mdir/demo.png" "$svg" 2>"$mdir/rsvg.err" &&
	     dims=$("$py" - "$mdir/demo.png" "$svg" <<'PY'
import struct, sys, xml.etree.ElementTree as ET
png = open(sys.argv[1], "rb").read(24)
assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", png[16:24])
root = ET.parse(sys.argv[2]).getroot()
assert (w, h) == (int(root.get("width")), int(root.get("height"))), (w, h)
print("%dx%d" % (w, h))
PY
	     ); then
		pass "map-rsvg-renders: $dims PNG"
	else
		fail "map-rsvg-renders: $(cat "$mdir/rsvg.err") $dims"
	fi
	"$py" tests/fleet/svgstruct.py "$svg" >"$mdir/struct.txt" 2>&1
	if [ "${FLEET_UPDATE:-}" = 1 ]; then
		cp "$mdir/struct.txt" tests/fleet/golden/map-demo.txt
	fi
	if diff -u tests/fleet/golden/map-demo.txt "$mdir/struct.txt" >"$mdir/struct.diff"; then
		pass "map-golden-structure"
	else
		fail "map-golden-structure: $(head -20 "$mdir/struct.diff")"
	fi
	# consistency: cells per class (one section per cell here) and the CLI
	"$memscope" --demo sections -J -o +CLASS 2>/dev/null >"$mdir/sections.json"
	if err=$("$py" - "$mdir/sections.json" "$mdir/struct.txt" <<'PY'
import json, re, sys
sys.path.insert(0, "tests/fleet")
from promvalues import section_class
secs = json.load(open(sys.argv[1]))["sections"]
letter = {"early": "E", "hotadded": "H", "kmem": "K", "online": "O", "offline": "X", "device": "D"}
want = {}
for s in secs:
    k = "c" + letter[section_class(s)]
    want[k] = want.get(k, 0) + 1
want["cA"] = max(s["section"] for s in secs) + 1 - len(secs)
got = dict((k, int(v)) for k, v in re.findall(r"(c\w) (\d+)", open(sys.argv[2]).read().split("cells ")[1].splitlines()[0]))
assert got == {k: v for k, v in want.items() if v}, (got, want)
PY
	); then
		echo "SAME map-cells-vs-sections"
		same=$((same + 1))
	else
		fail "map-cells-vs-sections: $err"
	fi
fi
err=$("$memscope" --demo map --overlay nope 2>&1 >/dev/null)
rc=$?
if [ $rc -eq 2 ] && echo "$err" | grep -q "unknown overlay: nope"; then
	pass "map-bad-overlay"
else
	fail "map-bad-overlay: exit $rc: $err"
fi
