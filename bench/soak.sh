#!/usr/bin/env bash
# soak.sh: `make soak` (run it through make, which builds what it needs and
# sets the paths; not part of `make check` or CI). A long run of the whole
# service under steady load while its responders are killed, with checks
# that can fail: the exit status is 1 if any check below fails. Writes
# $top_srcdir/bench/results/SOAK.md, soak-rss.png and soak-rss.tsv.
#
# For each web server in turn (SOAK_SERVERS, default "lighttpd apache"),
# with the shipped configs (lighttpd/lighttpd.conf + webntp.conf;
# apache/webntp.conf as built, Included from a main config as web.sh's
# t_apache writes it) and a fresh webntp-ws behind its WebSocket proxy, for
# SOAK_SECONDS (default 600) seconds:
#   - HTTP GET at SOAK_HTTP_CONNS (32) keep-alive connections: bench/wsload
#     -g, which timestamps every failure, a connection closed under a
#     request included (wrk counts those but cannot say when they
#     happened);
#   - WebSocket through the web server: bench/wsload with SOAK_WS_BUSY (32)
#     busy connections and SOAK_WS_IDLE (2,000) idle ones, each idle one
#     sending a timestamp every SOAK_WS_EVERY (20) seconds, below the
#     sidecar's 60 s -idle-timeout and the web servers' read timeouts, which
#     would otherwise close them (by design); every error timestamped;
#   - one webntp.fcgi process, picked at random, SIGKILLed every
#     SOAK_KILL_EVERY (60) seconds from 30 s on, the last one at least 10 s
#     before the end;
#   - the RSS of every process of the web server's tree and of webntp-ws
#     sampled every 10 s.
# The two servers run one after the other, not at once: they would share
# the 2 cores, each getting half the load, and a failure or a growth could
# not be laid at one server's door.
# Then SOAK_VALGRIND_SECONDS (default 120) of the same load, without kills,
# through lighttpd to webntp.fcgi (spawned by lighttpd through a wrapper)
# and webntp-ws, both under valgrind memcheck; both are stopped with SIGTERM
# (webntp.fcgi through lighttpd's own shutdown), so the leak check runs at
# their exit.
#
# Checks, per server:
#   - answers: every HTTP answer is a 200 JSON answer, except those excused
#     as in flight at a kill: a failed answer seen at most SOAK_EXCUSE_MS
#     (default 1000) ms after a kill is excused, up to SOAK_HTTP_CONNS per
#     kill (one request in flight per connection, so no more requests can
#     have been in flight when the kill came). WebSocket goes to the
#     sidecar, which nobody kills: every WebSocket error is a failure;
#   - after the run both servers still answer a GET and a WebSocket round
#     trip, and none of the long-lived processes died;
#   - RSS, no growth after warm-up: for every process sampled for at least
#     SOAK_WARMUP (60; a third of a run under 180 s) s past both the start
#     of the load and its own start (a respawned responder is a new process
#     of the same role; its own warm-up starts when it first shows up), its
#     last sample minus its first sample after that warm-up is at most
#     SOAK_RSS_SLACK_KB (default 1024) KiB, and at most SOAK_RSS_TAIL_KB
#     (256) KiB over the second half of that time: a leak grows all along,
#     while a process that reaches a new thread or buffer now and then (an
#     Apache worker: +512 KiB in steps over its first 4 minutes, then flat)
#     settles.
# Valgrind: every process's log says "ERROR SUMMARY: 0 errors" and no bytes
# definitely lost, and both programs answered.
#
# Apache's mpm_event needs a worker thread per tunnelled WebSocket: unless
# apache/webntp.conf sets MaxRequestWorkers itself, the main config gets
# mpm_event limits sized for this load (as an admin would set them in
# mpm_event.conf). SOAK_LIGHTTPD_EXTRA and SOAK_APACHE_EXTRA add lines to the
# configs (to try a setting; SOAK.md states them).
set -u
: "${top_srcdir:?run through make soak}"
: "${top_builddir:?run through make soak}"
LIGHTTPD=${LIGHTTPD:-/usr/sbin/lighttpd}
APACHE2=${APACHE2:-/usr/sbin/apache2}
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}
CURL=${CURL:-curl}
CI=
export top_srcdir top_builddir

S=${SOAK_SECONDS:-600}
SERVERS=${SOAK_SERVERS:-lighttpd apache}
VS=${SOAK_VALGRIND_SECONDS:-120}
KILL_EVERY=${SOAK_KILL_EVERY:-60}
SAMPLE=10
WARMUP=${SOAK_WARMUP:-$(( S >= 180 ? 60 : S / 3 ))}
WARMUP=$(( (WARMUP + SAMPLE - 1) / SAMPLE * SAMPLE ))	# a sample's time
HC=${SOAK_HTTP_CONNS:-32}
BUSY=${SOAK_WS_BUSY:-32}
IDLE=${SOAK_WS_IDLE:-2000}
EVERY=${SOAK_WS_EVERY:-20}
EXCUSE_MS=${SOAK_EXCUSE_MS:-1000}
SLACK=${SOAK_RSS_SLACK_KB:-1024}
TAIL=${SOAK_RSS_TAIL_KB:-256}
OUT=${SOAK_OUT:-$top_srcdir/bench/results}
L_EXTRA=${SOAK_LIGHTTPD_EXTRA:-}
A_EXTRA=${SOAK_APACHE_EXTRA:-}

