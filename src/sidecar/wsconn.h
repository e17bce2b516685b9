/*
 * wsconn.h: the connections of webntp-ws, each from its upgrade request to
 * its socket's close (doc/protocol.md section 4; RFC 6455), with every deadline
 * they have, and the log lines they cause. No system call is made here: the
 * bytes and the watching go through a table of functions (the sidecar's
 * are recv, send and epoll; tests/fuzz/fuzz_conn.c's are buffers), so a
 * connection's whole life runs without a socket.
 */
#ifndef WEBNTP_WSCONN_H
#define WEBNTP_WSCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ratelim.h"
#include "wshs.h"
#include "wsmsg.h"

#define WSCONN_HANDSHAKE_NS	(10 * INT64_C(1000000000))
#define WSCONN_CLOSING_NS	(2 * INT64_C(1000000000))
#define WSCONN_QUEUE_MAX	64	/* answers waiting: then stop reading */
#define WSCONN_REFUSING_MAX	16	/* being told 503 at once, at most */
#define WSCONN_RBUF		4096	/* a read: wslay's input buffer */

#define WSCONN_IN		1	/* what a connection waits for */
#define WSCONN_OUT		2

struct wsconn;

/* A connection's socket, as the loop sees it. recv and send return a count,
 * or -1 with errno (EAGAIN: not now); recv returns 0 at EOF. */
struct wsconn_io {
	ssize_t	(*recv)(void *ctx, int fd, void *buf, size_t len);
	ssize_t	(*send)(void *ctx, int fd, const void *buf, size_t len,
		    bool more);
	/* Wait for events (WSCONN_IN | WSCONN_OUT) on fd, reported with
	 * wsconn_event(c); add: fd is new. -1 when it cannot be watched. */
	int	(*watch)(void *ctx, int fd, struct wsconn *c, unsigned events,
		    bool add);
	void	(*shutdown)(void *ctx, int fd);		/* the write side */
	void	(*close)(void *ctx, int fd, bool reset);
	void	(*log)(void *ctx, const char *line);
};

/* The kinds of log line, each at most once a second (ratelim). */
enum wsconn_log_kind {
	WSCONN_LOG_REFUSED,	/* an upgrade refused (4xx) */
	WSCONN_LOG_FULL,	/* over -max-connections (503) */
	WSCONN_LOG_1002,
	WSCONN_LOG_1007,
	WSCONN_LOG_1009,
	WSCONN_LOG_FAILED,	/* a connection lost in error */
	WSCONN_LOG_RESET,	/* a close that missed its deadline */
	WSCONN_LOG_ACCEPT,	/* accept(2) failed (the loop's) */
	WSCONN_LOG_NKINDS
};

enum wsconn_state {
	WSCONN_HANDSHAKE,	/* reading the upgrade request */
	WSCONN_OPEN,		/* answering messages */
	WSCONN_CLOSING,		/* a close or refusal under way */
	WSCONN_NSTATES
};

/* One FIFO per state: every member has the same timeout, so the list is
 * ordered by deadline by construction. */
struct wsconn_list {
	struct wsconn	*head, *tail;
	int64_t		 timeout;
};

struct wsconn_set {
	const struct wsconn_io	*io;
	void			*io_ctx;
	struct wsmsg		 msg;
	bool			 allow_cross_origin;
	int64_t			 now;		/* CLOCK_MONOTONIC ns: the loop
						   sets it each turn */
	size_t			 n;		/* connections served */
	size_t			 max;		/* -max-connections */
	size_t			 refusing;	/* being told 503 */
	struct wsconn_list	 lists[WSCONN_NSTATES];
	struct ratelim		 lim[WSCONN_LOG_NKINDS];
	uint8_t			 rbuf[WSCONN_RBUF];
	char			 scratch[WSHS_MAX];
};

/* Set up s (zeroed by the caller): idle_ns is -idle-timeout; s->msg's leap
 * function is the caller's to set. */
void	wsconn_init(struct wsconn_set *s, const struct wsconn_io *io,
	    void *ctx, int64_t idle_ns, size_t max, bool allow_cross_origin);
/* A socket just accepted; beyond s->max it is told 503. */
void	wsconn_add(struct wsconn_set *s, int fd);
/* What the socket of c is ready for (hup: error or hang-up). */
void	wsconn_event(struct wsconn_set *s, struct wsconn *c, bool in,
	    bool out, bool hup);
/* Act on every deadline up to s->now; returns the next one (INT64_MAX:
 * none). Also writes the counts of log lines held back. */
int64_t	wsconn_expire(struct wsconn_set *s);
/* Going away (SIGTERM): handshakes dropped, 1001 to every open connection;
 * each is gone within WSCONN_CLOSING_NS. */
void	wsconn_stop(struct wsconn_set *s);
/* Every connection, the 503 ones too. */
size_t	wsconn_count(const struct wsconn_set *s);
/* Drop every connection at once, and say how many log lines were held
 * back (at exit). */
void	wsconn_free_all(struct wsconn_set *s);
/* A log line of kind k, unless one was written less than a second ago. */
void	wsconn_log(struct wsconn_set *s, enum wsconn_log_kind k,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
