/*
 * ws.c: the WebSocket transport of the client (doc/protocol.md sections 4, 5;
 * RFC 6455) over a non-blocking socket of its own, OpenSSL for wss://
 * (tls.c), the opening handshake of upgrade.c and wslay's framing. One
 * connection per server, subprotocol webntp.shogo82148.com offered, every
 * sample on it: `start` is read right before the text message goes out and
 * is its content; `end` is when the poll that brought the answer's first
 * byte returned, read before the recv or SSL_read.
 *
 * An answer is one message, and the first whole message after a request is
 * its answer: bytes that come after it in the same read are not more of
 * it. A message that comes when no request is waiting (a second answer, one
 * before the first request, one during the pause between samples) cannot be
 * paired with a request, so it fails that server: the request goes out only
 * when nothing unread is waiting, anything unread then is read first, and a
 * message whose first byte came before the request is not its answer.
 *
 * NOTES: wslay's frame layer (wslay_frame_recv/send), not its event layer:
 * the event layer fails a connection with the same 1002 close whatever the
 * cause (a masked frame, reserved bits, a reserved opcode, bad
 * fragmentation, a bad close code) and cannot say which; the frame layer
 * hands over each frame's header, so each cause is named here. wslay checks
 * what is wrong within one frame header (a control frame over 125 bytes or
 * fragmented, a length not in its shortest form); this file checks the rest
 * of RFC 6455 sections 5 and 7.4, and section 5.1: a client MUST close the
 * connection on a masked frame. Text is not checked as UTF-8 here: the
 * answer is JSON and jansson refuses invalid UTF-8 (reply.c), and a close
 * reason is only shown, escaped (measure.c).
 * libwebsockets (4.1.6, Debian 12) was the transport before: it takes
 * masked frames from a server and its API cannot see the mask bit.
 * Arrival times: one read per wakeup, and each read remembers when its
 * poll returned, so a frame is dated by the read that brought the first
 * byte of its header, even when the header and the payload come apart.
 * DNS is getaddrinfo's, bounded by the resolver's own timeouts
 * (resolv.conf), not by -timeout; the addresses it gives are tried in
 * turn, connect, TLS and upgrade all within -timeout.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <wslay/wslay.h>

#include "client.h"
#include "ts.h"
#include "wshttp.h"

#define WS_IN_MAX	UPGRADE_MAX	/* one read; the 101's header fits */
#define WS_OUT_MAX	(UPGRADE_REQUEST_MAX + 256)
#define WS_CLOSE_WAIT	(TS_NS_PER_SEC / 2)
#define WS_READS	8	/* reads remembered to date a frame */
#define WS_MASKS	64	/* mask bytes drawn ahead of the timed send */

enum ws_phase { WS_TLS, WS_UPGRADE, WS_OPEN };

/* A read after the 101's header: where its bytes start in the stream,
 * and when its poll returned. */
struct ws_read {
	uint64_t	 off;
	struct timespec	 at;
};

struct ws {
	const struct client_opt	*opt;
	struct wsurl		 u;
	int			 fd;
	SSL			*ssl;
	wslay_frame_context_ptr	 fc;
	enum ws_phase		 phase;
	short			 tls_want;	/* POLLIN/POLLOUT: handshake */
	bool			 tls_write_wants_read, tls_read_wants_write;
	bool			 eof;		/* the server closed TCP/TLS */
	bool			 tls_dead;	/* no SSL_shutdown after this */
	bool			 failed;	/* e is set: it is over */
	bool			 closing;	/* our close frame is queued */
	bool			 close_rcvd;
	bool			 awaiting;	/* a request sent, unanswered */
	bool			 got;		/* the answer is in rx */
	bool			 healthy;	/* the last one was answered */
	struct timespec		 start, end;
	char			 key[UPGRADE_KEY_LEN + 1];
	char			 accept[WSHTTP_ACCEPT_LEN + 1];

	/* Input: bytes read and not yet handed to wslay (first the 101). */
	unsigned char		 in[WS_IN_MAX];
	size_t			 inoff, inlen;
	bool			 in_full;	/* the last read filled it */
	bool			 woke;		/* wake: a wakeup not read */
	struct timespec		 wake;
	struct timespec		 last_at;	/* the last read's wake */
	uint64_t		 rxbytes;	/* read after the 101 */
	uint64_t		 req_off;	/* rxbytes at the request */
	struct ws_read		 reads[WS_READS];
	uint64_t		 nreads;

