/*
 * test_sample.c: offset/delay of one exchange, the combining rule
 * (doc/protocol.md section 5) and the leap indicator (section 7). Includes the
 * .c to reach sample_mean.
 */
#include "../../src/lib/sample.c"

#include <check.h>
#include <stdlib.h>
#include "unit.h"

#define NS	INT64_C(1000000000)

static const struct {
	struct timespec	start, end, st;
	int		rc;
	int64_t		offset, delay;
} make_cases[] = {
	/* Same clocks, 2 ms round trip, server answers in the middle. */
	{ { 100, 0 }, { 100, 2000000 }, { 100, 1000000 }, 0, 0, 2000000 },
	/* Server 0.25 s ahead. */
	{ { 100, 0 }, { 100, 2000000 }, { 100, 251000000 }, 0,
	    250000000, 2000000 },
	/* Server 1.5 s behind, across a second boundary. */
	{ { 100, 900000000 }, { 101, 100000000 }, { 99, 500000000 }, 0,
	    -1500000000, 200000000 },
	/* Odd delay: delay/2 truncates. */
	{ { 0, 0 }, { 0, 3 }, { 0, 3 }, 0, 1, 3 },
	/* Zero delay. */
	{ { 5, 5 }, { 5, 5 }, { 5, 5 }, 0, 0, 0 },
	/* The answer before the request: refused. */
	{ { 100, 1 }, { 100, 0 }, { 100, 0 }, -1, 0, 0 },
	/* Out of int64 range. */
	{ { 0, 0 }, { 0, 10 }, { 1000000000, 0 }, 0,
	    1000000000 * NS - 5, 10 },
	{ { 0, 0 }, { 0, 10 }, { INT64_C(1) << 40, 0 }, -1, 0, 0 },
	{ { -(INT64_C(1) << 40), 0 }, { INT64_C(1) << 40, 0 }, { 0, 0 },
	    -1, 0, 0 },
};

START_TEST(test_make)
{
	struct err e = { "" };
	struct sample s = { 0, 0 };
	int rc;

	rc = sample_make(&make_cases[_i].start, &make_cases[_i].end,
	    &make_cases[_i].st, &s, &e);
	ck_assert_int_eq(rc, make_cases[_i].rc);
	if (rc == 0) {
		ck_assert_int_eq(s.offset, make_cases[_i].offset);
		ck_assert_int_eq(s.delay, make_cases[_i].delay);
	} else
		ck_assert_str_ne(e.msg, "");
}
END_TEST

static const struct {
	size_t		n;
	struct sample	in[SAMPLE_MAX];
	int		kept;
	int64_t		offset, delay;
} combine_cases[] = {
	{ 1, { { 7, 100 } }, 1, 7, 100 },
	/* 200 >= 2 x 100 is dropped; 199 stays. */
	{ 3, { { 10, 100 }, { 20, 199 }, { 1000, 200 } }, 2, 15, 149 },
	/* Negative offsets; mean truncates toward zero. */
	{ 4, { { -1, 10 }, { -2, 10 }, { -2, 10 }, { -2, 10 } }, 4, -1, 10 },
	{ 2, { { -3, 10 }, { -4, 11 } }, 2, -3, 10 },
	{ 2, { { 3, 10 }, { 4, 11 } }, 2, 3, 10 },
	/* Every delay 0: the smallest stays (go-webntp divides by zero). */
	{ 2, { { 5, 0 }, { 7, 0 } }, 2, 6, 0 },
	{ 2, { { 5, 0 }, { 7, 1 } }, 1, 5, 0 },
	/* Huge values: no overflow in the sum. */
	{ 3, { { INT64_MAX, 1 }, { INT64_MAX, 1 }, { INT64_MAX - 2, 1 } }, 3,
	    INT64_MAX - 1, 1 },
	{ 2, { { INT64_MIN, INT64_MAX }, { INT64_MIN + 2, INT64_MAX } }, 2,
	    INT64_MIN + 1, INT64_MAX },
	{ 2, { { INT64_MAX, 5 }, { INT64_MIN, 5 } }, 2, 0, 5 },
	/* The smallest delay anywhere in the list. */
	{ 8, { { 1, 900 }, { 2, 800 }, { 3, 700 }, { 4, 600 }, { 5, 500 },
	    { 6, 400 }, { 7, 300 }, { 8, 450 } }, 4, 6, 412 },
};

START_TEST(test_combine)
{
	struct sample out = { 0, 0 };
	int kept;

	kept = sample_combine(combine_cases[_i].in, combine_cases[_i].n, &out);
	ck_assert_int_eq(kept, combine_cases[_i].kept);
	ck_assert_int_eq(out.offset, combine_cases[_i].offset);
	ck_assert_int_eq(out.delay, combine_cases[_i].delay);
}
END_TEST

START_TEST(test_combine_empty)
{
	struct sample out;

	ck_assert_int_eq(sample_combine(NULL, 0, &out), -1);
}
END_TEST

static const struct {
	size_t		n;
	struct sample	r[4];
	size_t		best;
} best_cases[] = {
	{ 1, { { 0, 5 } }, 0 },
	{ 3, { { 0, 5 }, { 0, 3 }, { 0, 4 } }, 1 },
	{ 3, { { 0, 3 }, { 0, 9 }, { 0, 3 } }, 0 },	/* tie: first */
	{ 4, { { 0, 9 }, { 0, 8 }, { 0, 7 }, { 0, 1 } }, 3 },
};

START_TEST(test_best)
{
	ck_assert_uint_eq(sample_best(best_cases[_i].r, best_cases[_i].n),
	    best_cases[_i].best);
}
END_TEST

static const struct {
	int64_t	next;
	int	step;
	time_t	now;
	int	want;
} leap_cases[] = {
	/* 2016-12-31 insertion, next = 2017-01-01T00:00:00Z. */
	{ 1483228800, 1, 1483228800 - 86400, SAMPLE_LEAP_INSERT },
	{ 1483228800, 1, 1483228800 - 86401, SAMPLE_LEAP_NONE },
	{ 1483228800, 1, 1483228799, SAMPLE_LEAP_INSERT },
	{ 1483228800, 1, 1483228800, SAMPLE_LEAP_NONE },	/* past */
	{ 1483228800, 1, 1600000000, SAMPLE_LEAP_NONE },
	{ 1483228800, -1, 1483228000, SAMPLE_LEAP_DELETE },
	{ 1483228800, 0, 1483228000, SAMPLE_LEAP_NONE },
	{ 0, 0, 1600000000, SAMPLE_LEAP_NONE },	/* no table */
};

START_TEST(test_leap)
{
	struct leap_info li = { leap_cases[_i].next, 36, leap_cases[_i].step };
	struct timespec now = { leap_cases[_i].now, 500000000 };

	ck_assert_int_eq(sample_leap_indicator(&li, &now), leap_cases[_i].want);
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite *s = suite_create("sample");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_make, 0, N(make_cases));
	tcase_add_loop_test(tc, test_combine, 0, N(combine_cases));
	tcase_add_test(tc, test_combine_empty);
	tcase_add_loop_test(tc, test_best, 0, N(best_cases));
	tcase_add_loop_test(tc, test_leap, 0, N(leap_cases));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
