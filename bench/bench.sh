#!/usr/bin/env bash
# bench.sh: `make bench` (run it through make, which builds what it needs and
# sets the paths). Throughput, latency and time accuracy of webntp, measured
# side by side, written to $top_srcdir/bench/results/RESULTS.md with PNG
# plots and the raw samples (*.tsv). A benchmark reports figures, it never
# fails on noisy timings: not part of `make check`.
#
# Every figure is the median of BENCH_RUNS runs (default 3) and every
# comparison is interleaved in one run (A B A B ...) and given as the ratio
# of the medians. Parts (BENCH_ONLY, default all): http procs callgrind ws
# loop fake wan browser (bench/bench-browser.sh) anyserver (bench/anyserver.sh).
# Servers are the real lighttpd and Apache with the shipped configs
# (lighttpd/lighttpd.conf, apache/webntp.conf), on 127.0.0.1.
set -u
: "${top_srcdir:?run through make bench}"
: "${top_builddir:?run through make bench}"
LIGHTTPD=${LIGHTTPD:-/usr/sbin/lighttpd}
APACHE2=${APACHE2:-/usr/sbin/apache2}
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}
CHRONYD=${CHRONYD:-/usr/sbin/chronyd}
FAKETIME_LIB=${FAKETIME_LIB:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}
CI=
export top_srcdir top_builddir

RUNS=${BENCH_RUNS:-3}		# runs per figure (median)
DUR=${BENCH_DUR:-2}		# seconds per wrk run
ONLY=" ${BENCH_ONLY:-http web procs callgrind ws loop fake wan browser anyserver} "
OUT=${BENCH_OUT:-$top_srcdir/bench/results}
N_LOOP=${BENCH_LOOP:-100}	# client runs per protocol, loopback
N_FAKE=${BENCH_FAKE:-30}
N_P1=${BENCH_P1:-120}		# WAN: -p 1 runs per protocol (and estimators)
N_P4=${BENCH_P4:-16}
N_P8=${BENCH_P8:-12}
N_HTP=${BENCH_HTP:-12}
N_CHRONY=${BENCH_CHRONY:-20}

missing=
for t in wrk gnuplot htpdate valgrind callgrind_annotate; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
for t in "$LIGHTTPD" "$APACHE2" "$CHRONYD"; do
	[ -x "$t" ] || missing="$missing $t"
done
[ -r "$FAKETIME_LIB" ] || missing="$missing libfaketime"
if [ -n "$missing" ]; then
	echo "bench: missing:$missing"
	echo "bench: apt-get install -y wrk gnuplot-nox htpdate valgrind" \
	    "lighttpd apache2 libapache2-mod-fcgid chrony libfaketime"
	exit 1
fi

. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/web.sh"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/bench/anyserver.sh"
ulimit -n "$(ulimit -Hn)"

FCGI=$top_builddir/src/responder/webntp.fcgi
CHEAP=$top_builddir/bench/cheapest
RELAY=$top_builddir/bench/relay
WSLOAD=$top_builddir/bench/wsload
WS=$top_builddir/src/sidecar/webntp-ws
CLIENT=$top_builddir/src/client/webntp
for f in "$FCGI" "$CHEAP" "$RELAY" "$WSLOAD" "$WS" "$CLIENT"; do
	[ -x "$f" ] || { echo "bench: $f not built (configure with the sidecar and the client)"; exit 1; }
done
LEAP="$T_DIR/leap-seconds.list"
cp "$top_srcdir/tests/data/leap-seconds-2019-05-02.list" "$LEAP"
FLAGS="-leap-second-path $LEAP -leap-second-url file://$T_DIR/none"
D=$T_DIR
mkdir -p "$OUT"
: >"$D/md"		# RESULTS.md body, in order
: >"$D/commands"	# the exact commands, once each
T0=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

say() { printf '[%4ds] %s\n' $(( $(date +%s) - T0 )) "$*" >&2; }
md() { printf '%s\n' "$@" >>"$D/md"; }
cmd() { grep -qxF -- "$*" "$D/commands" || printf '%s\n' "$*" >>"$D/commands"; }
want() { [[ $ONLY == *" $1 "* ]]; }

# Stop every server started so far.
stop_all() {
	t_cleanup
	T_PIDS=()
}

# Statistics over numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'; }
# pctl P: the P-th percentile, nearest rank.
pctl() { sort -g | awk -v p="$1" '{a[NR]=$1} END {if (!NR) {print "nan"; exit} i=int(p*NR/100+0.999999); if (i<1) i=1; print a[i]}'; }

# ---- servers ----

# lighttpd_static PORT: lighttpd serving one small file (the ceiling).
lighttpd_static() {
	local run="$D/static-$1"
	mkdir -p "$run"
	printf '{"st":1764000000.000000}' >"$run/index.json"
	cat >"$run.conf" <<EOF
server.bind = "127.0.0.1"
server.port = $1
server.document-root = "$run"
server.pid-file = "$run.pid"
index-file.names = ( "index.json" )
EOF
	"$LIGHTTPD" -D -f "$run.conf" >"$run.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$1"
}

# ---- load ----

# wrk_run URL CONNS [HEAD]: "req/s p50_ms p99_ms".
wrk_run() {
	local url=$1 c=$2 t=1 s=() out
	[ "$c" -gt 1 ] && t=2
	[ -n "${3:-}" ] && s=(-s "$D/head.lua")
	cmd "wrk -t$t -c$c -d${DUR}s --latency${3:+ -s head.lua} $(sed -E 's/:[0-9]+/:$PORT/' <<<"$url")${3:+  # head.lua: wrk.method = \"HEAD\"}"
	out=$(wrk -t$t -c"$c" -d"${DUR}s" --latency "${s[@]}" "$url" 2>&1)
	awk '
	function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000; return v }
	/^Requests\/sec/ { r = $2 } $1 == "50%" { a = ms($2) } $1 == "99%" { b = ms($2) }
	/Non-2xx|Socket errors/ { bad = 1 }
	END { printf "%s %s %s%s\n", r ? r : 0, a ? a : "nan", b ? b : "nan", bad ? " errors" : "" }' <<<"$out"
}
printf 'wrk.method = "HEAD"\n' >"$D/head.lua"

# ---- 1. HTTP ----

GET_PATH="/?1489217288.328757"
HEAD_PATH="/.well-known/time"

