/*
 * test_date.c: the Date source's arithmetic (src/client/date.c, bound.c):
 * the interval one answer allows, intersections, the middle and the bound
 * around it, when to send the next request, HTTP-dates; and bisection run
 * against a simulated server's clock: the interval always holds the truth
 * and shrinks to about one round trip. X-HTTPSTIME's values
 * (httpstime_parse) are read here too.
 */
#include "../../src/client/date.c"
#include "../../src/client/httpstime.c"

#include <check.h>
#include "unit.h"

#define S	INT64_C(1000000000)
#define MS	INT64_C(1000000)
#define US	INT64_C(1000)

volatile sig_atomic_t client_stop;

/* Unused by what is tested here: httpstime_measure's pauses. */
int
measure_pause(int64_t ns)
{
	return 0;
}

int64_t
measure_random(int64_t n)
{
	return 0;
}

static const struct {
	int64_t	start, end, sec, lo, hi;
} dates[] = {
	/* Sent at 10.2 s, answered at 10.3 s, Date 10: [-0.3 s, 0.8 s]. */
	{ 10 * S + 200 * MS, 10 * S + 300 * MS, 10, -300 * MS, 800 * MS },
	/* A server 1.7 s behind. */
	{ 100 * S, 100 * S + 1 * MS, 98, -2 * S - 1 * MS, -1 * S },
	{ 5 * S, 5 * S, 5, 0, S },
};

START_TEST(test_bound_date)
{
	struct bound b;

	bound_date(dates[_i].start, dates[_i].end, dates[_i].sec, &b);
	ck_assert_int_eq(b.lo, dates[_i].lo);
	ck_assert_int_eq(b.hi, dates[_i].hi);
}
END_TEST

static const struct {
	struct bound	a, b;
	int		rc;
	struct bound	out;
} meets[] = {
	{ { 0, 10 }, { 5, 20 }, 0, { 5, 10 } },
	{ { 0, 10 }, { 2, 3 }, 0, { 2, 3 } },
	{ { 0, 10 }, { 10, 20 }, 0, { 10, 10 } },
	{ { 0, 10 }, { 11, 20 }, -1, { 0, 10 } },	/* acc unchanged */
	{ { -5 * S, -4 * S }, { -6 * S, -4 * S - 1 }, 0, { -5 * S, -4 * S - 1 } },
};

START_TEST(test_intersect)
{
	struct bound acc = meets[_i].a;

	ck_assert_int_eq(bound_intersect(&acc, &meets[_i].b), meets[_i].rc);
	ck_assert_int_eq(acc.lo, meets[_i].out.lo);
	ck_assert_int_eq(acc.hi, meets[_i].out.hi);
}
END_TEST

static const struct {
	struct bound	b;
	int64_t		mid, half, x, around;
} mids[] = {
	{ { 0, 10 }, 5, 5, 0, 10 },
	{ { 0, 11 }, 5, 6, 11, 11 },	/* odd: the half rounds up */
	{ { -7, -2 }, -5, 3, -4, 3 },
	{ { 3, 3 }, 3, 0, 3, 0 },
	{ { INT64_C(1) << 61, (INT64_C(1) << 61) + 2 },
	  (INT64_C(1) << 61) + 1, 1, INT64_C(1) << 61, 2 },
};

START_TEST(test_mid)
{
	ck_assert_int_eq(bound_mid(&mids[_i].b), mids[_i].mid);
	ck_assert_int_eq(bound_half(&mids[_i].b), mids[_i].half);
	ck_assert_int_eq(bound_around(&mids[_i].b, mids[_i].x),
	    mids[_i].around);
	/* The bound covers the interval. */
	ck_assert(mids[_i].mid - mids[_i].half <= mids[_i].b.lo);
	ck_assert(mids[_i].mid + mids[_i].half >= mids[_i].b.hi);
}
END_TEST

static const struct {
	struct bound	b;
	int64_t		rtt, now, send;
} sends[] = {
	/* Offset 0: the next local second, less half the round trip. */
	{ { 0, 0 }, 0, 1 * S + 300 * MS, 2 * S },
	{ { 0, 0 }, 200 * MS, 1 * S + 300 * MS, 2 * S - 100 * MS },
	/* Already on the boundary: now. */
	{ { 0, 0 }, 0, 7 * S, 7 * S },
	/* Server 0.4 s ahead: its second turns at local .6. */
	{ { 0, 800 * MS }, 0, 1 * S + 300 * MS, 1 * S + 600 * MS },
	{ { 0, 800 * MS }, 0, 1 * S + 700 * MS, 2 * S + 600 * MS },
	/* 1.7 s behind: at local .7. */
	{ { -1700 * MS, -1700 * MS }, 2 * MS, 10 * S + 250 * MS,
	  10 * S + 699 * MS },
	/* A clock of 1970 against a server of now. */
	{ { 1796170000 * S, 1796170000 * S + 500 * MS }, 0, 5 * S,
	  5 * S + 750 * MS },
};

START_TEST(test_next_send)
{
	int64_t t = date_next_send(&sends[_i].b, sends[_i].rtt, sends[_i].now);

	ck_assert_int_eq(t, sends[_i].send);
	ck_assert(t >= sends[_i].now);
	ck_assert(t < sends[_i].now + S);
}
END_TEST

/*
 * Bisection against a simulated server: true offset theta, round trip
 * rtt, the server reading its clock at a fraction f of the trip. Each
 * answer's interval holds theta; after 24 answers the interval is at most
 * a round trip and a few ns wide.
 */
