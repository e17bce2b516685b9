/*
 * measure.c: one server, -p samples over one connection, a random pause in
 * [0, 1 s) between them, combined by sample_combine (doc/protocol.md
 * section 5).
 * As go-webntp's GetMulti: any failed sample fails the server.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "client.h"
#include "esc.h"
#include "ts.h"

/*
 * Random bytes without waiting for the kernel's pool: the pauses only
 * spread the load on the servers, and the WebSocket key and masks only
 * need to differ from one connection and frame to the next (RFC 6455
 * 10.3 asks masks to be unpredictable to scripts on a page; there are
 * none here). At boot, before the pool is seeded, plain getrandom blocks,
 * and a time client starts early: GRND_NONBLOCK, then GRND_INSECURE (Linux
 * 5.6: never blocks), then the clocks and the pid through a SplitMix64
 * finalizer.
 */
void
measure_random_bytes(void *buf, size_t n)
{
	static uint64_t seq;
	unsigned char *p = buf;
	ssize_t got = getrandom(p, n, GRND_NONBLOCK);

#ifdef GRND_INSECURE
	if (got != (ssize_t)n)
		got = getrandom(p, n, GRND_INSECURE);
#endif
	if (got == (ssize_t)n)
		return;
	for (size_t i = 0; i < n; i += sizeof(uint64_t)) {
		struct timespec now;
		uint64_t r;

		ts_now(&now);
		r = (uint64_t)ts_mono_ns() ^ (uint64_t)now.tv_nsec << 32 ^
		    (uint64_t)getpid() << 48;
		r += UINT64_C(0x9e3779b97f4a7c15) * ++seq;
		r = (r ^ r >> 30) * UINT64_C(0xbf58476d1ce4e5b9);
		r = (r ^ r >> 27) * UINT64_C(0x94d049bb133111eb);
		r ^= r >> 31;
		memcpy(p + i, &r, n - i < sizeof(r) ? n - i : sizeof(r));
	}
}

int64_t
measure_random(int64_t n)
{
	uint64_t r;

	if (n <= 0)
		return 0;
	measure_random_bytes(&r, sizeof(r));
	/* The modulo bias is below 2^-33 for n up to 2 s in ns. */
	return (int64_t)(r % (uint64_t)n);
}

int
measure_pause(int64_t ns)
{
	struct timespec d;

	if (client_stop)
		return -1;
	d.tv_sec = (time_t)(ns / TS_NS_PER_SEC);
	d.tv_nsec = (long)(ns % TS_NS_PER_SEC);
	while (nanosleep(&d, &d) == -1) {
		if (errno != EINTR || client_stop)
			return -1;
	}
	return 0;
}

const struct client_transport *
measure_transport(const char *url)
{
	static const struct {
		const char *prefix;
		const struct client_transport *t;
	} map[] = {
		{ "http://", &client_http },
		{ "https://", &client_http },
		{ "ws://", &client_ws },
		{ "wss://", &client_ws },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t n = strlen(map[i].prefix);

		if (strncasecmp(url, map[i].prefix, n) == 0 && url[n] != '\0')
			return map[i].t;
	}
	return NULL;
}

void
measure_server(const char *url, const struct client_opt *o,
    struct client_result *r)
{
	const struct client_transport *t;
	struct sample s[SAMPLE_MAX];
	struct client_exchange x;
	struct err e = { "" }, ew;
	struct bound acc, b;
	void *h;
	int i, n = 0;

	memset(r, 0, sizeof(*r));
	r->url = url;
	if ((t = measure_transport(url)) == NULL) {
		snprintf(r->error, sizeof(r->error),
		    "unsupported URL (http, https, ws or wss)");
		return;
	}
	if (t != &client_http && o->source >= CLIENT_SOURCE_HTTPSTIME) {
		snprintf(r->error, sizeof(r->error), "-source %s needs an "
		    "http:// or https:// URL", source_name(o->source));
		return;
	}
	if ((h = t->open(url, o, &e)) == NULL)
		goto fail;
	/* Not WebNTP's JSON (source.c): that source's own measurement. */
	if (o->source >= CLIENT_SOURCE_HTTPSTIME)
		goto web;
	for (i = 0; i < o->samples; i++) {
		if (i > 0 &&
		    measure_pause(measure_random(TS_NS_PER_SEC)) == -1) {
			err_set(&e, "interrupted");
			break;
		}
		memset(&x, 0, sizeof(x));
		if (t->exchange(h, &x, &e) == -1) {
			if (n == 0 && x.foreign && t == &client_http &&
			    o->source == CLIENT_SOURCE_AUTO)
				goto web;
			break;
		}
		if (reply_check_time(&x.st, &e) == -1 ||
		    sample_make(&x.start, &x.end, &x.st, &s[n], &e) == -1)
			break;
		/* st is printed to the microsecond (doc/protocol.md section 1). */
		bound_stamp(ts_to_ns(&x.start), ts_to_ns(&x.end),
		    ts_to_ns(&x.st), 1000, 1000, &b);
		if (n == 0)
			acc = b;
		else if (bound_intersect(&acc, &b) == -1) {
			err_set(&e, "the answers contradict each other (the "
			    "server's clock stepped?)");
			break;
		}
		r->li = x.li;
		n++;
	}
	t->close(h);
	if (n < o->samples)
		goto fail;
	r->used = sample_combine(s, (size_t)n, &r->s);
	r->source = CLIENT_SOURCE_JSON;
	r->lo = acc.lo;
	r->hi = acc.hi;
	r->bound = bound_around(&acc, r->s.offset);
	r->ok = true;
	return;
web:
	/* Its error if it tried; -source auto: else the JSON one stays. */
	err_clear(&ew);
	if ((i = source_web(h, url, o, r, &ew)) == 0)
		r->ok = true;
	else if (i == -1 || o->source != CLIENT_SOURCE_AUTO)
		snprintf(e.msg, sizeof(e.msg), "%s", ew.msg);
	t->close(h);
	if (r->ok)
		return;
fail:
	/* Messages may quote the server's bytes: keep them on one line. */
	esc_text(r->error, sizeof(r->error), e.msg, strlen(e.msg));
}
