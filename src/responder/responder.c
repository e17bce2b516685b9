/*
 * responder.c: webntp.fcgi, the WebNTP HTTP responder (PROTOCOL.md section 3).
 * One binary: a FastCGI responder when a web server spawns it (lighttpd's
 * fastcgi.server, Apache's mod_fcgid), a plain CGI program otherwise.
 *
 * NOTES: it uses libfcgi's fcgiapp.h (FCGX) API, not fcgi_stdio.h, which
 * swaps environ on every request and so breaks libfaketime and anything else
 * that reads the process environment. GET answers the JSON of section 2;
 * HEAD (clients use /.well-known/time) answers 204 with X-HTTPSTIME, the
 * "improved timekeeping response" of the Time over HTTPS specification.
 * Beyond go-webntp: bad or long queries get 400, other methods 405, OPTIONS
 * 204 with the CORS preflight headers when cross origin is allowed.
 * -start-delay exists for mod_fcgid, which spawns processes only when a
 * request has waited 1 s for one (see apache/webntp.conf).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "answer.h"
#include "leapsrc.h"
#include "serveropt.h"
#include "ts.h"

#define RESPONDER_NAME		"webntp.fcgi"
#define RESPONDER_OUT_MAX	(ANSWER_MAX + 1024)
#define RESPONDER_ALLOW		"GET, HEAD, OPTIONS"
#define RESPONDER_CACHE		"Cache-Control: no-cache, no-store\r\n"
#define RESPONDER_JSON		"Content-Type: application/json; charset=utf-8\r\n"
#define RESPONDER_CORS		"Access-Control-Allow-Origin: *\r\n" \
				"Access-Control-Expose-Headers: X-HTTPSTIME\r\n"
#define RESPONDER_PREFLIGHT	"Access-Control-Allow-Methods: " RESPONDER_ALLOW "\r\n" \
				"Access-Control-Max-Age: 86400\r\n"
#define RESPONDER_DELAY_MAX_MS	10000

#define nitems(a)		(sizeof(a) / sizeof((a)[0]))

#define RESPONDER_HOST_MAX	256	/* longest Host whose escape is kept */

struct responder {
	struct serveropt	 opt;
	struct leapsrc		*leap;
	/* A process answers the same Host over and over: its JSON escape
	 * (jansson, a tenth of a request's instructions) is kept. */
	size_t			 host_len;
	char			 host[RESPONDER_HOST_MAX];
	struct answer_id	 id;		/* id.len 0: nothing kept yet */
};

static const char *responder_start_delay;

static const struct serveropt_flag responder_flags[] = {
	{ "start-delay", "MS", "FastCGI: wait MS milliseconds (0-10000) before "
	    "the first request; under mod_fcgid, 1500 makes a burst of "
	    "requests spawn every process at once (see apache/webntp.conf)",
	    &responder_start_delay, NULL },
};

/* A response under construction: CGI headers, then the body. */
struct responder_out {
	size_t	len;
	char	buf[RESPONDER_OUT_MAX];
};

static void
responder_log(void *ctx, const char *msg)
{
	fprintf(stderr, "%s: %s\n", RESPONDER_NAME, msg);
}

static void
responder_put(struct responder_out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - o->len)
		n = sizeof(o->buf) - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
responder_puts(struct responder_out *o, const char *s)
{
	responder_put(o, s, strlen(s));
}

static void
responder_head(const struct responder *r, struct responder_out *o,
    const char *status)
{
	o->len = 0;
	responder_puts(o, "Status: ");
	responder_puts(o, status);
	responder_puts(o, "\r\n" RESPONDER_CACHE);
	if (r->opt.allow_cross_origin)
		responder_puts(o, RESPONDER_CORS);
}

/* Headers and body of a response with a JSON body. */
static void
responder_body(struct responder_out *o, const char *body, size_t n)
{
	char cl[48];

	responder_puts(o, RESPONDER_JSON);
	snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n\r\n", n);
	responder_puts(o, cl);
	responder_put(o, body, n);
}

static void
responder_error(const struct responder *r, struct responder_out *o,
    const char *status, const char *extra, const char *msg)
{
	char body[512];

	responder_head(r, o, status);
	if (extra != NULL)
		responder_puts(o, extra);
	responder_body(o, body, answer_error(body, sizeof(body), msg));
}

