/*
 * test_err.c: the caller-owned error of the core library (err.h): the first
 * error wins, NULL is allowed, err_setsys appends strerror and keeps errno,
 * long messages are cut to ERR_MSG_MAX.
 */
#include "err.c"

#include "unit.h"

START_TEST(test_first_wins)
{
	struct err e = { .msg = "" };

	err_set(&e, "first %d", 1);
	err_set(&e, "second %d", 2);
	ck_assert_str_eq(e.msg, "first 1");
	err_clear(&e);
	ck_assert_str_eq(e.msg, "");
	err_set(&e, "third");
	ck_assert_str_eq(e.msg, "third");
	err_set(NULL, "nobody listens");
	err_setsys(NULL, "nobody listens");
	err_clear(NULL);
}
END_TEST

static const struct {
	int		 errnum;
	const char	*want;
} sys_cases[] = {
	{ ENOENT, "open /x: No such file or directory" },
	{ EACCES, "open /x: Permission denied" },
	{ 0, "open /x" },		/* no errno, nothing to add */
};

START_TEST(test_setsys)
{
	struct err e = { .msg = "" };

	errno = sys_cases[_i].errnum;
	err_setsys(&e, "open %s", "/x");
	ck_assert_str_eq(e.msg, sys_cases[_i].want);
	ck_assert_int_eq(errno, sys_cases[_i].errnum);
}
END_TEST

START_TEST(test_long)
{
	struct err e = { .msg = "" };
	char big[ERR_MSG_MAX * 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, "%s", big);
	ck_assert_uint_eq(strlen(e.msg), ERR_MSG_MAX - 1);
	err_clear(&e);
	errno = ENOENT;
	err_setsys(&e, "%s", big);
	ck_assert_uint_eq(strlen(e.msg), ERR_MSG_MAX - 1);
}
END_TEST

static Suite *
err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("err");

	tcase_add_test(tc, test_first_wins);
	tcase_add_loop_test(tc, test_setsys, 0, NITEMS(sys_cases));
	tcase_add_test(tc, test_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(err_suite());
}
