/*
 * test_answer.c: the JSON answer of doc/protocol.md section 2, byte for byte,
 * the escaping of the id, and the error object.
 */
#include "answer.c"

#include "unit.h"

static const struct {
	const char	*host;
	time_t		 its, sts;
	long		 itn, stn;
	struct leap_info li;
	const char	*want;
} fmt_cases[] = {
	{ "localhost:8080", 1489217288, 1489224472, 328757000, 995564000,
	    { 1483228800, 36, 1 },
	    "{\"id\":\"localhost:8080\",\"it\":1489217288.328757,"
	    "\"st\":1489224472.995564,\"time\":1489224472.995564,"
	    "\"leap\":36,\"next\":1483228800.000000,\"step\":1}\n" },
	/* No timestamp sent, no leap table. */
	{ "example.org", 0, 1700000000, 0, 999999500, { 0, 0, 0 },
	    "{\"id\":\"example.org\",\"it\":0.000000,"
	    "\"st\":1700000001.000000,\"time\":1700000001.000000,"
	    "\"leap\":0,\"next\":0.000000,\"step\":0}\n" },
	/* A deleted leap second; a negative client timestamp. */
	{ "[::1]:80", -2, 1, 500000000, 1, { 1735689600, 37, -1 },
	    "{\"id\":\"[::1]:80\",\"it\":-1.500000,"
	    "\"st\":1.000000,\"time\":1.000000,"
	    "\"leap\":37,\"next\":1735689600.000000,\"step\":-1}\n" },
	{ "a\"b", 1, 2, 0, 0, { 0, 0, 0 },
	    "{\"id\":\"a\\\"b\",\"it\":1.000000,\"st\":2.000000,"
	    "\"time\":2.000000,\"leap\":0,\"next\":0.000000,\"step\":0}\n" },
};

START_TEST(test_format)
{
	struct answer_id id;
	struct timespec it = { fmt_cases[_i].its, fmt_cases[_i].itn };
	struct timespec st = { fmt_cases[_i].sts, fmt_cases[_i].stn };
	char buf[ANSWER_MAX + 1];
	size_t n;

	ck_assert_int_eq(answer_id_set(&id, fmt_cases[_i].host,
	    strlen(fmt_cases[_i].host), NULL), 0);
	n = answer_format(buf, &id, &it, &st, &fmt_cases[_i].li);
	ck_assert_uint_eq(n, strlen(fmt_cases[_i].want));
	ck_assert(memcmp(buf, fmt_cases[_i].want, n) == 0);
}
END_TEST

/* The largest answer fits ANSWER_MAX. */
START_TEST(test_format_max)
{
	static char buf[ANSWER_MAX + 64];
	char host[ANSWER_ID_MAX];
	struct answer_id id;
	struct timespec it = { INT64_MIN, 0 }, st = { INT64_MAX, 999999999 };
	struct leap_info li = { INT64_MIN, INT32_MIN, INT32_MIN };
	size_t n;

	memset(host, 'h', ANSWER_ID_MAX - 2);
	ck_assert_int_eq(answer_id_set(&id, host, ANSWER_ID_MAX - 2, NULL), 0);
	ck_assert_uint_eq(id.len, ANSWER_ID_MAX);
	memset(buf, 0x5a, sizeof(buf));
	n = answer_format(buf, &id, &it, &st, &li);
	ck_assert_uint_le(n, ANSWER_MAX);
	/* sprintf may leave its NUL at buf[n]; nothing beyond. */
	for (size_t i = n + 1; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 0x5a);
	ck_assert_int_eq(buf[n - 1], '\n');
}
END_TEST

#define ID(in, out)	{ in, sizeof(in) - 1, out }

static const struct {
	const char	*host;
	size_t		 len;
	const char	*want;	/* NULL: refused */
} id_cases[] = {
	ID("localhost:8080", "\"localhost:8080\""),
	ID("", "\"\""),
	ID("a\"b", "\"a\\\"b\""),
	ID("a\\b", "\"a\\\\b\""),
	ID("a/b", "\"a/b\""),
	ID("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\""),
	ID("\x01\x1f", "\"\\u0001\\u001F\""),
	ID("a\0b", "\"a\\u0000b\""),
	ID("\x7f", "\"\x7f\""),
	ID("h\xc3\xa9t\xc3\xa9.example", "\"h\xc3\xa9t\xc3\xa9.example\""),
	ID("\xf0\x9f\x95\x90", "\"\xf0\x9f\x95\x90\""),
	ID("\xff", NULL),
	ID("abc\xc3", NULL),			/* cut sequence */
	ID("\xc0\xaf", NULL),			/* overlong '/' */
	ID("\xed\xa0\x80", NULL),		/* UTF-16 surrogate */
	ID("\xf4\x90\x80\x80", NULL),		/* beyond U+10FFFF */
};

