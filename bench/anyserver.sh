# bench/anyserver.sh: part "anyserver" of `make bench` (sourced by
# bench/bench.sh): the client against web servers that are not WebNTP
# (issue 12), beside htpdate on the very same server and in the same run.
#  - Date only: nginx serving a static file (its Date is read from its clock
#    as it answers; lighttpd's moves on its own 1 s tick, see
#    src/client/date.c), webntp -source date (bisection, default -budget)
#    and htpdate (default -p 4, and -p 8), through the delay relay (10 +- 2
#    ms each way) and on loopback;
#  - X-HTTPSTIME only (tests/integration/client-httpstime.py), webntp
#    -source httpstime, same two paths.
# Both servers run ahead by a shift drawn anew for each run (libfaketime),
# uniform in [0.05, 0.95) s: htpdate's answers are multiples of 2^-p s,
# and one fixed shift would favour or wrong it by luck. error = measured -
# shift. Coverage = the fraction of webntp runs whose bound holds the
# truth (|error| <= bound), and the bound's width against the error.

N_ANY=${BENCH_ANY:-50}	# runs per series (coverage wants >= 50)

# any_nginx PORT SHIFT: nginx, one process, one static file, SHIFT ahead;
# its pid in ANY_PID.
any_nginx() {
	local d="$D/any-nginx-$1" t
	mkdir -p "$d/logs" "$d/tmp" "$d/html"
	echo "a static page" >"$d/html/index.html"
	{
		echo "daemon off; master_process off; pid $d/nginx.pid;"
		echo "env LD_PRELOAD; env FAKETIME; env FAKETIME_DONT_FAKE_MONOTONIC;"
		echo "error_log $d/logs/error.log warn;"
		echo "events { worker_connections 256; }"
		echo "http { access_log off;"
		for t in client_body proxy fastcgi uwsgi scgi; do
			echo "	${t}_temp_path $d/tmp/$t;"
		done
		echo "	server { listen 127.0.0.1:$1; root $d/html; } }"
	} >"$d/nginx.conf"
	LD_PRELOAD=$FAKETIME_LIB FAKETIME=+${2}s FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    nginx -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" >>"$d.log" 2>&1 &
	ANY_PID=$!
	t_wait_port 127.0.0.1 "$1"
}

# any_httpstime PORT SHIFT: the X-HTTPSTIME-only server; pid in ANY_PID.
any_httpstime() {
	LD_PRELOAD=$FAKETIME_LIB FAKETIME=+${2}s FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    python3 "$top_srcdir/tests/integration/client-httpstime.py" "$1" \
	    2>>"$D/any-httpstime.log" &
	ANY_PID=$!
	t_wait_port 127.0.0.1 "$1"
}

# any_webntp URL SOURCE: "offset bound seconds" of one run (nothing on
# failure; seconds: how long the run took).
any_webntp() {
	local t0 out
	t0=$(date +%s.%N)
	out=$(XDG_CACHE_HOME="$D/any-cache" "$CLIENT" -json -source "$2" "$1" 2>/dev/null)
	python3 -c '
import json, sys, time
for line in sys.stdin:
    o = json.loads(line)
    if o["type"] == "server" and "offset" in o:
        print("%.9f %.9f %.3f" % (o["offset"], o["bound"], time.time() - float(sys.argv[1])))' "$t0" <<<"$out"
}

# any_htpdate HOSTPORT [P]: "offset - seconds": htpdate's offset, no bound.
any_htpdate() {
	local t0 off
	t0=$(date +%s.%N)
	off=$(htpdate -q -d ${2:+-p "$2"} "$1" 2>&1 | sed -nE 's/^offset: (-?[0-9.]+).*/\1/p')
	[ -n "$off" ] && echo "$off - $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.3f", b - a}')"
}

part_anyserver() {
	local np hp tn th i sh pn ph js f="$D/any.tsv"
	say "6. any web server: Date (nginx) and X-HTTPSTIME, relay 10+-2 ms and loopback, $N_ANY runs"
	np=$(t_port)
	hp=$(t_port)
	tn=$(t_port)
	relay_start -l "$tn" -t "$np" -d 10000 -j 2000 -D 10000 -J 2000
	th=$(t_port)
	relay_start -l "$th" -t "$hp" -d 10000 -j 2000 -D 10000 -J 2000
	cmd "nginx -c nginx.conf  # master_process off, a static file, FAKETIME=+\$SHIFTs (env kept for libfaketime)"
	cmd "python3 tests/integration/client-httpstime.py \$PORT  # X-HTTPSTIME only, FAKETIME=+\$SHIFTs"
	cmd "bench/relay -l \$RELAYPORT -t \$PORT -d 10000 -j 2000 -D 10000 -J 2000"
	cmd "src/client/webntp -json -source date|httpstime http://127.0.0.1:\$PORT/  # default -budget 16, -p 4"
	cmd "htpdate -q -d [-p 8] 127.0.0.1:\$PORT  # its 'offset:' line"
	: >"$f"
	for i in $(seq "$N_ANY"); do
		sh=$(python3 -c 'import random; print("%.6f" % random.uniform(0.05, 0.95))')
		any_nginx "$np" "$sh"
		pn=$ANY_PID
		t_bg "$pn"
		any_httpstime "$hp" "$sh"
		ph=$ANY_PID
		t_bg "$ph"
		# The series at once (they mostly sleep), on the same servers.
		js=()
		echo "date-relay $sh $(any_webntp "http://127.0.0.1:$tn/" date)" >"$f.1" &
		js+=($!)
		echo "date-loop $sh $(any_webntp "http://127.0.0.1:$np/" date)" >"$f.2" &
		js+=($!)
		{
			echo "htpdate-relay $sh $(any_htpdate "127.0.0.1:$tn")"
			echo "htpdate8-relay $sh $(any_htpdate "127.0.0.1:$tn" 8)"
		} >"$f.3" &
		js+=($!)
		{
			echo "htpdate-loop $sh $(any_htpdate "127.0.0.1:$np")"
			echo "htpdate8-loop $sh $(any_htpdate "127.0.0.1:$np" 8)"
		} >"$f.4" &
		js+=($!)
		{
			echo "httpstime-relay $sh $(any_webntp "http://127.0.0.1:$th/" httpstime)"
			echo "httpstime-loop $sh $(any_webntp "http://127.0.0.1:$hp/" httpstime)"
		} >"$f.5" &
		js+=($!)
		wait "${js[@]}"
		cat "$f.1" "$f.2" "$f.3" "$f.4" "$f.5" >>"$f"
		kill "$pn" "$ph"
		wait "$pn" "$ph" 2>/dev/null
		say "any web server: run $i of $N_ANY (shift $sh): $(awk -v s="$sh" '$2 == s && NF >= 3 {printf "%s %.1f ms; ", $1, ($3 - s) * 1e3}' "$f")"
	done
	stop_all
}

