/*
 * test_leap.c: the leap-seconds.list parser (PROTOCOL.md section 6) on the
 * tables of tests/data (made by tests/data/mkleap.py, whose #h comes from
 * Python's hashlib) and on inline text, leap_load's limits, and the leap
 * rule of section 2 at its examples.
 */
#include "leap.c"

#include <sys/types.h>

#include "unit.h"

#define T2019		"leap-seconds-2019-05-02.list"
#define U(ntp)		((int64_t)(ntp) - LEAP_NTP_UNIX)

static const struct {
	const char	*file;
	int		 flags;
	const char	*err;		/* NULL: parses */
	size_t		 n;
	int64_t		 updated, expires;
	bool		 has_hash;
} file_cases[] = {
	{ T2019, 0, NULL, 27, U(3676924800), U(3786480000), true },
	{ T2019, LEAP_REQUIRE_HASH, NULL, 27, U(3676924800), U(3786480000),
	    true },
	/* #h words written without their leading zeros. */
	{ "leap-nozeros.list", LEAP_REQUIRE_HASH, NULL, 2, U(3677904241),
	    U(6311433600), true },
	/* Spaces, and the IERS "#NTP Time      DTAI" header line. */
	{ "leap-iers.list", LEAP_REQUIRE_HASH, NULL, 27, U(3676924800),
	    U(3786480000), true },
	{ "leap-future.list", LEAP_REQUIRE_HASH, NULL, 27, U(3763324800),
	    U(6311433600), true },
	{ "leap-older.list", LEAP_REQUIRE_HASH, NULL, 27, U(3668284800),
	    U(3786480000), true },
	{ "leap-negative.list", LEAP_REQUIRE_HASH, NULL, 28, U(3763324800),
	    U(6311433600), true },
	/* A hand-made table may lack #h; a download may not. */
	{ "leap-nohash.list", 0, NULL, 27, U(3763324800), U(6311433600),
	    false },
	{ "leap-nohash.list", LEAP_REQUIRE_HASH, "no #h hash", 0, 0, 0, false },
	{ "leap-wronghash.list", 0, "#h hash does not match", 0, 0, 0, false },
	{ "leap-wronghash.list", LEAP_REQUIRE_HASH, "#h hash does not match",
	    0, 0, 0, false },
	{ "mkleap.py", 0, "bad data line", 0, 0, 0, false },
	{ "", 0, "not a regular file", 0, 0, 0, false },	/* the dir */
	{ "no-such-file", 0, "No such file or directory", 0, 0, 0, false },
};

START_TEST(test_file)
{
	struct leap_table t;
	struct err e = { .msg = "" };
	const char *path = unit_data(file_cases[_i].file);
	int rc;

	memset(&t, 0xa5, sizeof(t));
	rc = leap_load(path, file_cases[_i].flags, &t, &e);
	if (file_cases[_i].err != NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(e.msg, file_cases[_i].err) != NULL,
		    "error \"%s\", wanted \"%s\"", e.msg, file_cases[_i].err);
		/* The message names the file. */
		ck_assert_msg(strncmp(e.msg, path, strlen(path)) == 0,
		    "error \"%s\" does not name %s", e.msg, path);
		ck_assert_uint_eq(t.n, 0);
		return;
	}
	ck_assert_msg(rc == 0, "%s", e.msg);
	ck_assert_uint_eq(t.n, file_cases[_i].n);
	ck_assert_int_eq(t.updated, file_cases[_i].updated);
	ck_assert_int_eq(t.expires, file_cases[_i].expires);
	ck_assert_int_eq(t.has_hash, file_cases[_i].has_hash);
	/* The base line (1972-01-01, 10) is not an event. */
	ck_assert_int_eq(t.ev[0].at, 78796800);		/* 1972-07-01 */
	ck_assert_int_eq(t.ev[0].leap, 10);
	ck_assert_int_eq(t.ev[0].step, 1);
}
END_TEST

#define TXT(s, err, n)	{ s, sizeof(s) - 1, err, n }

