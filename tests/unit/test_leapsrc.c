/*
 * test_leapsrc.c: where a server's leap table comes from (PROTOCOL.md
 * section 6): the cache, else tzdata's copy; a refused cache given by the
 * user; and the reload when the cache file is replaced, by a test or by the
 * download thread.
 */
#include "leapsrc.c"

#include <pthread.h>

#include "unit.h"

#define T2019	"leap-seconds-2019-05-02.list"
#define U(ntp)	((int64_t)(ntp) - LEAP_NTP_UNIX)

struct logbook {
	pthread_mutex_t	mu;
	int		n;
	char		all[4096];
};

static void
logbook_add(void *ctx, const char *msg)
{
	struct logbook *lb = ctx;
	size_t n;

	pthread_mutex_lock(&lb->mu);
	lb->n++;
	n = strlen(lb->all);
	snprintf(lb->all + n, sizeof(lb->all) - n, "%s\n", msg);
	pthread_mutex_unlock(&lb->mu);
}

static const struct {
	const char	*cache;		/* NULL: none */
	bool		 given;
	const char	*tzdata;	/* NULL: none */
	int		 rc;
	const char	*err;
	int64_t		 updated;	/* of the table in use; -1: none */
	const char	*log;		/* NULL: nothing logged */
} open_cases[] = {
	{ T2019, true, "leap-future.list", 0, NULL, U(3676924800), NULL },
	{ NULL, true, T2019, 0, NULL, U(3676924800), NULL },
	{ NULL, false, NULL, 0, NULL, -1, NULL },
	{ NULL, false, "no-such-file", 0, NULL, -1, NULL },
	{ "leap-nozeros.list", true, NULL, 0, NULL, U(3677904241), NULL },
	/* No #h: refused (a file cut short loses it). */
	{ "leap-nohash.list", true, T2019, -1, "no #h hash", -1, NULL },
	/* A cache the user named that exists but is refused: fatal. */
	{ "leap-wronghash.list", true, T2019, -1,
	    "leap-seconds.list: #h hash does not match the data", -1, NULL },
	{ "mkleap.py", true, T2019, -1, "bad data line", -1, NULL },
	/* The default cache: logged, and tzdata's copy is used. */
	{ "leap-wronghash.list", false, T2019, 0, NULL, U(3676924800),
	    "#h hash does not match the data (ignored)" },
	{ NULL, false, "mkleap.py", 0, NULL, -1, "bad data line" },
};

START_TEST(test_open)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	char dir[4096], cache[4200];
	struct leapsrc_config cfg = { .log = logbook_add, .log_ctx = &lb };
	struct leapsrc *src = (struct leapsrc *)&cfg;
	struct err e = { .msg = "" };
	const struct leap_table *t;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(cache, sizeof(cache), "%s/leap-seconds.list", dir);
	if (open_cases[_i].cache != NULL)
		unit_copy(unit_data(open_cases[_i].cache), cache);
	cfg.path = cache;
	cfg.path_given = open_cases[_i].given;
	if (open_cases[_i].tzdata != NULL)
		cfg.tzdata = strdup(unit_data(open_cases[_i].tzdata));
	ck_assert_int_eq(leapsrc_open(&src, &cfg, &e), open_cases[_i].rc);
	if (open_cases[_i].rc != 0) {
		ck_assert_ptr_null(src);
		ck_assert_msg(strstr(e.msg, open_cases[_i].err) != NULL,
		    "error \"%s\", wanted \"%s\"", e.msg, open_cases[_i].err);
	} else {
		ck_assert_str_eq(e.msg, "");
		t = leapsrc_table(src);
		if (open_cases[_i].updated == -1) {
			ck_assert_ptr_null(t);
		} else {
			ck_assert_ptr_nonnull(t);
			ck_assert_int_eq(t->updated, open_cases[_i].updated);
		}
	}
	if (open_cases[_i].log == NULL)
		ck_assert_msg(lb.n == 0, "logged: %s", lb.all);
	else
		ck_assert_msg(strstr(lb.all, open_cases[_i].log) != NULL,
		    "logged \"%s\", wanted \"%s\"", lb.all,
		    open_cases[_i].log);
	leapsrc_close(src);
	free((char *)cfg.tzdata);
	unit_rmdir(dir);
}
END_TEST

/* Lookups answer from the table in use; none gives zeros. */
START_TEST(test_lookup)
{
	struct leapsrc_config cfg = { .path = NULL };
	struct leapsrc *src;
	struct leap_info li;
	struct timespec now = { 1435708799, 0 };

	cfg.tzdata = unit_data(T2019);
	ck_assert_int_eq(leapsrc_open(&src, &cfg, NULL), 0);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(li.next, 1435708800);
	ck_assert_int_eq(li.leap, 35);
	ck_assert_int_eq(li.step, 1);
	/* Without a cache path or URL there is no thread to start. */
	ck_assert_int_eq(leapsrc_start_fetch(src, NULL), 0);
	ck_assert_ptr_null(src->fetch);
	leapsrc_close(src);

	cfg.tzdata = NULL;
	ck_assert_int_eq(leapsrc_open(&src, &cfg, NULL), 0);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(li.next, 0);
	ck_assert_int_eq(li.leap, 0);
	ck_assert_int_eq(li.step, 0);
	leapsrc_close(src);
	leapsrc_close(NULL);
}
END_TEST

