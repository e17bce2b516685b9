/* ratelim.c: once a second at most, with a count (see ratelim.h). */
#include "config.h"

#include "ratelim.h"

bool
ratelim_allow(struct ratelim *r, int64_t mono, unsigned long *held)
{
	if (r->started && mono < r->next) {
		r->held++;
		return false;
	}
	r->started = true;
	r->next = mono + RATELIM_INTERVAL_NS;
	*held = r->held;
	r->held = 0;
	return true;
}
