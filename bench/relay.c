/*
 * relay.c: an emulated WAN link on 127.0.0.1 for `make bench` (this kernel
 * has no netem). It forwards TCP (HTTP, WebSocket) or UDP (NTP) from a
 * listening port to a target port and holds every chunk (TCP: what one
 * read(2) returned) or datagram for a delay plus a uniform jitter, chosen
 * per direction:
 *
 *   relay [-u] -l listen-port -t target-port [-d up-us] [-j up-jitter-us]
 *         [-D down-us] [-J down-jitter-us] [-s seed]
 *
 * "up" is client to target, "down" the way back. Runs until SIGTERM or
 * SIGINT; prints "relay ready" on stdout once it listens.
 *
 * NOTES: one epoll loop, one timerfd armed for the earliest due chunk of a
 * binary heap (the timer queue). TCP keeps the order of each direction, as
 * a real link does: a chunk is due at max(previous due, now + delay +
 * jitter), so jitter never lets it overtake an earlier one. UDP does not:
 * datagrams are independent. A FIN travels like a chunk (half close after
 * the delay); a reset or error closes both sides at once. No flow control:
 * the bench moves a few kilobytes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define RELAY_CHUNK	16384
#define RELAY_UDP_PEERS	64
#define RELAY_EVENTS	64

enum relay_kind { RELAY_LISTEN, RELAY_TIMER, RELAY_SIDE, RELAY_UDP_IN,
    RELAY_UDP_OUT };

/* What an epoll event points at. */
struct relay_ev {
	enum relay_kind	 kind;
	struct relay_conn *conn;	/* RELAY_SIDE */
	int		 side;		/* RELAY_SIDE: 0 client, 1 target */
	int		 peer;		/* RELAY_UDP_OUT: index */
};

struct relay_chunk {
	int64_t			 due;		/* CLOCK_MONOTONIC ns */
	uint64_t		 seq;
	struct relay_conn	*conn;		/* TCP; NULL for UDP */
	int			 dir;		/* 0 up, 1 down */
	int			 peer;		/* UDP */
	size_t			 len, off;	/* len 0: FIN (TCP) */
	struct relay_chunk	*next;		/* TCP: waiting to be written */
	char			 data[];
};

/* One TCP direction: read from fd[dir], write to fd[1 - dir]. */
struct relay_dir {
	int64_t			 last_due;
	struct relay_chunk	*head, *tail;	/* due, not yet written */
	bool			 eof;		/* FIN read */
	bool			 shut;		/* FIN passed on */
};

struct relay_conn {
	int			 fd[2];
	struct relay_ev		 ev[2];
	struct relay_dir	 d[2];
	int			 held;		/* chunks in the heap */
	bool			 dead;
	struct relay_conn	*grave;		/* next dead one */
};

struct relay_peer {
	struct sockaddr_in	 addr;
	int			 fd;		/* to the target */
	struct relay_ev		 ev;
};

static struct {
	bool			 udp;
	int			 lport, tport;
	int64_t			 delay[2], jitter[2];	/* ns */
	uint64_t		 rng, seq;
	int			 ep, tfd, lfd;
	struct relay_chunk	**heap;
	size_t			 nheap, capheap;
	struct relay_peer	 peers[RELAY_UDP_PEERS];
	int			 npeers;
	struct relay_ev		 lev, tev;
	struct relay_conn	*grave;		/* closed, freed after the batch */
} R;

static volatile sig_atomic_t relay_stop;

static void
relay_onsig(int sig)
{
	(void)sig;
	relay_stop = 1;
}

static int64_t
relay_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Uniform in [-j, j] ns (xorshift64*). */
static int64_t
relay_jitter(int64_t j)
{
	uint64_t x;

	if (j <= 0)
		return 0;
	x = R.rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	R.rng = x;
	x *= UINT64_C(2685821657736338717);
	return (int64_t)((x >> 11) % (uint64_t)(2 * j + 1)) - j;
}

