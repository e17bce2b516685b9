/*
 * test_wsconn.c: one webntp-ws connection's life (src/sidecar/wsconn.c,
 * doc/protocol.md section 4) on a socket in memory (tests/fuzz/memio.h), the
 * clock moved by hand: answers before any close, every close over within 2
 * s whether or not the peer reads, at most WSCONN_QUEUE_MAX answers queued
 * for a peer that does not read, 503 beyond -max-connections, the idle
 * close, the shutdown's 1001, the wslay context freed between messages,
 * and log lines once a second with a count. Table-driven.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>

#include "wsconn.c"
#include "memio.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SEC		TS_NS_PER_SEC
#define IDLE		(5 * SEC)
#define REQ	"GET / HTTP/1.1\r\nHost: h:1\r\nUpgrade: websocket\r\n" \
	"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" \
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
#define TS	"1558915619.944235"

static struct wsconn_set set;
static uint8_t inbuf[1 << 20];

/* A masked client frame: first byte, payload; len16: the long form. */
static size_t
frame(uint8_t *out, uint8_t b0, const char *p, bool len16)
{
	size_t n = strlen(p), k = 0;

	out[k++] = b0;
	if (len16 || n > 125) {
		out[k++] = 0x80 | 126;
		out[k++] = (uint8_t)(n >> 8);
		out[k++] = (uint8_t)n;
	} else {
		out[k++] = (uint8_t)(0x80 | n);
	}
	memcpy(out + k, "\x11\x22\x33\x44", 4);
	k += 4;
	for (size_t i = 0; i < n; i++)
		out[k + i] = (uint8_t)p[i] ^ (uint8_t)"\x11\x22\x33\x44"[i % 4];
	return k + n;
}

/* The request and frames from a spec: words "t:TEXT" (text), "T:TEXT"
 * (text, 16-bit length), "p:" (ping), "c:" (close 1000), "n*t:TEXT" (n of
 * them). */
