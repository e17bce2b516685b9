/*
 * leap.c: parse leap-seconds.list (IERS, IETF and tzdata copies) and look up
 * the answer's leap fields (doc/protocol.md sections 2 and 6).
 *
 * NOTES: #h is the SHA-1 (libcrypto) of the ASCII digits of the #$ value, the
 * #@ value and each data line before its '#', in file order. It is written as
 * five 32-bit hex words whose leading zeros may be missing, so the words are
 * compared as numbers. Unknown "#X" lines (the IERS "#NTP Time" header) are
 * ignored; tabs and spaces both separate fields. Every table needs its #h,
 * a local one too (doc/protocol.md section 6): #h is the last line, so a copy
 * cut short at a line boundary would otherwise pass as a shorter table.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "leap.h"
#include "ts.h"

struct leap_parser {
	EVP_MD_CTX	*md;
	int		 line;
	bool		 have_base;
	int		 prev;		/* TAI - UTC of the previous data line */
	int64_t		 prev_at;
	bool		 have_hash;
	uint32_t	 hash[5];
};

static bool
leap_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static const char *
leap_skipblank(const char *p, const char *end)
{
	while (p < end && leap_isblank(*p))
		p++;
	return p;
}

/* Feed the digits of [p, end) to the hash. */
static void
leap_hash_digits(struct leap_parser *lp, const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p >= '0' && *p <= '9')
			EVP_DigestUpdate(lp->md, p, 1);
}

/* An unsigned decimal field; advances *pp. */
static int
leap_number(const char **pp, const char *end, int64_t max, int64_t *out)
{
	const char *p = *pp;
	int64_t v = 0;

	if (p == end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > max)
			return -1;
	}
	*pp = p;
	*out = v;
	return 0;
}

/* "#$ 3676924800" or "#@ 3786480000": the value, hashed. */
static int
leap_parse_stamp(struct leap_parser *lp, const char *p, const char *end,
    int64_t *out, struct err *e)
{
	const char *start;
	int64_t v;

	p = leap_skipblank(p, end);
	start = p;
	if (leap_number(&p, end, INT64_C(1) << 40, &v) != 0 ||
	    leap_skipblank(p, end) != end) {
		err_set(e, "line %d: bad time stamp", lp->line);
		return -1;
	}
	leap_hash_digits(lp, start, p);
	*out = v - LEAP_NTP_UNIX;
	return 0;
}

static int
leap_parse_hash(struct leap_parser *lp, const char *p, const char *end,
    struct err *e)
{
	for (int i = 0; i < 5; i++) {
		uint64_t v = 0;
		int n = 0;

		p = leap_skipblank(p, end);
		for (; p < end; p++, n++) {
			int d;

			if (*p >= '0' && *p <= '9')
				d = *p - '0';
			else if (*p >= 'a' && *p <= 'f')
				d = *p - 'a' + 10;
			else if (*p >= 'A' && *p <= 'F')
				d = *p - 'A' + 10;
			else
				break;
			v = v * 16 + (uint64_t)d;
			if (v > UINT32_MAX)
				break;
		}
		if (n == 0 || n > 8 || (p < end && !leap_isblank(*p))) {
			err_set(e, "line %d: bad #h hash", lp->line);
			return -1;
		}
		lp->hash[i] = (uint32_t)v;
	}
	if (leap_skipblank(p, end) != end) {
		err_set(e, "line %d: bad #h hash", lp->line);
		return -1;
	}
	lp->have_hash = true;
	return 0;
}

/* "<NTP seconds> <TAI-UTC> [# comment]" */
static int
leap_parse_data(struct leap_parser *lp, const char *p, const char *end,
    struct leap_table *t, struct err *e)
{
	const char *hash = memchr(p, '#', (size_t)(end - p));
	int64_t ntp, tai;
	int64_t at;

	if (hash != NULL)
		end = hash;
	leap_hash_digits(lp, p, end);
	p = leap_skipblank(p, end);
	if (leap_number(&p, end, INT64_C(1) << 40, &ntp) != 0 ||
	    p == end || !leap_isblank(*p)) {
		err_set(e, "line %d: bad data line", lp->line);
		return -1;
	}
	p = leap_skipblank(p, end);
	if (leap_number(&p, end, 10000, &tai) != 0 ||
	    leap_skipblank(p, end) != end) {
		err_set(e, "line %d: bad data line", lp->line);
		return -1;
	}
	at = ntp - LEAP_NTP_UNIX;
	if (!lp->have_base) {
		lp->have_base = true;
	} else {
		if (at <= lp->prev_at) {
			err_set(e, "line %d: data lines out of time order",
			    lp->line);
			return -1;
		}
		if (tai - lp->prev != 1 && tai - lp->prev != -1) {
			err_set(e, "line %d: TAI-UTC changes by %" PRId64
			    ", not by one second", lp->line, tai - lp->prev);
			return -1;
		}
		if (t->n == LEAP_MAX_EVENTS) {
			err_set(e, "line %d: more than %d leap seconds",
			    lp->line, LEAP_MAX_EVENTS);
			return -1;
		}
		t->ev[t->n].at = at;
		t->ev[t->n].leap = lp->prev;
		t->ev[t->n].step = (int)(tai - lp->prev);
		t->n++;
	}
	lp->prev = (int)tai;
	lp->prev_at = at;
	return 0;
}

