/*
 * wsconn.c: a connection of webntp-ws from its upgrade request to its
 * socket's close, and the deadlines of all of them (see wsconn.h;
 * doc/protocol.md section 4, RFC 6455). Framing is wslay's (event API); the
 * handshake is wshs.c's, the frame checks wsframe.c's, the messages
 * wsmsg.c's.
 *
 * NOTES
 * - States and their deadlines (CLOCK_MONOTONIC, s->now), one list each:
 *     HANDSHAKE  10 s from the accept to a whole upgrade request;
 *     OPEN       -idle-timeout without a message (pings do not count):
 *                close 1000 "idle timeout" (1001 is for going away);
 *     CLOSING    2 s from the moment a close starts, whatever its cause
 *                (ours, the peer's, a refused upgrade, a 503): then the
 *                socket is reset, whether or not the peer reads. Nothing
 *                moves this deadline, so every close and the shutdown end
 *                within it.
 * - A close, in steps: FLUSH (the answers to what came before it leave
 *   first), then our close frame (wsframe_close; wslay's own only for a
 *   text that is not UTF-8), then the write side is shut and input is read
 *   and dropped until EOF (DRAIN): closing with unread input would reset
 *   the connection, and the peer could lose our last bytes. Once a close is
 *   decided, no input is parsed.
 * - The peer's close frame is held in wsframe until wslay's queue is empty
 *   (wslay would send its reply ahead of the queued answers), then read by
 *   wsframe (PEER) and answered with its code.
 * - Back pressure: at most WSCONN_QUEUE_MAX answers wait; the frames after
 *   them are not given to wslay (wsframe_pass's budget), what was read is
 *   kept and the socket is not read until it is used, so a client that
 *   sends and never reads is held by TCP.
 * - Events: IN only while reading is wanted (not while answers or a close
 *   wait to leave, not once a close is decided), OUT only while bytes wait.
 * - Memory: an idle connection is its struct wsconn and its Host. A wslay
 *   context (two 4 KiB buffers) comes with struct wsconn_flight when bytes
 *   arrive and goes at a message boundary with nothing queued: every byte
 *   given to wslay belongs to a whole frame (wsframe says so, and wslay's
 *   frame starts add up to the same count), no fragmented message is open.
 *   A request split over reads is kept in a buffer that doubles.
 * - The answer to a message is queued at the end of the read (st as late as
 *   can be), or when the read's next message arrives.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wslay/wslay.h>

#include "esc.h"
#include "wsconn.h"
#include "wsframe.h"

#define WSCONN_LOG_MAX	640	/* a log line: bounded, whatever the peer */
#define WSCONN_ID_LOG	300	/* the Host as a log line quotes it */

enum wsconn_step {
	WSCONN_FLUSH,	/* the answers queued before the close are leaving */
	WSCONN_PEER,	/* the peer's close frame is being read */
	WSCONN_WSLAY,	/* wslay's own close frame is leaving */
	WSCONN_LAST,	/* our last bytes wait in c->buf (a close frame, an
			   HTTP response) */
	WSCONN_DRAIN,	/* all written, write side shut: drop input to EOF */
};

/* A connection's WebSocket state while bytes are in flight. */
struct wsconn_flight {
	wslay_event_context_ptr	 ws;
	struct wsconn_set	*set;
	struct wsconn		*c;
	struct wsframe		 frame;		/* what wslay was given */
	uint64_t		 fed;		/* bytes given to wslay */
	uint64_t		 used;		/* of the frames it began */
	struct timespec		 it;		/* the message waiting for st */
	struct wsmsg_close	 close;		/* ours, after the answers;
						   code 0: none */
	enum wsframe_stop	 stop;		/* why wsframe stopped */
	bool			 pending;	/* it waits for its answer */
	bool			 in_msg;	/* wslay is in a fragmented one */
	bool			 read_done;	/* the socket read this turn */
	bool			 eof;		/* the peer closed or reset */
	bool			 nomem;
};

struct wsconn {
	struct wsconn		*prev, *next;	/* in its state's list */
	int64_t			 deadline;
	struct wsconn_flight	*fl;		/* NULL: nothing in flight */
	char			*buf;		/* HANDSHAKE: the request so far;
						   OPEN, CLOSING: bytes read and
						   not yet given to wslay; LAST:
						   ours to write */
	char			*id;		/* Host, JSON-escaped */
	int			 fd;
	uint16_t		 buflen;
	uint16_t		 bufoff;	/* HANDSHAKE: bytes scanned */
	uint16_t		 idlen;
	uint8_t			 state;		/* enum wsconn_state */
	uint8_t			 step;		/* CLOSING: enum wsconn_step */
	uint8_t			 events;	/* watched: WSCONN_IN, _OUT */
	bool			 refusing;	/* a 503: in s->refusing */
};

