/*
 * responder.c: webntp.fcgi, the WebNTP HTTP responder (doc/protocol.md
 * section 3).
 * One binary: a FastCGI responder when a web server spawns it (lighttpd's
 * fastcgi.server, Apache's mod_fcgid), a standalone FastCGI server for nginx
 * and Apache's mod_proxy_fcgi (-listen, or a socket from systemd), a plain
 * CGI program otherwise.
 *
 * NOTES: it uses libfcgi's fcgiapp.h (FCGX) API, not fcgi_stdio.h, which
 * swaps environ on every request and so breaks libfaketime and anything else
 * that reads the process environment. GET answers the JSON of section 2;
 * HEAD (clients use /.well-known/time) answers 204 with X-HTTPSTIME, the
 * "improved timekeeping response" of the Time over HTTPS specification.
 * Beyond go-webntp: bad or long queries get 400, other methods 405, OPTIONS
 * 204 with the CORS preflight headers when cross origin is allowed.
 * -start-delay exists for mod_fcgid, which spawns processes only when a
 * request has waited 1 s for one (see apache/webntp.conf).
 *
 * The FastCGI server: nginx (fastcgi_keep_conn) and mod_proxy_fcgi
 * (enablereuse) keep a connection open for request after request, and
 * libfcgi serves a connection until it closes: so each of -threads threads
 * has its own FCGX_Request and serves one connection at a time, and the
 * threads wait for new connections together (EPOLLEXCLUSIVE wakes one of
 * them per connection, not all). A thread whose kept connection is idle
 * waits on it, so with every thread holding one a new connection would wait
 * until the web server gave one up (nginx: 60 s; Apache: never): the main
 * thread watches for that and closes the longest idle kept connection
 * (nginx retries a request that finds it closed on a new one; Apache fails
 * it, so -threads should exceed its connections). The threads share no
 * libfcgi state but what FCGX_Init sets up, once, before they start; each
 * reads its request's body to the end, or the rest of it would be taken
 * for the next request on the kept connection.
 * SIGTERM or SIGINT: stop accepting, let requests in flight finish, exit 0
 * (within RESPONDER_STOP_NS in any case).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "answer.h"
#include "leapsrc.h"
#include "listensock.h"
#include "serveropt.h"
#include "ts.h"

#define RESPONDER_NAME		"webntp.fcgi"
#define RESPONDER_OUT_MAX	(ANSWER_MAX + 1024)
#define RESPONDER_ALLOW		"GET, HEAD, OPTIONS"
#define RESPONDER_CACHE		"Cache-Control: no-cache, no-store\r\n"
#define RESPONDER_JSON		"Content-Type: application/json; charset=utf-8\r\n"
#define RESPONDER_CORS		"Access-Control-Allow-Origin: *\r\n" \
				"Access-Control-Expose-Headers: X-HTTPSTIME\r\n"
#define RESPONDER_PREFLIGHT	"Access-Control-Allow-Methods: " RESPONDER_ALLOW "\r\n" \
				"Access-Control-Max-Age: 86400\r\n"
#define RESPONDER_DELAY_MAX_MS	10000

#define nitems(a)		(sizeof(a) / sizeof((a)[0]))

#define RESPONDER_HOST_MAX	256	/* longest Host whose escape is kept */

#define RESPONDER_THREADS	256	/* -threads for -listen and systemd */
#define RESPONDER_THREADS_MAX	1024
#define RESPONDER_SOCK_MODE	0660	/* -listen unix:PATH */
#define RESPONDER_IO_S		5	/* a peer silent mid-request */
#define RESPONDER_STOP_NS	(5 * TS_NS_PER_SEC)
#define RESPONDER_KICK_MS	2	/* between two idle connections closed */
#define RESPONDER_STACK		(512 * 1024)
#define RESPONDER_ABANDON	-1	/* responder_fcgi: threads left running */
#define RESPONDER_BODY_MAX	(64 * 1024)	/* read past; more: close */

struct responder {
	struct serveropt	 opt;
	struct leapsrc		*leap;
};

/* A thread answers the same Host over and over: its JSON escape (jansson, a
 * share of a request's instructions worth keeping: bench/results/NOTES.md)
 * is kept. */
