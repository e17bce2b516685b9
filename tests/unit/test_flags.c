/*
 * test_flags.c: the flag parser of every program (flags.h): Go's
 * spellings (-name value, -name=value, --name), bools that take no
 * separate value, each kind's checks and messages, where the parse stops,
 * -h, and usage lines that each name one flag.
 */
#include "flags.c"

#include "unit.h"

static bool		 v, given;
static int		 n, m;
static double		 d;
static int64_t		 t;
static const char	*s, *g;

static int
check_s(const char *val, struct err *e)
{
	if (strcmp(val, "bad") == 0) {
		err_set(e, "refused");
		return -1;
	}
	return 0;
}

static struct flags_flag rows[] = {
	FLAGS_ROW_BOOL("v", &v, "a switch"),
	FLAGS_ROW_INT("n", &n, "N", 1, 8, NULL, "a number"),
	FLAGS_ROW_INT("m", &m, "M", 0, 255, "not a unit in 0..255", "a unit"),
	FLAGS_ROW_DOUBLE("d", &d, "D", 0, 1, NULL, "a fraction"),
	FLAGS_ROW_DURATION("t", &t, "S", TS_NS_PER_SEC / 1000,
	    3600 * TS_NS_PER_SEC, NULL, "seconds"),
	FLAGS_ROW_STRING("s", &s, "STR", check_s, "a string"),
	FLAGS_ROW_STRING("given", &g, "X", NULL, "noted when given"),
	FLAGS_ROW_HELP,
	FLAGS_ROW_VERSION,
};

