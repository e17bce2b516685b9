/*
 * bound.c: what one answer proves about the offset (true - local, integer
 * ns), as an interval, and the intersection of several (the error bound of
 * issue 12; doc/protocol.md section 5).
 *
 * A server read its clock as stamp at some instant u of [start, end] on
 * the local clock, and its clock then was in [stamp - below, stamp +
 * above] (the stamp's resolution and rounding). Then true - local =
 * clock(u) - u lies in [stamp - below - end, stamp + above - start]. No
 * symmetry is assumed and nothing is estimated: every answer's interval
 * holds the truth if the server's clock is true, so their intersection
 * does too, and it can only shrink. Sums of local and server times near
 * 2^61 ns cannot overflow: inputs are timestamps of this century
 * (reply_check_time) and resolutions of at most a second.
 */
#include "config.h"

#include "client.h"
#include "ts.h"

void
bound_stamp(int64_t start, int64_t end, int64_t stamp, int64_t below,
    int64_t above, struct bound *b)
{
	b->lo = stamp - below - end;
	b->hi = stamp + above - start;
}

void
bound_date(int64_t start, int64_t end, int64_t sec, struct bound *b)
{
	/* [sec, sec + 1 s): the closed end only widens by 1 ns. */
	bound_stamp(start, end, sec * TS_NS_PER_SEC, 0, TS_NS_PER_SEC, b);
}

int
bound_intersect(struct bound *acc, const struct bound *b)
{
	int64_t lo = acc->lo > b->lo ? acc->lo : b->lo;
	int64_t hi = acc->hi < b->hi ? acc->hi : b->hi;

	if (lo > hi)
		return -1;
	acc->lo = lo;
	acc->hi = hi;
	return 0;
}

int64_t
bound_mid(const struct bound *b)
{
	/* lo + (hi - lo) / 2 does not overflow where (lo + hi) / 2 may. */
	return b->lo + (b->hi - b->lo) / 2;
}

int64_t
bound_around(const struct bound *b, int64_t x)
{
	int64_t below = x - b->lo, above = b->hi - x;
	int64_t r = below > above ? below : above;

	return r > 0 ? r : 0;
}

int64_t
bound_half(const struct bound *b)
{
	return bound_around(b, bound_mid(b));
}
