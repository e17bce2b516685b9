/*
 * sidecar.c: webntp-ws, the WebNTP WebSocket sidecar (PROTOCOL.md sections
 * 0 and 4; WebSocket is RFC 6455). A web server hands it the upgrade
 * requests of the WebNTP URL; every text or binary message holds a
 * timestamp and is answered with one text message holding the JSON answer of
 * section 2 (answer_format(), the responder's very code).
 *
 * NOTES
 * - One process, one thread (plus leapsrc's download thread), one epoll loop,
 *   level triggered. Framing is wslay's (libwslay, event API); the opening
 *   handshake is ours, in wshs.c, small, strict and fuzzed.
 * - Why wslay and not libwebsockets (4.1.6, Debian's build): on this
 *   machine (the project's earlier measurement) lws's default poll() loop
 *   costs O(open connections) per event (32 busy connections: ~123k round
 *   trips/s alone, ~15k/s with 5,000 idle ones); its libuv loop stays flat
 *   but at ~75k/s; it does not enforce its rx buffer size, and closing from
 *   WRITEABLE under libuv sends no close frame. Over our own epoll loop
 *   nothing is O(connections) per event, and the memory per connection is
 *   ours to decide.
 * - Memory: a wslay context is ~8.6 KiB (two 4 KiB buffers; measured), so an
 *   idle connection holds none: it is created when bytes arrive and freed
 *   again at a message boundary (every byte read belongs to a whole frame,
 *   no fragmented message is open, nothing is queued). An idle connection is
 *   its struct wsconn and its Host, ~0.2 KiB. The handshake is parsed in a
 *   shared buffer; only a request split over several reads gets its own.
 * - Timers: each state has one fixed timeout (handshake 10 s, open
 *   -idle-timeout, closing 2 s), so one FIFO list per state, ordered by
 *   deadline by construction (a connection that hears a message moves to
 *   the tail); CLOCK_MONOTONIC, checked once per loop turn, and the epoll
 *   timeout is the earliest head.
 * - Closes: idle -> 1000 "idle timeout" (the connection did its job; 1001 is
 *   kept for the server going away); SIGTERM/SIGINT -> 1001 to every client,
 *   wait up to 2 s for their replies, exit 0. A message over 1024 bytes
 *   (wslay counts the whole message across fragments) -> 1009; not a
 *   timestamp -> 1007 with ts_parse's reason. wslay answers pings itself.
 * - `st` is taken after the whole read is processed, right before the
 *   answer is queued and sent in the same turn.
 * - Back pressure: a client that sends without reading its answers is no
 *   longer read once SIDECAR_QUEUE_MAX answers wait, so memory stays
 *   bounded; the idle timeout counts messages, not pings or stray bytes.
 * - Measured (bench/ws-measure.sh, -O2, 2 cores shared with the load
 *   generator, medians of 3): 117k round trips/s at 32 busy connections,
 *   the same with 5,000 idle ones open, p99 0.52 ms; 151 bytes of RSS per
 *   idle connection (10,000). The sidecar spends 8.2 us of CPU per round
 *   trip, 90% of it in the kernel's loopback TCP (perf). At 1 connection
 *   p50 is 21 us when the CPUs are awake, 56 us on an idle machine: the
 *   wake-up of an idle vCPU (both processes pinned to one CPU: 21 us).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <wslay/wslay.h>

#include "answer.h"
#include "leapsrc.h"
#include "serveropt.h"
#include "ts.h"
#include "wshs.h"

#define SIDECAR_NAME		"webntp-ws"
#define SIDECAR_LISTEN		"127.0.0.1:8081"
#define SIDECAR_MSG_MAX		1024
#define SIDECAR_HS_NS		(10 * TS_NS_PER_SEC)
#define SIDECAR_CLOSING_NS	(2 * TS_NS_PER_SEC)
#define SIDECAR_EVENTS		256
#define SIDECAR_ACCEPTS		64	/* per wakeup, so clients get a turn */
#define SIDECAR_QUEUE_MAX	64	/* answers queued: stop reading beyond */

enum wsconn_state {
	WSCONN_HANDSHAKE,	/* reading the upgrade request */
	WSCONN_OPEN,		/* answering messages */
	WSCONN_CLOSING,		/* close frame queued or sent, or an HTTP
				   refusal written: draining until EOF */
	WSCONN_NSTATES
};

