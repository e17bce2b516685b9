/*
 * test_leap.c: the leap-seconds.list parser (doc/protocol.md section 6) on the
 * tables of tests/data (made by tests/data/mkleap.py, whose #h comes from
 * Python's hashlib) and on inline text (#h lines computed the same way),
 * the #h every table needs (a real list cut short anywhere is refused), the
 * #$ at most a year ahead of the clock, leap_load's limits, and the leap
 * rule of section 2 at its examples.
 */
#include "leap.c"

#include <sys/types.h>

#include "unit.h"

#define T2019		"leap-seconds-2019-05-02.list"
#define U(ntp)		((int64_t)(ntp) - LEAP_NTP_UNIX)

/* The clock of the tests: 2026-12-01, when every table here is at most a
 * year ahead. */
static const struct timespec clock_now = { 1796083200, 0 };

static const struct {
	const char	*file;
	const char	*err;		/* NULL: parses */
	size_t		 n;
	int64_t		 updated, expires;
} file_cases[] = {
	{ T2019, NULL, 27, U(3676924800), U(3786480000) },
	/* #h words written without their leading zeros. */
	{ "leap-nozeros.list", NULL, 2, U(3677904241), U(6311433600) },
	/* Spaces, and the IERS "#NTP Time      DTAI" header line. */
	{ "leap-iers.list", NULL, 27, U(3676924800), U(3786480000) },
	{ "leap-future.list", NULL, 27, U(3763324800), U(6311433600) },
	{ "leap-older.list", NULL, 27, U(3668284800), U(3786480000) },
	{ "leap-negative.list", NULL, 28, U(3763324800), U(6311433600) },
	/* Every table needs its #h, a local one too. */
	{ "leap-nohash.list", "no #h hash", 0, 0, 0 },
	{ "leap-wronghash.list", "#h hash does not match", 0, 0, 0 },
	{ "mkleap.py", "bad data line", 0, 0, 0 },
	{ "", "not a regular file", 0, 0, 0 },	/* the dir */
	{ "no-such-file", "No such file or directory", 0, 0, 0 },
};

START_TEST(test_file)
{
	struct leap_table t;
	struct err e = { .msg = "" };
	const char *path = unit_data(file_cases[_i].file);
	int rc;

	memset(&t, 0xa5, sizeof(t));
	rc = leap_load(path, &clock_now, &t, &e);
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
	/* The #h lines: Python's hashlib, as in tests/data/mkleap.py. */
	TXT("2272060800\t10\n2287785600\t11\n"
	    "#h 362f6508 b05ec1fd cc8f6e67 0c014b49 e0b53c78\n", NULL, 1),
	/* Tabs and spaces alike, CRLF, no final newline, comments; #h may
	 * come first. */
	TXT("#h\t11220c90 9d0cd464 8d38a6f5 5b8fd9ad 55649f24\r\n"
	    "2272060800 \t 10\t# 1 Jan 1972\r\n  2287785600  11 #\r\n"
	    "\t2303683200\t12", NULL, 2),
	TXT("#\n# comment\n#NTP Time      DTAI    Day Month Year\n#X y\n\n"
	    "2272060800 10\n"
	    "#h 2c0a50f1 27d98e6e dc928a84 6a109474 68eb871f\n", NULL, 0),
	TXT("2272060800 10#no blank before the comment\n"
	    "#h 2c0a50f1 27d98e6e dc928a84 6a109474 68eb871f\n", NULL, 0),
	/* A deleted leap second. */
	TXT("2272060800 10\n2287785600 9\n"
	    "#h e21b6b3f 4c8ca4c6 2f33e8b2 a2a7ea77 1af46f24\n", NULL, 1),
	/* The same data without its #h: refused, as a cut-short file. */
	TXT("2272060800 10\n2287785600 9\n", "no #h hash", 0),
	TXT("2272060800 10\n2287785600 9\n#", "no #h hash", 0),
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

	rc = leap_parse(text_cases[_i].text, text_cases[_i].len, &clock_now,
	    &t, &e);
	if (text_cases[_i].err != NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(e.msg, text_cases[_i].err) != NULL,
		    "error \"%s\", wanted \"%s\"", e.msg, text_cases[_i].err);
		ck_assert_uint_eq(t.n, 0);
		return;
	}
	ck_assert_msg(rc == 0, "%s", e.msg);
	ck_assert_uint_eq(t.n, text_cases[_i].n);
}
END_TEST

