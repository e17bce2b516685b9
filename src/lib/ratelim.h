/*
 * ratelim.h: a repeated error is logged once a second at most, with a count
 * of those held back (doc/protocol.md section 4), so that no peer can flood a
 * log or spend the server's time writing it.
 */
#ifndef WEBNTP_RATELIM_H
#define WEBNTP_RATELIM_H

#include <stdbool.h>
#include <stdint.h>

#define RATELIM_INTERVAL_NS	INT64_C(1000000000)

/* One kind of log line; zero-initialized it allows the first line. */
struct ratelim {
	int64_t		next;		/* CLOCK_MONOTONIC ns */
	bool		started;
	unsigned long	held;		/* refused since the last allowed */
};

/*
 * Whether a line may be written at mono (CLOCK_MONOTONIC ns): at most one
 * per RATELIM_INTERVAL_NS. When it may, *held gets the number of lines
 * refused since the last one (to say so in this line) and the count starts
 * again.
 */
bool	ratelim_allow(struct ratelim *r, int64_t mono, unsigned long *held);

#endif