missing=
for t in gnuplot valgrind "$CURL"; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
for t in "$LIGHTTPD" "$APACHE2"; do
	[ -x "$t" ] || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "soak: missing:$missing"
	echo "soak: apt-get install -y gnuplot-nox valgrind lighttpd apache2" \
	    "libapache2-mod-fcgid curl"
	exit 1
fi

. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/web.sh"
. "$top_srcdir/bench/lib.sh"
ulimit -n "$(ulimit -Hn)"

FCGI=$top_builddir/src/responder/webntp.fcgi
WSLOAD=$top_builddir/bench/wsload
WS=$top_builddir/src/sidecar/webntp-ws
for f in "$FCGI" "$WSLOAD" "$WS"; do
	[ -x "$f" ] || { echo "soak: $f not built (configure with the sidecar)"; exit 1; }
done
# The servers' flags, as `make bench`: the 2019 table (expired, so every
# process also tries, and fails, its download at once and then again and
# again: that path runs for the whole soak too) and no Internet.
LEAP="$T_DIR/leap-seconds.list"
cp "$top_srcdir/tests/data/leap-seconds-2019-05-02.list" "$LEAP"
FLAGS="-leap-second-path $LEAP -leap-second-url file://$T_DIR/none"
GET_PATH="/?1489217288.328757"
mkdir -p "$OUT"
: >"$T_DIR/commands"
: >"$T_DIR/verdicts"
: >"$T_DIR/md"
T_START=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

say() { printf '[%4ds] %s\n' $(( $(date +%s) - T_START )) "$*" >&2; }
md() { printf '%s\n' "$@" >>"$T_DIR/md"; }
cmd() { grep -qxF -- "$*" "$T_DIR/commands" || printf '%s\n' "$*" >>"$T_DIR/commands"; }
now() { date +%s.%N; }

# check WHAT OK DETAIL: one verdict line; OK is 1 for a pass.
check() {
	local v=PASS
	[ "$2" = 1 ] || v=FAIL
	printf '| %s | %s | %s |\n' "$1" "$v" "$3" >>"$T_DIR/verdicts"
	say "$v: $1: $3"
}

# sleep_until REALTIME
sleep_until() {
	sleep "$(awk -v a="$1" -v b="$(now)" 'BEGIN {d = a - b; printf "%.3f", (d > 0 ? d : 0)}')"
}

# snapshot ROOT_PID...: "role pid rss_kb" for the ROOTs and everything
# below them. Roles: the program's name, except for Apache's processes
# (all named apache2): the parent, mod_fcgid's process manager (its one
# single-threaded child) and the mpm_event workers.
snapshot() {
	ps -e -o pid=,ppid=,nlwp=,rss=,comm= | awk -v roots="$*" '
	{ pp[$1] = $2; nl[$1] = $3; rss[$1] = $4; cm[$1] = $5; ord[++n] = $1 }
	END {
		k = split(roots, r, " ")
		for (i = 1; i <= k; i++) root[r[i]] = 1
		for (i = 1; i <= n; i++) {
			p = ord[i]
			for (a = p; !(a in root) && (a in pp) && a > 1; a = pp[a]) ;
			if (!(a in root)) continue
			role = cm[p]
			if (role == "apache2")
				role = p in root ? "apache2-main" : nl[p] == 1 ? "apache2-fcgid" : "apache2-worker"
			print role, p, rss[p]
		}
	}'
}

# responders ROOT: the webntp.fcgi processes under ROOT.
responders() { snapshot "$1" | awk '$1 == "webntp.fcgi" {print $2}'; }

# sampler T0 FILE ROOT...: a snapshot every SAMPLE s from T0 to T0 + S.
sampler() {
	local t0=$1 f=$2 i=0
	shift 2
	while [ $((i * SAMPLE)) -le "$S" ]; do
		sleep_until "$(awk -v a="$t0" -v b=$((i * SAMPLE)) 'BEGIN {printf "%.3f", a + b}')"
		snapshot "$@" | awk -v t=$((i * SAMPLE)) '{print t, $0}' >>"$f"
		i=$((i + 1))
	done
}

# The main config's mpm_event limits for this load, unless webntp.conf sets
# them: a thread per tunnelled WebSocket, the HTTP connections and a spare
# child, in children of 64 threads (ThreadLimit's default), with the spare
# threads and keep-alive setting apache/webntp.conf recommends.
apache_mpm() {
	grep -Eqi '^[[:space:]]*MaxRequestWorkers' "$top_builddir/apache/webntp.conf" && return 0
	local n=$(( (IDLE + BUSY + HC + 63) / 64 + 1 ))
	printf '%s\n' "<IfModule mpm_event_module>" "ServerLimit $n" \
	    "ThreadLimit 64" "ThreadsPerChild 64" "MaxRequestWorkers $((n * 64))" \
	    "StartServers 4" "MinSpareThreads 256" "MaxSpareThreads 1024" \
	    "</IfModule>" "MaxKeepAliveRequests 0"
}