	/* The frame being read; fpos is where its header starts. */
	bool			 in_frame;
	uint8_t			 fop;
	bool			 ffin;
	uint64_t		 flen, fleft, fpos;
	bool			 in_msg;	/* a data message under way */
	size_t			 rxlen;
	char			 rx[WSHTTP_MSG_MAX];
	size_t			 ctllen;
	unsigned char		 ctl[WSHTTP_CTL_MAX];

	/* Output: the upgrade request, then frames, masked by wslay. */
	unsigned char		 out[WS_OUT_MAX];
	size_t			 outoff, outlen;
	unsigned char		 masks[WS_MASKS];
	size_t			 nmasks;

	struct err		 e;	/* the connection's first error */
};

/* ---- wslay's frame layer: bytes from in, frames to out ---- */

static ssize_t
ws_cb_recv(uint8_t *buf, size_t len, int flags, void *user)
{
	struct ws *w = user;
	size_t n = w->inlen - w->inoff;

	if (n == 0)
		return -1;	/* wslay_frame_recv: WSLAY_ERR_WANT_READ */
	if (n > len)
		n = len;
	memcpy(buf, w->in + w->inoff, n);
	w->inoff += n;
	return (ssize_t)n;
}

static ssize_t
ws_cb_send(const uint8_t *data, size_t len, int flags, void *user)
{
	struct ws *w = user;

	/* ws_queue made room for the whole frame. */
	if (len > sizeof(w->out) - w->outlen)
		return -1;
	memcpy(w->out + w->outlen, data, len);
	w->outlen += len;
	return (ssize_t)len;
}

static void
ws_masks_fill(struct ws *w)
{
	measure_random_bytes(w->masks, sizeof(w->masks));
	w->nmasks = sizeof(w->masks);
}

static int
ws_cb_genmask(uint8_t *buf, size_t len, void *user)
{
	struct ws *w = user;

	if (w->nmasks < len)
		ws_masks_fill(w);
	memcpy(buf, w->masks + w->nmasks - len, len);
	w->nmasks -= len;
	return 0;
}

static const struct wslay_frame_callbacks ws_frame_callbacks = {
	ws_cb_send, ws_cb_recv, ws_cb_genmask
};

/* Queue one masked frame; false when it does not fit (never for ours). */
static bool
ws_queue(struct ws *w, uint8_t opcode, const void *data, size_t len)
{
	struct wslay_frame_iocb io;

	if (w->outoff == w->outlen) {
		w->outoff = w->outlen = 0;
	} else if (w->outoff > 0 && w->ssl == NULL) {
		/* (OpenSSL retries a write from where it was: only move
		 * the buffer for the plain socket.) */
		memmove(w->out, w->out + w->outoff, w->outlen - w->outoff);
		w->outlen -= w->outoff;
		w->outoff = 0;
	}
	if (len + WSHTTP_FRAME_HDR_MAX > sizeof(w->out) - w->outlen)
		return false;
	memset(&io, 0, sizeof(io));
	io.fin = 1;
	io.opcode = opcode;
	io.mask = 1;
	io.payload_length = len;
	io.data = data;
	io.data_length = len;
	return wslay_frame_send(w->fc, &io) == (ssize_t)len;
}

static void
ws_queue_close(struct ws *w, uint16_t code)
{
	unsigned char b[2] = { (unsigned char)(code >> 8),
	    (unsigned char)code };

	if (w->closing || w->phase != WS_OPEN)
		return;
	w->closing = true;
	/* 1005 means "no code": an empty close frame (RFC 6455 7.4.1). */
	ws_queue(w, WSLAY_CONNECTION_CLOSE, b, code == 1005 ? 0 : 2);
}

/* Fail the connection (RFC 6455 7.1.7) with the error set by the caller:
 * a close frame with code, sent as it can, then no more reading. */
static int
ws_fail(struct ws *w, uint16_t code)
{
	if (!w->failed) {
		w->failed = true;
		ws_queue_close(w, code);
	}
	return -1;
}

/* ---- socket and TLS ---- */

