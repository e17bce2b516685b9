/*
 * wkcache.c: the servers that declined to give time. The Time over HTTPS
 * specification (phk.freebsd.dk/time/20151129) asks a client that gets a
 * 4xx for /.well-known/time not to ask that server there again for a day;
 * the note is kept in $XDG_CACHE_HOME/webntp/wellknown (XDG Base
 * Directory: an absolute path, else ~/.cache), one "<unix seconds>
 * <origin>" line per server, at most WKCACHE_MAX lines and WKCACHE_BYTES,
 * replaced whole (written aside, then renamed) so a reader never sees half
 * of it. Best effort: where there is no cache directory (-user nobody),
 * /.well-known/time is asked each run, which only costs that server a
 * HEAD.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "client.h"
#include "ts.h"

#define WKCACHE_MAX	256
#define WKCACHE_BYTES	(64 * 1024)
#define WKCACHE_ORIGIN	300

int
wkcache_origin(const char *url, char *out, size_t cap)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *p;
	int rc = -1, n;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK)
		goto out;
	n = snprintf(out, cap, "%s://%s:%s", scheme, host, port);
	if (n < 0 || (size_t)n >= cap)
		goto out;
	for (p = out; *p != '\0'; p++) {
		if (!isgraph((unsigned char)*p))
			goto out;
		*p = (char)tolower((unsigned char)*p);
	}
	rc = 0;
out:
	curl_free(port);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* The file's path; -1 when there is no cache directory to name. */
static int
wkcache_path(char *out, size_t cap, bool dir)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(out, cap, "%s/webntp%s", x, dir ? "" :
		    "/wellknown");
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, cap, "%s/.cache/webntp%s", home, dir ? "" :
		    "/wellknown");
	else
		return -1;
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

struct wkcache_entry {
	int64_t	at;		/* seconds */
	char	origin[WKCACHE_ORIGIN];
};

/* The file's entries still in force at now (seconds); how many. */
static int
wkcache_load(struct wkcache_entry *ent, int64_t now)
{
	char path[4096], line[WKCACHE_ORIGIN + 32];
	FILE *f;
	size_t read = 0;
	int n = 0;

	if (wkcache_path(path, sizeof(path), false) == -1 ||
	    (f = fopen(path, "re")) == NULL)
		return 0;
	while (n < WKCACHE_MAX && read < WKCACHE_BYTES &&
	    fgets(line, sizeof(line), f) != NULL) {
		char *sp = strchr(line, ' '), *end;
		long long at;

		read += strlen(line);
		line[strcspn(line, "\n")] = '\0';
		if (sp == NULL || sp[1] == '\0' ||
		    strlen(sp + 1) >= WKCACHE_ORIGIN)
			continue;
		errno = 0;
		at = strtoll(line, &end, 10);
		if (errno != 0 || end != sp || at > now ||
		    (now - at) * TS_NS_PER_SEC >= WKCACHE_TTL)
			continue;
		ent[n].at = at;
		strcpy(ent[n].origin, sp + 1);
		n++;
	}
	fclose(f);
	return n;
}

bool
wkcache_refused(const char *url, int64_t now)
{
	struct wkcache_entry *ent;
	char origin[WKCACHE_ORIGIN];
	bool found = false;
	int i, n;

	if (wkcache_origin(url, origin, sizeof(origin)) == -1 ||
	    (ent = calloc(WKCACHE_MAX, sizeof(*ent))) == NULL)
		return false;
	n = wkcache_load(ent, now / TS_NS_PER_SEC);
	for (i = 0; i < n && !found; i++)
		found = strcmp(ent[i].origin, origin) == 0;
	free(ent);
	return found;
}

int
wkcache_note(const char *url, int64_t now, struct err *e)
{
	struct wkcache_entry *ent;
	char origin[WKCACHE_ORIGIN], dir[4096], path[4096], tmp[4200];
	int64_t sec = now / TS_NS_PER_SEC;
	int i, n, fd, first;
	FILE *f;

	if (wkcache_origin(url, origin, sizeof(origin)) == -1) {
		err_set(e, "no origin in the URL");
		return -1;
	}
	if (wkcache_path(dir, sizeof(dir), true) == -1 ||
	    wkcache_path(path, sizeof(path), false) == -1) {
		err_set(e, "no cache directory ($XDG_CACHE_HOME, $HOME)");
		return -1;
	}
	if ((ent = calloc(WKCACHE_MAX, sizeof(*ent))) == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	n = wkcache_load(ent, sec);
	/* The parent (~/.cache) as XDG asks, 0700; ours too. */
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0700);
	strcat(dir, "/webntp");
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		err_setsys(e, "mkdir %s", dir);
		free(ent);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		err_setsys(e, "%s", tmp);
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(ent);
		return -1;
	}
	/* The oldest go first when full; this origin's older note goes. */
	first = n >= WKCACHE_MAX ? n - WKCACHE_MAX + 1 : 0;
	for (i = first; i < n; i++)
		if (strcmp(ent[i].origin, origin) != 0)
			fprintf(f, "%" PRId64 " %s\n", ent[i].at,
			    ent[i].origin);
	fprintf(f, "%" PRId64 " %s\n", sec, origin);
	free(ent);
	if (fclose(f) != 0 || rename(tmp, path) == -1) {
		err_setsys(e, "%s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}