struct responder_idcache {
	size_t			 host_len;
	char			 host[RESPONDER_HOST_MAX];
	struct answer_id	 id;		/* id.len 0: nothing kept yet */
};

static const char *responder_listen;
static int responder_delay_ms, responder_threads;

static const struct flags_flag responder_flags[] = {
	FLAGS_ROW_INT("start-delay", &responder_delay_ms, "MS", 0,
	    RESPONDER_DELAY_MAX_MS, "not a number of milliseconds from 0 to "
	    FLAGS_STR(RESPONDER_DELAY_MAX_MS), "FastCGI: wait MS milliseconds "
	    "(0-" FLAGS_STR(RESPONDER_DELAY_MAX_MS) ") before the first "
	    "request; under mod_fcgid, 1500 makes a burst of requests spawn "
	    "every process at once (see apache/webntp.conf)"),
	FLAGS_ROW_STRING("listen", &responder_listen, "ADDR", NULL, "serve "
	    "FastCGI on unix:PATH (mode 0660: run with the web server's "
	    "group), HOST:PORT or [IPV6]:PORT, for nginx or mod_proxy_fcgi "
	    "(default: the socket systemd passes, or fd 0)"),
	FLAGS_ROW_INT("threads", &responder_threads, "N", 1,
	    RESPONDER_THREADS_MAX, NULL, "FastCGI: serve N connections at once "
	    "(1-" FLAGS_STR(RESPONDER_THREADS_MAX) "; default "
	    FLAGS_STR(RESPONDER_THREADS) " with -listen or systemd, 1 on fd "
	    "0)"),
};

/* A response under construction: CGI headers, then the body. */
struct responder_out {
	size_t	len;
	char	buf[RESPONDER_OUT_MAX];
};

static void
responder_log(void *ctx, const char *msg)
{
	fprintf(stderr, "%s: %s\n", RESPONDER_NAME, msg);
}

static void
responder_put(struct responder_out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - o->len)
		n = sizeof(o->buf) - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
responder_puts(struct responder_out *o, const char *s)
{
	responder_put(o, s, strlen(s));
}

static void
responder_head(const struct responder *r, struct responder_out *o,
    const char *status)
{
	o->len = 0;
	responder_puts(o, "Status: ");
	responder_puts(o, status);
	responder_puts(o, "\r\n" RESPONDER_CACHE);
	if (r->opt.allow_cross_origin)
		responder_puts(o, RESPONDER_CORS);
}

/* Headers and body of a response with a JSON body. */
static void
responder_body(struct responder_out *o, const char *body, size_t n)
{
	char cl[48];

	responder_puts(o, RESPONDER_JSON);
	snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n\r\n", n);
	responder_puts(o, cl);
	responder_put(o, body, n);
}

static void
responder_error(const struct responder *r, struct responder_out *o,
    const char *status, const char *extra, const char *msg)
{
	char body[512];

	responder_head(r, o, status);
	if (extra != NULL)
		responder_puts(o, extra);
	responder_body(o, body, answer_error(body, sizeof(body), msg));
}

/* One request: env is the CGI environment (FastCGI params or environ). */
static void
responder_handle(struct responder *r, struct responder_idcache *c, char **env,
    struct responder_out *o)
{
	const char *method, *query, *host;
	struct timespec it = { 0, 0 }, st, now;
	struct leap_info li;
	struct err e = { .msg = "" };
	char body[ANSWER_MAX], ts[TS_TEXT_MAX];
	size_t n;

	method = FCGX_GetParam("REQUEST_METHOD", env);
	if (method == NULL)
		method = "";
	if (strcmp(method, "HEAD") == 0) {
		responder_head(r, o, "204 No Content");
		responder_puts(o, "X-HTTPSTIME: ");
		ts_now(&st);
		responder_put(o, ts, ts_format(&st, ts));
		responder_puts(o, "\r\n\r\n");
		return;
	}
	if (strcmp(method, "OPTIONS") == 0) {
		responder_head(r, o, "204 No Content");
		responder_puts(o, "Allow: " RESPONDER_ALLOW "\r\n");
		if (r->opt.allow_cross_origin)
			responder_puts(o, RESPONDER_PREFLIGHT);
		responder_puts(o, "\r\n");
		return;
	}
	if (strcmp(method, "GET") != 0) {
		responder_error(r, o, "405 Method Not Allowed",
		    "Allow: " RESPONDER_ALLOW "\r\n", "method not allowed");
		return;
	}

