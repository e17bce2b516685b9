/*
 * serveropt.h: the server-side flags shared by webntp.fcgi, webntp-ws and
 * `webntp -serve` (doc/protocol.md section 0): -allow-cross-origin,
 * -leap-second-path, -leap-second-url, -help, -version; rows for flags.h,
 * whose parser a program calls with its own rows too.
 */
#ifndef WEBNTP_SERVEROPT_H
#define WEBNTP_SERVEROPT_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "flags.h"
#include "leapsrc.h"

#define SERVEROPT_LEAP_URL \
	"https://hpiers.obspm.fr/iers/bul/bulc/ntp/leap-seconds.list"

struct serveropt {
	bool		 allow_cross_origin;
	const char	*leap_path;
	bool		 leap_path_given;
	const char	*leap_url;
};

enum serveropt_result {
	SERVEROPT_BAD = FLAGS_BAD,	/* e: invalid <option> "<value>": <why> */
	SERVEROPT_RUN = FLAGS_RUN,
	SERVEROPT_HELP = FLAGS_ASK_HELP,
	SERVEROPT_VERSION = FLAGS_ASK_VERSION,
};

/* Parse argv[1..] (flags.h): the nflags rows of flags (may be 0) are the
 * program's own, then the server flags, -help and -version. Positional
 * arguments stop the parse; *optind gets the first one's index (NULL: none
 * are allowed). */
enum serveropt_result serveropt_parse(struct serveropt *o, int argc,
	    char **argv, const struct flags_flag *flags, size_t nflags,
	    int *optind, struct err *e);
/* "usage: <synopsis>", then the lines of every flag serveropt_parse takes. */
void	serveropt_usage(FILE *f, const char *synopsis,
	    const struct flags_flag *flags, size_t nflags);
/* The usage lines of the server flags alone (for `webntp -serve`). */
void	serveropt_usage_server(FILE *f);
/* Split "HOST:PORT" or "[HOST]:PORT" (IPv6) into host (cap bytes, may come
 * out empty: the caller decides) and a port in 1..65535. -1 when malformed:
 * no colon, a bad port, a host too long or with a stray bracket. */
int	serveropt_hostport(const char *s, char *host, size_t cap, long *port);
/* The leapsrc configuration these flags describe. */
void	serveropt_leap_config(const struct serveropt *o,
	    struct leapsrc_config *lc, leapsrc_log_fn *log, void *log_ctx);

#endif
