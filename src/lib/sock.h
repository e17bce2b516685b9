/*
 * sock.h: samples for chrony's SOCK refclock (refclock_sock.c): one datagram
 * per measurement on the Unix socket chronyd listens on.
 */
#ifndef WEBNTP_SOCK_H
#define WEBNTP_SOCK_H

#include <stddef.h>
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

/*
 * chronyd takes a datagram of exactly its sizeof(struct sock_sample): with
 * a 64-bit time_t (Debian's 64-bit ports, armhf's time64) 40 bytes, with a
 * 32-bit one (i386) 32; pinned, field by field, as shm.h pins its struct.
 */
#define SOCK_T64	(sizeof(time_t) == 8)
#define SOCK_PIN(f, off) _Static_assert( \
	offsetof(struct sock_sample, f) == (off), \
	"struct sock_sample: " #f " is not where chronyd reads it")
_Static_assert(sizeof(struct sock_sample) == (SOCK_T64 ? 40 : 32),
    "struct sock_sample is not the size of chrony's");
SOCK_PIN(tv.tv_sec, 0);
SOCK_PIN(tv.tv_usec, SOCK_T64 ? 8 : 4);
SOCK_PIN(offset, SOCK_T64 ? 16 : 8);
SOCK_PIN(pulse, SOCK_T64 ? 24 : 16);
SOCK_PIN(leap, SOCK_T64 ? 28 : 20);
SOCK_PIN(_pad, SOCK_T64 ? 32 : 24);
SOCK_PIN(magic, SOCK_T64 ? 36 : 28);

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