struct wsconn {
	struct wsconn		*prev, *next;	/* in its state's timer list */
	int64_t			 deadline;	/* CLOCK_MONOTONIC ns */
	wslay_event_context_ptr	 ws;		/* only while bytes are in flight */
	char			*buf;		/* partial request, or bytes
						   read after it */
	char			*id;		/* Host, JSON-escaped */
	struct timespec		 it;		/* the message waiting for st */
	uint64_t		 fed, used;	/* bytes given to and parsed by
						   wslay since ws was made */
	int			 fd;
	uint16_t		 buflen, bufoff, idlen;
	uint8_t			 state;
	bool			 pending;	/* it holds an unanswered ts */
	bool			 in_msg;	/* a fragmented message is open */
	bool			 read_done;	/* one recv() per wakeup */
	bool			 eof;
	bool			 epollout;
	bool			 epollin_off;	/* a client that does not read */
	bool			 http;		/* closing after an HTTP refusal */
	bool			 logged;	/* its close was reported */
};

struct wsconn_list {
	struct wsconn	*head, *tail;
	int64_t		 timeout;
};

struct sidecar {
	struct serveropt	 opt;
	struct leapsrc		*leap;
	const char		*listen;
	const char		*idle;
	char			*unix_path;	/* to unlink at exit */
	int			 epfd, lfd, sigfd;
	bool			 accepting;
	bool			 stopping;
	int64_t			 now;		/* CLOCK_MONOTONIC, per turn */
	int64_t			 accept_again;	/* after EMFILE */
	size_t			 nconns;
	struct wsconn_list	 lists[WSCONN_NSTATES];
	struct answer_id	 id;		/* scratch for answer_format */
	char			 out[ANSWER_MAX];
	char			 scratch[WSHS_MAX];
};

/* epoll data of the two fds that are not connections. */
static char sidecar_tag_listen, sidecar_tag_signal;

static void
sidecar_log(void *ctx, const char *msg)
{
	fprintf(stderr, "%s: %s\n", SIDECAR_NAME, msg);
}

static void
sidecar_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sidecar_logf(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sidecar_log(NULL, line);
}

/* Timer lists. */

static void
list_remove(struct wsconn_list *l, struct wsconn *c)
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
list_append(struct wsconn_list *l, struct wsconn *c, int64_t now)
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
conn_set_state(struct sidecar *sc, struct wsconn *c, enum wsconn_state s)
{
	list_remove(&sc->lists[c->state], c);
	c->state = s;
	list_append(&sc->lists[s], c, sc->now);
}

static void
conn_touch(struct sidecar *sc, struct wsconn *c)
{
	struct wsconn_list *l = &sc->lists[c->state];

	if (l->tail != c) {
		list_remove(l, c);
		list_append(l, c, sc->now);
	} else {
		c->deadline = sc->now + l->timeout;
	}
}

static void
conn_destroy(struct sidecar *sc, struct wsconn *c)
{
	list_remove(&sc->lists[c->state], c);
	close(c->fd);	/* also leaves the epoll set */
	if (c->ws != NULL)
		wslay_event_context_free(c->ws);
	free(c->buf);
	free(c->id);
	free(c);
	sc->nconns--;
}