/* Read once into in; the bytes read, 0 for none now, -1 at the end. */
static ssize_t
ws_fill(struct ws *w)
{
	struct timespec at;
	size_t room;
	ssize_t n;
	bool more;

	if (w->inoff == w->inlen) {
		w->inoff = w->inlen = 0;
	} else if (w->inoff > 0) {
		memmove(w->in, w->in + w->inoff, w->inlen - w->inoff);
		w->inlen -= w->inoff;
		w->inoff = 0;
	}
	room = sizeof(w->in) - w->inlen;
	w->in_full = false;
	if (room == 0)
		return 0;
	if (w->ssl != NULL) {
		ERR_clear_error();
		errno = 0;
		n = SSL_read(w->ssl, w->in + w->inlen, (int)room);
		if (n <= 0) {
			switch (SSL_get_error(w->ssl, (int)n)) {
			case SSL_ERROR_WANT_READ:
				/* A record cut short keeps its wakeup. */
				if (!SSL_has_pending(w->ssl))
					w->woke = false;
				return 0;
			case SSL_ERROR_WANT_WRITE:
				w->tls_read_wants_write = true;
				return 0;
			case SSL_ERROR_ZERO_RETURN:
				w->eof = true;
				return -1;
			case SSL_ERROR_SYSCALL:
				w->tls_dead = true;
				if (ERR_peek_error() == 0 && (errno == 0 ||
				    errno == ECONNRESET)) {
					/* No close_notify: an end too. */
					w->eof = true;
					return -1;
				}
				/* FALLTHROUGH */
			default:
				w->tls_dead = true;
				tls_error(w->ssl, (int)n, "TLS read failed",
				    &w->e);
				w->failed = true;
				return -1;
			}
		}
		more = SSL_has_pending(w->ssl);
	} else {
		n = recv(w->fd, w->in + w->inlen, room, 0);
		if (n == 0) {
			w->eof = true;
			return -1;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR) {
				w->woke = false;
				return 0;
			}
			if (errno == ECONNRESET) {
				w->eof = true;
				return -1;
			}
			err_setsys(&w->e, "recv");
			w->failed = true;
			return -1;
		}
		more = (size_t)n == room;
	}
	if (w->woke)
		at = w->wake;
	else
		ts_now(&at);
	/* Bytes still waiting arrived by the same wakeup. */
	w->woke = more;
	w->in_full = more;
	w->inlen += (size_t)n;
	w->last_at = at;
	if (w->phase == WS_OPEN) {
		w->reads[w->nreads % WS_READS].off = w->rxbytes;
		w->reads[w->nreads % WS_READS].at = at;
		w->nreads++;
		w->rxbytes += (uint64_t)n;
	}
	return n;
}

/* When the stream's byte at off arrived: the read that brought it. */
static struct timespec
ws_dated(const struct ws *w, uint64_t off)
{
	uint64_t i, n = w->nreads < WS_READS ? w->nreads : WS_READS;

	for (i = 1; i <= n; i++) {
		const struct ws_read *r = &w->reads[(w->nreads - i) % WS_READS];

		if (r->off <= off || i == n)
			return r->at;
	}
	return w->last_at;	/* no read yet: not reached */
}

static int
ws_flush(struct ws *w)
{
	ssize_t n;

	if (w->phase == WS_TLS)
		return 0;
	w->tls_write_wants_read = false;
	while (w->outoff < w->outlen) {
		size_t len = w->outlen - w->outoff;

		if (w->ssl != NULL) {
			ERR_clear_error();
			errno = 0;
			n = SSL_write(w->ssl, w->out + w->outoff, (int)len);
			if (n <= 0) {
				switch (SSL_get_error(w->ssl, (int)n)) {
				case SSL_ERROR_WANT_WRITE:
					return 0;
				case SSL_ERROR_WANT_READ:
					w->tls_write_wants_read = true;
					return 0;
				default:
					w->tls_dead = true;
					tls_error(w->ssl, (int)n,
					    "TLS write failed", &w->e);
					w->failed = true;
					return -1;
				}
			}
		} else {
			n = send(w->fd, w->out + w->outoff, len,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK ||
				    errno == EINTR)
					return 0;
				err_setsys(&w->e, "send");
				w->failed = true;
				return -1;
			}
		}
		w->outoff += (size_t)n;
	}
	w->outoff = w->outlen = 0;
	return 0;
}

/* ---- frames from the server ---- */

static uint64_t
ws_hdrlen(uint64_t len)
{
	return 2 + (len < 126 ? 0 : len < 65536 ? 2 : 8);
}

