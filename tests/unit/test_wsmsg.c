/*
 * test_wsmsg.c: a webntp-ws message in, its answer or its close out
 * (src/sidecar/wsmsg.c, doc/protocol.md sections 2 and 4): timestamps taken,
 * others closed with 1007 and ts_parse's reason, a reason cut to at most 123
 * bytes at a character boundary, and the answer with the connection's id.
 * Table-driven.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sidecar/wsmsg.c"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*msg;
	int		 rc;
	const char	*reason;	/* the 1007's, or NULL */
} take_cases[] = {
	{ "1558915619.944235", 0, NULL },
	{ " -1.5 ", 0, NULL },
	{ "hello", -1, "not a timestamp: \"hello\"" },
	{ "1\nFAKE LOG LINE", -1, "not a timestamp: \"1\\nFAKE LOG LINE\"" },
	{ "", -1, "empty timestamp" },
};

START_TEST(test_take)
{
	struct wsmsg_close cl = { 0 };
	struct timespec it;
	const char *m = take_cases[_i].msg;

	ck_assert_int_eq(wsmsg_take((const uint8_t *)m, strlen(m), &it, &cl),
	    take_cases[_i].rc);
	if (take_cases[_i].reason != NULL) {
		ck_assert_uint_eq(cl.code, 1007);
		ck_assert_str_eq(cl.reason, take_cases[_i].reason);
		ck_assert_uint_eq(cl.len, strlen(cl.reason));
	}
}
END_TEST

/* Reasons longer than 123 bytes: cut, never inside a character. */
static const struct {
	const char	*unit;		/* repeated 200 times */
	size_t		 want;		/* bytes kept */
} cut_cases[] = {
	{ "a", 123 },
	{ "\xc3\xa9", 122 },		/* é: 61 of them */
	{ "\xe2\x82\xac", 123 },	/* €: 41 */
	{ "\xf0\x9f\x95\x90", 120 },	/* a clock face: 30 */
};

START_TEST(test_cut)
{
	char long_reason[1024] = "";
	struct wsmsg_close cl;

	for (int i = 0; i < 200; i++)
		strcat(long_reason, cut_cases[_i].unit);
	wsmsg_close_set(&cl, 1007, long_reason);
	ck_assert_uint_eq(cl.len, cut_cases[_i].want);
	ck_assert_uint_eq(strlen(cl.reason), cl.len);
	ck_assert_int_eq(memcmp(cl.reason, long_reason, cl.len), 0);
}
END_TEST

static void
leap_fixed(void *ctx, const struct timespec *now, struct leap_info *out)
{
	(void)now;
	memset(out, 0, sizeof(*out));
	out->leap = 37;
	(*(int *)ctx)++;
}

START_TEST(test_answer)
{
	static struct wsmsg w;
	struct timespec it = { 1558915619, 944235000 };
	int calls = 0;
	size_t n;

	w.leap = leap_fixed;
	w.leap_ctx = &calls;
	n = wsmsg_answer(&w, "\"h:1\"", 5, &it);
	ck_assert_int_eq(calls, 1);
	ck_assert_uint_gt(n, 40);
	ck_assert_int_eq(memcmp(w.out, "{\"id\":\"h:1\",\"it\":1558915619.944235,"
	    "\"st\":", 39), 0);
	ck_assert_ptr_nonnull(strstr(w.out, "\"leap\":37,"));
	ck_assert_int_eq(w.out[n - 1], '\n');
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wsmsg");
	TCase *tc = tcase_create("wsmsg");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_take, 0, NITEMS(take_cases));
	tcase_add_loop_test(tc, test_cut, 0, NITEMS(cut_cases));
	tcase_add_test(tc, test_answer);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
