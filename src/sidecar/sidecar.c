/*
 * sidecar.c: webntp-ws, the WebNTP WebSocket sidecar (doc/protocol.md sections
 * 0 and 4; WebSocket is RFC 6455): the process. Its flags, the listening
 * socket, the event loop with its timers and signals, and the accepting of
 * connections up to -max-connections. One connection's life is wsconn.c's
 * (with all its deadlines), a message's wsmsg.c's, the opening handshake
 * wshs.c's.
 *
 * NOTES
 * - One process, one thread (plus leapsrc's download thread), one epoll
 *   loop, level triggered. Framing is wslay's (libwslay, event API) over
 *   our own loop, so nothing is O(open connections) per event, and the
 *   memory of a connection is ours to decide (wsconn.c).
 * - Why wslay and not libwebsockets: lws's default poll() loop costs
 *   O(open connections) per event, its libuv loop is slower, it does not
 *   enforce its rx buffer size, and closing from WRITEABLE under libuv
 *   sends no close frame (the figures: bench/results/NOTES.md).
 * - Timers: the lists of wsconn.c, ordered by deadline by construction; the
 *   loop reads CLOCK_MONOTONIC once per turn and sleeps until the earliest.
 * - SIGTERM/SIGINT: the listening socket is closed, handshakes dropped,
 *   1001 to every open connection; the loop ends when the last one is gone,
 *   within wsconn.c's 2 s close deadline whatever the clients do. Exit 0.
 * - Kernel buffers: small on every connection (SIDECAR_SNDBUF and below),
 *   so a client that floods and never reads parks tens of KiB in the
 *   kernel, not megabytes; webntp-ws.service's MemoryMax counts on it.
 * - Descriptors: the soft RLIMIT_NOFILE is raised to the hard one (the soft
 *   limit exists for select(), which is not used; Go's runtime does the
 *   same), and -max-connections defaults to that less a reserve: the
 *   process's own descriptors and the 503s being written. Beyond
 *   -max-connections a new connection is told 503, not dropped.
 * - Performance (bench/ws-measure.sh; RESULTS.md and NOTES.md in bench/results):
 *   most of a round trip's CPU is the kernel's loopback TCP, and idle
 *   connections cost neither time nor a wslay context.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leapsrc.h"
#include "listensock.h"
#include "serveropt.h"
#include "ts.h"
#include "wsconn.h"

#define SIDECAR_NAME		"webntp-ws"
#define SIDECAR_LISTEN		"127.0.0.1:8081"
#define SIDECAR_EVENTS		256
#define SIDECAR_ACCEPTS		64	/* per wakeup, so clients get a turn */
/* Descriptors kept back from -max-connections: stdio, the listening
 * socket, epoll, signalfd, the leap table's file and download, and the
 * connections being told 503. */
#define SIDECAR_FD_RESERVE	(16 + WSCONN_REFUSING_MAX)
#define SIDECAR_MAXCONN_MAX	10000000L
#define SIDECAR_IDLE		60		/* seconds */
#define SIDECAR_IDLE_MAX	(86400 * 365)
/*
 * The kernel's buffers of a connection (it doubles the figures), set on the
 * listening socket so that every accepted one inherits them. A message is
 * some 25 bytes and its answer some 150, a client has one or two in flight,
 * while the defaults let a client that floods and never reads park 128 KiB
 * of messages and (autotuned) megabytes of answers in the kernel, per
 * connection. A receive buffer this small needs segments smaller than the
 * loopback MSS (64 KiB): with a segment larger than the free space, Linux
 * keeps the window shut (silly window avoidance) and a flooding sender
 * stalls on zero-window probes. Hence the MSS of Ethernet.
 */
#define SIDECAR_SNDBUF		8192
#define SIDECAR_RCVBUF		16384
#define SIDECAR_MSS		1460

struct sidecar {
	struct serveropt	 opt;
	struct leapsrc		*leap;
	const char		*listen;
	int			 idle;		/* -idle-timeout, seconds */
	int			 maxconn;	/* 0: what the fds allow */
	struct listensock	 ls;		/* -listen; fd -1 once stopped */
	int			 epfd, sigfd;
	bool			 accepting;
	bool			 stopping;
	int64_t			 accept_again;	/* after EMFILE */
	struct wsconn_set	 set;
};

/* epoll data of the two fds that are not connections. */
static char sidecar_tag_listen, sidecar_tag_signal;