/* The deleted leap second: the event's step is -1. */
START_TEST(test_negative)
{
	struct leap_table t;
	struct err e = { .msg = "" };

	static const char text[] = "2272060800 10\n2287785600 9\n"
	    "2303683200 10\n"
	    "#h 05d7c833 080d2c64 3da6e89a b68681e2 b83b5a51\n";

	ck_assert_int_eq(leap_parse(text, sizeof(text) - 1, &clock_now, &t,
	    &e), 0);
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
		ck_assert_msg(leap_parse(copy, len, &clock_now, &t, &e) == 0,
		    "%s: %s", forms[i][1], e.msg);
		/* One digit more or less in the data: refused. */
		p = strstr(copy, "2272060800");
		p[9] = '1';
		err_clear(&e);
		ck_assert_int_eq(leap_parse(copy, len, &clock_now, &t, &e), -1);
		ck_assert_str_eq(e.msg, "#h hash does not match the data");
		free(copy);
	}
	free(text);
}
END_TEST

/*
 * n data lines a day apart, alternating 10 and 11, with their #h: SHA-1 of
 * the digits of each line, made here from the numbers (not from the text).
 */
static size_t
many_lines(char *text, size_t cap, int n)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	char digits[64];
	size_t len = 0;

	ck_assert_ptr_nonnull(md);
	ck_assert_int_eq(EVP_DigestInit_ex(md, EVP_sha1(), NULL), 1);
	for (int i = 0; i < n; i++) {
		long long ntp = 2272060800LL + 86400LL * i;
		int tai = 10 + i % 2;

		len += (size_t)snprintf(text + len, cap - len, "%lld %d\n",
		    ntp, tai);
		snprintf(digits, sizeof(digits), "%lld%d", ntp, tai);
		EVP_DigestUpdate(md, digits, strlen(digits));
	}
	EVP_DigestFinal_ex(md, d, &dlen);
	EVP_MD_CTX_free(md);
	len += (size_t)snprintf(text + len, cap - len, "#h");
	for (int i = 0; i < 5; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    " %02x%02x%02x%02x", d[4 * i], d[4 * i + 1], d[4 * i + 2],
		    d[4 * i + 3]);
	len += (size_t)snprintf(text + len, cap - len, "\n");
	ck_assert_uint_lt(len, cap);
	return len;
}

/* More events than a table holds. */
START_TEST(test_too_many)
{
	size_t cap = (LEAP_MAX_EVENTS + 2) * 32 + 128, len;
	char *text = malloc(cap);
	struct leap_table t;
	struct err e = { .msg = "" };

	len = many_lines(text, cap, LEAP_MAX_EVENTS + 1);
	ck_assert_msg(leap_parse(text, len, &clock_now, &t, &e) == 0, "%s",
	    e.msg);
	ck_assert_uint_eq(t.n, LEAP_MAX_EVENTS);
	len = many_lines(text, cap, LEAP_MAX_EVENTS + 2);
	ck_assert_int_eq(leap_parse(text, len, &clock_now, &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "more than 256 leap seconds"));
	free(text);
}
END_TEST

/*
 * A real list (and two of ours) cut short: at every line boundary, and at
 * every byte of the last two lines. The #h line is last, so each cut loses
 * it, or cuts it: refused, never a shorter table. Only the cut of the final
 * newline alone keeps the content.
 */
static const char *truncated_files[] = {
	T2019, "leap-iers.list", "leap-negative.list",
};

