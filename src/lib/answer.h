/*
 * answer.h: the JSON answer of doc/protocol.md section 2, shared by the
 * responder
 * and the sidecar (and read back by the client):
 * {"id":…,"it":…,"st":…,"time":…,"leap":…,"next":…,"step":…}\n
 */
#ifndef WEBNTP_ANSWER_H
#define WEBNTP_ANSWER_H

#include <stddef.h>
#include <time.h>

#include "err.h"
#include "leap.h"
#include "ts.h"

#define ANSWER_ID_MAX	1024	/* the JSON-escaped id, quotes included */
#define ANSWER_MAX	(ANSWER_ID_MAX + 8 * TS_TEXT_MAX + 64)

/* The server's name, escaped once (per request or per connection). */
struct answer_id {
	size_t	len;
	char	json[ANSWER_ID_MAX];	/* "…", with its quotes */
};

/* JSON-escape host (len bytes, UTF-8) with jansson. -1 with e set when it
 * is not UTF-8 or escapes to more than ANSWER_ID_MAX bytes. */
int	answer_id_set(struct answer_id *id, const char *host, size_t len,
	    struct err *e);

/* Write the answer and its newline into buf (ANSWER_MAX bytes at least);
 * returns the length. */
size_t	answer_format(char *buf, const struct answer_id *id,
	    const struct timespec *it, const struct timespec *st,
	    const struct leap_info *li);

/* {"error":"<msg>"}\n, escaped with jansson; returns the length (msg is cut
 * to fit cap, at a character boundary; a msg that is not UTF-8 becomes "bad
 * request"). 0 when cap cannot hold {"error":""}\n. Not NUL-terminated. */
size_t	answer_error(char *buf, size_t cap, const char *msg);

#endif
