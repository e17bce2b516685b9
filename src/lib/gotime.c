/*
 * gotime.c: Go's time.Time.String() layout,
 * "2006-01-02 15:04:05.999999999 -0700 MST": the fraction loses its trailing
 * zeros (and its dot when it is zero); a zone without an abbreviation is
 * written as its offset, "-0700", as Go does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "gotime.h"

size_t
gotime_format(const struct timespec *t, char *buf)
{
	struct tm tm;
	char frac[11], zone[16];
	const char *name;
	long ns;
	int off;
	int i, n;

	if (localtime_r(&t->tv_sec, &tm) == NULL)
		return 0;
	ns = t->tv_nsec;
	frac[0] = '\0';
	if (ns != 0) {
		snprintf(frac, sizeof(frac), ".%09ld", ns);
		for (i = 9; frac[i] == '0'; i--)
			frac[i] = '\0';
	}
	off = (int)(tm.tm_gmtoff / 60) % (100 * 60);
	snprintf(zone, sizeof(zone), "%c%02d%02d", off < 0 ? '-' : '+',
	    abs(off) / 60 % 100, abs(off) % 60);
	name = tm.tm_zone != NULL && tm.tm_zone[0] != '\0' ? tm.tm_zone : zone;
	n = snprintf(buf, GOTIME_TEXT_MAX,
	    "%04d-%02d-%02d %02d:%02d:%02d%s %s %s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, frac, zone, name);
	if (n < 0 || n >= GOTIME_TEXT_MAX)
		return 0;
	return (size_t)n;
}
