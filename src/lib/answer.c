/*
 * answer.c: the JSON answer (PROTOCOL.md section 2). jansson escapes the
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

size_t
answer_error(char *buf, size_t cap, const char *msg)
{
	json_t *o;
	size_t n;

	o = json_pack("{s:s}", "error", msg);
	if (o == NULL)
		o = json_pack("{s:s}", "error", "bad request");
	n = json_dumpb(o, buf, cap > 1 ? cap - 1 : 0, JSON_COMPACT);
	json_decref(o);
	if (n == 0 || n > cap - 1) {
		n = (size_t)snprintf(buf, cap, "{\"error\":\"bad request\"}");
		if (n >= cap)
			n = cap - 1;
	}
	buf[n++] = '\n';
	return n;
}
