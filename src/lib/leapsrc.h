/*
 * leapsrc.h: where a server's leap-seconds table comes from (PROTOCOL.md
 * section 6): the cache file, else tzdata's copy; reloaded when the file
 * changes (checked at most once a second), so every responder process picks
 * up a table that one of them downloaded. The download itself runs in a
 * background thread (leapfetch.h) that only ever writes the cache file.
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

struct leapsrc_config {
	const char	*path;		/* the cache (-leap-second-path) */
	bool		 path_given;	/* a bad file at start is fatal */
	const char	*tzdata;	/* fallback when the cache is absent */
	const char	*url;		/* -leap-second-url */
	leapsrc_log_fn	*log;		/* may be NULL */
	void		*log_ctx;
};

struct leapsrc;

/* Load the initial table. -1 with e set only for a cache given by the user
 * that exists but is refused; anything else starts (maybe with no table). */
int	leapsrc_open(struct leapsrc **out, const struct leapsrc_config *cfg,
	    struct err *e);
/* The answer's leap fields at now; reloads a changed file first. */
void	leapsrc_lookup(struct leapsrc *src, const struct timespec *now,
	    struct leap_info *out);
/* The table in use (NULL when none). */
const struct leap_table *leapsrc_table(struct leapsrc *src);
/* Start the background download thread (not in CGI mode: the process is
 * gone before a download could finish). */
int	leapsrc_start_fetch(struct leapsrc *src, struct err *e);
/* Stop the thread, free everything. NULL is fine. */
void	leapsrc_close(struct leapsrc *src);

#endif