# http_pair SERVER PORT_A PORT_B [PORT_STATIC]: interleaved wrk runs into
# http.tsv: server request conns impl run req/s p50 p99.
http_pair() {
	local srv=$1 pa=$2 pb=$3 ps=${4:-} r req c path h line impl port
	for port in "$pa" "$pb" $ps; do
		wrk -t2 -c32 -d2s "http://127.0.0.1:$port$GET_PATH" >/dev/null 2>&1
	done
	for r in $(seq "$RUNS"); do
		for req in GET HEAD; do
			path=$GET_PATH h=
			[ $req = HEAD ] && path=$HEAD_PATH h=1
			for c in 1 32; do
				for impl in webntp cheapest static; do
					case $impl in
					webntp) port=$pa ;;
					cheapest) port=$pb ;;
					static) [ -n "$ps" ] && [ $req = GET ] || continue
						port=$ps path=/ ;;
					esac
					line=$(wrk_run "http://127.0.0.1:$port$path" $c $h)
					echo "$srv $req $c $impl $r $line" >>"$D/http.tsv"
					say "http $srv $req c=$c $impl run $r: $line"
				done
			done
		done
	done
}

part_http() {
	local pa pb ps
	say "1. HTTP: lighttpd"
	: >"$D/http.tsv"
	pa=$(t_port)
	T_RESPONDER=$FCGI bench_lighttpd "$pa" "$FLAGS"
	pb=$(t_port)
	T_RESPONDER=$CHEAP bench_lighttpd "$pb" " "
	ps=$(t_port)
	lighttpd_static "$ps"
	cmd "WEBNTP_BIND=127.0.0.1 WEBNTP_PORT=\$PORT WEBNTP_FCGI=\$FCGI WEBNTP_FLAGS='$FLAGS' WEBNTP_WS_HOST=127.0.0.1 WEBNTP_WS_PORT=\$WSPORT WEBNTP_RUNDIR=\$RUN lighttpd -D -f lighttpd/lighttpd.conf  # FCGI = src/responder/webntp.fcgi or bench/cheapest"
	http_pair lighttpd "$pa" "$pb" "$ps"
	stop_all
	say "1. HTTP: Apache"
	pa=$(t_port)
	T_RESPONDER=$FCGI t_apache "$pa" "$FLAGS"
	pb=$(t_port)
	T_RESPONDER=$CHEAP t_apache "$pb" "$FLAGS"
	cmd "apache2 -DFOREGROUND -f httpd.conf  # mpm_event; Define WEBNTP_FCGI \$FCGI; Include apache/webntp.conf (as tests/integration/web.sh t_apache)"
	# mod_fcgid spawns up to 32 processes, each waiting 1.5 s at start.
	wrk -t2 -c32 -d4s "http://127.0.0.1:$pa$GET_PATH" >/dev/null 2>&1
	wrk -t2 -c32 -d4s "http://127.0.0.1:$pb$GET_PATH" >/dev/null 2>&1
	http_pair apache "$pa" "$pb"
	stop_all
}

report_http() {
	[ -s "$D/http.tsv" ] || return 0
	cp "$D/http.tsv" "$OUT/http.tsv"
	md "## 1. HTTP throughput and latency" ""
	md "wrk, ${DUR} s per run, median of $RUNS interleaved runs (webntp, cheapest, static, webntp, ...)." \
	   "GET is \`$GET_PATH\`, HEAD is \`$HEAD_PATH\`. *cheapest* is bench/cheapest.c, a FastCGI" \
	   "responder that only prints \`{\"st\":<now>}\`, behind the very same config; *ratio* is" \
	   "webntp.fcgi req/s / cheapest req/s (target >= 0.9). *static* is lighttpd serving a" \
	   "24-byte file: the ceiling of the web server itself." ""
	md "| server | request | conns | webntp.fcgi req/s | p50 ms | p99 ms | cheapest req/s | p50 ms | p99 ms | ratio | static req/s |" \
	   "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	local srv req c
	for srv in lighttpd apache; do
		for req in GET HEAD; do
			for c in 1 32; do
				grep -q "^$srv $req $c " "$D/http.tsv" || continue
				md "$(hrow "$srv" "$req" "$c")"
			done
		done
	done
	md "" "![http](http.png)" ""
}

# One table row: medians of each implementation and the ratio of medians.
hrow() {
	local srv=$1 req=$2 c=$3 i f v row="| $1 | $2 | $3 |" rw rc st
	for i in webntp cheapest; do
		for f in 6 7 8; do
			v=$(awk -v s="$srv" -v q="$req" -v c="$c" -v i=$i -v f=$f \
			    '$1==s && $2==q && $3==c && $4==i {print $f}' "$D/http.tsv" | median)
			row="$row $v |"
			[ $f = 6 ] && { [ $i = webntp ] && rw=$v || rc=$v; }
		done
	done
	st=$(awk -v s="$srv" -v q="$req" -v c="$c" '$1==s && $2==q && $3==c && $4=="static" {print $6}' "$D/http.tsv" | median)
	[ "$st" = nan ] && st=-
	row="$row $(awk -v a="$rw" -v b="$rc" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}') | $st |"
	echo "$row"
}

# ---- 1b. lighttpd deployment: processes ----

PROCS_LIST=${BENCH_PROCS:-1 2 4 8}
part_procs() {
	local p port r c line
	say "1b. lighttpd: webntp.fcgi processes ($PROCS_LIST)"
	: >"$D/procs.tsv"
	declare -A P
	for p in $PROCS_LIST; do
		P[$p]=$(t_port)
		T_RESPONDER=$FCGI bench_lighttpd "${P[$p]}" "$FLAGS" "$(lighttpd_cfg procs$p "$p")"
		wrk -t2 -c32 -d1s "http://127.0.0.1:${P[$p]}$GET_PATH" >/dev/null 2>&1
	done
	for r in $(seq "$RUNS"); do
		for c in 1 32; do
			for p in $PROCS_LIST; do
				line=$(wrk_run "http://127.0.0.1:${P[$p]}$GET_PATH" $c)
				echo "$p $c $r $line" >>"$D/procs.tsv"
				say "procs=$p c=$c run $r: $line"
			done
		done
	done
	stop_all
}

