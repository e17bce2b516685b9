# web.sh: start the real lighttpd and Apache with the shipped configs
# (lighttpd/*.conf, apache/webntp.conf, used verbatim) for the integration
# tests. Source it after lib.sh.

T_RESPONDER="$top_builddir/src/responder/webntp.fcgi"

# Unix sockets (lighttpd's FastCGI sockets, mod_fcgid's IPC dir) live in a
# short directory of their own: a socket's path is limited to 107 bytes,
# which $T_DIR under `make distcheck` can exceed. Removed at exit.
T_SOCKDIR=$(mktemp -d "${TMPDIR:-/tmp}/webntp.XXXXXX")
trap 't_cleanup; rm -rf "$T_SOCKDIR"' EXIT

# The flags every test server gets unless it says otherwise: a leap cache in
# $T_DIR (absent: tzdata's table) and a download URL that fails at once, so
# that an expired table never sends the fetch to the Internet.
T_SERVER_FLAGS="-leap-second-path $T_DIR/leap-seconds.list -leap-second-url file://$T_DIR/no-such-leap-seconds.list"

# t_lighttpd PORT FLAGS: lighttpd in the foreground with the standalone
# lighttpd/lighttpd.conf, the responder getting FLAGS; its output in
# $T_DIR/lighttpd-PORT.log. Waits until it listens.
t_lighttpd() {
	local port=$1 flags=$2 conf=$top_srcdir/lighttpd/lighttpd.conf
	local run
	run="$T_DIR/lighttpd-$port"

	mkdir -p "$T_SOCKDIR/l$port"
	WEBNTP_BIND=127.0.0.1 WEBNTP_PORT=$port WEBNTP_FCGI=$T_RESPONDER \
	WEBNTP_FLAGS="${flags:- }" WEBNTP_WS_HOST=127.0.0.1 \
	WEBNTP_WS_PORT=${T_WS_PORT:-1} WEBNTP_RUNDIR="$T_SOCKDIR/l$port" \
	WEBNTP_WWW="$top_srcdir/www" \
	    "$LIGHTTPD" -D -f "$conf" >"$run.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$port"
}

# t_lighttpd_admin PORT FLAGS [EXTRA]: lighttpd with a config written the way
# an admin would: its own server settings, the var.webntp_* settings, EXTRA
# lines, then `include` of the shipped lighttpd/webntp.conf; T_PROCS (default
# 2) responders.
t_lighttpd_admin() {
	local port=$1 flags=$2 extra=${3:-} run
	run="$T_DIR/lighttpd-$port"

	mkdir -p "$run" "$T_SOCKDIR/l$port"
	cat >"$run.conf" <<CONF
server.modules += ( "mod_proxy", "mod_fastcgi" )
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$run"
server.pid-file = "$run/lighttpd.pid"
var.webntp_fcgi = "$T_RESPONDER"
var.webntp_flags = "$flags"
var.webntp_ws_host = "127.0.0.1"
var.webntp_ws_port = ${T_WS_PORT:-1}
var.webntp_rundir = "$T_SOCKDIR/l$port"
var.webntp_procs = ${T_PROCS:-2}
$extra
include "$top_srcdir/lighttpd/webntp.conf"
CONF
	"$LIGHTTPD" -D -f "$run.conf" >"$run.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$port"
}

# The user Apache's children run as: Apache refuses to serve as root.
t_apache_user() {
	local u
	for u in www-data nobody daemon; do
		if id "$u" >/dev/null 2>&1; then
			echo "User $u"
			echo "Group $(id -gn "$u")"
			return
		fi
	done
}