# start_servers SERVER [RESPONDER [RUNNER...]]: a fresh webntp-ws (under
# RUNNER when given) and SERVER in front of it, with RESPONDER (default
# webntp.fcgi). Sets PORT, WS_PORT, SRV_PID, WS_PID.
start_servers() {
	local srv=$1 resp=${2:-$FCGI} conf x
	shift
	[ $# -gt 0 ] && shift
	WS_PORT=$(t_port)
	sidecar "$WS_PORT" "$@" || return 1
	WS_PID=${T_PIDS[-1]}
	PORT=$(t_port)
	case $srv in
	lighttpd)
		conf=$(lighttpd_cfg lighttpd "" "$L_EXTRA")
		T_WS_PORT=$WS_PORT T_RESPONDER=$resp bench_lighttpd "$PORT" "$FLAGS" "$conf" || return 1
		cmd "WEBNTP_BIND=127.0.0.1 WEBNTP_PORT=\$PORT WEBNTP_FCGI=\$B/src/responder/webntp.fcgi WEBNTP_FLAGS='$FLAGS' WEBNTP_WS_HOST=127.0.0.1 WEBNTP_WS_PORT=\$WSPORT WEBNTP_RUNDIR=\$RUN lighttpd -D -f lighttpd/lighttpd.conf${L_EXTRA:+  # plus, before the include of webntp.conf: $(echo "$L_EXTRA" | paste -sd' ')}"
		;;
	apache)
		T_WS_PORT=$WS_PORT T_RESPONDER=$resp t_apache "$PORT" "$FLAGS" \
		    "$(apache_mpm)${A_EXTRA:+$'\n'$A_EXTRA}" || return 1
		x=$(printf '%s\n' "$(apache_mpm)" "$A_EXTRA" | grep . | paste -sd' ')
		cmd "apache2 -DFOREGROUND -f httpd.conf  # mpm_event; Define WEBNTP_FCGI \$B/src/responder/webntp.fcgi, WEBNTP_FLAGS '$FLAGS', WEBNTP_WS_HOST 127.0.0.1, WEBNTP_WS_PORT \$WSPORT; ${x:+$x; }Include apache/webntp.conf (as tests/integration/web.sh t_apache)"
		;;
	esac
	SRV_PID=${T_PIDS[-1]}
	case $srv in
	lighttpd) LOGS="$D/lighttpd-$PORT.log $D/ws-$WS_PORT.log" ;;
	apache) LOGS="$T_DIR/apache-$PORT/error.log $T_DIR/apache-$PORT.log $D/ws-$WS_PORT.log" ;;
	esac
}

# report_logs: what the servers logged (LOGS): lines, and the commonest
# messages with their numbers folded to N (escaped, cut at 160 bytes).
report_logs() {
	local f
	md "Logs (line count, then the commonest messages, digits folded to N):" "" '```'
	for f in $LOGS; do
		[ -e "$f" ] || continue
		printf '%s: %d lines\n' "${f#"$T_DIR"/}" "$(wc -l <"$f")" >>"$T_DIR/md"
		sed -E 's/[0-9]+/N/g' "$f" | cut -c1-160 | cat -v | sort | uniq -c | sort -rn | head -8 >>"$T_DIR/md"
	done
	md '```' ""
}

# start_load DIR SECONDS: the HTTP and the WebSocket load against $PORT in
# the background (two processes: one loop each, one core each); sets
# HTTP_PID and WSL_PID.
start_load() {
	local d=$1 secs=$2
	"$WSLOAD" -p "$PORT" -c 0 -g "$HC" -d "$secs" -e "$d/http-errors" \
	    >"$d/http.out" 2>"$d/http.err" &
	HTTP_PID=$!
	t_bg $HTTP_PID
	"$WSLOAD" -p "$PORT" -c "$BUSY" -k "$IDLE" -i "$EVERY" -d "$secs" \
	    -e "$d/ws-errors" >"$d/wsload.out" 2>"$d/wsload.err" &
	WSL_PID=$!
	t_bg $WSL_PID
	cmd "bench/wsload -p \$PORT -c 0 -g $HC -d $secs -e \$DIR/http-errors  # GET /?<now>, keep-alive"
	cmd "bench/wsload -p \$PORT -c $BUSY -k $IDLE -i $EVERY -d $secs -e \$DIR/ws-errors"
}

# loaders_wait D: wait for both loaders, their exit status into D/*.rc.
loaders_wait() {
	wait "$HTTP_PID" 2>/dev/null
	echo $? >"$1/http.rc"
	wait "$WSL_PID" 2>/dev/null
	echo $? >"$1/wsload.rc"
}

# loader_status D NAME: how loader NAME (http, wsload) ended.
loader_status() {
	local rc
	rc=$(cat "$1/$2.rc" 2>/dev/null)
	case $rc in
	0) echo "exit 0" ;;
	1) echo "exit 1 (errors)" ;;
	"") echo "not waited for" ;;
	*) [ "$rc" -gt 128 ] && echo "killed by signal $((rc - 128)), not by the soak" || echo "exit $rc" ;;
	esac
}

# wsl_field NAME FILE: a figure of wsload's result line ("rt": its round
# trips or answers; "rate": per second; else the number after NAME).
wsl_field() {
	case $1 in
	rt) sed -nE 's/.*(round trips|answers) ([0-9]+) in.*/\2/p' "$2" | head -1 ;;
	rate) sed -nE 's/.*s: ([0-9]+)\/s.*/\1/p' "$2" | head -1 ;;
	*) sed -nE "s/.*$1 ([0-9.]+).*/\\1/p" "$2" | head -1 ;;
	esac
}

# ---- one server ----

