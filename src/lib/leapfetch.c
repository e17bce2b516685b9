/*
 * leapfetch.c: download leap-seconds.list into the cache file (doc/protocol.md
 * section 6), with libcurl's easy API, in the caller's thread or in a
 * background thread that checks at start and then every interval.
 *
 * NOTES: several responder processes (mod_fcgid, lighttpd) share one cache
 * file, so a download happens under an flock on "<path>.lock" and lands with
 * rename(2); the others see the new inode through leapsrc's stat check. The
 * transfer is bounded (LEAP_FILE_MAX bytes, the timeout, http/https/file
 * only, redirects to http/https only), and a download is kept only when its
 * #h is present and matches, it parses, and its #$ is later than the table in
 * use: a stale mirror cannot roll the table back (a cache that does not load
 * may be replaced by a table as old as tzdata's copy in use: that repairs the
 * file). A failed or skipped attempt is retried after a minute, then after
 * twice the previous pause, up to the daily interval: an outage of the
 * source costs a few tries, not a day with a bad table. A process killed
 * during a download leaves its temporary file; the next check under the lock
 * removes those untouched for LEAPFETCH_STALE_S, far longer than a transfer
 * may last, so that a live one of another cache in the same directory (with
 * another lock) is safe. The users sharing one cache directory (the
 * sidecar's and the web server's, members of its group: systemd/) all get
 * what any of them writes: the cache and the lock are mode 0644 whatever
 * the umask, the lock is taken on a read-only descriptor, and a download
 * replaces another user's file by rename in the group-writable directory.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "leapfetch.h"
#include "ts.h"

#define LEAPFETCH_TIMEOUT_S	60
#define LEAPFETCH_INTERVAL_S	86400
#define LEAPFETCH_RETRY_S	60
#define LEAPFETCH_MAX_REDIRS	5
#define LEAPFETCH_TMP_PREFIX	".leap-seconds."	/* + mkstemp's 6 */
#define LEAPFETCH_STALE_S	600	/* ten default transfer timeouts */
#define LEAPFETCH_FILE_MODE	0644	/* the cache and its lock, whatever the umask */

struct leapfetch {
	struct leapfetch_config	cfg;
	pthread_t		thread;
	pthread_mutex_t		mu;
	pthread_cond_t		cv;
	atomic_bool		stop;
};

/* One transfer: where it writes, how much, and whether to give up. */
struct leapfetch_xfer {
	int			 fd;
	size_t			 len;
	bool			 too_big;
	bool			 write_failed;
	int			 write_errno;
	const atomic_bool	*stop;
};

static pthread_once_t leapfetch_curl_once = PTHREAD_ONCE_INIT;
static CURLcode leapfetch_curl_rc = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe in every libcurl: once per process,
 * before the first thread of ours needs it. */