/* Replace the cache the way leapfetch does (a new file renamed over it),
 * then the way an admin might (rewritten in place). */
START_TEST(test_reload)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	char dir[4096], cache[4200], tmp[4200];
	struct leapsrc_config cfg = { .log = logbook_add, .log_ctx = &lb };
	struct leapsrc *src;
	struct leap_info li;
	struct timespec now = { 1700000000, 0 };

	unit_tmpdir(dir, sizeof(dir));
	snprintf(cache, sizeof(cache), "%s/leap-seconds.list", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	unit_copy(unit_data(T2019), cache);
	cfg.path = cache;
	cfg.path_given = true;
	ck_assert_int_eq(leapsrc_open(&src, &cfg, NULL), 0);
	ck_assert_int_eq(leapsrc_table(src)->updated, U(3676924800));

	unit_copy(unit_data("leap-negative.list"), tmp);
	ck_assert_int_eq(rename(tmp, cache), 0);
	/* Checked at most once a second. */
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(leapsrc_table(src)->updated, U(3763324800));
	ck_assert_int_eq(li.next, 1735689600);
	ck_assert_int_eq(li.step, -1);
	ck_assert_ptr_nonnull(strstr(lb.all, "leap table: reloaded "));

	/* A bad replacement is logged and the table in use kept. */
	unit_copy(unit_data("leap-wronghash.list"), tmp);
	ck_assert_int_eq(rename(tmp, cache), 0);
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(li.step, -1);
	ck_assert_ptr_nonnull(strstr(lb.all, "(kept the table in use)"));

	/* Rewritten in place: same inode, another size and mtime. */
	unit_copy(unit_data("leap-nozeros.list"), cache);
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(leapsrc_table(src)->updated, U(3677904241));
	ck_assert_int_eq(li.next, 94694400);

	/* A removed cache keeps the table in use. */
	unlink(cache);
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(leapsrc_table(src)->updated, U(3677904241));
	leapsrc_close(src);
	unit_rmdir(dir);
}
END_TEST

/*
 * The whole path: two servers share a cache; one runs the download thread,
 * both pick the downloaded table up.
 */
START_TEST(test_fetch_reload)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	char dir[4096], cache[4200], url[4300];
	struct leapsrc_config cfg = { .log = logbook_add, .log_ctx = &lb };
	struct leapsrc *a, *b;
	struct leap_info li;
	struct timespec now = { 1700000000, 0 };
	struct err e = { .msg = "" };
	int i;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(cache, sizeof(cache), "%s/leap-seconds.list", dir);
	unit_copy(unit_data(T2019), cache);
	snprintf(url, sizeof(url), "file://%s",
	    unit_data("leap-negative.list"));
	cfg.path = cache;
	cfg.url = url;
	ck_assert_int_eq(leapsrc_open(&a, &cfg, NULL), 0);
	ck_assert_int_eq(leapsrc_open(&b, &cfg, NULL), 0);
	ck_assert_int_eq(leapsrc_start_fetch(a, &e), 0);
	ck_assert_ptr_nonnull(a->fetch);
	ck_assert_int_eq(leapsrc_start_fetch(a, &e), 0);	/* once only */
	for (i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lb.mu);
		if (strstr(lb.all, "downloaded") != NULL)
			i = 1000;
		pthread_mutex_unlock(&lb.mu);
		usleep(10000);
	}
	ck_assert_msg(strstr(lb.all, "leap table: downloaded") != NULL,
	    "logged: %s", lb.all);
	usleep(1100000);
	leapsrc_lookup(a, &now, &li);
	ck_assert_int_eq(li.step, -1);
	leapsrc_lookup(b, &now, &li);
	ck_assert_int_eq(li.step, -1);
	ck_assert_int_eq(leapsrc_table(b)->updated, U(3763324800));
	leapsrc_close(a);
	leapsrc_close(b);
	unit_rmdir(dir);
}
END_TEST

static Suite *
leapsrc_suite(void)
{
	Suite *s = suite_create("leapsrc");
	TCase *tc;

	tc = tcase_create("open");
	tcase_add_loop_test(tc, test_open, 0, NITEMS(open_cases));
	tcase_add_test(tc, test_lookup);
	suite_add_tcase(s, tc);
	tc = tcase_create("reload");
	tcase_set_timeout(tc, 30);	/* four waits for the 1 s check */
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_fetch_reload);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(leapsrc_suite());
}