soak_server() {
	local srv=$1 d=$T_DIR/$1 t0 k n v rss kt sp
	D=$d
	rm -rf "$d"
	mkdir -p "$d"
	say "$srv: $S s, HTTP $HC conns, WebSocket $BUSY busy + $IDLE idle, a responder killed every $KILL_EVERY s"
	if ! start_servers "$srv"; then
		check "$srv: servers start" 0 "see $d"
		t_cleanup
		T_PIDS=()
		return
	fi
	t0=$(now)
	echo "$t0" >"$d/t0"
	start_load "$d" $((S + 2))
	sampler "$t0" "$d/rss.tsv" "$SRV_PID" "$WS_PID" &
	sp=$!
	t_bg $sp
	: >"$d/kills.tsv"
	n=0
	for ((k = KILL_EVERY / 2; k <= S - 10; k += KILL_EVERY)); do
		sleep_until "$(awk -v a="$t0" -v b="$k" 'BEGIN {printf "%.3f", a + b}')"
		v=$(responders "$SRV_PID" | shuf -n1)
		n=$((n + 1))
		if [ -z "$v" ]; then
			echo "$n - $k - -" >>"$d/kills.tsv"
			say "$srv: kill $n at $k s: no webntp.fcgi to kill"
			continue
		fi
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$v/status" 2>/dev/null)
		kt=$(now)
		kill -KILL "$v"
		echo "$n $kt $k $v ${rss:--}" >>"$d/kills.tsv"
		say "$srv: kill $n at $k s: webntp.fcgi $v (${rss:-?} KiB)"
	done
	cmd "kill -KILL \$(a webntp.fcgi of the server, at random)  # at $((KILL_EVERY / 2)) s, then every $KILL_EVERY s"
	loaders_wait "$d"
	wait "$sp" 2>/dev/null
	# Still standing, and still answering?
	local alive=1 code ws_ok=1
	kill -0 "$SRV_PID" 2>/dev/null || alive=0
	kill -0 "$WS_PID" 2>/dev/null || alive=0
	code=$("$CURL" -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$GET_PATH")
	"$WSLOAD" -p "$PORT" -c 1 -n 1 >/dev/null 2>&1 || ws_ok=0
	echo "$alive $code $ws_ok $(responders "$SRV_PID" | wc -l)" >"$d/after"
	t_cleanup
	T_PIDS=()
	report_server "$srv"
}

# classify D: each HTTP failure of D/http-errors set against D/kills.tsv,
# into D/http-fail.tsv as "time kill ms_after class what": class excused
# (within EXCUSE_MS after a kill, at most HC per kill), beyond (more than HC
# at one kill) or unexcused; kill and ms_after "-" before the first kill.
classify() {
	local d=$1
	sort -g "$d/http-errors" 2>/dev/null | awk -v w="$EXCUSE_MS" -v c="$HC" -v kf="$d/kills.tsv" '
	BEGIN { while ((getline l < kf) > 0) { split(l, f, " "); if (f[2] != "-") { k[++nk] = f[2]; id[nk] = f[1] } } }
	{
		what = $4; for (i = 5; i <= NF; i++) what = what " " $i
		j = 0
		for (i = 1; i <= nk; i++) if (k[i] <= $1) j = i
		dt = j ? ($1 - k[j]) * 1000 : -1
		if (j && dt <= w)
			cls = ++n[j] <= c ? "excused" : "beyond"
		else
			cls = "unexcused"
		printf "%s %s %s %s %s\n", $1, (j ? id[j] : "-"), (j ? sprintf("%.1f", dt) : "-"), cls, what
	}' >"$d/http-fail.tsv"
}

# rss_check D: per process "role pid first_t base_t base last_t last growth
# tail_growth" into D/growth.tsv (base: the first sample after its warm-up;
# tail: growth from the sample halfway between base and last; "-": not
# sampled long enough).
rss_check() {
	awk -v w="$WARMUP" '
	{ if (!m[$3]) { role[$3] = $2; ord[++n] = $3 }
	  t[$3, ++m[$3]] = $1; r[$3, m[$3]] = $4 }
	END {
		for (i = 1; i <= n; i++) {
			p = ord[i]; f = t[p, 1]; start = f + w
			b = 0
			for (j = 1; j <= m[p]; j++) if (t[p, j] >= start) { b = j; break }
			h = int((b + m[p]) / 2)
			if (b && b < m[p])
				printf "%s %s %s %s %s %s %s %d %d\n", role[p], p, f, t[p, b], r[p, b], t[p, m[p]], r[p, m[p]], r[p, m[p]] - r[p, b], r[p, m[p]] - r[p, h]
			else
				printf "%s %s %s - - %s %s - -\n", role[p], p, f, t[p, m[p]], r[p, m[p]]
		}
	}' "$1/rss.tsv" >"$1/growth.tsv"
}

report_server() {
	local srv=$1 d=$T_DIR/$1 answers f ex bey unex nk wsrt wsidle wserr
	local alive code ws_ok nresp x
	classify "$d"
	rss_check "$d"
	read -r alive code ws_ok nresp <"$d/after"
	answers=$(wsl_field rt "$d/http.out")
	f=$(wc -l <"$d/http-fail.tsv")
	ex=$(awk '$4 == "excused"' "$d/http-fail.tsv" | wc -l)
	bey=$(awk '$4 == "beyond"' "$d/http-fail.tsv" | wc -l)
	unex=$(awk '$4 == "unexcused"' "$d/http-fail.tsv" | wc -l)
	nk=$(awk '$2 != "-"' "$d/kills.tsv" | wc -l)
	wsrt=$(wsl_field rt "$d/wsload.out")
	wsidle=$(wsl_field "idle round trips" "$d/wsload.out")
	wserr=$(cat "$d/ws-errors" 2>/dev/null | wc -l)

	md "## $srv" ""
	md "| figure | value |" "|---|---:|"
	md "| HTTP answers, $HC keep-alive connections | ${answers:-none} ($(wsl_field rate "$d/http.out")/s, p50 $(wsl_field p50 "$d/http.out") us, p99 $(wsl_field p99 "$d/http.out") us) |" \
	   "| HTTP keep-alives ended by the server after an answer (not failures) | $(wsl_field "keep-alive ends" "$d/http.out") |" \
	   "| HTTP requests sent again on a new connection: a reused keep-alive connection closed before any byte of the answer, retried once as HTTP clients do (RFC 9112 9.3.1); a failure if the retry fails too | $(wsl_field "retried on a new connection" "$d/http.out") |" \
	   "| HTTP failures (timestamped) | $f |" \
	   "| of which excused (in flight at a kill) | $ex |" \
	   "| of which beyond $HC at one kill | $bey |" \
	   "| of which not within $EXCUSE_MS ms after a kill | $unex |" \
	   "| responders killed | $nk |" \
	   "| webntp.fcgi processes at 0 s / $WARMUP s / the end | $(awk -v w="$WARMUP" '$2 == "webntp.fcgi" {n[$1]++; if ($1 > m) m = $1} END {printf "%d / %d / %d", n[0], n[w], n[m]}' "$d/rss.tsv") (after: $nresp) |" \
	   "| WebSocket round trips, $BUSY busy connections | ${wsrt:-none} ($(wsl_field rate "$d/wsload.out")/s, p50 $(wsl_field p50 "$d/wsload.out") us, p99 $(wsl_field p99 "$d/wsload.out") us) |" \
	   "| WebSocket round trips, $IDLE idle connections (one per $EVERY s each) | ${wsidle:-none} |" \
	   "| WebSocket errors (timestamped) / reconnects | $wserr / $(wsl_field reconnects "$d/wsload.out") |" ""
	md "Kills (t from the start of the load; the failures excused for each):" ""
	md "| kill | t s | webntp.fcgi pid | its RSS KiB | failures excused | what | ms after the kill |" \
	   "|---:|---:|---:|---:|---:|---|---|"
	local kn kt kk kp kr c st sp
	while read -r kn kt kk kp kr; do
		c=$(awk -v k="$kn" '$2 == k && $4 != "unexcused"' "$d/http-fail.tsv" | wc -l)
		st=$(awk -v k="$kn" '$2 == k && $4 != "unexcused" {$1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print}' "$d/http-fail.tsv" |
		    sort | uniq -c | awk '{n = $1; $1 = ""; sub(/^ /, ""); printf "%s%s x%s", (NR > 1 ? ", " : ""), $0, n}')
		sp=$(awk -v k="$kn" '$2 == k && $4 != "unexcused" {if (!n++) a = $3; b = $3} END {if (n) printf "%s..%s", a, b}' "$d/http-fail.tsv")
		md "| $kn | $kk | $kp | $kr | $c | ${st:--} | ${sp:--} |"
	done <"$d/kills.tsv"
	md ""
	if [ "$unex" -gt 0 ] || [ "$bey" -gt 0 ]; then
		md "HTTP failures not excused (first 30 of $((unex + bey)); time, last kill, ms after it, class, what):" "" '```'
		awk '$4 != "excused"' "$d/http-fail.tsv" | head -30 >>"$T_DIR/md"
		md '```' ""
		x=$(awk '$4 != "excused" && /with 0 bytes of the answer, on a reused connection$/' "$d/http-fail.tsv" | wc -l)
		[ "$x" -gt 0 ] && md "$x of them were closed by the server with no byte of the answer on a" \
		    "reused keep-alive connection: the server closed a connection it held between two" \
		    "requests as the next one arrived. A client may retry such a request on a new" \
		    "connection (RFC 9112 section 9.3.1; libcurl, and so the webntp client, does);" \
		    "bench/wsload does not, and counts it: a client that does not retry gets no answer." ""
		md "The same per minute of the load: $(awk -v t0="$(cat "$d/t0")" '$4 != "excused" {b = int(($1 - t0) / 60); n[b]++; if (b > m) m = b}
		    END {for (b = 0; b <= m; b++) printf "%s%d-%d min: %d", (b ? ", " : ""), b, b + 1, n[b]}' "$d/http-fail.tsv")." ""
	fi
	for x in http:HTTP wsload:WebSocket; do
		if [ -z "$(wsl_field rt "$d/${x%%:*}.out")" ]; then
			md "The ${x#*:} loader gave no figures ($(loader_status "$d" "${x%%:*}")); its last words:" "" '```'
			tail -n 5 "$d/${x%%:*}.err" | cut -c1-200 | cat -v >>"$T_DIR/md"
			md '```' ""
		fi
	done
	if [ "$wserr" -gt 0 ]; then
		md "WebSocket errors (first 30 of $wserr; time, connection, what):" "" '```'
		head -30 "$d/ws-errors" >>"$T_DIR/md"
		md '```' ""
	fi
	report_rss "$srv"
	report_logs

	check "$srv: HTTP answered" "$([ "${answers:-0}" -gt 0 ] && echo 1)" "${answers:-0} answers; loader: $(loader_status "$d" http)"
	check "$srv: no HTTP failure beyond those in flight at a kill" \
	    "$([ $((unex + bey)) -eq 0 ] && echo 1)" \
	    "$f failed, $ex excused at $nk kills, $unex outside the ${EXCUSE_MS} ms windows, $bey beyond $HC at one kill"
	check "$srv: every kill found a responder" "$([ "$nk" -eq "$(wc -l <"$d/kills.tsv")" ] && [ "$nk" -gt 0 ] && echo 1)" "$nk kills"
	check "$srv: WebSocket answered, no error" \
	    "$([ "${wsrt:-0}" -gt 0 ] && [ "${wsidle:-0}" -gt 0 ] && [ "$wserr" -eq 0 ] && grep -q 'errors 0$' "$d/wsload.out" && echo 1)" \
	    "${wsrt:-0} busy + ${wsidle:-0} idle round trips, $wserr errors; loader: $(loader_status "$d" wsload)"
	check "$srv: still up and answering after the soak" \
	    "$([ "$alive" = 1 ] && [ "$code" = 200 ] && [ "$ws_ok" = 1 ] && echo 1)" \
	    "processes alive: $alive, GET: $code, WebSocket round trip: $ws_ok"
	local grown checked
	checked=$(awk '$8 != "-"' "$d/growth.tsv" | wc -l)
	grown=$(awk -v s="$SLACK" -v t="$TAIL" '$8 != "-" && ($8 > s || $9 > t) {printf "%s%s %s +%d KiB (second half +%d)", (n++ ? ", " : ""), $1, $2, $8, $9}' "$d/growth.tsv")
	check "$srv: no RSS growth after warm-up (<= $SLACK KiB per process, <= $TAIL KiB in the second half)" \
	    "$([ -z "$grown" ] && [ "$checked" -gt 0 ] && echo 1)" "${grown:-$checked processes checked}"
}

# The RSS table of one server: per role, at the start, after warm-up, at
# the end (for roles with several processes: the largest, and how many).
report_rss() {
	local d=$T_DIR/$1 role end
	end=$(awk '{if ($1 > m) m = $1} END {print m + 0}' "$d/rss.tsv")
	md "RSS (KiB; sampled every $SAMPLE s; roles with several processes: the largest of them, and their number):" ""
	md "| role | processes seen | at 0 s | at $WARMUP s | at $end s | largest growth after warm-up (pid) | largest in its second half | processes checked |" \
	   "|---|---:|---:|---:|---:|---:|---:|---:|"
	for role in $(awk '{print $2}' "$d/rss.tsv" | awk '!s[$0]++'); do
		md "| $role | $(awk -v r="$role" '$2 == r {s[$3] = 1} END {print length(s)}' "$d/rss.tsv") | $(rss_at "$d" "$role" 0) | $(rss_at "$d" "$role" "$WARMUP") | $(rss_at "$d" "$role" "$end") | $(awk -v r="$role" '$1 == r && $8 != "-" {if (!n++ || $8 > g) {g = $8; p = $2}} END {print n ? sprintf("%+d (%s)", g, p) : "-"}' "$d/growth.tsv") | $(awk -v r="$role" '$1 == r && $9 != "-" {if (!n++ || $9 > g) g = $9} END {print n ? sprintf("%+d", g) : "-"}' "$d/growth.tsv") | $(awk -v r="$role" '$1 == r && $8 != "-"' "$d/growth.tsv" | wc -l) |"
	done
	md ""
}

# rss_at D ROLE T: "max (n)" of ROLE's RSS at sample T, or "-".
rss_at() {
	awk -v r="$2" -v t="$3" '$1 == t && $2 == r {if (!n++ || $4 > m) m = $4} END {print n ? (n > 1 ? m " (" n ")" : m) : "-"}' "$1/rss.tsv"
}

# ---- valgrind ----

soak_valgrind() {
	local d=$T_DIR/valgrind wrap vg f resp p answers wsrt wserr fl
	D=$d
	rm -rf "$d"
	mkdir -p "$d"
	say "valgrind: $VS s through lighttpd, webntp.fcgi and webntp-ws under memcheck"
	vg=(valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite)
	wrap=$d/webntp.fcgi-valgrind
	printf '#!/bin/sh\nexec %s --log-file=%s/vg-webntp.fcgi.%%p.log %s "$@"\n' \
	    "${vg[*]}" "$d" "$FCGI" >"$wrap"
	chmod +x "$wrap"
	if ! start_servers lighttpd "$wrap" "${vg[@]}" "--log-file=$d/vg-webntp-ws.%p.log"; then
		check "valgrind: servers start" 0 "see $d"
		t_cleanup
		T_PIDS=()
		return
	fi
	cmd "valgrind ${vg[*]:1} webntp-ws -listen 127.0.0.1:\$WSPORT $FLAGS"
	cmd "lighttpd as above, WEBNTP_FCGI=a wrapper: exec valgrind ${vg[*]:1} \$B/src/responder/webntp.fcgi \"\$@\""
	start_load "$d" "$VS"
	loaders_wait "$d"
	resp=$(snapshot "$SRV_PID" | awk '$2 != "'"$SRV_PID"'" {print $2}')
	# SIGTERM: the sidecar closes and exits; lighttpd passes it on to the
	# responders it spawned. Then wait for every log to be complete.
	kill -TERM "$WS_PID" "$SRV_PID"
	for p in $WS_PID $SRV_PID $resp; do
		for _ in $(seq 600); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
	for p in $resp; do
		kill -0 "$p" 2>/dev/null && { say "valgrind: responder $p outlived lighttpd, SIGTERM"; kill -TERM "$p"; }
	done
	for p in $resp; do
		for _ in $(seq 600); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
	t_cleanup
	T_PIDS=()
	answers=$(wsl_field rt "$d/http.out")
	wsrt=$(wsl_field rt "$d/wsload.out")
	wserr=$(cat "$d/ws-errors" 2>/dev/null | wc -l)
	fl=$(cat "$d/http-errors" 2>/dev/null | wc -l)
	md "## valgrind memcheck" ""
	md "$VS s of the same load (HTTP $HC connections, WebSocket $BUSY busy + $IDLE idle), no kills," \
	   "through lighttpd (shipped config) to $(echo "$resp" | wc -w) webntp.fcgi processes and webntp-ws, each under" \
	   "\`${vg[*]}\`; stopped with SIGTERM. HTTP answers: ${answers:-none} (failed: $fl);" \
	   "WebSocket round trips: ${wsrt:-none} busy + $(wsl_field "idle round trips" "$d/wsload.out") idle (errors: $wserr)." ""
	md "| process | ERROR SUMMARY | definitely lost | indirectly lost | possibly lost | still reachable |" "|---|---|---|---|---|---|"
	local ok=1 nlog=0 name errs def
	for f in "$d"/vg-*.log; do
		[ -e "$f" ] || continue
		nlog=$((nlog + 1))
		name=$(basename "$f" .log | sed 's/^vg-//')
		errs=$(sed -nE 's/.*ERROR SUMMARY: ([0-9,]+) errors from ([0-9,]+) contexts.*/\1 errors from \2 contexts/p' "$f" | tail -1)
		if grep -q 'All heap blocks were freed' "$f"; then
			def="0 bytes (all heap blocks freed)"
		else
			def=$(sed -nE 's/.*definitely lost: ([0-9,]+ bytes in [0-9,]+ blocks).*/\1/p' "$f" | tail -1)
		fi
		md "| $name | ${errs:-no summary (did not exit?)} | ${def:-none reported} | $(vg_line indirectly "$f") | $(vg_line possibly "$f") | $(vg_line "still reachable" "$f") |"
		case $errs in "0 errors"*) ;; *) ok=0 ;; esac
		case $def in ""|"0 bytes"*) ;; *) ok=0 ;; esac
		[ -n "$errs" ] || ok=0
	done
	md "" "Logs: the valgrind lines of each process are kept under \`\$B/tests/run/soak.sh/valgrind/\`." ""
	check "valgrind: 0 errors, 0 bytes definitely lost" \
	    "$([ $ok = 1 ] && [ "$(ls "$d"/vg-webntp-ws.*.log 2>/dev/null | wc -l)" -ge 1 ] && [ "$(ls "$d"/vg-webntp.fcgi.*.log 2>/dev/null | wc -l)" -ge 1 ] && echo 1)" \
	    "$nlog processes ($(ls "$d"/vg-webntp.fcgi.*.log 2>/dev/null | wc -l) webntp.fcgi, $(ls "$d"/vg-webntp-ws.*.log 2>/dev/null | wc -l) webntp-ws)"
	check "valgrind: both answered, no failure" \
	    "$([ "${answers:-0}" -gt 0 ] && [ "${wsrt:-0}" -gt 0 ] && [ "$fl" -eq 0 ] && [ "$wserr" -eq 0 ] && echo 1)" \
	    "${answers:-0} HTTP answers ($fl failed), ${wsrt:-0} WebSocket round trips ($wserr errors); loaders: $(loader_status "$d" http), $(loader_status "$d" wsload)"
}