static void
leapfetch_curl_init(void)
{
	leapfetch_curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int
leapfetch_global_init(struct err *e)
{
	pthread_once(&leapfetch_curl_once, leapfetch_curl_init);
	if (leapfetch_curl_rc != CURLE_OK) {
		err_set(e, "libcurl initialization failed: %s",
		    curl_easy_strerror(leapfetch_curl_rc));
		return -1;
	}
	return 0;
}

/*
 * Worth a download: the cache exists but does not load (*cache_bad: it is
 * to be replaced even while tzdata's copy is good), or the table in use
 * (the cache, else tzdata's copy, in t; *have false when neither loads) is
 * missing or expired. A missing cache with a good tzdata copy is fine.
 */
static bool
leapfetch_needed(const struct leapfetch_config *cfg, struct leap_table *t,
    bool *have, bool *cache_bad)
{
	struct timespec now;
	struct stat st;

	ts_now(&now);
	*cache_bad = false;
	if (leap_load(cfg->path, &now, t, NULL) == 0) {
		*have = true;
		return leap_expired(t, &now);
	}
	*cache_bad = stat(cfg->path, &st) == 0 || errno != ENOENT;
	*have = cfg->tzdata != NULL &&
	    leap_load(cfg->tzdata, &now, t, NULL) == 0;
	return *cache_bad || !*have || leap_expired(t, &now);
}

/* mkstemp's name for our temporary files: the prefix and six letters or
 * digits. */
static bool
leapfetch_is_tmp(const char *name)
{
	size_t n = strlen(LEAPFETCH_TMP_PREFIX);

	if (strncmp(name, LEAPFETCH_TMP_PREFIX, n) != 0 ||
	    strlen(name) != n + 6)
		return false;
	for (name += n; *name != '\0'; name++)
		if (!(*name >= 'a' && *name <= 'z') &&
		    !(*name >= 'A' && *name <= 'Z') &&
		    !(*name >= '0' && *name <= '9'))
			return false;
	return true;
}

/*
 * Remove the temporary files of dir that no live download can own: regular
 * files of our name untouched for LEAPFETCH_STALE_S. Returns how many went.
 */
static int
leapfetch_sweep(const char *dir)
{
	struct timespec now;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, n = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return 0;
	}
	ts_now(&now);
	while ((de = readdir(d)) != NULL) {
		if (!leapfetch_is_tmp(de->d_name) ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) ||
		    (int64_t)now.tv_sec - (int64_t)st.st_mtim.tv_sec <
		    LEAPFETCH_STALE_S)
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* The directory of path ("." for a bare name), malloc'ed. */
static char *
leapfetch_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static size_t
leapfetch_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct leapfetch_xfer *x = arg;
	size_t n = size * nmemb, off = 0;
	ssize_t w;

	if (n > LEAP_FILE_MAX - x->len) {
		x->too_big = true;
		return 0;	/* anything but n aborts the transfer */
	}
	while (off < n) {
		w = write(x->fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			x->write_failed = true;
			x->write_errno = w < 0 ? errno : ENOSPC;
			return 0;
		}
		off += (size_t)w;
	}
	x->len += n;
	return n;
}

static int
leapfetch_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct leapfetch_xfer *x = arg;

	if (dltotal > LEAP_FILE_MAX || dlnow > LEAP_FILE_MAX)
		x->too_big = true;
	return x->too_big || (x->stop != NULL && atomic_load(x->stop));
}

/* Download url into the open file fd. */
static int
leapfetch_download(const struct leapfetch_config *cfg, int fd,
    const atomic_bool *stop, struct err *e)
{
	struct leapfetch_xfer x = { .fd = fd, .stop = stop };
	char errbuf[CURL_ERROR_SIZE] = "";
	const char *scheme = NULL;
	long code = 0;
	CURLcode rc;
	CURL *c;
	int ret = -1;

	c = curl_easy_init();
	if (c == NULL) {
		err_set(e, "%s: libcurl easy handle failed", cfg->url);
		return -1;
	}
	if (curl_easy_setopt(c, CURLOPT_URL, cfg->url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file") !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK) {
		err_set(e, "%s: libcurl refuses the URL or the protocol list",
		    cfg->url);
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	/* No SIGALRM for DNS timeouts: we are a thread in someone's server. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)LEAPFETCH_MAX_REDIRS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT,
	    cfg->timeout_s > 0 ? cfg->timeout_s : (long)LEAPFETCH_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)LEAP_FILE_MAX);
	curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, leapfetch_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, leapfetch_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

	rc = curl_easy_perform(c);
	if (x.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		err_set(e, "%s: larger than %d bytes", cfg->url, LEAP_FILE_MAX);
		goto out;
	}
	if (x.write_failed) {
		errno = x.write_errno;
		err_setsys(e, "%s: writing the download", cfg->url);
		goto out;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		err_set(e, "%s: download stopped", cfg->url);
		goto out;
	}
	if (rc != CURLE_OK) {
		err_set(e, "%s: %s", cfg->url,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_SCHEME, &scheme);
	if (scheme != NULL && (strcasecmp(scheme, "http") == 0 ||
	    strcasecmp(scheme, "https") == 0)) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code != 200) {
			err_set(e, "%s: HTTP status %ld", cfg->url, code);
			goto out;
		}
	}
	ret = 0;
out:
	curl_easy_cleanup(c);
	return ret;
}

/* Make sure the download reached the disk before it replaces the cache. */
static int
leapfetch_sync_close(int fd, const char *tmp, struct err *e)
{
	int rc = 0;

	if (fchmod(fd, LEAPFETCH_FILE_MODE) != 0 || fsync(fd) != 0) {
		err_setsys(e, "%s", tmp);
		rc = -1;
	}
	if (close(fd) != 0 && rc == 0) {
		err_setsys(e, "%s", tmp);
		rc = -1;
	}
	return rc;
}

static void
leapfetch_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);	/* best effort: the rename is done */
		close(fd);
	}
}