static bool
relay_before(const struct relay_chunk *a, const struct relay_chunk *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void
relay_arm(void)
{
	struct itimerspec it = { { 0, 0 }, { 0, 0 } };
	int64_t due;

	if (R.nheap > 0) {
		due = R.heap[0]->due;
		if (due < 1)
			due = 1;
		it.it_value.tv_sec = due / 1000000000;
		it.it_value.tv_nsec = due % 1000000000;
	}
	timerfd_settime(R.tfd, TFD_TIMER_ABSTIME, &it, NULL);
}

static int
relay_push(struct relay_chunk *c)
{
	struct relay_chunk **h, *t;
	size_t i, p;

	if (R.nheap == R.capheap) {
		R.capheap = R.capheap ? 2 * R.capheap : 256;
		h = realloc(R.heap, R.capheap * sizeof(*h));
		if (h == NULL)
			return -1;
		R.heap = h;
	}
	c->seq = R.seq++;
	i = R.nheap++;
	R.heap[i] = c;
	while (i > 0 && relay_before(R.heap[i], R.heap[p = (i - 1) / 2])) {
		t = R.heap[p];
		R.heap[p] = R.heap[i];
		R.heap[i] = t;
		i = p;
	}
	if (i == 0)
		relay_arm();
	return 0;
}

static struct relay_chunk *
relay_pop(void)
{
	struct relay_chunk *top, *t;
	size_t i = 0, l, m;

	top = R.heap[0];
	R.heap[0] = R.heap[--R.nheap];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < R.nheap && relay_before(R.heap[l], R.heap[m]))
			m = l;
		if (l + 1 < R.nheap && relay_before(R.heap[l + 1], R.heap[m]))
			m = l + 1;
		if (m == i)
			break;
		t = R.heap[m];
		R.heap[m] = R.heap[i];
		R.heap[i] = t;
		i = m;
	}
	return top;
}

static struct relay_chunk *
relay_chunk_new(const void *data, size_t len, int dir, int64_t due)
{
	struct relay_chunk *c;

	c = malloc(sizeof(*c) + len);
	if (c == NULL)
		return NULL;
	memset(c, 0, sizeof(*c));
	memcpy(c->data, data, len);
	c->len = len;
	c->dir = dir;
	c->due = due;
	return c;
}

static void
relay_watch(int fd, uint32_t events, struct relay_ev *ev, int op)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	epoll_ctl(R.ep, op, fd, &e);
}

/* ---- TCP ---- */

/*
 * Closing frees the queued data at once but the connection only after the
 * current batch of events (another may point at it) and once no chunk in
 * the heap does.
 */
static void
relay_conn_close(struct relay_conn *c)
{
	struct relay_chunk *k, *n;
	int i;

	if (c->dead)
		return;
	c->dead = true;
	for (i = 0; i < 2; i++) {
		close(c->fd[i]);
		for (k = c->d[i].head; k != NULL; k = n) {
			n = k->next;
			free(k);
		}
		c->d[i].head = c->d[i].tail = NULL;
	}
	c->grave = R.grave;
	R.grave = c;
}

static void
relay_bury(void)
{
	struct relay_conn **p = &R.grave, *c;

	while ((c = *p) != NULL) {
		if (c->held == 0) {
			*p = c->grave;
			free(c);
		} else
			p = &c->grave;
	}
}

/* Watch for input on each side that has not sent FIN, output where due. */
static void
relay_conn_events(struct relay_conn *c)
{
	uint32_t ev;
	int s;

	for (s = 0; s < 2; s++) {
		ev = 0;
		if (!c->d[s].eof)
			ev |= EPOLLIN | EPOLLRDHUP;
		/* Side s receives direction 1 - s. */
		if (c->d[1 - s].head != NULL)
			ev |= EPOLLOUT;
		relay_watch(c->fd[s], ev, &c->ev[s], EPOLL_CTL_MOD);
	}
}