static void
conn_epoll(struct sidecar *sc, struct wsconn *c, bool in, bool out)
{
	struct epoll_event ev = { .events = (in ? EPOLLIN : 0) |
	    (out ? EPOLLOUT : 0), .data.ptr = c };

	if (c->epollout == out && c->epollin_off == !in)
		return;
	c->epollout = out;
	c->epollin_off = !in;
	epoll_ctl(sc->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* wslay callbacks. */

static ssize_t
ws_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
    void *user)
{
	struct wsconn *c = user;
	ssize_t n;

	if (c->buf != NULL) {
		/* Frames that came in the same read as the request. */
		n = c->buflen - c->bufoff;
		if ((size_t)n > len)
			n = (ssize_t)len;
		memcpy(buf, c->buf + c->bufoff, (size_t)n);
		c->bufoff += (uint16_t)n;
		if (c->bufoff == c->buflen) {
			free(c->buf);
			c->buf = NULL;
		}
		c->fed += (uint64_t)n;
		return n;
	}
	/* One recv() per wakeup unless it filled the buffer: level-triggered
	 * epoll calls again when more comes, and this saves the EAGAIN. */
	if (c->read_done ||
	    wslay_event_get_queued_msg_count(ctx) >= SIDECAR_QUEUE_MAX) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	n = recv(c->fd, buf, len, 0);
	if (n > 0) {
		c->read_done = (size_t)n < len;
		c->fed += (uint64_t)n;
		return n;
	}
	c->read_done = true;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
	else {
		c->eof = true;
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	}
	return -1;
}

static ssize_t
ws_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
    int flags, void *user)
{
	struct wsconn *c = user;
	ssize_t n;

	n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT |
	    ((flags & WSLAY_MSG_MORE) ? MSG_MORE : 0));
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
	else {
		c->eof = true;
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	}
	return -1;
}

static void
ws_frame_start(wslay_event_context_ptr ctx,
    const struct wslay_event_on_frame_recv_start_arg *a, void *user)
{
	struct wsconn *c = user;
	uint64_t hdr = 2 + 4;	/* client frames are masked (wslay checks) */

	if (a->payload_length > 65535)
		hdr += 8;
	else if (a->payload_length > 125)
		hdr += 2;
	c->used += hdr + a->payload_length;
	if (a->opcode < WSLAY_CONNECTION_CLOSE)
		c->in_msg = !a->fin;
}

/* Queue the answer to c->it, with st read now. */
static void
conn_answer(struct sidecar *sc, struct wsconn *c)
{
	struct wslay_event_msg m;
	struct leap_info li;
	struct timespec st;

	c->pending = false;
	memcpy(sc->id.json, c->id, c->idlen);
	sc->id.len = c->idlen;
	ts_now(&st);
	leapsrc_lookup(sc->leap, &st, &li);
	ts_now(&st);
	m.opcode = WSLAY_TEXT_FRAME;
	m.msg = (const uint8_t *)sc->out;
	m.msg_length = answer_format(sc->out, &sc->id, &c->it, &st, &li);
	wslay_event_queue_msg(c->ws, &m);
}

static struct sidecar *sidecar_self;	/* for the wslay callbacks */

static void
ws_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *a,
    void *user)
{
	struct sidecar *sc = sidecar_self;
	struct wsconn *c = user;
	struct err e = { .msg = "" };
	char reason[124];
	int n;

	if (a->opcode != WSLAY_TEXT_FRAME && a->opcode != WSLAY_BINARY_FRAME)
		return;
	if (c->state != WSCONN_OPEN)
		return;
	conn_touch(sc, c);	/* idle means no message, pings or not */
	if (c->pending)
		conn_answer(sc, c);
	if (ts_parse((const char *)a->msg, a->msg_length, &c->it, &e) != 0) {
		/* A close reason is at most 123 bytes. */
		n = snprintf(reason, sizeof(reason), "%s", e.msg);
		if (n < 0 || (size_t)n >= sizeof(reason))
			n = sizeof(reason) - 1;
		sidecar_logf("%.*s: closing 1007: %s", (int)c->idlen, c->id,
		    e.msg);
		c->logged = true;
		wslay_event_queue_close(ctx, WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA,
		    (const uint8_t *)reason, (size_t)n);
		return;
	}
	c->pending = true;
}

static const struct wslay_event_callbacks ws_callbacks = {
	.recv_callback = ws_recv,
	.send_callback = ws_send,
	.on_frame_recv_start_callback = ws_frame_start,
	.on_msg_recv_callback = ws_msg,
};

static int
conn_ws(struct wsconn *c)
{
	if (c->ws != NULL)
		return 0;
	if (wslay_event_context_server_init(&c->ws, &ws_callbacks, c) != 0) {
		c->ws = NULL;
		return -1;
	}
	wslay_event_config_set_max_recv_msg_length(c->ws, SIDECAR_MSG_MAX);
	c->fed = c->used = 0;
	c->in_msg = false;
	return 0;
}

/* After reading or writing: send what is queued and decide what is next.
 * Returns -1 when c was destroyed. */
