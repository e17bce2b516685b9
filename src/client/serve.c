/*
 * serve.c: `webntp -serve [host]:port [server flags]` (doc/protocol.md section
 * 5): the whole service in the foreground: lighttpd with the project's
 * lighttpd.conf (which spawns webntp.fcgi), and the WebSocket sidecar
 * webntp-ws on a Unix socket in a private run directory. A child that dies
 * is started again after a short pause while the other keeps serving; one
 * that keeps dying at once is given up on, and then everything stops with
 * exit status 1. Ctrl-C, SIGTERM or SIGHUP stop all of it (exit status 0).
 *
 * NOTES: lighttpd.conf reads WEBNTP_BIND, WEBNTP_PORT, WEBNTP_FCGI,
 * WEBNTP_FLAGS, WEBNTP_WS_HOST, WEBNTP_WS_PORT, WEBNTP_RUNDIR and WEBNTP_WWW
 * (the www directory it serves at /clock/ and /webntp.js) from the
 * environment; WEBNTP_WS_HOST is the sidecar's socket path, which lighttpd's
 * mod_proxy takes as a Unix socket (it starts with "/"), so no port is
 * picked that another process could take first. The installed paths come
 * from configure; environment variables override them to run from a build
 * tree.
 *
 * Each child runs in a process group of its own: lighttpd's webntp.fcgi
 * processes stay in lighttpd's, so when lighttpd dies they are stopped with
 * it (a new lighttpd would otherwise find them on their sockets, take them
 * for someone else's and never restart them). -serve is their subreaper,
 * so it reaps them and knows when a group is gone. Signals stay blocked and
 * are taken with sigtimedwait(), so none can arrive between a check and
 * the wait: a SIGCHLD or SIGTERM sent at any moment ends the next wait.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "serveropt.h"
#include "ts.h"

#define SERVE_FLAGS_MAX		4096
#define SERVE_PATH_MAX		4096
/* The children get SIGTERM, then SIGKILL after this. */
#define SERVE_STOP_WAIT		(5 * TS_NS_PER_SEC)
/* Restart pauses: 0.1 s, doubled after each quick failure. */
#define SERVE_BACKOFF_MIN	(TS_NS_PER_SEC / 10)
/* A child that ran this long did not fail "at once". */
#define SERVE_STABLE		(10 * TS_NS_PER_SEC)
/* This many quick failures in a row (pauses 0.1 to 1.6 s in between, about
 * 3 s in all): it cannot start (a port in use, a broken config); give up. */
#define SERVE_FAILS_MAX		6
/* How often a dead child's group is checked while it empties. */
#define SERVE_POLL		(TS_NS_PER_SEC / 20)
/* lighttpd.conf's server.max-fds; the sidecar needs as many. */
#define SERVE_NOFILE		16384

struct serve_child {
	const char	 *name;
	char		**argv;
	pid_t		  pid;		/* running leader; 0: none */
	pid_t		  pgid;		/* its group, until it is empty; 0 */
	int64_t		  started;	/* CLOCK_MONOTONIC ns */
	int64_t		  restart_at;	/* due time while down */
	int64_t		  kill_at;	/* SIGKILL the group if still there */
	int		  fails;	/* quick failures in a row */
};

struct serve {
	char		 lighttpd[SERVE_PATH_MAX];
	char		 confb[SERVE_PATH_MAX], fcgib[SERVE_PATH_MAX];
	char		 wsb[SERVE_PATH_MAX], wwwb[SERVE_PATH_MAX];
	const char	*conf, *fcgi, *ws, *www;
	char		 host[256], port[16];
	char		 flags[SERVE_FLAGS_MAX];
	char		 rundir[SERVE_PATH_MAX];
	char		 sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char		 listen[sizeof(((struct sockaddr_un *)0)->sun_path) + 5];
	char		*wsargv[16], *largv[5];
	struct serve_child kids[2];	/* the sidecar first */
	sigset_t	 sigs, oldmask;
};