# t_apache_main DIR PORT MODULE...: the head of a minimal main config in
# DIR (an admin's apache2.conf, ports.conf and enabled modules: mpm_event,
# authz_core and MODULE...), listening on 127.0.0.1:PORT, with the user
# Apache's children run as when root.
t_apache_main() {
	local d=$1 port=$2 m
	shift 2
	echo "ServerRoot \"$d\""
	echo "ServerName 127.0.0.1"
	echo "Listen 127.0.0.1:$port"
	echo "PidFile \"$d/httpd.pid\""
	echo "ErrorLog \"$d/error.log\""
	echo "LogLevel warn"
	echo "DefaultRuntimeDir \"$d\""
	echo "DocumentRoot \"$d/htdocs\""
	for m in mpm_event authz_core "$@"; do
		echo "LoadModule ${m}_module \"$APACHE_MODULES/mod_$m.so\""
	done
	[ "$(id -u)" -eq 0 ] && t_apache_user
	return 0
}

# t_apache PORT FLAGS [EXTRA]: apache2 in the foreground with a minimal main
# config in $T_DIR/apache-PORT/ that Defines the settings and Includes
# apache/webntp.conf as built; EXTRA lines go before the Include,
# T_APACHE_TAIL's after it (so does t_apache_proxyfcgi).
t_apache() {
	local port=$1 flags=$2 extra=${3:-}
	local d conf
	d="$T_DIR/apache-$port" conf="$top_builddir/apache/webntp.conf"

	mkdir -p "$d/htdocs" "$T_SOCKDIR/a$port"
	{
		t_apache_main "$d" "$port" fcgid rewrite proxy proxy_wstunnel
		echo "FcgidIPCDir \"$T_SOCKDIR/a$port\""
		echo "FcgidProcessTableFile \"$T_SOCKDIR/a$port/shm\""
		echo "Define WEBNTP_FCGI \"$T_RESPONDER\""
		echo "Define WEBNTP_FLAGS \"$flags\""
		echo "Define WEBNTP_WS_HOST 127.0.0.1"
		echo "Define WEBNTP_WS_PORT ${T_WS_PORT:-1}"
		[ -n "$extra" ] && echo "$extra"
		echo "Include \"$conf\""
		[ -n "${T_APACHE_TAIL:-}" ] && echo "$T_APACHE_TAIL"
	} >"$d/httpd.conf"
	if [ "$(id -u)" -eq 0 ]; then
		# The children (and so webntp.fcgi) run as that user.
		chown -R "$(t_apache_user | awk '/^User/ {print $2}')" "$d" "$T_DIR" \
		    "$T_SOCKDIR"
	fi
	"$APACHE2" -d "$d" -f "$d/httpd.conf" -DFOREGROUND >"$d.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$port"
}

# t_http CURL_ARGS... URL: one request; T_STATUS gets the status, the
# headers go to $T_DIR/h, the body to $T_DIR/b.
t_http() {
	T_STATUS=$("$CURL" -s -m 10 -D "$T_DIR/h" -o "$T_DIR/b" \
	    -w '%{http_code}' "$@") || T_STATUS=000
}

# t_header NAME: the value of header NAME of the last t_http ("" if none).
t_header() {
	tr -d '\r' <"$T_DIR/h" | awk -v n="$1" '
	    index($0, ":") && tolower(substr($0, 1, index($0, ":") - 1)) == tolower(n) {
		sub(/^[^:]*:[ \t]*/, ""); print; exit }'
}

# t_cors_headers: the Access-Control-* header names of the last t_http.
t_cors_headers() {
	tr -d '\r' <"$T_DIR/h" | grep -i '^access-control-' | cut -d: -f1 | sort | tr '\n' ' '
}

t_now() { date +%s.%N; }

# t_between WHAT LO X HI: LO <= X <= HI, as decimal numbers.
t_between() {
	if awk -v lo="$2" -v x="$3" -v hi="$4" 'BEGIN { exit !(lo <= x && x <= hi) }'; then
		t_pass "$1"
	else
		t_fail "$1: $3 not in [$2, $4]"
	fi
}