static const struct {
	const char		*argv[6];
	enum flags_result	 want;
	const char		*err;	/* FLAGS_BAD: the whole message */
	int			 optind;
	bool			 v;
	int			 n, m;
	double			 d;
	int64_t			 t;
	const char		*s;	/* NULL: not set */
	bool			 given;
} cases[] = {
	{ { NULL }, FLAGS_RUN, NULL, 1 },
	/* Bools: -v, --v, -v=true|false; "-v false" is -v and an argument. */
	{ { "-v" }, FLAGS_RUN, NULL, 2, true },
	{ { "--v" }, FLAGS_RUN, NULL, 2, true },
	{ { "-v=true" }, FLAGS_RUN, NULL, 2, true },
	{ { "-v", "-v=false" }, FLAGS_RUN, NULL, 3, false },
	{ { "-v", "false" }, FLAGS_RUN, NULL, 2, true },
	{ { "-v=yes" }, FLAGS_BAD,
	    "invalid option \"-v=yes\": takes true or false" },
	{ { "-v=" }, FLAGS_BAD, "invalid option \"-v=\": takes true or false" },
	/* The four spellings of a value. */
	{ { "-n", "3" }, FLAGS_RUN, NULL, 3, false, 3 },
	{ { "-n=3" }, FLAGS_RUN, NULL, 2, false, 3 },
	{ { "--n", "3" }, FLAGS_RUN, NULL, 3, false, 3 },
	{ { "--n=3" }, FLAGS_RUN, NULL, 2, false, 3 },
	{ { "-n", "3", "-n", "5" }, FLAGS_RUN, NULL, 5, false, 5 },
	/* A value may start with "-", as in Go. */
	{ { "-n", "-v" }, FLAGS_BAD,
	    "invalid -n \"-v\": not a whole number from 1 to 8" },
	{ { "-n" }, FLAGS_BAD, "invalid option \"-n\": needs a N" },
	{ { "--n" }, FLAGS_BAD, "invalid option \"--n\": needs a N" },
	{ { "-n", "9" }, FLAGS_BAD,
	    "invalid -n \"9\": not a whole number from 1 to 8" },
	{ { "-n", "0" }, FLAGS_BAD,
	    "invalid -n \"0\": not a whole number from 1 to 8" },
	{ { "-n=" }, FLAGS_BAD,
	    "invalid -n \"\": not a whole number from 1 to 8" },
	{ { "-n", "+3" }, FLAGS_BAD,
	    "invalid -n \"+3\": not a whole number from 1 to 8" },
	{ { "-m", "255" }, FLAGS_RUN, NULL, 3, false, 0, 255 },
	{ { "-m", "256" }, FLAGS_BAD,
	    "invalid -m \"256\": not a unit in 0..255" },
	/* Doubles. */
	{ { "-d", "0.25" }, FLAGS_RUN, NULL, 3, false, 0, 0, 0.25 },
	{ { "-d=1e-1" }, FLAGS_RUN, NULL, 2, false, 0, 0, 0.1 },
	{ { "-d", "1" }, FLAGS_RUN, NULL, 3, false, 0, 0, 1 },
	{ { "-d", "1.5" }, FLAGS_BAD,
	    "invalid -d \"1.5\": not a number from 0 to 1" },
	{ { "-d", " 0.5" }, FLAGS_BAD,
	    "invalid -d \" 0.5\": not a number from 0 to 1" },
	{ { "-d", "0.5x" }, FLAGS_BAD,
	    "invalid -d \"0.5x\": not a number from 0 to 1" },
	{ { "-d", "nan" }, FLAGS_BAD,
	    "invalid -d \"nan\": not a number from 0 to 1" },
	{ { "-d", "" }, FLAGS_BAD,
	    "invalid -d \"\": not a number from 0 to 1" },
	/* Durations: seconds, to the nanosecond, in [lo, hi). */
	{ { "-t", "0.5" }, FLAGS_RUN, NULL, 3, false, 0, 0, 0, 500000000 },
	{ { "-t", "0.001" }, FLAGS_RUN, NULL, 3, false, 0, 0, 0, 1000000 },
	{ { "-t=3599.999999999" }, FLAGS_RUN, NULL, 2, false, 0, 0, 0,
	    INT64_C(3599999999999) },
	{ { "-t", "0.000999999" }, FLAGS_BAD, "invalid -t \"0.000999999\": "
	    "not a number of seconds in [0.001, 3600)" },
	{ { "-t", "3600" }, FLAGS_BAD,
	    "invalid -t \"3600\": not a number of seconds in [0.001, 3600)" },
	{ { "-t", "-1" }, FLAGS_BAD,
	    "invalid -t \"-1\": not a number of seconds in [0.001, 3600)" },
	/* More than int64_t nanoseconds hold, less than ts_parse's 2^40 s. */
	{ { "-t", "1e12" }, FLAGS_BAD,
	    "invalid -t \"1e12\": not a number of seconds in [0.001, 3600)" },
	{ { "-t", "-1e12" }, FLAGS_BAD,
	    "invalid -t \"-1e12\": not a number of seconds in [0.001, 3600)" },
	{ { "-t", "x" }, FLAGS_BAD,
	    "invalid -t \"x\": not a number of seconds in [0.001, 3600)" },
	/* Strings and their checks. */
	{ { "-s", "x" }, FLAGS_RUN, NULL, 3, false, 0, 0, 0, 0, "x" },
	{ { "-s=" }, FLAGS_RUN, NULL, 2, false, 0, 0, 0, 0, "" },
	{ { "-s=a=b" }, FLAGS_RUN, NULL, 2, false, 0, 0, 0, 0, "a=b" },
	{ { "-s", "bad" }, FLAGS_BAD, "invalid -s \"bad\": refused" },
	{ { "-given", "x" }, FLAGS_RUN, NULL, 3, false, 0, 0, 0, 0, NULL,
	    true },
	/* -help and -version stop the parse where they stand. */
	{ { "-help" }, FLAGS_ASK_HELP },
	{ { "--help" }, FLAGS_ASK_HELP },
	{ { "-h" }, FLAGS_ASK_HELP },
	{ { "--h" }, FLAGS_ASK_HELP },
	{ { "-version" }, FLAGS_ASK_VERSION },
	{ { "-v", "-version", "-bogus" }, FLAGS_ASK_VERSION },
	{ { "-help=maybe" }, FLAGS_BAD,
	    "invalid option \"-help=maybe\": takes true or false" },
	/* Unknown flags. */
	{ { "-bogus" }, FLAGS_BAD,
	    "invalid option \"-bogus\": unknown (see -help)" },
	{ { "-bogus=1" }, FLAGS_BAD,
	    "invalid option \"-bogus=1\": unknown (see -help)" },
	{ { "-vv" }, FLAGS_BAD, "invalid option \"-vv\": unknown (see -help)" },
	{ { "---v" }, FLAGS_BAD,
	    "invalid option \"---v\": unknown (see -help)" },
	{ { "-=x" }, FLAGS_BAD, "invalid option \"-=x\": unknown (see -help)" },
	{ { "-hh" }, FLAGS_BAD, "invalid option \"-hh\": unknown (see -help)" },
	/* Where the parse stops: the first argument that is no flag. */
	{ { "url", "-v" }, FLAGS_RUN, NULL, 1, false },
	{ { "-v", "url", "-n", "3" }, FLAGS_RUN, NULL, 2, true },
	{ { "-", "-v" }, FLAGS_RUN, NULL, 1, false },
	{ { "--" }, FLAGS_RUN, NULL, 2, false },
	{ { "--", "-v" }, FLAGS_RUN, NULL, 2, false },
	{ { "-v", "--", "--" }, FLAGS_RUN, NULL, 3, true },
};