# vg_line KIND LOG: "N bytes in M blocks" of valgrind's LEAK SUMMARY line.
vg_line() {
	local v
	v=$(sed -nE "s/.*$1 lost: ([0-9,]+ bytes in [0-9,]+ blocks).*/\\1/p; s/.*$1: ([0-9,]+ bytes in [0-9,]+ blocks).*/\\1/p" "$2" | tail -1)
	echo "${v:--}"
}

# ---- the plot ----

plot() {
	local srv d n=0 role col plots arrows k
	for srv in $SERVERS; do [ -s "$T_DIR/$srv/rss.tsv" ] && n=$((n + 1)); done
	[ "$n" -gt 0 ] || return 0
	{
		echo "set terminal pngcairo size 1100,$((360 * n + 40)) font ',10'"
		echo "set output '$OUT/soak-rss.png'"
		echo "set multiplot layout $n,1 title 'RSS of every process during make soak (dashed: a webntp.fcgi killed; dotted: end of warm-up)'"
		echo "set xlabel 'seconds since the load started'"
		echo "set ylabel 'RSS (MiB)'"
		echo "set yrange [0:*]"
		echo "set grid"
		echo "set key outside right"
		for srv in $SERVERS; do
			d=$T_DIR/$srv
			[ -s "$d/rss.tsv" ] || continue
			echo "unset arrow"
			while read -r _ _ k _ _; do
				echo "set arrow from $k, graph 0 to $k, graph 1 nohead dt 2 lc rgb '#999999'"
			done <"$d/kills.tsv"
			echo "set arrow from $WARMUP, graph 0 to $WARMUP, graph 1 nohead dt 3 lw 2 lc rgb '#000000'"
			echo "set title '$srv'"
			plots=
			for role in $(awk '{print $2}' "$d/rss.tsv" | awk '!s[$0]++'); do
				# One line per process, broken between processes.
				awk -v r="$role" '$2 == r {print $3, $1, $4 / 1024}' "$d/rss.tsv" |
				    sort -k1,1n -k2,2n | awk 'NR > 1 && $1 != p {print ""} {p = $1; print $2, $3}' >"$d/plot-$role.dat"
				col=$(rolecolor "$role")
				plots="$plots${plots:+, }'$d/plot-$role.dat' using 1:2 with linespoints pt 7 ps 0.4 lw 1.5 lc rgb '$col' title '$role ($(awk -v r="$role" '$2 == r {s[$3] = 1} END {print length(s)}' "$d/rss.tsv"))'"
			done
			echo "plot $plots"
		done
		echo "unset multiplot"
	} >"$T_DIR/soak.gp"
	gnuplot "$T_DIR/soak.gp"
}

