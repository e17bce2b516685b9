/*
 * test_leapfetch.c: downloading leap-seconds.list into the cache
 * (doc/protocol.md section 6): file:// URLs of the tables in tests/data, a
 * small HTTP server of our own on 127.0.0.1 for status codes, redirects and
 * sizes, the lock between processes, a bad cache that needs replacing, the
 * retry schedule, the sweep of stale temporary files, and the thread (its
 * retry after a failure included).
 */
#include "leapfetch.c"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "unit.h"

#define T2019	"leap-seconds-2019-05-02.list"
#define EMPTY	""	/* as the cache: an empty file */

struct fix {
	char	dir[4096];
	char	cache[4200];
	char	lock[4200];
	char	url[4300];
	struct leapfetch_config cfg;
};

static void
fix_init(struct fix *f)
{
	memset(f, 0, sizeof(*f));
	unit_tmpdir(f->dir, sizeof(f->dir));
	snprintf(f->cache, sizeof(f->cache), "%s/leap-seconds.list", f->dir);
	snprintf(f->lock, sizeof(f->lock), "%s.lock", f->cache);
	f->cfg.path = f->cache;
	f->cfg.timeout_s = 10;
}

static const char *
file_url(struct fix *f, const char *name)
{
	snprintf(f->url, sizeof(f->url), "file://%s", unit_data(name));
	return f->url;
}

/* The cache holds exactly the content of tests/data/<name>. */
static void
assert_cache(const struct fix *f, const char *name)
{
	char *want, *got;
	size_t wlen = 0, glen = 0;

	got = unit_slurp(f->cache, &glen);
	if (name == NULL) {
		ck_assert_msg(got == NULL, "%s exists", f->cache);
		return;
	}
	want = unit_slurp(unit_data(name), &wlen);
	ck_assert_msg(got != NULL, "%s: %s", f->cache, strerror(errno));
	ck_assert_msg(glen == wlen && memcmp(got, want, wlen) == 0,
	    "%s is not %s", f->cache, name);
	free(got);
	free(want);
}

/* Nothing but the cache and its lock file is left in the directory. */
static void
assert_no_temp(const struct fix *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		ck_assert_msg(strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "leap-seconds.list") == 0 ||
		    strcmp(de->d_name, "leap-seconds.list.lock") == 0,
		    "left behind: %s", de->d_name);
	closedir(d);
}

