/*
 * leap.h: the leap-seconds table (IERS/IETF/tzdata leap-seconds.list,
 * doc/protocol.md section 6) and the leap fields of the answer (section 2).
 */
#ifndef WEBNTP_LEAP_H
#define WEBNTP_LEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define LEAP_NTP_UNIX	INT64_C(2208988800)	/* NTP seconds - Unix seconds */
#define LEAP_MAX_EVENTS	256
#define LEAP_FILE_MAX	(256 * 1024)	/* a larger file is refused */
/* A #$ further than this ahead of the clock is refused: one bad download
 * must not pin the table (a newer #$ wins every later comparison). */
#define LEAP_AHEAD_MAX	(INT64_C(366) * 86400)

struct leap_event {
	int64_t	at;	/* Unix seconds of the leap */
	int	leap;	/* TAI - UTC before it */
	int	step;	/* +1 inserted, -1 deleted */
};

struct leap_table {
	int64_t	updated;	/* #$, Unix seconds; 0 if absent */
	int64_t	expires;	/* #@, Unix seconds; 0 if absent */
	size_t	n;		/* events (the base line is not one) */
	struct leap_event ev[LEAP_MAX_EVENTS];
};

/* The leap fields of an answer; all zero when no table is loaded. */
struct leap_info {
	int64_t	next;	/* Unix seconds */
	int	leap;
	int	step;
};

/* Parse a whole file's text, at the clock's time now. Every table needs a
 * matching #h (a file cut short at a line boundary loses it and would pass
 * as a shorter, wrong table), and a #$ at most LEAP_AHEAD_MAX after now.
 * Returns 0, or -1 with e naming the problem and t empty (as after
 * leap_load's failures). */
int	leap_parse(const char *text, size_t len, const struct timespec *now,
	    struct leap_table *t, struct err *e);
/* Read and parse a regular file of at most LEAP_FILE_MAX bytes. */
int	leap_load(const char *path, const struct timespec *now,
	    struct leap_table *t, struct err *e);
/* The answer's fields at time now (an event exactly at now is past). A NULL
 * or empty table gives zeros. */
void	leap_lookup(const struct leap_table *t, const struct timespec *now,
	    struct leap_info *out);
/* True when the table has an expiry date and now is at or past it. */
bool	leap_expired(const struct leap_table *t, const struct timespec *now);

#endif