static int
leap_parse_line(struct leap_parser *lp, const char *p, const char *end,
    struct leap_table *t, struct err *e)
{
	const char *q = leap_skipblank(p, end);

	if (q == end)
		return 0;		/* blank */
	if (*q != '#')
		return leap_parse_data(lp, q, end, t, e);
	p = q;
	if (end - p < 2)
		return 0;
	switch (p[1]) {
	case '$':
		return leap_parse_stamp(lp, p + 2, end, &t->updated, e);
	case '@':
		return leap_parse_stamp(lp, p + 2, end, &t->expires, e);
	case 'h':
		return leap_parse_hash(lp, p + 2, end, e);
	default:
		return 0;		/* comments and unknown #X lines */
	}
}

int
leap_parse(const char *text, size_t len, const struct timespec *now,
    struct leap_table *t, struct err *e)
{
	struct leap_parser lp = { .line = 0 };
	const char *p = text, *end = text + len, *nl;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (len > 0 && memchr(text, '\0', len) != NULL) {
		err_set(e, "not a text file (NUL byte)");
		return -1;
	}
	lp.md = EVP_MD_CTX_new();
	if (lp.md == NULL || EVP_DigestInit_ex(lp.md, EVP_sha1(), NULL) != 1) {
		err_set(e, "SHA-1 is not available from libcrypto");
		goto out;
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		lp.line++;
		if (leap_parse_line(&lp, p, nl, t, e) != 0)
			goto out;
		p = nl + 1;
	}
	if (!lp.have_base) {
		err_set(e, "no data lines");
		goto out;
	}
	/* The #h line comes last: without it the file may have been cut. */
	if (!lp.have_hash) {
		err_set(e, "no #h hash: the file may be cut short");
		goto out;
	}
	if (EVP_DigestFinal_ex(lp.md, md, &mdlen) != 1 || mdlen != 20) {
		err_set(e, "SHA-1 failed");
		goto out;
	}
	for (int i = 0; i < 5; i++) {
		uint32_t w = (uint32_t)md[4 * i] << 24 |
		    (uint32_t)md[4 * i + 1] << 16 |
		    (uint32_t)md[4 * i + 2] << 8 | md[4 * i + 3];
		if (w != lp.hash[i]) {
			err_set(e, "#h hash does not match the data");
			goto out;
		}
	}
	/* updated is bounded (2^40), now->tv_sec is not: no overflow. */
	if (t->updated - LEAP_AHEAD_MAX > (int64_t)now->tv_sec) {
		char upd[32], clk[32];

		ts_utc(t->updated, "%Y-%m-%d", upd, sizeof(upd));
		ts_utc((int64_t)now->tv_sec, "%Y-%m-%d", clk, sizeof(clk));
		err_set(e, "#$ %s is more than a year ahead of the clock (%s)",
		    upd, clk);
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(lp.md);
	if (rc != 0)
		memset(t, 0, sizeof(*t));
	return rc;
}

int
leap_load(const char *path, const struct timespec *now, struct leap_table *t,
    struct err *e)
{
	struct err pe = { .msg = "" };
	struct stat st;
	char *buf = NULL;
	ssize_t r;
	size_t len = 0;
	int fd, rc = -1;

	memset(t, 0, sizeof(*t));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err_setsys(e, "%s", path);
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		err_setsys(e, "%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > LEAP_FILE_MAX) {
		err_set(e, "%s: larger than %d bytes", path, LEAP_FILE_MAX);
		goto out;
	}
	buf = malloc(LEAP_FILE_MAX + 1);
	if (buf == NULL) {
		err_setsys(e, "%s", path);
		goto out;
	}
	while ((r = read(fd, buf + len, LEAP_FILE_MAX + 1 - len)) > 0)
		len += (size_t)r;
	if (r < 0) {
		err_setsys(e, "%s", path);
		goto out;
	}
	if (len > LEAP_FILE_MAX) {
		err_set(e, "%s: larger than %d bytes", path, LEAP_FILE_MAX);
		goto out;
	}
	if (leap_parse(buf, len, now, t, &pe) != 0) {
		err_set(e, "%s: %s", path, pe.msg);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

void
leap_lookup(const struct leap_table *t, const struct timespec *now,
    struct leap_info *out)
{
	size_t lo = 0, hi;

	out->next = 0;
	out->leap = 0;
	out->step = 0;
	if (t == NULL || t->n == 0)
		return;
	/* First event later than now (an event exactly at now is past);
	 * when every event is past, the last one. */
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ev[mid].at > (int64_t)now->tv_sec)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo == t->n)
		lo = t->n - 1;
	out->next = t->ev[lo].at;
	out->leap = t->ev[lo].leap;
	out->step = t->ev[lo].step;
}

bool
leap_expired(const struct leap_table *t, const struct timespec *now)
{
	return t->expires != 0 && (int64_t)now->tv_sec >= t->expires;
}
