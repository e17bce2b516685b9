/*
 * test_ts.c: timestamps (doc/protocol.md section 1): ts_format's six rounded
 * decimals, ts_parse's fixed and float forms and what it refuses, and the
 * nanosecond arithmetic.
 */
#include "ts.c"

#include "esc.h"
#include "unit.h"

static const struct {
	time_t		 sec;
	long		 nsec;
	const char	*want;
} fmt_cases[] = {
	{ 0, 0, "0.000000" },
	{ 0, 400, "0.000000" },			/* 0.4 us rounds down */
	{ 0, 499, "0.000000" },
	{ 0, 500, "0.000001" },			/* 0.5 us rounds up */
	{ 0, 1000, "0.000001" },		/* 1 us */
	{ 0, 10000, "0.000010" },		/* 10 us */
	{ 0, 100000, "0.000100" },		/* 100 us */
	{ 0, 1000000, "0.001000" },		/* 1 ms */
	{ 0, 10000000, "0.010000" },		/* 10 ms */
	{ 0, 100000000, "0.100000" },		/* 0.1 s */
	{ 1234567890, 0, "1234567890.000000" },
	{ 1489217288, 328757000, "1489217288.328757" },
	{ 999999, 999500000, "999999.999500" },
	{ 999999, 999999499, "999999.999999" },
	{ 999999, 999999500, "1000000.000000" },	/* carry into seconds */
	{ 1099511627776, 0, "1099511627776.000000" },
	/* Negative: -1.5 s is {-2, 5e8}; rounding is away from zero. */
	{ -2, 500000000, "-1.500000" },
	{ -1, 0, "-1.000000" },
	{ -1, 999999600, "0.000000" },		/* -0.4 us: no "-0" */
	{ -1, 999999500, "-0.000001" },		/* -0.5 us */
	{ -1, 999000000, "-0.001000" },
	{ -1234567891, 999999999, "-1234567890.000000" },
	{ -1000000, 501, "-999999.999999" },
	{ -1000000, 500, "-1000000.000000" },	/* carry into seconds */
	{ INT64_MIN, 0, "-9223372036854775808.000000" },
	{ INT64_MAX, 999999999, "9223372036854775808.000000" },
};

START_TEST(test_format)
{
	struct timespec t = { fmt_cases[_i].sec, fmt_cases[_i].nsec };
	char buf[TS_TEXT_MAX];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = ts_format(&t, buf);
	ck_assert_str_eq(buf, fmt_cases[_i].want);
	ck_assert_uint_eq(n, strlen(fmt_cases[_i].want));
}
END_TEST

#define OK(s, sec, nsec)	{ s, sizeof(s) - 1, true, sec, nsec }
#define BAD(s)			{ s, sizeof(s) - 1, false, 0, 0 }

