/*
 * main.c: the client `webntp` (PROTOCOL.md section 5): options, one round
 * over the servers, and the -shm / -sock loop. Flags are Go-style as in
 * go-webntp: "-p 4", "-p=4", "--p 4"; flags stop at the first URL or "--".
 *
 * Started as root, it does as root only what needs root: attach the SHM
 * segment (units 0 and 1 are root's), fork the -sock relay (sink.c); then,
 * before any network input, it becomes -user (default nobody) for good:
 * setgroups, setgid, setuid, each checked, and checked again after. An SHM
 * segment attached before stays attached and writable.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "serveropt.h"
#include "ts.h"

/* The -shm/-sock period: 59 s plus a random [0, 2 s). */
#define MAIN_ROUND_MIN	(59 * TS_NS_PER_SEC)
#define MAIN_ROUND_SPAN	(2 * TS_NS_PER_SEC)
#define MAIN_SINKS_MAX	2

volatile sig_atomic_t client_stop;

static void
main_usage(FILE *f)
{
	fprintf(f,
"usage: webntp [-p samples] [-timeout s] [-cacert file] [-json]\n"
"              [-source auto|json|httpstime|date] [-budget s]\n"
"              [-shm unit | -sock path] [-user name] URL...\n"
"       webntp -serve [host]:port [server flags]\n"
"\n"
"Query WebNTP servers (http://, https://, ws://, wss://), or any web\n"
"server, and print the offset of the local clock, with its error bound\n"
"when not WebNTP's; of several servers, those the majority disagrees\n"
"with are named falsetickers and left out.\n"
"  -p N            samples per server, 1..8 (default 4; Date: as many\n"
"                  as its bisection needs)\n"
"  -timeout S      seconds allowed for each request (default 10)\n"
"  -cacert FILE    trust the CA certificates in FILE too\n"
"  -json           print JSON lines instead of text\n"
"  -source S       auto (default): WebNTP's JSON, else X-HTTPSTIME (HEAD\n"
"                  /.well-known/time), else the Date header by bisection;\n"
"                  or only json, httpstime or date\n"
"  -budget S       seconds a Date bisection may take (default 16)\n"
"  -shm UNIT       run forever, writing to ntpd's SHM segment UNIT\n"
"                  (chrony: refclock SHM UNIT) every 59-61 s\n"
"  -sock PATH      run forever, sending to chrony's SOCK refclock at PATH\n"
"                  (sent by a root parent when root is dropped)\n"
"  -user NAME      started as root, run as NAME once the SHM segment is\n"
"                  attached, before any network input (default nobody)\n"
"  -help, -version\n"
"A server whose time is before this program was built, or more than 100\n"
"years after, is that server's error.\n"
"Exit status: 0 when a server answered (and most agreed), 1 when none\n"
"did (or no majority agreed), 2 bad usage.\n"
"\n");
	serve_usage(f);
}

static void
main_bad(const char *msg)
{
	fprintf(stderr, "%s: %s\n", CLIENT_NAME, msg);
	exit(2);
}

static bool
main_is_url(const char *s)
{
	static const char *schemes[] = { "http://", "https://", "ws://",
	    "wss://" };
	size_t i, n;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(s, schemes[i], n) == 0 && s[n] != '\0')
			return true;
	}
	return false;
}