static const struct {
	const char	*cache;		/* copied into the cache; NULL: none */
	const char	*tzdata;	/* NULL: none */
	const char	*url;		/* a file of tests/data */
	enum leapfetch_result want;
	const char	*err;
	const char	*after;		/* the cache afterwards; NULL: none */
} once_cases[] = {
	/* A valid unexpired table: nothing to do, the URL is not read. */
	{ "leap-future.list", NULL, "no-such-file", LEAPFETCH_NOT_NEEDED,
	    NULL, "leap-future.list" },
	{ NULL, "leap-future.list", "no-such-file", LEAPFETCH_NOT_NEEDED,
	    NULL, NULL },
	/* No table at all: any good download will do. */
	{ NULL, NULL, T2019, LEAPFETCH_UPDATED, NULL, T2019 },
	{ NULL, "no-such-file", "leap-future.list", LEAPFETCH_UPDATED, NULL,
	    "leap-future.list" },
	{ "mkleap.py", NULL, T2019, LEAPFETCH_UPDATED, NULL, T2019 },
	/* A cache that does not load is replaced though tzdata's copy is
	 * good, by a table as new as that one or newer, not by an older. */
	{ "mkleap.py", "leap-future.list", "leap-negative.list",
	    LEAPFETCH_UPDATED, NULL, "leap-negative.list" },
	{ "leap-nohash.list", "leap-future.list", "leap-negative.list",
	    LEAPFETCH_UPDATED, NULL, "leap-negative.list" },
	{ EMPTY, "leap-future.list", "leap-future.list", LEAPFETCH_UPDATED,
	    NULL, "leap-future.list" },
	{ "leap-wronghash.list", "leap-future.list", "no-such-file",
	    LEAPFETCH_FAILED, "no-such-file", "leap-wronghash.list" },
	{ "mkleap.py", "leap-future.list", T2019, LEAPFETCH_NOT_NEWER, NULL,
	    "mkleap.py" },
	/* The table in use (2019) expired at the end of 2019. */
	{ T2019, NULL, "leap-future.list", LEAPFETCH_UPDATED, NULL,
	    "leap-future.list" },
	{ NULL, T2019, "leap-future.list", LEAPFETCH_UPDATED, NULL,
	    "leap-future.list" },
	{ T2019, NULL, "leap-negative.list", LEAPFETCH_UPDATED, NULL,
	    "leap-negative.list" },
	{ T2019, NULL, "leap-nozeros.list", LEAPFETCH_UPDATED, NULL,
	    "leap-nozeros.list" },
	{ T2019, NULL, "leap-older.list", LEAPFETCH_NOT_NEWER, NULL, T2019 },
	{ T2019, NULL, T2019, LEAPFETCH_NOT_NEWER, NULL, T2019 },
	{ NULL, T2019, "leap-older.list", LEAPFETCH_NOT_NEWER, NULL, NULL },
	/* Refused downloads leave the cache as it was. */
	{ T2019, NULL, "mkleap.py", LEAPFETCH_FAILED, "bad data line", T2019 },
	{ T2019, NULL, "leap-wronghash.list", LEAPFETCH_FAILED,
	    "#h hash does not match the data", T2019 },
	{ T2019, NULL, "leap-nohash.list", LEAPFETCH_FAILED, "no #h hash",
	    T2019 },
	{ NULL, NULL, "leap-nohash.list", LEAPFETCH_FAILED, "no #h hash",
	    NULL },
	{ T2019, NULL, "no-such-file", LEAPFETCH_FAILED, "no-such-file",
	    T2019 },
	{ T2019, NULL, "", LEAPFETCH_FAILED, "file://", T2019 },  /* a dir */
};

START_TEST(test_once)
{
	struct fix f;
	struct err e = { .msg = "" };
	enum leapfetch_result r;

	fix_init(&f);
	if (once_cases[_i].cache != NULL && once_cases[_i].cache[0] == '\0')
		unit_write(f.cache, "", 0);
	else if (once_cases[_i].cache != NULL)
		unit_copy(unit_data(once_cases[_i].cache), f.cache);
	if (once_cases[_i].tzdata != NULL)
		f.cfg.tzdata = strdup(unit_data(once_cases[_i].tzdata));
	f.cfg.url = file_url(&f, once_cases[_i].url);
	r = leapfetch_once(&f.cfg, &e);
	ck_assert_msg(r == once_cases[_i].want, "got %d, wanted %d: %s", r,
	    once_cases[_i].want, e.msg);
	if (once_cases[_i].err != NULL) {
		ck_assert_msg(strstr(e.msg, once_cases[_i].err) != NULL,
		    "error \"%s\", wanted \"%s\"", e.msg, once_cases[_i].err);
		/* The message names the URL, not our temporary file. */
		ck_assert_msg(strncmp(e.msg, f.url, strlen(f.url)) == 0,
		    "error \"%s\" does not name %s", e.msg, f.url);
	} else {
		ck_assert_str_eq(e.msg, "");
	}
	assert_cache(&f, once_cases[_i].after);
	assert_no_temp(&f);
	if (r == LEAPFETCH_UPDATED) {
		struct stat st;

		/* Readable by the other responder processes. */
		ck_assert_int_eq(stat(f.cache, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0644);
		/* And now there is nothing more to do (unless the new
		 * table is the expired 2019 one). */
		r = leapfetch_once(&f.cfg, &e);
		ck_assert_int_eq(r, strcmp(once_cases[_i].url, T2019) == 0 ?
		    LEAPFETCH_NOT_NEWER : LEAPFETCH_NOT_NEEDED);
	}
	free((char *)f.cfg.tzdata);
	unit_rmdir(f.dir);
}
END_TEST

/* Another process holds the lock: leave the download to it. */
START_TEST(test_busy)
{
	struct fix f;
	struct err e = { .msg = "" };
	int fd;

	fix_init(&f);
	unit_copy(unit_data(T2019), f.cache);
	f.cfg.url = file_url(&f, "leap-future.list");
	fd = open(f.lock, O_RDWR | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_BUSY);
	ck_assert_str_eq(e.msg, "");
	assert_cache(&f, T2019);
	assert_no_temp(&f);
	close(fd);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_UPDATED);
	assert_cache(&f, "leap-future.list");
	unit_rmdir(f.dir);
}
END_TEST