# t_check_answer WHAT HOSTPORT IT: the last t_http was a GET answered with
# the JSON answer for timestamp IT, the 2019 or tzdata table (leap 36), and
# st taken between T_BEFORE and T_AFTER (1 ms slack for the rounding).
t_check_answer() {
	local what=$1 id=$2 it=$3 body st tm re
	body=$(cat "$T_DIR/b")
	t_eq "$what: status" 200 "$T_STATUS"
	t_eq "$what: Content-Type" "application/json; charset=utf-8" "$(t_header Content-Type)"
	t_eq "$what: Cache-Control" "no-cache, no-store" "$(t_header Cache-Control)"
	re='^\{"id":"'"${id//./\\.}"'","it":'"${it//./\\.}"',"st":([0-9]+\.[0-9]{6}),"time":([0-9]+\.[0-9]{6}),"leap":36,"next":1483228800\.000000,"step":1\}$'
	t_match "$what: body" "$re" "$body"
	st=${BASH_REMATCH[1]:-0} tm=${BASH_REMATCH[2]:-1}
	t_eq "$what: time = st" "$st" "$tm"
	t_eq "$what: ends with a newline" 0a "$(tail -c1 "$T_DIR/b" | od -An -tx1 | tr -d ' ')"
	t_between "$what: st is the local clock" \
	    "$(awk -v t="$T_BEFORE" 'BEGIN { printf "%.6f", t - 0.001 }')" "$st" \
	    "$(awk -v t="$T_AFTER" 'BEGIN { printf "%.6f", t + 0.001 }')"
}

# t_check_error WHAT STATUS: the last t_http got STATUS with a JSON error.
t_check_error() {
	t_eq "$1: status" "$2" "$T_STATUS"
	t_eq "$1: Content-Type" "application/json; charset=utf-8" "$(t_header Content-Type)"
	t_eq "$1: Cache-Control" "no-cache, no-store" "$(t_header Cache-Control)"
	t_match "$1: body" '^\{"error":".+"\}$' "$(cat "$T_DIR/b")"
}

# t_check_responder NAME PORT: doc/protocol.md section 3 over HTTP, with cross
# origin off (the default).
t_check_responder() {
	local n=$1 port=$2 u="http://127.0.0.1:$2"

	T_BEFORE=$(t_now); t_http "$u/?1489217288.328757"; T_AFTER=$(t_now)
	t_check_answer "$n GET /?ts" "127.0.0.1:$port" 1489217288.328757
	t_eq "$n GET: no CORS headers" "" "$(t_cors_headers)"
	T_BEFORE=$(t_now); t_http "$u/"; T_AFTER=$(t_now)
	t_check_answer "$n GET / (no query)" "127.0.0.1:$port" 0.000000
	T_BEFORE=$(t_now); t_http "$u/?"; T_AFTER=$(t_now)
	t_check_answer "$n GET /? (empty query)" "127.0.0.1:$port" 0.000000
	T_BEFORE=$(t_now); t_http "$u/foo/bar?1"; T_AFTER=$(t_now)
	t_check_answer "$n GET /foo/bar?1" "127.0.0.1:$port" 1.000000
	T_BEFORE=$(t_now); t_http -H 'Host: time.example:8443' "$u/.well-known/time?-1.5"; T_AFTER=$(t_now)
	t_check_answer "$n GET with a Host" "time.example:8443" -1.500000
	# Each process keeps the escape of the last Host it saw (and not one
	# longer than 255 bytes): whatever the order, an answer names its own.
	local h long
	long=$(printf 'h%.0s' $(seq 50)); long="$long.$long.$long.$long.$long.$long"
	for h in a.example "127.0.0.1:$port" a.example "$long" "$long" \
	    b.example a.example; do
		t_http -H "Host: $h" "$u/?1"
		t_eq "$n GET with Host ${h:0:20} (${#h} bytes): id" "\"$h\"" \
		    "$(sed -n 's/^{"id":\("[^"]*"\),.*/\1/p' "$T_DIR/b")"
	done

	t_http -I "$u/.well-known/time"
	t_eq "$n HEAD: status" 204 "$T_STATUS"
	t_match "$n HEAD: X-HTTPSTIME" '^[0-9]+\.[0-9]{6}$' "$(t_header X-HTTPSTIME)"
	t_eq "$n HEAD: Cache-Control" "no-cache, no-store" "$(t_header Cache-Control)"
	t_eq "$n HEAD: no CORS headers" "" "$(t_cors_headers)"

	t_http "$u/?abc"
	t_check_error "$n GET ?abc" 400
	t_http "$u/?$(printf '1%.0s' $(seq 300))"
	t_check_error "$n GET 300-byte query" 400
	t_http -d x "$u/"
	t_check_error "$n POST" 405
	t_eq "$n POST: Allow" "GET, HEAD, OPTIONS" "$(t_header Allow)"
	t_http -X PUT -d x "$u/a"
	t_check_error "$n PUT" 405
	t_http -X OPTIONS "$u/.well-known/time"
	t_eq "$n OPTIONS: status" 204 "$T_STATUS"
	t_eq "$n OPTIONS: Allow" "GET, HEAD, OPTIONS" "$(t_header Allow)"
	t_eq "$n OPTIONS: no CORS headers" "" "$(t_cors_headers)"
}