/* Close codes a peer may send (RFC 6455 7.4.1, 7.4.2; IANA's 1012-1014). */
static bool
ws_code_ok(unsigned code)
{
	return (code >= 1000 && code <= 1014 && code != 1004 &&
	    code != 1005 && code != 1006) || (code >= 3000 && code <= 4999);
}

static int
ws_control(struct ws *w)
{
	unsigned code;
	size_t rl;

	switch (w->fop) {
	case WSLAY_PING:
		/* A pong that does not fit is dropped: only the last ping
		 * needs one (RFC 6455 5.5.3). */
		if (!w->closing)
			ws_queue(w, WSLAY_PONG, w->ctl, w->ctllen);
		return 0;
	case WSLAY_PONG:
		return 0;
	default:	/* WSLAY_CONNECTION_CLOSE */
		break;
	}
	w->close_rcvd = true;
	if (w->ctllen == 1) {
		err_set(&w->e, "the server sent a close frame of 1 byte");
		return ws_fail(w, 1002);
	}
	code = w->ctllen >= 2 ? (unsigned)w->ctl[0] << 8 | w->ctl[1] : 1005;
	if (w->ctllen >= 2 && !ws_code_ok(code)) {
		err_set(&w->e, "the server sent the invalid close code %u",
		    code);
		return ws_fail(w, 1002);
	}
	if (w->closing)
		return 0;	/* the answer to ours */
	rl = w->ctllen > 2 ? w->ctllen - 2 : 0;
	err_set(&w->e, "the server closed the connection (%u%s%.*s)", code,
	    rl > 0 ? " " : "", (int)rl, (const char *)w->ctl + 2);
	/* Echo it (RFC 6455 5.5.1), and this connection is over. */
	return ws_fail(w, (uint16_t)code);
}

static int
ws_frame(struct ws *w, const struct wslay_frame_iocb *io)
{
	bool ctl;

	if (!w->in_frame) {
		w->in_frame = true;
		w->fop = io->opcode;
		w->ffin = io->fin;
		w->flen = w->fleft = io->payload_length;
		w->ctllen = 0;
		if (io->mask) {
			err_set(&w->e, "the server sent a masked frame "
			    "(RFC 6455 5.1: a server must not mask)");
			return ws_fail(w, 1002);
		}
		if (io->rsv != 0) {
			err_set(&w->e, "the server sent a frame with reserved "
			    "bits set (RSV %u%u%u) and no extension",
			    io->rsv >> 2 & 1, io->rsv >> 1 & 1, io->rsv & 1);
			return ws_fail(w, 1002);
		}
		switch (io->opcode) {
		case WSLAY_CONTINUATION_FRAME:
			if (!w->in_msg) {
				err_set(&w->e, "the server sent a continuation "
				    "frame outside a message");
				return ws_fail(w, 1002);
			}
			break;
		case WSLAY_TEXT_FRAME:
		case WSLAY_BINARY_FRAME:
			if (w->in_msg) {
				err_set(&w->e, "the server began a message "
				    "inside another");
				return ws_fail(w, 1002);
			}
			w->in_msg = true;
			w->rxlen = 0;
			if (w->closing)
				break;	/* read past, unjudged */
			if (!w->awaiting || w->fpos < w->req_off) {
				err_set(&w->e, "the server sent a message that "
				    "was not asked for");
				return ws_fail(w, 1008);
			}
			w->end = ws_dated(w, w->fpos);
			break;
		case WSLAY_CONNECTION_CLOSE:
		case WSLAY_PING:
		case WSLAY_PONG:
			break;
		default:
			err_set(&w->e, "the server sent a frame with the "
			    "reserved opcode 0x%x", io->opcode);
			return ws_fail(w, 1002);
		}
		if (!wslay_is_ctrl_frame(io->opcode) && !w->closing &&
		    w->flen > WSHTTP_MSG_MAX - w->rxlen) {
			err_set(&w->e, "the answer is longer than %d bytes",
			    WSHTTP_MSG_MAX);
			return ws_fail(w, 1009);
		}
	}
	ctl = wslay_is_ctrl_frame(w->fop);
	if (io->data_length > w->fleft || (ctl && io->data_length >
	    sizeof(w->ctl) - w->ctllen)) {
		err_set(&w->e, "the server sent a malformed frame");
		return ws_fail(w, 1002);
	}
	if (ctl) {
		memcpy(w->ctl + w->ctllen, io->data, io->data_length);
		w->ctllen += io->data_length;
	} else if (!w->closing) {
		memcpy(w->rx + w->rxlen, io->data, io->data_length);
		w->rxlen += io->data_length;
	}
	w->fleft -= io->data_length;
	if (w->fleft > 0)
		return 0;
	w->in_frame = false;
	w->fpos += ws_hdrlen(w->flen) + w->flen;
	if (ctl)
		return ws_control(w);
	if (w->ffin) {
		w->in_msg = false;
		if (!w->closing && w->awaiting) {
			w->got = true;
			w->awaiting = false;
		}
	}
	return 0;
}