void
serve_usage(FILE *f)
{
	fprintf(f,
"-serve [host]:port runs lighttpd (with webntp.fcgi) and the WebSocket\n"
"sidecar webntp-ws in the foreground on that address; a child that dies is\n"
"restarted (after 0.1 s, doubled up to 1.6 s while it keeps dying at once;\n"
"after %d quick failures in a row everything stops with status 1);\n"
"Ctrl-C stops them.\n"
"Server flags (passed to webntp.fcgi and webntp-ws):\n", SERVE_FAILS_MAX);
	serveropt_usage_server(f);
	fprintf(f,
"Environment (to run from a build tree):\n"
"  LIGHTTPD              lighttpd binary (default: found in PATH, /usr/sbin)\n"
"  WEBNTP_LIGHTTPD_CONF  config (default %s/lighttpd/lighttpd.conf)\n"
"  WEBNTP_FCGI           responder (default %s/webntp.fcgi)\n"
"  WEBNTP_WS_BIN         sidecar (default %s/webntp-ws)\n"
"  WEBNTP_WWW            served at /clock/ and /webntp.js (default %s/www)\n"
"  XDG_RUNTIME_DIR       where the run directory is made (default /tmp)\n",
	    WEBNTP_DATADIR, WEBNTP_LIBEXECDIR, WEBNTP_SBINDIR, WEBNTP_DATADIR);
}

