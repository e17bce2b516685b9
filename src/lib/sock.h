/*
 * sock.h: samples for chrony's SOCK refclock (refclock_sock.c): one datagram
 * per measurement on the Unix socket chronyd listens on.
 */
#ifndef WEBNTP_SOCK_H
#define WEBNTP_SOCK_H

#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "err.h"

#define SOCK_MAGIC	0x534f434b	/* "SOCK" */

/* chrony's struct sock_sample, native layout. */
struct sock_sample {
	struct timeval	tv;	/* local time of the measurement */
	double		offset;	/* true - local, seconds */
	int		pulse;
	int		leap;	/* SAMPLE_LEAP_* */
	int		_pad;
	int		magic;
};

/* Fill s: local time, offset in ns, leap indicator. */
void	sock_fill(struct sock_sample *s, const struct timespec *local,
	    int64_t offset_ns, int leap);

/* Whether path fits a Unix socket address: 0, or -1 with e saying why. */
int	sock_check_path(const char *path, struct err *e);

/* Send one sample to the SOCK_DGRAM socket at path (connecting each time,
 * so a restarted chronyd is found again). -1 with e set on failure. */
int	sock_send(const char *path, const struct sock_sample *s,
	    struct err *e);

#endif
