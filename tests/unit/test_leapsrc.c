/*
 * test_leapsrc.c: where a server's leap table comes from (doc/protocol.md
 * section 6): the cache, else tzdata's copy (a test copy); a cache that is
 * missing, empty, cut short or garbage is logged once and never stops a
 * start, only an unusable path does; the reload when the cache file is
 * replaced, by a test or by the download thread; no thread for an empty
 * URL; lookups from several threads at once.
 */
#include "leapsrc.c"

#include <pthread.h>
#include <stdatomic.h>

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

/* A copy of the table in use (it reaches into struct leapsrc: no program
 * needs one); false, and *out empty, when there is none. */
static bool
leapsrc_table(struct leapsrc *src, struct leap_table *out)
{
	bool have;

	pthread_mutex_lock(&src->mu);
	have = src->have;
	if (have)
		*out = src->table;
	else
		memset(out, 0, sizeof(*out));
	pthread_mutex_unlock(&src->mu);
	return have;
}

/* The #$ of the table in use; -1: none. */
static int64_t
table_updated(struct leapsrc *src)
{
	struct leap_table t;

	return leapsrc_table(src, &t) ? t.updated : -1;
}

/* The 2019 table cut short after its last data line: no #h. */
#define CUT	"cut"

static const struct {
	const char	*cache;		/* NULL: none; CUT; "" empty */
	bool		 given;
	const char	*tzdata;	/* NULL: none */
	int64_t		 updated;	/* of the table in use; -1: none */
	const char	*log;		/* NULL: nothing logged */
} open_cases[] = {
	{ T2019, true, "leap-future.list", U(3676924800), NULL },
	{ "leap-nozeros.list", true, NULL, U(3677904241), NULL },
	/* A missing cache: tzdata's copy; the normal start, no line. */
	{ NULL, true, T2019, U(3676924800), NULL },
	{ NULL, false, NULL, -1,
	    "No such file or directory (no table: answers say leap 0)" },
	{ NULL, false, "no-such-file", -1,
	    "No such file or directory (no table: answers say leap 0)" },
	/* A bad cache, given or not: logged, and tzdata's copy used. */
	{ "leap-wronghash.list", true, T2019, U(3676924800),
	    "leap-seconds.list: #h hash does not match the data (answering "
	    "from " },
	{ "leap-nohash.list", true, T2019, U(3676924800),
	    "leap-seconds.list: no #h hash: the file may be cut short "
	    "(answering from " },
	{ CUT, true, "leap-future.list", U(3763324800),
	    "leap-seconds.list: no #h hash: the file may be cut short "
	    "(answering from " },
	{ "", true, T2019, U(3676924800),
	    "leap-seconds.list: no data lines (answering from " },
	{ "mkleap.py", true, T2019, U(3676924800), "bad data line" },
	{ "leap-wronghash.list", false, T2019, U(3676924800),
	    "#h hash does not match the data (answering from " },
	/* Neither loads: no table, still no error. */
	{ "mkleap.py", true, "leap-nohash.list", -1,
	    "bad data line; " },
	{ "mkleap.py", true, NULL, -1, "bad data line (no table" },
	/* No cache path at all: only a bad tzdata copy is worth a line. */
	{ "-", false, "mkleap.py", -1, "bad data line" },
	{ "-", false, T2019, U(3676924800), NULL },
};

/* The 2019 table up to the end of its last data line. */
static void
write_cut(const char *to)
{
	size_t len = 0;
	char *text = unit_slurp(unit_data(T2019), &len), *p;

	ck_assert_ptr_nonnull(text);
	p = strstr(text, "3692217600");		/* 1 Jan 2017, the last */
	ck_assert_ptr_nonnull(p);
	p = strchr(p, '\n');
	unit_write(to, text, (size_t)(p + 1 - text));
	free(text);
}