static void
serve_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
serve_log(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", CLIENT_NAME, buf);
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

/* The programs to run: 0, else the exit status. */
static int
serve_paths(struct serve *s)
{
	if (serve_find_lighttpd(s->lighttpd, sizeof(s->lighttpd)) == -1) {
		serve_log("lighttpd not found: install lighttpd (Debian package "
		    "lighttpd)");
		return 1;
	}
	s->conf = serve_env("WEBNTP_LIGHTTPD_CONF", WEBNTP_DATADIR, s->confb,
	    sizeof(s->confb), "/lighttpd/lighttpd.conf");
	s->fcgi = serve_env("WEBNTP_FCGI", WEBNTP_LIBEXECDIR, s->fcgib,
	    sizeof(s->fcgib), "/webntp.fcgi");
	s->ws = serve_env("WEBNTP_WS_BIN", WEBNTP_SBINDIR, s->wsb,
	    sizeof(s->wsb), "/webntp-ws");
	s->www = serve_env("WEBNTP_WWW", WEBNTP_DATADIR, s->wwwb,
	    sizeof(s->wwwb), "/www");
	if (access(s->conf, R_OK) == -1 || access(s->fcgi, X_OK) == -1 ||
	    access(s->ws, X_OK) == -1) {
		serve_log("%s: %s", access(s->conf, R_OK) == -1 ? s->conf :
		    access(s->fcgi, X_OK) == -1 ? s->fcgi : s->ws,
		    strerror(errno));
		return 1;
	}
	/* lighttpd would start without it and answer 404 at /clock/. */
	if (access(s->www, R_OK | X_OK) == -1) {
		serve_log("%s: %s (the www directory, WEBNTP_WWW)", s->www,
		    strerror(errno));
		return 1;
	}
	return 0;
}

/* The run directory, the sidecar's socket in it, and lighttpd's
 * environment: 0, else the exit status. */
static int
serve_rundir(struct serve *s)
{
	const char *tmp = getenv("XDG_RUNTIME_DIR");

	/* The longest socket in it is lighttpd's for webntp.fcgi (it appends
	 * "-N" and wants the rest to fit in sun_path less 2). */
	if (snprintf(s->rundir, sizeof(s->rundir), "%s/webntp-serve.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp") >=
	    (int)sizeof(s->rundir) || strlen(s->rundir) +
	    sizeof("/webntp.fcgi.sock") > sizeof(s->sock) - 2) {
		serve_log("run directory %s: too long for a Unix socket "
		    "(set XDG_RUNTIME_DIR to a shorter directory)", s->rundir);
		return 1;
	}
	if (mkdtemp(s->rundir) == NULL) {
		serve_log("mkdtemp %s: %s", s->rundir, strerror(errno));
		return 1;
	}
	/* Both fit: checked above. */
	if (snprintf(s->sock, sizeof(s->sock), "%s/ws.sock", s->rundir) >=
	    (int)sizeof(s->sock) || snprintf(s->listen, sizeof(s->listen),
	    "unix:%s", s->sock) >= (int)sizeof(s->listen))
		return 1;
	setenv("WEBNTP_BIND", s->host, 1);
	setenv("WEBNTP_PORT", s->port, 1);
	setenv("WEBNTP_FCGI", s->fcgi, 1);
	setenv("WEBNTP_FLAGS", s->flags[0] != '\0' ? s->flags : " ", 1);
	setenv("WEBNTP_WS_HOST", s->sock, 1);
	setenv("WEBNTP_WS_PORT", "0", 1);	/* unused with a socket */
	setenv("WEBNTP_RUNDIR", s->rundir, 1);
	setenv("WEBNTP_WWW", s->www, 1);
	return 0;
}

/* The server flags, for both programs: 0, else the exit status. */
static int
serve_args(struct serve *s, const struct serveropt *o)
{
	bool url = strcmp(o->leap_url, SERVEROPT_LEAP_URL) != 0;
	int k = 0;

	s->wsargv[k++] = (char *)s->ws;
	s->wsargv[k++] = "-listen";
	s->wsargv[k++] = s->listen;
	if (o->allow_cross_origin)
		s->wsargv[k++] = "-allow-cross-origin";
	if (o->leap_path_given) {
		s->wsargv[k++] = "-leap-second-path";
		s->wsargv[k++] = (char *)o->leap_path;
	}
	if (url) {
		s->wsargv[k++] = "-leap-second-url";
		s->wsargv[k++] = (char *)o->leap_url;
	}
	s->wsargv[k] = NULL;
	/* "-leap-second-url=URL": lighttpd splits bin-path on spaces and the
	 * responder drops empty words, so an empty URL needs the "=". */
	if (snprintf(s->flags, sizeof(s->flags), "%s%s%s%s%s",
	    o->allow_cross_origin ? " -allow-cross-origin" : "",
	    o->leap_path_given ? " -leap-second-path " : "",
	    o->leap_path_given ? o->leap_path : "",
	    url ? " -leap-second-url=" : "", url ? o->leap_url : "") >=
	    (int)sizeof(s->flags)) {
		serve_log("server flags too long");
		return 2;
	}
	s->largv[0] = s->lighttpd;
	s->largv[1] = "-D";
	s->largv[2] = "-f";
	s->largv[3] = (char *)s->conf;
	s->largv[4] = NULL;
	s->kids[0] = (struct serve_child){ .name = "webntp-ws",
	    .argv = s->wsargv };
	s->kids[1] = (struct serve_child){ .name = "lighttpd",
	    .argv = s->largv };
	return 0;
}

/*
 * Descriptors: lighttpd raises its own limit to its server.max-fds only as
 * root, and the sidecar not at all, so a shell's soft limit of 1024 would
 * cap both far below what lighttpd.conf allows. Raise the soft limit (and
 * the hard one when allowed) to SERVE_NOFILE for every child; say so when
 * the hard limit cannot follow.
 */
static void
serve_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= SERVE_NOFILE)
		return;
	if (rl.rlim_max < SERVE_NOFILE) {
		struct rlimit want = { SERVE_NOFILE, SERVE_NOFILE };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
		serve_log("descriptor limit %llu, below the %d lighttpd.conf "
		    "allows: lighttpd and the sidecar will hold fewer clients "
		    "(raise the hard limit: ulimit -Hn, LimitNOFILE=)",
		    (unsigned long long)rl.rlim_max, SERVE_NOFILE);
		rl.rlim_cur = rl.rlim_max;
	} else
		rl.rlim_cur = SERVE_NOFILE;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int
serve_rm(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	remove(path);
	return 0;
}

