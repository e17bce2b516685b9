/*
 * leapfetch.h: download leap-seconds.list (libcurl) into the cache file
 * (doc/protocol.md section 6). Only when the cache exists but does not load, or
 * the table in use (the cache, else tzdata's copy) is missing or past its
 * expiry; at start, then daily, and after a failed or skipped attempt again
 * with a growing pause (a minute, doubling, at most the daily interval). An
 * flock on "<path>.lock" lets one of several responder processes download.
 * The download goes to a temporary file beside the cache, is verified
 * (#h present and matching, parses, #$ newer than the table in use) and
 * renamed into place; anything else leaves the cache as it was. Temporary
 * files that killed processes left behind are removed under the lock.
 */
#ifndef WEBNTP_LEAPFETCH_H
#define WEBNTP_LEAPFETCH_H

#include "err.h"
#include "leapsrc.h"

enum leapfetch_result {
	LEAPFETCH_FAILED = -1,	/* e says why; the cache is untouched */
	LEAPFETCH_NOT_NEEDED,	/* the table in use is present and valid */
	LEAPFETCH_BUSY,		/* another process holds the lock */
	LEAPFETCH_NOT_NEWER,	/* the download is not newer: thrown away */
	LEAPFETCH_UPDATED,	/* a new cache file is in place */
};

struct leapfetch_config {
	const char	*path;		/* the cache file to write */
	const char	*tzdata;	/* consulted when the cache is absent */
	const char	*url;
	long		 timeout_s;	/* whole transfer; 0: 60 s */
	unsigned	 interval_s;	/* between checks; 0: 86400 */
	unsigned	 retry_s;	/* first pause after a failure; 0: 60 */
	leapsrc_log_fn	*log;
	void		*log_ctx;
};

struct leapfetch;

/* One check-and-download, in the caller's thread. */
enum leapfetch_result leapfetch_once(const struct leapfetch_config *cfg,
	    struct err *e);
/* The pause in seconds before the next check after one that gave r. After
 * UPDATED or NOT_NEEDED the interval, and *pause_s back to 0; after FAILED,
 * BUSY (the other process may fail) or NOT_NEWER (the table in use is still
 * bad or expired) retry_s, then twice the previous pause, at most
 * interval_s; *pause_s (0 at first) carries the last pause. */
unsigned leapfetch_next_delay(unsigned *pause_s, enum leapfetch_result r,
	    unsigned retry_s, unsigned interval_s);
/* A thread doing leapfetch_once at start and then after each
 * leapfetch_next_delay, logging each outcome other than NOT_NEEDED and
 * BUSY. */
int	leapfetch_start(struct leapfetch **out, const struct leapfetch_config *cfg,
	    struct err *e);
void	leapfetch_stop(struct leapfetch *f);

#endif
