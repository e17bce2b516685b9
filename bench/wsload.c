/*
 * wsload.c: a WebSocket load generator for webntp-ws (doc/protocol.md section
 * 4; RFC 6455 client side, framing by wslay), with plain HTTP GETs too
 * (section 3). N busy connections each do M round trips (send a timestamp,
 * wait for the answer), one at a time, over one epoll loop, while K idle
 * connections are held open; prints round trips per second and the p50/p99
 * latency of one round trip.
 *
 *   wsload [-h host] [-p port] [-u path] [-s subprotocol|""] [-c busy]
 *          [-n rounds | -d seconds] [-k idle] [-i seconds] [-g http]
 *          [-e file] [-H hold-seconds]
 *
 * -H keeps every connection open that long after the run (with -c 0: just
 * holds the idle ones, to measure the server's memory). For soaks
 * (bench/soak.sh): -d runs the busy connections for that many seconds
 * instead of -n rounds; -i makes each idle connection send one timestamp
 * every that many seconds (spread evenly), so it outlives the sidecar's
 * -idle-timeout and the web servers' read timeouts; -g adds that many
 * HTTP/1.1 keep-alive connections, each sending "GET path?timestamp" again
 * as soon as its answer is in (an answer is a 200 whose body opens with
 * {"id":); -e appends one line per error, "REALTIME_SECONDS busy|idle|http
 * INDEX what", so that a script can tell when each happened. With -d a lost
 * connection is counted and opened again, so the run goes on. An answer that
 * takes more than 10 s is an error. Exit status 1 if there was any error.
 * Not installed; used by `make bench` and `make soak`. The masking keys come
 * from a xorshift generator: fine for load, not for a browser.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <wslay/wslay.h>

#define WSLOAD_NS		1000000000LL
#define WSLOAD_ANSWER_NS	(10 * WSLOAD_NS)	/* answer deadline */
#define WSLOAD_RETRY_NS		WSLOAD_NS		/* between reconnects */
#define WSLOAD_TICK_MS		100			/* timer resolution */
#define WSLOAD_HTTP_BUF		4096			/* an HTTP answer */

/*
 * Round trip latencies in a histogram, so memory stays bounded however long
 * the run: 100 ns steps below 1 ms, 10 us steps below 1 s, 10 ms steps
 * below 100 s (and one bucket above).
 */
#define WSLOAD_H1	10000		/* [0, 1 ms) */
#define WSLOAD_H2	99900		/* [1 ms, 1 s) */
#define WSLOAD_H3	9900		/* [1 s, 100 s) */
#define WSLOAD_HN	(WSLOAD_H1 + WSLOAD_H2 + WSLOAD_H3 + 1)

enum wsload_kind { WSLOAD_BUSY, WSLOAD_IDLE, WSLOAD_HTTP };

static const char *const wsload_kinds[] = { "busy", "idle", "http" };

struct wsload_conn {
	wslay_event_context_ptr	 ws;		/* WebSocket only */
	char			*buf;		/* HTTP only: the answer so far */
	size_t			 got;
	long			 answers;	/* HTTP: on this connection */
	int			 fd;
	int			 idx;
	enum wsload_kind	 kind;
	long			 left;		/* round trips still to do */
	int64_t			 sent;		/* CLOCK_MONOTONIC ns, or 0 */
	int64_t			 next;		/* idle: next send; or retry */
	bool			 read_done;
	bool			 done;
};

struct wsload {
	const char	*host, *port, *path, *proto;
	int		 busy, rounds, idle, hold, dur, every, http;
	uint32_t	*hist, *hhist;		/* WebSocket, HTTP */
	uint64_t	 nlat, idle_rt, nhttp;
	int		 running;
	long		 errors, reconnects, http_ends, http_retries;
	FILE		*errf;
	uint64_t	 rng;
	int		 ep;
	struct addrinfo	*ai;
};

static struct wsload W = {
	.host = "127.0.0.1", .port = "8081", .path = "/",
	.proto = "webntp.shogo82148.com", .busy = 32, .rounds = 10000,
};

static int64_t
mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * WSLOAD_NS + t.tv_nsec;
}

static size_t
hist_bucket(int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (ns < 1000000)
		return (size_t)(ns / 100);
	if (ns < WSLOAD_NS)
		return WSLOAD_H1 + (size_t)((ns - 1000000) / 10000);
	if (ns < 100 * WSLOAD_NS)
		return WSLOAD_H1 + WSLOAD_H2 +
		    (size_t)((ns - WSLOAD_NS) / 10000000);
	return WSLOAD_HN - 1;
}