static int
conn_flush(struct sidecar *sc, struct wsconn *c, int rv)
{
	if (c->pending && rv == 0)
		conn_answer(sc, c);
	if (rv == 0)
		rv = wslay_event_send(c->ws);
	if (rv != 0) {
		if (!c->eof && !c->logged)
			sidecar_logf("%.*s: connection failed (wslay %d)",
			    (int)c->idlen, c->id, rv);
		conn_destroy(sc, c);
		return -1;
	}
	if (wslay_event_get_close_sent(c->ws) && !c->logged &&
	    !wslay_event_get_close_received(c->ws)) {
		uint16_t code = wslay_event_get_status_code_sent(c->ws);

		c->logged = true;
		if (code == WSLAY_CODE_MESSAGE_TOO_BIG)
			sidecar_logf("%.*s: closing 1009: message over %d "
			    "bytes", (int)c->idlen, c->id, SIDECAR_MSG_MAX);
		else if (code == WSLAY_CODE_PROTOCOL_ERROR)
			sidecar_logf("%.*s: closing 1002: protocol error",
			    (int)c->idlen, c->id);
	}
	if (!wslay_event_want_read(c->ws) && !wslay_event_want_write(c->ws)) {
		conn_destroy(sc, c);	/* the close handshake is done */
		return -1;
	}
	if (c->state == WSCONN_OPEN && (wslay_event_get_close_sent(c->ws) ||
	    wslay_event_get_close_received(c->ws)))
		conn_set_state(sc, c, WSCONN_CLOSING);
	/* Answers pile up when a client sends without reading: stop reading
	 * it until they are written. */
	conn_epoll(sc, c, wslay_event_get_queued_msg_count(c->ws) <
	    SIDECAR_QUEUE_MAX, wslay_event_want_write(c->ws));
	if (c->state == WSCONN_OPEN && c->buf == NULL && c->fed == c->used &&
	    !c->in_msg && !wslay_event_want_write(c->ws)) {
		wslay_event_context_free(c->ws);
		c->ws = NULL;
	}
	return 0;
}

static void
conn_read_ws(struct sidecar *sc, struct wsconn *c)
{
	if (conn_ws(c) != 0) {
		sidecar_logf("out of memory");
		conn_destroy(sc, c);
		return;
	}
	c->read_done = false;
	conn_flush(sc, c, wslay_event_recv(c->ws));
}

/* Start the close handshake with code (1000 idle, 1001 going away). */
static void
conn_close(struct sidecar *sc, struct wsconn *c, uint16_t code,
    const char *reason)
{
	if (conn_ws(c) != 0) {
		conn_destroy(sc, c);
		return;
	}
	c->logged = true;
	c->pending = false;
	wslay_event_queue_close(c->ws, code, (const uint8_t *)reason,
	    strlen(reason));
	conn_flush(sc, c, 0);
}

/* Write an HTTP refusal, then drain until EOF (closing now could reset
 * the connection before the client reads the answer). */
static void
conn_refuse(struct sidecar *sc, struct wsconn *c, int status,
    const struct wshs_request *r)
{
	char out[WSHS_RESPONSE_MAX];
	size_t n = wshs_response(status, r, out);

	sidecar_logf("upgrade refused, %d: %s", status, r->why);
	free(c->buf);
	c->buf = NULL;
	if (send(c->fd, out, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)n) {
		conn_destroy(sc, c);
		return;
	}
	shutdown(c->fd, SHUT_WR);
	c->http = true;
	conn_set_state(sc, c, WSCONN_CLOSING);
}