/* Write what is due in direction dir; false when the connection died. */
static bool
relay_flush(struct relay_conn *c, int dir)
{
	struct relay_dir *d = &c->d[dir];
	struct relay_chunk *k;
	int to = c->fd[1 - dir];
	ssize_t n;

	while ((k = d->head) != NULL) {
		if (k->len == 0) {
			shutdown(to, SHUT_WR);
			d->shut = true;
		} else {
			n = send(to, k->data + k->off, k->len - k->off,
			    MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			if (n < 0) {
				relay_conn_close(c);
				return false;
			}
			k->off += (size_t)n;
			if (k->off < k->len)
				break;
		}
		d->head = k->next;
		if (d->head == NULL)
			d->tail = NULL;
		free(k);
	}
	if (c->d[0].shut && c->d[1].shut) {
		relay_conn_close(c);
		return false;
	}
	return true;
}

static void
relay_read(struct relay_conn *c, int side)
{
	char buf[RELAY_CHUNK];
	struct relay_dir *d = &c->d[side];
	struct relay_chunk *k;
	int64_t due;
	ssize_t n;

	for (;;) {
		n = recv(c->fd[side], buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			relay_conn_close(c);
			return;
		}
		due = relay_now() + R.delay[side] + relay_jitter(R.jitter[side]);
		if (due < d->last_due)
			due = d->last_due;
		d->last_due = due;
		if ((k = relay_chunk_new(buf, (size_t)n, side, due)) == NULL ||
		    relay_push(k) == -1) {
			free(k);
			relay_conn_close(c);
			return;
		}
		k->conn = c;
		c->held++;
		if (n == 0) {
			d->eof = true;
			relay_conn_events(c);
			return;
		}
		if ((size_t)n < sizeof(buf))
			return;
	}
}

static void
relay_accept(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct relay_conn *c;
	int fd, t, one = 1, s;

	for (;;) {
		fd = accept4(R.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		t = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
		sa.sin_port = htons((uint16_t)R.tport);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		c = calloc(1, sizeof(*c));
		if (t < 0 || c == NULL || (connect(t, (struct sockaddr *)&sa,
		    sizeof(sa)) < 0 && errno != EINPROGRESS)) {
			close(fd);
			if (t >= 0)
				close(t);
			free(c);
			continue;
		}
		c->fd[0] = fd;
		c->fd[1] = t;
		for (s = 0; s < 2; s++) {
			setsockopt(c->fd[s], IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
			c->ev[s].kind = RELAY_SIDE;
			c->ev[s].conn = c;
			c->ev[s].side = s;
			relay_watch(c->fd[s], EPOLLIN | EPOLLRDHUP, &c->ev[s],
			    EPOLL_CTL_ADD);
		}
	}
}

static void
relay_side(struct relay_ev *ev, uint32_t events)
{
	struct relay_conn *c = ev->conn;
	int s = ev->side;

	if (c->dead)
		return;
	/* HUP after our read of its FIN: nothing can reach that side now. */
	if ((events & EPOLLERR) || ((events & EPOLLHUP) && c->d[s].eof)) {
		relay_conn_close(c);
		return;
	}
	if ((events & EPOLLOUT) && !relay_flush(c, 1 - s))
		return;
	if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) && !c->d[s].eof)
		relay_read(c, s);
	if (!c->dead)
		relay_conn_events(c);
}

/* ---- UDP ---- */

static void
relay_udp_in(void)
{
	struct sockaddr_in from, to = { .sin_family = AF_INET };
	socklen_t fl = sizeof(from);
	char buf[RELAY_CHUNK];
	struct relay_chunk *k;
	struct relay_peer *p;
	ssize_t n;
	int i;

	while ((n = recvfrom(R.lfd, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &fl)) >= 0) {
		for (i = 0; i < R.npeers; i++)
			if (R.peers[i].addr.sin_port == from.sin_port &&
			    R.peers[i].addr.sin_addr.s_addr ==
			    from.sin_addr.s_addr)
				break;
		if (i == R.npeers) {
			if (R.npeers == RELAY_UDP_PEERS)
				i = 0;	/* reuse the oldest */
			else
				R.npeers++;
			p = &R.peers[i];
			if (p->ev.kind == RELAY_UDP_OUT)
				close(p->fd);
			p->addr = from;
			p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
			to.sin_port = htons((uint16_t)R.tport);
			to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			connect(p->fd, (struct sockaddr *)&to, sizeof(to));
			p->ev.kind = RELAY_UDP_OUT;
			p->ev.peer = i;
			relay_watch(p->fd, EPOLLIN, &p->ev, EPOLL_CTL_ADD);
		}
		k = relay_chunk_new(buf, (size_t)n, 0, relay_now() +
		    R.delay[0] + relay_jitter(R.jitter[0]));
		if (k == NULL)
			return;
		k->peer = i;
		if (relay_push(k) == -1)
			free(k);
		fl = sizeof(from);
	}
}

static void
relay_udp_out(int i)
{
	char buf[RELAY_CHUNK];
	struct relay_chunk *k;
	ssize_t n;

	while ((n = recv(R.peers[i].fd, buf, sizeof(buf), 0)) >= 0) {
		k = relay_chunk_new(buf, (size_t)n, 1, relay_now() +
		    R.delay[1] + relay_jitter(R.jitter[1]));
		if (k == NULL)
			return;
		k->peer = i;
		if (relay_push(k) == -1)
			free(k);
	}
}

/* ---- the timer queue ---- */

static void
relay_due(void)
{
	struct relay_chunk *k;
	struct relay_conn *c;
	struct relay_dir *d;
	uint64_t ticks;
	int64_t now = relay_now();

	if (read(R.tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	while (R.nheap > 0 && R.heap[0]->due <= now) {
		k = relay_pop();
		if ((c = k->conn) == NULL) {
			if (k->dir == 0)
				send(R.peers[k->peer].fd, k->data, k->len, 0);
			else
				sendto(R.lfd, k->data, k->len, 0,
				    (struct sockaddr *)&R.peers[k->peer].addr,
				    sizeof(R.peers[k->peer].addr));
			free(k);
			continue;
		}
		c->held--;
		if (c->dead) {
			free(k);
			continue;
		}
		d = &c->d[k->dir];
		if (d->tail != NULL)
			d->tail->next = k;
		else
			d->head = k;
		d->tail = k;
		if (relay_flush(c, k->dir))
			relay_conn_events(c);
	}
	relay_arm();
}

static int
relay_listen(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, one = 1;

	fd = socket(AF_INET, (R.udp ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons((uint16_t)R.lport);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (!R.udp && listen(fd, 128) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
usage(void)
{
	fprintf(stderr, "usage: relay [-u] -l listen-port -t target-port "
	    "[-d up-us] [-j up-jitter-us] [-D down-us] [-J down-jitter-us] "
	    "[-s seed]\n");
	exit(2);
}

static int64_t
relay_us(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 10000000) {
		fprintf(stderr, "relay: invalid microseconds \"%s\"\n", s);
		exit(2);
	}
	return (int64_t)v * 1000;
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[RELAY_EVENTS];
	struct relay_ev *ev;
	struct sigaction sa;
	int opt, n, i;

	R.rng = (uint64_t)relay_now() | 1;
	while ((opt = getopt(argc, argv, "ul:t:d:j:D:J:s:")) != -1) {
		switch (opt) {
		case 'u': R.udp = true; break;
		case 'l': R.lport = atoi(optarg); break;
		case 't': R.tport = atoi(optarg); break;
		case 'd': R.delay[0] = relay_us(optarg); break;
		case 'j': R.jitter[0] = relay_us(optarg); break;
		case 'D': R.delay[1] = relay_us(optarg); break;
		case 'J': R.jitter[1] = relay_us(optarg); break;
		case 's': R.rng = strtoull(optarg, NULL, 10) | 1; break;
		default: usage();
		}
	}
	if (optind != argc || R.lport <= 0 || R.lport > 65535 ||
	    R.tport <= 0 || R.tport > 65535)
		usage();
	for (i = 0; i < 2; i++)
		if (R.jitter[i] > R.delay[i]) {
			fprintf(stderr, "relay: jitter larger than delay\n");
			return 2;
		}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = relay_onsig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((R.lfd = relay_listen()) < 0) {
		fprintf(stderr, "relay: cannot listen on 127.0.0.1:%d: %s\n",
		    R.lport, strerror(errno));
		return 1;
	}
	R.ep = epoll_create1(EPOLL_CLOEXEC);
	R.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (R.ep < 0 || R.tfd < 0) {
		perror("relay");
		return 1;
	}
	R.lev.kind = R.udp ? RELAY_UDP_IN : RELAY_LISTEN;
	R.tev.kind = RELAY_TIMER;
	relay_watch(R.lfd, EPOLLIN, &R.lev, EPOLL_CTL_ADD);
	relay_watch(R.tfd, EPOLLIN, &R.tev, EPOLL_CTL_ADD);
	printf("relay ready\n");
	fflush(stdout);

	while (!relay_stop) {
		n = epoll_wait(R.ep, evs, RELAY_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("relay: epoll_wait");
			return 1;
		}
		/* Timers first: a chunk freed below must not be used after. */
		for (i = 0; i < n; i++)
			if (((struct relay_ev *)evs[i].data.ptr)->kind ==
			    RELAY_TIMER)
				relay_due();
		for (i = 0; i < n; i++) {
			ev = evs[i].data.ptr;
			switch (ev->kind) {
			case RELAY_LISTEN: relay_accept(); break;
			case RELAY_TIMER: break;
			case RELAY_SIDE: relay_side(ev, evs[i].events); break;
			case RELAY_UDP_IN: relay_udp_in(); break;
			case RELAY_UDP_OUT: relay_udp_out(ev->peer); break;
			}
		}
		relay_bury();
	}
	return 0;
}
