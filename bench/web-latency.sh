#!/usr/bin/env bash
# web-latency.sh: latency of webntp.fcgi behind the real Apache (mod_fcgid)
# and lighttpd with the shipped configs, 32 keep-alive clients (wrk).
#   bench/web-latency.sh BUILD_DIR [apache|lighttpd|apache-procs=N]...
# BUILD_DIR is a configured build tree (better without sanitizers). Each
# server is warmed up (2 s bursts until every webntp.fcgi process it will
# keep is running, 20 s at most, and one more), then `wrk -t2 -c32 -d10s --latency` runs
# three times; prints p50, p99 and req/s of each run and their medians.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=$(cd "${1:?build dir}" && pwd)
shift
export top_srcdir top_builddir
LIGHTTPD=${LIGHTTPD:-/usr/sbin/lighttpd}
APACHE2=${APACHE2:-/usr/sbin/apache2}
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}
CI=
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/web.sh"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# wrk's latency in ms.
ms() {
	case $1 in
	*us) echo "${1%us}" | awk '{print $1/1000}' ;;
	*ms) echo "${1%ms}" ;;
	*s) echo "${1%s}" | awk '{print $1*1000}' ;;
	esac
}

bench() {
	local what=$1 port url i out p50 p99 rps procs=32
	local -a P50=() P99=() RPS=()

	port=$(t_port)
	case $what in
	apache) t_apache "$port" "$T_SERVER_FLAGS" ;;
	apache-procs=*) procs=${what#apache-procs=}
	    t_apache "$port" "$T_SERVER_FLAGS" "Define WEBNTP_FCGID_PROCS $procs" ;;
	lighttpd) procs=4; t_lighttpd "$port" "$T_SERVER_FLAGS" ;;
	esac
	url="http://127.0.0.1:$port/?1489217288.328757"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		wrk -t2 -c32 -d2s "$url" >/dev/null
		[ "$(pgrep -fc "^$T_RESPONDER ")" -ge "$procs" ] && break
	done
	# The newest processes hold their first request for -start-delay.
	wrk -t2 -c32 -d2s "$url" >/dev/null
	echo "$what: $(pgrep -fc "^$T_RESPONDER ") webntp.fcgi processes after warm-up"
	for i in 1 2 3; do
		out=$(wrk -t2 -c32 -d10s --latency "$url")
		p50=$(ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
		p99=$(ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
		rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
		echo "$what run $i: p50 ${p50} ms, p99 ${p99} ms, ${rps} req/s"
		P50+=("$p50") P99+=("$p99") RPS+=("$rps")
	done
	echo "$what median: p50 $(printf '%s\n' "${P50[@]}" | median) ms," \
	    "p99 $(printf '%s\n' "${P99[@]}" | median) ms," \
	    "$(printf '%s\n' "${RPS[@]}" | median) req/s"
	t_cleanup
	T_PIDS=()
}

for w in "${@:-apache lighttpd}"; do
	for x in $w; do bench "$x"; done
done
