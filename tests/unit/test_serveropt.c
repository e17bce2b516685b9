/*
 * test_serveropt.c: the server flags of doc/protocol.md section 0 (Go-style
 * -name value, -name=value, --name), their validation at start, and a
 * program's own flags.
 */
#include "serveropt.c"

#include "unit.h"

static const char	*listen_value;
static bool		 verbose;

static const struct flags_flag own[] = {
	FLAGS_ROW_STRING("listen", &listen_value, "HOST:PORT", NULL,
	    "where to listen"),
	FLAGS_ROW_BOOL("verbose", &verbose, "say more"),
};

/* "@DATA@" in an argument is the test data directory. */
static const struct {
	const char	*argv[6];
	enum serveropt_result want;
	const char	*err;		/* the whole message, @DATA@ expanded */
	bool		 cors;
	const char	*path;		/* NULL: the default */
	const char	*url;		/* NULL: the default */
	int		 optind;
	const char	*listen;
	bool		 verbose;
} cases[] = {
	{ { NULL }, SERVEROPT_RUN, NULL, false, NULL, NULL, 1, NULL, false },
	{ { "-allow-cross-origin" }, SERVEROPT_RUN, NULL, true, NULL, NULL, 2,
	    NULL, false },
	{ { "--allow-cross-origin" }, SERVEROPT_RUN, NULL, true, NULL, NULL, 2,
	    NULL, false },
	{ { "-allow-cross-origin=true" }, SERVEROPT_RUN, NULL, true, NULL,
	    NULL, 2, NULL, false },
	{ { "-allow-cross-origin", "-allow-cross-origin=false" },
	    SERVEROPT_RUN, NULL, false, NULL, NULL, 3, NULL, false },
	{ { "-allow-cross-origin=yes" }, SERVEROPT_BAD,
	    "invalid option \"-allow-cross-origin=yes\": takes true or false" },
	{ { "-leap-second-path", "@DATA@/leap.list" }, SERVEROPT_RUN, NULL,
	    false, "@DATA@/leap.list", NULL, 3, NULL, false },
	{ { "-leap-second-path=@DATA@/leap.list" }, SERVEROPT_RUN, NULL,
	    false, "@DATA@/leap.list", NULL, 2, NULL, false },
	{ { "--leap-second-path=@DATA@/leap-future.list",
	    "-leap-second-url", "file:///x/leap.list" }, SERVEROPT_RUN, NULL,
	    false, "@DATA@/leap-future.list", "file:///x/leap.list", 4, NULL,
	    false },
	{ { "-leap-second-url=http://127.0.0.1/l" }, SERVEROPT_RUN, NULL,
	    false, NULL, "http://127.0.0.1/l", 2, NULL, false },
	{ { "-leap-second-path" }, SERVEROPT_BAD,
	    "invalid option \"-leap-second-path\": needs a PATH" },
	{ { "-leap-second-url" }, SERVEROPT_BAD,
	    "invalid option \"-leap-second-url\": needs a URL" },
	{ { "-leap-second-path=@DATA@" }, SERVEROPT_BAD,
	    "invalid -leap-second-path \"@DATA@\": not a regular file" },
	{ { "-leap-second-path", "@DATA@/no/such/dir/leap.list" },
	    SERVEROPT_BAD, "invalid -leap-second-path "
	    "\"@DATA@/no/such/dir/leap.list\": no directory @DATA@/no/such/dir" },
	{ { "-leap-second-path", "@DATA@/mkleap.py/leap.list" },
	    SERVEROPT_BAD, "invalid -leap-second-path "
	    "\"@DATA@/mkleap.py/leap.list\": no directory @DATA@/mkleap.py" },
	{ { "-leap-second-path=" }, SERVEROPT_BAD,
	    "invalid -leap-second-path \"\": empty" },
	{ { "-leap-second-url", "ftp://example.org/leap.list" }, SERVEROPT_BAD,
	    "invalid -leap-second-url \"ftp://example.org/leap.list\": not an "
	    "http, https or file URL (or \"\" for none)" },
	{ { "-leap-second-url", " " }, SERVEROPT_BAD,
	    "invalid -leap-second-url \" \": not an http, https or file URL "
	    "(or \"\" for none)" },
	/* An empty URL: never download (go-webntp does the same). */
	{ { "-leap-second-url=" }, SERVEROPT_RUN, NULL, false, NULL, "", 2,
	    NULL, false },
	{ { "-leap-second-url", "", "-leap-second-path", "@DATA@/l.list" },
	    SERVEROPT_RUN, NULL, false, "@DATA@/l.list", "", 5, NULL, false },
	/* A file that is no table is the cache's problem, not the flag's. */
	{ { "-leap-second-path", "@DATA@/mkleap.py" }, SERVEROPT_RUN, NULL,
	    false, "@DATA@/mkleap.py", NULL, 3, NULL, false },
	{ { "-no-such-flag" }, SERVEROPT_BAD,
	    "invalid option \"-no-such-flag\": unknown (see -help)" },
	{ { "-allow" }, SERVEROPT_BAD,
	    "invalid option \"-allow\": unknown (see -help)" },
	{ { "---help" }, SERVEROPT_BAD,
	    "invalid option \"---help\": unknown (see -help)" },
	{ { "-help" }, SERVEROPT_HELP },
	{ { "--help" }, SERVEROPT_HELP },
	{ { "-version" }, SERVEROPT_VERSION },
	{ { "-allow-cross-origin", "-version", "-no-such-flag" },
	    SERVEROPT_VERSION },
	/* The program's own flags, and positional arguments. */
	{ { "-listen", "127.0.0.1:1", "-verbose" }, SERVEROPT_RUN, NULL, false,
	    NULL, NULL, 4, "127.0.0.1:1", true },
	{ { "-listen=unix:/x", "-verbose=false", "host:80", "-x" },
	    SERVEROPT_RUN, NULL, false, NULL, NULL, 3, "unix:/x", false },
	{ { "--", "-allow-cross-origin" }, SERVEROPT_RUN, NULL, false, NULL,
	    NULL, 2, NULL, false },
	{ { "-", "x" }, SERVEROPT_RUN, NULL, false, NULL, NULL, 1, NULL,
	    false },
};