/* Download, verify and rename into place; the lock is held. */
static enum leapfetch_result
leapfetch_locked(const struct leapfetch_config *cfg, const char *dir,
    bool have, bool cache_bad, const struct leap_table *cur,
    const atomic_bool *stop, struct err *e)
{
	struct leap_table *got;
	struct err le = { .msg = "" };
	struct timespec now;
	enum leapfetch_result res = LEAPFETCH_FAILED;
	char *tmp = NULL;
	int fd = -1;

	got = malloc(sizeof(*got));
	if (got == NULL ||
	    asprintf(&tmp, "%s/" LEAPFETCH_TMP_PREFIX "XXXXXX", dir) < 0) {
		tmp = NULL;
		err_setsys(e, "%s", cfg->path);
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_setsys(e, "%s", tmp);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (leapfetch_download(cfg, fd, stop, e) != 0)
		goto out;
	if (leapfetch_sync_close(fd, tmp, e) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	ts_now(&now);
	if (leap_load(tmp, &now, got, &le) != 0) {
		/* le names the temporary file; the URL says more. */
		const char *why = le.msg;
		size_t n = strlen(tmp);

		if (strncmp(why, tmp, n) == 0 && strncmp(why + n, ": ", 2) == 0)
			why += n + 2;
		err_set(e, "%s: %s", cfg->url, why);
		goto out;
	}
	if (have && (got->updated < cur->updated ||
	    (got->updated == cur->updated && !cache_bad))) {
		res = LEAPFETCH_NOT_NEWER;
		goto out;
	}
	if (rename(tmp, cfg->path) != 0) {
		err_setsys(e, "rename %s to %s", tmp, cfg->path);
		goto out;
	}
	free(tmp);
	tmp = NULL;
	leapfetch_sync_dir(dir);
	res = LEAPFETCH_UPDATED;
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(got);
	return res;
}

/*
 * Open (or create) the lock file. Read-only: flock needs no write access,
 * so the users sharing the directory (the sidecar's, the web server's) can
 * all take the lock whoever created it. The mode is set explicitly, not
 * left to the umask (systemd units set 0077): a lock the others cannot open
 * would stop their downloads for good.
 */
static int
leapfetch_open_lock(const char *lock, int *lfd, struct err *e)
{
	struct stat st;

	*lfd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    LEAPFETCH_FILE_MODE);
	if (*lfd < 0) {
		err_setsys(e, "%s", lock);
		return -1;
	}
	/* Only its owner may chmod it; a lock of another user's that they
	 * can open is all we need. */
	if (fstat(*lfd, &st) == 0 && st.st_uid == geteuid() &&
	    (st.st_mode & 07777) != LEAPFETCH_FILE_MODE)
		(void)fchmod(*lfd, LEAPFETCH_FILE_MODE);
	return 0;
}

/* One check; *swept gets the number of stale temporary files removed. */
static enum leapfetch_result
leapfetch_run(const struct leapfetch_config *cfg, const atomic_bool *stop,
    int *swept, struct err *e)
{
	struct leap_table *cur;
	enum leapfetch_result res = LEAPFETCH_FAILED;
	struct stat st;
	char *dir = NULL, *lock = NULL;
	bool have, cache_bad;
	int lfd = -1;

	*swept = 0;
	if (cfg->path == NULL || cfg->path[0] == '\0' || cfg->url == NULL ||
	    cfg->url[0] == '\0') {
		err_set(e, "leap-second download needs a cache path and a URL");
		return LEAPFETCH_FAILED;
	}
	cur = malloc(sizeof(*cur));
	if (cur == NULL) {
		err_setsys(e, "%s", cfg->path);
		return LEAPFETCH_FAILED;
	}
	dir = leapfetch_dirname(cfg->path);
	if (dir == NULL || asprintf(&lock, "%s.lock", cfg->path) < 0) {
		lock = NULL;
		err_setsys(e, "%s", cfg->path);
		goto out;
	}
	if (!leapfetch_needed(cfg, cur, &have, &cache_bad)) {
		/*
		 * The download that left a temporary file may have been
		 * finished by another process since. Sweep without creating
		 * the lock file: where there is none, none of ours ran.
		 */
		lfd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (lfd >= 0 && flock(lfd, LOCK_EX | LOCK_NB) == 0)
			*swept = leapfetch_sweep(dir);
		res = LEAPFETCH_NOT_NEEDED;
		goto out;
	}
	if (leapfetch_global_init(e) != 0)
		goto out;
	if (stat(dir, &st) != 0) {
		err_setsys(e, "cache directory %s of %s", dir, cfg->path);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_set(e, "cache directory %s of %s: not a directory", dir,
		    cfg->path);
		goto out;
	}
	if (leapfetch_open_lock(lock, &lfd, e) != 0)
		goto out;
	if (flock(lfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK || errno == EINTR) {
			res = LEAPFETCH_BUSY;
			goto out;
		}
		err_setsys(e, "flock %s", lock);
		goto out;
	}
	*swept = leapfetch_sweep(dir);
	/* Another process may have finished a download while we looked. */
	if (!leapfetch_needed(cfg, cur, &have, &cache_bad)) {
		res = LEAPFETCH_NOT_NEEDED;
		goto out;
	}
	res = leapfetch_locked(cfg, dir, have, cache_bad, cur, stop, e);
out:
	if (lfd >= 0)
		close(lfd);	/* drops the lock; the file stays for the others */
	free(lock);
	free(dir);
	free(cur);
	return res;
}

enum leapfetch_result
leapfetch_once(const struct leapfetch_config *cfg, struct err *e)
{
	int swept;

	return leapfetch_run(cfg, NULL, &swept, e);
}

unsigned
leapfetch_next_delay(unsigned *pause_s, enum leapfetch_result r,
    unsigned retry_s, unsigned interval_s)
{
	switch (r) {
	case LEAPFETCH_UPDATED:
	case LEAPFETCH_NOT_NEEDED:
		*pause_s = 0;
		return interval_s;
	case LEAPFETCH_FAILED:
	case LEAPFETCH_BUSY:
	case LEAPFETCH_NOT_NEWER:
		break;
	}
	if (*pause_s == 0)
		*pause_s = retry_s;
	else if (*pause_s > interval_s / 2)
		*pause_s = interval_s;
	else
		*pause_s *= 2;
	if (*pause_s > interval_s)
		*pause_s = interval_s;
	return *pause_s;
}

/*
 * Sleep delay_s seconds of CLOCK_MONOTONIC, or until leapfetch_stop. The
 * clock decides, not pthread_cond_timedwait's answer: it may return early,
 * spuriously or, under an LD_PRELOADed clock shim such as libfaketime
 * (which the tests use to shift a server's clock), with ETIMEDOUT at once
 * every time, which made each retry a busy loop of downloads and log lines
 * (8,000 in 3 s). A wait that times out before its deadline goes on in
 * steps of 100 ms of nanosleep, which the stop request also ends.
 */
static void
leapfetch_wait(struct leapfetch *f, unsigned delay_s)
{
	const struct timespec step = { 0, 100000000 };
	struct timespec deadline, now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)delay_s;
	pthread_mutex_lock(&f->mu);
	while (!atomic_load(&f->stop)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_cmp(&now, &deadline) >= 0)
			break;
		rc = pthread_cond_timedwait(&f->cv, &f->mu, &deadline);
		if (rc != ETIMEDOUT || atomic_load(&f->stop))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ts_cmp(&now, &deadline) < 0) {
			pthread_mutex_unlock(&f->mu);
			nanosleep(&step, NULL);
			pthread_mutex_lock(&f->mu);
		}
	}
	pthread_mutex_unlock(&f->mu);
}