/*
 * The cache is shared by several users (systemd/: the sidecar as webntp,
 * the web server's responders): whatever the umask (the units set 0077),
 * the cache and the lock come out mode 0644, and the lock is taken on a
 * read-only descriptor, so another user's lock that only lets us read is
 * no obstacle (here: a lock of ours made read-only; as root the mode would
 * not stop an O_RDWR, which tests/integration/leapcache-shared.test covers
 * with two real users).
 */
START_TEST(test_shared_modes)
{
	struct fix f;
	struct err e = { .msg = "" };
	struct stat st;
	mode_t old;
	int fd;

	fix_init(&f);
	unit_copy(unit_data(T2019), f.cache);
	f.cfg.url = file_url(&f, "leap-future.list");
	old = umask(077);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_UPDATED);
	umask(old);
	ck_assert_str_eq(e.msg, "");
	ck_assert_int_eq(stat(f.cache, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(stat(f.lock, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);

	/* A read-only lock: still taken, the download done. */
	unit_copy(unit_data(T2019), f.cache);
	ck_assert_int_eq(chmod(f.lock, 0444), 0);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_UPDATED);
	ck_assert_str_eq(e.msg, "");
	assert_cache(&f, "leap-future.list");
	/* Ours: its mode put back to 0644. */
	ck_assert_int_eq(stat(f.lock, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	/* And it still excludes: held read-only elsewhere, we are busy. */
	unit_copy(unit_data(T2019), f.cache);
	fd = open(f.lock, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_BUSY);
	close(fd);
	unit_rmdir(f.dir);
}
END_TEST

START_TEST(test_missing_dir)
{
	struct fix f;
	struct err e = { .msg = "" };
	char dir[4200];

	fix_init(&f);
	snprintf(dir, sizeof(dir), "%s/no-such-dir", f.dir);
	snprintf(f.cache, sizeof(f.cache), "%s/leap-seconds.list", dir);
	f.cfg.url = file_url(&f, T2019);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_FAILED);
	ck_assert_msg(strstr(e.msg, dir) != NULL, "\"%s\" does not name %s",
	    e.msg, dir);
	ck_assert_ptr_nonnull(strstr(e.msg, "No such file or directory"));
	/* A file where the directory should be. */
	unit_write(dir, "x", 1);
	err_clear(&e);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_FAILED);
	ck_assert_ptr_nonnull(strstr(e.msg, dir));
	unit_rmdir(f.dir);
}
END_TEST

START_TEST(test_bad_config)
{
	struct leapfetch_config cfg = { .path = NULL, .url = "file:///x" };
	struct err e = { .msg = "" };

	ck_assert_int_eq(leapfetch_once(&cfg, &e), LEAPFETCH_FAILED);
	ck_assert_ptr_nonnull(strstr(e.msg, "needs a cache path"));
	cfg.path = "/x";
	cfg.url = "";
	err_clear(&e);
	ck_assert_int_eq(leapfetch_once(&cfg, &e), LEAPFETCH_FAILED);
}
END_TEST

/*
 * The retry schedule: after a failure, a busy lock or a download that is
 * not newer, a minute, doubling, at most the interval; back to the
 * interval after a success or nothing to do.
 */
#define F	LEAPFETCH_FAILED
#define B	LEAPFETCH_BUSY
#define O	LEAPFETCH_NOT_NEWER
#define N	LEAPFETCH_NOT_NEEDED
#define U	LEAPFETCH_UPDATED
#define DAY	86400u

static const struct {
	unsigned		retry_s, interval_s;
	int			n;
	enum leapfetch_result	r[16];
	unsigned		delay[16];
} delay_cases[] = {
	{ 60, DAY, 14, { F, F, F, F, F, F, F, F, F, F, F, F, F, F },
	    { 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 30720, 61440,
	    DAY, DAY, DAY } },
	{ 60, DAY, 4, { F, F, U, F }, { 60, 120, DAY, 60 } },
	{ 60, DAY, 6, { B, O, F, N, B, B }, { 60, 120, 240, DAY, 60, 120 } },
	{ 60, DAY, 3, { N, U, N }, { DAY, DAY, DAY } },
	{ 1, 10, 6, { F, F, F, F, F, F }, { 1, 2, 4, 8, 10, 10 } },
	{ 100, 60, 2, { F, F }, { 60, 60 } },
	/* No overflow near the top of unsigned. */
	{ 3000000000u, 4294967295u, 3, { F, F, F },
	    { 3000000000u, 4294967295u, 4294967295u } },
};

START_TEST(test_next_delay)
{
	unsigned pause = 0;

	for (int k = 0; k < delay_cases[_i].n; k++)
		ck_assert_msg(leapfetch_next_delay(&pause, delay_cases[_i].r[k],
		    delay_cases[_i].retry_s, delay_cases[_i].interval_s) ==
		    delay_cases[_i].delay[k], "step %d: pause %u, wanted %u",
		    k, pause, delay_cases[_i].delay[k]);
}
END_TEST

#undef F
#undef B
#undef O
#undef N
#undef U

/* A file in the scratch directory, its mtime age_s seconds ago. */
static void
sweep_file(const struct fix *f, const char *name, int64_t age_s)
{
	char p[4300];
	struct timespec t[2];

	snprintf(p, sizeof(p), "%s/%s", f->dir, name);
	unit_write(p, "x", 1);
	ts_now(&t[0]);
	t[0].tv_sec -= (time_t)age_s;
	t[1] = t[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, p, t, 0), 0);
}