static char *
expand(const char *s)
{
	const char *data = unit_data(""), *at;
	size_t dlen = strlen(data) - 1;		/* without the slash */
	char *out = malloc(strlen(s) * 4 + strlen(data) * 4 + 1), *o = out;

	while ((at = strstr(s, "@DATA@")) != NULL) {
		memcpy(o, s, (size_t)(at - s));
		o += at - s;
		memcpy(o, data, dlen);
		o += dlen;
		s = at + 6;
	}
	strcpy(o, s);
	return out;
}

START_TEST(test_parse)
{
	char *argv[8] = { "prog" };
	struct serveropt o;
	struct err e = { .msg = "" };
	int argc = 1, optind = -1;
	enum serveropt_result r;

	listen_value = NULL;
	verbose = false;
	for (int i = 0; cases[_i].argv[i] != NULL; i++)
		argv[argc++] = expand(cases[_i].argv[i]);
	argv[argc] = NULL;
	r = serveropt_parse(&o, argc, argv, own, NITEMS(own), &optind, &e);
	ck_assert_int_eq(r, cases[_i].want);
	if (r == SERVEROPT_BAD) {
		char *want = expand(cases[_i].err);

		ck_assert_str_eq(e.msg, want);
		free(want);
	} else {
		ck_assert_str_eq(e.msg, "");
	}
	if (r == SERVEROPT_RUN) {
		char *path = expand(cases[_i].path != NULL ? cases[_i].path :
		    WEBNTP_LEAP_CACHE);

		ck_assert_int_eq(o.allow_cross_origin, cases[_i].cors);
		ck_assert_str_eq(o.leap_path, path);
		ck_assert_int_eq(o.leap_path_given, cases[_i].path != NULL);
		ck_assert_str_eq(o.leap_url, cases[_i].url != NULL ?
		    cases[_i].url : SERVEROPT_LEAP_URL);
		ck_assert_int_eq(optind, cases[_i].optind);
		if (cases[_i].listen == NULL)
			ck_assert_ptr_null(listen_value);
		else
			ck_assert_str_eq(listen_value, cases[_i].listen);
		ck_assert_int_eq(verbose, cases[_i].verbose);
		free(path);
	}
	for (int i = 1; i < argc; i++)
		free(argv[i]);
}
END_TEST

/* Without an optind, a positional argument is an error. */
START_TEST(test_no_positional)
{
	char *argv[] = { "prog", "-allow-cross-origin", "extra", NULL };
	struct serveropt o;
	struct err e = { .msg = "" };

	ck_assert_int_eq(serveropt_parse(&o, 3, argv, NULL, 0, NULL, &e),
	    SERVEROPT_BAD);
	ck_assert_str_eq(e.msg, "invalid argument \"extra\": no arguments are "
	    "taken (see -help)");
	err_clear(&e);
	ck_assert_int_eq(serveropt_parse(&o, 2, argv, NULL, 0, NULL, &e),
	    SERVEROPT_RUN);
	ck_assert(o.allow_cross_origin);
}
END_TEST