static const struct {
	const char	*in;
	size_t		 len;
	bool		 ok;
	time_t		 sec;
	long		 nsec;
} parse_cases[] = {
	OK("0", 0, 0),
	OK("0.000", 0, 0),
	OK("0.001", 0, 1000000),
	OK("1234567890.000", 1234567890, 0),
	OK("1489217288.328757", 1489217288, 328757000),
	OK("1.234567890000e9", 1234567890, 0),
	OK("1.5e0", 1, 500000000),
	OK("1e-3", 0, 1000000),
	OK("+5", 5, 0),
	OK("-1.5", -2, 500000000),
	OK("-0.000000001", -1, 999999999),
	OK("-0", 0, 0),
	OK(" \t1.25\r\n ", 1, 250000000),
	OK("0.123456789", 0, 123456789),
	OK("0.1234567899", 0, 123456789),	/* beyond ns: dropped */
	OK("7.00000000099999", 7, 0),
	/* Not [+-]digits[.digits], but a float to strtod (and Go). */
	OK(".5", 0, 500000000),
	OK("-.5", -1, 500000000),
	OK("1099511627776", 1099511627776, 0),	/* 2^40 */
	OK("-1099511627776", -1099511627776, 0),
	OK("-1099511627775.9", -1099511627776, 100000000),
	OK("1e12", 1000000000000, 0),
	OK("1e-400", 0, 0),			/* underflow is zero */
	OK("1e-310", 0, 0),			/* subnormal, ERANGE */
	OK("-1e-310", 0, 0),
	BAD(""),
	BAD("   "),
	BAD("abc"),
	BAD("1.2.3"),
	BAD("NaN"),
	BAD("nan"),
	BAD("inf"),
	BAD("-Infinity"),
	BAD("1e400"),
	BAD("-1e400"),
	BAD("0x10"),
	BAD("0X1p3"),
	BAD("1."),
	BAD("1.e5"),
	BAD("."),
	BAD("+"),
	BAD("-"),
	BAD("--1"),
	BAD("+-1"),
	BAD("1 2"),
	BAD("1,5"),
	BAD("e5"),
	BAD("1e"),
	BAD("1e+"),
	BAD("١"),				/* Arabic-Indic one */
	BAD("1099511627777"),			/* 2^40 + 1 */
	BAD("-1099511627777"),
	BAD("1099511627776.5"),
	BAD("1.1e12"),
	BAD("99999999999999999999999999999999"),
	BAD("1\0002"),				/* embedded NUL */
	BAD("\0001"),
	BAD("1\000"),
};

START_TEST(test_parse)
{
	struct timespec t = { -7, 7 };
	struct err e = { .msg = "" };
	int rc;

	rc = ts_parse(parse_cases[_i].in, parse_cases[_i].len, &t, &e);
	if (parse_cases[_i].ok) {
		ck_assert_msg(rc == 0, "\"%s\": %s", parse_cases[_i].in, e.msg);
		ck_assert_int_eq(t.tv_sec, parse_cases[_i].sec);
		ck_assert_int_eq(t.tv_nsec, parse_cases[_i].nsec);
		ck_assert_str_eq(e.msg, "");
	} else {
		ck_assert_msg(rc == -1, "\"%s\" accepted as %lld.%09ld",
		    parse_cases[_i].in, (long long)t.tv_sec, t.tv_nsec);
		ck_assert_msg(e.msg[0] != '\0', "no error message");
	}
}
END_TEST

/* The error quotes the peer's bytes escaped and short: no newline or
 * escape sequence reaches a log, and the message is valid UTF-8 that fits a
 * WebSocket close reason (123 bytes), whatever the input. */
static const struct {
	const char	*in;
	const char	*want;
} quote_cases[] = {
	{ "1\nFAKE LOG LINE", "not a timestamp: \"1\\nFAKE LOG LINE\"" },
	{ "\x1b[2J", "not a timestamp: \"\\x1b[2J\"" },
	{ "1\xc3", "not a timestamp: \"1\\xc3\"" },
};

START_TEST(test_parse_quote)
{
	struct timespec t;
	struct err e = { .msg = "" };

	ck_assert_int_eq(ts_parse(quote_cases[_i].in,
	    strlen(quote_cases[_i].in), &t, &e), -1);
	ck_assert_str_eq(e.msg, quote_cases[_i].want);
}
END_TEST

START_TEST(test_parse_quote_long)
{
	char buf[TS_INPUT_MAX];
	struct timespec t;
	struct err e = { .msg = "" };
	size_t n;

	/* "1" then 127 times "é": the quote ends at a whole character. */
	buf[0] = '1';
	for (n = 1; n + 2 <= sizeof(buf); n += 2)
		memcpy(buf + n, "\xc3\xa9", 2);
	ck_assert_int_eq(ts_parse(buf, n, &t, &e), -1);
	ck_assert_uint_le(strlen(e.msg), 123);
	ck_assert_uint_eq(esc_utf8_prefix(e.msg, strlen(e.msg),
	    strlen(e.msg) - 2), strlen(e.msg) - 2);	/* ends in ...\" */
	ck_assert_ptr_nonnull(strstr(e.msg, "\xc3\xa9...\""));
	for (n = 0; n < sizeof(buf); n++)
		buf[n] = (char)(0x80 + n % 64);
	err_clear(&e);
	ck_assert_int_eq(ts_parse(buf, sizeof(buf), &t, &e), -1);
	ck_assert_uint_le(strlen(e.msg), 123);
}
END_TEST

