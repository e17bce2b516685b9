/*
 * wsmsg.c: a message in, its answer or its close out (see wsmsg.h;
 * doc/protocol.md sections 2 and 4). The answer is answer_format(), the
 * responder's very code; st is read last, right before the answer is
 * queued, after the leap lookup (which may reload the table).
 */
#include "config.h"

#include <string.h>

#include "err.h"
#include "esc.h"
#include "ts.h"
#include "wsmsg.h"

void
wsmsg_close_set(struct wsmsg_close *cl, uint16_t code, const char *reason)
{
	size_t n = esc_utf8_prefix(reason, strlen(reason), WSHTTP_REASON_MAX);

	cl->code = code;
	cl->len = (uint8_t)n;
	memcpy(cl->reason, reason, n);
	cl->reason[n] = '\0';
}

int
wsmsg_take(const uint8_t *m, size_t n, struct timespec *it,
    struct wsmsg_close *cl)
{
	struct err e = { .msg = "" };

	if (m == NULL)		/* wslay's empty message */
		m = (const uint8_t *)"";
	if (ts_parse((const char *)m, n, it, &e) == 0)
		return 0;
	wsmsg_close_set(cl, 1007, e.msg);
	return -1;
}

size_t
wsmsg_answer(struct wsmsg *w, const char *id, size_t idlen,
    const struct timespec *it)
{
	struct leap_info li;
	struct timespec st;

	memcpy(w->id.json, id, idlen);
	w->id.len = idlen;
	ts_now(&st);
	w->leap(w->leap_ctx, &st, &li);
	ts_now(&st);
	return answer_format(w->out, &w->id, it, &st, &li);
}