rolecolor() {
	case $1 in
	lighttpd) echo '#1f77b4' ;;
	webntp.fcgi) echo '#ff7f0e' ;;
	webntp-ws) echo '#2ca02c' ;;
	apache2-main) echo '#9467bd' ;;
	apache2-worker) echo '#17becf' ;;
	apache2-fcgid) echo '#8c564b' ;;
	*) echo '#7f7f7f' ;;
	esac
}

# ---- run ----

say "soak: $S s per server ($SERVERS), valgrind $VS s; load $LOAD0"
for srv in $SERVERS; do
	soak_server "$srv"
done
[ "$VS" -gt 0 ] && soak_valgrind
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(( $(date +%s) - T_START ))
plot
for srv in $SERVERS; do
	[ -s "$T_DIR/$srv/rss.tsv" ] && awk -v s="$srv" '{print s, $0}' "$T_DIR/$srv/rss.tsv"
done >"$OUT/soak-rss.tsv"
FAILED=$(grep -c '| FAIL |' "$T_DIR/verdicts")

{
	echo "# webntp soak results"
	echo
	echo "Written by \`make soak\` (bench/soak.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), in $ELAPSED s:" \
	    "$S s per server ($SERVERS, one after the other), then $VS s under valgrind."
	echo
	bench_machine
	echo "- Software: $("$LIGHTTPD" -v 2>&1 | head -1 | cut -d' ' -f1); $("$APACHE2" -v 2>&1 | sed -n 's/^Server version: //p') (mpm_event, mod_fcgid);" \
	    "$(valgrind --version); $(gnuplot --version)."
	echo "- Build: \`$(sed -n 's/^  \$ //p' "$top_builddir/config.log" | head -1)\` (no sanitizers)."
	echo "- Load average (1, 5, 15 min) before: $LOAD0; after: $LOAD1.${SOAK_NOTE:+ $SOAK_NOTE}"
	echo "- Configs: lighttpd/lighttpd.conf + lighttpd/webntp.conf as shipped${L_EXTRA:+, plus \`$(echo "$L_EXTRA" | paste -sd' ')\` (SOAK_LIGHTTPD_EXTRA)};" \
	    "apache/webntp.conf as built, Included from a main config as tests/integration/web.sh writes it$( [ -n "$(apache_mpm)" ] && echo ", with \`$(apache_mpm | paste -sd' ')\` in the main config (webntp.conf sets no MaxRequestWorkers; mod_proxy_wstunnel holds a worker thread per WebSocket)")${A_EXTRA:+, plus \`$(echo "$A_EXTRA" | paste -sd' ')\` (SOAK_APACHE_EXTRA)}."
	echo "- Reproduce: \`make soak\` in a build tree (SOAK_SECONDS=60 SOAK_VALGRIND_SECONDS=30 for a short one)."
	echo
	echo "## Verdict"
	echo
	if [ "$FAILED" -eq 0 ]; then
		echo "Every check passed."
	else
		echo "**$FAILED check(s) failed.**"
	fi
	echo
	echo "| check | result | figures |"
	echo "|---|---|---|"
	cat "$T_DIR/verdicts"
	echo
	echo "Definitions. *Failed answer*: an HTTP answer that is not a 200 whose body opens with \`{\"id\":\`," \
	    "a connection closed or reset under a request, a failed connect, or no answer within 10 s; a" \
	    "WebSocket error (a close, a lost connection, an answer that is not JSON, none within 10 s). *In flight at a kill*: a failed HTTP answer seen" \
	    "at most $EXCUSE_MS ms after a kill, at most $HC (the HTTP connections, each with one request" \
	    "in flight) per kill; no WebSocket error is excused (nobody kills the sidecar)." \
	    "*No growth after warm-up*: for every process sampled at least $WARMUP s after both the start" \
	    "of the load and its own start, last sample - first sample after that <= $SLACK KiB, and" \
	    "<= $TAIL KiB over the second half of that time (a leak grows all along; a process that" \
	    "touches a new thread's stack or buffer now and then settles). A" \
	    "respawned responder is a new process of role webntp.fcgi." \
	    "The idle WebSocket connections each send a timestamp every $EVERY s (below the sidecar's" \
	    "60 s -idle-timeout and the web servers' read timeouts, which close a silent connection by" \
	    "design); the busy ones send the next timestamp as soon as the answer is in."
	echo
	echo "![RSS of every process](soak-rss.png)"
	echo
	echo "Raw samples: soak-rss.tsv (server, seconds, role, pid, RSS KiB)."
	echo
	cat "$T_DIR/md"
	echo "## Commands"
	echo
	echo "\$B is the build tree; \$PORT, \$WSPORT are ephemeral ports on 127.0.0.1; \$DIR is the run's directory."
	echo
	echo '```'
	sed -e "s|$top_builddir|\$B|g" -e "s|$top_srcdir/||g" -e "s|$top_srcdir|.|g" "$T_DIR/commands"
	echo '```'
} >"$OUT/SOAK.md"
say "done: $OUT/SOAK.md, $OUT/soak-rss.png; $FAILED check(s) failed"
[ "$FAILED" -eq 0 ]
