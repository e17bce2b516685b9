/*
 * leapsrc.c: the table a server answers with, and its reload when the cache
 * file changes (doc/protocol.md section 6).
 *
 * NOTES: a cache that does not load (empty, cut short, garbage) is logged
 * once and tzdata's copy used: lighttpd and mod_fcgid respawn responders at
 * any time, and one that refused to start over a bad cache would turn the
 * bad file into an outage (503 for everything). A missing one is how a
 * healthy install starts, logged only when no table is left. Lookups may
 * come from several threads: the table is guarded by a mutex held only for
 * the binary search or the copy of a new table; the once-a-second stat and
 * the load of a changed file run outside it, in one thread at a time.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "leapfetch.h"
#include "leapsrc.h"
#include "ts.h"

#define LEAPSRC_CHECK_NS	TS_NS_PER_SEC

struct leapsrc_id {
	bool		exists;
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec	mtime;
};

struct leapsrc {
	struct leapsrc_config	cfg;
	pthread_mutex_t		mu;		/* guards have and table */
	bool			have;		/* table holds a loaded table */
	struct leap_table	table;
	pthread_mutex_t		reload_mu;	/* one reload at a time; seen */
	struct leapsrc_id	seen;		/* the cache as last looked at */
	atomic_int_least64_t	checked;	/* CLOCK_MONOTONIC ns */
	struct leapfetch	*fetch;
};

void
leapsrc_logf(leapsrc_log_fn *log, void *ctx, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX + 256];
	va_list ap;

	if (log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log(ctx, msg);
}

static void
leapsrc_stat(const char *path, struct leapsrc_id *id)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (path == NULL || stat(path, &st) != 0)
		return;
	id->exists = true;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime = st.st_mtim;
}

static bool
leapsrc_same(const struct leapsrc_id *a, const struct leapsrc_id *b)
{
	return a->exists == b->exists && a->dev == b->dev &&
	    a->ino == b->ino && a->size == b->size &&
	    ts_cmp(&a->mtime, &b->mtime) == 0;
}

int
leapsrc_check_path(const char *path, struct err *e)
{
	char *dir, *slash;
	struct stat st;
	int rc = 0;

	if (path[0] == '\0') {
		err_set(e, "empty");
		return -1;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		err_set(e, "not a regular file");
		return -1;
	}
	dir = strdup(path);
	if (dir == NULL) {
		err_setsys(e, "%s", path);
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*(slash == dir ? slash + 1 : slash) = '\0';
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			err_set(e, "no directory %s", dir);
			rc = -1;
		}
	}
	free(dir);
	return rc;
}

int
leapsrc_open(struct leapsrc **out, const struct leapsrc_config *cfg,
    struct err *e)
{
	struct leapsrc *src;
	struct err ce = { .msg = "" }, te = { .msg = "" };
	struct leapsrc_id tz;
	struct timespec now;
	bool cache_bad = false, cache_gone = false, tz_bad = false;

