/*
 * select.c: of several servers' offset intervals (bound.c), the one region
 * the most of them share: Marzullo's algorithm, as NTP's selection uses it
 * (RFC 5905 11.2.1), with its majority rule: a region counts only when
 * more than half of the servers that answered hold it. Those that do not
 * are falsetickers. A true server's interval always holds the truth, so
 * with a majority of true servers the region does too.
 *
 * NOTES: intervals are closed (touching ends agree, as the answers'
 * bounds are closed). Two disjoint regions with the same largest count
 * would each be a majority only through a wide interval holding both;
 * which one holds the truth is then unknown, and so it is no majority.
 */
#include "config.h"

#include <stdlib.h>

#include "client.h"

struct select_edge {
	int64_t	at;
	int	type;	/* +1 an interval opens, -1 one closes */
};

static int
select_cmp(const void *a, const void *b)
{
	const struct select_edge *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	/* Opens before closes at one point: closed intervals touch. */
	return y->type - x->type;
}

int
select_majority(const struct bound *b, int n, bool *ok,
    struct select_out *out)
{
	struct select_edge e[2 * SELECT_MAX];
	int i, k = 0, count = 0, best = 0, regions = 0;
	int64_t lo = 0, hi = 0;

	if (n <= 0 || n > SELECT_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		e[k].at = b[i].lo;
		e[k++].type = 1;
		e[k].at = b[i].hi;
		e[k++].type = -1;
	}
	qsort(e, (size_t)k, sizeof(e[0]), select_cmp);
	for (i = 0; i < k; i++) {
		count += e[i].type;
		if (e[i].type == 1 && count > best) {
			best = count;
			regions = 1;
			lo = e[i].at;
			hi = e[i + 1].at;	/* the next edge ends the region */
		} else if (e[i].type == 1 && count == best) {
			/* Opens sort before closes at one point, so this one
			 * is past the region's end: another region. */
			regions++;
		}
	}
	out->agree = best;
	out->in.lo = lo;
	out->in.hi = hi;
	if (2 * best <= n || regions != 1)
		return -1;
	for (i = 0; i < n; i++)
		ok[i] = b[i].lo <= lo && b[i].hi >= hi;
	return 0;
}
