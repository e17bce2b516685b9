/*
 * leapsrc.c: the table a server answers with, and its reload when the cache
 * file changes (PROTOCOL.md section 6).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
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
	bool			have;		/* table holds a loaded table */
	struct leap_table	table;
	struct leapsrc_id	seen;		/* the cache as last looked at */
	int64_t			checked;	/* CLOCK_MONOTONIC ns */
	struct leapfetch	*fetch;
};

static void
leapsrc_log(struct leapsrc *src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
leapsrc_log(struct leapsrc *src, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX + 128];
	va_list ap;

	if (src->cfg.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	src->cfg.log(src->cfg.log_ctx, msg);
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
leapsrc_open(struct leapsrc **out, const struct leapsrc_config *cfg,
    struct err *e)
{
	struct leapsrc *src;
	struct err le = { .msg = "" };
	struct timespec now;

	*out = NULL;
	src = calloc(1, sizeof(*src));
	if (src == NULL) {
		err_setsys(e, "leap table");
		return -1;
	}
	src->cfg = *cfg;
	src->checked = ts_mono_ns();
	leapsrc_stat(cfg->path, &src->seen);
	ts_now(&now);
	if (src->seen.exists) {
		if (leap_load(cfg->path, &now, &src->table, &le) == 0) {
			src->have = true;
		} else if (cfg->path_given) {
			err_set(e, "%s", le.msg);
			free(src);
			return -1;
		} else {
			leapsrc_log(src, "leap table: %s (ignored)", le.msg);
		}
	}
	if (!src->have && cfg->tzdata != NULL) {
		struct leapsrc_id tz;

		/* A system without tzdata's copy is normal, not worth a log. */
		leapsrc_stat(cfg->tzdata, &tz);
		err_clear(&le);
		if (leap_load(cfg->tzdata, &now, &src->table, &le) == 0)
			src->have = true;
		else if (tz.exists)
			leapsrc_log(src, "leap table: %s", le.msg);
	}
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

	leapsrc_stat(src->cfg.path, &id);
	if (!id.exists || leapsrc_same(&id, &src->seen))
		return;
	src->seen = id;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return;
	ts_now(&now);
	if (leap_load(src->cfg.path, &now, t, &le) == 0) {
		src->table = *t;
		src->have = true;
		leapsrc_log(src, "leap table: reloaded %s", src->cfg.path);
	} else {
		leapsrc_log(src, "leap table: %s (kept the table in use)",
		    le.msg);
	}
	free(t);
}

void
leapsrc_lookup(struct leapsrc *src, const struct timespec *now,
    struct leap_info *out)
{
	int64_t mono = ts_mono_ns();

	if (mono - src->checked >= LEAPSRC_CHECK_NS) {
		src->checked = mono;
		leapsrc_reload(src);
	}
	leap_lookup(src->have ? &src->table : NULL, now, out);
}

const struct leap_table *
leapsrc_table(struct leapsrc *src)
{
	return src->have ? &src->table : NULL;
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
	free(src);
}