report_procs() {
	[ -s "$D/procs.tsv" ] || return 0
	cp "$D/procs.tsv" "$OUT/procs.tsv"
	local p c base
	md "## 1b. lighttpd deployment: responder processes" ""
	md "GET through lighttpd/lighttpd.conf with \`var.webntp_procs\` (max-procs) set to each value," \
	   "interleaved, median of $RUNS; ratio against the first line. lighttpd 1.4 opens one" \
	   "FastCGI connection per request (no FCGI_KEEP_CONN), so the processes are the knob." ""
	md "Shipped default: \`$(grep '^var.webntp_procs' "$top_srcdir/lighttpd/lighttpd.conf")\` (lighttpd/lighttpd.conf)." ""
	md "| procs | conns | req/s | p50 ms | p99 ms | ratio |" "|---:|---:|---:|---:|---:|---:|"
	for c in 1 32; do
		base=
		for p in $PROCS_LIST; do
			local rps p50 p99
			rps=$(awk -v p=$p -v c=$c '$1==p && $2==c {print $4}' "$D/procs.tsv" | median)
			p50=$(awk -v p=$p -v c=$c '$1==p && $2==c {print $5}' "$D/procs.tsv" | median)
			p99=$(awk -v p=$p -v c=$c '$1==p && $2==c {print $6}' "$D/procs.tsv" | median)
			[ -z "$base" ] && base=$rps
			md "| $p | $c | $rps | $p50 | $p99 | $(awk -v a="$rps" -v b="$base" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}') |"
		done
	done
	md ""
}

# ---- 2. callgrind ----

N_CG=${BENCH_CG:-1000}
# cg_run NAME BINARY METHOD: N_CG requests through lighttpd (1 process) to
# BINARY under callgrind; the callgrind.out files in $D/cg-NAME.
cg_run() {
	local name=$1 bin=$2 method=$3 port dir="$D/cg-$1" wrap="$D/cg-$1.sh" conf
	rm -rf "$dir"
	mkdir -p "$dir"
	cat >"$wrap" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --callgrind-out-file=$dir/callgrind.out.%p "$bin" "\$@"
EOF
	chmod +x "$wrap"
	port=$(t_port)
	conf=$(lighttpd_cfg cg-$name 1)
	T_RESPONDER=$wrap bench_lighttpd "$port" "$FLAGS" "$conf"
	# One connection, N_CG keep-alive requests (curl's URL globbing).
	if [ "$method" = HEAD ]; then
		curl -s -I -o /dev/null "http://127.0.0.1:$port/.well-known/time?[1-$N_CG]"
	else
		curl -s -o /dev/null "http://127.0.0.1:$port/?1489217288.[100001-$((100000 + N_CG))]"
	fi
	cmd "valgrind --tool=callgrind $bin $FLAGS  # behind lighttpd (1 process), $N_CG requests: curl 'http://127.0.0.1:\$PORT/?1489217288.[100001-$((100000 + N_CG))]' (GET) or curl -I '.../.well-known/time?[1-$N_CG]' (HEAD)"
	stop_all
}

# cg_incl NAME FUNC...: inclusive instructions of FUNCs (summed) per request.
cg_incl() {
	local name=$1 f
	shift
	for f in "$D/cg-$name"/callgrind.out.*; do
		callgrind_annotate --inclusive=yes --threshold=100 --auto=no "$f" 2>/dev/null
	done | awk -v n="$N_CG" -v list="$*" '
		BEGIN { k = split(list, want, " "); for (i = 1; i <= k; i++) w[want[i]] = 1 }
		$1 ~ /^[0-9,]+$/ && $NF ~ /^\[/ { fn = $(NF - 1); sub(/.*:/, "", fn)
		  if (fn in w) { v = $1; gsub(",", "", v); s += v } }
		END { printf "%.0f", s / n }'
}

part_callgrind() {
	say "2. callgrind: webntp.fcgi and cheapest, $N_CG requests each"
	cg_run get "$FCGI" GET
	cg_run head "$FCGI" HEAD
	cg_run cheap "$CHEAP" GET
}

report_callgrind() {
	[ -d "$D/cg-get" ] || return 0
	local m parse clock json write tot
	md "## 2. Responder cost: instructions per request (callgrind)" ""
	md "valgrind --tool=callgrind on the responder behind lighttpd (1 process), $N_CG requests" \
	   "on one keep-alive connection; inclusive instructions of the functions named, divided" \
	   "by the requests (start-up excluded). User space only: the kernel's share of" \
	   "accept/read/write is not counted. Repeatable to a few instructions." \
	   "*parse* = FCGX_Accept_r (FastCGI records and params) + FCGX_GetParam + ts_parse;" \
	   "*clock* = ts_now + leapsrc_lookup (under valgrind clock_gettime is a system call, not" \
	   "the vDSO, so its user-space cost shows as almost nothing); *format* = answer_id_set" \
	   "(the host, escaped by jansson) + answer_format (the JSON) + ts_format (X-HTTPSTIME) +" \
	   "the CGI headers; *write* = FCGX_PutStr + FCGX_Finish_r (FastCGI framing, flush, close);" \
	   "*total* = FCGX_Accept_r + responder_handle + write (for cheapest: the sum)." ""
	md "| responder | request | parse | clock | format (JSON, headers) | write | total |" "|---|---|---:|---:|---:|---:|---:|"
	: >"$D/cg.tsv"
	for m in get head; do
		parse=$(cg_incl $m FCGX_Accept_r FCGX_GetParam ts_parse)
		clock=$(cg_incl $m ts_now leapsrc_lookup)
		# GET: ts_format runs inside answer_format; HEAD: on its own.
		json=$(cg_incl $m answer_id_set answer_format responder_body responder_head \
		    $([ $m = head ] && echo ts_format))
		write=$(cg_incl $m FCGX_PutStr FCGX_Finish_r)
		tot=$(cg_incl $m FCGX_Accept_r responder_handle FCGX_PutStr FCGX_Finish_r)
		md "| webntp.fcgi | ${m^^} | $parse | $clock | $json | $write | $tot |"
		echo "webntp ${m^^} $parse $clock $json $write $tot" >>"$D/cg.tsv"
	done
	parse=$(cg_incl cheap FCGX_Accept_r)
	clock=$(cg_incl cheap clock_gettime)
	json=$(cg_incl cheap snprintf)
	write=$(cg_incl cheap FCGX_PutStr FCGX_Finish_r)
	md "| cheapest | GET | $parse | $clock | $json | $write | $((parse + clock + json + write)) |" ""
	echo "cheapest GET $parse $clock $json $write $((parse + clock + json + write))" >>"$D/cg.tsv"
	cp "$D/cg.tsv" "$OUT/callgrind.tsv"
}

# ---- 3. WebSocket ----

# ws_count CONNS: the round trips of one wsload run at CONNS connections.
ws_count() { echo $(($1 == 1 ? 10000 : 1000)); }

# ws_round NAME PORT CONNS RUN TSV: one wsload run against PORT, logged;
# "NAME CONNS RUN round-trips/s p50 p99" appended to TSV (part ws, and
# part web's WebSocket rows in bench-nginx.sh).
ws_round() {
	local line
	line=$("$WSLOAD" -p "$2" -c "$3" -n "$(ws_count "$3")" 2>&1 | tail -1)
	say "ws $1 c=$3 run $4: $line"
	echo "$1 $3 $4 $(awk '{for (i = 1; i <= NF; i++) {
	    if ($i == "p50") a = $(i + 1); if ($i == "p99") b = $(i + 1)
	    if ($i ~ /\/s,$/) t = $i + 0 }} END {print t + 0, a + 0, b + 0}' <<<"$line")" >>"$5"
}

