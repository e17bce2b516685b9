# bench/lib.sh: server launchers shared by bench/bench.sh and bench/soak.sh
# (bash). Source it after tests/integration/lib.sh and web.sh; it needs
# $LIGHTTPD, $WS (webntp-ws), $FLAGS (the servers' flags) and $D (a
# directory for configs and logs, read when each function runs).

# bench_lighttpd PORT FLAGS [CONF]: as web.sh's t_lighttpd (lighttpd.conf
# from the environment, T_RESPONDER, T_WS_PORT), with another config.
bench_lighttpd() {
	local port=$1 flags=$2 conf=${3:-$top_srcdir/lighttpd/lighttpd.conf}

	mkdir -p "$T_SOCKDIR/l$port"
	WEBNTP_BIND=127.0.0.1 WEBNTP_PORT=$port WEBNTP_FCGI=$T_RESPONDER \
	WEBNTP_FLAGS="${flags:- }" WEBNTP_WS_HOST=127.0.0.1 \
	WEBNTP_WS_PORT=${T_WS_PORT:-1} WEBNTP_RUNDIR="$T_SOCKDIR/l$port" \
	WEBNTP_WWW="$top_srcdir/www" \
	    "$LIGHTTPD" -D -f "$conf" >"$D/lighttpd-$port.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$port"
}

# lighttpd_cfg NAME PROCS [EXTRA]: lighttpd.conf as shipped, but with PROCS
# responder processes (its only fixed setting; "" keeps the shipped number)
# and EXTRA lines (any text) before the include of webntp.conf.
lighttpd_cfg() {
	local extra=${3:-}

	extra=${extra//\\/\\\\}
	extra=${extra//|/\\|}
	extra=${extra//&/\\&}
	sed -e "${2:+s|^var.webntp_procs = .*|var.webntp_procs = $2|}" \
	    -e "s|^include \"webntp.conf\"|${extra//$'\n'/\\n}\ninclude \"$top_srcdir/lighttpd/webntp.conf\"|" \
	    -e "s|^include \"webntp-www.conf\"|include \"$top_srcdir/lighttpd/webntp-www.conf\"|" \
	    "$top_srcdir/lighttpd/lighttpd.conf" >"$D/$1.conf"
	echo "$D/$1.conf"
}

# sidecar PORT [RUNNER...]: webntp-ws on 127.0.0.1:PORT with $FLAGS (under
# RUNNER, e.g. valgrind and its options, when given), ready.
sidecar() {
	local port=$1
	shift
	"$@" "$WS" -listen "127.0.0.1:$port" $FLAGS 2>>"$D/ws-$port.log" &
	t_bg $!
	t_wait_port 127.0.0.1 "$port" 300
}

# bench_machine: one Markdown list item naming the machine.
bench_machine() {
	echo "- Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores" \
	    "($(lscpu | sed -n 's/^Thread(s) per core: *//p') thread(s) per core), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM;" \
	    "Linux $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")."
}