/* One request: env is the CGI environment (FastCGI params or environ). */
static void
responder_handle(struct responder *r, char **env, struct responder_out *o)
{
	const char *method, *query, *host;
	struct timespec it = { 0, 0 }, st, now;
	struct leap_info li;
	struct err e = { .msg = "" };
	char body[ANSWER_MAX], ts[TS_TEXT_MAX];
	size_t n;

	method = FCGX_GetParam("REQUEST_METHOD", env);
	if (method == NULL)
		method = "";
	if (strcmp(method, "HEAD") == 0) {
		responder_head(r, o, "204 No Content");
		responder_puts(o, "X-HTTPSTIME: ");
		ts_now(&st);
		responder_put(o, ts, ts_format(&st, ts));
		responder_puts(o, "\r\n\r\n");
		return;
	}
	if (strcmp(method, "OPTIONS") == 0) {
		responder_head(r, o, "204 No Content");
		responder_puts(o, "Allow: " RESPONDER_ALLOW "\r\n");
		if (r->opt.allow_cross_origin)
			responder_puts(o, RESPONDER_PREFLIGHT);
		responder_puts(o, "\r\n");
		return;
	}
	if (strcmp(method, "GET") != 0) {
		responder_error(r, o, "405 Method Not Allowed",
		    "Allow: " RESPONDER_ALLOW "\r\n", "method not allowed");
		return;
	}

	query = FCGX_GetParam("QUERY_STRING", env);
	if (query != NULL && query[0] != '\0') {
		n = strlen(query);
		if (n > TS_INPUT_MAX) {
			responder_error(r, o, "400 Bad Request", NULL,
			    "query longer than 256 bytes");
			return;
		}
		if (ts_parse(query, n, &it, &e) != 0) {
			responder_error(r, o, "400 Bad Request", NULL, e.msg);
			return;
		}
	}
	host = FCGX_GetParam("HTTP_HOST", env);
	if (host == NULL)
		host = FCGX_GetParam("SERVER_NAME", env);
	if (host == NULL)
		host = "";
	n = strlen(host);
	if (r->id.len == 0 || n != r->host_len ||
	    memcmp(host, r->host, n) != 0) {
		if (answer_id_set(&r->id, host, n, &e) != 0) {
			responder_error(r, o, "400 Bad Request", NULL, e.msg);
			return;
		}
		/* A Host too long to keep is escaped again next time. */
		r->host_len = n < sizeof(r->host) ? n : SIZE_MAX;
		if (n < sizeof(r->host))
			memcpy(r->host, host, n);
	}
	ts_now(&now);
	leapsrc_lookup(r->leap, &now, &li);

	responder_head(r, o, "200 OK");
	ts_now(&st);
	n = answer_format(body, &r->id, &it, &st, &li);
	responder_body(o, body, n);
}

static int
responder_cgi(struct responder *r)
{
	extern char **environ;
	struct responder_out *o;
	ssize_t w;
	size_t off = 0;
	bool ok;

	if (getenv("REQUEST_METHOD") == NULL) {
		fprintf(stderr, "%s: no REQUEST_METHOD: run me from a web "
		    "server (FastCGI or CGI); see -help\n", RESPONDER_NAME);
		return 2;
	}
	o = malloc(sizeof(*o));
	if (o == NULL)
		return 1;
	responder_handle(r, environ, o);
	while (off < o->len) {
		w = write(STDOUT_FILENO, o->buf + off, o->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	ok = off == o->len;
	free(o);
	return ok ? 0 : 1;
}

static int
responder_fcgi(struct responder *r, long delay_ms)
{
	struct responder_out *o;
	FCGX_Request req;
	struct err e = { .msg = "" };

	if (leapsrc_start_fetch(r->leap, &e) != 0)
		responder_log(NULL, e.msg);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0) {
		responder_log(NULL, "FastCGI initialization failed");
		return 1;
	}
	o = malloc(sizeof(*o));
	if (o == NULL)
		return 1;
	if (delay_ms > 0) {
		struct timespec d = { delay_ms / 1000,
		    (delay_ms % 1000) * 1000000L };

		while (nanosleep(&d, &d) != 0 && errno == EINTR)
			;
	}
	while (FCGX_Accept_r(&req) >= 0) {
		responder_handle(r, req.envp, o);
		FCGX_PutStr(o->buf, (int)o->len, req.out);
		FCGX_Finish_r(&req);
	}
	free(o);
	return 0;
}

/*
 * lighttpd splits bin-path on every space, so "webntp.fcgi " + flags hands
 * us empty arguments: drop them.
 */
static int
responder_drop_empty(int argc, char **argv)
{
	int i, n;

	for (i = n = 1; i < argc; i++)
		if (argv[i][0] != '\0')
			argv[n++] = argv[i];
	argv[n] = NULL;
	return n;
}

int
main(int argc, char **argv)
{
	struct responder r = { .leap = NULL };
	struct leapsrc_config lc;
	struct err e = { .msg = "" };
	long delay_ms = 0;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	argc = responder_drop_empty(argc, argv);
	switch (serveropt_parse(&r.opt, argc, argv, responder_flags,
	    nitems(responder_flags), NULL, &e)) {
	case SERVEROPT_BAD:
		fprintf(stderr, "%s: %s\n", RESPONDER_NAME, e.msg);
		return 2;
	case SERVEROPT_HELP:
		serveropt_usage(stdout, RESPONDER_NAME " [flags]  (run by a "
		    "web server, as FastCGI or CGI)", responder_flags,
		    nitems(responder_flags));
		return 0;
	case SERVEROPT_VERSION:
		printf("%s %s\n", RESPONDER_NAME, PACKAGE_VERSION);
		return 0;
	case SERVEROPT_RUN:
		break;
	}
	if (responder_start_delay != NULL &&
	    serveropt_number(responder_start_delay, 0, RESPONDER_DELAY_MAX_MS,
	    &delay_ms) != 0) {
		fprintf(stderr, "%s: invalid -start-delay \"%s\": not a number "
		    "of milliseconds from 0 to %d\n", RESPONDER_NAME,
		    responder_start_delay, RESPONDER_DELAY_MAX_MS);
		return 2;
	}
	serveropt_leap_config(&r.opt, &lc, responder_log, NULL);
	if (leapsrc_open(&r.leap, &lc, &e) != 0) {
		fprintf(stderr, "%s: invalid -leap-second-path \"%s\": %s\n",
		    RESPONDER_NAME, r.opt.leap_path, e.msg);
		return 2;
	}
	rc = FCGX_IsCGI() ? responder_cgi(&r) : responder_fcgi(&r, delay_ms);
	leapsrc_close(r.leap);
	return rc;
}
