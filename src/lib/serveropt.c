/*
 * serveropt.c: the server-side flags (doc/protocol.md section 0): their rows,
 * parsed and validated once at start by flags.c.
 */
#include "config.h"

#include <string.h>

#include "serveropt.h"

#define SERVEROPT_NSERVER	3	/* the rows before -help and -version */
#define SERVEROPT_NROWS		5

/* "" is allowed: it never downloads (go-webntp does the same). */
static int
serveropt_check_url(const char *url, struct err *e)
{
	if (url[0] == '\0' || strncmp(url, "http://", 7) == 0 ||
	    strncmp(url, "https://", 8) == 0 || strncmp(url, "file://", 7) == 0)
		return 0;
	err_set(e, "not an http, https or file URL (or \"\" for none)");
	return -1;
}

/* The rows of the server flags, into o. */
static void
serveropt_rows(struct serveropt *o, struct flags_flag rows[SERVEROPT_NROWS])
{
	const struct flags_flag r[SERVEROPT_NROWS] = {
		FLAGS_ROW_BOOL("allow-cross-origin", &o->allow_cross_origin,
		    "allow cross-origin requests (CORS, WebSocket Origin)"),
		FLAGS_ROW_STRING("leap-second-path", &o->leap_path, "PATH",
		    leapsrc_check_path, "leap-seconds.list cache (default "
		    WEBNTP_LEAP_CACHE ")"),
		FLAGS_ROW_STRING("leap-second-url", &o->leap_url, "URL",
		    serveropt_check_url, "where to download leap-seconds.list "
		    "(default " SERVEROPT_LEAP_URL "; \"\" never downloads)"),
		FLAGS_ROW_HELP,
		FLAGS_ROW_VERSION,
	};

	memcpy(rows, r, sizeof(r));
	rows[1].given = &o->leap_path_given;
}

enum serveropt_result
serveropt_parse(struct serveropt *o, int argc, char **argv,
    const struct flags_flag *flags, size_t nflags, int *optind,
    struct err *e)
{
	struct flags_flag rows[SERVEROPT_NROWS];
	const struct flags_set sets[] = {
		{ flags, nflags }, { rows, SERVEROPT_NROWS },
	};

	memset(o, 0, sizeof(*o));
	o->leap_path = WEBNTP_LEAP_CACHE;
	o->leap_url = SERVEROPT_LEAP_URL;
	serveropt_rows(o, rows);
	return (enum serveropt_result)flags_parse(sets, 2, argc, argv, optind,
	    e);
}

void
serveropt_usage(FILE *f, const char *synopsis,
    const struct flags_flag *flags, size_t nflags)
{
	struct serveropt o;
	struct flags_flag rows[SERVEROPT_NROWS];
	const struct flags_set sets[] = {
		{ flags, nflags }, { rows, SERVEROPT_NROWS },
	};

	serveropt_rows(&o, rows);
	fprintf(f, "usage: %s\n", synopsis);
	flags_usage(f, sets, 2);
}

void
serveropt_usage_server(FILE *f)
{
	struct serveropt o;
	struct flags_flag rows[SERVEROPT_NROWS];
	const struct flags_set set = { rows, SERVEROPT_NSERVER };

	serveropt_rows(&o, rows);
	flags_usage(f, &set, 1);
}

int
serveropt_hostport(const char *s, char *host, size_t cap, long *port)
{
	const char *colon = strrchr(s, ':'), *h = s;
	int64_t p;
	size_t hl;

	if (colon == NULL || flags_number(colon + 1, 1, 65535, &p) != 0)
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
	*port = (long)p;
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
