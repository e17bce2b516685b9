/*
 * gotime.h: a time as Go's time.Time.String() writes it (without the
 * monotonic "m=" part), "2006-01-02 15:04:05.999999999 -0700 MST": the
 * client's last line is byte-compatible with go-webntp's.
 */
#ifndef WEBNTP_GOTIME_H
#define WEBNTP_GOTIME_H

#include <stddef.h>
#include <time.h>

#define GOTIME_TEXT_MAX	80

/* In the local time zone (TZ); returns the length, 0 when t is out of
 * range for localtime. buf has GOTIME_TEXT_MAX bytes. */
size_t	gotime_format(const struct timespec *t, char *buf);

#endif