START_TEST(test_truncated)
{
	struct leap_table t;
	struct err e = { .msg = "" };
	size_t len = 0, tail, cuts = 0;
	char *text = unit_slurp(unit_data(truncated_files[_i]), &len);

	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(text[len - 1], '\n');
	ck_assert_msg(leap_parse(text, len, &clock_now, &t, &e) == 0, "%s",
	    e.msg);
	ck_assert_int_eq(leap_parse(text, len - 1, &clock_now, &t, &e), 0);
	/* The start of the line before the #h line. */
	tail = len - 1;
	for (int nl = 0; tail > 0 && nl < 2; tail--)
		if (text[tail - 1] == '\n')
			nl++;
	for (size_t cut = 0; cut < len - 1; cut++) {
		if (cut < tail && cut > 0 && text[cut - 1] != '\n')
			continue;
		err_clear(&e);
		memset(&t, 0xa5, sizeof(t));
		ck_assert_msg(leap_parse(text, cut, &clock_now, &t, &e) == -1,
		    "%s cut at byte %zu of %zu: accepted", truncated_files[_i],
		    cut, len);
		ck_assert_uint_eq(t.n, 0);
		ck_assert_msg(strstr(e.msg, "no #h hash") != NULL ||
		    strstr(e.msg, "no data lines") != NULL ||
		    strstr(e.msg, "bad #h hash") != NULL ||
		    strstr(e.msg, "#h hash does not match") != NULL,
		    "cut at %zu: %s", cut, e.msg);
		cuts++;
	}
	ck_assert_uint_gt(cuts, 40);
	free(text);
}
END_TEST

/* #$ (the 2019 table's: 2016-07-08) at most a year ahead of the clock. */
static const struct {
	int64_t		 now;
	const char	*err;
} ahead_cases[] = {
	{ U(3676924800), NULL },
	{ U(3676924800) + 86400 * 3650, NULL },
	{ U(3676924800) - LEAP_AHEAD_MAX, NULL },
	{ U(3676924800) - LEAP_AHEAD_MAX - 1, "#$ 2016-07-08 is more than a "
	    "year ahead of the clock (2015-07-07)" },
	{ U(3676924800) - 86400 * 400, "more than a year ahead" },
	{ 0, "#$ 2016-07-08 is more than a year ahead of the clock "
	    "(1970-01-01)" },
	{ INT64_MAX, NULL },
};

START_TEST(test_ahead)
{
	struct leap_table t;
	struct err e = { .msg = "" };
	struct timespec now = { (time_t)ahead_cases[_i].now, 0 };
	const char *path = unit_data(T2019);
	int rc = leap_load(path, &now, &t, &e);

	if (ahead_cases[_i].err == NULL) {
		ck_assert_msg(rc == 0, "%s", e.msg);
		ck_assert_uint_eq(t.n, 27);
		return;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_msg(strstr(e.msg, ahead_cases[_i].err) != NULL,
	    "error \"%s\", wanted \"%s\"", e.msg, ahead_cases[_i].err);
	ck_assert_msg(strncmp(e.msg, path, strlen(path)) == 0,
	    "error \"%s\" does not name %s", e.msg, path);
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
	ck_assert_msg(leap_load(path, &clock_now, &t, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(t.n, 27);
	/* One byte more. */
	big[LEAP_FILE_MAX] = '\n';
	unit_write(path, big, LEAP_FILE_MAX + 1);
	ck_assert_int_eq(leap_load(path, &clock_now, &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "larger than 262144 bytes"));
	ck_assert_uint_eq(t.n, 0);
	/* A FIFO must not block the reader. */
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	err_clear(&e);
	ck_assert_int_eq(leap_load(fifo, &clock_now, &t, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a regular file"));
	free(big);
	free(base);
	unit_rmdir(dir);
}
END_TEST

/* doc/protocol.md section 6.4's examples, and the edges of the table. */
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
		ck_assert_msg(leap_load(unit_data(lookup_cases[_i].file),
		    &clock_now, &t, &e) == 0, "%s", e.msg);
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
	tcase_add_loop_test(tc, test_truncated, 0, NITEMS(truncated_files));
	tcase_add_loop_test(tc, test_ahead, 0, NITEMS(ahead_cases));
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