/* Is argv[i] the flag name (any of -name, --name, -name=...)? */
static bool
main_flag_is(const char *a, const char *name)
{
	size_t n = strlen(name);

	if (a[0] != '-')
		return false;
	a += a[1] == '-' ? 2 : 1;
	return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

/* Parse the client's flags; returns the index of the first URL. */
static int
main_parse(int argc, char **argv, struct client_opt *o)
{
	char msg[ERR_MSG_MAX + 64];
	struct err e = { "" };
	struct timespec t;
	int i;

	memset(o, 0, sizeof(*o));
	o->samples = 4;
	o->timeout_ns = 10 * TS_NS_PER_SEC;
	o->shm_unit = -1;
	o->budget_ns = CLIENT_BUDGET_DEFAULT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *eq, *val = NULL;
		size_t len;
		long v;

		if (strcmp(a, "--") == 0)
			return i + 1;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
#define IS(s)	(len == strlen(s) && strncmp(name, (s), len) == 0)
		if (IS("help") || IS("h")) {
			main_usage(stdout);
			exit(0);
		}
		if (IS("version")) {
			printf("webntp version %s\n", PACKAGE_VERSION);
			exit(0);
		}
		if (IS("json")) {
			if (eq != NULL && strcmp(eq + 1, "true") != 0 &&
			    strcmp(eq + 1, "false") != 0) {
				snprintf(msg, sizeof(msg), "invalid -json "
				    "\"%s\": takes true or false", eq + 1);
				main_bad(msg);
			}
			o->json = eq == NULL || strcmp(eq + 1, "true") == 0;
			continue;
		}
		if (!IS("p") && !IS("timeout") && !IS("cacert") && !IS("shm") &&
		    !IS("sock") && !IS("user") && !IS("source") &&
		    !IS("budget")) {
			snprintf(msg, sizeof(msg), "invalid option \"%s\": "
			    "unknown (see -help)", a);
			main_bad(msg);
		}
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			snprintf(msg, sizeof(msg), "invalid option \"%s\": "
			    "needs a value", a);
			main_bad(msg);
		}
		if (IS("p")) {
			if (serveropt_number(val, 1, SAMPLE_MAX, &v) == -1) {
				snprintf(msg, sizeof(msg), "invalid -p \"%s\": "
				    "not a number of samples in 1..%d", val,
				    SAMPLE_MAX);
				main_bad(msg);
			}
			o->samples = (int)v;
		} else if (IS("timeout")) {
			if (ts_parse(val, strlen(val), &t, &e) == -1 ||
			    t.tv_sec < 0 || t.tv_sec >= 3600 ||
			    (t.tv_sec == 0 && t.tv_nsec < 1000000)) {
				snprintf(msg, sizeof(msg), "invalid -timeout "
				    "\"%s\": not a number of seconds in "
				    "[0.001, 3600)", val);
				main_bad(msg);
			}
			o->timeout_ns = ts_to_ns(&t);
		} else if (IS("cacert")) {
			if (tls_check_cafile(val, &e) == -1)
				main_bad(e.msg);
			o->cacert = val;
		} else if (IS("shm")) {
			if (serveropt_number(val, 0, 255, &v) == -1) {
				snprintf(msg, sizeof(msg), "invalid -shm "
				    "\"%s\": not a unit in 0..255", val);
				main_bad(msg);
			}
			o->shm_unit = (int)v;
		} else if (IS("sock")) {
			if (val[0] == '\0' || strlen(val) >= 108) {
				snprintf(msg, sizeof(msg), "invalid -sock "
				    "\"%s\": not a socket path", val);
				main_bad(msg);
			}
			o->sock_path = val;
		} else if (IS("source")) {
			for (v = CLIENT_SOURCE_AUTO; v <= CLIENT_SOURCE_DATE &&
			    strcmp(val, source_name((int)v)) != 0; v++)
				;
			if (v > CLIENT_SOURCE_DATE) {
				snprintf(msg, sizeof(msg), "invalid -source "
				    "\"%s\": not auto, json, httpstime or "
				    "date", val);
				main_bad(msg);
			}
			o->source = (enum client_source)v;
		} else if (IS("budget")) {
			if (ts_parse(val, strlen(val), &t, &e) == -1 ||
			    t.tv_sec < 0 || t.tv_sec >= 3600) {
				snprintf(msg, sizeof(msg), "invalid -budget "
				    "\"%s\": not a number of seconds in "
				    "[0, 3600)", val);
				main_bad(msg);
			}
			o->budget_ns = ts_to_ns(&t);
		} else if (IS("user")) {
			if (val[0] == '\0') {
				snprintf(msg, sizeof(msg), "invalid -user "
				    "\"%s\": not a user name", val);
				main_bad(msg);
			}
			o->user = val;
		}
#undef IS
	}
	return i;
}

/*
 * Whom to run as: -user NAME, else nobody when root; checked at start. Not
 * root: -user may only name the user it already is.
 */
static void
main_user(struct client_opt *o)
{
	char msg[ERR_MSG_MAX + 64];
	struct passwd *pw;
	const char *name = o->user;

	if (name == NULL) {
		if (geteuid() != 0)
			return;
		name = CLIENT_USER_DEFAULT;
	}
	if ((pw = getpwnam(name)) == NULL) {
		if (o->user != NULL)
			snprintf(msg, sizeof(msg), "invalid -user \"%s\": "
			    "no such user", name);
		else
			snprintf(msg, sizeof(msg), "no user \"%s\" to run as "
			    "instead of root: give -user NAME", name);
		main_bad(msg);
	}
	o->user = name;
	o->uid = pw->pw_uid;
	o->gid = pw->pw_gid;
	if (geteuid() != 0) {
		if (pw->pw_uid != geteuid()) {
			snprintf(msg, sizeof(msg), "invalid -user \"%s\": only "
			    "root can run as another user", name);
			main_bad(msg);
		}
		return;
	}
	/* -user root keeps root: the admin's explicit choice. */
	o->drop = pw->pw_uid != 0;
}

static void
main_fatal(const struct client_opt *o, const char *what)
{
	fprintf(stderr, "%s: cannot run as user %s: %s: %s\n", CLIENT_NAME,
	    o->user, what, strerror(errno));
	exit(1);
}