part_ws() {
	local w pl pa r c target port before after hold
	say "3. WebSocket: wsload against webntp-ws, direct and through lighttpd and Apache"
	: >"$D/ws.tsv"
	w=$(t_port)
	sidecar "$w"
	pl=$(t_port)
	T_WS_PORT=$w T_RESPONDER=$FCGI bench_lighttpd "$pl" "$FLAGS"
	pa=$(t_port)
	T_WS_PORT=$w T_RESPONDER=$FCGI t_apache "$pa" "$FLAGS"
	for r in $(seq "$RUNS"); do
		for c in 1 32; do
			for target in direct lighttpd apache; do
				case $target in
				direct) port=$w ;; lighttpd) port=$pl ;; apache) port=$pa ;;
				esac
				cmd "bench/wsload -p \$PORT -c $c -n $(ws_count $c)  # \$PORT: webntp-ws, or lighttpd / Apache proxying to it"
				ws_round "$target" "$port" $c $r "$D/ws.tsv"
			done
		done
	done
	stop_all
	# Memory in a fresh sidecar.
	w=$(t_port)
	sidecar "$w"
	local pid=${T_PIDS[-1]}
	before=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
	"$WSLOAD" -p "$w" -c 0 -k 10000 -H 3 >"$D/hold.out" 2>&1 &
	hold=$!
	for _ in $(seq 300); do grep -q holding "$D/hold.out" && break; sleep 0.1; done
	sleep 0.5
	after=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
	wait $hold
	cmd "bench/wsload -p \$PORT -c 0 -k 10000 -H 3  # VmRSS of webntp-ws before and while holding"
	echo "$before $after" >"$D/ws-rss.tsv"
	say "ws RSS: $before KiB idle, $after KiB with 10000 idle connections"
	stop_all
}

report_ws() {
	[ -s "$D/ws.tsv" ] || return 0
	cp "$D/ws.tsv" "$OUT/ws.tsv"
	local c t rt p50 p99 base
	md "## 3. WebSocket round trips" ""
	md "bench/wsload (wslay, one epoll loop): each connection sends a timestamp and waits for" \
	   "the answer, one at a time; median of $RUNS interleaved runs; ratio against direct." ""
	md "| path | conns | round trips/s | p50 us | p99 us | ratio |" "|---|---:|---:|---:|---:|---:|"
	for c in 1 32; do
		base=
		for t in direct lighttpd apache; do
			rt=$(awk -v t=$t -v c=$c '$1==t && $2==c {print $4}' "$D/ws.tsv" | median)
			p50=$(awk -v t=$t -v c=$c '$1==t && $2==c {print $5}' "$D/ws.tsv" | median)
			p99=$(awk -v t=$t -v c=$c '$1==t && $2==c {print $6}' "$D/ws.tsv" | median)
			[ -z "$base" ] && base=$rt
			md "| $t | $c | $rt | $p50 | $p99 | $(awk -v a="$rt" -v b="$base" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}') |"
		done
	done
	if [ -s "$D/ws-rss.tsv" ]; then
		read -r before after <"$D/ws-rss.tsv"
		md "" "webntp-ws RSS: $before KiB fresh, $after KiB holding 10,000 idle connections" \
		   "($(( (after - before) * 1024 / 10000 )) bytes per idle connection)."
	fi
	md ""
}

# ---- 4. accuracy ----

# webntp_off URL P: "offset delay" in seconds, or nothing on failure.
webntp_off() {
	"$CLIENT" -p "$2" -json "$1" 2>/dev/null | sed -nE \
	    's/.*"type":"server".*"offset":(-?[0-9.]+),"delay":([0-9.]+).*/\1 \2/p'
}

# serve_pair TAG [SHIFT [ALL]]: lighttpd (shipped config) + sidecar; with
# SHIFT, the responder and the sidecar run under libfaketime FAKETIME=SHIFT
# (with ALL, lighttpd too). Sets HP (lighttpd port) and WP (sidecar port).
serve_pair() {
	local conf
	WP=$(t_port)
	HP=$(t_port)
	if [ -n "${2:-}" ]; then
		LD_PRELOAD=$FAKETIME_LIB FAKETIME=$2 FAKETIME_DONT_FAKE_MONOTONIC=1 sidecar "$WP"
		conf=$(lighttpd_cfg "$1" 4 \
		    "var.webntp_env = ( \"LD_PRELOAD\" => \"$FAKETIME_LIB\", \"FAKETIME\" => \"$2\", \"FAKETIME_DONT_FAKE_MONOTONIC\" => \"1\" )")
		if [ -n "${3:-}" ]; then
			# lighttpd too: htpdate reads lighttpd's Date header.
			LD_PRELOAD=$FAKETIME_LIB FAKETIME=$2 FAKETIME_DONT_FAKE_MONOTONIC=1 \
			T_WS_PORT=$WP T_RESPONDER=$FCGI bench_lighttpd "$HP" "$FLAGS" "$conf"
		else
			T_WS_PORT=$WP T_RESPONDER=$FCGI bench_lighttpd "$HP" "$FLAGS" "$conf"
		fi
	else
		sidecar "$WP"
		T_WS_PORT=$WP T_RESPONDER=$FCGI bench_lighttpd "$HP" "$FLAGS"
	fi
}