static const struct {
	const char	*text;
	size_t		 len;
	const char	*err;
	size_t		 n;
} text_cases[] = {
	TXT("2272060800\t10\n2287785600\t11\n", NULL, 1),
	/* Tabs and spaces alike, CRLF, no final newline, comments. */
	TXT("2272060800 \t 10\t# 1 Jan 1972\r\n  2287785600  11 #\r\n"
	    "\t2303683200\t12", NULL, 2),
	TXT("#\n# comment\n#NTP Time      DTAI    Day Month Year\n#X y\n\n"
	    "2272060800 10\n", NULL, 0),
	TXT("2272060800 10#no blank before the comment\n", NULL, 0),
	/* A deleted leap second. */
	TXT("2272060800 10\n2287785600 9\n", NULL, 1),
	TXT("", "no data lines", 0),
	TXT("\n\n", "no data lines", 0),
	TXT("#$ 3676924800\n#@ 3786480000\n# only comments\n",
	    "no data lines", 0),
	TXT("2272060800 10\n\0002287785600 11\n", "NUL byte", 0),
	TXT("2287785600 11\n2272060800 12\n", "line 2: data lines out of time "
	    "order", 0),
	TXT("2272060800 10\n2272060800 11\n", "out of time order", 0),
	TXT("2272060800 10\n2287785600 12\n", "line 2: TAI-UTC changes by 2",
	    0),
	TXT("2272060800 10\n2287785600 10\n", "changes by 0", 0),
	TXT("2272060800 10\n2287785600 7\n", "changes by -3", 0),
	TXT("2272060800\n", "line 1: bad data line", 0),
	TXT("2272060800 10 11\n", "bad data line", 0),
	TXT("2272060800 -10\n", "bad data line", 0),
	TXT("2272060800,10\n", "bad data line", 0),
	TXT("x2272060800 10\n", "bad data line", 0),
	TXT("2272060800 100000\n", "bad data line", 0),
	TXT("99999999999999999999999 10\n", "bad data line", 0),
	TXT("#$ 36769x24800\n2272060800 10\n", "line 1: bad time stamp", 0),
	TXT("#@\n2272060800 10\n", "bad time stamp", 0),
	TXT("#@ 99999999999999999999\n2272060800 10\n", "bad time stamp", 0),
	TXT("2272060800 10\n#h 1 2 3 4\n", "line 2: bad #h hash", 0),
	TXT("2272060800 10\n#h 1 2 3 4 5 6\n", "bad #h hash", 0),
	TXT("2272060800 10\n#h 1 2 3 4 123456789\n", "bad #h hash", 0),
	TXT("2272060800 10\n#h 1 2 3 4 g\n", "bad #h hash", 0),
	TXT("2272060800 10\n#h 1 2 3 4 5x\n", "bad #h hash", 0),
	TXT("2272060800 10\n#h\n", "bad #h hash", 0),
	TXT("2272060800 10\n#h 1 2 3 4 5\n", "#h hash does not match", 0),
};

START_TEST(test_text)
{
	struct leap_table t;
	struct err e = { .msg = "" };
	int rc;

	rc = leap_parse(text_cases[_i].text, text_cases[_i].len, 0, &t, &e);
	if (text_cases[_i].err != NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(e.msg, text_cases[_i].err) != NULL,
		    "error \"%s\", wanted \"%s\"", e.msg, text_cases[_i].err);
		ck_assert_uint_eq(t.n, 0);
		return;
	}
	ck_assert_msg(rc == 0, "%s", e.msg);
	ck_assert_uint_eq(t.n, text_cases[_i].n);
	ck_assert(!t.has_hash);
}
END_TEST

/* The deleted leap second: the event's step is -1. */
START_TEST(test_negative)
{
	struct leap_table t;
	struct err e = { .msg = "" };

	static const char text[] = "2272060800 10\n2287785600 9\n"
	    "2303683200 10\n";

	ck_assert_int_eq(leap_parse(text, sizeof(text) - 1, 0, &t, &e), 0);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_int_eq(t.ev[0].leap, 10);
	ck_assert_int_eq(t.ev[0].step, -1);
	ck_assert_int_eq(t.ev[1].leap, 9);
	ck_assert_int_eq(t.ev[1].step, 1);
}
END_TEST