/* Inputs longer than TS_INPUT_MAX, and long digit strings under it. */
START_TEST(test_parse_long)
{
	char buf[512];
	struct timespec t;
	struct err e = { .msg = "" };

	memset(buf, '1', 300);
	ck_assert_int_eq(ts_parse(buf, 300, &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "longer than"));

	/* 200 digits: no overflow, a range error. */
	err_clear(&e);
	ck_assert_int_eq(ts_parse(buf, 200, &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "out of range"));

	/* 0.<250 digits>: the extra digits are dropped. */
	memcpy(buf, "0.", 2);
	memset(buf + 2, '9', 250);
	err_clear(&e);
	ck_assert_int_eq(ts_parse(buf, 252, &t, &e), 0);
	ck_assert_int_eq(t.tv_sec, 0);
	ck_assert_int_eq(t.tv_nsec, 999999999);

	/* White space around a value counts towards the limit. */
	memset(buf, ' ', 300);
	buf[150] = '1';
	err_clear(&e);
	ck_assert_int_eq(ts_parse(buf, 300, &t, &e), -1);
	ck_assert_int_eq(ts_parse(buf + 100, 100, &t, NULL), 0);
	ck_assert_int_eq(t.tv_sec, 1);
}
END_TEST

/* Anything ts_format writes reads back as the same microsecond. */
START_TEST(test_roundtrip)
{
	uint64_t x = 0x9e3779b97f4a7c15u;

	for (int i = 0; i < 10000; i++) {
		struct timespec t, back;
		char buf[TS_TEXT_MAX];
		int64_t ns, us;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ns = (int64_t)(x % (UINT64_C(4000000000) * 1000000000)) -
		    INT64_C(2000000000) * 1000000000;
		ts_from_ns(ns, &t);
		ck_assert_int_eq(ts_parse(buf, ts_format(&t, buf), &back, NULL),
		    0);
		us = ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);
		ck_assert_msg(ts_to_ns(&back) == us * 1000,
		    "%lld ns -> %s -> %lld", (long long)ns, buf,
		    (long long)ts_to_ns(&back));
	}
}
END_TEST

static const struct {
	time_t	as, bs;
	long	an, bn;
	int	rc;
	int64_t	diff;
	int	cmp;
} diff_cases[] = {
	{ 1, 0, 0, 0, 0, 1000000000, 1 },
	{ 0, 1, 0, 0, 0, -1000000000, -1 },
	{ 5, 5, 1, 999999999, 0, -999999998, -1 },
	{ 10, 9, 0, 999999999, 0, 1, 1 },
	{ 7, 7, 5, 5, 0, 0, 0 },
	{ -2, 1, 500000000, 0, 0, -2500000000, -1 },
	{ INT64_MAX, 0, 0, 0, -1, 0, 1 },
	{ INT64_MIN, 1, 0, 0, -1, 0, -1 },
};

START_TEST(test_diff)
{
	struct timespec a = { diff_cases[_i].as, diff_cases[_i].an };
	struct timespec b = { diff_cases[_i].bs, diff_cases[_i].bn };
	int64_t d = 42;
	int cmp;

	ck_assert_int_eq(ts_diff_ns(&a, &b, &d), diff_cases[_i].rc);
	if (diff_cases[_i].rc == 0)
		ck_assert_int_eq(d, diff_cases[_i].diff);
	cmp = ts_cmp(&a, &b);
	ck_assert_int_eq(cmp < 0 ? -1 : cmp > 0, diff_cases[_i].cmp);
}
END_TEST

