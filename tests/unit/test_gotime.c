/*
 * test_gotime.c: Go's time.Time.String() layout, as the client's last line
 * writes it (go-webntp compatibility, doc/protocol.md section 5).
 */
#include "../../src/lib/gotime.c"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

static const struct {
	const char	*tz;
	struct timespec	 t;
	const char	*want;
} cases[] = {
	/* go-webntp's README example. */
	{ "Asia/Tokyo", { 1489224310, 905049427 },
	    "2017-03-11 18:25:10.905049427 +0900 JST" },
	/* Trailing zeros of the fraction go; a zero fraction loses its dot. */
	{ "UTC", { 1489224310, 905000000 }, "2017-03-11 09:25:10.905 +0000 UTC" },
	{ "UTC", { 1489224310, 0 }, "2017-03-11 09:25:10 +0000 UTC" },
	{ "UTC", { 1489224310, 1 }, "2017-03-11 09:25:10.000000001 +0000 UTC" },
	{ "UTC", { 0, 100 }, "1970-01-01 00:00:00.0000001 +0000 UTC" },
	/* Negative offsets, half hours, daylight saving. */
	{ "America/New_York", { 1489224310, 500000000 },
	    "2017-03-11 04:25:10.5 -0500 EST" },
	{ "America/New_York", { 1500000000, 0 },
	    "2017-07-13 22:40:00 -0400 EDT" },
	{ "Asia/Kolkata", { 1489224310, 0 },
	    "2017-03-11 14:55:10 +0530 IST" },
	/* A zone whose abbreviation is numeric in tzdata. */
	{ "America/Sao_Paulo", { 1700000000, 0 },
	    "2023-11-14 19:13:20 -0300 -03" },
	/* A leap second's inserted day, just before midnight. */
	{ "UTC", { 1483228799, 999999999 },
	    "2016-12-31 23:59:59.999999999 +0000 UTC" },
};

START_TEST(test_format)
{
	char buf[GOTIME_TEXT_MAX];
	size_t n;

	setenv("TZ", cases[_i].tz, 1);
	tzset();
	n = gotime_format(&cases[_i].t, buf);
	ck_assert_str_eq(buf, cases[_i].want);
	ck_assert_uint_eq(n, strlen(cases[_i].want));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("gotime");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_format, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