static bool
sweep_exists(const struct fix *f, const char *name)
{
	char p[4300];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", f->dir, name);
	return lstat(p, &st) == 0;
}

/*
 * Temporary files of killed downloads: removed under the lock when they are
 * old enough that no live download owns them; nothing else is touched.
 */
START_TEST(test_sweep)
{
	static const struct {
		const char	*name;
		int64_t		 age_s;
		bool		 swept;
	} files[] = {
		{ ".leap-seconds.AbC123", 7200, true },
		{ ".leap-seconds.zz9zz9", LEAPFETCH_STALE_S + 5, true },
		{ ".leap-seconds.xyz789", 10, false },	/* may be live */
		{ ".leap-seconds.toolong", 7200, false },
		{ ".leap-seconds.ab-12_", 7200, false },
		{ ".leap-seconds.list", 7200, false },
		{ "leap-seconds.AbC123", 7200, false },
		{ "other.txt", 7200, false },
	};
	char p[4300], link[4300], sub[4300];
	struct fix f;
	struct err e = { .msg = "" };
	int fd;

	fix_init(&f);
	for (size_t i = 0; i < NITEMS(files); i++)
		sweep_file(&f, files[i].name, files[i].age_s);
	/* A directory and a symbolic link of the right name stay. */
	snprintf(sub, sizeof(sub), "%s/.leap-seconds.dir000", f.dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(link, sizeof(link), "%s/.leap-seconds.lnk000", f.dir);
	snprintf(p, sizeof(p), "%s/other.txt", f.dir);
	ck_assert_int_eq(symlink(p, link), 0);

	/* Nothing to download and no lock file: nothing swept, no lock. */
	unit_copy(unit_data("leap-future.list"), f.cache);
	f.cfg.url = file_url(&f, "no-such-file");
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_NOT_NEEDED);
	ck_assert(sweep_exists(&f, files[0].name));
	ck_assert_int_eq(access(f.lock, F_OK), -1);

	/* Another process holds the lock: it may own any of them. */
	unit_copy(unit_data(T2019), f.cache);
	f.cfg.url = file_url(&f, "leap-future.list");
	fd = open(f.lock, O_RDWR | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_BUSY);
	ck_assert(sweep_exists(&f, files[0].name));
	close(fd);

	/* A download under the lock sweeps first. */
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_UPDATED);
	for (size_t i = 0; i < NITEMS(files); i++)
		ck_assert_msg(sweep_exists(&f, files[i].name) !=
		    files[i].swept, "%s: %s", files[i].name,
		    files[i].swept ? "kept" : "removed");
	ck_assert(sweep_exists(&f, ".leap-seconds.dir000"));
	ck_assert(sweep_exists(&f, ".leap-seconds.lnk000"));
	ck_assert(sweep_exists(&f, "other.txt"));

	/* With the lock file there, a check with nothing to do sweeps too. */
	sweep_file(&f, files[0].name, 7200);
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_NOT_NEEDED);
	ck_assert(!sweep_exists(&f, files[0].name));
	ck_assert(sweep_exists(&f, ".leap-seconds.xyz789"));

	rmdir(sub);
	unlink(link);
	unit_rmdir(f.dir);
}
END_TEST

