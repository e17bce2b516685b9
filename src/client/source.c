/*
 * source.c: which of a web server's clocks to read (issue 12), and the
 * round's result over several servers.
 *
 * -source auto takes the best a URL offers: WebNTP's JSON (measure.c,
 * the GET of the URL as given, as go-webntp does); when that answer is a
 * web server's, not WebNTP's (a page, a 204, a redirect: never an error
 * status, never a WebNTP answer that is wrong), X-HTTPSTIME (httpstime.c)
 * from a HEAD of /.well-known/time, or of the URL when it has a path;
 * else the Date of a HEAD of the URL (date.c), when that answer is not a
 * 4xx or 5xx. -source httpstime and -source date take only that one, from
 * any answer. A 4xx for /.well-known/time is noted for a day (wkcache.c)
 * and only stops the X-HTTPSTIME question: the Date of the URL itself is
 * still that server's clock.
 *
 * The result: the intervals of the servers that answered, selected by
 * select.c; with one server, that server's own (the go-webntp lines stay
 * as they were); with more, the middle of the region the majority shares,
 * and its half-width as the bound.
 */
#include "config.h"

#include <string.h>

#include "client.h"
#include "esc.h"
#include "ts.h"

const char *
source_name(enum client_source s)
{
	switch (s) {
	case CLIENT_SOURCE_JSON:
		return "json";
	case CLIENT_SOURCE_HTTPSTIME:
		return "httpstime";
	case CLIENT_SOURCE_DATE:
		return "date";
	default:
		return "auto";
	}
}

int
source_web(void *h, const char *url, const struct client_opt *o,
    struct client_result *r, struct err *e)
{
	char turl[4096];
	struct http_head a;
	struct timespec now;
	struct err e2 = { "" };
	bool wk;

	if (o->source != CLIENT_SOURCE_DATE) {
		if (httpstime_url(url, turl, sizeof(turl), &wk) == -1) {
			err_set(e, "cannot make the X-HTTPSTIME URL");
			return -1;
		}
		ts_now(&now);
		if (wk && wkcache_refused(url, ts_to_ns(&now))) {
			err_set(&e2, "%s declined (4xx) within the day", turl);
		} else if (http_head(h, turl, &a, &e2) == 0) {
			if (a.status >= 200 && a.status <= 299 &&
			    a.has_httpstime)
				return httpstime_measure(h, turl, o, r, e);
			if (wk && a.status >= 400 && a.status <= 499)
				wkcache_note(url, ts_to_ns(&now), NULL);
			err_set(&e2, "no X-HTTPSTIME from %s (HTTP status "
			    "%ld)", turl, a.status);
		}
		if (o->source == CLIENT_SOURCE_HTTPSTIME) {
			err_set(e, "%s", e2.msg);
			return -1;
		}
	}
	if (o->source == CLIENT_SOURCE_AUTO) {
		/* A URL that is an error is reported as one. */
		if (http_head(h, NULL, &a, e) == -1)
			return -1;
		if (!a.has_date || a.status >= 400) {
			err_set(e, "no X-HTTPSTIME or Date to time (HEAD: HTTP "
			    "status %ld)", a.status);
			return -2;
		}
	}
	return date_measure(h, NULL, o, r, e);
}

int
source_select(struct client_result *r, int n, struct client_result *res)
{
	struct bound b[SELECT_MAX];
	bool ok[SELECT_MAX];
	int idx[SELECT_MAX];
	struct select_out out;
	struct client_result *best = NULL, *leap = NULL;
	int i, k = 0;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < n && k < SELECT_MAX; i++) {
		if (!r[i].ok)
			continue;
		b[k].lo = r[i].lo;
		b[k].hi = r[i].hi;
		idx[k++] = i;
	}
	if (k == 0) {
		snprintf(res->error, sizeof(res->error), "no server answered");
		return -1;
	}
	if (select_majority(b, k, ok, &out) == -1) {
		snprintf(res->error, sizeof(res->error), "no majority: of %d "
		    "servers that answered, at most %d agree on the time, "
		    "which is too few to tell the true from the false", k,
		    out.agree);
		return -1;
	}
	for (i = 0; i < k; i++) {
		struct client_result *x = &r[idx[i]];

		x->falseticker = !ok[i];
		if (!ok[i])
			continue;
		if (best == NULL || x->bound < best->bound ||
		    (x->bound == best->bound && x->s.delay < best->s.delay))
			best = x;
		/* Only WebNTP's answers tell of leap seconds. */
		if (leap == NULL && x->source == CLIENT_SOURCE_JSON)
			leap = x;
	}
	*res = *best;
	res->agree = out.agree;
	if (out.agree > 1) {
		res->lo = out.in.lo;
		res->hi = out.in.hi;
		res->s.offset = bound_mid(&out.in);
		res->bound = bound_half(&out.in);
		memset(&res->li, 0, sizeof(res->li));
		if (leap != NULL)
			res->li = leap->li;
	}
	return 0;
}