START_TEST(test_parse)
{
	const struct flags_set set = FLAGS_SET(rows);
	char *argv[8] = { "prog" };
	struct err e = { .msg = "" };
	int argc = 1, optind = -1;
	enum flags_result r;

	rows[6].given = &given;		/* no ROW macro sets it */
	v = given = false;
	n = m = 0;
	d = 0;
	t = 0;
	s = g = NULL;
	for (int i = 0; cases[_i].argv[i] != NULL; i++)
		argv[argc++] = (char *)cases[_i].argv[i];
	argv[argc] = NULL;
	r = flags_parse(&set, 1, argc, argv, &optind, &e);
	ck_assert_int_eq(r, cases[_i].want);
	if (r == FLAGS_BAD) {
		ck_assert_str_eq(e.msg, cases[_i].err);
		return;
	}
	ck_assert_str_eq(e.msg, "");
	if (r != FLAGS_RUN)
		return;
	ck_assert_int_eq(optind, cases[_i].optind);
	ck_assert_int_eq(v, cases[_i].v);
	ck_assert_int_eq(n, cases[_i].n);
	ck_assert_int_eq(m, cases[_i].m);
	ck_assert_double_eq(d, cases[_i].d);
	ck_assert_int_eq(t, cases[_i].t);
	if (cases[_i].s == NULL)
		ck_assert_ptr_null(s);
	else
		ck_assert_str_eq(s, cases[_i].s);
	ck_assert_int_eq(given, cases[_i].given);
	ck_assert_int_eq(g != NULL, cases[_i].given);
}
END_TEST

/* Without an optind, an argument that is no flag is an error, after "--"
 * too (it would be dropped unseen). */
static const struct {
	const char		*argv[4];
	enum flags_result	 want;
	const char		*err;
} nopos[] = {
	{ { "-v" }, FLAGS_RUN },
	{ { "-v", "--" }, FLAGS_RUN },
	{ { "extra" }, FLAGS_BAD,
	    "invalid argument \"extra\": no arguments are taken (see -help)" },
	{ { "-v", "false" }, FLAGS_BAD,
	    "invalid argument \"false\": no arguments are taken (see -help)" },
	{ { "-" }, FLAGS_BAD,
	    "invalid argument \"-\": no arguments are taken (see -help)" },
	{ { "--", "extra" }, FLAGS_BAD,
	    "invalid argument \"extra\": no arguments are taken (see -help)" },
	{ { "--", "-v" }, FLAGS_BAD,
	    "invalid argument \"-v\": no arguments are taken (see -help)" },
};