/* Every frame in what was read; what follows the answer in the same read
 * is judged too. */
static int
ws_digest(struct ws *w)
{
	struct wslay_frame_iocb io;
	ssize_t r;

	while (!w->failed && !w->close_rcvd) {
		memset(&io, 0, sizeof(io));
		r = wslay_frame_recv(w->fc, &io);
		if (r == WSLAY_ERR_WANT_READ)
			return 0;
		if (r < 0) {
			err_set(&w->e, "the server sent a malformed frame "
			    "header (a control frame over 125 bytes or "
			    "fragmented, or a length not in its shortest "
			    "form)");
			return ws_fail(w, 1002);
		}
		if (ws_frame(w, &io) == -1)
			return -1;
	}
	return w->failed ? -1 : 0;
}

/* The upgrade response so far; once whole, what follows it is frames. */
static int
ws_upgraded(struct ws *w)
{
	size_t used;
	int rc;

	rc = upgrade_response((const char *)w->in, w->inlen, w->accept, &used,
	    &w->e);
	if (rc == -1) {
		w->failed = true;
		return -1;
	}
	if (rc == 0)
		return 0;
	w->phase = WS_OPEN;
	w->inoff = used;
	w->rxbytes = w->inlen - used;
	w->reads[0].off = 0;
	w->reads[0].at = w->last_at;
	w->nreads = 1;
	return ws_digest(w);
}

/* What one wakeup brought: one read, more while TLS holds bytes or the
 * read filled the buffer. */
static int
ws_input(struct ws *w)
{
	ssize_t n;

	do {
		if ((n = ws_fill(w)) <= 0)
			return (int)n;
		if ((w->phase == WS_UPGRADE ? ws_upgraded(w) : ws_digest(w)) ==
		    -1)
			return -1;
	} while (!w->failed && !w->close_rcvd && w->in_full);
	return 0;
}

