# bench-nginx.sh: part "web" of `make bench` (sourced by bench/bench.sh,
# which provides wrk_run, median, md, cmd, say, stop_all and the servers of
# tests/integration/web.sh). The four deployments side by side, interleaved
# in one run (lighttpd, Apache mod_fcgid, nginx, Apache mod_proxy_fcgi,
# lighttpd, ...), GET and HEAD at 1 and 32 connections: req/s and p99;
# then WebSocket round trips direct and through lighttpd, Apache and nginx.
# nginx and mod_proxy_fcgi reach the standalone responder (webntp.fcgi
# -listen unix:PATH -threads BENCH_THREADS) over kept connections.

WEB_THREADS=${BENCH_THREADS:-256}
NGINX=${NGINX:-/usr/sbin/nginx}

# web_fcgi NAME: a standalone responder on a socket of its own, whose path
# goes to WEB_SOCK (not echoed: in a $(...) subshell t_bg would not see it,
# and stop_all would leave it running).
web_fcgi() {
	WEB_SOCK=$T_SOCKDIR/$1/fcgi.sock
	mkdir -p "$T_SOCKDIR/$1"
	T_RESPONDER=$FCGI t_responder_standalone "fcgi-$1" "unix:$WEB_SOCK" \
	    -threads "$WEB_THREADS" $FLAGS
}

part_web() {
	local pl pa pn pp sn sp r req c path h srv port line w
	say "1c. HTTP: lighttpd, Apache mod_fcgid, nginx, Apache mod_proxy_fcgi"
	: >"$D/web.tsv"
	pl=$(t_port)
	T_RESPONDER=$FCGI bench_lighttpd "$pl" "$FLAGS"
	pa=$(t_port)
	T_RESPONDER=$FCGI t_apache "$pa" "$FLAGS"
	web_fcgi nginx
	sn=$WEB_SOCK
	pn=$(t_port)
	t_nginx "$pn" "unix:$sn"
	web_fcgi proxyfcgi
	sp=$WEB_SOCK
	pp=$(t_port)
	t_apache_proxyfcgi "$pp" "$sp"
	cmd "webntp.fcgi -listen unix:\$SOCK -threads $WEB_THREADS $FLAGS  # for nginx (nginx/webntp-http.conf, nginx/webntp.conf, as tests/integration/web.sh t_nginx) and Apache mod_proxy_fcgi (apache/webntp-proxy-fcgi.conf, t_apache_proxyfcgi)"
	# mod_fcgid spawns up to 32 processes, each waiting 1.5 s at start.
	for port in "$pl" "$pa" "$pn" "$pp"; do
		wrk -t2 -c32 -d4s "http://127.0.0.1:$port$GET_PATH" >/dev/null 2>&1
	done
	for r in $(seq "$RUNS"); do
		for req in GET HEAD; do
			path=$GET_PATH h=
			[ $req = HEAD ] && path=$HEAD_PATH h=1
			for c in 1 32; do
				for srv in lighttpd apache-fcgid nginx apache-proxyfcgi; do
					case $srv in
					lighttpd) port=$pl ;; apache-fcgid) port=$pa ;;
					nginx) port=$pn ;; apache-proxyfcgi) port=$pp ;;
					esac
					line=$(wrk_run "http://127.0.0.1:$port$path" $c $h)
					echo "$srv $req $c $r $line" >>"$D/web.tsv"
					say "web $srv $req c=$c run $r: $line"
				done
			done
		done
	done
	stop_all
	say "3b. WebSocket: direct, lighttpd, Apache, nginx"
	: >"$D/web-ws.tsv"
	w=$(t_port)
	sidecar "$w"
	pl=$(t_port)
	T_WS_PORT=$w T_RESPONDER=$FCGI bench_lighttpd "$pl" "$FLAGS"
	pa=$(t_port)
	T_WS_PORT=$w T_RESPONDER=$FCGI t_apache "$pa" "$FLAGS"
	web_fcgi nginx-ws
	sn=$WEB_SOCK
	pn=$(t_port)
	T_WS_PORT=$w t_nginx "$pn" "unix:$sn"
	for r in $(seq "$RUNS"); do
		for c in 1 32; do
			for srv in direct lighttpd apache nginx; do
				case $srv in
				direct) port=$w ;; lighttpd) port=$pl ;;
				apache) port=$pa ;; nginx) port=$pn ;;
				esac
				ws_round "$srv" "$port" $c $r "$D/web-ws.tsv"
			done
		done
	done
	stop_all
}

