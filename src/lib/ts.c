/*
 * ts.c: parse and format WebNTP timestamps (doc/protocol.md section 1).
 * Text "<seconds>.<digits>" is read exactly to the nanosecond; anything else
 * goes through strtod, limited to digits, signs, points and exponents (no
 * hex, inf, nan), with a digit after every point: ".5" and "5e-1" are read,
 * "1." and "1.e3" are not.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"
#include "ts.h"

/* The input quoted in an error: "not a timestamp: \"<quote>\"" stays
 * within a WebSocket close reason's 123 bytes. */
#define TS_QUOTE_MAX	64

static bool
ts_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

static bool
ts_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Build a normalized timespec from a sign and a magnitude. */
static void
ts_signed(bool neg, int64_t sec, int64_t nsec, struct timespec *out)
{
	if (neg && (sec != 0 || nsec != 0)) {
		sec = -sec;
		if (nsec != 0) {
			sec -= 1;
			nsec = TS_NS_PER_SEC - nsec;
		}
	}
	out->tv_sec = (time_t)sec;
	out->tv_nsec = (long)nsec;
}

/* [+-]digits[.digits]: 1 parsed, 0 not this form, -1 out of range. */
static int
ts_parse_fixed(const char *p, const char *end, struct timespec *out)
{
	bool neg = false;
	int64_t sec = 0, nsec = 0;
	int fdigits = 0;

	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p == end || !ts_isdigit(*p))
		return 0;
	for (; p < end && ts_isdigit(*p); p++) {
		sec = sec * 10 + (*p - '0');
		if (sec > TS_MAX_SEC) {
			/* Keep scanning so "1x" is "not this form", not range. */
			while (p < end && (ts_isdigit(*p) || *p == '.'))
				p++;
			return p == end ? -1 : 0;
		}
	}
	if (p < end && *p == '.') {
		p++;
		if (p == end || !ts_isdigit(*p))
			return 0;
		for (; p < end && ts_isdigit(*p); p++) {
			if (fdigits < 9) {
				nsec = nsec * 10 + (*p - '0');
				fdigits++;
			}
		}
		for (; fdigits < 9; fdigits++)
			nsec *= 10;
	}
	if (p != end)
		return 0;
	if (sec == TS_MAX_SEC && nsec != 0)
		return -1;
	ts_signed(neg, sec, nsec, out);
	return 1;
}

/* The input as an error message quotes it: escaped (the bytes are a
 * peer's), and short enough for a WebSocket close reason around it. */
static const char *
ts_quote(const char *s, size_t n, char *q)
{
	esc_text(q, TS_QUOTE_MAX, s, n);
	return q;
}

