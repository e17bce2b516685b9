/*
 * date.c: time from the Date header (RFC 9110 6.6.1: one-second
 * resolution) sharpened by bisection, as the Time over HTTPS
 * specification (phk.freebsd.dk/time/20151129) and htpdate do.
 *
 * A Date of D on an answer to a request sent at local s and answered by
 * local r says the server's clock read [D, D + 1 s) at some instant of
 * [s, r]: the offset lies in [D - r, D + 1 s - s] (bound.c). The answers'
 * intersection holds the truth; each next HEAD goes out when the server's
 * next second boundary, predicted from the middle m of that interval,
 * falls in the middle of its round trip: its Date then says on which side
 * the boundary was, and the interval's width w becomes about w/2 + rtt/2.
 * It stops when w is within a quarter of the shortest round trip (it
 * cannot shrink below one), when three answers in a row did not narrow it,
 * or before the next answer would end past -budget. About log2(1 s / rtt)
 * answers, one a second at most.
 *
 * NOTES: unlike htpdate, which steps its send phase by halves and takes
 * the result from the last step, every answer here is a proof and none is
 * thrown away, so a late or reordered answer costs precision, never truth;
 * and the result comes with the interval. It needs a server that stamps
 * Date from its clock while it answers, as nginx and Apache do. lighttpd
 * 1.4 does not: it reads the clock once a second, when its monotonic
 * clock's second changes (server.c, log_epoch_secs), so its Date lags its
 * clock by the fixed fraction of a second between the two clocks (0.88 s
 * on the machine this was written on): bisection then finds that lag, and
 * the bound, true of the Date, does not hold the server's clock.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <curl/curl.h>

#include "client.h"
#include "esc.h"
#include "ts.h"

#define DATE_PROBES_MAX	64	/* answers per server, whatever the budget */
#define DATE_GAP	(TS_NS_PER_SEC / 1000)	/* to fall asleep in */

int
date_parse(const char *v, int64_t *sec, struct err *e)
{
	char shown[64];
	time_t t;

	/* curl_getdate reads the three forms RFC 9110 5.6.7 asks for. */
	t = curl_getdate(v, NULL);
	if (t == -1) {
		esc_text(shown, sizeof(shown), v, strlen(v));
		err_set(e, "the Date header \"%s\" is not an HTTP date", shown);
		return -1;
	}
	*sec = (int64_t)t;
	return 0;
}

/* Floor division by a second, for any sign. */
static int64_t
date_floor_sec(int64_t ns)
{
	int64_t q = ns / TS_NS_PER_SEC;

	return ns % TS_NS_PER_SEC < 0 ? q - 1 : q;
}

int64_t
date_next_send(const struct bound *b, int64_t rtt, int64_t now)
{
	int64_t m = bound_mid(b), x, n;

	/* The predicted server clock halfway through a trip sent now. */
	x = now + rtt / 2 + m;
	n = date_floor_sec(x);
	if (n * TS_NS_PER_SEC < x)
		n++;
	return n * TS_NS_PER_SEC - m - rtt / 2;
}

/* Sleep until the local clock reads at (ns); -1 when stopped. */
static int
date_sleep_until(int64_t at)
{
	struct timespec t;

	ts_from_ns(at, &t);
	for (;;) {
		if (client_stop)
			return -1;
		errno = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t,
		    NULL);
		if (errno == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* One HEAD: its interval in *b, its round trip in *rtt. */
static int
date_probe(void *h, const char *url, struct bound *b, int64_t *rtt,
    int64_t *pre, struct err *e)
{
	struct http_head a;
	struct timespec t;
	int64_t sec, s, r;

	if (http_head(h, url, &a, e) == -1)
		return -1;
	if (!a.has_date) {
		err_set(e, "the answer has no Date (HTTP status %ld)",
		    a.status);
		return -1;
	}
	if (date_parse(a.date, &sec, e) == -1)
		return -1;
	t.tv_sec = (time_t)sec;
	t.tv_nsec = 0;
	if (reply_check_time(&t, e) == -1)
		return -1;
	s = ts_to_ns(&a.start);
	r = ts_to_ns(&a.end);
	if (r < s) {
		err_set(e, "the answer came before the request");
		return -1;
	}
	bound_date(s, r, sec, b);
	*rtt = r - s;
	*pre = s;
	return 0;
}

int
date_measure(void *h, const char *url, const struct client_opt *o,
    struct client_result *r, struct err *e)
{
	struct timespec now;
	struct bound acc, b;
	int64_t t0, rtt, rtt_min, pre, lat = -1, wake, at, w;
	int n = 1, stall = 0;
	bool aimed;

	ts_now(&now);
	t0 = ts_to_ns(&now);
	if (date_probe(h, url, &acc, &rtt_min, &pre, e) == -1)
		return -1;
	while (n < DATE_PROBES_MAX && stall < 3 && !client_stop) {
		w = acc.hi - acc.lo;
		if (w <= rtt_min + rtt_min / 4)
			break;
		ts_now(&now);
		at = date_next_send(&acc, rtt_min,
		    ts_to_ns(&now) + (lat > 0 ? lat : 0) + DATE_GAP);
		wake = at - (lat > 0 ? lat : 0);
		if (wake + rtt_min - t0 > o->budget_ns)
			break;
		if (date_sleep_until(wake) == -1) {
			err_set(e, "interrupted");
			return -1;
		}
		if (date_probe(h, url, &b, &rtt, &pre, e) == -1)
			return -1;
		n++;
		/*
		 * libcurl's own time from the wakeup to the request, and the
		 * round trip: their least, as a busy machine's outliers would
		 * only spoil the next aim. A request sent off its aim (by more
		 * than a quarter of the interval) says little and is no sign
		 * that the interval cannot shrink any more.
		 */
		aimed = pre - at < w / 4 && at - pre < w / 4;
		if (lat == -1 || (pre > wake && pre - wake < lat))
			lat = pre > wake ? pre - wake : 0;
		if (rtt < rtt_min)
			rtt_min = rtt;
		if (bound_intersect(&acc, &b) == -1) {
			err_set(e, "the Date answers contradict each other "
			    "(the server's clock stepped?)");
			return -1;
		}
		if (aimed)
			stall = acc.hi - acc.lo > w - w / 50 ? stall + 1 : 0;
	}
	r->source = CLIENT_SOURCE_DATE;
	r->used = n;
	r->lo = acc.lo;
	r->hi = acc.hi;
	r->s.offset = bound_mid(&acc);
	r->s.delay = rtt_min;
	r->bound = bound_half(&acc);
	return 0;
}
