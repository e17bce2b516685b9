/*
 * test_select.c: Marzullo's intersection with the majority rule
 * (src/client/select.c): the region the most intervals share, who is
 * outside it, and when no majority can be told.
 */
#include "../../src/client/select.c"

#include <check.h>
#include "unit.h"

#define S	INT64_C(1000000000)
#define MS	INT64_C(1000000)

static const struct {
	const char	*what;
	int		 n;
	struct bound	 b[6];
	int		 rc, agree;
	struct bound	 in;
	const char	*ok;	/* '1' truechimer, '0' falseticker */
} cases[] = {
	{ "one server", 1, { { -5, 7 } }, 0, 1, { -5, 7 }, "1" },
	{ "two overlap", 2, { { 0, 10 }, { 4, 20 } }, 0, 2, { 4, 10 }, "11" },
	{ "two disjoint: no majority", 2, { { 0, 10 }, { 11, 20 } }, -1, 1,
	  { 0, 10 }, NULL },
	{ "closed ends touch", 2, { { 0, 5 }, { 5, 10 } }, 0, 2, { 5, 5 },
	  "11" },
	{ "nested", 3, { { 0, 100 }, { 10, 20 }, { 15, 90 } }, 0, 3,
	  { 15, 20 }, "111" },
	{ "three honest, one 3 s ahead", 4,
	  { { -1 * MS, 1 * MS }, { -3 * MS, 2 * MS }, { 0, 5 * MS },
	    { 3 * S - MS, 3 * S + MS } }, 0, 3, { 0, 1 * MS }, "1110" },
	{ "the liar first", 4,
	  { { 3 * S - MS, 3 * S + MS }, { -1 * MS, 1 * MS },
	    { -3 * MS, 2 * MS }, { 0, 5 * MS } }, 0, 3, { 0, 1 * MS }, "0111" },
	{ "two pairs: half is no majority", 4,
	  { { 0, 2 }, { 1, 3 }, { 10, 12 }, { 11, 13 } }, -1, 2, { 1, 2 },
	  NULL },
	{ "a chain: B agrees with A and C, which disagree", 3,
	  { { 0, 4 }, { 3, 7 }, { 6, 10 } }, -1, 2, { 3, 4 }, NULL },
	{ "two regions of three, through one wide interval", 5,
	  { { 0, 100 }, { 0, 2 }, { 1, 3 }, { 90, 95 }, { 91, 96 } }, -1, 3,
	  { 1, 2 }, NULL },
	{ "a majority of three in five", 5,
	  { { 0, 10 }, { 5, 15 }, { 8, 9 }, { 50, 60 }, { -60, -50 } }, 0, 3,
	  { 8, 9 }, "11100" },
	{ "all at one point", 3, { { 7, 7 }, { 7, 7 }, { 7, 7 } }, 0, 3,
	  { 7, 7 }, "111" },
	{ "wide and narrow: the narrow region", 3,
	  { { -S, S }, { -S, S }, { 2, 3 } }, 0, 3, { 2, 3 }, "111" },
	{ "no server", 0, { { 0, 0 } }, -1, 0, { 0, 0 }, NULL },
};

START_TEST(test_majority)
{
	struct select_out out;
	bool ok[6];
	int i, rc;

	memset(&out, 0, sizeof(out));
	rc = select_majority(cases[_i].b, cases[_i].n, ok, &out);
	ck_assert_msg(rc == cases[_i].rc, "%s: rc %d", cases[_i].what, rc);
	ck_assert_msg(out.agree == cases[_i].agree, "%s: agree %d",
	    cases[_i].what, out.agree);
	if (cases[_i].n > 0) {
		ck_assert_msg(out.in.lo == cases[_i].in.lo &&
		    out.in.hi == cases[_i].in.hi, "%s: region [%lld, %lld]",
		    cases[_i].what, (long long)out.in.lo, (long long)out.in.hi);
	}
	if (rc == 0)
		for (i = 0; i < cases[_i].n; i++)
			ck_assert_msg(ok[i] == (cases[_i].ok[i] == '1'),
			    "%s: server %d", cases[_i].what, i);
}
END_TEST

/* More than SELECT_MAX intervals are refused, not overrun. */
START_TEST(test_too_many)
{
	struct bound b[SELECT_MAX + 1];
	bool ok[SELECT_MAX + 1];
	struct select_out out;
	int i;

	for (i = 0; i <= SELECT_MAX; i++)
		b[i].lo = 0, b[i].hi = 1;
	ck_assert_int_eq(select_majority(b, SELECT_MAX, ok, &out), 0);
	ck_assert_int_eq(out.agree, SELECT_MAX);
	ck_assert_int_eq(select_majority(b, SELECT_MAX + 1, ok, &out), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_majority, 0, (int)NITEMS(cases));
	tcase_add_test(tc, test_too_many);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
