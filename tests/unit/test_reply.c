/*
 * test_reply.c: the client's reading of the JSON answer (PROTOCOL.md
 * section 2): "st", else "time", leap fields; hostile bodies refused.
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

int
main(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