/* Exactly LEAP_FILE_MAX bytes is fine, one more is not. */
START_TEST(test_size_limit)
{
	struct fix f;
	struct err e = { .msg = "" };
	char src[4300];
	size_t len = 0;
	char *base = unit_slurp(unit_data("leap-future.list"), &len), *big;

	fix_init(&f);
	snprintf(src, sizeof(src), "%s/src.list", f.dir);
	big = malloc(LEAP_FILE_MAX + 1);
	memcpy(big, base, len);
	memset(big + len, '\n', LEAP_FILE_MAX + 1 - len);
	unit_write(src, big, LEAP_FILE_MAX + 1);
	snprintf(f.url, sizeof(f.url), "file://%s", src);
	f.cfg.url = f.url;
	ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_FAILED);
	ck_assert_ptr_nonnull(strstr(e.msg, "larger than 262144 bytes"));
	ck_assert_int_eq(access(f.cache, F_OK), -1);
	unit_write(src, big, LEAP_FILE_MAX);
	err_clear(&e);
	ck_assert_msg(leapfetch_once(&f.cfg, &e) == LEAPFETCH_UPDATED, "%s",
	    e.msg);
	unlink(src);
	assert_no_temp(&f);
	free(big);
	free(base);
	unit_rmdir(f.dir);
}
END_TEST

/*
 * A one-connection-at-a-time HTTP server in a child process: the request
 * path picks the canned answer. It serves until the test kills it.
 */
struct http {
	pid_t	pid;
	int	port;
};