part_loop() {
	local i
	say "4a. accuracy on loopback: $N_LOOP runs of webntp -p 1, http and ws"
	: >"$D/loop.tsv"
	serve_pair loop
	for i in $(seq "$N_LOOP"); do
		echo "http $(webntp_off "http://127.0.0.1:$HP/" 1)" >>"$D/loop.tsv"
		echo "ws $(webntp_off "ws://127.0.0.1:$HP/" 1)" >>"$D/loop.tsv"
	done
	cmd "src/client/webntp -p 1 -json http://127.0.0.1:\$PORT/   and   ws://127.0.0.1:\$PORT/  # lighttpd.conf + webntp-ws"
	stop_all
}

# absstat FILE PROTO [BIAS]: "median p95 n" of |offset - BIAS| in us.
absstat() {
	local m p n
	m=$(awk -v p="$2" -v b="${3:-0}" '$1==p && NF >= 2 {x = ($2 - b) * 1e6; print x < 0 ? -x : x}' "$1" | median)
	p=$(awk -v p="$2" -v b="${3:-0}" '$1==p && NF >= 2 {x = ($2 - b) * 1e6; print x < 0 ? -x : x}' "$1" | pctl 95)
	n=$(awk -v p="$2" '$1==p && NF >= 2' "$1" | wc -l)
	printf '%.1f %.1f %d' "$m" "$p" "$n"
}

report_loop() {
	[ -s "$D/loop.tsv" ] || return 0
	cp "$D/loop.tsv" "$OUT/loopback.tsv"
	local p s
	md "## 4a. Accuracy on loopback" ""
	md "Client and server share the clock, so |offset| is the error. $N_LOOP runs of" \
	   "\`webntp -p 1 -json\` per protocol, interleaved, against lighttpd.conf + webntp-ws" \
	   "(target: median <= 10 us)." ""
	md "| protocol | median offset us | median abs error us | p95 us | median delay us | runs |" "|---|---:|---:|---:|---:|---:|"
	for p in http ws; do
		read -r -a s <<<"$(absstat "$D/loop.tsv" $p)"
		md "| $p | $(awk -v p=$p '$1==p && NF >= 2 {print $2 * 1e6}' "$D/loop.tsv" | median | xargs printf '%.1f') | ${s[0]} | ${s[1]} | $(awk -v p=$p '$1==p && NF >= 3 {print $3 * 1e6}' "$D/loop.tsv" | median | xargs printf '%.1f') | ${s[2]} |"
	done
	md "" "![loopback](loopback.png)" ""
}

part_fake() {
	local i
	say "4b. accuracy against a server shifted by libfaketime (+0.25 s): $N_FAKE runs each"
	: >"$D/fake.tsv"
	serve_pair fake "+0.25"
	for i in $(seq "$N_FAKE"); do
		echo "http $(webntp_off "http://127.0.0.1:$HP/" 1)" >>"$D/fake.tsv"
		echo "ws $(webntp_off "ws://127.0.0.1:$HP/" 1)" >>"$D/fake.tsv"
	done
	cmd "LD_PRELOAD=libfaketime.so.1 FAKETIME=+0.25 FAKETIME_DONT_FAKE_MONOTONIC=1 for webntp.fcgi (var.webntp_env) and webntp-ws; webntp -p 1 -json"
	stop_all
}

report_fake() {
	[ -s "$D/fake.tsv" ] || return 0
	cp "$D/fake.tsv" "$OUT/faketime.tsv"
	local p s med
	md "## 4b. A server shifted by libfaketime (+0.25 s)" ""
	md "| protocol | median offset s | median abs error us | p95 us | runs |" "|---|---:|---:|---:|---:|"
	for p in http ws; do
		med=$(awk -v p=$p '$1==p && NF >= 2 {print $2}' "$D/fake.tsv" | median)
		read -r -a s <<<"$(absstat "$D/fake.tsv" $p 0.25)"
		md "| $p | $med | ${s[0]} | ${s[1]} | ${s[2]} |"
	done
	md ""
}

# ---- 4c. emulated WAN ----

# chrony_server PORT: chronyd -x serving NTP from the local clock.
chrony_server() {
	cat >"$D/chrony-srv.conf" <<EOF
port $1
bindaddress 127.0.0.1
local stratum 1
allow 127.0.0.1
cmdport 0
pidfile $D/chrony-srv.pid
EOF
	"$CHRONYD" -x -d -u root -f "$D/chrony-srv.conf" >"$D/chrony-srv.log" 2>&1 &
	t_bg $!
	sleep 0.3
}

# relay_start ARGS...: the delay relay in the background, ready.
relay_start() {
	"$RELAY" "$@" >"$D/relay.$$.out" 2>&1 &
	t_bg $!
	for _ in $(seq 50); do grep -q ready "$D/relay.$$.out" 2>/dev/null && break; sleep 0.1; done
}

