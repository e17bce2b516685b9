/*
 * flags.c: the table-driven flag parser of every program (see flags.h),
 * after Go's flag package, which go-webntp's programs use: the same
 * spellings mean the same flag everywhere, and -help lists the rows.
 * Values are checked once, at start (STYLE.md 5).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"
#include "ts.h"

#define FLAGS_USAGE_COL		28	/* "-name ARG" is padded to this */

bool
flags_is(const char *a, const char *name)
{
	size_t n = strlen(name);

	if (a[0] != '-')
		return false;
	a += a[1] == '-' ? 2 : 1;
	return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

int
flags_number(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	int64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		/* v <= hi / 10 bounds v * 10 + 9 by hi + 9: no overflow. */
		if (*s < '0' || *s > '9' || v > hi / 10)
			return -1;
		v = v * 10 + (*s - '0');
		if (v > hi)
			return -1;
	}
	if (v < lo)
		return -1;
	*out = v;
	return 0;
}

/* ns as seconds, without trailing zeros: 1000000 is "0.001". */
static void
flags_seconds(int64_t ns, char *buf, size_t cap)
{
	int64_t s = ns / TS_NS_PER_SEC, f = ns % TS_NS_PER_SEC;
	size_t n;

	if (f < 0) {
		s--;
		f += TS_NS_PER_SEC;
	}
	snprintf(buf, cap, "%" PRId64 ".%09" PRId64, s, f);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

static int
flags_duration(const char *val, int64_t lo, int64_t hi, int64_t *out)
{
	struct err pe = { .msg = "" };
	struct timespec t;

	/* ts_parse allows 2^40 s, more than int64_t nanoseconds hold. */
	if (ts_parse(val, strlen(val), &t, &pe) != 0 ||
	    t.tv_sec >= INT64_MAX / TS_NS_PER_SEC ||
	    t.tv_sec <= INT64_MIN / TS_NS_PER_SEC)
		return -1;
	*out = ts_to_ns(&t);
	return *out >= lo && *out < hi ? 0 : -1;
}

static int
flags_double(const char *val, double lo, double hi, double *out)
{
	char *end;
	double d;

	if (val[0] == '\0' || isspace((unsigned char)val[0]))
		return -1;
	errno = 0;
	d = strtod(val, &end);
	if (*end != '\0' || errno != 0 || !isfinite(d) || d < lo || d > hi)
		return -1;
	*out = d;
	return 0;
}

/* Set row r from val (NULL for a bool without "="): 0, or -1 with e set. */
static int
flags_set(const struct flags_flag *r, const char *val, struct err *e)
{
	struct err pe = { .msg = "" };
	char lo[32], hi[32];
	int64_t v;

	switch (r->kind) {
	case FLAGS_BOOL:
		*(bool *)r->ptr = val == NULL || strcmp(val, "true") == 0;
		break;
	case FLAGS_INT:
		if (flags_number(val, r->lo, r->hi, &v) != 0) {
			if (r->why != NULL)
				err_set(e, "invalid -%s \"%s\": %s", r->name,
				    val, r->why);
			else
				err_set(e, "invalid -%s \"%s\": not a whole "
				    "number from %" PRId64 " to %" PRId64,
				    r->name, val, r->lo, r->hi);
			return -1;
		}
		*(int *)r->ptr = (int)v;
		break;
	case FLAGS_DOUBLE:
		if (flags_double(val, r->dlo, r->dhi, r->ptr) != 0) {
			if (r->why != NULL)
				err_set(e, "invalid -%s \"%s\": %s", r->name,
				    val, r->why);
			else
				err_set(e, "invalid -%s \"%s\": not a number "
				    "from %g to %g", r->name, val, r->dlo,
				    r->dhi);
			return -1;
		}
		break;
	case FLAGS_DURATION:
		if (flags_duration(val, r->lo, r->hi, r->ptr) != 0) {
			flags_seconds(r->lo, lo, sizeof(lo));
			flags_seconds(r->hi, hi, sizeof(hi));
			if (r->why != NULL)
				err_set(e, "invalid -%s \"%s\": %s", r->name,
				    val, r->why);
			else
				err_set(e, "invalid -%s \"%s\": not a number "
				    "of seconds in [%s, %s)", r->name, val, lo,
				    hi);
			return -1;
		}
		break;
	case FLAGS_STRING:
		if (r->check != NULL && r->check(val, &pe) != 0) {
			err_set(e, "invalid -%s \"%s\": %s", r->name, val,
			    pe.msg);
			return -1;
		}
		*(const char **)r->ptr = val;
		break;
	case FLAGS_HELP:
	case FLAGS_VERSION:
		break;
	}
	if (r->given != NULL)
		*r->given = true;
	return 0;
}

static const struct flags_flag *
flags_find(const struct flags_set *sets, size_t nsets, const char *name,
    size_t len)
{
	const struct flags_flag *help = NULL;

	for (size_t s = 0; s < nsets; s++) {
		for (size_t k = 0; k < sets[s].n; k++) {
			const struct flags_flag *r = &sets[s].flag[k];

			if (strlen(r->name) == len &&
			    strncmp(r->name, name, len) == 0)
				return r;
			if (r->kind == FLAGS_HELP && help == NULL)
				help = r;
		}
	}
	/* Go's flag package: -h asks for help unless a flag is called h. */
	return len == 1 && name[0] == 'h' ? help : NULL;
}

enum flags_result
flags_parse(const struct flags_set *sets, size_t nsets, int argc,
    char **argv, int *optind, struct err *e)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *eq, *val = NULL;
		const struct flags_flag *r;
		size_t len;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
		if ((r = flags_find(sets, nsets, name, len)) == NULL) {
			err_set(e, "invalid option \"%s\": unknown (see -help)",
			    a);
			return FLAGS_BAD;
		}
		if (r->kind == FLAGS_BOOL || r->kind == FLAGS_HELP ||
		    r->kind == FLAGS_VERSION) {
			if (eq != NULL && strcmp(eq + 1, "true") != 0 &&
			    strcmp(eq + 1, "false") != 0) {
				err_set(e, "invalid option \"%s\": takes true "
				    "or false", a);
				return FLAGS_BAD;
			}
			if (eq != NULL)
				val = eq + 1;
		} else if (eq != NULL) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			err_set(e, "invalid option \"%s\": needs a %s", a,
			    r->arg != NULL ? r->arg : "value");
			return FLAGS_BAD;
		}
		if (flags_set(r, val, e) != 0)
			return FLAGS_BAD;
		if (r->kind == FLAGS_HELP)
			return FLAGS_ASK_HELP;
		if (r->kind == FLAGS_VERSION)
			return FLAGS_ASK_VERSION;
	}
	if (optind != NULL)
		*optind = i;
	else if (i < argc) {
		err_set(e, "invalid argument \"%s\": no arguments are taken "
		    "(see -help)", argv[i]);
		return FLAGS_BAD;
	}
	return FLAGS_RUN;
}

/* One row, one line: readers (tests/integration/man-lint.test, and those
 * that read a default out of a help) take a flag's line as a whole. */
static void
flags_usage_row(FILE *f, const struct flags_flag *r)
{
	const char *help = r->help != NULL ? r->help : "";
	char left[64];

	snprintf(left, sizeof(left), "-%s%s%s", r->name,
	    r->arg != NULL ? " " : "", r->arg != NULL ? r->arg : "");
	if (help[0] == '\0') {
		fprintf(f, "  %s\n", left);
		return;
	}
	/* Two blanks at least between the flag and its help: readers split
	 * the columns there. */
	fprintf(f, "  %-*s %s%s\n", FLAGS_USAGE_COL, left,
	    strlen(left) >= FLAGS_USAGE_COL ? " " : "", help);
}

void
flags_usage(FILE *f, const struct flags_set *sets, size_t nsets)
{
	for (size_t s = 0; s < nsets; s++)
		for (size_t k = 0; k < sets[s].n; k++)
			flags_usage_row(f, &sets[s].flag[k]);
}