static void
http_send(int c, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(c, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
http_serve(int c)
{
	char req[4096], head[512], *body;
	size_t blen = 0, n = 0;
	ssize_t r;

	while (n < sizeof(req) - 1 &&
	    (r = read(c, req + n, sizeof(req) - 1 - n)) > 0) {
		n += (size_t)r;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL)
			break;
	}
	req[n] = '\0';
	body = unit_slurp(unit_data("leap-future.list"), &blen);
	if (strncmp(req, "GET /ok ", 8) == 0) {
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n", blen);
	} else if (strncmp(req, "GET /missing ", 13) == 0) {
		snprintf(head, sizeof(head), "HTTP/1.1 404 Not Found\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n", blen);
	} else if (strncmp(req, "GET /redirect ", 14) == 0) {
		snprintf(head, sizeof(head), "HTTP/1.1 302 Found\r\n"
		    "Location: /ok\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n");
		blen = 0;
	} else if (strncmp(req, "GET /tofile ", 12) == 0) {
		snprintf(head, sizeof(head), "HTTP/1.1 302 Found\r\n"
		    "Location: file://%s\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n", unit_data("leap-future.list"));
		blen = 0;
	} else if (strncmp(req, "GET /huge ", 10) == 0) {
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: 100000000\r\nConnection: close\r\n\r\n");
	} else if (strncmp(req, "GET /endless ", 13) == 0) {
		/* No length: the body goes on until the client gives up. */
		http_send(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
		    38);
		memset(req, '#', sizeof(req));
		for (int i = 0; i < 1000; i++)
			http_send(c, req, sizeof(req));
		free(body);
		return;
	} else if (strncmp(req, "GET /slow ", 10) == 0) {
		/* Headers, then nothing for longer than any timeout here. */
		http_send(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
		    39);
		sleep(30);
		free(body);
		return;
	} else {
		snprintf(head, sizeof(head), "HTTP/1.1 500 Oops\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
		blen = 0;
	}
	http_send(c, head, strlen(head));
	http_send(c, body, blen);
	free(body);
}

static void
http_start(struct http *h)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int s, one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(s, 8), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	h->port = ntohs(sa.sin_port);
	h->pid = fork();
	ck_assert_int_ge(h->pid, 0);
	if (h->pid == 0) {
		/* Bounded: a few dozen connections, then gone. */
		signal(SIGPIPE, SIG_IGN);
		alarm(60);
		for (int i = 0; i < 50; i++) {
			int c = accept(s, NULL, NULL);

			if (c < 0)
				_exit(1);
			http_serve(c);
			close(c);
		}
		_exit(0);
	}
	close(s);
}

static void
http_stop(struct http *h)
{
	kill(h->pid, SIGKILL);
	waitpid(h->pid, NULL, 0);
}

static const struct {
	const char	*path;
	long		 timeout_s;
	enum leapfetch_result want;
	const char	*err;
} http_cases[] = {
	{ "/ok", 0, LEAPFETCH_UPDATED, NULL },
	{ "/redirect", 0, LEAPFETCH_UPDATED, NULL },
	{ "/missing", 0, LEAPFETCH_FAILED, "HTTP status 404" },
	{ "/other", 0, LEAPFETCH_FAILED, "HTTP status 500" },
	/* Redirects stay on http and https. */
	{ "/tofile", 0, LEAPFETCH_FAILED, "" },
	{ "/huge", 0, LEAPFETCH_FAILED, "larger than 262144 bytes" },
	{ "/endless", 0, LEAPFETCH_FAILED, "larger than 262144 bytes" },
	{ "/slow", 1, LEAPFETCH_FAILED, "timed out" },
};

START_TEST(test_http)
{
	struct fix f;
	struct http h;
	struct err e = { .msg = "" };
	enum leapfetch_result r;

	fix_init(&f);
	unit_copy(unit_data(T2019), f.cache);
	http_start(&h);
	snprintf(f.url, sizeof(f.url), "http://127.0.0.1:%d%s", h.port,
	    http_cases[_i].path);
	f.cfg.url = f.url;
	if (http_cases[_i].timeout_s != 0)
		f.cfg.timeout_s = http_cases[_i].timeout_s;
	r = leapfetch_once(&f.cfg, &e);
	http_stop(&h);
	ck_assert_msg(r == http_cases[_i].want, "got %d: %s", r, e.msg);
	if (r == LEAPFETCH_UPDATED) {
		assert_cache(&f, "leap-future.list");
	} else {
		ck_assert_msg(strstr(e.msg, http_cases[_i].err) != NULL,
		    "error \"%s\", wanted \"%s\"", e.msg, http_cases[_i].err);
		ck_assert_msg(strncmp(e.msg, f.url, strlen(f.url)) == 0,
		    "error \"%s\" does not name %s", e.msg, f.url);
		assert_cache(&f, T2019);
	}
	assert_no_temp(&f);
	unit_rmdir(f.dir);
}
END_TEST

/* Protocols other than http, https and file are refused by libcurl. */
START_TEST(test_protocols)
{
	static const char *urls[] = {
		"ftp://127.0.0.1/leap-seconds.list",
		"gopher://127.0.0.1/x",
		"dict://127.0.0.1/x",
		"scp://127.0.0.1/x",
	};
	struct fix f;
	struct err e;

	fix_init(&f);
	for (size_t i = 0; i < NITEMS(urls); i++) {
		f.cfg.url = urls[i];
		err_clear(&e);
		ck_assert_int_eq(leapfetch_once(&f.cfg, &e), LEAPFETCH_FAILED);
		ck_assert_msg(strstr(e.msg, "not supported") != NULL ||
		    strstr(e.msg, "disabled") != NULL, "%s: %s", urls[i],
		    e.msg);
	}
	assert_no_temp(&f);
	unit_rmdir(f.dir);
}
END_TEST

/* The thread: logs what it did, stops promptly. */
struct logbook {
	pthread_mutex_t	mu;
	int		n;
	char		last[512];
};

static void
logbook_add(void *ctx, const char *msg)
{
	struct logbook *lb = ctx;

	pthread_mutex_lock(&lb->mu);
	lb->n++;
	snprintf(lb->last, sizeof(lb->last), "%s", msg);
	pthread_mutex_unlock(&lb->mu);
}

static int
logbook_wait(struct logbook *lb, int n)
{
	int got = 0;

	for (int i = 0; i < 1000 && got < n; i++) {
		pthread_mutex_lock(&lb->mu);
		got = lb->n;
		pthread_mutex_unlock(&lb->mu);
		if (got < n)
			usleep(10000);
	}
	return got;
}

static const struct {
	const char	*cache;
	const char	*url;
	const char	*log;	/* NULL: nothing is logged */
	const char	*after;
} thread_cases[] = {
	{ T2019, "leap-future.list", "leap table: downloaded file://",
	    "leap-future.list" },
	{ T2019, "leap-older.list", "is not newer than the table in use",
	    T2019 },
	{ T2019, "leap-wronghash.list", "leap table: download failed: file://",
	    T2019 },
};

START_TEST(test_thread)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct leapfetch *lf;
	struct fix f;
	struct err e = { .msg = "" };
	int64_t t0;

	fix_init(&f);
	unit_copy(unit_data(thread_cases[_i].cache), f.cache);
	f.cfg.url = file_url(&f, thread_cases[_i].url);
	f.cfg.log = logbook_add;
	f.cfg.log_ctx = &lb;
	f.cfg.interval_s = 3600;
	ck_assert_int_eq(leapfetch_start(&lf, &f.cfg, &e), 0);
	ck_assert_ptr_nonnull(lf);
	ck_assert_int_eq(logbook_wait(&lb, 1), 1);
	t0 = ts_mono_ns();
	leapfetch_stop(lf);
	/* Generous: "promptly" means not the hour of interval_s. */
	ck_assert_int_lt(ts_mono_ns() - t0, 5 * TS_NS_PER_SEC);
	ck_assert_int_eq(lb.n, 1);
	ck_assert_msg(strstr(lb.last, thread_cases[_i].log) != NULL,
	    "logged \"%s\"", lb.last);
	assert_cache(&f, thread_cases[_i].after);
	unit_rmdir(f.dir);
}
END_TEST

