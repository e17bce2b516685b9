# www-lib.sh: shared by www-configs.test and the browser-*.test scripts
# (bash), sourced after lib.sh and web.sh: the www directory (webntp.js and
# the /clock/ page) and the checks of how a server serves it.

W_WWW="$top_srcdir/www"
W_CSP="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

# w_check_static NAME PORT: /clock/, its script and style sheet, and
# /webntp.js come from the www directory, byte for byte, with their types
# and the isolation, CSP and cache headers; what is around them still
# answers WebNTP.
w_check_static() {
	local n=$1 u="http://127.0.0.1:$2" path file type
	for path in /clock/ /clock/clock.js /clock/clock.css /webntp.js; do
		case $path in
		/clock/) file=clock/index.html type="text/html; charset=utf-8" ;;
		*.js) file=${path#/} type="text/javascript; charset=utf-8" ;;
		*.css) file=${path#/} type="text/css; charset=utf-8" ;;
		esac
		t_http "$u$path"
		t_eq "$n GET $path: status" 200 "$T_STATUS"
		t_eq "$n GET $path: Content-Type" "$type" "$(t_header Content-Type)"
		if cmp -s "$W_WWW/$file" "$T_DIR/b"; then
			t_pass "$n GET $path: the file www/$file"
		else
			t_fail "$n GET $path: not the file www/$file ($(head -c 80 "$T_DIR/b"))"
		fi
		t_eq "$n GET $path: COOP" same-origin "$(t_header Cross-Origin-Opener-Policy)"
		t_eq "$n GET $path: COEP" require-corp "$(t_header Cross-Origin-Embedder-Policy)"
		t_eq "$n GET $path: CORP" cross-origin "$(t_header Cross-Origin-Resource-Policy)"
		t_eq "$n GET $path: CSP" "$W_CSP" "$(t_header Content-Security-Policy)"
		t_eq "$n GET $path: Cache-Control" no-cache "$(t_header Cache-Control)"
		t_eq "$n GET $path: nosniff" nosniff "$(t_header X-Content-Type-Options)"
	done
	t_eq "$n GET /webntp.js: CORS (other sites import it)" "*" \
	    "$(t_http "$u/webntp.js"; t_header Access-Control-Allow-Origin)"
	# Not a file: a 404, never the responder's JSON nor another file.
	t_http "$u/clock/no-such-file"
	t_eq "$n GET /clock/no-such-file: status" 404 "$T_STATUS"
	t_http --path-as-is "$u/clock/../../../../../../etc/passwd"
	t_eq "$n GET /clock/../../etc/passwd: no file outside www" "" \
	    "$(grep -l '^root:' "$T_DIR/b")"
	# Everything else is still WebNTP.
	for path in "/?1" "/clock?1" "/webntp.jsx?1" "/clocks/?1"; do
		t_http "$u$path"
		t_eq "$n GET $path: status" 200 "$T_STATUS"
		t_match "$n GET $path: the JSON answer" \
		    '^\{"id":"127\.0\.0\.1:'"$2"'","it":1\.000000,"st":[0-9]+\.[0-9]{6},' \
		    "$(cat "$T_DIR/b")"
		t_eq "$n GET $path: no isolation headers" "" \
		    "$(t_header Cross-Origin-Embedder-Policy)"
	done
	t_http -I "$u/.well-known/time"
	t_eq "$n HEAD /.well-known/time: status" 204 "$T_STATUS"
}

# w_check_ws NAME PORT: WebSocket on /, and on /clock/, reaches the sidecar.
w_check_ws() {
	local n=$1 path r
	for path in / /clock/; do
		r=$(ws_client "ws://127.0.0.1:$2$path" --protocol "$WS_PROTO" --send 1.5)
		t_eq "$n ws $path: subprotocol" "$WS_PROTO" "$(ws_json "$r" 'r.protocol')"
		t_match "$n ws $path: the JSON answer" \
		    '^\{"id":"127\.0\.0\.1:'"$2"'","it":1\.500000,"st":[0-9]+\.[0-9]{6},' \
		    "$(ws_json "$r" 'r.answers[0]')"
	done
}
