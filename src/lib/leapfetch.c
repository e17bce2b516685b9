/* leapfetch.c: PLACEHOLDER until the download thread lands (see leapfetch.h). */
#include "config.h"

#include "leapfetch.h"

enum leapfetch_result
leapfetch_once(const struct leapfetch_config *cfg, struct err *e)
{
	err_set(e, "leap-second download not implemented yet");
	return LEAPFETCH_FAILED;
}

int
leapfetch_start(struct leapfetch **out, const struct leapfetch_config *cfg,
    struct err *e)
{
	*out = NULL;
	return 0;
}

void
leapfetch_stop(struct leapfetch *f)
{
}