START_TEST(test_open)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	char dir[4096], cache[4200];
	struct leapsrc_config cfg = { .log = logbook_add, .log_ctx = &lb };
	struct leapsrc *src = (struct leapsrc *)&cfg;
	struct err e = { .msg = "" };
	struct leap_table t;
	const char *c = open_cases[_i].cache;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(cache, sizeof(cache), "%s/leap-seconds.list", dir);
	if (c != NULL && strcmp(c, CUT) == 0)
		write_cut(cache);
	else if (c != NULL && c[0] == '\0')
		unit_write(cache, "", 0);
	else if (c != NULL && strcmp(c, "-") != 0)
		unit_copy(unit_data(c), cache);
	cfg.path = c != NULL && strcmp(c, "-") == 0 ? NULL : cache;
	cfg.path_given = open_cases[_i].given;
	if (open_cases[_i].tzdata != NULL)
		cfg.tzdata = strdup(unit_data(open_cases[_i].tzdata));
	ck_assert_int_eq(leapsrc_open(&src, &cfg, &e), 0);
	ck_assert_str_eq(e.msg, "");
	if (open_cases[_i].updated == -1) {
		ck_assert(!leapsrc_table(src, &t));
		ck_assert_uint_eq(t.n, 0);
	} else {
		ck_assert(leapsrc_table(src, &t));
		ck_assert_int_eq(t.updated, open_cases[_i].updated);
	}
	if (open_cases[_i].log == NULL) {
		ck_assert_msg(lb.n == 0, "logged: %s", lb.all);
	} else {
		ck_assert_msg(strstr(lb.all, open_cases[_i].log) != NULL,
		    "logged \"%s\", wanted \"%s\"", lb.all,
		    open_cases[_i].log);
		/* Once, and naming the cache. */
		ck_assert_msg(lb.n == 1, "logged %d lines: %s", lb.n, lb.all);
		ck_assert_ptr_nonnull(strstr(lb.all,
		    cfg.path != NULL ? cache : cfg.tzdata));
	}
	/* No download thread without a URL. */
	ck_assert_int_eq(leapsrc_start_fetch(src, NULL), 0);
	ck_assert_ptr_null(src->fetch);
	leapsrc_close(src);
	free((char *)cfg.tzdata);
	unit_rmdir(dir);
}
END_TEST

/* Only an unusable path given by the user stops a start. */
static const struct {
	const char	*path;		/* under the scratch directory */
	bool		 given;
	const char	*err;		/* NULL: starts */
	int		 lines;		/* logged when it starts */
} path_cases[] = {
	{ "", true, "not a regular file" },		/* the directory */
	{ "/no-such-dir/leap-seconds.list", true, "no directory " },
	{ "/file/leap-seconds.list", true, "no directory " },
	{ "/leap-seconds.list", true, NULL, 0 },
	/* The default path, not given: tzdata's copy used; a directory
	 * there is worth a line. */
	{ "", false, NULL, 1 },
	{ "/no-such-dir/leap-seconds.list", false, NULL, 0 },
};

START_TEST(test_open_path)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	char dir[4096], path[4200], file[4200];
	struct leapsrc_config cfg = { .log = logbook_add, .log_ctx = &lb };
	struct leapsrc *src = (struct leapsrc *)&cfg;
	struct err e = { .msg = "" };
	struct leap_table t;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/file", dir);
	unit_write(file, "x", 1);
	snprintf(path, sizeof(path), "%s%s", dir, path_cases[_i].path);
	cfg.path = path;
	cfg.path_given = path_cases[_i].given;
	cfg.tzdata = unit_data(T2019);
	if (path_cases[_i].err != NULL) {
		ck_assert_int_eq(leapsrc_open(&src, &cfg, &e), -1);
		ck_assert_ptr_null(src);
		ck_assert_msg(strstr(e.msg, path_cases[_i].err) != NULL,
		    "error \"%s\", wanted \"%s\"", e.msg,
		    path_cases[_i].err);
		ck_assert_int_eq(leapsrc_check_path(path, NULL), -1);
	} else {
		ck_assert_int_eq(leapsrc_open(&src, &cfg, &e), 0);
		ck_assert(leapsrc_table(src, &t));
		ck_assert_int_eq(t.updated, U(3676924800));
		ck_assert_msg(lb.n == path_cases[_i].lines, "logged: %s",
		    lb.all);
		leapsrc_close(src);
	}
	unlink(file);
	unit_rmdir(dir);
}
END_TEST

/* An empty URL never starts a download: no thread, no lock file, nothing
 * logged, even though the table in use (2019) is expired. */