# t_check_cors NAME PORT: a responder started with -allow-cross-origin.
t_check_cors() {
	local n=$1 u="http://127.0.0.1:$2" h
	local both="Access-Control-Allow-Origin: * / Access-Control-Expose-Headers: X-HTTPSTIME"

	t_http -H 'Origin: http://other.example' "$u/?1"
	t_eq "$n CORS GET: status" 200 "$T_STATUS"
	t_eq "$n CORS GET: headers" "$both" \
	    "Access-Control-Allow-Origin: $(t_header Access-Control-Allow-Origin) / Access-Control-Expose-Headers: $(t_header Access-Control-Expose-Headers)"
	t_http -I "$u/.well-known/time"
	t_eq "$n CORS HEAD: headers" "$both" \
	    "Access-Control-Allow-Origin: $(t_header Access-Control-Allow-Origin) / Access-Control-Expose-Headers: $(t_header Access-Control-Expose-Headers)"
	t_http "$u/?abc"
	t_eq "$n CORS 400: Allow-Origin" "*" "$(t_header Access-Control-Allow-Origin)"
	t_http -X OPTIONS -H 'Origin: http://other.example' \
	    -H 'Access-Control-Request-Method: GET' "$u/.well-known/time"
	t_eq "$n CORS OPTIONS: status" 204 "$T_STATUS"
	t_eq "$n CORS OPTIONS: Allow-Methods" "GET, HEAD, OPTIONS" "$(t_header Access-Control-Allow-Methods)"
	t_match "$n CORS OPTIONS: Max-Age" '^[0-9]+$' "$(t_header Access-Control-Max-Age)"
	t_eq "$n CORS OPTIONS: Allow-Origin" "*" "$(t_header Access-Control-Allow-Origin)"
}

# t_upgrade_listener PORT N: a plain TCP listener standing in the sidecar's
# place for N connections (10 s at most): it records each request head in
# $T_DIR/upgrade-I.txt and answers 101, to check the web server's routing.
t_upgrade_listener() {
	python3 - "$1" "$2" "$T_DIR" <<'PY' &
import os, socket, sys
port, n, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(8)
s.settimeout(10)
open(d + "/upgrade-ready", "w").close()
for i in range(1, n + 1):
    c, _ = s.accept()
    c.settimeout(5)
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 16384:
        b = c.recv(4096)
        if not b:
            break
        head += b
    open("%s/upgrade.tmp" % d, "wb").write(head)
    os.rename("%s/upgrade.tmp" % d, "%s/upgrade-%d.txt" % (d, i))
    c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
              b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    c.close()
PY
	t_bg $!
	# Not t_wait_port: its probe would count as a connection.
	t_wait_file "$T_DIR/upgrade-ready"
}