/* The #h words are numbers: upper case and leading zeros are the same. */
START_TEST(test_hash_forms)
{
	static const char *forms[][2] = {
		{ "83c68138 d3650221 07dbbbcd", "83C68138 D3650221 7DBBBCD" },
		{ "83c68138 d3650221 07dbbbcd", "83c68138\td3650221 7dbbbcd" },
	};
	struct leap_table t;
	struct err e = { .msg = "" };
	size_t len = 0;
	char *text = unit_slurp(unit_data(T2019), &len), *p;

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < NITEMS(forms); i++) {
		char *copy = malloc(len + 1);

		memcpy(copy, text, len + 1);
		p = strstr(copy, forms[i][0]);
		ck_assert_ptr_nonnull(p);
		/* Same length or shorter: pad the rest with blanks. */
		memset(p, ' ', strlen(forms[i][0]));
		memcpy(p, forms[i][1], strlen(forms[i][1]));
		err_clear(&e);
		ck_assert_msg(leap_parse(copy, len, LEAP_REQUIRE_HASH, &t, &e)
		    == 0, "%s: %s", forms[i][1], e.msg);
		ck_assert(t.has_hash);
		/* One digit more or less in the data: refused. */
		p = strstr(copy, "2272060800");
		p[9] = '1';
		err_clear(&e);
		ck_assert_int_eq(leap_parse(copy, len, 0, &t, &e), -1);
		ck_assert_str_eq(e.msg, "#h hash does not match the data");
		free(copy);
	}
	free(text);
}
END_TEST

/* More events than a table holds. */
START_TEST(test_too_many)
{
	size_t cap = (LEAP_MAX_EVENTS + 2) * 32, len = 0;
	char *text = malloc(cap);
	struct leap_table t;
	struct err e = { .msg = "" };

	for (int i = 0; i <= LEAP_MAX_EVENTS; i++)
		len += (size_t)snprintf(text + len, cap - len, "%lld %d\n",
		    2272060800LL + 86400LL * i, 10 + i % 2);
	ck_assert_int_eq(leap_parse(text, len, 0, &t, &e), 0);
	ck_assert_uint_eq(t.n, LEAP_MAX_EVENTS);
	len += (size_t)snprintf(text + len, cap - len, "%lld %d\n",
	    2272060800LL + 86400LL * (LEAP_MAX_EVENTS + 1),
	    10 + (LEAP_MAX_EVENTS + 1) % 2);
	ck_assert_int_eq(leap_parse(text, len, 0, &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "more than 256 leap seconds"));
	free(text);
}
END_TEST