static void
conn_read_handshake(struct sidecar *sc, struct wsconn *c)
{
	struct wshs_request r;
	char *buf, out[WSHS_RESPONSE_MAX];
	size_t len, used, n, rest;
	ssize_t got;
	int status;

	buf = c->buf != NULL ? c->buf : sc->scratch;
	len = c->buf != NULL ? c->buflen : 0;
	got = recv(c->fd, buf + len, WSHS_MAX - len, 0);
	if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (got <= 0) {
		conn_destroy(sc, c);
		return;
	}
	len += (size_t)got;
	status = wshs_parse(buf, len, sc->opt.allow_cross_origin, &r, &used);
	if (status == 0) {
		if (c->buf == NULL) {
			/* A request split over reads: keep it. */
			c->buf = malloc(WSHS_MAX);
			if (c->buf == NULL) {
				conn_destroy(sc, c);
				return;
			}
			memcpy(c->buf, buf, len);
		}
		c->buflen = (uint16_t)len;
		return;
	}
	if (status != 101) {
		conn_refuse(sc, c, status, &r);
		return;
	}
	{
		struct err e = { .msg = "" };

		if (answer_id_set(&sc->id, r.host, r.host_len, &e) != 0) {
			r.why = "bad Host";
			conn_refuse(sc, c, 400, &r);
			return;
		}
	}
	c->id = malloc(sc->id.len);
	if (c->id == NULL) {
		conn_destroy(sc, c);
		return;
	}
	memcpy(c->id, sc->id.json, sc->id.len);
	c->idlen = (uint16_t)sc->id.len;
	n = wshs_response(101, &r, out);
	if (send(c->fd, out, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)n) {
		/* A fresh socket takes a few hundred bytes; this is a reset. */
		conn_destroy(sc, c);
		return;
	}
	rest = len - used;
	if (rest > 0) {
		char *keep = malloc(rest);

		if (keep == NULL) {
			conn_destroy(sc, c);
			return;
		}
		memcpy(keep, buf + used, rest);
		free(c->buf);
		c->buf = keep;
		c->buflen = (uint16_t)rest;
		c->bufoff = 0;
	} else {
		free(c->buf);
		c->buf = NULL;
	}
	conn_set_state(sc, c, WSCONN_OPEN);
	if (rest > 0)
		conn_read_ws(sc, c);
}

/* Closing: let wslay read the peer's close, or (after an HTTP refusal, or
 * without a context) drain and drop until EOF. */
static void
conn_read_closing(struct sidecar *sc, struct wsconn *c)
{
	ssize_t got;

	if (c->ws != NULL && !c->http) {
		c->read_done = false;
		conn_flush(sc, c, wslay_event_recv(c->ws));
		return;
	}
	got = recv(c->fd, sc->scratch, sizeof(sc->scratch), 0);
	if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR))
		conn_destroy(sc, c);
}