# t_check_upgrade NAME PORT: WebSocket upgrades on "/" and on another path
# reach the listener of t_upgrade_listener PORT 2 with path, query and Host.
t_check_upgrade() {
	local n=$1 u="http://127.0.0.1:$2" i path req
	i=0
	for path in "/?1489217288.5" "/any/path?2"; do
		i=$((i + 1))
		"$CURL" -s -m 5 -o /dev/null -H 'Connection: Upgrade' \
		    -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
		    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
		    "$u$path" || true
		t_wait_file "$T_DIR/upgrade-$i.txt" 50 || true
		req=$(tr -d '\r' <"$T_DIR/upgrade-$i.txt" 2>/dev/null)
		t_eq "$n upgrade $path: request line" "GET $path HTTP/1.1" "$(echo "$req" | head -n1)"
		t_match "$n upgrade $path: Host kept" $'(^|\n)[Hh]ost: 127\\.0\\.0\\.1:'"$2"$'(\n|$)' "$req"
		t_match "$n upgrade $path: Upgrade" $'(^|\n)[Uu]pgrade: [Ww]eb[Ss]ocket(\n|$)' "$req"
	done
}

# t_mkleap OUT UPDATED EXPIRES [NTP TAI [HASH]]: a leap-seconds.list made
# from tests/data/leap-seconds-2019-05-02.list with #$ UPDATED and #@ EXPIRES
# (NTP seconds), plus a data line NTP TAI when given, and #h computed with
# Python's hashlib (doc/protocol.md section 6), or HASH=bad for a wrong one.
t_mkleap() {
	python3 - "$top_srcdir/tests/data/leap-seconds-2019-05-02.list" "$@" <<'PY'
import hashlib, sys
src, out, updated, expires = sys.argv[1:5]
extra = sys.argv[5:7]
bad = len(sys.argv) > 7 and sys.argv[7] == "bad"
data = []
for line in open(src):
    if line.startswith("#") or not line.strip():
        continue
    f = line.split("#")[0].split()
    data.append((int(f[0]), int(f[1])))
if extra:
    data.append((int(extra[0]), int(extra[1])))
h = hashlib.sha1((updated + expires).encode())
for ntp, tai in data:
    h.update(("%d%d" % (ntp, tai)).encode())
d = bytearray(h.digest())
if bad:
    d[19] ^= 1
words = " ".join("%08x" % int.from_bytes(d[i:i + 4], "big") for i in range(0, 20, 4))
with open(out, "w") as f:
    f.write("#\n# test table (t_mkleap)\n#\n#$\t%s\n#@\t%s\n#\n" % (updated, expires))
    for ntp, tai in data:
        f.write("%d\t%d\t# event\n" % (ntp, tai))
    f.write("#\n#h\t%s\n" % words)
PY
}

