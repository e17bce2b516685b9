/*
 * reply.c: read the server's JSON answer (doc/protocol.md section 2) with
 * jansson: "st", else "time" (older htptime servers), and the leap fields.
 * The body is hostile: bounded by the caller, any other shape is an error.
 * Then judge the time it gives (section 5): before this program was built,
 * or a century after, it cannot be true, whatever the local clock says.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "client.h"
#include "ts.h"

/* A JSON number of seconds as a timespec; the double is only the edge. */
static int
reply_time(json_t *v, const char *name, struct timespec *out, struct err *e)
{
	double d;

	if (!json_is_number(v)) {
		err_set(e, "the answer's \"%s\" is not a number", name);
		return -1;
	}
	d = json_number_value(v);
	if (!isfinite(d) || fabs(d) >= (double)TS_MAX_SEC) {
		err_set(e, "the answer's \"%s\" is out of range", name);
		return -1;
	}
	ts_from_double(d, out);
	return 0;
}

int
reply_parse(const char *buf, size_t len, struct client_exchange *x,
    struct err *e)
{
	json_error_t je;
	json_t *root, *v;
	struct timespec next;
	int rc = -1;

	/* foreign: not WebNTP's answer at all (a web page), which other
	 * sources may still time; a WebNTP answer that is wrong is not. */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		x->foreign = true;
		err_set(e, "the answer is not JSON: %s", je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		x->foreign = true;
		err_set(e, "the answer is not a JSON object");
		goto out;
	}
	v = json_object_get(root, "st");
	if (v == NULL) {
		v = json_object_get(root, "time");
		if (v == NULL) {
			x->foreign = true;
			err_set(e,
			    "the answer has neither \"st\" nor \"time\"");
			goto out;
		}
		if (reply_time(v, "time", &x->st, e) == -1)
			goto out;
	} else if (reply_time(v, "st", &x->st, e) == -1)
		goto out;

	memset(&x->li, 0, sizeof(x->li));
	if ((v = json_object_get(root, "next")) != NULL) {
		if (reply_time(v, "next", &next, e) == -1)
			goto out;
		x->li.next = next.tv_sec;
	}
	if ((v = json_object_get(root, "leap")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < -1000 ||
		    json_integer_value(v) > 1000) {
			err_set(e,
			    "the answer's \"leap\" is not a small integer");
			goto out;
		}
		x->li.leap = (int)json_integer_value(v);
	}
	if ((v = json_object_get(root, "step")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < -1 ||
		    json_integer_value(v) > 1) {
			err_set(e, "the answer's \"step\" is not -1, 0 or 1");
			goto out;
		}
		x->li.step = (int)json_integer_value(v);
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int
reply_check_time(const struct timespec *st, struct err *e)
{
	/*
	 * Like systemd-timesyncd, which refuses times before its build: the
	 * lower bound comes from the build, never from the local clock, so
	 * a machine that booted in 1970 still takes any true answer.
	 */
	const int64_t lo = WEBNTP_BUILD_EPOCH, hi = lo + CLIENT_TIME_SPAN;
	char when[64], built[64];

	if (st->tv_sec >= lo && (st->tv_sec < hi ||
	    (st->tv_sec == hi && st->tv_nsec == 0)))
		return 0;
	ts_utc(st->tv_sec, "%Y-%m-%dT%H:%M:%SZ", when, sizeof(when));
	ts_utc(lo, "%Y-%m-%dT%H:%M:%SZ", built, sizeof(built));
	if (st->tv_sec < lo)
		err_set(e, "the server's time %s is before this program was "
		    "built (%s): its clock is wrong", when, built);
	else
		err_set(e, "the server's time %s is more than 100 years after "
		    "this program was built (%s): its clock is wrong", when,
		    built);
	return -1;
}