/* Stopping during a transfer that would take far longer. */
START_TEST(test_thread_stop_transfer)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct leapfetch *lf;
	struct fix f;
	struct http h;
	struct err e = { .msg = "" };
	int64_t t0;

	fix_init(&f);
	http_start(&h);
	snprintf(f.url, sizeof(f.url), "http://127.0.0.1:%d/slow", h.port);
	f.cfg.url = f.url;
	f.cfg.timeout_s = 60;
	f.cfg.log = logbook_add;
	f.cfg.log_ctx = &lb;
	ck_assert_int_eq(leapfetch_start(&lf, &f.cfg, &e), 0);
	usleep(300000);		/* into the transfer, most likely */
	t0 = ts_mono_ns();
	leapfetch_stop(lf);
	ck_assert_int_lt(ts_mono_ns() - t0, 5 * TS_NS_PER_SEC);
	http_stop(&h);
	ck_assert_int_eq(lb.n, 0);	/* a stop is not a failure */
	assert_cache(&f, NULL);
	assert_no_temp(&f);
	unit_rmdir(f.dir);
}
END_TEST

/*
 * The thread retries a failed download after retry_s (1 s here; a minute
 * in the programs), and a busy lock too, not a day later: the source file
 * appears after the first attempt, and the next one fetches it.
 */