	query = FCGX_GetParam("QUERY_STRING", env);
	if (query != NULL && query[0] != '\0') {
		n = strlen(query);
		if (n > TS_INPUT_MAX) {
			err_set(&e, "query longer than %d bytes",
			    TS_INPUT_MAX);
			responder_error(r, o, "400 Bad Request", NULL, e.msg);
			return;
		}
		if (ts_parse(query, n, &it, &e) != 0) {
			responder_error(r, o, "400 Bad Request", NULL, e.msg);
			return;
		}
	}
	host = FCGX_GetParam("HTTP_HOST", env);
	if (host == NULL)
		host = FCGX_GetParam("SERVER_NAME", env);
	if (host == NULL)
		host = "";
	n = strlen(host);
	if (c->id.len == 0 || n != c->host_len ||
	    memcmp(host, c->host, n) != 0) {
		if (answer_id_set(&c->id, host, n, &e) != 0) {
			responder_error(r, o, "400 Bad Request", NULL, e.msg);
			return;
		}
		/* A Host too long to keep is escaped again next time. */
		c->host_len = n < sizeof(c->host) ? n : SIZE_MAX;
		if (n < sizeof(c->host))
			memcpy(c->host, host, n);
	}
	ts_now(&now);
	leapsrc_lookup(r->leap, &now, &li);

	responder_head(r, o, "200 OK");
	ts_now(&st);
	n = answer_format(body, &c->id, &it, &st, &li);
	responder_body(o, body, n);
}