/* An argument after "--" is no flag either: refused, not dropped unseen. */
START_TEST(test_no_positional_after_dashes)
{
	char *argv[] = { "prog", "--", "127.0.0.1:9", NULL };
	struct serveropt o;
	struct err e = { .msg = "" };

	ck_assert_int_eq(serveropt_parse(&o, 3, argv, NULL, 0, NULL, &e),
	    SERVEROPT_BAD);
	ck_assert_str_eq(e.msg, "invalid argument \"127.0.0.1:9\": no "
	    "arguments are taken (see -help)");
	err_clear(&e);
	ck_assert_int_eq(serveropt_parse(&o, 2, argv, NULL, 0, NULL, &e),
	    SERVEROPT_RUN);
}
END_TEST

/* -h is -help, as in Go's flag package (the client took it already). */
START_TEST(test_h)
{
	char *argv[] = { "prog", "-h", NULL };
	struct serveropt o;
	struct err e = { .msg = "" };

	ck_assert_int_eq(serveropt_parse(&o, 2, argv, NULL, 0, NULL, &e),
	    SERVEROPT_HELP);
}
END_TEST

START_TEST(test_usage)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	serveropt_usage(f, "prog [flags]", own, NITEMS(own));
	fclose(f);
	ck_assert(strncmp(text, "usage: prog [flags]\n", 20) == 0);
	ck_assert_ptr_nonnull(strstr(text, "  -listen HOST:PORT "));
	ck_assert_ptr_nonnull(strstr(text, "  -verbose "));
	ck_assert_ptr_nonnull(strstr(text, "  -allow-cross-origin "));
	ck_assert_ptr_nonnull(strstr(text, "  -leap-second-path PATH "));
	ck_assert_ptr_nonnull(strstr(text, "  -leap-second-url URL "));
	ck_assert_ptr_nonnull(strstr(text, SERVEROPT_LEAP_URL));
	ck_assert_ptr_nonnull(strstr(text, "  -help "));
	ck_assert_ptr_nonnull(strstr(text, "  -version "));
	free(text);
}
END_TEST

static void
log_nothing(void *ctx, const char *msg)
{
}

/* serveropt_hostport: the value of -listen and -serve (flags_number, which
 * reads the port, is tested in test_flags). */
static const struct {
	const char	*s;
	int		 rc;
	const char	*host;
	long		 port;
} hostports[] = {
	{ "127.0.0.1:8081", 0, "127.0.0.1", 8081 },
	{ "[::1]:443", 0, "::1", 443 },
	{ ":80", 0, "", 80 },
	{ "localhost:65535", 0, "localhost", 65535 },
	{ "127.0.0.1", -1 },
	{ "127.0.0.1:", -1 },
	{ "127.0.0.1:0", -1 },
	{ "127.0.0.1:65536", -1 },
	{ "127.0.0.1:80x", -1 },
	{ "127.0.0.1:+80", -1 },
	{ "[::1:8081", -1 },
	{ "::1]:8081", -1 },
	{ "0123456789012345678901234567890123456789:1", -1 },	/* > cap */
};

START_TEST(test_hostport)
{
	char host[32];
	long port = -1;

	ck_assert_int_eq(serveropt_hostport(hostports[_i].s, host,
	    sizeof(host), &port), hostports[_i].rc);
	if (hostports[_i].rc == 0) {
		ck_assert_str_eq(host, hostports[_i].host);
		ck_assert_int_eq(port, hostports[_i].port);
	}
}
END_TEST

START_TEST(test_leap_config)
{
	struct serveropt o = {
		.leap_path = "/p", .leap_path_given = true, .leap_url = "file:///u",
	};
	struct leapsrc_config lc;
	int ctx;

	serveropt_leap_config(&o, &lc, log_nothing, &ctx);
	ck_assert_str_eq(lc.path, "/p");
	ck_assert(lc.path_given);
	ck_assert_str_eq(lc.tzdata, WEBNTP_TZDATA_LEAP);
	ck_assert_str_eq(lc.url, "file:///u");
	ck_assert_ptr_eq(lc.log, log_nothing);
	ck_assert_ptr_eq(lc.log_ctx, &ctx);
}
END_TEST

static Suite *
serveropt_suite(void)
{
	Suite *s = suite_create("serveropt");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse, 0, NITEMS(cases));
	tcase_add_test(tc, test_no_positional);
	tcase_add_test(tc, test_no_positional_after_dashes);
	tcase_add_test(tc, test_h);
	tcase_add_test(tc, test_usage);
	tcase_add_test(tc, test_leap_config);
	tcase_add_loop_test(tc, test_hostport, 0, NITEMS(hostports));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(serveropt_suite());
}
