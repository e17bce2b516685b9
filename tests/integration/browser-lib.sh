# browser-lib.sh: shared by the browser-*.test scripts (bash), sourced
# after lib.sh: one headless Chromium (Debian's chromium, $CHROMIUM) driven
# by browser-cdp.js over the DevTools protocol on a pipe. A test adds the
# steps of its plan (b_open, b_script, b_eval, b_wait, b_shot), runs them
# all in one browser (b_run: Chromium is heavy on a shared machine) and
# reads the values back (b_get).

B_CDP="$top_srcdir/tests/integration/browser-cdp.js"
B_HELPERS="$top_srcdir/tests/integration/browser-helpers.js"
B_STEPS="$T_DIR/steps"
: >"$B_STEPS"

b_setup() {
	t_require CHROMIUM NODE
	# Chromium writes its profile, caches and crash dumps under HOME and
	# the XDG directories: here, in the build tree.
	export HOME="$T_DIR/home" XDG_CONFIG_HOME="$T_DIR/home/.config" \
	    XDG_CACHE_HOME="$T_DIR/home/.cache"
	mkdir -p "$HOME"
}

# b_step KEY VALUE...: one step, from pairs (numbers stay numbers).
b_step() {
	python3 -c '
import json, sys
a = sys.argv[1:]
d = {}
for k, v in zip(a[::2], a[1::2]):
    d[k] = int(v) if k in ("width", "height", "scale", "timeout") else v
print(json.dumps(d))' "$@" >>"$B_STEPS"
}

# b_open TAB URL [WIDTH HEIGHT SCALE]: TAB (new, or navigated) at URL.
b_open() {
	b_step tab "$1" open "$2" width "${3:-1280}" height "${4:-900}" \
	    scale "${5:-1}"
	b_step tab "$1" script "$B_HELPERS"
}

b_eval() { b_step tab "$1" as "$2" eval "$3"; }
b_wait() { b_step tab "$1" as "$2" wait "$3" timeout "${4:-60000}"; }
b_shot() { b_step tab "$1" shot "$2"; }

# b_run: every step in one browser; the result in $T_DIR/browser.json.
b_run() {
	python3 - "$CHROMIUM" "$T_DIR/profile" "$B_STEPS" >"$T_DIR/plan.json" <<'PY'
import json, sys
steps = [json.loads(l) for l in open(sys.argv[3])]
print(json.dumps({"chromium": sys.argv[1], "profile": sys.argv[2],
                  "timeout": 120000, "steps": steps}))
PY
	"$NODE" "$B_CDP" "$T_DIR/plan.json" >"$T_DIR/browser.json" \
	    2>"$T_DIR/browser.err"
	B_RC=$?
	b_load
	t_eq "browser: the plan ran ($(b_get version))" 0 "$B_RC"
	[ "$B_RC" -eq 0 ] || { echo "browser: $(b_get fatal)"; b_get stderr; }
}

# b_load: the result, flattened once (node is slow to start on a busy
# machine): B_R["ws.0.offset"] and so on, and B_R["errors.TAB"], the
# console errors and exceptions of a tab, joined by " | ".
declare -A B_R
b_load() {
	local k v
	B_R=()
	while IFS=$'\t' read -r k v; do
		B_R[$k]=$v
	done < <("$NODE" -e '
		let r = {};
		try { r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); } catch (e) {}
		const esc = (v) => String(v).replace(/[\t\n]/g, " ");
		const out = [];
		const walk = (p, v) => {
			if (v !== null && typeof v === "object") {
				out.push(p + "\t" + esc(JSON.stringify(v)));
				for (const k of Object.keys(v))
					walk(p ? p + "." + k : k, v[k]);
			} else
				out.push(p + "\t" + esc(v));
		};
		walk("", r);
		const tabs = new Set((r.console || []).map((c) => c.tab));
		for (const t of tabs)
			out.push("errors." + t + "\t" + esc(r.console.filter((c) =>
			    c.tab === t && /error|exception/.test(c.type))
			    .map((c) => c.text).join(" | ")));
		process.stdout.write(out.join("\n") + "\n");' "$T_DIR/browser.json")
}

# b_get PATH: a value of the result ("" when absent).
b_get() {
	printf '%s' "${B_R[$1]:-}"
}

# b_rounds WHAT NAME EXPECTED TOLERANCE: every round of T.syncs NAME
# answered and its bound holds the true offset EXPECTED (no timing in
# that: it must always hold); the median offset of the rounds is EXPECTED
# within TOLERANCE (seconds; the median, so that one round on a machine
# shared with the other tests, whose samples all waited, does not decide).
b_rounds() {
	local what=$1 name=$2 want=$3 tol=$4 i off bound offs=()
	if [ -z "$(b_get "$name.0")" ]; then
		t_fail "$what: no rounds ($(b_get "$name"))"
		return
	fi
	for ((i = 0; ; i++)); do
		[ -n "$(b_get "$name.$i")" ] || break
		echo "# $what round $i: $(b_get "$name.$i")"
		t_eq "$what round $i: no error" "" "$(b_get "$name.$i.error")"
		off=$(b_get "$name.$i.offset")
		bound=$(b_get "$name.$i.bound")
		offs+=("$off")
		if awk -v w="$want" -v o="$off" -v b="$bound" \
		    'BEGIN { d = o - w; if (d < 0) d = -d; exit !(o != "" && d <= b) }'; then
			t_pass "$what round $i: the bound ($bound) holds the truth"
		else
			t_fail "$what round $i: |$off - $want| > bound $bound"
		fi
	done
	c_near "$what: median offset of $i rounds" "$want" \
	    "$(printf '%s\n' "${offs[@]}" | sort -g | awk '{a[NR] = $1} END {print NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')" "$tol"
}
