/*
 * serve.c: `webntp -serve [host]:port [server flags]` (PROTOCOL.md section
 * 5): the whole service in the foreground: lighttpd with the project's
 * lighttpd.conf (which spawns webntp.fcgi), and the WebSocket sidecar
 * webntp-ws on a free loopback port. Ctrl-C or SIGTERM stops all of it; if
 * one child dies, the other is stopped too and the exit status is 1.
 *
 * NOTES: lighttpd.conf reads WEBNTP_BIND, WEBNTP_PORT, WEBNTP_FCGI,
 * WEBNTP_FLAGS, WEBNTP_WS_HOST, WEBNTP_WS_PORT and WEBNTP_RUNDIR from the
 * environment (COMMON.md contract). The installed paths come from
 * configure; environment variables override them to run from a build tree.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "serveropt.h"
#include "ts.h"

#define SERVE_FLAGS_MAX	4096
#define SERVE_STOP_WAIT	(5 * TS_NS_PER_SEC)

static volatile sig_atomic_t serve_signal;

struct serve_child {
	const char	*name;
	pid_t		 pid;
};

void
serve_usage(FILE *f)
{
	fprintf(f,
"-serve [host]:port runs lighttpd (with webntp.fcgi) and the WebSocket\n"
"sidecar webntp-ws in the foreground on that address; Ctrl-C stops them.\n"
"Server flags (passed to webntp.fcgi and webntp-ws):\n"
"  -allow-cross-origin, -leap-second-path PATH, -leap-second-url URL\n"
"Environment (to run from a build tree):\n"
"  LIGHTTPD              lighttpd binary (default: found in PATH, /usr/sbin)\n"
"  WEBNTP_LIGHTTPD_CONF  config (default %s/lighttpd/lighttpd.conf)\n"
"  WEBNTP_FCGI           responder (default %s/webntp.fcgi)\n"
"  WEBNTP_WS_BIN         sidecar (default %s/webntp-ws)\n"
"  XDG_RUNTIME_DIR       where the run directory is made (default /tmp)\n",
	    WEBNTP_DATADIR, WEBNTP_LIBEXECDIR, WEBNTP_SBINDIR);
}

static const char *
serve_env(const char *name, const char *dflt, char *buf, size_t cap,
    const char *file)
{
	const char *v = getenv(name);

	if (v != NULL && v[0] != '\0')
		return v;
	snprintf(buf, cap, "%s%s", dflt, file);
	return buf;
}

/* lighttpd from $LIGHTTPD, else PATH, else /usr/sbin and /sbin. */
static int
serve_find_lighttpd(char *buf, size_t cap)
{
	const char *v = getenv("LIGHTTPD"), *path;
	char *dirs, *d, *save = NULL;
	int found = -1;

	if (v != NULL && v[0] != '\0') {
		snprintf(buf, cap, "%s", v);
		return access(buf, X_OK);
	}
	path = getenv("PATH");
	if (asprintf(&dirs, "%s:/usr/sbin:/sbin", path != NULL ? path : "")
	    == -1)
		return -1;
	for (d = strtok_r(dirs, ":", &save); d != NULL && found == -1;
	    d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, cap, "%s/lighttpd", d);
		if (access(buf, X_OK) == 0)
			found = 0;
	}
	free(dirs);
	return found;
}

/* "[host]:port", host optional ("" means every address). */
static int
serve_addr(const char *addr, char *host, size_t cap, char *port, size_t pcap)
{
	long p;

	if (serveropt_hostport(addr, host, cap, &p) != 0)
		return -1;
	if (host[0] == '\0')
		snprintf(host, cap, "0.0.0.0");
	snprintf(port, pcap, "%ld", p);
	return 0;
}

/* A loopback port nothing listens on now (the kernel's choice). */
static int
serve_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int
serve_rm(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	remove(path);
	return 0;
}

static void
serve_on_signal(int sig)
{
	serve_signal = sig;
}