static int
responder_cgi(struct responder *r)
{
	extern char **environ;
	struct responder_idcache c = { .host_len = 0 };
	struct responder_out *o;
	ssize_t w;
	size_t off = 0;
	bool ok;

	if (getenv("REQUEST_METHOD") == NULL) {
		fprintf(stderr, "%s: no REQUEST_METHOD: run me from a web "
		    "server (FastCGI or CGI); see -help\n", RESPONDER_NAME);
		return 2;
	}
	o = malloc(sizeof(*o));
	if (o == NULL)
		return 1;
	responder_handle(r, &c, environ, o);
	while (off < o->len) {
		w = write(STDOUT_FILENO, o->buf + off, o->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	ok = off == o->len;
	free(o);
	return ok ? 0 : 1;
}

/* The FastCGI server: a thread's state, under pool->mu. */
enum responder_state {
	RESPONDER_FREE,		/* waiting for a new connection */
	RESPONDER_KEPT,		/* waiting on its idle kept connection */
	RESPONDER_BUSY,		/* reading, answering, writing */
	RESPONDER_DONE,
};

struct responder_pool;

struct responder_worker {
	struct responder_pool	*pool;
	pthread_t		 tid;
	bool			 started;
	FCGX_Request		 req;
	int			 ep;	/* listener (EPOLLEXCLUSIVE), stop, wake */
	int			 wake;	/* eventfd: close your idle connection */
	enum responder_state	 state;
	int64_t			 idle_since;	/* CLOCK_MONOTONIC ns, KEPT */
	bool			 kicked;
	unsigned long		 nreq, nconn;
	struct responder_idcache ids;
	struct responder_out	 out;
};

struct responder_pool {
	struct responder	*r;
	int			 lfd;
	bool			 lunix;	/* Unix: timeouts per connection */
	int			 stop;	/* eventfd, written once at shutdown */
	int			 starve;	/* eventfd: wakes the main thread */
	pthread_mutex_t		 mu;
	int			 nfree, nkept;
	bool			 starve_sent;
	size_t			 n;
	struct responder_worker	*w;
};

static void
responder_state(struct responder_worker *w, enum responder_state s)
{
	struct responder_pool *p = w->pool;
	bool notify = false;

	pthread_mutex_lock(&p->mu);
	if (w->state == RESPONDER_FREE)
		p->nfree--;
	else if (w->state == RESPONDER_KEPT)
		p->nkept--;
	w->state = s;
	if (w->kicked && s != RESPONDER_KEPT) {
		eventfd_t v;

		/* Too late: it got a request. Take back the wake-up. */
		eventfd_read(w->wake, &v);
	}
	w->kicked = false;
	if (s == RESPONDER_FREE)
		p->nfree++;
	else if (s == RESPONDER_KEPT) {
		p->nkept++;
		w->idle_since = ts_mono_ns();
	}
	/* Every thread busy or on a kept connection: the main thread must
	 * see that a new connection is not left waiting. */
	if (p->nfree == 0 && p->nkept > 0 && !p->starve_sent) {
		p->starve_sent = true;
		notify = true;
	}
	pthread_mutex_unlock(&p->mu);
	if (notify)
		eventfd_write(p->starve, 1);
}

/* Close the kept connection, without libfcgi's drain (nothing is in
 * flight on it). */
static void
responder_drop(struct responder_worker *w)
{
	w->req.detached = 1;
	FCGX_Free(&w->req, 1);
}

/* Wait for work: 1 a connection or a request to read, 0 woken to give up
 * the idle kept connection, -1 stop. */
static int
responder_wait(struct responder_worker *w)
{
	struct responder_pool *p = w->pool;
	eventfd_t v;

	for (;;) {
		if (w->req.ipcFd >= 0) {
			struct pollfd pf[3] = {
				{ .fd = p->stop, .events = POLLIN },
				{ .fd = w->req.ipcFd, .events = POLLIN },
				{ .fd = w->wake, .events = POLLIN },
			};

			if (poll(pf, 3, -1) < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			if (pf[0].revents != 0)
				return -1;
			if (pf[2].revents != 0)
				eventfd_read(w->wake, &v);
			if (pf[1].revents != 0)
				return 1;
			if (pf[2].revents != 0)
				return 0;
		} else {
			struct epoll_event ev[3];
			int n, i, rc = 0;

			n = epoll_wait(w->ep, ev, 3, -1);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			for (i = 0; i < n; i++) {
				if (ev[i].data.fd == p->stop)
					return -1;
				if (ev[i].data.fd == w->wake)
					eventfd_read(w->wake, &v);
				else
					rc = 1;
			}
			if (rc)
				return 1;
		}
	}
}

/*
 * Read the request's body to its end (FCGI_STDIN's empty record) before
 * answering: on a kept connection, what is left unread would be taken for
 * the start of the next request, and libfcgi would close the connection
 * (Apache's mod_proxy_fcgi sends that record apart from the params, so it
 * is often not read yet, and then fails its next request on the dead
 * connection). No method here takes a body; past RESPONDER_BODY_MAX the
 * connection is closed after the answer instead.
 */
static void
responder_drain(FCGX_Request *req)
{
	char buf[4096];
	size_t total = 0;
	int n;

	while ((n = FCGX_GetStr(buf, sizeof(buf), req->in)) > 0) {
		total += (size_t)n;
		if (total > RESPONDER_BODY_MAX) {
			req->keepConnection = 0;
			return;
		}
	}
	if (FCGX_GetError(req->in) != 0)
		req->keepConnection = 0;
}

/* A peer that stops mid-request must not hold a thread for ever: TCP
 * connections inherit these from the listener, Unix ones do not. */
static void
responder_timeouts(int fd)
{
	struct timeval tv = { RESPONDER_IO_S, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void *
responder_work(void *arg)
{
	struct responder_worker *w = arg;
	struct responder_pool *p = w->pool;
	bool kept;
	int rc;

	for (;;) {
		kept = w->req.ipcFd >= 0;
		responder_state(w, kept ? RESPONDER_KEPT : RESPONDER_FREE);
		if ((rc = responder_wait(w)) < 0)
			break;
		if (rc == 0) {
			if (kept)
				responder_drop(w);
			continue;
		}
		responder_state(w, RESPONDER_BUSY);
		/* On a kept connection libfcgi must not accept another one
		 * when this one turns out closed: that is for the listener's
		 * turn (and its count). */
		w->req.listen_sock = kept ? -1 : p->lfd;
		if (FCGX_Accept_r(&w->req) < 0)
			continue;	/* lost the race, or the peer left */
		if (!kept) {
			w->nconn++;
			if (p->lunix)
				responder_timeouts(w->req.ipcFd);
		}
		w->nreq++;
		responder_drain(&w->req);
		responder_handle(p->r, &w->ids, w->req.envp, &w->out);
		FCGX_PutStr(w->out.buf, (int)w->out.len, w->req.out);
		FCGX_Finish_r(&w->req);
	}
	if (w->req.ipcFd >= 0)
		responder_drop(w);
	responder_state(w, RESPONDER_DONE);
	return NULL;
}

/* Close the idle kept connection of the thread that has waited longest,
 * when a new connection finds no thread free. */
static void
responder_kick(struct responder_pool *p)
{
	struct responder_worker *lru = NULL;
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct responder_worker *w = &p->w[i];

		if (w->state == RESPONDER_KEPT && !w->kicked &&
		    (lru == NULL || w->idle_since < lru->idle_since))
			lru = w;
	}
	if (lru != NULL) {
		lru->kicked = true;
		eventfd_write(lru->wake, 1);
	}
}

/* The main thread: signals, and new connections left waiting. */
static void
responder_supervise(struct responder_pool *p, int sigfd)
{
	bool guard = false, starving;
	eventfd_t v;

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = sigfd, .events = POLLIN },
			{ .fd = guard ? p->lfd : p->starve, .events = POLLIN },
		};
		struct pollfd lp = { .fd = p->lfd, .events = POLLIN };

		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return;
		if (pf[0].revents != 0)
			return;
		if (!guard && pf[1].revents != 0) {
			eventfd_read(p->starve, &v);
			guard = true;
		}
		if (!guard)
			continue;
		pthread_mutex_lock(&p->mu);
		starving = p->nfree == 0 && p->nkept > 0;
		if (!starving) {
			p->starve_sent = false;
			guard = false;
		} else if (poll(&lp, 1, 0) > 0)
			responder_kick(p);
		pthread_mutex_unlock(&p->mu);
		/* Give the thread time to close and accept before the next. */
		if (starving) {
			pf[0].revents = 0;
			if (poll(pf, 1, RESPONDER_KICK_MS) > 0)
				return;
		}
	}
}

static int
responder_pool_start(struct responder_pool *p, size_t n)
{
	pthread_attr_t attr;
	size_t i;

	p->n = n;
	if ((p->w = calloc(n, sizeof(*p->w))) == NULL)
		return -1;
	pthread_mutex_init(&p->mu, NULL);
	if ((p->stop = eventfd(0, EFD_CLOEXEC)) < 0 ||
	    (p->starve = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		p->w[i].ep = p->w[i].wake = -1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, RESPONDER_STACK);
	for (i = 0; i < n; i++) {
		struct responder_worker *w = &p->w[i];
		struct epoll_event ev = { .events = EPOLLIN };

		/* Free from the start: a connection already queued (systemd
		 * queues them before we exist) is no reason to close a kept
		 * one while the other threads are still starting. */
		w->pool = p;
		w->state = RESPONDER_FREE;
		p->nfree++;
		FCGX_InitRequest(&w->req, p->lfd, 0);
		if ((w->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
		    (w->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
			goto fail;
		ev.data.fd = p->stop;
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, p->stop, &ev) != 0)
			goto fail;
		ev.data.fd = w->wake;
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, w->wake, &ev) != 0)
			goto fail;
		ev.events = EPOLLIN | EPOLLEXCLUSIVE;
		ev.data.fd = p->lfd;
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, p->lfd, &ev) != 0)
			goto fail;
		if (pthread_create(&w->tid, &attr, responder_work, w) != 0)
			goto fail;
		w->started = true;
	}
	pthread_attr_destroy(&attr);
	return 0;
