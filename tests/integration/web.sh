# web.sh: start the real lighttpd and Apache with the shipped configs
# (lighttpd/*.conf, apache/webntp.conf, used verbatim) for the integration
# tests. Source it after lib.sh.

T_RESPONDER="$top_builddir/src/responder/webntp.fcgi"

# The flags every test server gets unless it says otherwise: a leap cache in
# $T_DIR (absent: tzdata's table) and a download URL that fails at once, so
# that an expired table never sends the fetch to the Internet.
T_SERVER_FLAGS="-leap-second-path $T_DIR/leap-seconds.list -leap-second-url file://$T_DIR/no-such-leap-seconds.list"

# t_lighttpd PORT FLAGS [CONF]: lighttpd in the foreground with
# lighttpd/lighttpd.conf (or CONF, which may include it), the responder
# getting FLAGS; its output in $T_DIR/lighttpd-PORT.log. Waits until it listens.
t_lighttpd() {
	local port=$1 flags=$2 conf=${3:-$top_srcdir/lighttpd/lighttpd.conf}
	local run
	run="$T_DIR/lighttpd-$port"

	mkdir -p "$run"
	WEBNTP_BIND=127.0.0.1 WEBNTP_PORT=$port WEBNTP_FCGI=$T_RESPONDER \
	WEBNTP_FLAGS="${flags:- }" WEBNTP_WS_HOST=127.0.0.1 \
	WEBNTP_WS_PORT=${T_WS_PORT:-1} WEBNTP_RUNDIR=$run \
	    "$LIGHTTPD" -D -f "$conf" >"$run.log" 2>&1 &
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

# t_apache PORT FLAGS [EXTRA]: apache2 in the foreground with a minimal main
# config in $T_DIR/apache-PORT/ that Defines the settings and Includes
# apache/webntp.conf as built; EXTRA lines go before the Include.
t_apache() {
	local port=$1 flags=$2 extra=${3:-} m
	local d conf
	d="$T_DIR/apache-$port" conf="$top_builddir/apache/webntp.conf"

	mkdir -p "$d/htdocs" "$d/fcgid"
	{
		echo "ServerRoot \"$d\""
		echo "ServerName 127.0.0.1"
		echo "Listen 127.0.0.1:$port"
		echo "PidFile \"$d/httpd.pid\""
		echo "ErrorLog \"$d/error.log\""
		echo "LogLevel warn"
		echo "DefaultRuntimeDir \"$d\""
		echo "DocumentRoot \"$d/htdocs\""
		for m in mpm_event authz_core fcgid rewrite proxy proxy_wstunnel; do
			echo "LoadModule ${m}_module \"$APACHE_MODULES/mod_$m.so\""
		done
		echo "FcgidIPCDir \"$d/fcgid\""
		echo "FcgidProcessTableFile \"$d/fcgid/shm\""
		[ "$(id -u)" -eq 0 ] && t_apache_user
		echo "Define WEBNTP_FCGI \"$T_RESPONDER\""
		echo "Define WEBNTP_FLAGS \"$flags\""
		echo "Define WEBNTP_WS_HOST 127.0.0.1"
		echo "Define WEBNTP_WS_PORT ${T_WS_PORT:-1}"
		[ -n "$extra" ] && echo "$extra"
		echo "Include \"$conf\""
	} >"$d/httpd.conf"
	if [ "$(id -u)" -eq 0 ]; then
		# The children (and so webntp.fcgi) run as that user.
		chown -R "$(t_apache_user | awk '/^User/ {print $2}')" "$d" "$T_DIR"
	fi
	"$APACHE2" -d "$d" -f "$d/httpd.conf" -DFOREGROUND >"$d.log" 2>&1 &
	t_bg $!
	t_wait_port 127.0.0.1 "$port"
}
