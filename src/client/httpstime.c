/*
 * httpstime.c: the X-HTTPSTIME header of the Time over HTTPS
 * specification (phk.freebsd.dk/time/20151129), the "improved timekeeping
 * response": a HEAD of /.well-known/time (of the URL as given when it has
 * a path) answered with the server's clock in decimal seconds since the
 * epoch, "1448833939.123456" (doc/protocol.md section 3: WebNTP's responder
 * sends it too). -p HEADs over the kept connection, random pauses between
 * as for JSON; each answer's interval (bound.c) is intersected.
 *
 * NOTES: servers print the value rounded (WebNTP's %.6f) or truncated,
 * so the clock was in [v - unit/2, v + unit) for the unit of the last
 * digit given: both cases at once, never more than 1.5 units wide.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include <curl/curl.h>

#include "client.h"
#include "esc.h"
#include "ts.h"

int
httpstime_parse(const char *v, struct timespec *t, int64_t *res,
    struct err *e)
{
	const char *p = v, *dot = NULL;
	char shown[64];
	int frac = 0;

	for (; *p != '\0'; p++) {
		if (*p == '.' && dot == NULL && p > v)
			dot = p;
		else if (!isdigit((unsigned char)*p))
			break;
		else if (dot != NULL)
			frac++;
	}
	if (*p != '\0' || p == v || (dot != NULL && frac == 0) ||
	    ts_parse(v, strlen(v), t, NULL) == -1) {
		esc_text(shown, sizeof(shown), v, strlen(v));
		err_set(e, "X-HTTPSTIME \"%s\" is not decimal seconds", shown);
		return -1;
	}
	*res = TS_NS_PER_SEC;
	for (; frac > 0 && *res > 1; frac--)
		*res /= 10;
	return 0;
}

int
httpstime_url(const char *url, char *out, size_t cap, bool *wellknown)
{
	CURLU *u = curl_url();
	char *path = NULL, *query = NULL, *full = NULL;
	int rc = -1;

	*wellknown = false;
	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK &&
	    (strcmp(path, "/") == 0 || path[0] == '\0')) {
		*wellknown = true;
		if (curl_url_set(u, CURLUPART_PATH, "/.well-known/time", 0) !=
		    CURLUE_OK ||
		    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK)
			goto out;
		url = full;
	}
	if (strlen(url) < cap) {
		memcpy(out, url, strlen(url) + 1);
		rc = 0;
	}
out:
	curl_free(full);
	curl_free(query);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

int
httpstime_measure(void *h, const char *url, const struct client_opt *o,
    struct client_result *r, struct err *e)
{
	struct http_head a;
	struct timespec t;
	struct bound acc, b;
	struct sample s;
	int64_t res;
	int i;

	for (i = 0; i < o->samples; i++) {
		if (i > 0 &&
		    measure_pause(measure_random(TS_NS_PER_SEC)) == -1) {
			err_set(e, "interrupted");
			return -1;
		}
		if (http_head(h, url, &a, e) == -1)
			return -1;
		if (a.status < 200 || a.status > 299) {
			err_set(e, "HEAD for X-HTTPSTIME: HTTP status %ld",
			    a.status);
			return -1;
		}
		if (!a.has_httpstime) {
			err_set(e, "the answer has no X-HTTPSTIME");
			return -1;
		}
		if (httpstime_parse(a.httpstime, &t, &res, e) == -1 ||
		    reply_check_time(&t, e) == -1 ||
		    sample_make(&a.start, &a.end, &t, &s, e) == -1)
			return -1;
		bound_stamp(ts_to_ns(&a.start), ts_to_ns(&a.end), ts_to_ns(&t),
		    res / 2, res, &b);
		if (i == 0) {
			acc = b;
			r->s.delay = s.delay;
		} else if (bound_intersect(&acc, &b) == -1) {
			err_set(e, "the X-HTTPSTIME answers contradict each "
			    "other (the server's clock stepped?)");
			return -1;
		}
		if (s.delay < r->s.delay)
			r->s.delay = s.delay;
	}
	r->source = CLIENT_SOURCE_HTTPSTIME;
	r->used = o->samples;
	r->lo = acc.lo;
	r->hi = acc.hi;
	r->s.offset = bound_mid(&acc);
	r->bound = bound_half(&acc);
	return 0;
}