static void
conn_event(struct sidecar *sc, struct wsconn *c, uint32_t ev)
{
	if ((ev & EPOLLOUT) && c->ws != NULL && c->state != WSCONN_HANDSHAKE) {
		if (conn_flush(sc, c, 0) != 0)
			return;
	}
	if (!(ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	switch (c->state) {
	case WSCONN_HANDSHAKE:
		conn_read_handshake(sc, c);
		break;
	case WSCONN_OPEN:
		conn_read_ws(sc, c);
		break;
	default:
		conn_read_closing(sc, c);
		break;
	}
}

static void
sidecar_accept(struct sidecar *sc)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct wsconn *c;
	int fd, one = 1;

	for (int i = 0; i < SIDECAR_ACCEPTS; i++) {
		fd = accept4(sc->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Pause accepting for 100 ms rather than spin
				 * on a listen socket that stays readable. */
				sidecar_logf("accept: %s", strerror(errno));
				epoll_ctl(sc->epfd, EPOLL_CTL_DEL, sc->lfd, NULL);
				sc->accepting = false;
				sc->accept_again = sc->now + TS_NS_PER_SEC / 10;
			}
			return;
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->state = WSCONN_HANDSHAKE;
		ev.data.ptr = c;
		if (epoll_ctl(sc->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			free(c);
			continue;
		}
		list_append(&sc->lists[WSCONN_HANDSHAKE], c, sc->now);
		sc->nconns++;
	}
}

/* Expire the heads of the timer lists; returns the epoll timeout in ms. */
static int
sidecar_timers(struct sidecar *sc)
{
	int64_t next = INT64_MAX, ms;
	struct wsconn *c;

	for (int s = 0; s < WSCONN_NSTATES; s++) {
		while ((c = sc->lists[s].head) != NULL &&
		    c->deadline <= sc->now) {
			if (s == WSCONN_OPEN)
				conn_close(sc, c, WSLAY_CODE_NORMAL_CLOSURE,
				    "idle timeout");
			else
				conn_destroy(sc, c);
		}
		if (c != NULL && c->deadline < next)
			next = c->deadline;
	}
	if (!sc->accepting && !sc->stopping) {
		if (sc->accept_again <= sc->now) {
			struct epoll_event ev = { .events = EPOLLIN,
			    .data.ptr = &sidecar_tag_listen };

			if (epoll_ctl(sc->epfd, EPOLL_CTL_ADD, sc->lfd, &ev) == 0)
				sc->accepting = true;
		} else if (sc->accept_again < next)
			next = sc->accept_again;
	}
	if (next == INT64_MAX)
		return -1;
	ms = (next - sc->now + 999999) / 1000000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* SIGTERM/SIGINT: stop accepting, 1001 to every client. */
static void
sidecar_stop(struct sidecar *sc)
{
	struct wsconn *c, *next;

	sc->stopping = true;
	if (sc->accepting)
		epoll_ctl(sc->epfd, EPOLL_CTL_DEL, sc->lfd, NULL);
	sc->accepting = false;
	close(sc->lfd);
	sc->lfd = -1;
	for (c = sc->lists[WSCONN_HANDSHAKE].head; c != NULL; c = next) {
		next = c->next;
		conn_destroy(sc, c);
	}
	for (c = sc->lists[WSCONN_OPEN].head; c != NULL; c = next) {
		next = c->next;
		conn_close(sc, c, WSLAY_CODE_GOING_AWAY, "server shutting down");
	}
}

static int
sidecar_run(struct sidecar *sc)
{
	struct epoll_event evs[SIDECAR_EVENTS];
	int n, timeout;

	for (;;) {
		sc->now = ts_mono_ns();
		timeout = sidecar_timers(sc);
		if (sc->stopping && sc->nconns == 0)
			return 0;
		n = epoll_wait(sc->epfd, evs, SIDECAR_EVENTS, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			sidecar_logf("epoll_wait: %s", strerror(errno));
			return 1;
		}
		sc->now = ts_mono_ns();
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;

			if (p == &sidecar_tag_listen) {
				if (sc->accepting)
					sidecar_accept(sc);
			} else if (p == &sidecar_tag_signal) {
				struct signalfd_siginfo si;

				if (read(sc->sigfd, &si, sizeof(si)) > 0 &&
				    !sc->stopping)
					sidecar_stop(sc);
				/* The connections' events of this batch may
				 * be gone: take a fresh batch. */
				break;
			} else {
				conn_event(sc, p, evs[i].events);
			}
		}
	}
}

/* -listen HOST:PORT, [V6]:PORT or unix:PATH. */
static int
sidecar_bind(struct sidecar *sc, struct err *e)
{
	const char *a = sc->listen;
	int fd, one = 1;

	if (strncmp(a, "unix:", 5) == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		struct stat st;

		if (a[5] == '\0' || strlen(a + 5) >= sizeof(sun.sun_path)) {
			err_set(e, "invalid -listen \"%s\": empty or too long "
			    "a path", a);
			return 2;
		}
		strcpy(sun.sun_path, a + 5);
		/* A socket left behind by a killed predecessor. */
		if (lstat(sun.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(sun.sun_path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun,
		    sizeof(sun)) != 0 || listen(fd, SOMAXCONN) != 0) {
			err_setsys(e, "cannot listen on %s", a);
			if (fd >= 0)
				close(fd);
			return 1;
		}
		sc->unix_path = strdup(sun.sun_path);
		sc->lfd = fd;
		return 0;
	} else {
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
		    .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *res;
		char host[256], port[8];
		long pn;
		int rc;

		if (serveropt_hostport(a, host, sizeof(host), &pn) != 0 ||
		    host[0] == '\0') {
			err_set(e, "invalid -listen \"%s\": not HOST:PORT, "
			    "[IPV6]:PORT or unix:PATH", a);
			return 2;
		}
		snprintf(port, sizeof(port), "%ld", pn);
		if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
			err_set(e, "invalid -listen \"%s\": %s", sc->listen,
			    gai_strerror(rc));
			return 2;
		}
		fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, res->ai_protocol);
		if (fd >= 0) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			    sizeof(one));
			if (res->ai_family == AF_INET6)
				setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				    sizeof(one));
		}
		if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
		    listen(fd, SOMAXCONN) != 0) {
			err_setsys(e, "cannot listen on %s", sc->listen);
			if (fd >= 0)
				close(fd);
			freeaddrinfo(res);
			return 1;
		}
		freeaddrinfo(res);
		sc->lfd = fd;
		return 0;
	}
}