fail:
	pthread_attr_destroy(&attr);
	return -1;
}

/* Stop: no new requests, those in flight finish; false when some did not
 * within RESPONDER_STOP_NS. */
static bool
responder_pool_stop(struct responder_pool *p, bool own_socket)
{
	struct timespec dl;
	bool all = true;
	size_t i;

	eventfd_write(p->stop, 1);
	/* Our own socket refuses new connections at once (a socket from
	 * systemd or the web server is theirs, and keeps its queue for the
	 * next process). */
	if (own_socket)
		shutdown(p->lfd, SHUT_RDWR);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += RESPONDER_STOP_NS / TS_NS_PER_SEC;
	for (i = 0; i < p->n; i++) {
		if (!p->w[i].started)
			continue;
		if (pthread_timedjoin_np(p->w[i].tid, NULL, &dl) != 0)
			all = false;
		else
			p->w[i].started = false;
	}
	return all;
}

static void
responder_pool_free(struct responder_pool *p)
{
	size_t i;

	for (i = 0; p->w != NULL && i < p->n; i++) {
		if (p->w[i].ep >= 0)
			close(p->w[i].ep);
		if (p->w[i].wake >= 0)
			close(p->w[i].wake);
	}
	free(p->w);
	if (p->stop >= 0)
		close(p->stop);
	if (p->starve >= 0)
		close(p->starve);
	pthread_mutex_destroy(&p->mu);
}