START_TEST(test_no_positional)
{
	const struct flags_set set = FLAGS_SET(rows);
	char *argv[6] = { "prog" };
	struct err e = { .msg = "" };
	int argc = 1;

	for (int i = 0; nopos[_i].argv[i] != NULL; i++)
		argv[argc++] = (char *)nopos[_i].argv[i];
	argv[argc] = NULL;
	ck_assert_int_eq(flags_parse(&set, 1, argc, argv, NULL, &e),
	    nopos[_i].want);
	ck_assert_str_eq(e.msg, nopos[_i].err != NULL ? nopos[_i].err : "");
}
END_TEST

/* Several tables: each is searched, the first row of a name wins, and -h
 * is a flag of its own where a row is called h. */
START_TEST(test_sets)
{
	bool h = false, v2 = false;
	struct flags_flag mine[] = {
		FLAGS_ROW_BOOL("h", &h, "not help"),
		FLAGS_ROW_BOOL("v", &v2, "shadows the other -v"),
	};
	const struct flags_set sets[] = { FLAGS_SET(mine), FLAGS_SET(rows) };
	char *argv[] = { "prog", "-h", "-v", "-n", "2", "-help", NULL };
	struct err e = { .msg = "" };
	int optind = 0;

	v = false;
	n = 0;
	ck_assert_int_eq(flags_parse(sets, 2, 5, argv, &optind, &e),
	    FLAGS_RUN);
	ck_assert(h);
	ck_assert(v2);
	ck_assert(!v);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(optind, 5);
	ck_assert_int_eq(flags_parse(sets, 2, 6, argv, &optind, &e),
	    FLAGS_ASK_HELP);
	/* No help row at all: -h is unknown. */
	ck_assert_int_eq(flags_parse(sets, 1, 2, argv, &optind, &e),
	    FLAGS_RUN);
	ck_assert_int_eq(flags_parse(&sets[1], 1, 2, argv, &optind, &e),
	    FLAGS_ASK_HELP);
	{
		const struct flags_set none = { rows, 1 };

		ck_assert_int_eq(flags_parse(&none, 1, 2, argv, &optind, &e),
		    FLAGS_BAD);
		ck_assert_str_eq(e.msg,
		    "invalid option \"-h\": unknown (see -help)");
	}
}
END_TEST

static const struct {
	const char	*a, *name;
	bool		 want;
} is[] = {
	{ "-serve", "serve", true },
	{ "--serve", "serve", true },
	{ "-serve=:80", "serve", true },
	{ "--serve=", "serve", true },
	{ "serve", "serve", false },
	{ "-server", "serve", false },
	{ "-serv", "serve", false },
	{ "---serve", "serve", false },
	{ "-", "serve", false },
};

START_TEST(test_is)
{
	ck_assert_int_eq(flags_is(is[_i].a, is[_i].name), is[_i].want);
}
END_TEST

static const struct {
	const char	*s;
	int64_t		 lo, hi;
	int		 rc;
	int64_t		 want;
} numbers[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "11", 0, 10, -1, 0 },
	{ "9", 1, 8, -1, 0 },
	{ "100", 0, 99, -1, 0 },
	{ "0", 1, 10, -1, 0 },
	{ "007", 0, 10, 0, 7 },
	{ "", 0, 10, -1, 0 },
	{ "-5", 0, 10, -1, 0 },
	{ "+5", 0, 10, -1, 0 },
	{ " 5", 0, 10, -1, 0 },
	{ "5 ", 0, 10, -1, 0 },
	{ "1.5", 0, 10, -1, 0 },
	{ "0x10", 0, 100, -1, 0 },
	{ "31536000", 1, 31536000, 0, 31536000 },
	{ "99999999999999999999999", 1, 65535, -1, 0 },
	{ "9223372036854775797", 0, INT64_MAX - 10, 0,
	    INT64_C(9223372036854775797) },
	{ "99999999999999999999999", 0, INT64_MAX - 10, -1, 0 },
};

