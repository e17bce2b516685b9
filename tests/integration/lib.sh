# lib.sh: shared by the integration tests (bash). Source it first thing:
#   . "$top_srcdir/tests/integration/lib.sh"
# It gives each test a runtime directory under the build tree, ephemeral
# ports, clean-up of every process the test started, and assertions that
# count and report. Exit codes follow automake: 0 pass, 1 fail, 77 skip,
# 99 hard error.
set -u

: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"

T_NAME=$(basename "${0%.test}")
T_DIR="$top_builddir/tests/run/$T_NAME"
T_PIDS=()
T_FAILS=0
T_PASSES=0

rm -rf "$T_DIR"
mkdir -p "$T_DIR"

# In CI (CI=true) nothing may be skipped: a missing tool is a failure.
t_skip() {
	if [ "${CI:-}" = true ]; then
		echo "ERROR: $* (CI must not skip)"
		exit 99
	fi
	echo "SKIP: $*"
	exit 77
}

t_require() {
	local v
	for v in "$@"; do
		[ -n "${!v:-}" ] && [ -x "${!v}" ] || t_skip "$v not found"
	done
}

# A TCP port nothing listens on now (the kernel's choice for port 0).
t_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Wait until HOST:PORT accepts connections (default 10 s).
t_wait_port() {
	local host=$1 port=$2 tries=${3:-100}
	while [ "$tries" -gt 0 ]; do
		if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		tries=$((tries - 1))
	done
	echo "ERROR: nothing listens on $host:$port"
	return 1
}

# Wait until a file exists (default 10 s).
t_wait_file() {
	local f=$1 tries=${2:-100}
	while [ "$tries" -gt 0 ]; do
		[ -e "$f" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	echo "ERROR: $f did not appear"
	return 1
}

# Remember a background process to stop at exit.
t_bg() {
	T_PIDS+=("$1")
}

t_cleanup() {
	local p
	for p in "${T_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${T_PIDS[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
trap t_cleanup EXIT

t_pass() {
	T_PASSES=$((T_PASSES + 1))
	echo "ok - $*"
}

t_fail() {
	T_FAILS=$((T_FAILS + 1))
	echo "FAIL - $*"
}

# t_eq WHAT EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_pass "$1"
	else
		t_fail "$1: expected [$2], got [$3]"
	fi
}

# t_match WHAT ERE ACTUAL
t_match() {
	if [[ $3 =~ $2 ]]; then
		t_pass "$1"
	else
		t_fail "$1: [$3] does not match /$2/"
	fi
}

# t_done: the test's verdict, as the last line.
t_done() {
	echo "$T_PASSES passed, $T_FAILS failed"
	[ "$T_FAILS" -eq 0 ]
	exit $?
}