static int
ws_tls_step(struct ws *w)
{
	int rc;

	ERR_clear_error();
	errno = 0;
	if ((rc = SSL_connect(w->ssl)) == 1) {
		w->phase = WS_UPGRADE;
		return ws_flush(w);
	}
	switch (SSL_get_error(w->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		w->tls_want = POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		w->tls_want = POLLOUT;
		return 0;
	default:
		w->tls_dead = true;
		tls_error(w->ssl, rc, "TLS handshake failed", &w->e);
		w->failed = true;
		return -1;
	}
}

/* Wait and work until done(w), a failure, the end, or the deadline
 * (CLOCK_MONOTONIC ns). */
static int
ws_run(struct ws *w, bool (*done)(const struct ws *), int64_t deadline,
    struct err *e)
{
	struct pollfd p;
	struct timespec ts;
	int64_t left;
	int rc;

	for (;;) {
		if (w->failed)
			break;
		if (done(w)) {
			/* A pong (RFC 6455 5.5.2: "as soon as is practical")
			 * goes now, not with the next request. */
			ws_flush(w);
			return 0;
		}
		if (w->eof) {
			err_set(&w->e, "the connection was closed");
			break;
		}
		if (ws_flush(w) == -1)
			break;
		if (client_stop) {
			err_set(&w->e, "interrupted");
			break;
		}
		if ((left = deadline - ts_mono_ns()) <= 0) {
			err_set(&w->e, "timeout");
			break;
		}
		p.fd = w->fd;
		p.events = w->phase == WS_TLS ? w->tls_want : POLLIN;
		/* (A TLS write that waits for a read waits for POLLIN.) */
		if (w->phase != WS_TLS && ((w->outoff < w->outlen &&
		    !w->tls_write_wants_read) || w->tls_read_wants_write))
			p.events |= POLLOUT;
		p.revents = 0;
		ts.tv_sec = (time_t)(left / TS_NS_PER_SEC);
		ts.tv_nsec = (long)(left % TS_NS_PER_SEC);
		rc = ppoll(&p, 1, &ts, NULL);
		if (rc == -1 && errno != EINTR) {
			err_setsys(&w->e, "poll");
			break;
		}
		if (rc <= 0)
			continue;
		/* The arrival time: before any read, or TLS's decryption. */
		if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && !w->woke) {
			ts_now(&w->wake);
			w->woke = true;
		}
		if (w->phase == WS_TLS) {
			ws_tls_step(w);
			w->woke = false;	/* the handshake's bytes */
			continue;
		}
		if ((p.revents & POLLOUT) && w->tls_read_wants_write) {
			w->tls_read_wants_write = false;
			if (ws_input(w) == -1)
				continue;
		}
		if ((p.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    ws_input(w) == -1)
			continue;
	}
	err_set(e, "%s", w->e.msg[0] != '\0' ? w->e.msg : "connection lost");
	return -1;
}

static bool
ws_is_open(const struct ws *w)
{
	return w->phase == WS_OPEN;
}

static bool
ws_has_answer(const struct ws *w)
{
	return w->got;
}

static bool
ws_is_closed(const struct ws *w)
{
	return w->close_rcvd || w->eof;
}

/* Each address of the URL's host in turn until one connects, all within
 * the deadline. */
static int
ws_connect(struct ws *w, int64_t deadline, struct err *e)
{
	struct addrinfo hints, *res, *ai;
	struct err last = { "" };
	char port[8], addr[NI_MAXHOST];
	int rc, fd, soerr, one = 1;
	socklen_t sl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = w->u.ip ? AI_NUMERICHOST : 0;
	snprintf(port, sizeof(port), "%d", w->u.port);
	if ((rc = getaddrinfo(w->u.host, port, &hints, &res)) != 0) {
		if (rc == EAI_SYSTEM)
			err_setsys(e, "cannot resolve %s", w->u.host);
		else
			err_set(e, "cannot resolve %s: %s", w->u.host,
			    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct pollfd p;
		struct timespec ts;
		int64_t left;

		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr,
		    sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0)
			snprintf(addr, sizeof(addr), "%s", w->u.host);
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			err_clear(&last);
			err_setsys(&last, "socket");
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
		    errno != EINPROGRESS) {
			err_clear(&last);
			err_setsys(&last, "cannot connect to %s port %d", addr,
			    w->u.port);
			close(fd);
			continue;
		}
		for (;;) {
			if (client_stop) {
				rc = -1;
				errno = EINTR;
				break;
			}
			if ((left = deadline - ts_mono_ns()) <= 0) {
				rc = 0;
				break;
			}
			p.fd = fd;
			p.events = POLLOUT;
			p.revents = 0;
			ts.tv_sec = (time_t)(left / TS_NS_PER_SEC);
			ts.tv_nsec = (long)(left % TS_NS_PER_SEC);
			if ((rc = ppoll(&p, 1, &ts, NULL)) != 0 &&
			    !(rc == -1 && errno == EINTR))
				break;
		}
		if (rc <= 0) {
			err_clear(&last);
			if (rc == 0)
				err_set(&last, "timeout");
			else
				err_setsys(&last, "poll");
			close(fd);
			break;	/* no time left for another address */
		}
		soerr = 0;
		sl = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
			soerr = errno;
		if (soerr != 0) {
			errno = soerr;
			err_clear(&last);
			err_setsys(&last, "cannot connect to %s port %d", addr,
			    w->u.port);
			close(fd);
			continue;
		}
		/* The request is one small write: never held back. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		w->fd = fd;
		freeaddrinfo(res);
		return 0;
	}
	freeaddrinfo(res);
	err_set(e, "%s", last.msg[0] != '\0' ? last.msg : "cannot connect");
	return -1;
}

static void
ws_close(void *arg)
{
	struct ws *w = arg;
	struct err e = { "" };

	if (w == NULL)
		return;
	if (w->fd >= 0) {
		/* A polite close frame, but no long wait for its answer. */
		if (w->phase == WS_OPEN && w->healthy && !w->failed &&
		    !w->eof && !w->close_rcvd) {
			ws_queue_close(w, 1000);
			ws_run(w, ws_is_closed, ts_mono_ns() + WS_CLOSE_WAIT,
			    &e);
		} else if (!w->eof) {
			/* The close of a failure, if the socket takes it. */
			ws_flush(w);
		}
		if (w->ssl != NULL && w->phase != WS_TLS && !w->eof &&
		    !w->tls_dead)
			SSL_shutdown(w->ssl);	/* close_notify, no wait */
		close(w->fd);
	}
	SSL_free(w->ssl);
	ERR_clear_error();
	if (w->fc != NULL)
		wslay_frame_context_free(w->fc);
	free(w);
}

