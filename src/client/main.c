/*
 * main.c: the client `webntp` (doc/protocol.md section 5): options, one round
 * over the servers, and the -shm / -sock loop. Flags are Go-style as in
 * go-webntp (flags.h): "-p 4", "-p=4", "--p 4"; flags stop at the first URL
 * or "--".
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
#include "flags.h"
#include "shm.h"
#include "sock.h"
#include "ts.h"

/* The -shm/-sock period: 59 s plus a random [0, 2 s). */
#define MAIN_ROUND_MIN	(59 * TS_NS_PER_SEC)
#define MAIN_ROUND_SPAN	(2 * TS_NS_PER_SEC)
#define MAIN_SINKS_MAX	2
#define MAIN_SAMPLES	4	/* -p */
#define MAIN_TIMEOUT_S	10	/* -timeout */

volatile sig_atomic_t client_stop;

static int	main_check_user(const char *, struct err *);
static int	main_check_source(const char *, struct err *);
static const char *main_source = "auto";	/* -source, as given */

/*
 * The client's flags (doc/protocol.md section 5), one row each; -help lists
 * them in this order. Defaults are set in main_parse.
 */
static struct client_opt main_opt;
static const struct flags_flag main_flags[] = {
	FLAGS_ROW_INT("p", &main_opt.samples, "N", 1, SAMPLE_MAX,
	    "not a number of samples in 1.." FLAGS_STR(SAMPLE_MAX),
	    "samples per server, 1.." FLAGS_STR(SAMPLE_MAX) " (default "
	    FLAGS_STR(MAIN_SAMPLES) ")"),
	FLAGS_ROW_DURATION("timeout", &main_opt.timeout_ns, "S",
	    TS_NS_PER_SEC / 1000, 3600 * TS_NS_PER_SEC, NULL,
	    "seconds allowed for each request (default "
	    FLAGS_STR(MAIN_TIMEOUT_S) ")"),
	FLAGS_ROW_STRING("cacert", &main_opt.cacert, "FILE", tls_check_cafile,
	    "trust the CA certificates in FILE too"),
	FLAGS_ROW_BOOL("json", &main_opt.json,
	    "print JSON lines instead of text"),
	FLAGS_ROW_STRING("source", &main_source, "S", main_check_source,
	    "auto (default): WebNTP's JSON, else X-HTTPSTIME (HEAD "
	    "/.well-known/time), else the Date header by bisection; or only "
	    "json, httpstime or date"),
	FLAGS_ROW_DURATION("budget", &main_opt.budget_ns, "S", 0,
	    3600 * TS_NS_PER_SEC, NULL,
	    "seconds a Date bisection may take (default 16)"),
	FLAGS_ROW_INT("shm", &main_opt.shm_unit, "UNIT", 0, SHM_UNIT_MAX,
	    "not a unit in 0.." FLAGS_STR(SHM_UNIT_MAX), "run forever, "
	    "writing to ntpd's SHM segment UNIT (chrony: refclock SHM UNIT) "
	    "every 59-61 s"),
	FLAGS_ROW_STRING("sock", &main_opt.sock_path, "PATH", sock_check_path,
	    "run forever, sending to chrony's SOCK refclock at PATH (sent by "
	    "a root parent when root is dropped)"),
	FLAGS_ROW_STRING("user", &main_opt.user, "NAME", main_check_user,
	    "started as root, run as NAME once the SHM segment is attached, "
	    "before any network input (default " CLIENT_USER_DEFAULT ")"),
	FLAGS_ROW_HELP,
	FLAGS_ROW_VERSION,
};

static void
main_usage(FILE *f)
{
	const struct flags_set set = FLAGS_SET(main_flags);

	fprintf(f,
"usage: webntp [-p samples] [-timeout s] [-cacert file] [-json]\n"
"              [-source auto|json|httpstime|date] [-budget s]\n"
"              [-shm unit | -sock path] [-user name] URL...\n"
"       webntp -serve [host]:port [server flags]\n"
"\n"
"Query WebNTP servers (http://, https://, ws://, wss://), or any web\n"
"server, and print the offset of the local clock, with its error bound\n"
"when not WebNTP's; of several servers, those the majority disagrees\n"
"with are named falsetickers and left out.\n");
	flags_usage(f, &set, 1);
	fprintf(f,
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

/* -source's value: one of source_name()'s, or -1. */
static int
main_source_of(const char *name)
{
	int v;

	for (v = CLIENT_SOURCE_AUTO; v <= CLIENT_SOURCE_DATE; v++)
		if (strcmp(name, source_name(v)) == 0)
			return v;
	return -1;
}

static int
main_check_source(const char *name, struct err *e)
{
	if (main_source_of(name) == -1) {
		err_set(e, "not auto, json, httpstime or date");
		return -1;
	}
	return 0;
}

static int
main_check_user(const char *name, struct err *e)
{
	if (name[0] == '\0') {
		err_set(e, "not a user name");
		return -1;
	}
	return 0;
}

/* Parse the client's flags into main_opt; returns the index of the first
 * URL. -help and -version exit here. */
static int
main_parse(int argc, char **argv)
{
	const struct flags_set set = FLAGS_SET(main_flags);
	struct err e = { "" };
	int first;

	memset(&main_opt, 0, sizeof(main_opt));
	main_opt.samples = MAIN_SAMPLES;
	main_opt.timeout_ns = MAIN_TIMEOUT_S * TS_NS_PER_SEC;
	main_opt.shm_unit = -1;
	main_opt.budget_ns = CLIENT_BUDGET_DEFAULT;
	switch (flags_parse(&set, 1, argc, argv, &first, &e)) {
	case FLAGS_BAD:
		main_bad(e.msg);
		break;
	case FLAGS_ASK_HELP:
		main_usage(stdout);
		exit(0);
	case FLAGS_ASK_VERSION:
		printf("webntp version %s\n", PACKAGE_VERSION);
		exit(0);
	case FLAGS_RUN:
		break;
	}
	main_opt.source = (enum client_source)main_source_of(main_source);
	return first;
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
		if (flags_is(argv[i], "serve"))
			return serve_main(argc, argv);

	first = main_parse(argc, argv);
	o = main_opt;
	if (first >= argc)
		main_bad("no server URL given (see -help)");
	if (argc - first > SELECT_MAX)
		main_bad("invalid URLs: more than 64 servers");
	for (i = first; i < argc; i++) {
		if (measure_transport(argv[i]) == NULL) {
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
		fprintf(stderr, "%s: invalid -cacert \"%s\": %s (as user %s)\n",
		    CLIENT_NAME, o.cacert, e.msg, o.user);
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