# wan NAME UP_US UP_JITTER DOWN_US DOWN_JITTER: every series at once
# (they mostly sleep) through one TCP and one UDP relay; wan-NAME.tsv gets
# "series offset [delay]" (offset = server - local, s).
wan() {
	local name=$1 tp up f="$D/wan-$1.tsv" i cp ap ta
	local rargs=(-d "$2" -j "$3" -D "$4" -J "$5")
	say "4c. WAN $name: up $2+-$3 us, down $4+-$5 us"
	serve_pair "wan-$name" "+$WAN_SHIFT" all
	tp=$(t_port)
	relay_start -l "$tp" -t "$HP" "${rargs[@]}"
	# htpdate reads the Date header: lighttpd refreshes its Date once a
	# second on its own tick (seen at .1 s past the true second even under
	# libfaketime), Apache formats it per request: htpdate asks Apache.
	ap=$(t_port)
	LD_PRELOAD=$FAKETIME_LIB FAKETIME=+$WAN_SHIFT FAKETIME_DONT_FAKE_MONOTONIC=1 \
	T_WS_PORT=$WP T_RESPONDER=$FCGI t_apache "$ap" "$FLAGS"
	ta=$(t_port)
	relay_start -l "$ta" -t "$ap" "${rargs[@]}"
	cp=$(t_port)
	up=$(t_port)
	chrony_server "$cp"
	relay_start -u -l "$up" -t "$cp" "${rargs[@]}"
	cmd "bench/relay -l \$RELAYPORT -t \$LIGHTTPDPORT ${rargs[*]}   and   bench/relay -u -l \$RELAYPORT -t \$NTPPORT ${rargs[*]}"
	: >"$f"
	{
		for i in $(seq "$N_P1"); do
			echo "http-p1 $(webntp_off "http://127.0.0.1:$tp/" 1)"
			echo "ws-p1 $(webntp_off "ws://127.0.0.1:$tp/" 1)"
		done >"$f.p1"
	} &
	local j1=$!
	{
		for i in $(seq "$N_P4"); do
			echo "http-p4 $(webntp_off "http://127.0.0.1:$tp/" 4)"
			echo "ws-p4 $(webntp_off "ws://127.0.0.1:$tp/" 4)"
		done >"$f.p4"
	} &
	local j4=$!
	{
		for i in $(seq "$N_P8"); do
			echo "http-p8 $(webntp_off "http://127.0.0.1:$tp/" 8)"
			echo "ws-p8 $(webntp_off "ws://127.0.0.1:$tp/" 8)"
		done >"$f.p8"
	} &
	local j8=$!
	{
		for i in $(seq "$N_HTP"); do
			echo "htpdate $(htpdate -q -d "127.0.0.1:$ta" 2>&1 | sed -nE 's/^offset: (-?[0-9.]+).*/\1/p')"
			echo "htpdate-p8 $(htpdate -q -d -p 8 "127.0.0.1:$ta" 2>&1 | sed -nE 's/^offset: (-?[0-9.]+).*/\1/p')"
		done >"$f.htp"
	} &
	local jh=$!
	{
		# "System clock wrong by X": X is server - local, as webntp's.
		for i in $(seq "$N_CHRONY"); do
			echo "chrony $("$CHRONYD" -Q -u root -f /dev/null "pidfile $D/chrony-q.pid" "cmdport 0" \
			    "server 127.0.0.1 port $up iburst minpoll -6 maxpoll -6" 2>&1 |
			    sed -nE 's/.*wrong by (-?[0-9.]+) seconds.*/\1/p')"
		done >"$f.chrony"
	} &
	local jc=$!
	cmd "src/client/webntp -p N -json http://127.0.0.1:\$RELAYPORT/   and   ws://127.0.0.1:\$RELAYPORT/  # N = 1, 4, 8"
	cmd "htpdate -q -d [-p 8] 127.0.0.1:\$RELAYPORT  # relay to Apache (apache/webntp.conf) under the same libfaketime; its 'offset:' line"
	cmd "chronyd -Q -u root -f /dev/null 'pidfile ...' 'cmdport 0' 'server 127.0.0.1 port \$RELAYPORT iburst minpoll -6 maxpoll -6'  # server: chronyd -x with local stratum 1, allow 127.0.0.1, port \$NTPPORT"
	wait $j1 $j4 $j8 $jh $jc
	cat "$f.p1" "$f.p4" "$f.p8" "$f.htp" "$f.chrony" >"$f"
	stop_all
}

# The web servers' clock offset in the WAN runs (libfaketime), not a
# power-of-two fraction so htpdate's bisection cannot land on it by luck;
# chronyd serves the true time (offset 0).
WAN_SHIFT=0.1234

# truth SERIES: the offset it should find.
truth() { [ "$1" = chrony ] && echo 0 || echo "$WAN_SHIFT"; }

part_wan() {
	wan sym 10000 2000 10000 2000
	wan asym 5000 2000 15000 2000
}

# Estimators over groups of K consecutive -p 1 exchanges of one protocol:
# the original (mean offset of the samples with delay < 2 x min), the
# minimum-delay sample, the median of the lowest-delay half.
estim() {
	local f=$1 proto=$2 k=$3 bias=$4
	awk -v p="$proto-p1" -v k="$k" -v b="$bias" '
	function abs(x) { return x < 0 ? -x : x }
	$1 == p && NF == 3 { o[n + 0] = $2; d[n + 0] = $3; n++ }
	END {
		for (g = 0; g + k <= n; g += k) {
			min = 1e9; mi = g
			for (i = g; i < g + k; i++) if (d[i] < min) { min = d[i]; mi = i }
			s = 0; m = 0
			for (i = g; i < g + k; i++) if (d[i] == min || d[i] - min < min) { s += o[i]; m++ }
			orig = s / m
			# lowest-delay half: sort indexes by delay
			for (i = 0; i < k; i++) ix[i] = g + i
			for (i = 0; i < k; i++) for (j = i + 1; j < k; j++)
				if (d[ix[j]] < d[ix[i]]) { t = ix[i]; ix[i] = ix[j]; ix[j] = t }
			h = int(k / 2); if (h < 1) h = 1
			for (i = 0; i < h; i++) v[i] = o[ix[i]]
			for (i = 0; i < h; i++) for (j = i + 1; j < h; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			med = h % 2 ? v[int(h / 2)] : (v[h / 2 - 1] + v[h / 2]) / 2
			printf "orig %.9f\nmin %.9f\nmedhalf %.9f\n", orig - b, o[mi] - b, med - b
		}
	}' "$f"
}

report_wan() {
	local name s bias lbl med p95 n
	[ -s "$D/wan-sym.tsv" ] || [ -s "$D/wan-asym.tsv" ] || return 0
	md "## 4c. Accuracy over an emulated WAN (bench/relay)" ""
	md "bench/relay holds each TCP chunk or UDP datagram for a delay + uniform jitter, per" \
	   "direction (TCP keeps each direction's order). *sym*: 10 +- 2 ms each way; *asym*:" \
	   "5 +- 2 ms up (client to server), 15 +- 2 ms down. lighttpd, webntp.fcgi and webntp-ws" \
	   "run $WAN_SHIFT s ahead (libfaketime); chronyd serves NTP from the true clock." \
	   "*error* = measured offset - true offset. Every two-way method assumes equal halves, so" \
	   "in *asym* it must find 5 ms less than the truth: the median error shows that bias, the" \
	   "abs error columns (and the plots) are measured from it. htpdate (Date header, 1 s" \
	   "resolution, bisection) goes through a like relay to Apache (same shift; lighttpd's Date" \
	   "header moves on lighttpd's own 1 s tick, not on the second), chronyd -Q (NTP over" \
	   "UDP, the gold standard) through the UDP one. All series run at once (they mostly sleep)." ""
	for name in sym asym; do
		[ -s "$D/wan-$name.tsv" ] || continue
		cp "$D/wan-$name.tsv" "$OUT/wan-$name.tsv"
		bias=0
		[ $name = asym ] && bias=-0.005
		md "### $name" ""
		md "| method | median error ms | median abs error ms | p95 abs error ms | runs |" "|---|---:|---:|---:|---:|"
		for s in http-p1 http-p4 http-p8 ws-p1 ws-p4 ws-p8 htpdate htpdate-p8 chrony; do
			local t sm
			t=$(truth $s)
			read -r med p95 n <<<"$(absstat "$D/wan-$name.tsv" $s "$(awk -v a="$t" -v b="$bias" 'BEGIN {print a + b}')")"
			sm=$(awk -v p=$s -v t="$t" '$1==p && NF >= 2 {print ($2 - t) * 1e3}' "$D/wan-$name.tsv" | median)
			lbl=$s
			case $s in
			http-*|ws-*) lbl="webntp ${s%-p*} -p ${s##*-p}" ;;
			htpdate) lbl="htpdate (-p 4, default)" ;;
			htpdate-p8) lbl="htpdate -p 8" ;;
			chrony) lbl="chronyd -Q (NTP)" ;;
			esac
			md "| $lbl | $(awk -v v="$sm" 'BEGIN {printf "%.3f", v}') | $(ums "$med") | $(ums "$p95") | $n |"
		done
		md "" "Estimators on the same exchanges (groups of K consecutive \`-p 1\` runs of one protocol;" \
		   "abs error in ms after removing the bias, median / p95 over the groups):" ""
		md "| protocol | K | original (mean, delay < 2 x min) | minimum delay | median of lowest-delay half | groups |" "|---|---:|---|---|---|---:|"
		local pr k e x
		for pr in http ws; do
			for k in 4 8; do
				estim "$D/wan-$name.tsv" $pr $k "$(awk -v a="$WAN_SHIFT" -v b="$bias" 'BEGIN {print a + b}')" >"$D/est-$name-$pr-$k"
				x="| $pr | $k |"
				local best= bv= m
				for e in orig min medhalf; do
					m=$(awk -v e=$e '$1==e {v = $2 * 1e3; print v < 0 ? -v : v}' "$D/est-$name-$pr-$k" | median | xargs printf '%.3f')
					x="$x $m / $(awk -v e=$e '$1==e {v = $2 * 1e3; print v < 0 ? -v : v}' "$D/est-$name-$pr-$k" | pctl 95 | xargs printf '%.3f') |"
					if [ -z "$bv" ] || awk -v a="$m" -v b="$bv" 'BEGIN {exit !(a < b)}'; then
						best=$e bv=$m
					fi
				done
				EST_BEST[$best]=$(( ${EST_BEST[$best]:-0} + 1 ))
				md "$x $(grep -c '^orig' "$D/est-$name-$pr-$k") |"
			done
		done
		md "" "![$name](wan-$name.png)" ""
	done
	md "Lowest median error among the three estimators, over every row above: original" \
	   "${EST_BEST[orig]:-0}, minimum delay ${EST_BEST[min]:-0}, median of the lowest-delay half" \
	   "${EST_BEST[medhalf]:-0}." ""
}
declare -A EST_BEST

