/*
 * serveropt.c: the server-side flags (PROTOCOL.md section 0), parsed and
 * validated once at start.
 */
#include "config.h"

#include <string.h>

#include "serveropt.h"

static const struct serveropt_flag serveropt_common[] = {
	{ "allow-cross-origin", NULL,
	    "allow cross-origin requests (CORS, WebSocket Origin)", NULL, NULL },
	{ "leap-second-path", "PATH",
	    "leap-seconds.list cache (default " WEBNTP_LEAP_CACHE ")", NULL, NULL },
	{ "leap-second-url", "URL",
	    "where to download leap-seconds.list (default " SERVEROPT_LEAP_URL
	    "; \"\" never downloads)", NULL, NULL },
	{ "help", NULL, "print this help and exit", NULL, NULL },
	{ "version", NULL, "print the version and exit", NULL, NULL },
};
#define SERVEROPT_NCOMMON \
	(sizeof(serveropt_common) / sizeof(serveropt_common[0]))

/* "" is allowed: it never downloads (go-webntp does the same). */
static int
serveropt_check_url(const char *url, struct err *e)
{
	if (url[0] == '\0' || strncmp(url, "http://", 7) == 0 ||
	    strncmp(url, "https://", 8) == 0 || strncmp(url, "file://", 7) == 0)
		return 0;
	err_set(e, "invalid -leap-second-url \"%s\": not an http, https or "
	    "file URL (or \"\" for none)", url);
	return -1;
}

static int
serveropt_check_path(const char *path, struct err *e)
{
	struct err pe = { .msg = "" };

	if (leapsrc_check_path(path, &pe) == 0)
		return 0;
	err_set(e, "invalid -leap-second-path \"%s\": %s", path, pe.msg);
	return -1;
}

enum serveropt_result
serveropt_parse(struct serveropt *o, int argc, char **argv,
    const struct serveropt_flag *flags, size_t nflags, int *optind,
    struct err *e)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->leap_path = WEBNTP_LEAP_CACHE;
	o->leap_url = SERVEROPT_LEAP_URL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *eq, *val = NULL;
		const struct serveropt_flag *f = NULL;
		size_t len;

		if (a[0] != '-' || a[1] == '\0') {
			if (optind != NULL)
				break;
			err_set(e, "invalid argument \"%s\": no arguments are "
			    "taken (see -help)", a);
			return SERVEROPT_BAD;
		}
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
		for (size_t k = 0; k < nflags + SERVEROPT_NCOMMON && f == NULL;
		    k++) {
			const struct serveropt_flag *c = k < nflags ?
			    &flags[k] : &serveropt_common[k - nflags];

			if (strlen(c->name) == len &&
			    strncmp(c->name, name, len) == 0)
				f = c;
		}
		if (f == NULL) {
			err_set(e, "invalid option \"%s\": unknown (see -help)",
			    a);
			return SERVEROPT_BAD;
		}
		if (f->arg != NULL) {
			if (eq != NULL)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				err_set(e, "invalid option \"%s\": needs a %s",
				    a, f->arg);
				return SERVEROPT_BAD;
			}
		} else if (eq != NULL && strcmp(eq + 1, "true") != 0 &&
		    strcmp(eq + 1, "false") != 0) {
			err_set(e, "invalid option \"%s\": takes true or false",
			    a);
			return SERVEROPT_BAD;
		}
		if (f->value != NULL) {
			*f->value = val;
		} else if (f->on != NULL) {
			*f->on = eq == NULL || strcmp(eq + 1, "true") == 0;
		} else if (strcmp(f->name, "allow-cross-origin") == 0) {
			o->allow_cross_origin = eq == NULL ||
			    strcmp(eq + 1, "true") == 0;
		} else if (strcmp(f->name, "leap-second-path") == 0) {
			if (serveropt_check_path(val, e) != 0)
				return SERVEROPT_BAD;
			o->leap_path = val;
			o->leap_path_given = true;
		} else if (strcmp(f->name, "leap-second-url") == 0) {
			if (serveropt_check_url(val, e) != 0)
				return SERVEROPT_BAD;
			o->leap_url = val;
		} else if (strcmp(f->name, "help") == 0) {
			return SERVEROPT_HELP;
		} else if (strcmp(f->name, "version") == 0) {
			return SERVEROPT_VERSION;
		}
	}
	if (optind != NULL)
		*optind = i;
	return SERVEROPT_RUN;
}

void
serveropt_usage(FILE *f, const char *synopsis,
    const struct serveropt_flag *flags, size_t nflags)
{
	fprintf(f, "usage: %s\n", synopsis);
	for (size_t k = 0; k < nflags + SERVEROPT_NCOMMON; k++) {
		const struct serveropt_flag *c = k < nflags ?
		    &flags[k] : &serveropt_common[k - nflags];
		char left[64];

		snprintf(left, sizeof(left), "-%s%s%s", c->name,
		    c->arg != NULL ? " " : "", c->arg != NULL ? c->arg : "");
		fprintf(f, "  %-28s %s\n", left, c->help);
	}
}

int
serveropt_number(const char *s, long lo, long hi, long *out)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		/* v <= hi / 10 bounds v * 10 + 9 by hi + 9: no overflow. */
		if (*s < '0' || *s > '9' || v > hi / 10)
			return -1;
		v = v * 10 + (*s - '0');
		if (v > hi)
			return -1;
	}
	if (v < lo)
		return -1;
	*out = v;
	return 0;
}

int
serveropt_hostport(const char *s, char *host, size_t cap, long *port)
{
	const char *colon = strrchr(s, ':'), *h = s;
	size_t hl;

	if (colon == NULL ||
	    serveropt_number(colon + 1, 1, 65535, port) != 0)
		return -1;
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl >= cap || memchr(h, '[', hl) != NULL ||
	    memchr(h, ']', hl) != NULL)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	return 0;
}

void
serveropt_leap_config(const struct serveropt *o, struct leapsrc_config *lc,
    leapsrc_log_fn *log, void *log_ctx)
{
	memset(lc, 0, sizeof(*lc));
	lc->path = o->leap_path;
	lc->path_given = o->leap_path_given;
	lc->tzdata = WEBNTP_TZDATA_LEAP;
	lc->url = o->leap_url;
	lc->log = log;
	lc->log_ctx = log_ctx;
}