/* More descriptors than 1024 (the usual soft limit) for many threads. */
static void
responder_raise_nofile(size_t threads)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)threads * 4 + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Serve FastCGI on lfd with nthreads threads until SIGTERM or SIGINT.
 * own_socket: lfd is ours (-listen), not systemd's or the web server's;
 * spawned: the web server started us (fd 0), and says itself when it
 * stops its processes.
 */
static int
responder_fcgi(struct responder *r, int lfd, bool own_socket, bool spawned,
    size_t nthreads, long delay_ms)
{
	struct responder_pool p = { .r = r, .lfd = lfd, .stop = -1,
	    .starve = -1 };
	struct err e = { .msg = "" };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	unsigned long nreq = 0, nconn = 0;
	sigset_t mask;
	int sigfd, fl, one = 1;
	bool all;
	size_t i;

	/* Blocked in every thread (the download's too), read here. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0 ||
	    (sigfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		responder_log(NULL, "cannot set up the signals");
		return 1;
	}
	if (leapsrc_start_fetch(r->leap, &e) != 0)
		responder_log(NULL, e.msg);
	if (FCGX_Init() != 0) {
		responder_log(NULL, "FastCGI initialization failed");
		close(sigfd);
		return 1;
	}
	/* Threads wait in epoll and accept without blocking: the one that
	 * loses the race for a connection goes back to waiting. */
	fl = fcntl(lfd, F_GETFL);
	if (fl < 0 || fcntl(lfd, F_SETFL, fl | O_NONBLOCK) != 0) {
		responder_log(NULL, "fd of the listener: not a socket");
		close(sigfd);
		return 1;
	}
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_UNIX)
			p.lunix = true;
		else {
			/* Inherited by the accepted connections (libfcgi sets
			 * TCP_NODELAY itself, but for IPv4 only). */
			setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
			responder_timeouts(lfd);
		}
	}
	responder_raise_nofile(nthreads);
	if (delay_ms > 0) {
		struct timespec d = { delay_ms / 1000,
		    (delay_ms % 1000) * 1000000L };

		while (nanosleep(&d, &d) != 0 && errno == EINTR)
			;
	}
	if (responder_pool_start(&p, nthreads) != 0) {
		responder_log(NULL, "cannot start the threads");
		/* The threads started wait for the stop. */
		all = responder_pool_stop(&p, own_socket);
		if (all)
			responder_pool_free(&p);
		close(sigfd);
		return 1;
	}
	responder_supervise(&p, sigfd);
	all = responder_pool_stop(&p, own_socket);
	for (i = 0; i < p.n; i++) {
		nreq += p.w[i].nreq;
		nconn += p.w[i].nconn;
	}
	if (!all) {
		/* Threads still run: nothing they use may be freed. */
		fprintf(stderr, "%s: stopped with requests still in flight "
		    "after %d s\n", RESPONDER_NAME,
		    (int)(RESPONDER_STOP_NS / TS_NS_PER_SEC));
		return RESPONDER_ABANDON;
	}
	if (!spawned)
		fprintf(stderr, "%s: stopped: %lu requests on %lu "
		    "connections\n", RESPONDER_NAME, nreq, nconn);
	responder_pool_free(&p);
	close(sigfd);
	return 0;
}

/*
 * The socket systemd passes (sd_listen_fds(3): LISTEN_PID is us,
 * LISTEN_FDS the count, from fd 3), without linking libsystemd for two
 * environment variables. -1 if none; -2 with e set if unusable.
 */