/* The lower edge of bucket b, in ns. */
static int64_t
hist_value(size_t b)
{
	if (b < WSLOAD_H1)
		return (int64_t)b * 100;
	b -= WSLOAD_H1;
	if (b < WSLOAD_H2)
		return 1000000 + (int64_t)b * 10000;
	b -= WSLOAD_H2;
	return WSLOAD_NS + (int64_t)b * 10000000;
}

/* The latency (us) below which a fraction q of the n round trips fall. */
static double
hist_quantile(const uint32_t *h, uint64_t n, double q)
{
	uint64_t want = (uint64_t)((double)n * q), seen = 0;

	for (size_t b = 0; b < WSLOAD_HN; b++) {
		seen += h[b];
		if (seen > want)
			return (double)hist_value(b) / 1e3;
	}
	return 0.0;
}

/* One error: counted, told on stderr and, with -e, timestamped. */
static void
wsload_error(const struct wsload_conn *c, const char *what)
{
	struct timespec now;

	W.errors++;
	clock_gettime(CLOCK_REALTIME, &now);
	fprintf(stderr, "wsload: %s connection %d: %s\n",
	    wsload_kinds[c->kind], c->idx, what);
	if (W.errf != NULL) {
		fprintf(W.errf, "%lld.%09ld %s %d %s\n", (long long)now.tv_sec,
		    now.tv_nsec, wsload_kinds[c->kind], c->idx, what);
		fflush(W.errf);
	}
}

/* A connected socket with 10 s send and receive timeouts; -1 on failure. */
static int
wsload_tcp(const struct addrinfo *ai)
{
	struct timeval tmo = { .tv_sec = 10 };
	int fd, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0)
		return -1;
	/* A server at its connection limit leaves us in its backlog. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* A connected socket with the upgrade done; -1 on failure (10 s at most). */
static int
wsload_connect(const struct addrinfo *ai)
{
	char req[1024], resp[2048];
	struct timeval none = { 0 };
	size_t got = 0;
	ssize_t n;
	int fd, len;

	if ((fd = wsload_tcp(ai)) < 0)
		return -1;
	len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s:%s\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n%s%s%s\r\n", W.path, W.host, W.port,
	    W.proto[0] != '\0' ? "Sec-WebSocket-Protocol: " : "", W.proto,
	    W.proto[0] != '\0' ? "\r\n" : "");
	if (write(fd, req, (size_t)len) != len)
		goto fail;
	/* The server speaks only after our first message: read exactly the
	 * response header. */
	while (got < sizeof(resp) - 1) {
		n = read(fd, resp + got, sizeof(resp) - 1 - got);
		if (n <= 0) {
			if (n == 0)
				errno = ECONNRESET;
			goto fail;
		}
		got += (size_t)n;
		resp[got] = '\0';
		if (strstr(resp, "\r\n\r\n") != NULL)
			break;
	}
	if (strncmp(resp, "HTTP/1.1 101 ", 13) != 0 ||
	    strstr(resp, "\r\n\r\n") + 4 != resp + got) {
		errno = EPROTO;
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none));
	return fd;
fail:
	n = errno;
	close(fd);
	errno = (int)n;
	return -1;
}

