/*
 * memio.h: a webntp-ws connection's socket in memory (struct wsconn_io over
 * buffers), so src/sidecar/wsconn.c runs its whole life without one: the
 * peer's bytes come from a buffer in chunks of a chosen size, what the
 * connection writes is kept, and the peer takes at most `room` bytes of it
 * (a peer that stops reading). Used by tests/fuzz/fuzz_conn.c and
 * tests/unit/test_wsconn.c, which include wsconn.c before this.
 */
#ifndef WEBNTP_MEMIO_H
#define WEBNTP_MEMIO_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEMIO_FD	7

struct memio {
	const uint8_t	*in;		/* the peer's bytes */
	size_t		 inlen, inoff;
	size_t		 chunk;		/* at most this per recv (0: any) */
	bool		 eof;		/* after in: EOF, else EAGAIN */
	uint8_t		*out;		/* what the connection wrote */
	size_t		 outlen, outcap;
	size_t		 room;		/* bytes the peer ever takes */
	size_t		 shut_at;	/* outlen when the write side shut */
	struct wsconn	*c;		/* as watch() was told */
	unsigned	 events;
	bool		 added, shut, closed, reset, eof_seen;
	unsigned	 lines;		/* logged */
	bool		 bad_line;	/* one with a control character */
	bool		 verbose;	/* log lines to stderr */
};

static ssize_t
memio_recv(void *ctx, int fd, void *buf, size_t len)
{
	struct memio *m = ctx;
	size_t n = m->inlen - m->inoff;

	(void)fd;
	if (m->closed) {
		errno = EBADF;
		return -1;
	}
	if (n == 0) {
		if (m->eof) {
			m->eof_seen = true;
			return 0;
		}
		errno = EAGAIN;
		return -1;
	}
	if (n > len)
		n = len;
	if (m->chunk != 0 && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->in + m->inoff, n);
	m->inoff += n;
	return (ssize_t)n;
}

static ssize_t
memio_send(void *ctx, int fd, const void *buf, size_t len, bool more)
{
	struct memio *m = ctx;
	size_t k = len;

	(void)fd;
	(void)more;
	if (m->closed || m->shut) {
		errno = EPIPE;
		return -1;
	}
	if (m->outlen >= m->room) {
		errno = EAGAIN;
		return -1;
	}
	if (k > m->room - m->outlen)
		k = m->room - m->outlen;
	if (m->outlen + k > m->outcap) {
		size_t cap = m->outcap * 2 + k + 4096;
		uint8_t *p = realloc(m->out, cap);

		if (p == NULL)
			abort();
		m->out = p;
		m->outcap = cap;
	}
	memcpy(m->out + m->outlen, buf, k);
	m->outlen += k;
	return (ssize_t)k;
}

static int
memio_watch(void *ctx, int fd, struct wsconn *c, unsigned events, bool add)
{
	struct memio *m = ctx;

	(void)fd;
	if (add)
		m->added = true;
	m->c = c;
	m->events = events;
	return 0;
}

static void
memio_shutdown(void *ctx, int fd)
{
	struct memio *m = ctx;

	(void)fd;
	m->shut = true;
	m->shut_at = m->outlen;
}

static void
memio_close(void *ctx, int fd, bool reset)
{
	struct memio *m = ctx;

	(void)fd;
	m->closed = true;
	m->reset = reset;
}

static void
memio_log(void *ctx, const char *line)
{
	struct memio *m = ctx;

	m->lines++;
	for (const unsigned char *p = (const unsigned char *)line; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			m->bad_line = true;
	if (m->verbose)
		fprintf(stderr, "log: %s\n", line);
}

static const struct wsconn_io memio_io = {
	.recv = memio_recv,
	.send = memio_send,
	.watch = memio_watch,
	.shutdown = memio_shutdown,
	.close = memio_close,
	.log = memio_log,
};

/* The leap fields of every answer: fixed, no table needed. */
static void
memio_leap(void *ctx, const struct timespec *now, struct leap_info *out)
{
	(void)ctx;
	(void)now;
	memset(out, 0, sizeof(*out));
	out->leap = 37;
	out->step = 1;
}

/*
 * Run the connection on m to its end: deliver what it waits for while the
 * peer can (input left or EOF to tell; room left), else move the clock to
 * the next deadline. check(s, m) runs after every step. Returns the steps
 * taken, or 0 when the connection did not end within max_steps.
 */
static unsigned
memio_run(struct wsconn_set *s, struct memio *m, unsigned max_steps,
    void (*check)(struct wsconn_set *, struct memio *))
{
	for (unsigned step = 1; step <= max_steps; step++) {
		bool in, out;
		int64_t next;

		if (m->closed)
			return step;
		in = (m->events & WSCONN_IN) &&
		    (m->inoff < m->inlen || (m->eof && !m->eof_seen));
		out = (m->events & WSCONN_OUT) && m->outlen < m->room;
		if (in || out) {
			s->now += 1000000;	/* a millisecond a step */
			wsconn_event(s, m->c, in, out, false);
		} else {
			next = wsconn_expire(s);
			if (m->closed)
				return step;
			if (next == INT64_MAX)
				return 0;	/* waits for nothing: stuck */
			if (next > s->now)
				s->now = next;
		}
		if (check != NULL && !m->closed)
			check(s, m);
	}
	return 0;
}

#endif