# us -> ms with 3 decimals.
ums() { awk -v v="$1" 'BEGIN {printf "%.3f", v / 1000}'; }

# ---- plots ----

# cdf FILE SERIES [BIAS]: "abs_error_ms fraction" lines.
cdf() {
	awk -v s="$2" -v b="${3:-0}" '$1==s && NF >= 2 {x = ($2 - b) * 1e3; print x < 0 ? -x : x}' "$1" |
	    sort -g | awk '{a[NR] = $1} END {for (i = 1; i <= NR; i++) print a[i], i / NR}'
}

# Line style per series: http blues, ws oranges, htpdate dashed greens,
# chrony thick black.
style() {
	case $1 in
	http-p1) echo "lw 2 lc rgb '#9ecae1'" ;;
	http-p4) echo "lw 2 lc rgb '#4292c6'" ;;
	http-p8) echo "lw 2 lc rgb '#08306b'" ;;
	ws-p1) echo "lw 2 lc rgb '#fdae6b'" ;;
	ws-p4) echo "lw 2 lc rgb '#f16913'" ;;
	ws-p8) echo "lw 2 lc rgb '#7f2704'" ;;
	htpdate) echo "lw 2 dt 2 lc rgb '#74c476'" ;;
	htpdate-p8) echo "lw 2 dt 2 lc rgb '#006d2c'" ;;
	*) echo "lw 3 lc rgb 'black'" ;;
	esac
}

plots() {
	local name s bias plot
	for name in sym asym; do
		[ -s "$D/wan-$name.tsv" ] || continue
		bias=0
		[ $name = asym ] && bias=-0.005
		plot=
		for s in http-p1 http-p4 http-p8 ws-p1 ws-p4 ws-p8 htpdate htpdate-p8 chrony; do
			cdf "$D/wan-$name.tsv" $s "$(awk -v a="$(truth $s)" -v b="$bias" 'BEGIN {print a + b}')" >"$D/cdf-$name-$s.dat"
			[ -s "$D/cdf-$name-$s.dat" ] || continue
			plot="$plot${plot:+, }'$D/cdf-$name-$s.dat' using 1:2 with steps $(style $s) title '$s'"
		done
		gnuplot <<EOF
set terminal pngcairo size 900,560 font ",10"
set output '$OUT/wan-$name.png'
set title "Error distribution, emulated WAN ($name), bias removed"
set xlabel "|error| (ms, log)"
set ylabel "fraction of runs"
set logscale x
set xrange [0.01:1000]
set key bottom right
set grid
plot $plot
EOF
	done
	if [ -s "$D/loop.tsv" ]; then
		cdf "$D/loop.tsv" http >"$D/cdf-loop-http.dat"
		cdf "$D/loop.tsv" ws >"$D/cdf-loop-ws.dat"
		gnuplot <<EOF
set terminal pngcairo size 900,560 font ",10"
set output '$OUT/loopback.png'
set title "Error distribution on loopback (webntp -p 1)"
set xlabel "|offset| (us)"
set ylabel "fraction of runs"
set key bottom right
set grid
plot '$D/cdf-loop-http.dat' using (\$1*1000):2 with steps lw 2 title 'http', \
     '$D/cdf-loop-ws.dat' using (\$1*1000):2 with steps lw 2 title 'ws'
EOF
	fi
	if [ -s "$D/http.tsv" ]; then
		local srv req c i
		: >"$D/http-bars.dat"
		for srv in lighttpd apache; do
			for req in GET HEAD; do
				for c in 1 32; do
					grep -q "^$srv $req $c " "$D/http.tsv" || continue
					printf '"%s %s c%s"' "$srv" "$req" "$c" >>"$D/http-bars.dat"
					for i in webntp cheapest static; do
						printf ' %s' "$(awk -v s=$srv -v q=$req -v c=$c -v i=$i '$1==s && $2==q && $3==c && $4==i {print $6}' "$D/http.tsv" | median | sed 's/nan/0/')" >>"$D/http-bars.dat"
					done
					echo >>"$D/http-bars.dat"
				done
			done
		done
		gnuplot <<EOF
set terminal pngcairo size 900,500 font ",10"
set output '$OUT/http.png'
set title "HTTP requests/s (median), webntp.fcgi vs cheapest FastCGI vs static file"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "requests/s"
set xtics rotate by -30
set key top left
set grid ytics
plot '$D/http-bars.dat' using 2:xtic(1) title 'webntp.fcgi', '' using 3 title 'cheapest', '' using 4 title 'static'
EOF
	fi
}