static ssize_t
cb_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
    void *user)
{
	struct wsload_conn *c = user;
	ssize_t n;

	if (c->read_done) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	n = recv(c->fd, buf, len, MSG_DONTWAIT);
	c->read_done = n <= 0 || (size_t)n < len;
	if (n > 0)
		return n;
	wslay_event_set_error(ctx, n < 0 && (errno == EAGAIN ||
	    errno == EINTR) ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

static ssize_t
cb_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
    int flags, void *user)
{
	struct wsload_conn *c = user;
	ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n >= 0)
		return n;
	wslay_event_set_error(ctx, errno == EAGAIN || errno == EINTR ?
	    WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

static int
cb_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
	for (size_t i = 0; i < len; i++) {
		W.rng ^= W.rng << 13;
		W.rng ^= W.rng >> 7;
		W.rng ^= W.rng << 17;
		buf[i] = (uint8_t)W.rng;
	}
	return 0;
}

/* The next request: a WebSocket message, or an HTTP GET; false if the
 * request could not be sent. */
static bool
wsload_send(struct wsload_conn *c)
{
	struct wslay_event_msg m = { .opcode = WSLAY_TEXT_FRAME };
	struct timespec now;
	char ts[48], req[1024];
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	n = snprintf(ts, sizeof(ts), "%lld.%06ld", (long long)now.tv_sec,
	    now.tv_nsec / 1000);
	c->sent = mono_ns();
	if (c->kind == WSLOAD_HTTP) {
		/* A few dozen bytes into an empty socket buffer: one send. */
		n = snprintf(req, sizeof(req), "GET %s?%s HTTP/1.1\r\n"
		    "Host: %s:%s\r\nUser-Agent: wsload\r\n\r\n", W.path, ts,
		    W.host, W.port);
		c->got = 0;
		return send(c->fd, req, (size_t)n, MSG_NOSIGNAL |
		    MSG_DONTWAIT) == n;
	}
	m.msg = (const uint8_t *)ts;
	m.msg_length = (size_t)n;
	wslay_event_queue_msg(c->ws, &m);
	return true;
}

static void
wsload_finish(struct wsload_conn *c)
{
	if (!c->done) {
		c->done = true;
		if (c->kind != WSLOAD_IDLE)
			W.running--;
	}
}

static void
cb_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *a,
    void *user)
{
	struct wsload_conn *c = user;
	int64_t d = mono_ns() - c->sent;

	if (a->opcode == WSLAY_CONNECTION_CLOSE) {
		if (c->left > 0 || c->kind == WSLOAD_IDLE) {
			char what[64];

			snprintf(what, sizeof(what), "closed by the server: %u",
			    a->status_code);
			wsload_error(c, what);
		}
		wsload_finish(c);
		return;
	}
	if (a->opcode == WSLAY_PING || a->opcode == WSLAY_PONG)
		return;		/* wslay answers pings itself */
	if (c->sent == 0) {
		wsload_error(c, "a message nobody asked for");
		return;
	}
	c->sent = 0;
	if (a->opcode != WSLAY_TEXT_FRAME || a->msg_length < 8 ||
	    memcmp(a->msg, "{\"id\":", 6) != 0)
		wsload_error(c, "not an answer");
	if (c->kind == WSLOAD_IDLE) {
		W.idle_rt++;
		return;
	}
	W.hist[hist_bucket(d)]++;
	W.nlat++;
	if (--c->left > 0) {
		wsload_send(c);
	} else {
		wslay_event_queue_close(ctx, WSLAY_CODE_NORMAL_CLOSURE, NULL, 0);
		wsload_finish(c);
	}
}

static const struct wslay_event_callbacks wsload_cb = {
	.recv_callback = cb_recv, .send_callback = cb_send,
	.genmask_callback = cb_genmask, .on_msg_recv_callback = cb_msg,
};

/* The value of header name (lower case, with its colon) in the header
 * block h (NUL-terminated), or NULL. */
static const char *
http_header(const char *h, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = strstr(h, "\r\n"); l != NULL;
	    l = strstr(l + 2, "\r\n")) {
		if (strncasecmp(l + 2, name, n) == 0) {
			l += 2 + n;
			while (*l == ' ' || *l == '\t')
				l++;
			return l;
		}
	}
	return NULL;
}

/*
 * Read what the HTTP connection c has; on a whole answer, check it, count
 * it and send the next request. 0: go on; 1: the server ended the
 * keep-alive after an answer (Connection: close, or a close between
 * answers), open a new connection; -1: the connection failed (told).
 */