# t_leap_expired FILE: FILE is missing, does not parse or is past its #@.
t_leap_expired() {
	python3 - "$1" <<'PY'
import sys, time
try:
    exp = [int(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("#@")][0]
except Exception:
    sys.exit(0)
sys.exit(0 if exp - 2208988800 <= time.time() else 1)
PY
}

# t_leap_fields PORT: the "leap","next","step" part of an answer of the
# responder at PORT.
t_leap_fields() {
	"$CURL" -s -m 10 "http://127.0.0.1:$1/?1" |
	    sed -n 's/.*\("leap":[^,]*,"next":[^,]*,"step":[-0-9]*\)}$/\1/p'
}

# t_responder_pids WORD [N]: the webntp.fcgi processes whose arguments hold
# WORD, once there are N of them (10 s at most; lighttpd may still be
# spawning them when it already listens).
t_responder_pids() {
	local tries=100
	while [ "$tries" -gt 0 ] &&
	    [ "$(pgrep -fc "^$T_RESPONDER .*$1")" -lt "${2:-0}" ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	pgrep -f "^$T_RESPONDER .*$1" | sort -n | tr '\n' ' '
}

# t_wait_log FILE ERE [TRIES]: wait until a line of FILE matches (10 s).
t_wait_log() {
	local tries=${3:-100}
	while [ "$tries" -gt 0 ]; do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	echo "ERROR: no /$2/ in $1"
	return 1
}

# ---- the standalone responder, nginx, Apache's mod_proxy_fcgi ----

# The group the web server's children run as, when the tests run as root
# (nginx and Apache then drop to that user): the responder's socket is mode
# 0660, so the responder runs with that group, as deployed.
t_web_group() {
	local u
	for u in www-data nobody daemon; do
		id "$u" >/dev/null 2>&1 && { id -gn "$u"; return; }
	done
}

# t_responder_standalone NAME ADDR [ARGS...]: webntp.fcgi -listen ADDR ARGS
# (T_SERVER_FLAGS unless ARGS hold -leap-second-*) in the background, with
# the web server's group as root; stderr in $T_DIR/NAME.err, its pid in
# T_FCGI_PID. Waits until it listens. ADDR unix:PATH: PATH's directory is
# made mode 0750 with that group, as a deployment would have it.
t_responder_standalone() {
	local name=$1 addr=$2 run=() g
	shift 2
	[[ " $* " == *" -leap-second-"* ]] || set -- "$@" $T_SERVER_FLAGS
	if [ "$(id -u)" -eq 0 ]; then
		g=$(t_web_group)
		run=(setpriv --regid "$g" --clear-groups --)
		chmod 0711 "$T_SOCKDIR"
		[[ $addr == unix:* ]] && chgrp "$g" "$(dirname "${addr#unix:}")"
	fi
	[[ $addr == unix:* ]] && chmod 0750 "$(dirname "${addr#unix:}")"
	"${run[@]}" "$T_RESPONDER" -listen "$addr" "$@" 2>"$T_DIR/$name.err" &
	T_FCGI_PID=$!
	t_bg "$T_FCGI_PID"
	if [[ $addr == unix:* ]]; then
		t_wait_unix "${addr#unix:}"
	else
		local h=${addr%:*}
		h=${h#[}
		t_wait_port "${h%]}" "${addr##*:}"
	fi
}

# t_wait_unix PATH: wait until the Unix socket PATH accepts a connection
# (10 s).
t_wait_unix() {
	python3 - "$1" <<'PY' || { echo "ERROR: nothing listens on $1"; return 1; }
import socket, sys, time
for _ in range(100):
    try:
        socket.socket(socket.AF_UNIX).connect(sys.argv[1])
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# t_nginx_http_conf OUT FCGI WS: nginx/webntp-http.conf with its two
# upstream addresses replaced, as its header tells admins to do; fails if
# it did not replace exactly those two lines.
t_nginx_http_conf() {
	local src=$top_srcdir/nginx/webntp-http.conf
	sed -e "s|^\tserver unix:/run/webntp/fcgi.sock;|\tserver $2;|" \
	    -e "s|^\tserver 127.0.0.1:8081;|\tserver $3;|" "$src" >"$1"
	[ "$(diff "$src" "$1" | grep -c '^>')" -eq 2 ] ||
	    { echo "ERROR: $src: the two upstream servers not found"; return 1; }
}

# t_nginx_main DIR: the head of a minimal nginx.conf in DIR (daemon off,
# pid, logs and temp paths in DIR, the web server's user when root) up to
# and with the opening of http {}. DIR/logs and DIR/tmp must exist.
t_nginx_main() {
	local d=$1 t
	echo "daemon off;"
	[ "$(id -u)" -eq 0 ] &&
	    echo "user $(t_apache_user | awk '/^User/ {print $2}') $(t_web_group);"
	echo "worker_processes 2;"
	echo "pid $d/nginx.pid;"
	echo "error_log $d/logs/error.log warn;"
	echo "events { worker_connections 4096; }"
	echo "http {"
	echo "	access_log off;"
	for t in client_body proxy fastcgi uwsgi scgi; do
		echo "	${t}_temp_path $d/tmp/$t;"
	done
}

# t_nginx PORT FCGI_ADDR [SERVER_EXTRA [HTTP_EXTRA]]: nginx in the
# foreground (daemon off, prefix, pid, logs and temp paths in
# $T_DIR/nginx-PORT/) with a minimal main config, as an admin's: the http
# {} includes a copy of nginx/webntp-http.conf pointing at FCGI_ADDR (an
# nginx upstream address, e.g. unix:/path) and the sidecar on T_WS_PORT,
# and its own server {} includes nginx/webntp.conf verbatim. Waits until
# it listens.
t_nginx() {
	local port=$1 fcgi=$2 extra=${3:-} hextra=${4:-} d
	d="$T_DIR/nginx-$port"

	mkdir -p "$d/logs" "$d/tmp"
	t_nginx_http_conf "$d/webntp-http.conf" "$fcgi" \
	    "127.0.0.1:${T_WS_PORT:-1}" || return 1
	{
		t_nginx_main "$d"
		[ -n "$hextra" ] && echo "$hextra"
		echo "	include $d/webntp-http.conf;"
		echo "	server {"
		echo "		listen 127.0.0.1:$port;"
		echo "		server_name time.example;"
		[ -n "$extra" ] && echo "$extra"
		echo "		include $top_srcdir/nginx/webntp.conf;"
		echo "	}"
		echo "}"
	} >"$d/nginx.conf"
	# nginx takes $NGINX for sockets inherited from an older nginx.
	env -u NGINX "$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" \
	    >"$d.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$port"
}

# t_apache_proxyfcgi PORT SOCKET [EXTRA]: apache2 in the foreground with a
# minimal main config in $T_DIR/apache-PORT/ that Defines the settings and
# Includes apache/webntp-proxy-fcgi.conf (the standalone responder on Unix
# socket SOCKET, the sidecar on T_WS_PORT); EXTRA lines go before the
# Include.
t_apache_proxyfcgi() {
	local port=$1 sock=$2 extra=${3:-} d
	d="$T_DIR/apache-$port"

	mkdir -p "$d/htdocs"
	{
		t_apache_main "$d" "$port" rewrite proxy proxy_fcgi proxy_wstunnel
		echo "Define WEBNTP_FCGI_SOCKET \"$sock\""
		echo "Define WEBNTP_WS_HOST 127.0.0.1"
		echo "Define WEBNTP_WS_PORT ${T_WS_PORT:-1}"
		[ -n "$extra" ] && echo "$extra"
		echo "Include \"$top_srcdir/apache/webntp-proxy-fcgi.conf\""
		[ -n "${T_APACHE_TAIL:-}" ] && echo "$T_APACHE_TAIL"
	} >"$d/httpd.conf"
	"$APACHE2" -d "$d" -f "$d/httpd.conf" -DFOREGROUND >"$d.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$port"
}

# t_fcgi_stop NAME: SIGTERM to T_FCGI_PID; sets T_FCGI_RC (its exit status,
# or "timeout" after 10 s) and T_FCGI_SECS (how long it took).
t_fcgi_stop() {
	local t0 t1 i
	t0=$(date +%s.%N)
	kill -TERM "$T_FCGI_PID"
	T_FCGI_RC=timeout
	for i in $(seq 100); do
		if ! kill -0 "$T_FCGI_PID" 2>/dev/null; then
			wait "$T_FCGI_PID"
			T_FCGI_RC=$?
			break
		fi
		sleep 0.1
	done
	t1=$(date +%s.%N)
	T_FCGI_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}
