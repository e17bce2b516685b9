# bench-browser.sh: part "browser" of `make bench` (sourced by
# bench/bench.sh, which provides md, cmd, say, stop_all, median, pctl and
# the servers of tests/integration/web.sh and bench/lib.sh). webntp.js in
# a headless Chromium (tests/integration/browser-cdp.js, one browser)
# against lighttpd (webntp.conf + webntp-www.conf) and webntp-ws on
# loopback: BENCH_BROWSER syncs (default 50) of 4 samples each over
# WebSocket and fetch, from the /clock/ page (cross-origin isolated:
# COOP/COEP, performance.now() at 5 us) and from the same files under
# /plain/ served without those headers (100 us, jittered), interleaved.
# The browser and the server read the same clock, so the true offset is 0
# and the error is the offset found. Each exchange is also timed with
# Date.now() alone (what timesync-like libraries do), filtered alike.

BROWSER_N=${BENCH_BROWSER:-50}
BROWSER_PAUSE=${BENCH_BROWSER_PAUSE:-200}
CHROMIUM=${CHROMIUM:-$(command -v chromium)}
NODE=${NODE:-$(command -v node)}

part_browser() {
	local p ws i k t tab url
	say "4d. the browser (webntp.js in Chromium), $BROWSER_N syncs per series"
	. "$top_srcdir/tests/integration/browser-lib.sh"
	b_setup
	ws=$(t_port)
	sidecar "$ws"
	p=$(t_port)
	mkdir -p "$T_SOCKDIR/b$p"
	cat >"$D/browser-lighttpd.conf" <<CONF
server.modules += ( "mod_proxy", "mod_fastcgi", "mod_alias", "mod_setenv" )
server.bind = "127.0.0.1"
server.port = $p
server.document-root = "$D"
server.pid-file = "$D/browser-lighttpd.pid"
var.webntp_fcgi = "$FCGI"
var.webntp_flags = "$FLAGS"
var.webntp_ws_host = "127.0.0.1"
var.webntp_ws_port = $ws
var.webntp_rundir = "$T_SOCKDIR/b$p"
var.webntp_procs = 4
var.webntp_www = "$top_srcdir/www"
include "$top_srcdir/lighttpd/webntp.conf"
include "$top_srcdir/lighttpd/webntp-www.conf"
# The same files without the isolation headers (no COOP, COEP or CSP).
\$HTTP["url"] =~ "^/plain/" {
	fastcgi.server = ()
	alias.url = ( "/plain/" => "$top_srcdir/www/" )
	index-file.names = ( "index.html" )
	mimetype.assign = ( ".html" => "text/html", ".js" => "text/javascript",
		".css" => "text/css" )
}
CONF
	"$LIGHTTPD" -D -f "$D/browser-lighttpd.conf" >"$D/browser-lighttpd.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$p"
	cmd "lighttpd -D -f browser-lighttpd.conf  # webntp.conf + webntp-www.conf, and /plain/ = www/ without COOP/COEP; webntp-ws -listen 127.0.0.1:\$WSPORT"
	cmd "node tests/integration/browser-cdp.js PLAN  # chromium --headless=new; per sync: T.syncs(URL, {samples: 4, pause: $BROWSER_PAUSE}, 1) of tests/integration/browser-helpers.js"
	"$CLIENT" -p 1 "http://127.0.0.1:$p/" "ws://127.0.0.1:$p/" >/dev/null
	b_open iso "http://127.0.0.1:$p/clock/"
	b_open plain "http://127.0.0.1:$p/plain/clock/"
	b_eval iso iso 'crossOriginIsolated'
	b_eval plain plainiso 'crossOriginIsolated'
	for i in $(seq "$BROWSER_N"); do
		for tab in iso plain; do
			for t in ws fetch; do
				url="http://127.0.0.1:$p/"
				[ $t = ws ] && url="ws://127.0.0.1:$p/"
				b_eval $tab "r_${tab}_${t}_$i" \
				    "T.syncs('$url', {transport: '$t', samples: 4, pause: $BROWSER_PAUSE}, 1)"
			done
		done
	done
	b_run >"$D/browser-run.log"
	say "browser: isolated page: $(b_get iso), plain page: $(b_get plainiso); $(b_get version)"
	: >"$D/browser.tsv"
	for i in $(seq "$BROWSER_N"); do
		for tab in iso plain; do
			for t in ws fetch; do
				k="r_${tab}_${t}_$i.0"
				[ -n "$(b_get "$k.offset")" ] || {
					say "browser $tab $t $i: $(b_get "$k.error")"
					continue
				}
				printf '%s-%s %s %s %s %s %s\n' "$t" "$tab" \
				    "$(b_get "$k.offset")" "$(b_get "$k.dateOffset")" \
				    "$(b_get "$k.delay")" "$(b_get "$k.bound")" \
				    "$(b_get "$k.resolution")" >>"$D/browser.tsv"
			done
		done
	done
	BROWSER_VERSION=$(b_get version)
	stop_all
}