static int
http_event(struct wsload_conn *c)
{
	char what[96], *end;
	const char *v;
	long status, len;
	size_t head;
	ssize_t n;
	bool last, eof = false;
	int err = 0;

	for (;;) {
		if (c->got == WSLOAD_HTTP_BUF - 1) {
			wsload_error(c, "an answer of 4 KiB or more");
			return -1;
		}
		n = recv(c->fd, c->buf + c->got, WSLOAD_HTTP_BUF - 1 - c->got,
		    MSG_DONTWAIT);
		if (n > 0) {
			c->got += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		err = n < 0 ? errno : 0;
		eof = true;
		break;
	}
	if (eof && c->sent == 0 && c->got == 0)
		return 1;	/* closed between answers */
	c->buf[c->got] = '\0';
	if ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
		goto partial;
	head = (size_t)(end - c->buf) + 4;
	if (c->sent == 0) {
		wsload_error(c, "an answer nobody asked for");
		return -1;
	}
	if (strncmp(c->buf, "HTTP/1.1 ", 9) != 0 ||
	    (status = strtol(c->buf + 9, NULL, 10)) < 100 || status > 999) {
		wsload_error(c, "not an HTTP/1.1 answer");
		return -1;
	}
	end[2] = '\0';		/* the headers only, for http_header() */
	v = http_header(c->buf, "content-length:");
	len = v != NULL ? strtol(v, NULL, 10) : -1;
	v = http_header(c->buf, "connection:");
	last = v != NULL && strncasecmp(v, "close", 5) == 0;
	end[2] = '\r';
	if (len < 0 || (size_t)len > WSLOAD_HTTP_BUF - 1 - head) {
		wsload_error(c, "an answer without a Content-Length under 4 KiB");
		return -1;
	}
	if (c->got < head + (size_t)len)
		goto partial;
	if (c->got > head + (size_t)len) {
		wsload_error(c, "bytes after the answer");
		return -1;
	}
	if (status != 200 || len < 6 || memcmp(c->buf + head, "{\"id\":", 6)) {
		snprintf(what, sizeof(what), "status %ld%s", status,
		    status == 200 ? ", not an answer" : "");
		wsload_error(c, what);
	} else {
		W.hhist[hist_bucket(mono_ns() - c->sent)]++;
		W.nhttp++;
	}
	c->answers++;
	c->sent = 0;
	c->got = 0;
	if (--c->left <= 0) {
		wsload_finish(c);
		return 0;
	}
	if (last || eof) {
		/* The server may end a keep-alive after an answer. */
		W.http_ends++;
		return 1;
	}
	if (!wsload_send(c)) {
		snprintf(what, sizeof(what), "send: %s", strerror(errno));
		wsload_error(c, what);
		return -1;
	}
	return 0;
partial:
	if (!eof)
		return 0;
	/*
	 * On a reused connection with no byte of the answer, this is the
	 * keep-alive race (the server closed the idle connection as the
	 * request went out) that HTTP clients such as libcurl and browsers
	 * answer by sending the request again on a new connection (RFC 9112
	 * 9.3.1): do the same, once, and count it. On a new connection it is
	 * an error.
	 */
	if (c->got == 0 && c->answers > 0 && (err == 0 || err == ECONNRESET)) {
		W.http_retries++;
		return 1;
	}
	snprintf(what, sizeof(what), "%s with %zu bytes of the answer, on a %s "
	    "connection", err != 0 ? strerror(err) : "closed by the server",
	    c->got, c->answers > 0 ? "reused" : "new");
	wsload_error(c, what);
	return -1;
}

/* Connect c (again); false on failure (c->fd stays -1). */
static bool
wsload_open(struct wsload_conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	if (c->kind == WSLOAD_HTTP) {
		if ((c->fd = wsload_tcp(W.ai)) < 0)
			return false;
	} else {
		if ((c->fd = wsload_connect(W.ai)) < 0)
			return false;
		if (wslay_event_context_client_init(&c->ws, &wsload_cb,
		    c) != 0) {
			close(c->fd);
			c->fd = -1;
			errno = ENOMEM;
			return false;
		}
	}
	c->sent = 0;
	c->got = 0;
	c->answers = 0;
	if (c->done && c->kind != WSLOAD_IDLE)
		W.running++;
	c->done = false;
	c->read_done = false;
	epoll_ctl(W.ep, EPOLL_CTL_ADD, c->fd, &ev);
	return true;
}

static void
wsload_drop(struct wsload_conn *c)
{
	if (c->fd < 0)
		return;
	epoll_ctl(W.ep, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->kind != WSLOAD_HTTP)
		wslay_event_context_free(c->ws);
	close(c->fd);
	c->fd = -1;
}

/* The first request of a fresh connection (none for an idle one). */
static void
wsload_start(struct wsload_conn *c, int64_t now)
{
	char what[96];

	switch (c->kind) {
	case WSLOAD_IDLE:
		c->next = now + (int64_t)W.every * WSLOAD_NS;
		break;
	case WSLOAD_BUSY:
		wsload_send(c);
		wslay_event_send(c->ws);
		break;
	case WSLOAD_HTTP:
		if (!wsload_send(c)) {
			snprintf(what, sizeof(what), "send: %s",
			    strerror(errno));
			wsload_error(c, what);
		}
		break;
	}
}

/* -d: a lost connection is opened again (now, then once a second). With
 * error false, the server ended it in good order. */
static void
wsload_reopen(struct wsload_conn *c, int64_t now, bool error)
{
	char what[96];

	wsload_drop(c);
	if (!wsload_open(c)) {
		snprintf(what, sizeof(what), "connect: %s", strerror(errno));
		wsload_error(c, what);
		c->next = now + WSLOAD_RETRY_NS;
		if (W.dur == 0)
			wsload_finish(c);
		return;
	}
	if (error)
		W.reconnects++;
	wsload_start(c, now);
}

/* Once per tick: idle sends, answer deadlines, reconnects. */
static void
wsload_tick(struct wsload_conn *conns, int n, int64_t now)
{
	for (int i = 0; i < n; i++) {
		struct wsload_conn *c = &conns[i];

		if (c->fd < 0) {
			if (W.dur > 0 && now >= c->next)
				wsload_reopen(c, now, true);
			continue;
		}
		if (c->done)
			continue;
		if (c->sent != 0 && now - c->sent > WSLOAD_ANSWER_NS) {
			wsload_error(c, "no answer within 10 s");
			if (W.dur > 0) {
				wsload_reopen(c, now, true);
			} else {
				wsload_drop(c);
				wsload_finish(c);
			}
			continue;
		}
		if (c->kind == WSLOAD_IDLE && W.every > 0 && c->sent == 0 &&
		    now >= c->next) {
			wsload_send(c);
			wslay_event_send(c->ws);
			c->next += (int64_t)W.every * WSLOAD_NS;
			if (c->next < now)
				c->next = now + (int64_t)W.every * WSLOAD_NS;
		}
	}
}

/* One epoll event on c. */
static void
wsload_event(struct wsload_conn *c)
{
	int rc;

	if (c->kind == WSLOAD_HTTP) {
		if ((rc = http_event(c)) == 0)
			return;
	} else {
		c->read_done = false;
		if (wslay_event_recv(c->ws) == 0 &&
		    wslay_event_send(c->ws) == 0 && !(c->done && W.dur > 0))
			return;
		if (!c->done)
			wsload_error(c, "connection lost");
		rc = -1;
	}
	if (rc == 1 && (W.dur > 0 || !c->done)) {
		wsload_reopen(c, mono_ns(), false);
	} else if (W.dur > 0) {
		wsload_reopen(c, mono_ns(), true);
	} else {
		wsload_drop(c);
		wsload_finish(c);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: wsload [-h host] [-p port] [-u path] "
	    "[-s subprotocol] [-c busy] [-n rounds | -d seconds] [-k idle] "
	    "[-i seconds] [-g http] [-e file] [-H hold-s]\n");
	exit(2);
}

static int
num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 100000000)
		usage();
	return (int)v;
}