static void *
ws_open(const char *url, const struct client_opt *o, struct err *e)
{
	int64_t deadline = ts_mono_ns() + o->timeout_ns;
	unsigned char nonce[UPGRADE_NONCE_LEN];
	struct ws *w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	w->fd = -1;
	w->opt = o;
	if (wsurl_parse(url, &w->u, e) == -1)
		goto fail;
	if (wslay_frame_context_init(&w->fc, &ws_frame_callbacks, w) != 0) {
		w->fc = NULL;
		err_set(e, "out of memory");
		goto fail;
	}
	/* Nothing slow between the 101 and the first request (upgrade.c):
	 * the accept value now, the masks ahead. */
	measure_random_bytes(nonce, sizeof(nonce));
	if (upgrade_key(nonce, w->key, w->accept) == -1) {
		err_set(e, "SHA-1 failed");
		goto fail;
	}
	ws_masks_fill(w);
	w->outlen = upgrade_request(&w->u, w->key, (char *)w->out,
	    sizeof(w->out));
	if (w->outlen == 0) {
		err_set(e, "URL too long");
		goto fail;
	}
	if (ws_connect(w, deadline, e) == -1)
		goto fail;
	w->phase = WS_UPGRADE;
	if (w->u.tls) {
		if ((w->ssl = tls_client(o, w->fd, &w->u, e)) == NULL)
			goto fail;
		w->phase = WS_TLS;
		ws_tls_step(w);
	}
	if (ws_run(w, ws_is_open, deadline, e) == -1)
		goto fail;
	return w;
fail:
	ws_close(w);
	return NULL;
}

/* Has the server sent bytes not read yet? */
static bool
ws_unread(struct ws *w)
{
	struct pollfd p;

	if (w->inoff < w->inlen || (w->ssl != NULL && SSL_has_pending(w->ssl)))
		return true;
	p.fd = w->fd;
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 1 && p.revents != 0;
}

static int
ws_exchange(void *arg, struct client_exchange *x, struct err *e)
{
	struct ws *w = arg;
	int64_t deadline = ts_mono_ns() + w->opt->timeout_ns;
	char text[TS_TEXT_MAX];
	size_t n;

	w->got = false;
	w->healthy = false;
	/*
	 * What came since the last answer is read (and judged) before the
	 * request goes out, or it would be taken for the answer to it.
	 */
	while (!w->failed && !w->eof && ws_unread(w) &&
	    ts_mono_ns() < deadline) {
		if (!w->woke) {
			ts_now(&w->wake);
			w->woke = true;
		}
		if (ws_input(w) == -1)
			break;
	}
	if (w->failed || w->eof || w->phase != WS_OPEN) {
		err_set(e, "%s", w->e.msg[0] != '\0' ? w->e.msg :
		    "the connection was closed");
		return -1;
	}
	/* Nothing but the send itself between start and the write. */
	if (w->nmasks < 4)
		ws_masks_fill(w);
	ts_now(&w->start);
	n = ts_format(&w->start, text);
	if (!ws_queue(w, WSLAY_TEXT_FRAME, text, n)) {
		err_set(e, "cannot send the request: the server does not "
		    "read");
		return -1;
	}
	w->req_off = w->rxbytes;
	w->awaiting = true;
	if (ws_flush(w) == -1 ||
	    ws_run(w, ws_has_answer, deadline, e) == -1) {
		err_set(e, "%s", w->e.msg);
		return -1;
	}
	w->healthy = true;
	x->start = w->start;
	x->end = w->end;
	return reply_parse(w->rx, w->rxlen, x, e);
}

const struct client_transport client_ws = {
	.open = ws_open,
	.exchange = ws_exchange,
	.close = ws_close,
};