# bstat FILE SERIES FIELD: "median p95" of |FIELD| in us.
bstat() {
	local v
	v=$(awk -v s="$2" -v f="$3" '$1==s {x = $f * 1e6; print x < 0 ? -x : x}' "$1")
	printf '%.1f %.1f' "$(median <<<"$v")" "$(pctl 95 <<<"$v")"
}

report_browser() {
	[ -s "$D/browser.tsv" ] || return 0
	cp "$D/browser.tsv" "$OUT/browser.tsv"
	local s t iso m p dm dp bm n held res
	md "## 4d. The browser: webntp.js in Chromium on loopback" ""
	md "$BROWSER_VERSION, headless, one browser with two tabs, driven over the DevTools pipe" \
	   "(tests/integration/browser-cdp.js). Each row: $BROWSER_N syncs (\`sync(url, {samples: 4})\`," \
	   "random pause up to $BROWSER_PAUSE ms between samples), interleaved with the other rows," \
	   "against lighttpd (webntp.conf + webntp-www.conf) and webntp-ws. *isolated*: the /clock/" \
	   "page with COOP/COEP (performance.now() at 5 us); *not isolated*: the same files without" \
	   "those headers (100 us, jittered). The true offset is 0 (one clock): *error* = |offset|." \
	   "*Date.now()*: the same exchanges timed with Date.now() alone (whole milliseconds), the" \
	   "same filter. *bound holds*: syncs whose bound contained the truth." ""
	md "| transport | page | timer | median error us | p95 error us | Date.now() median / p95 us | median bound us | bound holds | syncs |" \
	   "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	for t in ws fetch; do
		for iso in iso plain; do
			s=$t-$iso
			n=$(awk -v s="$s" '$1==s' "$D/browser.tsv" | wc -l)
			[ "$n" -gt 0 ] || continue
			read -r m p <<<"$(bstat "$D/browser.tsv" "$s" 2)"
			read -r dm dp <<<"$(bstat "$D/browser.tsv" "$s" 3)"
			bm=$(awk -v s="$s" '$1==s {print $5 * 1e6}' "$D/browser.tsv" | median)
			held=$(awk -v s="$s" '$1==s {x = $2 < 0 ? -$2 : $2; if (x <= $5) h++; n++} END {printf "%d/%d", h, n}' "$D/browser.tsv")
			res=$(awk -v s="$s" '$1==s {print $6 * 1e6; exit}' "$D/browser.tsv")
			md "| $t | $([ $iso = iso ] && echo isolated || echo "not isolated") | $(printf '%.0f' "$res") us | $m | $p | $dm / $dp | $(printf '%.1f' "$bm") | $held | $n |"
		done
	done
	md ""
}

if [ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] && [ -n "$NODE" ]; then
	want browser && part_browser
else
	say "4d. skipped: no chromium or node (apt-get install chromium nodejs)"
fi