START_TEST(test_id)
{
	struct answer_id id;
	struct err e = { .msg = "" };
	int rc;

	rc = answer_id_set(&id, id_cases[_i].host, id_cases[_i].len, &e);
	if (id_cases[_i].want == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_uint_eq(id.len, 0);
		ck_assert_str_eq(e.msg, "host name is not UTF-8");
		return;
	}
	ck_assert_msg(rc == 0, "%s", e.msg);
	ck_assert_uint_eq(id.len, strlen(id_cases[_i].want));
	ck_assert(memcmp(id.json, id_cases[_i].want, id.len) == 0);
}
END_TEST

/* Length limits: the escaped id with its quotes, at most ANSWER_ID_MAX. */
static const struct {
	char	c;
	size_t	n;
	bool	ok;
} idlen_cases[] = {
	{ 'a', ANSWER_ID_MAX - 2, true },
	{ 'a', ANSWER_ID_MAX - 1, false },
	{ 'a', 100000, false },
	{ '"', (ANSWER_ID_MAX - 2) / 2, true },
	{ '"', (ANSWER_ID_MAX - 2) / 2 + 1, false },
	{ '\x01', (ANSWER_ID_MAX - 2) / 6, true },
	{ '\x01', (ANSWER_ID_MAX - 2) / 6 + 1, false },
};

START_TEST(test_id_len)
{
	static char host[100000];
	struct answer_id id;
	struct err e = { .msg = "" };
	int rc;

	memset(host, idlen_cases[_i].c, idlen_cases[_i].n);
	rc = answer_id_set(&id, host, idlen_cases[_i].n, &e);
	if (idlen_cases[_i].ok) {
		ck_assert_msg(rc == 0, "%s", e.msg);
		ck_assert_uint_le(id.len, ANSWER_ID_MAX);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_uint_eq(id.len, 0);
		ck_assert_ptr_nonnull(strstr(e.msg, "longer than"));
	}
}
END_TEST

static const struct {
	const char	*msg;
	size_t		 cap;
	const char	*want;	/* without the newline */
} err_cases[] = {
	{ "not a timestamp", 512, "{\"error\":\"not a timestamp\"}" },
	{ "bad \"x\\y\"\n", 512, "{\"error\":\"bad \\\"x\\\\y\\\"\\n\"}" },
	{ "", 512, "{\"error\":\"\"}" },
	{ "\xff\xfe", 512, "{\"error\":\"bad request\"}" },
	{ "abcdef", 19, "{\"error\":\"abcdef\"}" },
	{ "abcdef", 18, "{\"error\":\"abcde\"}" },
	{ "abcdef", 13, "{\"error\":\"\"}" },
	{ "abcdef", 12, NULL },
	{ "abcdef", 0, NULL },
	/* Cut between characters, not inside one; escapes shrink fast. */
	{ "\xc3\xa9\xc3\xa9", 16, "{\"error\":\"\xc3\xa9\"}" },
	{ "\xc3\xa9\xc3\xa9", 17, "{\"error\":\"\xc3\xa9\xc3\xa9\"}" },
	{ "\"\"\"\"", 17, "{\"error\":\"\\\"\\\"\"}" },
	{ "\x01\x01", 20, "{\"error\":\"\\u0001\"}" },
};

START_TEST(test_error)
{
	char buf[600];
	size_t n;

	memset(buf, 0x5a, sizeof(buf));
	n = answer_error(buf, err_cases[_i].cap, err_cases[_i].msg);
	for (size_t i = err_cases[_i].cap; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 0x5a);
	if (err_cases[_i].want == NULL) {
		ck_assert_uint_eq(n, 0);
		return;
	}
	ck_assert_uint_le(n, err_cases[_i].cap);
	ck_assert_uint_eq(n, strlen(err_cases[_i].want) + 1);
	ck_assert(memcmp(buf, err_cases[_i].want, n - 1) == 0);
	ck_assert_int_eq(buf[n - 1], '\n');
}
END_TEST

/* A long message is cut, and what is left is still one JSON object. */
START_TEST(test_error_long)
{
	static char msg[5000], buf[300];
	json_error_t je;
	json_t *o;
	size_t n;

	for (size_t i = 0; i < sizeof(msg) - 1; i++)
		msg[i] = "a\"\\\x01\xc3\xa9"[i % 6];
	msg[sizeof(msg) - 1] = '\0';
	for (size_t cap = 13; cap <= sizeof(buf); cap++) {
		n = answer_error(buf, cap, msg);
		ck_assert_uint_le(n, cap);
		ck_assert_uint_ge(n, 13);
		o = json_loadb(buf, n, 0, &je);
		ck_assert_msg(o != NULL, "cap %zu: %s", cap, je.text);
		ck_assert(json_is_string(json_object_get(o, "error")));
		json_decref(o);
	}
}
END_TEST

static Suite *
answer_suite(void)
{
	Suite *s = suite_create("answer");
	TCase *tc;

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format, 0, NITEMS(fmt_cases));
	tcase_add_test(tc, test_format_max);
	suite_add_tcase(s, tc);
	tc = tcase_create("id");
	tcase_add_loop_test(tc, test_id, 0, NITEMS(id_cases));
	tcase_add_loop_test(tc, test_id_len, 0, NITEMS(idlen_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("error");
	tcase_add_loop_test(tc, test_error, 0, NITEMS(err_cases));
	tcase_add_test(tc, test_error_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(answer_suite());
}