START_TEST(test_number)
{
	int64_t got = -1;

	ck_assert_int_eq(flags_number(numbers[_i].s, numbers[_i].lo,
	    numbers[_i].hi, &got), numbers[_i].rc);
	if (numbers[_i].rc == 0)
		ck_assert_int_eq(got, numbers[_i].want);
}
END_TEST

/*
 * Usage: one line a flag, however long its help, that starts with two
 * blanks and "-name", then two blanks at least before the help (readers
 * split the columns there and read a default out of the line).
 */
static struct flags_flag usage_rows[] = {
	FLAGS_ROW_STRING("listen", &s, "ADDR", NULL, "serve FastCGI on "
	    "unix:PATH (mode 0660: run with the web server's group), HOST:PORT "
	    "or [IPV6]:PORT, for nginx or mod_proxy_fcgi (default: the socket "
	    "systemd passes, or fd 0) and so on -listen -here"),
	FLAGS_ROW_STRING("path", &s, "PATH", NULL, "the cache (default "
	    "/usr/local/var/cache/webntp/leap-seconds.list)"),
	FLAGS_ROW_BOOL("a-flag-name-longer-than-the-column", &v, "short"),
	FLAGS_ROW_BOOL("quiet", &v, ""),
	FLAGS_ROW_HELP,
};

START_TEST(test_usage)
{
	const struct flags_set set = FLAGS_SET(usage_rows);
	char *text = NULL, want[1024];
	size_t len = 0, k = 0;
	FILE *f = open_memstream(&text, &len);

	flags_usage(f, &set, 1);
	fclose(f);
	for (char *line = text, *nl; *line != '\0'; line = nl + 1, k++) {
		const struct flags_flag *r = &usage_rows[k];
		char left[64];

		ck_assert_uint_lt(k, NITEMS(usage_rows));
		ck_assert_ptr_nonnull(nl = strchr(line, '\n'));
		*nl = '\0';
		snprintf(left, sizeof(left), "-%s%s%s", r->name,
		    r->arg != NULL ? " " : "", r->arg != NULL ? r->arg : "");
		if (r->help[0] == '\0')
			snprintf(want, sizeof(want), "  %s", left);
		else
			snprintf(want, sizeof(want), "  %-28s%s%s", left,
			    strlen(left) >= 28 ? "  " : " ", r->help);
		ck_assert_str_eq(line, want);
	}
	ck_assert_uint_eq(k, NITEMS(usage_rows));
	free(text);
	/* The lines as they look. */
	text = NULL;
	f = open_memstream(&text, &len);
	flags_usage(f, &set, 1);
	fclose(f);
	ck_assert(strncmp(text, "  -listen ADDR                 serve FastCGI "
	    "on unix:PATH (mode 0660: ", 70) == 0);
	ck_assert_ptr_nonnull(strstr(text, "\n  -path PATH                   "
	    "the cache (default /usr/local/var/cache/webntp/leap-seconds.list)"
	    "\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  -a-flag-name-longer-than-the-"
	    "column  short\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  -quiet\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  -help                       "
	    " print this help and exit\n"));
	free(text);
}
END_TEST

static Suite *
flags_suite(void)
{
	Suite *su = suite_create("flags");
	TCase *tc = tcase_create("flags");

	tcase_add_loop_test(tc, test_parse, 0, NITEMS(cases));
	tcase_add_loop_test(tc, test_no_positional, 0, NITEMS(nopos));
	tcase_add_test(tc, test_sets);
	tcase_add_loop_test(tc, test_is, 0, NITEMS(is));
	tcase_add_loop_test(tc, test_number, 0, NITEMS(numbers));
	tcase_add_test(tc, test_usage);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	return unit_run(flags_suite());
}