# any_stat SERIES: "median_abs_ms p95_abs_ms median_bound_ms coverage runs
# median_error_ms median_seconds" over any.tsv ("series shift offset
# [bound seconds]" lines).
any_stat() {
	awk -v s="$1" '
	function abs(x) { return x < 0 ? -x : x }
	$1 == s && NF >= 3 {
		e = $3 - $2; a[n] = abs(e) * 1e3; m[n] = e * 1e3
		if (NF >= 4 && $4 != "-") { b[nb++] = $4 * 1e3; if (abs(e) <= $4) c++ }
		if (NF >= 5) t[nt++] = $5
		n++
	}
	function sortv(v, k,   i, j, x) { for (i = 1; i < k; i++) { x = v[i]; for (j = i - 1; j >= 0 && v[j] > x; j--) v[j+1] = v[j]; v[j+1] = x } }
	function med(v, k) { return k ? v[int((k - 1) / 2)] : "nan" }
	function p95(v, k,   i) { if (!k) return "nan"; i = int(0.95 * k + 0.999999) - 1; return v[i < 0 ? 0 : i] }
	END {
		sortv(a, n); sortv(b, nb); sortv(m, n); sortv(t, nt)
		printf "%s %s %s %s %d %s %s\n", med(a, n), p95(a, n), nb ? med(b, nb) : "-",
		    nb ? sprintf("%.0f%%", 100 * c / nb) : "-", n, med(m, n), nt ? med(t, nt) : "-"
	}' "$D/any.tsv"
}

report_anyserver() {
	local s lbl
	[ -s "$D/any.tsv" ] || return 0
	cp "$D/any.tsv" "$OUT/any.tsv"
	md "## 6. Any web server: Date and X-HTTPSTIME (issue 12)" ""
	md "nginx serving a static file (Date only) and tests/integration/client-httpstime.py" \
	   "(X-HTTPSTIME only), both ahead by a shift drawn for each run, uniform in [0.05," \
	   "0.95) s (libfaketime; a fixed one would suit htpdate's 2^-p s steps, or not, by" \
	   "luck). *relay*: bench/relay, 10 +- 2 ms each way; *loop*: loopback. webntp" \
	   "\`-source date\` bisects the Date header within the default \`-budget\` (16 s);" \
	   "htpdate $(htpdate -v 2>&1 | head -1 | awk '{print $NF}') asks the same nginx. $N_ANY runs per series, the series at once" \
	   "on the same servers. *error* = measured - shift; *coverage* = runs whose bound" \
	   "holds the truth (|error| <= bound); *s/run*: the client's run, median." ""
	md "| method | path | median abs error ms | p95 abs error ms | median bound ms | bound / error | coverage | s/run | runs |" \
	   "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	for s in date-relay htpdate-relay htpdate8-relay httpstime-relay date-loop htpdate-loop htpdate8-loop httpstime-loop; do
		read -r a p b c n e sr <<<"$(any_stat $s)"
		case $s in
		date-*) lbl="webntp -source date" ;;
		htpdate-*) lbl="htpdate (-p 4, default)" ;;
		htpdate8-*) lbl="htpdate -p 8" ;;
		httpstime-*) lbl="webntp -source httpstime" ;;
		esac
		md "| $lbl | ${s##*-} | $(printf '%.3f' "$a") | $(printf '%.3f' "$p") | $([ "$b" = - ] && echo - || printf '%.3f' "$b") | $([ "$b" = - ] && echo - || awk -v b="$b" -v a="$a" 'BEGIN {if (a > 0) printf "%.1f", b / a; else printf "-"}') | $c | $sr | $n |"
	done
	md "" "Targets (issue 12): Date over the relay, median error <= 5 ms; loopback <= 1 ms;" \
	   "coverage 100 % over >= 50 runs; median bound <= 3 x median error." ""
}