int
ts_parse(const char *s, size_t len, struct timespec *out, struct err *e)
{
	const char *p = s, *end = s + len;
	char buf[TS_INPUT_MAX + 1], quoted[TS_QUOTE_MAX], *stop;
	double d;
	size_t n;
	int r;

	if (len > TS_INPUT_MAX) {
		err_set(e, "timestamp longer than %d bytes", TS_INPUT_MAX);
		return -1;
	}
	while (p < end && ts_isspace(*p))
		p++;
	while (end > p && ts_isspace(end[-1]))
		end--;
	n = (size_t)(end - p);
	if (n == 0) {
		err_set(e, "empty timestamp");
		return -1;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (memchr(buf, '\0', n) != NULL) {
		err_set(e, "timestamp contains a NUL byte");
		return -1;
	}

	r = ts_parse_fixed(p, end, out);
	if (r == 1)
		return 0;
	if (r < 0) {
		err_set(e, "timestamp \"%s\" out of range (|t| > 2^40 s)",
		    ts_quote(buf, n, quoted));
		return -1;
	}

	/* strtod also takes hex, "inf" and "nan": allow only what is finite
	 * and made of number characters. */
	if (strspn(buf, "0123456789+-.eE") != n) {
		err_set(e, "not a timestamp: \"%s\"", ts_quote(buf, n, quoted));
		return -1;
	}
	/* A point needs a digit after it, as in the fixed form ("1." and
	 * "1.e3" are refused); a point without digits before it (".5") is a
	 * float to strtod, as it is to Go's ParseFloat. */
	for (const char *q = buf; (q = strchr(q, '.')) != NULL; q++) {
		if (!ts_isdigit(q[1])) {
			err_set(e, "not a timestamp: \"%s\"",
			    ts_quote(buf, n, quoted));
			return -1;
		}
	}
	d = strtod(buf, &stop);
	if (stop == buf || *stop != '\0') {
		err_set(e, "not a timestamp: \"%s\"", ts_quote(buf, n, quoted));
		return -1;
	}
	/* ERANGE alone is no reason: glibc sets it for subnormal results
	 * ("1e-310"), which are as good a zero as "1e-400"; an overflow is
	 * HUGE_VAL, caught as not finite. */
	if (!isfinite(d) || fabs(d) > (double)TS_MAX_SEC) {
		err_set(e, "timestamp \"%s\" out of range (|t| > 2^40 s)",
		    ts_quote(buf, n, quoted));
		return -1;
	}
	ts_from_double(d, out);
	return 0;
}

void
ts_from_double(double d, struct timespec *out)
{
	double ip, fp = modf(fabs(d), &ip);
	int64_t sec = (int64_t)ip, nsec = (int64_t)llround(fp * 1e9);

	if (nsec >= TS_NS_PER_SEC) {
		sec++;
		nsec -= TS_NS_PER_SEC;
	}
	ts_signed(d < 0, sec, nsec, out);
}

size_t
ts_format(const struct timespec *t, char *buf)
{
	int64_t nsec = t->tv_nsec, us;
	bool neg = false;
	char tmp[TS_TEXT_MAX], *q;
	size_t n = 0;
	uint64_t u;

	/* The magnitude in uint64_t: -INT64_MIN does not fit in int64_t. */
	u = (uint64_t)(int64_t)t->tv_sec;
	if (t->tv_sec < 0) {
		neg = true;
		u = -u;
		if (nsec != 0) {
			u -= 1;
			nsec = TS_NS_PER_SEC - nsec;
		}
	}
	us = (nsec + 500) / 1000;
	if (us >= 1000000) {
		u++;
		us -= 1000000;
	}
	if (neg && (u != 0 || us != 0))
		buf[n++] = '-';
	/* Digits by hand: this is the responder's hot path. */
	q = tmp + sizeof(tmp);
	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	memcpy(buf + n, q, (size_t)(tmp + sizeof(tmp) - q));
	n += (size_t)(tmp + sizeof(tmp) - q);
	buf[n++] = '.';
	for (int i = 5; i >= 0; i--) {
		buf[n + (size_t)i] = (char)('0' + us % 10);
		us /= 10;
	}
	n += 6;
	buf[n] = '\0';
	return n;
}

void
ts_utc(int64_t sec, const char *fmt, char *buf, size_t cap)
{
	time_t t = (time_t)sec;
	struct tm tm;
	size_t n = 0;

	/* The callers' layouts are literals, checked by ts_utc's format
	 * attribute: this one call passes it on. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (gmtime_r(&t, &tm) != NULL)
		n = strftime(buf, cap, fmt, &tm);
#pragma GCC diagnostic pop
	if (n == 0)
		snprintf(buf, cap, "%" PRId64, sec);
}

void
ts_now(struct timespec *t)
{
	clock_gettime(CLOCK_REALTIME, t);
}

int64_t
ts_mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * TS_NS_PER_SEC + t.tv_nsec;
}

int
ts_diff_ns(const struct timespec *a, const struct timespec *b, int64_t *out)
{
	int64_t ds, r;

	if (__builtin_sub_overflow((int64_t)a->tv_sec, (int64_t)b->tv_sec, &ds) ||
	    __builtin_mul_overflow(ds, TS_NS_PER_SEC, &r) ||
	    __builtin_add_overflow(r, (int64_t)(a->tv_nsec - b->tv_nsec), &r))
		return -1;
	*out = r;
	return 0;
}

void
ts_add_ns(struct timespec *t, int64_t ns)
{
	int64_t s = ns / TS_NS_PER_SEC, f = ns % TS_NS_PER_SEC;

	t->tv_sec += (time_t)s;
	f += t->tv_nsec;
	if (f < 0) {
		f += TS_NS_PER_SEC;
		t->tv_sec -= 1;
	} else if (f >= TS_NS_PER_SEC) {
		f -= TS_NS_PER_SEC;
		t->tv_sec += 1;
	}
	t->tv_nsec = (long)f;
}

int64_t
ts_to_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * TS_NS_PER_SEC + t->tv_nsec;
}

void
ts_from_ns(int64_t ns, struct timespec *t)
{
	t->tv_sec = 0;
	t->tv_nsec = 0;
	ts_add_ns(t, ns);
}

int
ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec ? -1 : 1;
	return 0;
}