START_TEST(test_empty_url)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	char dir[4096], cache[4200], lock[4300];
	struct leapsrc_config cfg = { .log = logbook_add, .log_ctx = &lb };
	struct leapsrc *src;
	struct err e = { .msg = "" };
	struct leap_info li;
	struct timespec now = { 1700000000, 0 };

	unit_tmpdir(dir, sizeof(dir));
	snprintf(cache, sizeof(cache), "%s/leap-seconds.list", dir);
	snprintf(lock, sizeof(lock), "%s.lock", cache);
	unit_copy(unit_data(T2019), cache);
	cfg.path = cache;
	cfg.path_given = true;
	cfg.url = "";
	ck_assert_int_eq(leapsrc_open(&src, &cfg, &e), 0);
	ck_assert_int_eq(leapsrc_start_fetch(src, &e), 0);
	ck_assert_ptr_null(src->fetch);
	usleep(200000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(li.leap, 36);
	ck_assert_int_eq(access(lock, F_OK), -1);
	ck_assert_msg(lb.n == 0, "logged: %s", lb.all);
	leapsrc_close(src);
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
	ck_assert_int_eq(table_updated(src), U(3676924800));

	unit_copy(unit_data("leap-negative.list"), tmp);
	ck_assert_int_eq(rename(tmp, cache), 0);
	/* Checked at most once a second. */
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(table_updated(src), U(3763324800));
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

	/* Cut short, then emptied: one line each, the table kept. */
	write_cut(tmp);
	ck_assert_int_eq(rename(tmp, cache), 0);
	usleep(1100000);
	lb.n = 0;
	leapsrc_lookup(src, &now, &li);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(li.step, -1);
	ck_assert_int_eq(lb.n, 1);
	ck_assert_ptr_nonnull(strstr(lb.all, "no #h hash: the file may be cut "
	    "short (kept the table in use)"));
	unit_write(cache, "", 0);
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(li.step, -1);
	ck_assert_int_eq(lb.n, 2);
	ck_assert_ptr_nonnull(strstr(lb.all, "no data lines (kept the table "
	    "in use)"));

	/* Rewritten in place: same inode, another size and mtime. */
	unit_copy(unit_data("leap-nozeros.list"), cache);
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(table_updated(src), U(3677904241));
	ck_assert_int_eq(li.next, 94694400);

	/* A removed cache keeps the table in use. */
	unlink(cache);
	usleep(1100000);
	leapsrc_lookup(src, &now, &li);
	ck_assert_int_eq(table_updated(src), U(3677904241));
	leapsrc_close(src);
	unit_rmdir(dir);
}
END_TEST

/*
 * Lookups from four threads while the cache is replaced over and over:
 * every answer is one table's or the other's, and both are seen. (A torn
 * read is unlikely to show here; a -fsanitize=thread build of this test is
 * what proves the locking, see the commit.)
 */
struct racer {
	struct leapsrc	*src;
	atomic_bool	*stop;
	int		 seen2019, seenneg, bad;
};

static void *
racer_main(void *arg)
{
	struct racer *r = arg;
	struct timespec now = { 1700000000, 0 };
	struct leap_info li;

	while (!atomic_load(r->stop)) {
		leapsrc_lookup(r->src, &now, &li);
		if (li.next == 1483228800 && li.leap == 36 && li.step == 1)
			r->seen2019++;
		else if (li.next == 1735689600 && li.leap == 37 &&
		    li.step == -1)
			r->seenneg++;
		else
			r->bad++;
		usleep(100);
	}
	return NULL;
}

START_TEST(test_threads)
{
	char dir[4096], cache[4200], tmp[4200];
	struct leapsrc_config cfg = { .path = NULL };
	struct leapsrc *src;
	struct racer r[4];
	pthread_t th[4];
	atomic_bool stop;
	int seen2019 = 0, seenneg = 0;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(cache, sizeof(cache), "%s/leap-seconds.list", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	unit_copy(unit_data(T2019), cache);
	cfg.path = cache;
	ck_assert_int_eq(leapsrc_open(&src, &cfg, NULL), 0);
	atomic_init(&stop, false);
	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){ .src = src, .stop = &stop };
		ck_assert_int_eq(pthread_create(&th[i], NULL, racer_main,
		    &r[i]), 0);
	}
	for (int k = 0; k < 12; k++) {
		usleep(300000);
		unit_copy(unit_data(k % 2 == 0 ? "leap-negative.list" : T2019),
		    tmp);
		ck_assert_int_eq(rename(tmp, cache), 0);
	}
	usleep(1200000);
	atomic_store(&stop, true);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(r[i].bad, 0);
		seen2019 += r[i].seen2019;
		seenneg += r[i].seenneg;
	}
	ck_assert_int_gt(seen2019, 0);
	ck_assert_int_gt(seenneg, 0);
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
	ck_assert_int_eq(table_updated(b), U(3763324800));
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
	tcase_add_loop_test(tc, test_open_path, 0, NITEMS(path_cases));
	tcase_add_test(tc, test_empty_url);
	tcase_add_test(tc, test_lookup);
	suite_add_tcase(s, tc);
	tc = tcase_create("reload");
	tcase_set_timeout(tc, 60);	/* waits for the 1 s check */
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_fetch_reload);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(leapsrc_suite());
}