static const struct {
	int64_t	theta, rtt;
	int	f;	/* percent of the trip */
} sims[] = {
	{ 0, 200 * US, 50 },
	{ 400 * MS, 200 * US, 50 },
	{ -1700 * MS, 200 * US, 50 },
	{ 999999999, 50 * US, 50 },
	{ 123456789, 20 * MS, 50 },
	{ 400 * MS, 20 * MS, 10 },	/* asymmetric paths */
	{ -1700 * MS, 20 * MS, 90 },
	{ 3 * S + 1, 1 * MS, 0 },
	{ 3 * S + 1, 1 * MS, 100 },
};

START_TEST(test_bisect)
{
	int64_t theta = sims[_i].theta, rtt = sims[_i].rtt, now = 1000 * S;
	struct bound acc = { -(INT64_C(1) << 62), INT64_C(1) << 62 }, b;
	int k;

	for (k = 0; k < 24; k++) {
		int64_t s = k == 0 ? now : date_next_send(&acc, rtt, now);
		int64_t u = s + rtt * sims[_i].f / 100;

		bound_date(s, s + rtt, date_floor_sec(u + theta), &b);
		ck_assert(b.lo <= theta && theta <= b.hi);
		ck_assert_int_eq(bound_intersect(&acc, &b), 0);
		ck_assert(acc.lo <= theta && theta <= acc.hi);
		now = s + rtt + 1 * MS;
	}
	ck_assert_msg(acc.hi - acc.lo <= rtt + rtt / 8 + 100,
	    "width %lld for rtt %lld", (long long)(acc.hi - acc.lo),
	    (long long)rtt);
	ck_assert(bound_half(&acc) <= rtt / 2 + rtt / 16 + 100);
}
END_TEST

static const struct {
	const char	*v;
	int		 rc;
	int64_t		 sec;
} https[] = {
	{ "Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777 },	/* IMF-fixdate */
	{ "Sunday, 06-Nov-94 08:49:37 GMT", 0, 784111777 },	/* RFC 850 */
	{ "Sun Nov  6 08:49:37 1994", 0, 784111777 },	/* asctime */
	{ "Wed, 02 Dec 2026 01:22:18 GMT", 0, 1796174538 },
	{ "", -1, 0 },
	{ "yesterday", -1, 0 },
	{ "\x1b[31m", -1, 0 },
};

START_TEST(test_date_parse)
{
	struct err e = { "" };
	int64_t sec = 0;

	ck_assert_int_eq(date_parse(https[_i].v, &sec, &e), https[_i].rc);
	if (https[_i].rc == 0)
		ck_assert_int_eq(sec, https[_i].sec);
	else
		ck_assert_ptr_null(strchr(e.msg, '\x1b'));
}
END_TEST

static const struct {
	const char	*v;
	int		 rc;
	time_t		 sec;
	long		 nsec;
	int64_t		 res;
} stamps[] = {
	{ "1448833939.123456", 0, 1448833939, 123456000, 1000 },
	{ "1448833939.5", 0, 1448833939, 500000000, 100 * MS },
	{ "1448833939", 0, 1448833939, 0, S },
	{ "1448833939.1234567891234", 0, 1448833939, 123456789, 1 },
	{ "", -1, 0, 0, 0 },
	{ "1448833939.", -1, 0, 0, 0 },
	{ ".5", -1, 0, 0, 0 },
	{ "-5", -1, 0, 0, 0 },
	{ "1.4e9", -1, 0, 0, 0 },
	{ "1448833939.12 ", -1, 0, 0, 0 },
	{ "1.2.3", -1, 0, 0, 0 },
	{ "99999999999999999999", -1, 0, 0, 0 },
};

START_TEST(test_httpstime_parse)
{
	struct err e = { "" };
	struct timespec t = { 0, 0 };
	int64_t res = 0;

	ck_assert_int_eq(httpstime_parse(stamps[_i].v, &t, &res, &e),
	    stamps[_i].rc);
	if (stamps[_i].rc == 0) {
		ck_assert_int_eq(t.tv_sec, stamps[_i].sec);
		ck_assert_int_eq(t.tv_nsec, stamps[_i].nsec);
		ck_assert_int_eq(res, stamps[_i].res);
	} else
		ck_assert_str_ne(e.msg, "");
}
END_TEST

static const struct {
	const char	*url, *out;
	bool		 wellknown;
} turls[] = {
	{ "http://example.com", "http://example.com/.well-known/time", true },
	{ "https://example.com:8443/", "https://example.com:8443/.well-known/time",
	  true },
	{ "http://example.com/time", "http://example.com/time", false },
	{ "http://example.com/?x", "http://example.com/?x", false },
	{ "http://[::1]:80/", "http://[::1]:80/.well-known/time", true },
};

START_TEST(test_httpstime_url)
{
	char out[256];
	bool wk;

	ck_assert_int_eq(httpstime_url(turls[_i].url, out, sizeof(out), &wk), 0);
	ck_assert_str_eq(out, turls[_i].out);
	ck_assert(wk == turls[_i].wellknown);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_bound_date, 0, (int)NITEMS(dates));
	tcase_add_loop_test(tc, test_intersect, 0, (int)NITEMS(meets));
	tcase_add_loop_test(tc, test_mid, 0, (int)NITEMS(mids));
	tcase_add_loop_test(tc, test_next_send, 0, (int)NITEMS(sends));
	tcase_add_loop_test(tc, test_bisect, 0, (int)NITEMS(sims));
	tcase_add_loop_test(tc, test_date_parse, 0, (int)NITEMS(https));
	tcase_add_loop_test(tc, test_httpstime_parse, 0, (int)NITEMS(stamps));
	tcase_add_loop_test(tc, test_httpstime_url, 0, (int)NITEMS(turls));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