static pid_t
serve_spawn(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", CLIENT_NAME, argv[0],
		    strerror(errno));
		_exit(127);
	}
	return pid;
}

/* SIGTERM the children still running and wait (bounded) for them. */
static void
serve_stop(struct serve_child *c, size_t n)
{
	int64_t deadline = ts_mono_ns() + SERVE_STOP_WAIT;
	size_t i, left;
	int st;

	for (i = 0; i < n; i++)
		if (c[i].pid > 0)
			kill(c[i].pid, SIGTERM);
	do {
		left = 0;
		for (i = 0; i < n; i++) {
			if (c[i].pid <= 0)
				continue;
			if (waitpid(c[i].pid, &st, WNOHANG) == c[i].pid)
				c[i].pid = 0;
			else
				left++;
		}
		if (left > 0)
			measure_pause(TS_NS_PER_SEC / 20);
	} while (left > 0 && ts_mono_ns() < deadline);
	for (i = 0; i < n; i++) {
		if (c[i].pid > 0) {
			kill(c[i].pid, SIGKILL);
			waitpid(c[i].pid, &st, 0);
			c[i].pid = 0;
		}
	}
}

int
serve_main(int argc, char **argv)
{
	const char *addr = NULL;
	const struct serveropt_flag own[] = {
		{ "serve", "[HOST]:PORT", "serve on this address", &addr,
		    NULL },
	};
	char lighttpd[4096], confb[4096], fcgib[4096], wsb[4096];
	char host[256], port[16], wsport[16], listen[64];
	char flags[SERVE_FLAGS_MAX], rundir[4096];
	const char *conf, *fcgi, *ws, *tmp;
	char *wsargv[16], *largv[5];
	struct serve_child kids[2] = { { "webntp-ws", 0 }, { "lighttpd", 0 } };
	struct serveropt o;
	struct sigaction sa;
	struct err e = { "" };
	int i, k, st, rc = 0, p;
	pid_t pid;

	switch (serveropt_parse(&o, argc, argv, own, 1, NULL, &e)) {
	case SERVEROPT_BAD:
		fprintf(stderr, "%s: %s\n", CLIENT_NAME, e.msg);
		return 2;
	case SERVEROPT_HELP:
		serve_usage(stdout);
		return 0;
	case SERVEROPT_VERSION:
		printf("webntp version %s\n", PACKAGE_VERSION);
		return 0;
	case SERVEROPT_RUN:
		break;
	}
	if (addr == NULL || serve_addr(addr, host, sizeof(host), port,
	    sizeof(port)) == -1) {
		fprintf(stderr, "%s: invalid -serve \"%s\": not [HOST]:PORT\n",
		    CLIENT_NAME, addr != NULL ? addr : "");
		return 2;
	}
	if (serve_find_lighttpd(lighttpd, sizeof(lighttpd)) == -1) {
		fprintf(stderr, "%s: lighttpd not found: install lighttpd "
		    "(Debian package lighttpd)\n", CLIENT_NAME);
		return 1;
	}
	conf = serve_env("WEBNTP_LIGHTTPD_CONF", WEBNTP_DATADIR, confb,
	    sizeof(confb), "/lighttpd/lighttpd.conf");
	fcgi = serve_env("WEBNTP_FCGI", WEBNTP_LIBEXECDIR, fcgib, sizeof(fcgib),
	    "/webntp.fcgi");
	ws = serve_env("WEBNTP_WS_BIN", WEBNTP_SBINDIR, wsb, sizeof(wsb),
	    "/webntp-ws");
	if (access(conf, R_OK) == -1 || access(fcgi, X_OK) == -1 ||
	    access(ws, X_OK) == -1) {
		fprintf(stderr, "%s: %s: %s\n", CLIENT_NAME,
		    access(conf, R_OK) == -1 ? conf :
		    access(fcgi, X_OK) == -1 ? fcgi : ws, strerror(errno));
		return 1;
	}

	/* The server flags, for both programs. */
	k = 0;
	wsargv[k++] = (char *)ws;
	wsargv[k++] = "-listen";
	if ((p = serve_free_port()) == -1) {
		fprintf(stderr, "%s: no free port for the sidecar\n",
		    CLIENT_NAME);
		return 1;
	}
	snprintf(wsport, sizeof(wsport), "%d", p);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", p);
	wsargv[k++] = listen;
	if (o.allow_cross_origin)
		wsargv[k++] = "-allow-cross-origin";
	if (o.leap_path_given) {
		wsargv[k++] = "-leap-second-path";
		wsargv[k++] = (char *)o.leap_path;
	}
	if (strcmp(o.leap_url, SERVEROPT_LEAP_URL) != 0) {
		wsargv[k++] = "-leap-second-url";
		wsargv[k++] = (char *)o.leap_url;
	}
	wsargv[k] = NULL;
	/* "-leap-second-url=URL": lighttpd splits bin-path on spaces and the
	 * responder drops empty words, so an empty URL needs the "=". */
	if (snprintf(flags, sizeof(flags), "%s%s%s%s%s",
	    o.allow_cross_origin ? " -allow-cross-origin" : "",
	    o.leap_path_given ? " -leap-second-path " : "",
	    o.leap_path_given ? o.leap_path : "",
	    strcmp(o.leap_url, SERVEROPT_LEAP_URL) != 0 ?
	    " -leap-second-url=" : "",
	    strcmp(o.leap_url, SERVEROPT_LEAP_URL) != 0 ? o.leap_url : "")
	    >= (int)sizeof(flags)) {
		fprintf(stderr, "%s: server flags too long\n", CLIENT_NAME);
		return 2;
	}

	tmp = getenv("XDG_RUNTIME_DIR");
	snprintf(rundir, sizeof(rundir), "%s/webntp-serve.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(rundir) == NULL) {
		fprintf(stderr, "%s: mkdtemp %s: %s\n", CLIENT_NAME, rundir,
		    strerror(errno));
		return 1;
	}
	setenv("WEBNTP_BIND", host, 1);
	setenv("WEBNTP_PORT", port, 1);
	setenv("WEBNTP_FCGI", fcgi, 1);
	setenv("WEBNTP_FLAGS", flags[0] != '\0' ? flags : " ", 1);
	setenv("WEBNTP_WS_HOST", "127.0.0.1", 1);
	setenv("WEBNTP_WS_PORT", wsport, 1);
	setenv("WEBNTP_RUNDIR", rundir, 1);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = serve_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	largv[0] = lighttpd;
	largv[1] = "-D";
	largv[2] = "-f";
	largv[3] = (char *)conf;
	largv[4] = NULL;
	kids[0].pid = serve_spawn(wsargv);
	if (kids[0].pid > 0)
		kids[1].pid = serve_spawn(largv);
	if (kids[0].pid <= 0 || kids[1].pid <= 0) {
		fprintf(stderr, "%s: fork: %s\n", CLIENT_NAME, strerror(errno));
		rc = 1;
	} else {
		fprintf(stderr, "%s: serving http://%s:%s/ and ws://%s:%s/ "
		    "(sidecar on %s); Ctrl-C stops\n", CLIENT_NAME, host, port,
		    host, port, listen);
	}
	while (rc == 0 && serve_signal == 0) {
		pid = waitpid(-1, &st, 0);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			rc = 1;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (kids[i].pid != pid)
				continue;
			kids[i].pid = 0;
			if (WIFEXITED(st))
				fprintf(stderr, "%s: %s exited with status "
				    "%d\n", CLIENT_NAME, kids[i].name,
				    WEXITSTATUS(st));
			else
				fprintf(stderr, "%s: %s killed by signal %d\n",
				    CLIENT_NAME, kids[i].name,
				    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
			rc = 1;
		}
	}
	/* measure_pause stops early once client_stop is set: keep it 0. */
	serve_stop(kids, 2);
	nftw(rundir, serve_rm, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