START_TEST(test_thread_retry)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct leapfetch *lf;
	struct fix f;
	struct err e = { .msg = "" };
	char src[4300], tmp[4300];
	int fd, n;

	fix_init(&f);
	snprintf(src, sizeof(src), "%s/src.list", f.dir);
	snprintf(tmp, sizeof(tmp), "%s/src.tmp", f.dir);
	snprintf(f.url, sizeof(f.url), "file://%s", src);
	f.cfg.url = f.url;
	f.cfg.log = logbook_add;
	f.cfg.log_ctx = &lb;
	f.cfg.retry_s = 1;
	f.cfg.interval_s = 3600;
	ck_assert_int_eq(leapfetch_start(&lf, &f.cfg, &e), 0);
	ck_assert_int_eq(logbook_wait(&lb, 1), 1);
	pthread_mutex_lock(&lb.mu);
	ck_assert_msg(strstr(lb.last, "leap table: download failed: file://") !=
	    NULL && strstr(lb.last, "(next try in 1 s)") != NULL, "logged %s",
	    lb.last);
	/* Held by another process from now on: BUSY, not logged. */
	fd = open(f.lock, O_RDWR | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	pthread_mutex_unlock(&lb.mu);
	unit_copy(unit_data("leap-future.list"), tmp);
	ck_assert_int_eq(rename(tmp, src), 0);
	usleep(2500000);	/* the try 1 s after the failure is busy */
	assert_cache(&f, NULL);
	close(fd);
	/* The next, 2 s after that one, downloads. */
	n = logbook_wait(&lb, 2);
	leapfetch_stop(lf);
	ck_assert_msg(n == 2, "logged %d lines, last %s", n, lb.last);
	ck_assert_msg(strstr(lb.last, "leap table: downloaded file://") != NULL,
	    "logged %s", lb.last);
	assert_cache(&f, "leap-future.list");
	unlink(src);
	unit_rmdir(f.dir);
}
END_TEST

/* The thread logs the temporary files it removed. */
START_TEST(test_thread_sweep)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct leapfetch *lf;
	struct fix f;
	struct err e = { .msg = "" };

	fix_init(&f);
	sweep_file(&f, ".leap-seconds.Kill3d", 7200);
	unit_copy(unit_data(T2019), f.cache);
	f.cfg.url = file_url(&f, "leap-future.list");
	f.cfg.log = logbook_add;
	f.cfg.log_ctx = &lb;
	ck_assert_int_eq(leapfetch_start(&lf, &f.cfg, &e), 0);
	ck_assert_int_eq(logbook_wait(&lb, 2), 2);
	leapfetch_stop(lf);
	ck_assert_msg(strstr(lb.last, "leap table: downloaded") != NULL,
	    "logged %s", lb.last);
	ck_assert(!sweep_exists(&f, ".leap-seconds.Kill3d"));
	assert_no_temp(&f);
	unit_rmdir(f.dir);
}
END_TEST

/* Nothing to do: nothing logged; a NULL handle is fine. */
START_TEST(test_thread_quiet)
{
	struct logbook lb = { .mu = PTHREAD_MUTEX_INITIALIZER };
	struct leapfetch *lf;
	struct fix f;
	struct err e = { .msg = "" };

	fix_init(&f);
	unit_copy(unit_data("leap-future.list"), f.cache);
	f.cfg.url = file_url(&f, "no-such-file");
	f.cfg.log = logbook_add;
	f.cfg.log_ctx = &lb;
	ck_assert_int_eq(leapfetch_start(&lf, &f.cfg, &e), 0);
	usleep(200000);
	leapfetch_stop(lf);
	ck_assert_int_eq(lb.n, 0);
	leapfetch_stop(NULL);
	unit_rmdir(f.dir);
}
END_TEST

static Suite *
leapfetch_suite(void)
{
	Suite *s = suite_create("leapfetch");
	TCase *tc;

	tc = tcase_create("once");
	tcase_add_loop_test(tc, test_once, 0, NITEMS(once_cases));
	tcase_add_test(tc, test_busy);
	tcase_add_test(tc, test_shared_modes);
	tcase_add_test(tc, test_missing_dir);
	tcase_add_test(tc, test_bad_config);
	tcase_add_test(tc, test_size_limit);
	tcase_add_loop_test(tc, test_next_delay, 0, NITEMS(delay_cases));
	tcase_add_test(tc, test_sweep);
	tcase_add_test(tc, test_protocols);
	suite_add_tcase(s, tc);
	tc = tcase_create("http");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_http, 0, NITEMS(http_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("thread");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_thread, 0, NITEMS(thread_cases));
	tcase_add_test(tc, test_thread_stop_transfer);
	tcase_add_test(tc, test_thread_quiet);
	tcase_add_test(tc, test_thread_retry);
	tcase_add_test(tc, test_thread_sweep);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(leapfetch_suite());
}
