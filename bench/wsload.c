/*
 * wsload.c: a WebSocket load generator for webntp-ws (PROTOCOL.md section
 * 4; RFC 6455 client side, framing by wslay). N busy connections each do M
 * round trips (send a timestamp, wait for the answer), one at a time, over
 * one epoll loop, while K idle connections are held open; prints round trips
 * per second and the p50/p99 latency of one round trip.
 *
 *   wsload [-h host] [-p port] [-u path] [-s subprotocol|""] [-c busy]
 *          [-n rounds] [-k idle] [-H hold-seconds]
 *
 * -H keeps every connection open that long after the run (with -c 0: just
 * holds the idle ones, to measure the server's memory). Not installed; used
 * by `make bench`. The masking keys come from a xorshift generator: fine for
 * load, not for a browser.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <wslay/wslay.h>

struct wsload_conn {
	wslay_event_context_ptr	 ws;
	int			 fd;
	int			 left;		/* round trips still to do */
	int64_t			 sent;		/* CLOCK_MONOTONIC ns */
	bool			 read_done;
	bool			 done;
};

struct wsload {
	const char	*host, *port, *path, *proto;
	int		 busy, rounds, idle, hold;
	uint32_t	*lat;		/* ns, one per round trip */
	size_t		 nlat;
	int		 running;
	long		 errors;
	uint64_t	 rng;
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
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* A connected socket with the upgrade done (blocking); -1 on failure. */
static int
wsload_connect(const struct addrinfo *ai)
{
	char req[1024], resp[2048];
	size_t got = 0;
	ssize_t n;
	int fd, one = 1, len;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
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
		if (n <= 0)
			goto fail;
		got += (size_t)n;
		resp[got] = '\0';
		if (strstr(resp, "\r\n\r\n") != NULL)
			break;
	}
	if (strncmp(resp, "HTTP/1.1 101 ", 13) != 0 ||
	    strstr(resp, "\r\n\r\n") + 4 != resp + got)
		goto fail;
	return fd;
fail:
	close(fd);
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
	n = recv(c->fd, buf, len, 0);
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

static void
wsload_send(struct wsload_conn *c)
{
	struct wslay_event_msg m = { .opcode = WSLAY_TEXT_FRAME };
	struct timespec now;
	char ts[48];
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	n = snprintf(ts, sizeof(ts), "%lld.%06ld", (long long)now.tv_sec,
	    now.tv_nsec / 1000);
	m.msg = (const uint8_t *)ts;
	m.msg_length = (size_t)n;
	c->sent = mono_ns();
	wslay_event_queue_msg(c->ws, &m);
}

static void
wsload_finish(struct wsload_conn *c)
{
	if (!c->done) {
		c->done = true;
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
		if (c->left > 0) {
			fprintf(stderr, "wsload: closed by the server: %u\n",
			    a->status_code);
			W.errors++;
		}
		wsload_finish(c);
		return;
	}
	if (a->opcode != WSLAY_TEXT_FRAME || a->msg_length < 8 ||
	    memcmp(a->msg, "{\"id\":", 6) != 0)
		W.errors++;
	W.lat[W.nlat++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
	if (--c->left > 0) {
		wsload_send(c);
	} else {
		wslay_event_queue_close(ctx, WSLAY_CODE_NORMAL_CLOSURE, NULL, 0);
		wsload_finish(c);
	}
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
usage(void)
{
	fprintf(stderr, "usage: wsload [-h host] [-p port] [-u path] "
	    "[-s subprotocol] [-c busy] [-n rounds] [-k idle] [-H hold-s]\n");
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
	static const struct wslay_event_callbacks cb = {
		.recv_callback = cb_recv, .send_callback = cb_send,
		.genmask_callback = cb_genmask, .on_msg_recv_callback = cb_msg,
	};
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	struct epoll_event ev, evs[256];
	struct wsload_conn *conns;
	struct rlimit rl;
	int *idle, ep, opt, rc;
	int64_t t0, t1;

	while ((opt = getopt(argc, argv, "h:p:u:s:c:n:k:H:")) != -1) {
		switch (opt) {
		case 'h': W.host = optarg; break;
		case 'p': W.port = optarg; break;
		case 'u': W.path = optarg; break;
		case 's': W.proto = optarg; break;
		case 'c': W.busy = num(optarg); break;
		case 'n': W.rounds = num(optarg); break;
		case 'k': W.idle = num(optarg); break;
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
	if ((rc = getaddrinfo(W.host, W.port, &hints, &ai)) != 0) {
		fprintf(stderr, "wsload: %s:%s: %s\n", W.host, W.port,
		    gai_strerror(rc));
		return 1;
	}
	idle = calloc((size_t)W.idle + 1, sizeof(*idle));
	conns = calloc((size_t)W.busy + 1, sizeof(*conns));
	W.lat = calloc((size_t)W.busy * (size_t)W.rounds + 1, sizeof(*W.lat));
	if (idle == NULL || conns == NULL || W.lat == NULL ||
	    (ep = epoll_create1(0)) < 0) {
		fprintf(stderr, "wsload: out of memory\n");
		return 1;
	}
	for (int i = 0; i < W.idle; i++) {
		if ((idle[i] = wsload_connect(ai)) < 0) {
			fprintf(stderr, "wsload: idle connection %d: %s\n", i,
			    strerror(errno));
			return 1;
		}
	}
	for (int i = 0; i < W.busy; i++) {
		struct wsload_conn *c = &conns[i];

		if ((c->fd = wsload_connect(ai)) < 0 ||
		    wslay_event_context_client_init(&c->ws, &cb, c) != 0) {
			fprintf(stderr, "wsload: connection %d: %s\n", i,
			    strerror(errno));
			return 1;
		}
		c->left = W.rounds;
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	}
	W.running = W.busy;
	t0 = mono_ns();
	for (int i = 0; i < W.busy; i++) {
		wsload_send(&conns[i]);
		wslay_event_send(conns[i].ws);
	}
	while (W.running > 0) {
		int n = epoll_wait(ep, evs, 256, 10000);

		if (n <= 0) {
			fprintf(stderr, "wsload: no answer for 10 s\n");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct wsload_conn *c = evs[i].data.ptr;

			c->read_done = false;
			if (wslay_event_recv(c->ws) != 0 ||
			    wslay_event_send(c->ws) != 0) {
				if (!c->done) {
					fprintf(stderr, "wsload: connection "
					    "lost\n");
					W.errors++;
				}
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				wsload_finish(c);
			}
		}
	}
	t1 = mono_ns();
	if (W.busy > 0) {
		double s = (double)(t1 - t0) / 1e9;

		qsort(W.lat, W.nlat, sizeof(*W.lat), cmp_u32);
		printf("busy %d, idle %d, round trips %zu in %.3f s: %.0f/s, "
		    "p50 %.1f us, p99 %.1f us, errors %ld\n", W.busy, W.idle,
		    W.nlat, s, (double)W.nlat / s,
		    W.nlat ? W.lat[W.nlat / 2] / 1e3 : 0.0,
		    W.nlat ? W.lat[W.nlat * 99 / 100] / 1e3 : 0.0, W.errors);
	}
	if (W.hold > 0) {
		printf("holding %d idle connections for %d s\n", W.idle, W.hold);
		fflush(stdout);
		sleep((unsigned)W.hold);
	}
	for (int i = 0; i < W.busy; i++) {
		wslay_event_context_free(conns[i].ws);
		close(conns[i].fd);
	}
	for (int i = 0; i < W.idle; i++)
		close(idle[i]);
	freeaddrinfo(ai);
	free(W.lat);
	free(conns);
	free(idle);
	return W.errors > 0;
}