static size_t
build(const char *req, const char *spec)
{
	size_t n = strlen(req);
	char words[4096], *w, *save = NULL;

	memcpy(inbuf, req, n);
	snprintf(words, sizeof(words), "%s", spec);
	for (w = strtok_r(words, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		int times = 1;
		char *star = strchr(w, '*');

		if (star != NULL) {
			times = atoi(w);
			w = star + 1;
		}
		for (int i = 0; i < times; i++) {
			if (w[0] == 't' || w[0] == 'T')
				n += frame(inbuf + n, 0x81, w + 2, w[0] == 'T');
			else if (w[0] == 'p')
				n += frame(inbuf + n, 0x89, "p", false);
			else
				n += frame(inbuf + n, 0x88, "\x03\xe8", false);
		}
	}
	return n;
}

/* What came out: the status, answers, and the close code (-1: none). */
struct result {
	int	status;
	int	answers;
	int	pongs;
	int	close;
	char	reason[128];
	bool	after_close;
};

static void
parse(const struct memio *m, struct result *r)
{
	const uint8_t *o = m->out, *end;
	size_t n = m->outlen;

	memset(r, 0, sizeof(*r));
	r->close = -1;
	if (n < 12 || (end = memmem(o, n, "\r\n\r\n", 4)) == NULL)
		return;
	r->status = atoi((const char *)o + 9);
	n -= (size_t)(end + 4 - o);
	o = end + 4;
	while (n >= 2) {
		size_t len = o[1] & 0x7f, h = 2;

		if (len == 126) {
			len = (size_t)o[2] << 8 | o[3];
			h = 4;
		}
		if (n < h + len)
			break;
		if (r->close >= 0)
			r->after_close = true;
		if ((o[0] & 0x0f) == 1)
			r->answers++;
		else if ((o[0] & 0x0f) == 0xa)
			r->pongs++;
		else if ((o[0] & 0x0f) == 8 && len >= 2) {
			r->close = o[h] << 8 | o[h + 1];
			snprintf(r->reason, sizeof(r->reason), "%.*s",
			    (int)(len - 2), o + h + 2);
		}
		o += h + len;
		n -= h + len;
	}
}

static size_t queued_max;
static bool flight_freed;

static void
check(struct wsconn_set *s, struct memio *m)
{
	(void)s;
	if (m->c == NULL)
		return;
	if (m->c->fl != NULL) {
		size_t q = wslay_event_get_queued_msg_count(m->c->fl->ws);

		if (q > queued_max)
			queued_max = q;
	} else if (m->c->state == WSCONN_OPEN && m->outlen > 200) {
		flight_freed = true;
	}
}

static void
start(struct memio *m, size_t max)
{
	memset(&set, 0, sizeof(set));
	memset(m, 0, sizeof(*m));
	m->room = SIZE_MAX;
	wsconn_init(&set, &memio_io, m, IDLE, max, false);
	set.msg.leap = memio_leap;
	set.now = 100 * SEC;
	queued_max = 0;
	flight_freed = false;
}

static const struct {
	const char	*what;
	const char	*req;		/* NULL: REQ */
	const char	*spec;
	size_t		 chunk;
	bool		 eof;		/* the peer closes after its bytes */
	size_t		 room;		/* 0: the peer reads all */
	bool		 full;		/* -max-connections 0 */
	int		 status;
	int		 answers;	/* -1: any */
	int		 close;		/* -1: none */
	const char	*reason;	/* NULL: any */
	bool		 reset;		/* ended by the deadline */
	int64_t		 within;	/* gone within this long */
} cases[] = {
	{ "messages and a close in one read", NULL, "t:" TS " t:2 t:3 c:", 0,
	    true, 0, false, 101, 3, 1000, "", false, SEC },
	{ "the same, byte by byte", NULL, "t:" TS " t:2 t:3 c:", 1, true, 0,
	    false, 101, 3, 1000, "", false, SEC },
	{ "a ping among them", NULL, "t:1 p: t:2 c:", 0, true, 0, false, 101,
	    2, 1000, "", false, SEC },
	{ "a peer that closes and leaves", NULL, "t:1 c:", 0, false, 0, false,
	    101, 1, 1000, "", true, 3 * SEC },
	{ "a bad message after two", NULL, "t:1 t:2 t:hello t:3", 0, true, 0,
	    false, 101, 2, 1007, "not a timestamp: \"hello\"", false, SEC },
	{ "a long form after one", NULL, "t:1 T:2 t:3", 7, true, 0, false,
	    101, 1, 1002, "length not in its shortest form", false, SEC },
	{ "idle", NULL, "t:1", 0, false, 0, false, 101, 1, 1000,
	    "idle timeout", true, IDLE + 3 * SEC },
	{ "a peer that never reads", NULL, "3000*t:" TS, 0, false, 1000,
	    false, 101, -1, -1, NULL, true, IDLE + 3 * SEC },
	/* (A millisecond per byte read: 64 messages more after the last
	 * answer that left, then the idle timeout, then the deadline.) */
	{ "a peer that reads a little, byte by byte", NULL, "500*t:" TS, 1,
	    false, 3000, false, 101, -1, -1, NULL, true, IDLE + 5 * SEC },
	{ "a peer that reads nothing after the 101", NULL, "t:1 t:hello", 0,
	    false, 129, false, 101, 0, -1, NULL, true, 3 * SEC },
	{ "over -max-connections", NULL, "t:1", 0, true, 0, true, 503, 0, -1,
	    NULL, false, SEC },
	{ "plain HTTP", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", "", 0, true, 0,
	    false, 426, 0, -1, NULL, false, SEC },
	{ "bare LF", "GET / HTTP/1.1\nHost: h\n", "", 0, false, 0, false,
	    400, 0, -1, NULL, true, 3 * SEC },
	{ "a request never finished", "GET / HTTP/1.1\r\nHost", "", 0, false,
	    0, false, 0, 0, -1, NULL, false, 11 * SEC },
};

START_TEST(test_life)
{
	struct memio m;
	struct result r;
	int64_t t0;

	start(&m, cases[_i].full ? 0 : 10);
	m.in = inbuf;
	m.inlen = build(cases[_i].req != NULL ? cases[_i].req : REQ,
	    cases[_i].spec);
	m.chunk = cases[_i].chunk;
	m.eof = cases[_i].eof;
	if (cases[_i].room != 0)
		m.room = cases[_i].room;
	t0 = set.now;
	wsconn_add(&set, MEMIO_FD);
	ck_assert_msg(memio_run(&set, &m, 1000000, check) != 0,
	    "%s: did not end", cases[_i].what);
	ck_assert_uint_eq(wsconn_count(&set), 0);
	parse(&m, &r);
	ck_assert_msg(r.status == cases[_i].status, "%s: status %d",
	    cases[_i].what, r.status);
	if (cases[_i].answers >= 0)
		ck_assert_msg(r.answers == cases[_i].answers, "%s: %d answers",
		    cases[_i].what, r.answers);
	ck_assert_msg(r.close == cases[_i].close, "%s: close %d",
	    cases[_i].what, r.close);
	if (cases[_i].reason != NULL)
		ck_assert_str_eq(r.reason, cases[_i].reason);
	ck_assert(!r.after_close);
	ck_assert_msg(m.reset == cases[_i].reset, "%s: reset %d",
	    cases[_i].what, m.reset);
	ck_assert_msg(set.now - t0 <= cases[_i].within, "%s: %lld ms",
	    cases[_i].what, (long long)((set.now - t0) / 1000000));
	ck_assert_uint_le(queued_max, WSCONN_QUEUE_MAX);
	ck_assert(!m.bad_line);
	wsconn_free_all(&set);
	free(m.out);
}
END_TEST

/* Between messages an open connection holds no wslay context. */
START_TEST(test_flight_freed)
{
	struct memio m;

	start(&m, 10);
	m.in = inbuf;
	m.inlen = build(REQ, "t:1 t:2");
	wsconn_add(&set, MEMIO_FD);
	ck_assert(memio_run(&set, &m, 100000, check) != 0);
	ck_assert(flight_freed);
	free(m.out);
}
END_TEST

/* SIGTERM: 1001 to an open connection, and gone within 2 s even when the
 * peer does not read it. */
START_TEST(test_stop)
{
	struct memio m;
	struct result r;

	for (int reads = 0; reads < 2; reads++) {
		start(&m, 10);
		m.in = inbuf;
		m.inlen = build(REQ, "t:1");
		m.room = reads ? SIZE_MAX : 129 + 100;
		wsconn_add(&set, MEMIO_FD);
		for (int i = 0; i < 10; i++)
			wsconn_event(&set, m.c, true, true, false);
		wsconn_stop(&set);
		set.now += 2 * SEC;
		wsconn_expire(&set);
		ck_assert_uint_eq(wsconn_count(&set), 0);
		parse(&m, &r);
		ck_assert_int_eq(r.close, reads ? 1001 : -1);
		if (reads)
			ck_assert_str_eq(r.reason, "server shutting down");
		free(m.out);
	}
}
END_TEST

/* A line a second per kind, then the count of those held back. */
START_TEST(test_log_rate)
{
	struct memio m;

	start(&m, 0);
	m.eof = true;
	for (int i = 0; i < 5; i++) {
		m.closed = false;
		wsconn_add(&set, MEMIO_FD);
	}
	ck_assert_uint_eq(m.lines, 1);
	set.now += SEC / 2;
	wsconn_expire(&set);
	ck_assert_uint_eq(m.lines, 1);
	set.now += SEC;
	wsconn_expire(&set);
	ck_assert_uint_eq(m.lines, 2);		/* "4 more ... not logged" */
	wsconn_free_all(&set);
	free(m.out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wsconn");
	TCase *tc = tcase_create("wsconn");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_life, 0, NITEMS(cases));
	tcase_add_test(tc, test_flight_freed);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_log_rate);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
