/*
 * shm.h: the writer side of ntpd's shared-memory refclock (driver 28, "SHM"),
 * as read by ntpd, chrony (refclock SHM) and gpsd's ntpshmmon
 * (PROTOCOL.md section 7).
 */
#ifndef WEBNTP_SHM_H
#define WEBNTP_SHM_H

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