	*out = NULL;
	if (cfg->path != NULL && cfg->path_given &&
	    leapsrc_check_path(cfg->path, &ce) != 0) {
		err_set(e, "%s", ce.msg);
		return -1;
	}
	src = calloc(1, sizeof(*src));
	if (src == NULL) {
		err_setsys(e, "leap table");
		return -1;
	}
	src->cfg = *cfg;
	pthread_mutex_init(&src->mu, NULL);
	pthread_mutex_init(&src->reload_mu, NULL);
	atomic_init(&src->checked, ts_mono_ns());
	leapsrc_stat(cfg->path, &src->seen);
	ts_now(&now);
	if (cfg->path != NULL) {
		if (leap_load(cfg->path, &now, &src->table, &ce) == 0)
			src->have = true;
		else if (src->seen.exists)
			cache_bad = true;
		else
			cache_gone = true;
	}
	if (!src->have && cfg->tzdata != NULL) {
		/* A system without tzdata's copy is normal, not worth a log. */
		leapsrc_stat(cfg->tzdata, &tz);
		if (leap_load(cfg->tzdata, &now, &src->table, &te) == 0)
			src->have = true;
		else
			tz_bad = tz.exists;
	}
	/*
	 * One line, when the table in use is not the cache's. A cache not
	 * there yet while tzdata's copy serves is how a healthy install
	 * starts (nothing to download yet): no line for that.
	 */
	if (cache_bad && src->have)
		leapsrc_logf(src->cfg.log, src->cfg.log_ctx,
		    "leap table: %s (answering from %s)", ce.msg, cfg->tzdata);
	else if ((cache_bad || cache_gone) && tz_bad)
		leapsrc_logf(src->cfg.log, src->cfg.log_ctx,
		    "leap table: %s; %s (no table: answers say leap 0)",
		    ce.msg, te.msg);
	else if ((cache_bad || cache_gone) && !src->have)
		leapsrc_logf(src->cfg.log, src->cfg.log_ctx,
		    "leap table: %s (no table: answers say leap 0)", ce.msg);
	else if (tz_bad)
		leapsrc_logf(src->cfg.log, src->cfg.log_ctx, "leap table: %s",
		    te.msg);
	*out = src;
	return 0;
}

static void
leapsrc_reload(struct leapsrc *src)
{
	struct leapsrc_id id;
	struct leap_table *t;
	struct err le = { .msg = "" };
	struct timespec now;

	if (pthread_mutex_trylock(&src->reload_mu) != 0)
		return;		/* another thread is at it */
	leapsrc_stat(src->cfg.path, &id);
	if (!id.exists || leapsrc_same(&id, &src->seen))
		goto out;
	src->seen = id;
	t = malloc(sizeof(*t));
	if (t == NULL)
		goto out;
	ts_now(&now);
	if (leap_load(src->cfg.path, &now, t, &le) == 0) {
		pthread_mutex_lock(&src->mu);
		src->table = *t;
		src->have = true;
		pthread_mutex_unlock(&src->mu);
		leapsrc_logf(src->cfg.log, src->cfg.log_ctx,
		    "leap table: reloaded %s", src->cfg.path);
	} else {
		leapsrc_logf(src->cfg.log, src->cfg.log_ctx,
		    "leap table: %s (kept the table in use)", le.msg);
	}
	free(t);
out:
	pthread_mutex_unlock(&src->reload_mu);
}

void
leapsrc_lookup(struct leapsrc *src, const struct timespec *now,
    struct leap_info *out)
{
	int64_t mono = ts_mono_ns();
	int_least64_t last = atomic_load_explicit(&src->checked,
	    memory_order_relaxed);

	/* One thread a second wins the exchange and looks at the file. */
	if (mono - last >= LEAPSRC_CHECK_NS &&
	    atomic_compare_exchange_strong(&src->checked, &last, mono))
		leapsrc_reload(src);
	pthread_mutex_lock(&src->mu);
	leap_lookup(src->have ? &src->table : NULL, now, out);
	pthread_mutex_unlock(&src->mu);
}

int
leapsrc_start_fetch(struct leapsrc *src, struct err *e)
{
	struct leapfetch_config fc = {
		.path = src->cfg.path,
		.tzdata = src->cfg.tzdata,
		.url = src->cfg.url,
		.log = src->cfg.log,
		.log_ctx = src->cfg.log_ctx,
	};

	if (src->fetch != NULL || src->cfg.path == NULL ||
	    src->cfg.url == NULL || src->cfg.url[0] == '\0')
		return 0;
	return leapfetch_start(&src->fetch, &fc, e);
}

void
leapsrc_close(struct leapsrc *src)
{
	if (src == NULL)
		return;
	leapfetch_stop(src->fetch);
	pthread_mutex_destroy(&src->reload_mu);
	pthread_mutex_destroy(&src->mu);
	free(src);
}