# ---- run ----

say "bench: $RUNS runs per figure, wrk ${DUR}s; parts:$ONLY; load $LOAD0"
want http && part_http
# Part web: lighttpd, mod_fcgid, nginx, mod_proxy_fcgi (bench-nginx.sh).
. "$top_srcdir/bench/bench-nginx.sh"
want procs && part_procs
want callgrind && part_callgrind
want ws && part_ws
want loop && part_loop
want fake && part_fake
want wan && part_wan
# Part browser: webntp.js in Chromium (bench-browser.sh).
. "$top_srcdir/bench/bench-browser.sh"
want anyserver && part_anyserver

LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - T0 ))
say "writing $OUT/RESULTS.md"
report_http
report_procs
report_callgrind
report_ws
report_loop
report_fake
report_wan
report_browser
report_anyserver
plots

# The headline: one line per question of the issue.
headline() {
	local v
	echo "## Headline"
	echo
	echo "| what | figure |"
	echo "|---|---|"
	if [ -s "$D/http.tsv" ]; then
		for v in "lighttpd GET 32" "lighttpd HEAD 32" "apache GET 32" "lighttpd GET 1"; do
			set -- $v
			echo "| $1 $2, $3 conns: webntp.fcgi / cheapest FastCGI (ratio) | $(hrow $1 $2 $3 | awk -F'|' '{gsub(/ /, "", $5); gsub(/ /, "", $8); gsub(/ /, "", $11); gsub(/ /, "", $12); printf "%s / %s req/s (%s)%s", $5, $8, $11, ($12 != "-" ? ", static file " $12 " req/s" : "")}') |"
		done
	fi
	[ -s "$D/cg.tsv" ] && awk '{printf "| instructions per request, %s %s (callgrind) | %s |\n", $1 == "webntp" ? "webntp.fcgi" : $1, $2, $7}' "$D/cg.tsv"
	if [ -s "$D/ws.tsv" ]; then
		for v in "direct 32" "lighttpd 32" "apache 32"; do
			set -- $v
			echo "| WebSocket round trips/s, $1, $2 conns (p99 us) | $(awk -v t=$1 -v c=$2 '$1==t && $2==c {print $4}' "$D/ws.tsv" | median) ($(awk -v t=$1 -v c=$2 '$1==t && $2==c {print $6}' "$D/ws.tsv" | median)) |"
		done
	fi
	[ -s "$D/ws-rss.tsv" ] && read -r b a <"$D/ws-rss.tsv" &&
	    echo "| webntp-ws RSS with 10,000 idle connections | $a KiB ($(( (a - b) * 1024 / 10000 )) B each) |"
	if [ -s "$D/loop.tsv" ]; then
		for v in http ws; do
			set -- $(absstat "$D/loop.tsv" $v)
			echo "| loopback accuracy, $v, median / p95 abs error | $1 / $2 us |"
		done
	fi
	if [ -s "$D/fake.tsv" ]; then
		for v in http ws; do
			set -- $(absstat "$D/fake.tsv" $v 0.25)
			echo "| +0.25 s server (libfaketime), $v, median abs error | $1 us |"
		done
	fi
	if [ -s "$D/browser.tsv" ]; then
		for v in ws-iso fetch-iso ws-plain; do
			set -- $(bstat "$D/browser.tsv" $v 2) $(bstat "$D/browser.tsv" $v 3)
			echo "| browser (webntp.js in Chromium), $v: median / p95 abs error (Date.now() timing) | $1 / $2 us ($3 / $4 us) |"
		done
	fi
	if [ -s "$D/wan-sym.tsv" ]; then
		for v in http-p4 ws-p4 http-p8 ws-p8 htpdate htpdate-p8 chrony; do
			set -- $(absstat "$D/wan-sym.tsv" $v "$(truth $v)")
			echo "| WAN 10+-2 ms each way, $v: median / p95 abs error | $(ums "$1") / $(ums "$2") ms |"
		done
	fi
	echo
}

{
	echo "# webntp benchmark results"
	echo
	echo "Written by \`make bench\` (bench/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), in $ELAPSED s."
	echo
	bench_machine
	echo "- Software: $("$LIGHTTPD" -v 2>&1 | head -1 | cut -d' ' -f1); $("$APACHE2" -v 2>&1 | sed -n 's/^Server version: //p') (mpm_event, mod_fcgid);" \
	    "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); $(valgrind --version); htpdate $(htpdate -v 2>&1 | head -1 | awk '{print $NF}');" \
	    "chrony $("$CHRONYD" -v | awk '{print $4}')."
	echo "- Build: \`$(sed -n 's/^  \$ //p' "$top_builddir/config.log" | head -1)\` (no sanitizers)."
	echo "- Load average (1, 5, 15 min) before: $LOAD0; after: $LOAD1.${BENCH_NOTE:+ $BENCH_NOTE}"
	echo "- Reproduce: \`make bench\` in a build tree (\`BENCH_RUNS=5 BENCH_DUR=5 make bench\` for steadier figures)."
	echo
	headline
	cat "$D/md"
	echo "## Commands"
	echo
	echo "\$B is the build tree, \$S the source tree; \$PORT etc. are ephemeral ports on 127.0.0.1."
	echo
	echo '```'
	sed -e "s|$top_builddir|\$B|g" -e "s|$top_srcdir|\$S|g" "$D/commands"
	echo '```'
} >"$OUT/RESULTS.md"
say "done: $OUT/RESULTS.md"
