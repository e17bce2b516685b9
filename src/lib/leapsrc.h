/*
 * leapsrc.h: where a server's leap-seconds table comes from (doc/protocol.md
 * section 6): the cache file, else tzdata's copy; reloaded when the file
 * changes (checked at most once a second), so every responder process picks
 * up a table that one of them downloaded. The download itself runs in a
 * background thread (leapfetch.h) that only ever writes the cache file.
 * The cache is data, not configuration: one that is empty, cut short or
 * garbage is logged and tzdata's copy used until a good table replaces it
 * (a missing one too, silently while tzdata's copy serves); only an
 * unusable path stops a start.
 */
#ifndef WEBNTP_LEAPSRC_H
#define WEBNTP_LEAPSRC_H

#include <stdbool.h>
#include <time.h>

#include "err.h"
#include "leap.h"

/* Reports what happened in the background (reloads, downloads, failures).
 * Called from the lookup's thread or from the fetch thread. */
typedef void leapsrc_log_fn(void *ctx, const char *msg);
/* Format a message and hand it to log (NULL: nothing); for leapsrc.c and
 * leapfetch.c alike. */
void	leapsrc_logf(leapsrc_log_fn *log, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct leapsrc_config {
	const char	*path;		/* the cache (-leap-second-path) */
	bool		 path_given;	/* an unusable path is fatal */
	const char	*tzdata;	/* used while the cache is not good */
	const char	*url;		/* -leap-second-url; "": none */
	leapsrc_log_fn	*log;		/* may be NULL */
	void		*log_ctx;
};

struct leapsrc;

/* Whether path can hold a cache: not empty, not something other than a
 * regular file, in a directory that exists. 0, or -1 with e saying why. */
int	leapsrc_check_path(const char *path, struct err *e);
/* Load the initial table. -1 with e set only for a path given by the user
 * that leapsrc_check_path refuses; a bad or missing cache file is logged
 * and tzdata's copy used (maybe no table at all: answers carry zeros). */
int	leapsrc_open(struct leapsrc **out, const struct leapsrc_config *cfg,
	    struct err *e);
/* The answer's leap fields at now; reloads a changed file first. Safe to
 * call from several threads at once. */
void	leapsrc_lookup(struct leapsrc *src, const struct timespec *now,
	    struct leap_info *out);
/* Start the background download thread (not in CGI mode: the process is
 * gone before a download could finish); nothing with an empty URL. */
int	leapsrc_start_fetch(struct leapsrc *src, struct err *e);
/* Stop the thread, free everything. NULL is fine. */
void	leapsrc_close(struct leapsrc *src);

#endif
