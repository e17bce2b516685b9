/*
 * ts.h: WebNTP timestamps (doc/protocol.md section 1). A timestamp is a
 * normalized struct timespec (0 <= tv_nsec < 1e9, so -1.5 s is {-2, 5e8});
 * differences are int64_t nanoseconds. No doubles in the arithmetic.
 */
#ifndef WEBNTP_TS_H
#define WEBNTP_TS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define TS_NS_PER_SEC	INT64_C(1000000000)
#define TS_MAX_SEC	(INT64_C(1) << 40)	/* |value| beyond this is refused */
#define TS_INPUT_MAX	256	/* longest text ts_parse accepts, in bytes */
#define TS_TEXT_MAX	32	/* buffer for ts_format, NUL included */

/*
 * Parse text (not NUL-terminated, len bytes) with surrounding white space:
 * [+-]digits[.digits] exactly to the nanosecond (extra digits dropped), else
 * a finite floating point number in decimal ("1.5e9", ".5"; not "1.", hex,
 * inf or nan). At most TS_INPUT_MAX bytes, |value| <= 2^40 s. Returns 0, or
 * -1 with e set.
 */
int	ts_parse(const char *s, size_t len, struct timespec *out, struct err *e);

/* A finite double of seconds, |d| <= 2^40 (the caller checks), to the
 * nearest nanosecond: the only place a double becomes a timestamp. */
void	ts_from_double(double d, struct timespec *out);

/* Write "<seconds>.<6 digits>" (microseconds rounded half up, away from
 * zero for negative values); returns the length. buf has TS_TEXT_MAX bytes. */
size_t	ts_format(const struct timespec *t, char *buf);

/* Unix seconds as UTC text in the strftime layout fmt (no zone, no
 * locale), into buf; the number itself when gmtime cannot. */
void	ts_utc(int64_t sec, const char *fmt, char *buf, size_t cap)
    __attribute__((format(strftime, 2, 0)));

/* CLOCK_REALTIME and CLOCK_MONOTONIC readings. */
void	ts_now(struct timespec *t);
int64_t	ts_mono_ns(void);

/* a - b in nanoseconds; -1 when it does not fit in int64_t, else 0. */
int	ts_diff_ns(const struct timespec *a, const struct timespec *b,
	    int64_t *out);
/* t + ns, normalized. */
void	ts_add_ns(struct timespec *t, int64_t ns);
int64_t	ts_to_ns(const struct timespec *t);	/* |t| < 292 years */
void	ts_from_ns(int64_t ns, struct timespec *t);
/* Compare: <0, 0, >0. */
int	ts_cmp(const struct timespec *a, const struct timespec *b);

#endif
