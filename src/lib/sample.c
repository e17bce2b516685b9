/*
 * sample.c: offset/delay of a WebNTP exchange and the combining rule of
 * go-webntp's GetMulti (doc/protocol.md section 5), in integer nanoseconds.
 */
#include "config.h"

#include "sample.h"
#include "ts.h"

int
sample_make(const struct timespec *start, const struct timespec *end,
    const struct timespec *st, struct sample *out, struct err *e)
{
	int64_t delay, st_end;

	if (ts_diff_ns(end, start, &delay) == -1 || delay < 0) {
		err_set(e, "the answer arrived before the request was sent");
		return -1;
	}
	if (ts_diff_ns(st, end, &st_end) == -1 ||
	    (st_end > 0 && st_end > INT64_MAX - delay / 2) ||
	    (st_end < 0 && st_end < INT64_MIN + delay / 2)) {
		err_set(e, "the server's time is out of range");
		return -1;
	}
	out->delay = delay;
	out->offset = st_end + delay / 2;
	return 0;
}

/*
 * The mean of n values without a wider type: sum the quotients and the
 * remainders by n separately. Each |quotient| <= |x| / n, so their sum fits;
 * the remainders add up to less than n * n.
 */
static int64_t
sample_mean(const int64_t *x, size_t n)
{
	int64_t q = 0, r = 0, d = (int64_t)n;
	size_t i;

	for (i = 0; i < n; i++) {
		q += x[i] / d;
		r += x[i] % d;
	}
	/* q and r may have opposite signs: fold r in toward zero like C's /. */
	q += r / d;
	r %= d;
	if (q > 0 && r < 0)
		q--;
	else if (q < 0 && r > 0)
		q++;
	return q;
}

int
sample_combine(const struct sample *s, size_t n, struct sample *out)
{
	int64_t off[SAMPLE_MAX], del[SAMPLE_MAX], min;
	size_t i, k = 0;

	if (n == 0)
		return -1;
	if (n > SAMPLE_MAX)
		n = SAMPLE_MAX;
	min = s[sample_best(s, n)].delay;
	for (i = 0; i < n; i++) {
		/*
		 * Keep delay < 2 x min, written so 2 x min cannot overflow;
		 * the smallest itself always stays (go-webntp divides by zero
		 * when every delay is 0).
		 */
		if (s[i].delay != min && s[i].delay - min >= min)
			continue;
		off[k] = s[i].offset;
		del[k] = s[i].delay;
		k++;
	}
	out->offset = sample_mean(off, k);
	out->delay = sample_mean(del, k);
	return (int)k;
}

size_t
sample_best(const struct sample *s, size_t n)
{
	size_t i, best = 0;

	for (i = 1; i < n; i++)
		if (s[i].delay < s[best].delay)
			best = i;
	return best;
}

int
sample_leap_indicator(const struct leap_info *li, const struct timespec *now)
{
	int64_t until;

	/* A leap at second `next` starts at next - 1 + 1 s; measure from now's
	 * whole seconds so 23:59:59.5 the day before is still "within". */
	until = li->next - (int64_t)now->tv_sec;
	if (until <= 0 || until > 24 * 3600)
		return SAMPLE_LEAP_NONE;
	if (li->step > 0)
		return SAMPLE_LEAP_INSERT;
	if (li->step < 0)
		return SAMPLE_LEAP_DELETE;
	return SAMPLE_LEAP_NONE;
}