/* Start c now: 0, or -1 when fork failed (logged). */
static int
serve_start(struct serve *s, struct serve_child *c)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == -1) {
		serve_log("cannot start %s: fork: %s", c->name, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* Its own group; it dies with -serve; default signals (a
		 * shell's background job may have inherited SIGINT ignored). */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
		execv(c->argv[0], c->argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", CLIENT_NAME,
		    c->argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also here: no race with the child's */
	c->pid = c->pgid = pid;
	c->started = ts_mono_ns();
	c->restart_at = c->kill_at = 0;
	return 0;
}

/* Whether c's process group still has a member (zombies count). */
static bool
serve_group_alive(struct serve_child *c)
{
	if (c->pgid > 0 && kill(-c->pgid, 0) == -1 && errno == ESRCH)
		c->pgid = 0;
	return c->pgid > 0;
}

/* c's leader died with status st: log it, stop what is left of its group,
 * plan the restart. -1 when c is given up on. */
static int
serve_died(struct serve_child *c, int st)
{
	int64_t now = ts_mono_ns(), up = now - c->started, pause;
	char how[64];

	c->pid = 0;
	if (WIFEXITED(st))
		snprintf(how, sizeof(how), "exited with status %d",
		    WEXITSTATUS(st));
	else
		snprintf(how, sizeof(how), "killed by signal %d",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	if (c->pgid > 0)
		kill(-c->pgid, SIGTERM);
	c->fails = up >= SERVE_STABLE ? 1 : c->fails + 1;
	if (c->fails >= SERVE_FAILS_MAX) {
		serve_log("%s %s after %.1f s; %d failures in a row within "
		    "%d s of a start: giving up", c->name, how, (double)up /
		    TS_NS_PER_SEC, c->fails, (int)(SERVE_STABLE /
		    TS_NS_PER_SEC));
		return -1;
	}
	pause = SERVE_BACKOFF_MIN << (c->fails - 1);
	c->restart_at = now + pause;
	c->kill_at = now + SERVE_STOP_WAIT;
	serve_log("%s %s after %.1f s; restarting in %.1f s", c->name, how,
	    (double)up / TS_NS_PER_SEC, (double)pause / TS_NS_PER_SEC);
	return 0;
}

/* Reap every child that has ended (the leaders and, as their subreaper,
 * orphans of their groups); with restart, plan the restarts. -1 when a
 * child is given up on. */
static int
serve_reap(struct serve *s, bool restart)
{
	int st, rc = 0;
	size_t i;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < 2; i++) {
			if (s->kids[i].pid != pid)
				continue;
			if (!restart)
				s->kids[i].pid = 0;
			else if (serve_died(&s->kids[i], st) == -1)
				rc = -1;
		}
	}
	return rc;
}

/* The children that are due, once what is left of their group is gone:
 * started again. Returns the time of the next thing to do (INT64_MAX:
 * nothing planned). */
static int64_t
serve_restart(struct serve *s)
{
	int64_t now = ts_mono_ns(), next = INT64_MAX;
	struct serve_child *c;
	size_t i;

	for (i = 0; i < 2; i++) {
		c = &s->kids[i];
		if (c->pid != 0)
			continue;
		if (serve_group_alive(c)) {
			if (now >= c->kill_at)
				kill(-c->pgid, SIGKILL);
			next = now + SERVE_POLL;
			continue;
		}
		if (now < c->restart_at) {
			if (c->restart_at < next)
				next = c->restart_at;
			continue;
		}
		if (serve_start(s, c) == 0)
			serve_log("%s restarted (pid %ld)", c->name,
			    (long)c->pid);
		else {
			c->restart_at = now + SERVE_STABLE / 10;
			if (c->restart_at < next)
				next = c->restart_at;
		}
	}
	return next;
}

/* Wait for a signal until deadline (CLOCK_MONOTONIC ns): the signal, or 0
 * when the time came first. */
static int
serve_wait(struct serve *s, int64_t deadline)
{
	int64_t left = deadline - ts_mono_ns();
	struct timespec t;
	int sig;

	if (left <= 0)
		return 0;
	if (left > 3600 * TS_NS_PER_SEC)
		left = 3600 * TS_NS_PER_SEC;
	t.tv_sec = (time_t)(left / TS_NS_PER_SEC);
	t.tv_nsec = (long)(left % TS_NS_PER_SEC);
	sig = sigtimedwait(&s->sigs, NULL, &t);
	return sig == -1 ? 0 : sig;
}

/* Run until a stop signal (0) or a child given up on (1). */
static int
serve_supervise(struct serve *s)
{
	int sig;

	for (;;) {
		sig = serve_wait(s, serve_restart(s));
		if (sig == SIGCHLD || sig == 0) {
			if (serve_reap(s, true) == -1)
				return 1;
			continue;
		}
		serve_log("signal %d: stopping", sig);
		return 0;
	}
}

/* SIGTERM every group still there, wait (bounded; a second stop signal
 * cuts it short) until they are gone, SIGKILL what is left, reap it all. */
static void
serve_stop(struct serve *s)
{
	int64_t deadline = ts_mono_ns() + SERVE_STOP_WAIT;
	bool left;
	size_t i;
	int sig, st;

	for (i = 0; i < 2; i++)
		if (serve_group_alive(&s->kids[i]))
			kill(-s->kids[i].pgid, SIGTERM);
	for (;;) {
		serve_reap(s, false);
		left = false;
		for (i = 0; i < 2; i++)
			left |= serve_group_alive(&s->kids[i]);
		if (!left)
			break;
		sig = serve_wait(s, deadline);
		if (sig == 0 && ts_mono_ns() >= deadline)
			break;
		if (sig != 0 && sig != SIGCHLD)
			break;
	}
	for (i = 0; i < 2; i++)
		if (serve_group_alive(&s->kids[i]))
			kill(-s->kids[i].pgid, SIGKILL);
	/* SIGKILL cannot be refused: this ends as soon as they are reaped
	 * (bounded all the same, should one be stuck in the kernel). */
	deadline = ts_mono_ns() + SERVE_STOP_WAIT;
	do {
		serve_reap(s, false);
		left = false;
		for (i = 0; i < 2; i++)
			left |= serve_group_alive(&s->kids[i]);
	} while (left && (serve_wait(s, deadline) != 0 ||
	    ts_mono_ns() < deadline));
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
}

int
serve_main(int argc, char **argv)
{
	const char *addr = NULL;
	const struct flags_flag own[] = {
		FLAGS_ROW_STRING("serve", &addr, "[HOST]:PORT", NULL,
		    "serve on this address"),
	};
	struct serve s;
	struct serveropt o;
	struct err e = { "" };
	int rc;

	memset(&s, 0, sizeof(s));
	switch (serveropt_parse(&o, argc, argv, own, 1, NULL, &e)) {
	case SERVEROPT_BAD:
		serve_log("%s", e.msg);
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
	if (addr == NULL || serve_addr(addr, s.host, sizeof(s.host), s.port,
	    sizeof(s.port)) == -1) {
		serve_log("invalid -serve \"%s\": not [HOST]:PORT",
		    addr != NULL ? addr : "");
		return 2;
	}
	if ((rc = serve_paths(&s)) != 0 || (rc = serve_args(&s, &o)) != 0 ||
	    (rc = serve_rundir(&s)) != 0)
		return rc;
	serve_nofile();

	/* From here on signals are only taken by serve_wait. */
	sigemptyset(&s.sigs);
	sigaddset(&s.sigs, SIGCHLD);
	sigaddset(&s.sigs, SIGINT);
	sigaddset(&s.sigs, SIGTERM);
	sigaddset(&s.sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &s.sigs, &s.oldmask);
	signal(SIGPIPE, SIG_IGN);	/* stderr may be a closed pipe */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	if (serve_start(&s, &s.kids[0]) == -1 ||
	    serve_start(&s, &s.kids[1]) == -1)
		rc = 1;
	else {
		serve_log("serving http://%s:%s/ and ws://%s:%s/ (sidecar on "
		    "%s); Ctrl-C stops", s.host, s.port, s.host, s.port,
		    s.listen);
		rc = serve_supervise(&s);
	}
	serve_stop(&s);
	nftw(s.rundir, serve_rm, 16, FTW_DEPTH | FTW_PHYS);
	sigprocmask(SIG_SETMASK, &s.oldmask, NULL);
	return rc;
}
