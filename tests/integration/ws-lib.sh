# ws-lib.sh: shared by the ws-*.test scripts (bash), sourced after lib.sh.
# The WebSocket client is node's `ws` package (not written here), Debian's
# node-ws (tests never download: WS_NODE_MODULES may name another copy);
# tests/integration/ws-client.js drives it.

# WS_SIDECAR may name another build's binary (to try a test on it).
WS_SIDECAR="${WS_SIDECAR:-$top_builddir/src/sidecar/webntp-ws}"
WS_LEAP="$top_srcdir/tests/data/leap-seconds-2019-05-02.list"
WS_CLIENT="$top_srcdir/tests/integration/ws-client.js"
export WS_NODE_MODULES="${WS_NODE_MODULES:-/usr/share/nodejs}"
WS_PROTO=webntp.shogo82148.com

ws_setup() {
	t_require NODE
	[ -x "$WS_SIDECAR" ] || t_skip "webntp-ws not built"
	[ -f "$WS_NODE_MODULES/ws/package.json" ] ||
		t_skip "node's ws not in $WS_NODE_MODULES: install node-ws"
	# The 1000-connection tests need the descriptors (the soft limit only:
	# a test may raise it further).
	ulimit -Sn 4096 2>/dev/null || true
}

# ws_raw MODE ARGS...: tests/integration/ws-raw.py against WS_PORT (a raw
# socket client, for what node's ws will not do), one JSON line.
ws_raw() {
	python3 "$top_srcdir/tests/integration/ws-raw.py" "$WS_PORT" "$@"
}

# ws_gone PID: the process has exited (a zombie not yet waited for counts).
ws_gone() {
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -z "$s" ] || [[ $s == Z* ]]
}

# ws_client URL [ws-client.js options]: one JSON line.
ws_client() {
	"$NODE" "$WS_CLIENT" "$@"
}

# ws_json JSON EXPR: a field of the client's answer (a JS expression on r);
# newlines in strings are shown as <NL>.
ws_json() {
	"$NODE" -e 'const r = JSON.parse(process.argv[1]);
		const v = eval(process.argv[2]);
		process.stdout.write(typeof v === "string" ?
		    v.replace(/\n/g, "<NL>") : String(JSON.stringify(v)));' "$1" "$2"
}

# ws_start NAME [flags]: start webntp-ws on a fresh port with a copy of
# WS_LEAP_SRC (default WS_LEAP) as its leap table in $T_DIR; sets WS_PORT
# and WS_PID; stderr goes to $T_DIR/NAME.err.
ws_start() {
	local name=$1
	shift
	WS_PORT=$(t_port)
	# A copy of the table: the expired 2019 table makes the server try a
	# download, which must fail locally and never touch the source tree.
	cp "${WS_LEAP_SRC:-$WS_LEAP}" "$T_DIR/leap-seconds.list"
	"$WS_SIDECAR" -listen "127.0.0.1:$WS_PORT" \
		-leap-second-path "$T_DIR/leap-seconds.list" \
		-leap-second-url "file://$T_DIR/nonexistent" \
		"$@" 2>"$T_DIR/$name.err" &
	WS_PID=$!
	t_bg "$WS_PID"
	t_wait_port 127.0.0.1 "$WS_PORT"
}

# ws_answer_re HOST IT: the answer (as ws_json shows it) for Host HOST and
# client timestamp IT, byte for byte but the value of st and time.
ws_answer_re() {
	local host=${1//./\\.} it=${2//./\\.}
	printf '%s' "^\\{\"id\":\"$host\",\"it\":$it,\"st\":[0-9]+\\.[0-9]{6},\"time\":[0-9]+\\.[0-9]{6},\"leap\":36,\"next\":1483228800\\.000000,\"step\":1\\}<NL>\$"
}

# ws_errors NAME: the sidecar's stderr without the leap-table download
# lines (the tests' table is expired on purpose).
ws_errors() {
	grep -iv 'leap' "$T_DIR/$1.err" || true
}

# ws_proxied NAME PORT: the checks of a web server on PORT (started with
# web.sh, the sidecar on T_WS_PORT) that sends upgrades to the sidecar and
# the rest to the responder, on the same URL.
ws_proxied() {
	local name=$1 port=$2 r re out
	local u="ws://127.0.0.1:$port/"
	re=$(ws_answer_re "127.0.0.1:$port" 1558915619.944235)

	r=$(ws_client "$u" --protocol chat --protocol $WS_PROTO --send 1558915619.944235)
	t_match "$name: ws:// answered, id is the public host" "$re" "$(ws_json "$r" 'r.answers[0]')"
	t_eq "$name: subprotocol echoed" "$WS_PROTO" "$(ws_json "$r" 'r.protocol')"
	t_eq "$name: clean close" 1000 "$(ws_json "$r" 'r.close')"

	r=$(ws_client "ws://127.0.0.1:$port/.well-known/time" --send 1558915619.944235 \
		--send 1558915619.944235)
	t_eq "$name: another path, two messages, two answers" 2 "$(ws_json "$r" 'r.answers.length')"
	t_match "$name: another path, second answer" "$re" "$(ws_json "$r" 'r.answers[1]')"

	r=$(ws_client "$u" --send hello)
	t_eq "$name: 1007 passes through" 1007 "$(ws_json "$r" 'r.close')"

	r=$(ws_client "$u" --origin http://evil.example --send 1)
	t_eq "$name: foreign Origin refused" 403 "$(ws_json "$r" 'r.status')"

	out=$("$CURL" -s -D "$T_DIR/$name.hdr" "http://127.0.0.1:$port/?1558915619.944235")
	t_match "$name: plain HTTP on the same URL answered by the responder" \
		"$(ws_answer_re "127.0.0.1:$port" 1558915619.944235 | sed 's/<NL>\$$/$/')" "$out"
	t_match "$name: plain HTTP is a 200" '^HTTP/1\.1 200' "$(head -n1 "$T_DIR/$name.hdr")"

	r=$(ws_client "$u" --connections 200 --send 1 --send 2 --timeout 60000)
	t_eq "$name: 200 connections at once, all answered" 0 "$(ws_json "$r" 'r.bad')"
}