/* leap_load: at most LEAP_FILE_MAX bytes, regular files only. */
START_TEST(test_load_limits)
{
	char dir[4096], path[4200], fifo[4200];
	struct leap_table t;
	struct err e = { .msg = "" };
	size_t len = 0;
	char *base = unit_slurp(unit_data(T2019), &len), *big;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/big.list", dir);
	big = malloc(LEAP_FILE_MAX + 2);
	/* The 2019 table padded with comment lines to exactly the limit. */
	memcpy(big, base, len);
	memset(big + len, ' ', LEAP_FILE_MAX + 1 - len);
	big[len] = '#';
	big[LEAP_FILE_MAX - 1] = '\n';
	unit_write(path, big, LEAP_FILE_MAX);
	ck_assert_msg(leap_load(path, LEAP_REQUIRE_HASH, &t, &e) == 0, "%s",
	    e.msg);
	ck_assert_uint_eq(t.n, 27);
	/* One byte more. */
	big[LEAP_FILE_MAX] = '\n';
	unit_write(path, big, LEAP_FILE_MAX + 1);
	ck_assert_int_eq(leap_load(path, 0, &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "larger than 262144 bytes"));
	ck_assert_uint_eq(t.n, 0);
	/* A FIFO must not block the reader. */
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	err_clear(&e);
	ck_assert_int_eq(leap_load(fifo, 0, &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a regular file"));
	free(big);
	free(base);
	unit_rmdir(dir);
}
END_TEST

/* PROTOCOL.md section 2's examples, and the edges of the table. */
static const struct {
	const char	*file;
	time_t		 now;
	int64_t		 next;
	int		 leap, step;
} lookup_cases[] = {
	{ T2019, 1435708799, 1435708800, 35, 1 },	/* 2015-06-30T23:59:59Z */
	{ T2019, 1435708800, 1483228800, 36, 1 },	/* 2015-07-01T00:00:00Z */
	{ T2019, 1483228799, 1483228800, 36, 1 },
	{ T2019, 1483228800, 1483228800, 36, 1 },	/* 2017-01-01T00:00:00Z */
	{ T2019, 1800000000, 1483228800, 36, 1 },	/* 2027 */
	{ T2019, INT64_MAX, 1483228800, 36, 1 },
	{ T2019, 0, 78796800, 10, 1 },			/* before 1972 */
	{ T2019, -1000000000, 78796800, 10, 1 },
	{ T2019, 63072000, 78796800, 10, 1 },		/* 1972-01-01 */
	{ T2019, 78796800, 94694400, 11, 1 },		/* 1972-07-01 */
	{ "leap-negative.list", 1700000000, 1735689600, 37, -1 },
	{ "leap-negative.list", 1735689600, 1735689600, 37, -1 },
	{ "leap-iers.list", 1435708799, 1435708800, 35, 1 },
	{ "leap-nozeros.list", 94694400, 94694400, 11, 1 },
	{ NULL, 1435708799, 0, 0, 0 },			/* empty table */
};

START_TEST(test_lookup)
{
	struct leap_table t;
	struct leap_info li = { 7, 7, 7 };
	struct timespec now = { lookup_cases[_i].now, 999999999 };
	struct err e = { .msg = "" };

	memset(&t, 0, sizeof(t));
	if (lookup_cases[_i].file != NULL)
		ck_assert_msg(leap_load(unit_data(lookup_cases[_i].file), 0,
		    &t, &e) == 0, "%s", e.msg);
	leap_lookup(&t, &now, &li);
	ck_assert_int_eq(li.next, lookup_cases[_i].next);
	ck_assert_int_eq(li.leap, lookup_cases[_i].leap);
	ck_assert_int_eq(li.step, lookup_cases[_i].step);
	if (lookup_cases[_i].file == NULL) {
		li.leap = 7;
		leap_lookup(NULL, &now, &li);
		ck_assert_int_eq(li.next, 0);
		ck_assert_int_eq(li.leap, 0);
		ck_assert_int_eq(li.step, 0);
	}
}
END_TEST

static const struct {
	int64_t	expires;
	time_t	now;
	bool	expired;
} expired_cases[] = {
	{ 1577491200, 1577491199, false },
	{ 1577491200, 1577491200, true },	/* at the expiry */
	{ 1577491200, 1800000000, true },
	{ 0, 1800000000, false },		/* no #@: never */
};

START_TEST(test_expired)
{
	struct leap_table t = { .expires = expired_cases[_i].expires };
	struct timespec now = { expired_cases[_i].now, 0 };

	ck_assert_int_eq(leap_expired(&t, &now), expired_cases[_i].expired);
}
END_TEST

static Suite *
leap_suite(void)
{
	Suite *s = suite_create("leap");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_file, 0, NITEMS(file_cases));
	tcase_add_loop_test(tc, test_text, 0, NITEMS(text_cases));
	tcase_add_test(tc, test_negative);
	tcase_add_test(tc, test_hash_forms);
	tcase_add_test(tc, test_too_many);
	tcase_add_test(tc, test_load_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("lookup");
	tcase_add_loop_test(tc, test_lookup, 0, NITEMS(lookup_cases));
	tcase_add_loop_test(tc, test_expired, 0, NITEMS(expired_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(leap_suite());
}
