/*
 * sample.h: offset and delay of one WebNTP exchange and the combination of
 * several (doc/protocol.md section 5). Integer nanoseconds throughout.
 */
#ifndef WEBNTP_SAMPLE_H
#define WEBNTP_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "leap.h"

#define SAMPLE_MAX	8	/* -p is 1..8 */

/* NTP leap indicator values, as ntpd's SHM and chrony's SOCK take them. */
#define SAMPLE_LEAP_NONE	0
#define SAMPLE_LEAP_INSERT	1
#define SAMPLE_LEAP_DELETE	2

struct sample {
	int64_t	offset;	/* true - local, ns */
	int64_t	delay;	/* ns, >= 0 */
};

/*
 * One exchange: delay = end - start, offset = st - end + delay/2. -1 with e
 * set when end is before start or a value does not fit in int64_t.
 */
int	sample_make(const struct timespec *start, const struct timespec *end,
	    const struct timespec *st, struct sample *out, struct err *e);

/*
 * Drop samples whose delay is >= 2 x the smallest (the smallest stays);
 * out gets the mean offset and mean delay of the rest (truncated toward
 * zero, exact, no overflow).
 * Returns how many samples were kept (>= 1), or -1 when n is 0.
 */
int	sample_combine(const struct sample *s, size_t n, struct sample *out);

/* Index of the smallest delay among n results (first on a tie); n > 0. */
size_t	sample_best(const struct sample *s, size_t n);

/*
 * The leap indicator at true time now: when the next leap second (li) is
 * later than now and at most 24 h away, INSERT or DELETE by its step;
 * otherwise NONE.
 */
int	sample_leap_indicator(const struct leap_info *li,
	    const struct timespec *now);

#endif