# web_med FILE COND FIELD: the median of FIELD over the lines matching COND.
web_med() {
	awk "$2 {print \$$3}" "$1" | median
}

report_web() {
	local srv req c rps p50 p99 base t
	[ -s "$D/web.tsv" ] || return 0
	cp "$D/web.tsv" "$OUT/web.tsv"
	md "## 1c. The four deployments: lighttpd, Apache mod_fcgid, nginx, Apache mod_proxy_fcgi" ""
	md "wrk, ${DUR} s per run, median of $RUNS runs interleaved across the four servers" \
	   "(lighttpd, mod_fcgid, nginx, proxy_fcgi, lighttpd, ...). lighttpd and mod_fcgid run" \
	   "webntp.fcgi as they spawn it (lighttpd/lighttpd.conf, apache/webntp.conf; a new FastCGI" \
	   "connection per request); nginx (nginx/webntp-http.conf + webntp.conf, fastcgi_keep_conn)" \
	   "and mod_proxy_fcgi (apache/webntp-proxy-fcgi.conf, enablereuse=on) reach the standalone" \
	   "\`webntp.fcgi -listen unix:PATH -threads $WEB_THREADS\` over kept connections (nginx keeps no" \
	   "connection after a response without a body: HEAD opens one each time). *ratio* is req/s" \
	   "/ lighttpd's req/s in the same run (target for nginx GET: >= 1.6, p99 <= 2 ms at 32)." ""
	md "| request | conns | server | req/s | p50 ms | p99 ms | ratio |" "|---|---:|---|---:|---:|---:|---:|"
	for req in GET HEAD; do
		for c in 1 32; do
			base=$(web_med "$D/web.tsv" "\$1==\"lighttpd\" && \$2==\"$req\" && \$3==$c" 5)
			for srv in lighttpd apache-fcgid nginx apache-proxyfcgi; do
				t="\$1==\"$srv\" && \$2==\"$req\" && \$3==$c"
				rps=$(web_med "$D/web.tsv" "$t" 5)
				p50=$(web_med "$D/web.tsv" "$t" 6)
				p99=$(web_med "$D/web.tsv" "$t" 7)
				md "| $req | $c | $srv | $rps | $p50 | $p99 | $(awk -v a="$rps" -v b="$base" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}') |"
			done
		done
	done
	md ""
	[ -s "$D/web-ws.tsv" ] || return 0
	cp "$D/web-ws.tsv" "$OUT/web-ws.tsv"
	md "WebSocket round trips (bench/wsload, as in section 3), interleaved direct, lighttpd," \
	   "Apache, nginx; ratio against direct." ""
	md "| path | conns | round trips/s | p50 us | p99 us | ratio |" "|---|---:|---:|---:|---:|---:|"
	for c in 1 32; do
		base=$(web_med "$D/web-ws.tsv" "\$1==\"direct\" && \$2==$c" 4)
		for srv in direct lighttpd apache nginx; do
			t="\$1==\"$srv\" && \$2==$c"
			rps=$(web_med "$D/web-ws.tsv" "$t" 4)
			md "| $srv | $c | $rps | $(web_med "$D/web-ws.tsv" "$t" 5) | $(web_med "$D/web-ws.tsv" "$t" 6) | $(awk -v a="$rps" -v b="$base" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}') |"
		done
	done
	md ""
}

# The report comes with section 1: report_http, as bench.sh defines it,
# then this part's.
eval "bench_nginx_report_http() $(declare -f report_http | tail -n +2)"
report_http() {
	bench_nginx_report_http
	report_web
}
if [ -n "${NGINX:-}" ] && [ -x "$NGINX" ]; then
	want web && part_web
else
	say "1c. skipped: no nginx (apt-get install nginx)"
fi