static const char *const wsconn_log_what[WSCONN_LOG_NKINDS] = {
	[WSCONN_LOG_REFUSED] = "refused upgrades",
	[WSCONN_LOG_FULL] = "connections over -max-connections",
	[WSCONN_LOG_1002] = "closes 1002",
	[WSCONN_LOG_1007] = "closes 1007",
	[WSCONN_LOG_1009] = "closes 1009",
	[WSCONN_LOG_FAILED] = "failed connections",
	[WSCONN_LOG_RESET] = "resets at the close deadline",
	[WSCONN_LOG_ACCEPT] = "accept failures",
};

static void	wsconn_ws(struct wsconn_set *, struct wsconn *, bool);
static void	wsconn_peer_close(struct wsconn_set *, struct wsconn *, bool);

/* Logging: bounded lines, once a second per kind. */

static void
wsconn_vlog(struct wsconn_set *s, enum wsconn_log_kind k,
    const struct wsconn *c, const char *fmt, va_list ap)
{
	char line[WSCONN_LOG_MAX], id[WSCONN_ID_LOG];
	unsigned long held;
	size_t n = 0;
	int r;

	if (!ratelim_allow(&s->lim[k], s->now, &held))
		return;
	if (c != NULL && c->id != NULL) {
		/* The Host is printable ASCII (wshs.c), but it came from the
		 * network: it is quoted escaped all the same. */
		esc_text(id, sizeof(id), c->id, c->idlen);
		r = snprintf(line, sizeof(line), "%s: ", id);
		n = r > 0 ? (size_t)r : 0;
	}
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r > 0)
		n += (size_t)r;
	if (held > 0 && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " (%lu more not logged)",
		    held);
	s->io->log(s->io_ctx, line);
}

void
wsconn_log(struct wsconn_set *s, enum wsconn_log_kind k, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	wsconn_vlog(s, k, NULL, fmt, ap);
	va_end(ap);
}

