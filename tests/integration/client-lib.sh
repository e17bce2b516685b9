# client-lib.sh: shared by the client-*.test scripts (bash), sourced after
# lib.sh and web.sh: the client, `webntp -serve` from the build tree, the
# sidecar under libfaketime, and number checks.

C_WEBNTP="$top_builddir/src/client/webntp"
C_WS="$top_builddir/src/sidecar/webntp-ws"
C_LEAP="$top_srcdir/tests/data/leap-seconds-2019-05-02.list"
# -serve finds everything in the build tree (webntp -help documents these).
export WEBNTP_FCGI="$top_builddir/src/responder/webntp.fcgi"
export WEBNTP_WS_BIN="$C_WS"
export WEBNTP_LIGHTTPD_CONF="$top_srcdir/lighttpd/lighttpd.conf"
export WEBNTP_WWW="$top_srcdir/www"
# Unix sockets (lighttpd's FastCGI socket, chronyd's) need a short path
# (sun_path is 108 bytes; $T_DIR under make distcheck is longer): a
# directory of their own, removed at exit (with web.sh's, if it made one).
C_SOCKDIR=$(mktemp -d "${TMPDIR:-/tmp}/webntp-c.XXXXXX")
trap 't_cleanup; rm -rf "$C_SOCKDIR" ${T_SOCKDIR:+"$T_SOCKDIR"}' EXIT
# -serve makes its run dir (lighttpd's socket, logs) in here.
export XDG_RUNTIME_DIR="$C_SOCKDIR/xdg"
mkdir -p "$XDG_RUNTIME_DIR"
# The 2019 table, copied: expired, so the servers try a download that fails
# at once (file://) and never reaches the Internet.
cp "$C_LEAP" "$T_DIR/leap-seconds.list"
C_SERVER_FLAGS=(-leap-second-path "$T_DIR/leap-seconds.list"
	-leap-second-url "file://$T_DIR/no-such-leap-seconds.list")
# libfaketime preloaded into an ASan binary: ASan must not insist on being
# first in the link order.
C_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# c_own_ipc: run this test in an IPC namespace of its own (root only), so
# its SHM segments (keys 0x4E545030 + unit, machine-wide) are not those of
# another test run on the same machine, nor of a real ntpd or chronyd.
# Call it first: it starts the script again under unshare.
c_own_ipc() {
	[ -n "${C_OWN_IPC:-}" ] && return 0
	[ "$(id -u)" -eq 0 ] || return 0
	unshare --ipc true 2>/dev/null || t_skip "unshare --ipc does not work here"
	trap - EXIT
	rm -rf "$C_SOCKDIR" ${T_SOCKDIR:+"$T_SOCKDIR"}
	C_OWN_IPC=1 exec unshare --ipc -- "$BASH" "$0" "$@"
}

c_setup() {
	t_require LIGHTTPD
	[ -x "$C_WEBNTP" ] || t_skip "webntp not built"
	[ -x "$C_WS" ] || t_skip "webntp-ws not built"
}

# c_serve PORT [server flags]: webntp -serve in the background; C_SERVE_PID.
c_serve() {
	local port=$1
	shift
	"$C_WEBNTP" -serve "127.0.0.1:$port" "${C_SERVER_FLAGS[@]}" "$@" \
	    >"$T_DIR/serve-$port.log" 2>&1 &
	C_SERVE_PID=$!
	t_bg "$C_SERVE_PID"
	t_wait_port 127.0.0.1 "$port"
}

# c_ws PORT: the sidecar on 127.0.0.1:PORT.
c_ws() {
	"$C_WS" -listen "127.0.0.1:$1" "${C_SERVER_FLAGS[@]}" \
	    2>"$T_DIR/ws-$1.err" &
	t_bg $!
	t_wait_port 127.0.0.1 "$1"
}

# c_ws_faketime PORT SHIFT: the sidecar with its clock shifted (libfaketime).
c_ws_faketime() {
	LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$2" FAKETIME_DONT_FAKE_MONOTONIC=1 \
	ASAN_OPTIONS="$C_ASAN" \
	    "$C_WS" -listen "127.0.0.1:$1" "${C_SERVER_FLAGS[@]}" \
	    2>"$T_DIR/ws-$1.err" &
	t_bg $!
	t_wait_port 127.0.0.1 "$1"
}

# c_lighttpd PORT WSPORT [EXTRA]: web.sh's admin-style lighttpd (the shipped
# webntp.conf included), the server flags of the client tests, EXTRA lines,
# and WebSocket upgrades to the sidecar on WSPORT.
c_lighttpd() {
	T_WS_PORT=$2 t_lighttpd_admin "$1" "${C_SERVER_FLAGS[*]}" "${3:-}"
}

# c_lighttpd_faketime PORT WSPORT SHIFT: lighttpd (not faked) with the
# responder's clock shifted through lighttpd's bin-environment, and
# WebSocket upgrades to the sidecar on WSPORT.
c_lighttpd_faketime() {
	c_lighttpd "$1" "$2" "var.webntp_env = (
	\"LD_PRELOAD\" => \"$FAKETIME_LIB\",
	\"FAKETIME\" => \"$3\",
	\"FAKETIME_DONT_FAKE_MONOTONIC\" => \"1\",
	\"ASAN_OPTIONS\" => \"$C_ASAN\",
)"
}

# c_offset LINE: the offset of a `server URL, offset X, delay Y` line.
c_offset() {
	sed -nE 's/^server [^ ]+, offset (-?[0-9]+\.[0-9]+), delay .*/\1/p' <<<"$1"
}

c_delay() {
	sed -nE 's/^server [^ ]+, offset .*, delay ([0-9]+\.[0-9]+)$/\1/p' <<<"$1"
}

# c_near WHAT EXPECTED ACTUAL TOLERANCE (decimal seconds).
c_near() {
	if [ -n "$3" ] && python3 -c 'import sys; e, a, t = map(float, sys.argv[1:]); sys.exit(abs(a - e) > t)' "$2" "$3" "$4"; then
		t_pass "$1 ($3, expected $2 ± $4)"
	else
		t_fail "$1: [$3] is not $2 ± $4"
	fi
}

# c_near_line WHAT EXPECTED LINE: the offset of a server LINE is EXPECTED
# within 2 ms, or within half its delay (+ 20 us of rounding) when that is
# more: a sample's st lies between its start and its end, so on one clock
# (shifted or not) |offset - shift| <= delay/2 whatever the machine's load;
# a loaded machine's delays, not an error, would break a fixed 2 ms.
c_near_line() {
	local tol
	tol=$(python3 -c 'import sys; print("%.6f" % max(0.002, float(sys.argv[1]) / 2 + 20e-6))' "$(c_delay "$3")")
	c_near "$1" "$2" "$(c_offset "$3")" "$tol"
}

# The line format of go-webntp, for URL (regex-quoted by the caller).
C_NUM='-?[0-9]+\.[0-9]{6}'
C_GOTIME='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]*[1-9])? [+-][0-9]{4} [A-Za-z0-9+-]+'
