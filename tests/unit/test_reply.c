/*
 * test_reply.c: the client's reading of the JSON answer (doc/protocol.md
 * section 2): "st", else "time", leap fields; hostile bodies refused; and
 * its judgement of the time (section 5): from the build to a century on.
 */
#include "../../src/client/reply.c"

#include <check.h>
#include <stdlib.h>
#include "unit.h"

static const struct {
	const char	*body;
	int		 rc;
	time_t		 sec;
	long		 nsec;
	int64_t		 next;
	int		 leap, step;
} cases[] = {
	{ "{\"id\":\"localhost:8080\",\"it\":1489217288.328757,"
	  "\"st\":1489224472.995564,\"time\":1489224472.995564,\"leap\":36,"
	  "\"next\":1483228800.000000,\"step\":1}\n", 0,
	  1489224472, 995564000, 1483228800, 36, 1 },
	/* htptime: "time" only. */
	{ "{\"time\":1489224472.5}", 0, 1489224472, 500000000, 0, 0, 0 },
	/* "st" wins over "time". */
	{ "{\"st\":10.25,\"time\":99}", 0, 10, 250000000, 0, 0, 0 },
	{ "{\"st\":-1.5}", 0, -2, 500000000, 0, 0, 0 },
	{ "{\"st\":1489224472}", 0, 1489224472, 0, 0, 0, 0 },
	{ "{\"st\":1.489224472995564e9}", 0, 1489224472, 995564000, 0, 0, 0 },
	{ "{\"st\":0.9999999999}", 0, 1, 0, 0, 0, 0 },
	{ "{\"st\":1,\"step\":-1,\"leap\":37,\"next\":1500000000}", 0,
	  1, 0, 1500000000, 37, -1 },
	/* Errors. */
	{ "", -1, 0, 0, 0, 0, 0 },
	{ "not json", -1, 0, 0, 0, 0, 0 },
	{ "[1489224472]", -1, 0, 0, 0, 0, 0 },
	{ "{}", -1, 0, 0, 0, 0, 0 },
	{ "{\"st\":\"1489224472\"}", -1, 0, 0, 0, 0, 0 },
	{ "{\"st\":null}", -1, 0, 0, 0, 0, 0 },
	{ "{\"st\":1e300}", -1, 0, 0, 0, 0, 0 },
	{ "{\"st\":1,\"st\":2}", -1, 0, 0, 0, 0, 0 },
	{ "{\"st\":1,\"step\":2}", -1, 0, 0, 0, 0, 0 },
	{ "{\"st\":1,\"leap\":\"x\"}", -1, 0, 0, 0, 0, 0 },
	{ "{\"st\":1,\"next\":true}", -1, 0, 0, 0, 0, 0 },
	{ "{\"st\":1} trailing", -1, 0, 0, 0, 0, 0 },
};

START_TEST(test_parse)
{
	struct client_exchange x;
	struct err e = { "" };
	int rc;

	memset(&x, 0, sizeof(x));
	rc = reply_parse(cases[_i].body, strlen(cases[_i].body), &x, &e);
	ck_assert_int_eq(rc, cases[_i].rc);
	if (rc == -1) {
		ck_assert_str_ne(e.msg, "");
		return;
	}
	ck_assert_int_eq(x.st.tv_sec, cases[_i].sec);
	/* A double carries about 0.24 us at 1.5e9 s. */
	ck_assert_int_le(labs(x.st.tv_nsec - cases[_i].nsec), 250);
	ck_assert_int_eq(x.li.next, cases[_i].next);
	ck_assert_int_eq(x.li.leap, cases[_i].leap);
	ck_assert_int_eq(x.li.step, cases[_i].step);
}
END_TEST

/* doc/protocol.md section 5: from the build to a century after it, no more. */
#define B	((int64_t)WEBNTP_BUILD_EPOCH)
#define H	(B + CLIENT_TIME_SPAN)
static const struct {
	int64_t		 sec;
	long		 nsec;
	int		 rc;
	const char	*msg;	/* a part of the error */
} times[] = {
	{ B, 0, 0, NULL },
	{ B + 50 * 31557600, 0, 0, NULL },	/* 50 years ahead: as measured */
	{ H, 0, 0, NULL },
	{ H - 1, 999999999, 0, NULL },
	{ B - 1, 999999999, -1, "is before this program was built" },
	{ 0, 0, -1, "1970-01-01T00:00:00Z is before this program was built" },
	{ -1, 500000000, -1, "1969-12-31T23:59:59Z is before" },
	{ H, 1, -1, "more than 100 years after this program was built" },
	{ H + 1, 0, -1, "more than 100 years after" },
	{ INT64_C(1) << 40, 0, -1, "more than 100 years after" },
	{ -(INT64_C(1) << 40), 0, -1, "is before" },
};

START_TEST(test_check_time)
{
	struct timespec t = { (time_t)times[_i].sec, times[_i].nsec };
	struct err e = { "" };

	ck_assert_int_eq(reply_check_time(&t, &e), times[_i].rc);
	if (times[_i].rc == 0)
		ck_assert_str_eq(e.msg, "");
	else
		ck_assert_msg(strstr(e.msg, times[_i].msg) != NULL &&
		    strstr(e.msg, "its clock is wrong") != NULL,
		    "error \"%s\" lacks \"%s\"", e.msg, times[_i].msg);
}
END_TEST

/* 100 years of 365.25 days. */
START_TEST(test_bounds)
{
	ck_assert_int_eq(CLIENT_TIME_SPAN, INT64_C(3155760000));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, test_check_time, 0,
	    (int)(sizeof(times) / sizeof(times[0])));
	tcase_add_test(tc, test_bounds);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