static void
sidecar_log(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: %s\n", SIDECAR_NAME, msg);
}

/* The connections' socket calls (struct wsconn_io). */

static ssize_t
sidecar_recv(void *ctx, int fd, void *buf, size_t len)
{
	(void)ctx;
	return recv(fd, buf, len, 0);
}

static ssize_t
sidecar_send(void *ctx, int fd, const void *buf, size_t len, bool more)
{
	(void)ctx;
	return send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT |
	    (more ? MSG_MORE : 0));
}

static int
sidecar_watch(void *ctx, int fd, struct wsconn *c, unsigned events, bool add)
{
	struct sidecar *sc = ctx;
	struct epoll_event ev = { .events =
	    ((events & WSCONN_IN) ? EPOLLIN : 0) |
	    ((events & WSCONN_OUT) ? EPOLLOUT : 0), .data.ptr = c };

	return epoll_ctl(sc->epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd,
	    &ev);
}

static void
sidecar_shutdown(void *ctx, int fd)
{
	(void)ctx;
	shutdown(fd, SHUT_WR);
}

static void
sidecar_close(void *ctx, int fd, bool reset)
{
	/* A reset drops what the peer did not read: nothing of a dead
	 * connection stays in the kernel. */
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	(void)ctx;
	if (reset)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);	/* also leaves the epoll set */
}

static const struct wsconn_io sidecar_io = {
	.recv = sidecar_recv,
	.send = sidecar_send,
	.watch = sidecar_watch,
	.shutdown = sidecar_shutdown,
	.close = sidecar_close,
	.log = sidecar_log,
};

static void
sidecar_leap(void *ctx, const struct timespec *now, struct leap_info *out)
{
	leapsrc_lookup(ctx, now, out);
}

static void
sidecar_accept(struct sidecar *sc)
{
	int fd, one = 1;

	for (int i = 0; i < SIDECAR_ACCEPTS; i++) {
		fd = accept4(sc->ls.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Pause accepting for 100 ms rather than spin
				 * on a listen socket that stays readable. */
				wsconn_log(&sc->set, WSCONN_LOG_ACCEPT,
				    "accept: %s", strerror(errno));
				epoll_ctl(sc->epfd, EPOLL_CTL_DEL, sc->ls.fd,
				    NULL);
				sc->accepting = false;
				sc->accept_again = sc->set.now +
				    TS_NS_PER_SEC / 10;
			}
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		wsconn_add(&sc->set, fd);
	}
}

/* SIGTERM/SIGINT: stop accepting, 1001 to every client. */
static void
sidecar_stop(struct sidecar *sc)
{
	sc->stopping = true;
	if (sc->accepting)
		epoll_ctl(sc->epfd, EPOLL_CTL_DEL, sc->ls.fd, NULL);
	sc->accepting = false;
	close(sc->ls.fd);
	sc->ls.fd = -1;
	wsconn_stop(&sc->set);
}

static int
sidecar_run(struct sidecar *sc)
{
	struct epoll_event evs[SIDECAR_EVENTS];
	int64_t next, ms;
	int n, timeout;

	for (;;) {
		sc->set.now = ts_mono_ns();
		next = wsconn_expire(&sc->set);
		if (sc->stopping && wsconn_count(&sc->set) == 0)
			return 0;
		if (!sc->accepting && !sc->stopping) {
			if (sc->accept_again <= sc->set.now) {
				struct epoll_event ev = { .events = EPOLLIN,
				    .data.ptr = &sidecar_tag_listen };

				if (epoll_ctl(sc->epfd, EPOLL_CTL_ADD, sc->ls.fd,
				    &ev) == 0)
					sc->accepting = true;
			} else if (sc->accept_again < next) {
				next = sc->accept_again;
			}
		}
		timeout = -1;
		if (next != INT64_MAX) {
			ms = next > sc->set.now ?
			    (next - sc->set.now + 999999) / 1000000 : 0;
			timeout = ms > INT_MAX ? INT_MAX : (int)ms;
		}
		n = epoll_wait(sc->epfd, evs, SIDECAR_EVENTS, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: epoll_wait: %s\n", SIDECAR_NAME,
			    strerror(errno));
			return 1;
		}
		sc->set.now = ts_mono_ns();
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			uint32_t ev = evs[i].events;

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
				wsconn_event(&sc->set, p, (ev & EPOLLIN) != 0,
				    (ev & EPOLLOUT) != 0,
				    (ev & (EPOLLERR | EPOLLHUP)) != 0);
			}
		}
	}
}