static void
wsconn_log_conn(struct wsconn_set *s, const struct wsconn *c,
    enum wsconn_log_kind k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
wsconn_log_conn(struct wsconn_set *s, const struct wsconn *c,
    enum wsconn_log_kind k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wsconn_vlog(s, k, c, fmt, ap);
	va_end(ap);
}

/* The counts of lines held back, once their second is over (or now, at
 * exit); the next time one is due (INT64_MAX: none). */
static int64_t
wsconn_log_flush(struct wsconn_set *s, bool now)
{
	int64_t next = INT64_MAX;
	unsigned long held;
	char line[128];

	for (int k = 0; k < WSCONN_LOG_NKINDS; k++) {
		struct ratelim *r = &s->lim[k];

		if (r->held == 0)
			continue;
		if (r->next > s->now && !now) {
			if (r->next < next)
				next = r->next;
			continue;
		}
		if (now) {
			held = r->held;
			r->held = 0;
		} else if (!ratelim_allow(r, s->now, &held)) {
			continue;
		}
		snprintf(line, sizeof(line), "%lu more %s not logged", held,
		    wsconn_log_what[k]);
		s->io->log(s->io_ctx, line);
	}
	return next;
}

/* Timer lists. */

static void
wsconn_list_remove(struct wsconn_list *l, struct wsconn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

static void
wsconn_list_append(struct wsconn_list *l, struct wsconn *c, int64_t now)
{
	c->deadline = now + l->timeout;
	c->prev = l->tail;
	c->next = NULL;
	if (l->tail != NULL)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

static void
wsconn_enter(struct wsconn_set *s, struct wsconn *c, enum wsconn_state st)
{
	wsconn_list_remove(&s->lists[c->state], c);
	c->state = (uint8_t)st;
	c->step = WSCONN_FLUSH;
	wsconn_list_append(&s->lists[st], c, s->now);
}

/* A message was heard: the idle deadline starts again. */
static void
wsconn_touch(struct wsconn_set *s, struct wsconn *c)
{
	struct wsconn_list *l = &s->lists[WSCONN_OPEN];

	if (l->tail != c) {
		wsconn_list_remove(l, c);
		wsconn_list_append(l, c, s->now);
	} else {
		c->deadline = s->now + l->timeout;
	}
}

/* Life and death. */

static void
wsconn_flight_free(struct wsconn *c)
{
	if (c->fl == NULL)
		return;
	wslay_event_context_free(c->fl->ws);
	free(c->fl);
	c->fl = NULL;
}

static void
wsconn_buf_free(struct wsconn *c)
{
	free(c->buf);
	c->buf = NULL;
	c->buflen = c->bufoff = 0;
}

static void
wsconn_destroy(struct wsconn_set *s, struct wsconn *c, bool reset)
{
	wsconn_list_remove(&s->lists[c->state], c);
	s->io->close(s->io_ctx, c->fd, reset);
	wsconn_flight_free(c);
	free(c->buf);
	free(c->id);
	if (c->refusing)
		s->refusing--;
	else
		s->n--;
	free(c);
}

static void
wsconn_watch(struct wsconn_set *s, struct wsconn *c, unsigned ev)
{
	if (ev == c->events)
		return;
	c->events = (uint8_t)ev;
	s->io->watch(s->io_ctx, c->fd, c, ev, false);
}

static bool
wsconn_again(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* The last steps: our last bytes, the write side shut, input dropped. */

static void
wsconn_shut(struct wsconn_set *s, struct wsconn *c)
{
	s->io->shutdown(s->io_ctx, c->fd);
	c->step = WSCONN_DRAIN;
	wsconn_watch(s, c, WSCONN_IN);
}

/* Write data (n bytes), our last; what does not go now waits in c->buf
 * (which is free). */
static void
wsconn_last(struct wsconn_set *s, struct wsconn *c, const void *data, size_t n)
{
	ssize_t k = s->io->send(s->io_ctx, c->fd, data, n, false);

	if (k < 0) {
		if (!wsconn_again()) {
			wsconn_destroy(s, c, true);
			return;
		}
		k = 0;
	}
	if ((size_t)k < n) {
		c->buf = malloc(n - (size_t)k);
		if (c->buf == NULL) {
			wsconn_destroy(s, c, true);
			return;
		}
		memcpy(c->buf, (const char *)data + k, n - (size_t)k);
		c->buflen = (uint16_t)(n - (size_t)k);
		c->bufoff = 0;
		c->step = WSCONN_LAST;
		wsconn_watch(s, c, WSCONN_OUT);
		return;
	}
	wsconn_shut(s, c);
}

static void
wsconn_write_last(struct wsconn_set *s, struct wsconn *c)
{
	ssize_t k = s->io->send(s->io_ctx, c->fd, c->buf + c->bufoff,
	    (size_t)(c->buflen - c->bufoff), false);

	if (k < 0) {
		if (!wsconn_again())
			wsconn_destroy(s, c, true);
		return;
	}
	c->bufoff += (uint16_t)k;
	if (c->bufoff < c->buflen)
		return;
	wsconn_buf_free(c);
	wsconn_shut(s, c);
}

static void
wsconn_drain(struct wsconn_set *s, struct wsconn *c)
{
	ssize_t got = s->io->recv(s->io_ctx, c->fd, s->scratch,
	    sizeof(s->scratch));

	if (got == 0 || (got < 0 && !wsconn_again()))
		wsconn_destroy(s, c, false);
}

/* A close of ours, from outside wslay's callbacks (idle, shutdown). */
static void
wsconn_close(struct wsconn_set *s, struct wsconn *c, uint16_t code,
    const char *reason)
{
	uint8_t frame[WSFRAME_CLOSE_MAX];
	size_t n;

	if (c->fl != NULL) {
		wsmsg_close_set(&c->fl->close, code, reason);
		wslay_event_shutdown_read(c->fl->ws);
		wsconn_ws(s, c, false);	/* the answers first */
		return;
	}
	wsconn_enter(s, c, WSCONN_CLOSING);
	wsconn_buf_free(c);
	n = wsframe_close(frame, code, reason, strlen(reason));
	wsconn_last(s, c, frame, n);
}

/* The handshake. */

static void
wsconn_refuse(struct wsconn_set *s, struct wsconn *c, int status,
    const char *why)
{
	struct wshs_request r = { .why = why };
	char out[WSHS_RESPONSE_MAX];
	size_t n;

	wsconn_log_conn(s, c, status == 503 ? WSCONN_LOG_FULL :
	    WSCONN_LOG_REFUSED, "upgrade refused, %d: %s", status, why);
	n = wshs_response(status, &r, out);
	wsconn_buf_free(c);
	wsconn_enter(s, c, WSCONN_CLOSING);
	wsconn_last(s, c, out, n);
}

/* The buffer for a request of len bytes so far: it doubles, so a request
 * sent byte by byte is copied O(n) times in all. */
static size_t
wsconn_hs_cap(size_t len)
{
	size_t cap = 512;

	while (cap < len)
		cap *= 2;
	return cap;
}

static void
wsconn_upgrade(struct wsconn_set *s, struct wsconn *c,
    const struct wshs_request *r, const char *buf, size_t len, size_t used)
{
	struct err e = { .msg = "" };
	char out[WSHS_RESPONSE_MAX], *keep = NULL;
	size_t n, rest = len - used;

	if (answer_id_set(&s->msg.id, r->host, r->host_len, &e) != 0) {
		wsconn_refuse(s, c, 400, "bad Host");
		return;
	}
	if ((c->id = malloc(s->msg.id.len)) == NULL) {
		wsconn_destroy(s, c, true);
		return;
	}
	memcpy(c->id, s->msg.id.json, s->msg.id.len);
	c->idlen = (uint16_t)s->msg.id.len;
	n = wshs_response(101, r, out);
	if (s->io->send(s->io_ctx, c->fd, out, n, false) != (ssize_t)n) {
		/* A fresh socket takes a few hundred bytes: a reset. */
		wsconn_destroy(s, c, true);
		return;
	}
	/* Frames that came in the same read as the request. */
	if (rest > 0) {
		if ((keep = malloc(rest)) == NULL) {
			wsconn_destroy(s, c, true);
			return;
		}
		memcpy(keep, buf + used, rest);
	}
	wsconn_buf_free(c);
	c->buf = keep;
	c->buflen = (uint16_t)rest;
	wsconn_enter(s, c, WSCONN_OPEN);
	if (rest > 0)
		wsconn_ws(s, c, false);
}

static void
wsconn_read_handshake(struct wsconn_set *s, struct wsconn *c)
{
	struct wshs_scan scan = { .done = c->bufoff };
	struct wshs_request r;
	size_t len = c->buflen, used;
	ssize_t got;
	char *buf;
	int st;

	got = s->io->recv(s->io_ctx, c->fd, s->scratch, WSHS_MAX - len);
	if (got < 0 && wsconn_again())
		return;
	if (got <= 0) {
		wsconn_destroy(s, c, false);
		return;
	}
	if (c->buf != NULL) {
		if (wsconn_hs_cap(len + (size_t)got) > wsconn_hs_cap(len)) {
			buf = realloc(c->buf, wsconn_hs_cap(len + (size_t)got));
			if (buf == NULL) {
				wsconn_destroy(s, c, true);
				return;
			}
			c->buf = buf;
		}
		memcpy(c->buf + len, s->scratch, (size_t)got);
		buf = c->buf;
	} else {
		buf = s->scratch;
	}
	len += (size_t)got;
	st = wshs_feed(&scan, buf, len, s->allow_cross_origin, &r, &used);
	if (st == 0) {
		if (c->buf == NULL) {
			/* A request split over reads: keep it. */
			if ((c->buf = malloc(wsconn_hs_cap(len))) == NULL) {
				wsconn_destroy(s, c, true);
				return;
			}
			memcpy(c->buf, buf, len);
		}
		c->buflen = (uint16_t)len;
		c->bufoff = (uint16_t)scan.done;
		return;
	}
	if (st != 101)
		wsconn_refuse(s, c, st, r.why);
	else
		wsconn_upgrade(s, c, &r, buf, len, used);
}

/* WebSocket: wslay's callbacks. */

/* A frame has begun passing to wslay and is not whole yet. */
static bool
wsconn_inflight(const struct wsconn_flight *fl)
{
	return fl->frame.left > 0 || fl->frame.checked;
}

/* The frames that may begin now: each may bring an answer (or a pong), and
 * the answers waiting, the one pending and the frame under way count. */
static unsigned
wsconn_budget(const struct wsconn_flight *fl)
{
	size_t q = wslay_event_get_queued_msg_count(fl->ws) +
	    (fl->pending ? 1 : 0) + (wsconn_inflight(fl) ? 1 : 0);

	return q < WSCONN_QUEUE_MAX ? (unsigned)(WSCONN_QUEUE_MAX - q) : 0;
}

static ssize_t
wsconn_ws_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len,
    int flags, void *user)
{
	struct wsconn_flight *fl = user;
	struct wsconn *c = fl->c;
	struct wsconn_set *s = fl->set;
	const uint8_t *src = NULL;
	size_t n = 0, took, out, want;
	unsigned frames = wsconn_budget(fl);
	bool kept = c->buf != NULL;
	ssize_t got;

	(void)flags;
	/* No budget: the frame under way may still end, no other begins. */
	if (fl->stop != WSFRAME_GO || fl->close.code != 0 ||
	    (frames == 0 && !wsconn_inflight(fl))) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	if (kept) {
		src = (const uint8_t *)c->buf + c->bufoff;
		n = (size_t)(c->buflen - c->bufoff);
	} else if (!fl->read_done) {
		/* One recv() per wakeup unless it filled the buffer: level
		 * triggered epoll calls again when more comes. */
		want = len < sizeof(s->rbuf) ? len : sizeof(s->rbuf);
		got = s->io->recv(s->io_ctx, c->fd, s->rbuf, want);
		fl->read_done = got < (ssize_t)want;
		if (got == 0 || (got < 0 && !wsconn_again())) {
			fl->eof = true;
			wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
			return -1;
		}
		if (got > 0) {
			src = s->rbuf;
			n = (size_t)got;
		}
	}
	/* Even with no input: a held header may be due to pass. */
	out = wsframe_pass(&fl->frame, src, n, &took, buf, len, &frames,
	    &fl->stop);
	fl->fed += out;
	if (kept) {
		c->bufoff += (uint16_t)took;
		if (c->bufoff == c->buflen)
			wsconn_buf_free(c);
	} else if (took < n) {
		/* Not for wslay yet: kept, and the socket not read meanwhile. */
		if ((c->buf = malloc(n - took)) == NULL) {
			fl->nomem = true;
			wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
			return -1;
		}
		memcpy(c->buf, src + took, n - took);
		c->buflen = (uint16_t)(n - took);
		c->bufoff = 0;
	}
	if (out == 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	return (ssize_t)out;
}

static ssize_t
wsconn_ws_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
    int flags, void *user)
{
	struct wsconn_flight *fl = user;
	struct wsconn_set *s = fl->set;
	ssize_t n;

	n = s->io->send(s->io_ctx, fl->c->fd, data, len,
	    (flags & WSLAY_MSG_MORE) != 0);
	if (n >= 0)
		return n;
	if (wsconn_again()) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
	} else {
		fl->eof = true;
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	}
	return -1;
}

static void
wsconn_ws_frame_start(wslay_event_context_ptr ctx,
    const struct wslay_event_on_frame_recv_start_arg *a, void *user)
{
	struct wsconn_flight *fl = user;

	(void)ctx;
	fl->used += wsframe_size(a->payload_length, true);
	if (a->opcode < WSLAY_CONNECTION_CLOSE)
		fl->in_msg = !a->fin;
}

/* Queue the answer to fl->it, with st read now. */
static void
wsconn_answer(struct wsconn_set *s, struct wsconn *c)
{
	struct wsconn_flight *fl = c->fl;
	struct wslay_event_msg m;

	fl->pending = false;
	m.opcode = WSLAY_TEXT_FRAME;
	m.msg = (const uint8_t *)s->msg.out;
	m.msg_length = wsmsg_answer(&s->msg, c->id, c->idlen, &fl->it);
	/* Refused once wslay has a close queued: no answer after it. */
	if (wslay_event_queue_msg(fl->ws, &m) == WSLAY_ERR_NOMEM)
		fl->nomem = true;
}

static void
wsconn_ws_msg(wslay_event_context_ptr ctx,
    const struct wslay_event_on_msg_recv_arg *a, void *user)
{
	struct wsconn_flight *fl = user;
	struct wsconn *c = fl->c;
	struct wsconn_set *s = fl->set;

	if (a->opcode != WSLAY_TEXT_FRAME && a->opcode != WSLAY_BINARY_FRAME)
		return;
	if (c->state != WSCONN_OPEN || fl->close.code != 0)
		return;
	wsconn_touch(s, c);	/* idle means no message, pings or not */
	if (fl->pending)
		wsconn_answer(s, c);
	if (wsmsg_take(a->msg, a->msg_length, &fl->it, &fl->close) != 0) {
		wsconn_log_conn(s, c, WSCONN_LOG_1007, "closing 1007: %s",
		    fl->close.reason);
		wslay_event_shutdown_read(ctx);	/* the rest is dropped */
		return;
	}
	fl->pending = true;
}

static const struct wslay_event_callbacks wsconn_ws_callbacks = {
	.recv_callback = wsconn_ws_recv,
	.send_callback = wsconn_ws_send,
	.on_frame_recv_start_callback = wsconn_ws_frame_start,
	.on_msg_recv_callback = wsconn_ws_msg,
};

/* WebSocket: the connection's side. */

static int
wsconn_flight_new(struct wsconn_set *s, struct wsconn *c)
{
	struct wsconn_flight *fl;

	if (c->fl != NULL)
		return 0;
	if ((fl = calloc(1, sizeof(*fl))) == NULL)
		return -1;
	if (wslay_event_context_server_init(&fl->ws, &wsconn_ws_callbacks,
	    fl) != 0) {
		free(fl);
		return -1;
	}
	wslay_event_config_set_max_recv_msg_length(fl->ws, WSHTTP_MSG_MAX);
	fl->set = s;
	fl->c = c;
	fl->frame.max = WSHTTP_MSG_MAX;
	c->fl = fl;
	return 0;
}

/* Whether wslay is to be given input now. */
static bool
wsconn_ws_reading(const struct wsconn *c)
{
	const struct wsconn_flight *fl = c->fl;

	if (!wslay_event_get_read_enabled(fl->ws) || fl->stop != WSFRAME_GO ||
	    fl->close.code != 0)
		return false;
	return c->state == WSCONN_OPEN;
}

/* Open: whether what was read calls for a close. */
static void
wsconn_ws_check(struct wsconn_set *s, struct wsconn *c)
{
	struct wsconn_flight *fl = c->fl;
	char why[64];

	if (fl->close.code == 0 && !wslay_event_get_read_enabled(fl->ws)) {
		/* wslay closed on its own (text that is not UTF-8): its close
		 * is queued. */
		wsconn_enter(s, c, WSCONN_CLOSING);
		c->step = WSCONN_WSLAY;
		return;
	}
	if (fl->close.code == 0 && fl->stop == WSFRAME_BAD) {
		if (fl->frame.code == 1009)
			snprintf(why, sizeof(why), "message over %d bytes",
			    WSHTTP_MSG_MAX);
		else
			snprintf(why, sizeof(why), "%s", fl->frame.why);
		wsmsg_close_set(&fl->close, fl->frame.code, why);
		wsconn_log_conn(s, c, fl->frame.code == 1009 ? WSCONN_LOG_1009 :
		    WSCONN_LOG_1002, "closing %u: %s", fl->frame.code, why);
	}
	if (fl->close.code != 0 || fl->stop == WSFRAME_CLOSE)
		wsconn_enter(s, c, WSCONN_CLOSING);	/* step FLUSH */
}

/* The answers are out: our close frame follows them. */
static void
wsconn_ws_close_frame(struct wsconn_set *s, struct wsconn *c)
{
	uint8_t frame[WSFRAME_CLOSE_MAX];
	size_t n;

	n = wsframe_close(frame, c->fl->close.code, c->fl->close.reason,
	    c->fl->close.len);
	wsconn_flight_free(c);
	wsconn_buf_free(c);
	wsconn_last(s, c, frame, n);
}

/* The peer's close frame, read from what was kept and (readable) from the
 * socket; once whole, our reply with its code. */
static void
wsconn_peer_close(struct wsconn_set *s, struct wsconn *c, bool readable)
{
	struct wsconn_flight *fl = c->fl;
	uint8_t frame[WSFRAME_CLOSE_MAX];
	enum wsframe_stop stop = WSFRAME_GO;
	const uint8_t *src;
	unsigned frames = 1;
	size_t n, took;
	uint16_t code;
	ssize_t got;
	bool echo;

	/* Even with no input: a close without payload is whole already. */
	do {
		src = NULL;
		n = 0;
		if (c->buf != NULL) {
			src = (const uint8_t *)c->buf + c->bufoff;
			n = (size_t)(c->buflen - c->bufoff);
		} else if (readable) {
			readable = false;
			got = s->io->recv(s->io_ctx, c->fd, s->rbuf,
			    sizeof(s->rbuf));
			if (got == 0 || (got < 0 && !wsconn_again())) {
				wsconn_destroy(s, c, false);
				return;
			}
			if (got > 0) {
				src = s->rbuf;
				n = (size_t)got;
			}
		}
		wsframe_pass(&fl->frame, src, n, &took, NULL, 0, &frames,
		    &stop);
		if (c->buf != NULL) {
			c->bufoff += (uint16_t)took;
			if (c->bufoff == c->buflen)
				wsconn_buf_free(c);
		}
	} while (stop == WSFRAME_GO && (c->buf != NULL || readable));
	if (stop != WSFRAME_DONE) {
		wsconn_watch(s, c, WSCONN_IN);	/* the rest is to come */
		return;
	}
	/* Echoed, reason and all, when it is a valid close. */
	code = wsframe_close_reply(&fl->frame, &echo);
	if (echo)
		n = wsframe_close(frame, code, (const char *)fl->frame.cpay + 2,
		    fl->frame.clen - 2u);
	else
		n = wsframe_close(frame, code, "", 0);
	wsconn_flight_free(c);
	wsconn_buf_free(c);	/* what followed the close: never read */
	wsconn_last(s, c, frame, n);
}

/* wslay's own close frame is out. */
static void
wsconn_ws_wslay_closed(struct wsconn_set *s, struct wsconn *c)
{
	uint16_t code = wslay_event_get_status_code_sent(c->fl->ws);

	wsconn_log_conn(s, c, code == 1007 ? WSCONN_LOG_1007 : code == 1009 ?
	    WSCONN_LOG_1009 : WSCONN_LOG_1002, "closing %u: %s", code,
	    code == 1007 ? "text that is not UTF-8" : "protocol error");
	wsconn_flight_free(c);
	wsconn_buf_free(c);
	wsconn_shut(s, c);
}

static bool
wsconn_ws_idle(const struct wsconn *c)
{
	const struct wsconn_flight *fl = c->fl;

	return c->buf == NULL && !fl->pending && fl->close.code == 0 &&
	    fl->stop == WSFRAME_GO && fl->fed == fl->used && !fl->in_msg &&
	    wsframe_idle(&fl->frame) && !wslay_event_want_write(fl->ws) &&
	    wslay_event_get_read_enabled(fl->ws);
}

static void
wsconn_ws_watch(struct wsconn_set *s, struct wsconn *c)
{
	unsigned ev = 0;

	if (wsconn_ws_reading(c) && c->buf == NULL &&
	    (c->state != WSCONN_OPEN || wsconn_budget(c->fl) > 0 ||
	    wsconn_inflight(c->fl)))
		ev |= WSCONN_IN;
	if (wslay_event_want_write(c->fl->ws))
		ev |= WSCONN_OUT;
	wsconn_watch(s, c, ev);
}

static void
wsconn_ws_fail(struct wsconn_set *s, struct wsconn *c, int rv)
{
	if (c->fl->nomem || rv == WSLAY_ERR_NOMEM)
		wsconn_log_conn(s, c, WSCONN_LOG_FAILED, "out of memory");
	else if (!c->fl->eof)
		wsconn_log_conn(s, c, WSCONN_LOG_FAILED, "connection failed "
		    "(wslay %d)", rv);
	wsconn_destroy(s, c, !c->fl->eof);
}

/* Read (readable: from the socket, once), answer, write, and move on; the
 * one place where an open or closing connection with wslay goes on. */
static void
wsconn_ws(struct wsconn_set *s, struct wsconn *c, bool readable)
{
	struct wsconn_flight *fl;
	int rv;

	if (wsconn_flight_new(s, c) != 0) {
		wsconn_log_conn(s, c, WSCONN_LOG_FAILED, "out of memory");
		wsconn_destroy(s, c, true);
		return;
	}
	fl = c->fl;
	/* Each turn uses input kept in c->buf (the bound is only a guard).
	 * Without input, wslay is still given a header that waited for the
	 * budget (wsframe holds it). */
	for (int turn = 0; turn <= WSCONN_RBUF + 1; turn++) {
		if (wsconn_ws_reading(c) && (readable || c->buf != NULL ||
		    fl->frame.hlen > 0)) {
			fl->read_done = !readable;
			readable = false;
			rv = wslay_event_recv(fl->ws);
			if (rv != 0 || fl->nomem) {
				wsconn_ws_fail(s, c, rv);
				return;
			}
		}
		if (fl->pending) {
			wsconn_answer(s, c);
			if (fl->nomem) {
				wsconn_ws_fail(s, c, WSLAY_ERR_NOMEM);
				return;
			}
		}
		if (c->state == WSCONN_OPEN)
			wsconn_ws_check(s, c);
		if ((rv = wslay_event_send(fl->ws)) != 0) {
			wsconn_ws_fail(s, c, rv);
			return;
		}
		if (c->state == WSCONN_CLOSING &&
		    !wslay_event_want_write(fl->ws)) {
			if (c->step == WSCONN_FLUSH && fl->close.code != 0) {
				wsconn_ws_close_frame(s, c);
				return;
			}
			if (c->step == WSCONN_FLUSH) {
				/* The peer's close: its turn has come. */
				c->step = WSCONN_PEER;
				fl->frame.take_close = true;
				wsconn_peer_close(s, c, false);
				return;
			}
			if (wslay_event_get_close_sent(fl->ws)) {
				wsconn_ws_wslay_closed(s, c);
				return;
			}
		}
		if (!(c->state == WSCONN_OPEN && c->buf != NULL &&
		    wsconn_ws_reading(c) && (wsconn_budget(fl) > 0 ||
		    wsconn_inflight(fl))))
			break;
	}
	wsconn_ws_watch(s, c);
	if (c->state == WSCONN_OPEN && wsconn_ws_idle(c))
		wsconn_flight_free(c);
}

/* The set. */

void
wsconn_init(struct wsconn_set *s, const struct wsconn_io *io, void *ctx,
    int64_t idle_ns, size_t max, bool allow_cross_origin)
{
	s->io = io;
	s->io_ctx = ctx;
	s->max = max;
	s->allow_cross_origin = allow_cross_origin;
	s->lists[WSCONN_HANDSHAKE].timeout = WSCONN_HANDSHAKE_NS;
	s->lists[WSCONN_OPEN].timeout = idle_ns;
	s->lists[WSCONN_CLOSING].timeout = WSCONN_CLOSING_NS;
}

void
wsconn_add(struct wsconn_set *s, int fd)
{
	bool full = s->n >= s->max;
	struct wsconn *c;

	if (full && s->refusing >= WSCONN_REFUSING_MAX) {
		wsconn_log(s, WSCONN_LOG_FULL, "over -max-connections %zu: "
		    "connection dropped", s->max);
		s->io->close(s->io_ctx, fd, true);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		s->io->close(s->io_ctx, fd, true);
		return;
	}
	c->fd = fd;
	c->events = WSCONN_IN;
	if (s->io->watch(s->io_ctx, fd, c, WSCONN_IN, true) != 0) {
		s->io->close(s->io_ctx, fd, true);
		free(c);
		return;
	}
	if (full) {
		/* Told at once, without reading the request: the answer is
		 * the same whatever it says. */
		c->refusing = true;
		s->refusing++;
		c->state = WSCONN_CLOSING;
		wsconn_list_append(&s->lists[WSCONN_CLOSING], c, s->now);
		wsconn_refuse(s, c, 503, "too many connections");
		return;
	}
	s->n++;
	c->state = WSCONN_HANDSHAKE;
	wsconn_list_append(&s->lists[WSCONN_HANDSHAKE], c, s->now);
}

void
wsconn_event(struct wsconn_set *s, struct wsconn *c, bool in, bool out,
    bool hup)
{
	if (hup) {
		/* An error, or (draining) both sides shut: the peer is gone. */
		wsconn_destroy(s, c, false);
		return;
	}
	switch (c->state) {
	case WSCONN_HANDSHAKE:
		if (in)
			wsconn_read_handshake(s, c);
		break;
	case WSCONN_OPEN:
		if (in || c->fl != NULL)
			wsconn_ws(s, c, in);
		break;
	default:
		if (c->step == WSCONN_LAST) {
			if (out)
				wsconn_write_last(s, c);
		} else if (c->step == WSCONN_DRAIN) {
			if (in)
				wsconn_drain(s, c);
		} else if (c->step == WSCONN_PEER) {
			if (in)
				wsconn_peer_close(s, c, true);
		} else {
			wsconn_ws(s, c, in);
		}
		break;
	}
}

int64_t
wsconn_expire(struct wsconn_set *s)
{
	int64_t next, t;
	struct wsconn *c;

	while ((c = s->lists[WSCONN_HANDSHAKE].head) != NULL &&
	    c->deadline <= s->now)
		wsconn_destroy(s, c, false);
	/* wsconn_close moves c to CLOSING (or frees it): each turn removes
	 * the head. */
	while ((c = s->lists[WSCONN_OPEN].head) != NULL &&
	    c->deadline <= s->now)
		wsconn_close(s, c, 1000, "idle timeout");
	while ((c = s->lists[WSCONN_CLOSING].head) != NULL &&
	    c->deadline <= s->now) {
		if (c->step != WSCONN_DRAIN)
			wsconn_log_conn(s, c, WSCONN_LOG_RESET, "the close did "
			    "not leave in %d s: connection reset",
			    (int)(WSCONN_CLOSING_NS / 1000000000));
		wsconn_destroy(s, c, true);
	}
	next = wsconn_log_flush(s, false);
	for (int st = 0; st < WSCONN_NSTATES; st++) {
		if (s->lists[st].head != NULL &&
		    (t = s->lists[st].head->deadline) < next)
			next = t;
	}
	return next;
}

void
wsconn_stop(struct wsconn_set *s)
{
	struct wsconn *c;

	while ((c = s->lists[WSCONN_HANDSHAKE].head) != NULL)
		wsconn_destroy(s, c, false);
	while ((c = s->lists[WSCONN_OPEN].head) != NULL)
		wsconn_close(s, c, 1001, "server shutting down");
}

size_t
wsconn_count(const struct wsconn_set *s)
{
	return s->n + s->refusing;
}

void
wsconn_free_all(struct wsconn_set *s)
{
	struct wsconn *c;

	for (int st = 0; st < WSCONN_NSTATES; st++)
		while ((c = s->lists[st].head) != NULL)
			wsconn_destroy(s, c, true);
	wsconn_log_flush(s, true);
}