int
main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct epoll_event evs[256];
	struct wsload_conn *conns;
	struct rlimit rl;
	int opt, rc, nconn;
	int64_t t0, t1, end, tick;
	double secs;

	while ((opt = getopt(argc, argv, "h:p:u:s:c:n:d:k:i:g:e:H:")) != -1) {
		switch (opt) {
		case 'h': W.host = optarg; break;
		case 'p': W.port = optarg; break;
		case 'u': W.path = optarg; break;
		case 's': W.proto = optarg; break;
		case 'c': W.busy = num(optarg); break;
		case 'n': W.rounds = num(optarg); break;
		case 'd': W.dur = num(optarg); break;
		case 'k': W.idle = num(optarg); break;
		case 'i': W.every = num(optarg); break;
		case 'g': W.http = num(optarg); break;
		case 'e':
			if ((W.errf = fopen(optarg, "a")) == NULL) {
				fprintf(stderr, "wsload: %s: %s\n", optarg,
				    strerror(errno));
				return 1;
			}
			break;
		case 'H': W.hold = num(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || W.rounds < 1)
		usage();
	W.rng = (uint64_t)mono_ns() | 1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((rc = getaddrinfo(W.host, W.port, &hints, &W.ai)) != 0) {
		fprintf(stderr, "wsload: %s:%s: %s\n", W.host, W.port,
		    gai_strerror(rc));
		return 1;
	}
	nconn = W.idle + W.busy + W.http;
	conns = calloc((size_t)nconn + 1, sizeof(*conns));
	W.hist = calloc(WSLOAD_HN, sizeof(*W.hist));
	W.hhist = calloc(WSLOAD_HN, sizeof(*W.hhist));
	if (conns == NULL || W.hist == NULL || W.hhist == NULL ||
	    (W.ep = epoll_create1(0)) < 0) {
		fprintf(stderr, "wsload: out of memory\n");
		return 1;
	}
	/* conns: the idle ones, the busy ones, the HTTP ones. */
	for (int i = 0; i < nconn; i++) {
		struct wsload_conn *c = &conns[i];

		c->kind = i < W.idle ? WSLOAD_IDLE : i < W.idle + W.busy ?
		    WSLOAD_BUSY : WSLOAD_HTTP;
		c->idx = c->kind == WSLOAD_IDLE ? i : c->kind == WSLOAD_BUSY ?
		    i - W.idle : i - W.idle - W.busy;
		if (c->kind == WSLOAD_HTTP &&
		    (c->buf = malloc(WSLOAD_HTTP_BUF)) == NULL) {
			fprintf(stderr, "wsload: out of memory\n");
			return 1;
		}
		if (!wsload_open(c)) {
			fprintf(stderr, "wsload: %s connection %d: %s\n",
			    wsload_kinds[c->kind], c->idx, strerror(errno));
			return 1;
		}
		c->left = W.dur > 0 ? LONG_MAX : W.rounds;
	}
	W.running = W.busy + W.http;
	t0 = mono_ns();
	end = t0 + (int64_t)W.dur * WSLOAD_NS;
	for (int i = 0; i < nconn; i++) {
		if (conns[i].kind == WSLOAD_IDLE)
			conns[i].next = t0 + (int64_t)W.every * WSLOAD_NS *
			    i / W.idle;
		else
			wsload_start(&conns[i], t0);
	}
	tick = t0;
	for (;;) {
		int64_t now;
		int n;

		if (W.dur > 0 ? mono_ns() >= end : W.running == 0)
			break;
		n = epoll_wait(W.ep, evs, 256, WSLOAD_TICK_MS);
		if (n < 0 && errno != EINTR) {
			perror("wsload: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++)
			wsload_event(evs[i].data.ptr);
		now = mono_ns();
		if (now - tick >= WSLOAD_TICK_MS * 1000000LL) {
			wsload_tick(conns, nconn, now);
			tick = now;
		}
	}
	t1 = mono_ns();
	secs = (double)(t1 - t0) / 1e9;
	if (W.busy > 0) {
		printf("busy %d, idle %d, round trips %llu in %.3f s: %.0f/s, "
		    "p50 %.1f us, p99 %.1f us, idle round trips %llu, "
		    "reconnects %ld, errors %ld\n", W.busy, W.idle,
		    (unsigned long long)W.nlat, secs, (double)W.nlat / secs,
		    hist_quantile(W.hist, W.nlat, 0.5),
		    hist_quantile(W.hist, W.nlat, 0.99),
		    (unsigned long long)W.idle_rt, W.reconnects, W.errors);
	} else if (W.dur > 0 && W.idle > 0) {
		printf("idle %d for %d s, idle round trips %llu, reconnects "
		    "%ld, errors %ld\n", W.idle, W.dur,
		    (unsigned long long)W.idle_rt, W.reconnects, W.errors);
	}
	if (W.http > 0) {
		printf("http %d, answers %llu in %.3f s: %.0f/s, p50 %.1f us, "
		    "p99 %.1f us, keep-alive ends %ld, retried on a new "
		    "connection %ld, reconnects %ld, errors %ld\n", W.http,
		    (unsigned long long)W.nhttp, secs, (double)W.nhttp / secs,
		    hist_quantile(W.hhist, W.nhttp, 0.5),
		    hist_quantile(W.hhist, W.nhttp, 0.99), W.http_ends,
		    W.http_retries, W.reconnects, W.errors);
	}
	fflush(stdout);
	if (W.hold > 0) {
		printf("holding %d idle connections for %d s\n", W.idle, W.hold);
		fflush(stdout);
		sleep((unsigned)W.hold);
	}
	for (int i = 0; i < nconn; i++) {
		struct wsload_conn *c = &conns[i];

		/* A goodbye, not a lost connection, for the server's log. */
		if (c->fd >= 0 && c->kind != WSLOAD_HTTP && !c->done) {
			wslay_event_queue_close(c->ws,
			    WSLAY_CODE_NORMAL_CLOSURE, NULL, 0);
			wslay_event_send(c->ws);
		}
		wsload_drop(c);
		free(c->buf);
	}
	freeaddrinfo(W.ai);
	free(W.hist);
	free(W.hhist);
	free(conns);
	return W.errors > 0;
}
