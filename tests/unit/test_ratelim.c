/*
 * test_ratelim.c: once a second at most, with the count of the lines held
 * back reported by the next one allowed (ratelim.h). Times are given, not
 * read: no test here depends on the machine's speed.
 */
#include "ratelim.c"

#include "unit.h"

#define S	RATELIM_INTERVAL_NS

START_TEST(test_once_a_second)
{
	struct ratelim r = { 0 };
	unsigned long held = 99;

	ck_assert(ratelim_allow(&r, 5 * S, &held));
	ck_assert_uint_eq(held, 0);
	for (int i = 0; i < 10; i++)
		ck_assert(!ratelim_allow(&r, 5 * S + i * (S / 10), &held));
	ck_assert(ratelim_allow(&r, 6 * S, &held));
	ck_assert_uint_eq(held, 10);
	ck_assert(!ratelim_allow(&r, 6 * S + 1, &held));
	ck_assert(ratelim_allow(&r, 60 * S, &held));
	ck_assert_uint_eq(held, 1);
	ck_assert(ratelim_allow(&r, 61 * S, &held));
	ck_assert_uint_eq(held, 0);
}
END_TEST

/* CLOCK_MONOTONIC may start near 0 (or below, as a difference): the first
 * line is always allowed. */
START_TEST(test_first_at_zero)
{
	struct ratelim r = { 0 };
	unsigned long held;

	ck_assert(ratelim_allow(&r, 0, &held));
	ck_assert(!ratelim_allow(&r, S - 1, &held));
	ck_assert(ratelim_allow(&r, S, &held));
	ck_assert_uint_eq(held, 1);
}
END_TEST

static Suite *
ratelim_suite(void)
{
	Suite *s = suite_create("ratelim");
	TCase *tc = tcase_create("ratelim");

	tcase_add_test(tc, test_once_a_second);
	tcase_add_test(tc, test_first_at_zero);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(ratelim_suite());
}