static int
responder_systemd_fd(struct err *e)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int64_t lp, lf;
	int acc = 0;
	socklen_t al = sizeof(acc);

	if (pid == NULL || fds == NULL ||
	    flags_number(pid, 1, INT64_C(1) << 30, &lp) != 0 ||
	    (pid_t)lp != getpid())
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (flags_number(fds, 0, 1024, &lf) != 0 || lf != 1) {
		err_set(e, "LISTEN_FDS=%s: systemd must pass exactly one "
		    "socket", fds);
		return -2;
	}
	if (getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al) != 0 || !acc) {
		err_set(e, "the socket systemd passed (fd 3) is not a "
		    "listening stream socket");
		return -2;
	}
	fcntl(3, F_SETFD, FD_CLOEXEC);
	return 3;
}

/*
 * lighttpd splits bin-path on every space, so "webntp.fcgi " + flags hands
 * us empty arguments: drop them.
 */
static int
responder_drop_empty(int argc, char **argv)
{
	int i, n;

	for (i = n = 1; i < argc; i++)
		if (argv[i][0] != '\0')
			argv[n++] = argv[i];
	argv[n] = NULL;
	return n;
}

int
main(int argc, char **argv)
{
	struct responder r = { .leap = NULL };
	struct leapsrc_config lc;
	struct err e = { .msg = "" };
	struct listensock ls;
	int rc, sdfd;

	signal(SIGPIPE, SIG_IGN);
	argc = responder_drop_empty(argc, argv);
	switch (serveropt_parse(&r.opt, argc, argv, responder_flags,
	    nitems(responder_flags), NULL, &e)) {
	case SERVEROPT_BAD:
		fprintf(stderr, "%s: %s\n", RESPONDER_NAME, e.msg);
		return 2;
	case SERVEROPT_HELP:
		serveropt_usage(stdout, RESPONDER_NAME " [flags]  (run by a "
		    "web server, as FastCGI or CGI; or -listen ADDR)",
		    responder_flags,
		    nitems(responder_flags));
		return 0;
	case SERVEROPT_VERSION:
		printf("%s %s\n", RESPONDER_NAME, PACKAGE_VERSION);
		return 0;
	case SERVEROPT_RUN:
		break;
	}
	serveropt_leap_config(&r.opt, &lc, responder_log, NULL);
	if (leapsrc_open(&r.leap, &lc, &e) != 0) {
		fprintf(stderr, "%s: invalid -leap-second-path \"%s\": %s\n",
		    RESPONDER_NAME, r.opt.leap_path, e.msg);
		return 2;
	}
	sdfd = responder_systemd_fd(&e);
	if (sdfd == -2 || (sdfd >= 0 && responder_listen != NULL)) {
		if (responder_listen != NULL)
			fprintf(stderr, "%s: invalid -listen \"%s\": systemd "
			    "passed a socket already\n", RESPONDER_NAME,
			    responder_listen);
		else
			fprintf(stderr, "%s: %s\n", RESPONDER_NAME, e.msg);
		leapsrc_close(r.leap);
		return 2;
	}
	if (responder_listen != NULL) {
		rc = listensock_open(&ls, responder_listen, SOCK_CLOEXEC,
		    RESPONDER_SOCK_MODE, &e);
		if (rc != 0) {
			if (rc == LISTENSOCK_BAD)
				fprintf(stderr, "%s: invalid -listen \"%s\": "
				    "%s\n", RESPONDER_NAME, responder_listen,
				    e.msg);
			else
				fprintf(stderr, "%s: %s\n", RESPONDER_NAME,
				    e.msg);
			leapsrc_close(r.leap);
			return rc == LISTENSOCK_BAD ? 2 : 1;
		}
		rc = responder_fcgi(&r, ls.fd, true, false,
		    responder_threads > 0 ? (size_t)responder_threads :
		    RESPONDER_THREADS, responder_delay_ms);
		listensock_close(&ls);
		if (rc == RESPONDER_ABANDON)
			_exit(0);
	} else if (sdfd >= 0) {
		rc = responder_fcgi(&r, sdfd, false, false,
		    responder_threads > 0 ? (size_t)responder_threads :
		    RESPONDER_THREADS, responder_delay_ms);
	} else if (!FCGX_IsCGI()) {
		rc = responder_fcgi(&r, 0, false, true,
		    responder_threads > 0 ? (size_t)responder_threads : 1,
		    responder_delay_ms);
	} else
		rc = responder_cgi(&r);
	if (rc == RESPONDER_ABANDON)
		_exit(0);
	leapsrc_close(r.leap);
	return rc;
}