static int
sidecar_setup(struct sidecar *sc, struct err *e)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 ||
	    (sc->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    (sc->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		err_setsys(e, "cannot set up the event loop");
		return -1;
	}
	ev.data.ptr = &sidecar_tag_signal;
	if (epoll_ctl(sc->epfd, EPOLL_CTL_ADD, sc->sigfd, &ev) != 0) {
		err_setsys(e, "cannot set up the event loop");
		return -1;
	}
	ev.data.ptr = &sidecar_tag_listen;
	if (epoll_ctl(sc->epfd, EPOLL_CTL_ADD, sc->lfd, &ev) != 0) {
		err_setsys(e, "cannot set up the event loop");
		return -1;
	}
	sc->accepting = true;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct sidecar sc;
	const struct serveropt_flag flags[] = {
		{ "listen", "HOST:PORT", "where to listen: HOST:PORT, "
		    "[IPV6]:PORT or unix:PATH (default " SIDECAR_LISTEN ")",
		    &sc.listen, NULL },
		{ "idle-timeout", "SECONDS", "close a connection after this "
		    "long without a message (default 60)", &sc.idle, NULL },
	};
	const size_t nflags = sizeof(flags) / sizeof(flags[0]);
	struct leapsrc_config lc;
	struct err e = { .msg = "" };
	long idle = 60;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	sidecar_self = &sc;
	sc.lfd = sc.epfd = sc.sigfd = -1;
	switch (serveropt_parse(&sc.opt, argc, argv, flags, nflags, NULL, &e)) {
	case SERVEROPT_BAD:
		fprintf(stderr, "%s: %s\n", SIDECAR_NAME, e.msg);
		return 2;
	case SERVEROPT_HELP:
		serveropt_usage(stdout, SIDECAR_NAME " [flags]", flags, nflags);
		return 0;
	case SERVEROPT_VERSION:
		printf("%s %s\n", SIDECAR_NAME, PACKAGE_VERSION);
		return 0;
	case SERVEROPT_RUN:
		break;
	}
	if (sc.listen == NULL)
		sc.listen = SIDECAR_LISTEN;
	if (sc.idle != NULL) {
		if (serveropt_number(sc.idle, 1, 86400 * 365, &idle) != 0) {
			fprintf(stderr, "%s: invalid -idle-timeout \"%s\": not "
			    "a whole number of seconds from 1 on\n",
			    SIDECAR_NAME, sc.idle);
			return 2;
		}
	}
	sc.lists[WSCONN_HANDSHAKE].timeout = SIDECAR_HS_NS;
	sc.lists[WSCONN_OPEN].timeout = idle * TS_NS_PER_SEC;
	sc.lists[WSCONN_CLOSING].timeout = SIDECAR_CLOSING_NS;

	serveropt_leap_config(&sc.opt, &lc, sidecar_log, NULL);
	if (leapsrc_open(&sc.leap, &lc, &e) != 0) {
		fprintf(stderr, "%s: invalid -leap-second-path \"%s\": %s\n",
		    SIDECAR_NAME, sc.opt.leap_path, e.msg);
		return 2;
	}
	if ((rc = sidecar_bind(&sc, &e)) != 0) {
		fprintf(stderr, "%s: %s\n", SIDECAR_NAME, e.msg);
		leapsrc_close(sc.leap);
		return rc;
	}
	if (sidecar_setup(&sc, &e) != 0) {
		fprintf(stderr, "%s: %s\n", SIDECAR_NAME, e.msg);
		leapsrc_close(sc.leap);
		return 1;
	}
	if (leapsrc_start_fetch(sc.leap, &e) != 0)
		sidecar_log(NULL, e.msg);
	rc = sidecar_run(&sc);
	if (sc.unix_path != NULL) {
		unlink(sc.unix_path);
		free(sc.unix_path);
	}
	if (sc.lfd >= 0)
		close(sc.lfd);
	close(sc.epfd);
	close(sc.sigfd);
	leapsrc_close(sc.leap);
	return rc;
}
