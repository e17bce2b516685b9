/*
 * answer.c: the JSON answer (doc/protocol.md section 2). jansson escapes the
 * strings; the numbers are written by ts_format because JSON encoders print
 * reals in shortest or %.17g form, and the protocol wants exactly six
 * decimals, never an exponent.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "answer.h"
#include "esc.h"

int
answer_id_set(struct answer_id *id, const char *host, size_t len,
    struct err *e)
{
	json_t *s;
	size_t n;

	id->len = 0;
	s = json_stringn(host, len);
	if (s == NULL) {
		err_set(e, "host name is not UTF-8");
		return -1;
	}
	n = json_dumpb(s, id->json, sizeof(id->json), JSON_ENCODE_ANY);
	json_decref(s);
	if (n == 0 || n > sizeof(id->json)) {
		err_set(e, "host name longer than %d bytes escaped",
		    ANSWER_ID_MAX);
		return -1;
	}
	id->len = n;
	return 0;
}

static char *
answer_put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define PUT_LIT(p, lit)	((p) = answer_put((p), (lit), sizeof(lit) - 1))

size_t
answer_format(char *buf, const struct answer_id *id,
    const struct timespec *it, const struct timespec *st,
    const struct leap_info *li)
{
	char ts[TS_TEXT_MAX], *p = buf;
	struct timespec next = { .tv_sec = (time_t)li->next, .tv_nsec = 0 };
	size_t n;

	PUT_LIT(p, "{\"id\":");
	p = answer_put(p, id->json, id->len);
	PUT_LIT(p, ",\"it\":");
	p = answer_put(p, ts, ts_format(it, ts));
	PUT_LIT(p, ",\"st\":");
	n = ts_format(st, ts);
	p = answer_put(p, ts, n);
	PUT_LIT(p, ",\"time\":");
	p = answer_put(p, ts, n);
	p += sprintf(p, ",\"leap\":%d,\"next\":", li->leap);
	p = answer_put(p, ts, ts_format(&next, ts));
	p += sprintf(p, ",\"step\":%d}\n", li->step);
	return (size_t)(p - buf);
}

/* {"error":"<len bytes of msg>"} into buf; its length (> room when it did
 * not fit), or SIZE_MAX when jansson failed. */
static size_t
answer_error_try(char *buf, size_t room, const char *msg, size_t len)
{
	json_t *o;
	size_t n;

	o = json_pack("{s:s#}", "error", msg, (int)len);
	if (o == NULL)
		return SIZE_MAX;
	n = json_dumpb(o, buf, room, JSON_COMPACT);
	json_decref(o);
	return n == 0 ? SIZE_MAX : n;
}

size_t
answer_error(char *buf, size_t cap, const char *msg)
{
	size_t room, len, lo, hi, mid, n;
	json_t *s;

	if (cap < sizeof("{\"error\":\"\"}\n") - 1)
		return 0;
	room = cap - 1;
	len = strlen(msg);
	s = json_stringn(msg, len);
	if (s == NULL) {
		msg = "bad request";	/* not UTF-8 */
		len = strlen(msg);
	}
	json_decref(s);
	/* The JSON is longer than the message: no need to try more. */
	if (len > room)
		len = esc_utf8_prefix(msg, len, room);
	n = answer_error_try(buf, room, msg, len);
	if (n != SIZE_MAX && n > room) {
		/* Escapes make the length of the JSON hard to foresee: search
		 * for the longest prefix that fits (the empty one does). */
		lo = 0;
		hi = len;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (answer_error_try(buf, room, msg,
			    esc_utf8_prefix(msg, len, mid)) <= room)
				lo = mid;
			else
				hi = mid;
		}
		n = answer_error_try(buf, room, msg,
		    esc_utf8_prefix(msg, len, lo));
	}
	if (n == SIZE_MAX || n > room)
		return 0;
	buf[n++] = '\n';
	return n;
}