static void
sidecar_sockbuf(int fd, bool tcp)
{
	int snd = SIDECAR_SNDBUF, rcv = SIDECAR_RCVBUF, mss = SIDECAR_MSS;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	if (!tcp)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
}

/*
 * -listen HOST:PORT, [V6]:PORT or unix:PATH, through the core's listensock
 * as webntp.fcgi's: a socket a live process listens on is never taken.
 * A Unix socket's mode is what the umask leaves of 0777 (UMask= in a unit).
 */
static int
sidecar_bind(struct sidecar *sc, struct err *e)
{
	struct err why = { 0 };
	mode_t mask = umask(0);
	int rc;

	umask(mask);
	rc = listensock_open_prep(&sc->ls, sc->listen,
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0777 & ~mask, sidecar_sockbuf, &why);
	if (rc == LISTENSOCK_BAD) {
		err_set(e, "invalid -listen \"%s\": %s", sc->listen, why.msg);
		return 2;
	}
	if (rc != 0) {
		err_set(e, "%s", why.msg);
		return 1;
	}
	return 0;
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
	if (epoll_ctl(sc->epfd, EPOLL_CTL_ADD, sc->ls.fd, &ev) != 0) {
		err_setsys(e, "cannot set up the event loop");
		return -1;
	}
	sc->accepting = true;
	return 0;
}

/* The connections the descriptor limit allows, after raising the soft
 * limit to the hard one. */
static long
sidecar_fd_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024 - SIDECAR_FD_RESERVE;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > (rlim_t)SIDECAR_MAXCONN_MAX)
		return SIDECAR_MAXCONN_MAX;
	if (rl.rlim_cur > 2 * SIDECAR_FD_RESERVE)
		return (long)rl.rlim_cur - SIDECAR_FD_RESERVE;
	return rl.rlim_cur > 2 ? (long)rl.rlim_cur / 2 : 1;
}

int
main(int argc, char **argv)
{
	static struct sidecar sc;
	const struct flags_flag flags[] = {
		FLAGS_ROW_STRING("listen", &sc.listen, "HOST:PORT", NULL,
		    "where to listen: HOST:PORT, [IPV6]:PORT or unix:PATH "
		    "(default " SIDECAR_LISTEN ")"),
		FLAGS_ROW_INT("idle-timeout", &sc.idle, "SECONDS", 1,
		    SIDECAR_IDLE_MAX, "not a whole number of seconds from 1 on",
		    "close a connection after this long without a message "
		    "(default " FLAGS_STR(SIDECAR_IDLE) ")"),
		FLAGS_ROW_INT("max-connections", &sc.maxconn, "N", 1,
		    SIDECAR_MAXCONN_MAX, NULL, "connections at most; beyond, "
		    "an upgrade gets 503 (default: what the descriptor limit "
		    "allows, less a reserve)"),
	};
	const size_t nflags = sizeof(flags) / sizeof(flags[0]);
	struct leapsrc_config lc;
	struct err e = { .msg = "" };
	long fds, maxconn;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	sc.epfd = sc.sigfd = sc.ls.fd = -1;
	sc.listen = SIDECAR_LISTEN;
	sc.idle = SIDECAR_IDLE;
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
	fds = sidecar_fd_budget();
	maxconn = sc.maxconn > 0 ? sc.maxconn : fds;
	if (maxconn > fds)
		fprintf(stderr, "%s: -max-connections %ld is more than the "
		    "descriptor limit allows (%ld): accept will fail beyond\n",
		    SIDECAR_NAME, maxconn, fds);
	wsconn_init(&sc.set, &sidecar_io, &sc, sc.idle * TS_NS_PER_SEC,
	    (size_t)maxconn, sc.opt.allow_cross_origin);

	serveropt_leap_config(&sc.opt, &lc, sidecar_log, NULL);
	if (leapsrc_open(&sc.leap, &lc, &e) != 0) {
		fprintf(stderr, "%s: invalid -leap-second-path \"%s\": %s\n",
		    SIDECAR_NAME, sc.opt.leap_path, e.msg);
		return 2;
	}
	sc.set.msg.leap = sidecar_leap;
	sc.set.msg.leap_ctx = sc.leap;
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
	wsconn_free_all(&sc.set);
	listensock_close(&sc.ls);
	close(sc.epfd);
	close(sc.sigfd);
	leapsrc_close(sc.leap);
	return rc;
}
