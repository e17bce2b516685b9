/*
 * shm.h: the writer side of ntpd's shared-memory refclock (driver 28, "SHM"),
 * as read by ntpd, chrony (refclock SHM) and gpsd's ntpshmmon
 * (doc/protocol.md section 7).
 */
#ifndef WEBNTP_SHM_H
#define WEBNTP_SHM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define SHM_KEY_BASE	0x4E545030	/* "NTP0" */
#define SHM_UNIT_MAX	255

/* ntpd's struct shmTime, native layout. */
struct shm_time {
	int		mode;
	volatile int	count;
	time_t		clockTimeStampSec;
	int		clockTimeStampUSec;
	time_t		receiveTimeStampSec;
	int		receiveTimeStampUSec;
	int		leap;
	int		precision;
	int		nsamples;
	volatile int	valid;
	unsigned	clockTimeStampNSec;
	unsigned	receiveTimeStampNSec;
	int		dummy[8];
};

/*
 * The layout ntpd and chrony read (their struct shmTime, compiled with the
 * same time_t), pinned: with a 64-bit time_t aligned to 8 (Debian's 64-bit
 * ports, and armhf since its time64 move) 96 bytes; with a 32-bit time_t
 * (i386) 80. Any other layout (a 64-bit time_t aligned to 4, as i386
 * built with _TIME_BITS=64) stops the build: its readers could be either.
 */
#define SHM_T64		(sizeof(time_t) == 8)
#define SHM_PIN(f, off) _Static_assert( \
	offsetof(struct shm_time, f) == (off), \
	"struct shm_time: " #f " is not where ntpd reads it")
_Static_assert((sizeof(time_t) == 8 || sizeof(time_t) == 4) &&
    _Alignof(time_t) == sizeof(time_t),
    "time_t is neither 64 bits aligned to 8 nor 32 bits: no known SHM ABI");
_Static_assert(sizeof(struct shm_time) == (SHM_T64 ? 96 : 80),
    "struct shm_time is not the size of ntpd's struct shmTime");
SHM_PIN(mode, 0);
SHM_PIN(count, 4);
SHM_PIN(clockTimeStampSec, 8);
SHM_PIN(clockTimeStampUSec, SHM_T64 ? 16 : 12);
SHM_PIN(receiveTimeStampSec, SHM_T64 ? 24 : 16);
SHM_PIN(receiveTimeStampUSec, SHM_T64 ? 32 : 20);
SHM_PIN(leap, SHM_T64 ? 36 : 24);
SHM_PIN(precision, SHM_T64 ? 40 : 28);
SHM_PIN(nsamples, SHM_T64 ? 44 : 32);
SHM_PIN(valid, SHM_T64 ? 48 : 36);
SHM_PIN(clockTimeStampNSec, SHM_T64 ? 52 : 40);
SHM_PIN(receiveTimeStampNSec, SHM_T64 ? 56 : 44);
SHM_PIN(dummy, SHM_T64 ? 60 : 48);

/* What one write publishes. */
struct shm_sample {
	struct timespec	clock;		/* local + offset */
	struct timespec	receive;	/* local time of the sample */
	int		leap;		/* SAMPLE_LEAP_* */
	int		precision;	/* log2 seconds */
};

/* Attach segment 0x4E545030 + unit, creating it if missing (0600 for units
 * 0 and 1, 0666 from 2 on, as ntpd does). NULL with e set on failure. */
struct shm_time	*shm_attach(int unit, struct err *e);
void		 shm_detach(struct shm_time *t);

/* Publish one sample with mode 1's count protocol. */
void	shm_write(struct shm_time *t, const struct shm_sample *s);

/* floor(log2(delay in seconds)); delay <= 0 counts as 1 ns. */
int	shm_precision(int64_t delay_ns);

#endif
