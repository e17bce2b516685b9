#!/usr/bin/env bash
# ws-measure.sh BUILD_DIR: measure webntp-ws directly with bench/wsload:
# round trips/s and p50/p99 at 1 and 32 busy connections, each with 0 and
# 5,000 idle connections open (RUNS runs each, default 3, median shown), and
# the sidecar's RSS per idle connection with 10,000 idle connections.
# Build BUILD_DIR without sanitizers: ../configure -q CFLAGS=-O2.
set -euo pipefail
b=$(cd "${1:?usage: ws-measure.sh BUILD_DIR}" && pwd)
runs=${RUNS:-3}
rounds=${ROUNDS:-10000}
ulimit -n "$(ulimit -Hn)"
pid=
stop() { [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; pid=; }
trap stop EXIT
start() {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$b/src/sidecar/webntp-ws" -listen "127.0.0.1:$port" \
		-leap-second-path /usr/share/zoneinfo/leap-seconds.list \
		-leap-second-url file:///nonexistent 2>/dev/null &
	pid=$!
	for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
}
start
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

for c in 1 32; do
	for k in 0 5000; do
		n=$((c == 1 ? rounds * 3 : rounds))
		for r in $(seq "$runs"); do
			a=$(cpu)
			line=$("$b/bench/wsload" -p "$port" -c "$c" -n "$n" -k "$k")
			echo "$line, sidecar cpu $(( ($(cpu) - a) * 10 )) ms" >&2
			echo "$line"
		done | awk -v c="$c" -v k="$k" '
			{ for (i = 1; i <= NF; i++) {
				if ($i == "p50") p50[NR] = $(i + 1)
				if ($i == "p99") p99[NR] = $(i + 1)
				if ($i ~ /\/s,$/) rt[NR] = $i + 0 } }
			function med(a, n,   t, i, j, x) { for (i = 1; i <= n; i++) t[i] = a[i]
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
					if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
				return t[int((n + 1) / 2)] }
			END { printf "busy %2d idle %4d: %7.0f rt/s  p50 %6.1f us  p99 %7.1f us  (median of %d)\n",
				c, k, med(rt, NR), med(p50, NR), med(p99, NR), NR }'
	done
done

# Memory in a fresh process: one that already served has free heap to reuse.
stop
start
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
before=$(rss)
"$b/bench/wsload" -p "$port" -c 0 -k 10000 -H 5 >"/tmp/wsload-hold.$$" &
hold=$!
for _ in $(seq 300); do grep -q holding "/tmp/wsload-hold.$$" && break; sleep 0.1; done
sleep 0.5
after=$(rss)
wait $hold
rm -f "/tmp/wsload-hold.$$"
echo "RSS: $before KiB before, $after KiB with 10000 idle connections:" \
	"$(( (after - before) * 1024 / 10000 )) bytes per idle connection"
