/*
 * wsmsg.h: one message of webntp-ws (doc/protocol.md section 4): a text or
 * binary message holds a timestamp and gets the JSON answer of section 2,
 * or the close that says why not (1007 with a reason that is valid UTF-8
 * of at most 123 bytes, RFC 6455 section 5.5.1).
 */
#ifndef WEBNTP_WSMSG_H
#define WEBNTP_WSMSG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "answer.h"
#include "leap.h"
#include "wshttp.h"


/* The answer's leap fields at now (the sidecar's is leapsrc_lookup). */
typedef void wsmsg_leap_fn(void *ctx, const struct timespec *now,
    struct leap_info *out);

struct wsmsg {
	wsmsg_leap_fn		*leap;
	void			*leap_ctx;
	struct answer_id	 id;		/* scratch for answer_format */
	char			 out[ANSWER_MAX];
};

/* A close to send: code and reason (NUL-terminated, len bytes). */
struct wsmsg_close {
	uint16_t	code;
	uint8_t		len;
	char		reason[WSHTTP_REASON_MAX + 1];
};

/* The timestamp in message m (n bytes) into *it: 0, or -1 with cl set to
 * the 1007 close that says why (ts_parse's words, which quote the message
 * escaped). */
int	wsmsg_take(const uint8_t *m, size_t n, struct timespec *it,
	    struct wsmsg_close *cl);
/* Set cl to code and reason (UTF-8), cut at a character boundary to fit. */
void	wsmsg_close_set(struct wsmsg_close *cl, uint16_t code,
	    const char *reason);
/* The answer to it for the connection whose id (JSON, idlen bytes) is id,
 * with st read now, into w->out; returns its length. */
size_t	wsmsg_answer(struct wsmsg *w, const char *id, size_t idlen,
	    const struct timespec *it);

#endif