static const struct {
	time_t	sec;
	long	nsec;
	int64_t	add;
	time_t	wsec;
	long	wnsec;
} add_cases[] = {
	{ 0, 0, 1, 0, 1 },
	{ 0, 999999999, 1, 1, 0 },
	{ 0, 0, -1, -1, 999999999 },
	{ 5, 500000000, -1500000000, 4, 0 },
	{ 5, 500000000, 2600000000, 8, 100000000 },
	{ -1, 1, -2, -2, 999999999 },
	{ 10, 0, -10000000001, -1, 999999999 },
};

START_TEST(test_add)
{
	struct timespec t = { add_cases[_i].sec, add_cases[_i].nsec }, u;

	ts_add_ns(&t, add_cases[_i].add);
	ck_assert_int_eq(t.tv_sec, add_cases[_i].wsec);
	ck_assert_int_eq(t.tv_nsec, add_cases[_i].wnsec);
	ts_from_ns(ts_to_ns(&t), &u);
	ck_assert_int_eq(ts_cmp(&t, &u), 0);
}
END_TEST

START_TEST(test_clocks)
{
	struct timespec now;
	int64_t a, b;

	ts_now(&now);
	ck_assert_int_gt(now.tv_sec, 1500000000);	/* after 2017 */
	ck_assert(now.tv_nsec >= 0 && now.tv_nsec < 1000000000);
	a = ts_mono_ns();
	b = ts_mono_ns();
	ck_assert_int_ge(b, a);
}
END_TEST

/* ts_from_double: the one place a double becomes a timestamp. */
static const struct {
	double	d;
	time_t	sec;
	long	nsec;
} dbl_cases[] = {
	{ 0, 0, 0 },
	{ 1.5, 1, 500000000 },
	{ -1.5, -2, 500000000 },
	{ -0.25, -1, 750000000 },
	{ 1489224310.5, 1489224310, 500000000 },
	{ 0.905049, 0, 905049000 },
	{ 0.9999999996, 1, 0 },		/* rounds up into the next second */
	{ -0.9999999996, -1, 0 },
	{ 1e-10, 0, 0 },
};

START_TEST(test_from_double)
{
	struct timespec t;

	ts_from_double(dbl_cases[_i].d, &t);
	ck_assert_int_eq(t.tv_sec, dbl_cases[_i].sec);
	ck_assert_int_eq(t.tv_nsec, dbl_cases[_i].nsec);
}
END_TEST

START_TEST(test_utc)
{
	char buf[64];

	ts_utc(0, "%Y-%m-%dT%H:%M:%SZ", buf, sizeof(buf));
	ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
	ts_utc(1483228800, "%Y-%m-%d", buf, sizeof(buf));
	ck_assert_str_eq(buf, "2017-01-01");
	ts_utc(-1, "%Y-%m-%d %H:%M:%S", buf, sizeof(buf));
	ck_assert_str_eq(buf, "1969-12-31 23:59:59");
	/* Too small a buffer for the text: the number instead. */
	ts_utc(1483228800, "%Y-%m-%d", buf, 8);
	ck_assert_str_eq(buf, "1483228");
	/* Beyond what gmtime takes: the number. */
	ts_utc(INT64_MAX, "%Y", buf, sizeof(buf));
	ck_assert_str_eq(buf, "9223372036854775807");
}
END_TEST

static Suite *
ts_suite(void)
{
	Suite *s = suite_create("ts");
	TCase *tc;

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format, 0, NITEMS(fmt_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse, 0, NITEMS(parse_cases));
	tcase_add_test(tc, test_parse_long);
	tcase_add_loop_test(tc, test_parse_quote, 0, NITEMS(quote_cases));
	tcase_add_test(tc, test_parse_quote_long);
	tcase_add_test(tc, test_roundtrip);
	suite_add_tcase(s, tc);
	tc = tcase_create("arith");
	tcase_add_loop_test(tc, test_diff, 0, NITEMS(diff_cases));
	tcase_add_loop_test(tc, test_add, 0, NITEMS(add_cases));
	tcase_add_test(tc, test_clocks);
	tcase_add_loop_test(tc, test_from_double, 0, NITEMS(dbl_cases));
	tcase_add_test(tc, test_utc);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(ts_suite());
}
