/*
 * serveropt.h: the server-side flags shared by webntp.fcgi, webntp-ws and
 * `webntp -serve` (PROTOCOL.md section 0): -allow-cross-origin,
 * -leap-second-path, -leap-second-url, -help, -version. Go-style flags:
 * "-name value", "-name=value", and "--name" alike. A program adds its own
 * flags through a table.
 */
#ifndef WEBNTP_SERVEROPT_H
#define WEBNTP_SERVEROPT_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "leapsrc.h"

#define SERVEROPT_LEAP_URL \
	"https://hpiers.obspm.fr/iers/bul/bulc/ntp/leap-seconds.list"

struct serveropt {
	bool		 allow_cross_origin;
	const char	*leap_path;
	bool		 leap_path_given;
	const char	*leap_url;
};

/* A program's own flag: a string (value != NULL) or a switch (on != NULL). */
struct serveropt_flag {
	const char	 *name;		/* without the dash */
	const char	 *arg;		/* e.g. "HOST:PORT"; NULL for a switch */
	const char	 *help;
	const char	**value;
	bool		 *on;
};

enum serveropt_result {
	SERVEROPT_BAD = -1,	/* e holds `invalid <option> "<value>": <why>` */
	SERVEROPT_RUN,
	SERVEROPT_HELP,
	SERVEROPT_VERSION,
};

/* Parse argv[1..]; flags (nflags entries, may be 0) are the program's own.
 * Positional arguments stop the parse; *optind gets the first one's index
 * (NULL: none are allowed). */
enum serveropt_result serveropt_parse(struct serveropt *o, int argc,
	    char **argv, const struct serveropt_flag *flags, size_t nflags,
	    int *optind, struct err *e);
void	serveropt_usage(FILE *f, const char *synopsis,
	    const struct serveropt_flag *flags, size_t nflags);
/* A flag's whole-number value: decimal digits only (no sign, no blanks),
 * in [lo, hi] (hi below LONG_MAX - 9). 0, or -1 when it is not. */
int	serveropt_number(const char *s, long lo, long hi, long *out);
/* Split "HOST:PORT" or "[HOST]:PORT" (IPv6) into host (cap bytes, may come
 * out empty: the caller decides) and a port in 1..65535. -1 when malformed:
 * no colon, a bad port, a host too long or with a stray bracket. */
int	serveropt_hostport(const char *s, char *host, size_t cap, long *port);
/* The leapsrc configuration these flags describe. */
void	serveropt_leap_config(const struct serveropt *o,
	    struct leapsrc_config *lc, leapsrc_log_fn *log, void *log_ctx);

#endif