static void *
leapfetch_main(void *arg)
{
	struct leapfetch *f = arg;
	unsigned interval = f->cfg.interval_s > 0 ? f->cfg.interval_s :
	    LEAPFETCH_INTERVAL_S;
	unsigned retry = f->cfg.retry_s > 0 ? f->cfg.retry_s :
	    LEAPFETCH_RETRY_S;
	unsigned pause = 0, delay;
	enum leapfetch_result r;
	struct err e;
	int swept;

	while (!atomic_load(&f->stop)) {
		err_clear(&e);
		r = leapfetch_run(&f->cfg, &f->stop, &swept, &e);
		delay = leapfetch_next_delay(&pause, r, retry, interval);
		if (swept > 0)
			leapsrc_logf(f->cfg.log, f->cfg.log_ctx,
			    "leap table: removed %d stale temporary file%s "
			    "beside %s", swept, swept == 1 ? "" : "s",
			    f->cfg.path);
		switch (r) {
		case LEAPFETCH_FAILED:
			if (!atomic_load(&f->stop))
				leapsrc_logf(f->cfg.log, f->cfg.log_ctx,
				    "leap table: download failed: %s (next "
				    "try in %u s)", e.msg, delay);
			break;
		case LEAPFETCH_NOT_NEWER:
			leapsrc_logf(f->cfg.log, f->cfg.log_ctx,
			    "leap table: %s is not newer than the table in "
			    "use (kept it; next try in %u s)", f->cfg.url,
			    delay);
			break;
		case LEAPFETCH_UPDATED:
			leapsrc_logf(f->cfg.log, f->cfg.log_ctx,
			    "leap table: downloaded %s into %s", f->cfg.url,
			    f->cfg.path);
			break;
		case LEAPFETCH_NOT_NEEDED:
		case LEAPFETCH_BUSY:
			break;
		}
		leapfetch_wait(f, delay);
	}
	return NULL;
}

int
leapfetch_start(struct leapfetch **out, const struct leapfetch_config *cfg,
    struct err *e)
{
	struct leapfetch *f;
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (leapfetch_global_init(e) != 0)
		return -1;
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		err_setsys(e, "leap-second download thread");
		return -1;
	}
	f->cfg = *cfg;
	atomic_init(&f->stop, false);
	pthread_mutex_init(&f->mu, NULL);
	pthread_condattr_init(&ca);
	/* Wall clock steps (we are a time server) must not shorten the wait. */
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cv, &ca);
	pthread_condattr_destroy(&ca);

	/* Signals stay with the program's own threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&f->thread, NULL, leapfetch_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		err_setsys(e, "leap-second download thread");
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		free(f);
		return -1;
	}
	*out = f;
	return 0;
}

void
leapfetch_stop(struct leapfetch *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	atomic_store(&f->stop, true);
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
}
