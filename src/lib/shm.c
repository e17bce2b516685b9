/*
 * shm.c: ntpd shared-memory refclock writer (driver 28; doc/protocol.md
 * section 7). Mode 1: the reader checks count before and after copying, so
 * the writer bumps count around the fields and flags valid last. Both the
 * microsecond and nanosecond fields are filled: chrony uses the nanoseconds
 * only when they agree with the microseconds.
 */
#include "config.h"

#include <errno.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "shm.h"
#include "ts.h"

struct shm_time *
shm_attach(int unit, struct err *e)
{
	void *p;
	int id, perm;

	if (unit < 0 || unit > SHM_UNIT_MAX) {
		err_set(e, "invalid SHM unit %d: not in 0..%d", unit,
		    SHM_UNIT_MAX);
		return NULL;
	}
	perm = unit <= 1 ? 0600 : 0666;
	id = shmget((key_t)(SHM_KEY_BASE + unit), sizeof(struct shm_time),
	    IPC_CREAT | perm);
	if (id == -1) {
		err_setsys(e, "shmget of SHM unit %d (key 0x%08x)", unit,
		    SHM_KEY_BASE + unit);
		return NULL;
	}
	p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		err_setsys(e, "shmat of SHM unit %d", unit);
		return NULL;
	}
	return p;
}

void
shm_detach(struct shm_time *t)
{
	if (t != NULL)
		shmdt(t);
}

void
shm_write(struct shm_time *t, const struct shm_sample *s)
{
	t->valid = 0;
	t->mode = 1;
	t->count++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->clockTimeStampSec = s->clock.tv_sec;
	t->clockTimeStampUSec = (int)(s->clock.tv_nsec / 1000);
	t->clockTimeStampNSec = (unsigned)s->clock.tv_nsec;
	t->receiveTimeStampSec = s->receive.tv_sec;
	t->receiveTimeStampUSec = (int)(s->receive.tv_nsec / 1000);
	t->receiveTimeStampNSec = (unsigned)s->receive.tv_nsec;
	t->leap = s->leap;
	t->precision = s->precision;
	t->nsamples = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->count++;
	t->valid = 1;
}

int
shm_precision(int64_t delay_ns)
{
	int p = 0;

	if (delay_ns <= 0)
		delay_ns = 1;
	if (delay_ns < TS_NS_PER_SEC) {
		/* The smallest n with delay * 2^n >= 1 s; delay < 2^30 ns here
		 * after at most 30 doublings, so no overflow. */
		while (delay_ns < TS_NS_PER_SEC) {
			delay_ns *= 2;
			p--;
		}
		return p;
	}
	while (delay_ns / 2 >= TS_NS_PER_SEC) {
		delay_ns /= 2;
		p++;
	}
	return p;
}