/* Root to o->uid/o->gid for good, or exit: never go on as root by mistake. */
static void
main_drop(const struct client_opt *o)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[2];

	if (!o->drop)
		return;
	if (setgroups(1, &o->gid) == -1)
		main_fatal(o, "setgroups");
	if (setresgid(o->gid, o->gid, o->gid) == -1)
		main_fatal(o, "setgid");
	if (setresuid(o->uid, o->uid, o->uid) == -1)
		main_fatal(o, "setuid");
	errno = EPERM;
	if (getresuid(&ru, &eu, &su) == -1 || ru != o->uid || eu != o->uid ||
	    su != o->uid || getresgid(&rg, &eg, &sg) == -1 || rg != o->gid ||
	    eg != o->gid || sg != o->gid ||
	    getgroups(2, groups) != 1 || groups[0] != o->gid)
		main_fatal(o, "the ids did not change");
	if (setuid(0) != -1) {
		errno = EPERM;
		main_fatal(o, "root could be taken back");
	}
}

/* One round: every server, then the best to every sink. */
static int
main_round(char **urls, int n, const struct client_opt *o,
    const struct sink **sinks, void **ctx, int nsinks)
{
	struct client_result *r, res;
	struct err e = { "" };
	int i, k, m = 0, rc;

	if ((r = calloc((size_t)n, sizeof(*r))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", CLIENT_NAME);
		return -1;
	}
	for (i = 0; i < n && !client_stop; i++, m++)
		measure_server(urls[i], o, &r[i]);
	/* Falsetickers are known once all have answered (select.c). */
	rc = source_select(r, m, &res);
	for (i = 0; i < m; i++)
		for (k = 0; k < nsinks; k++)
			if (sinks[k]->server != NULL)
				sinks[k]->server(ctx[k], &r[i]);
	for (k = 0; k < nsinks; k++) {
		err_clear(&e);
		if (sinks[k]->best(ctx[k], &res, &e) == -1)
			fprintf(stderr, "%s: %s: %s\n", CLIENT_NAME,
			    sinks[k]->name, e.msg);
	}
	if (rc == -1)
		fprintf(stderr, "%s: %s\n", CLIENT_NAME, res.error);
	free(r);
	return rc;
}

static void
main_signal(int sig)
{
	client_stop = 1;
}

int
main(int argc, char **argv)
{
	const struct sink *sinks[MAIN_SINKS_MAX];
	void *ctx[MAIN_SINKS_MAX] = { NULL, NULL };
	struct client_opt o;
	struct sigaction sa;
	struct err e = { "" };
	char msg[ERR_MSG_MAX + 64];
	int first, i, n = 0, rc;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (main_flag_is(argv[i], "serve"))
			return serve_main(argc, argv);

	first = main_parse(argc, argv, &o);
	if (first >= argc)
		main_bad("no server URL given (see -help)");
	if (argc - first > SELECT_MAX)
		main_bad("invalid URLs: more than 64 servers");
	for (i = first; i < argc; i++) {
		if (!main_is_url(argv[i])) {
			snprintf(msg, sizeof(msg), "invalid URL \"%s\": not "
			    "http://, https://, ws:// or wss://", argv[i]);
			main_bad(msg);
		}
	}
	if (o.shm_unit >= 0 && o.sock_path != NULL)
		main_bad("invalid options: -shm and -sock exclude each other");
	main_user(&o);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = main_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	sinks[n++] = o.json ? &sink_json : &sink_print;
	if (o.shm_unit >= 0)
		sinks[n++] = &sink_shm;
	else if (o.sock_path != NULL)
		sinks[n++] = &sink_sock;
	for (i = 0; i < n; i++) {
		if (sinks[i]->open != NULL &&
		    sinks[i]->open(&o, &ctx[i], &e) == -1) {
			fprintf(stderr, "%s: %s\n", CLIENT_NAME, e.msg);
			return 1;
		}
	}
	main_drop(&o);
	/* Read again by every connection, now as the user. */
	if (o.drop && o.cacert != NULL &&
	    tls_check_cafile(o.cacert, &e) == -1) {
		fprintf(stderr, "%s: %s (as user %s)\n", CLIENT_NAME, e.msg,
		    o.user);
		return 2;
	}
	if (http_global_init(&e) == -1) {
		fprintf(stderr, "%s: %s\n", CLIENT_NAME, e.msg);
		return 1;
	}

	if (n == 1) {
		rc = main_round(argv + first, argc - first, &o, sinks, ctx, n);
	} else {
		/* -shm / -sock: forever; a failed round is only reported. */
		rc = 0;
		do {
			main_round(argv + first, argc - first, &o, sinks, ctx,
			    n);
		} while (measure_pause(MAIN_ROUND_MIN +
		    measure_random(MAIN_ROUND_SPAN)) == 0);
	}

	for (i = 0; i < n; i++)
		if (sinks[i]->close != NULL)
			sinks[i]->close(ctx[i]);
	http_global_cleanup();
	return rc == 0 ? 0 : 1;
}
