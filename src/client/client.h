/*
 * client.h: the client `webntp` (doc/protocol.md section 5). Grouped by file;
 * read it as the table of contents of src/client/.
 */
#ifndef WEBNTP_CLIENT_H
#define WEBNTP_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "leap.h"
#include "sample.h"
#include "wshttp.h"

#define CLIENT_NAME		"webntp"
#define CLIENT_USER_AGENT	"webntp.shogo82148.com"
#define CLIENT_BODY_MAX		4096	/* longer answers are errors */
#define CLIENT_USER_DEFAULT	"nobody"	/* -user when started as root */
/* A server's time may lie up to a century after the build (doc/protocol.md
 * section 5): 100 years of 365.25 days. */
#define CLIENT_TIME_SPAN	(INT64_C(100) * 36525 * 864)

/* Where a server's time comes from (-source; named in the output). */
enum client_source {
	CLIENT_SOURCE_AUTO,	/* the best the server offers, in this order: */
	CLIENT_SOURCE_JSON,	/* WebNTP's JSON answer, "st" */
	CLIENT_SOURCE_HTTPSTIME,	/* X-HTTPSTIME of Time over HTTPS */
	CLIENT_SOURCE_DATE,	/* the Date header, sharpened by bisection */
};
#define CLIENT_BUDGET_DEFAULT	(16 * INT64_C(1000000000))	/* -budget */

/* Options, parsed and checked once at start (main.c). */
struct client_opt {
	int		 samples;	/* 1..8 */
	enum client_source source;	/* -source */
	int64_t		 budget_ns;	/* -budget: one server's bisection */
	int64_t		 timeout_ns;	/* per request */
	const char	*cacert;	/* extra CA file, or NULL */
	bool		 json;
	int		 shm_unit;	/* -1: none */
	const char	*sock_path;	/* NULL: none */
	const char	*user;		/* -user, or the default when root */
	bool		 drop;		/* root now, user's uid/gid later */
	uid_t		 uid;
	gid_t		 gid;
};

/* One server's outcome in one round. */
struct client_result {
	const char	*url;
	bool		 ok;
	int		 used;		/* kept by sample_combine */
	struct sample	 s;		/* combined */
	struct leap_info li;		/* from the last answer */
	char		 error[ERR_MSG_MAX];
	/* What the answers prove (bound.c): true - local in [lo, hi]. */
	enum client_source source;
	int64_t		 lo, hi;
	int64_t		 bound;		/* |s.offset - truth| <= bound */
	bool		 falseticker;	/* outside the majority (select.c) */
	int		 agree;		/* a round's result: servers in it */
};

/* main.c: set by SIGINT/SIGTERM; loops check it. */
extern volatile sig_atomic_t client_stop;

/* One timed exchange, as a transport reports it. */
struct client_exchange {
	struct timespec	 start, end;	/* local clock */
	struct timespec	 st;		/* "st", else "time" */
	struct leap_info li;
	bool		 foreign;	/* a web server's answer, not WebNTP's:
					   -source auto tries the others */
};

/* A transport (http.c, ws.c): connect once, then many exchanges. */
struct client_transport {
	void		*(*open)(const char *url,
			    const struct client_opt *o, struct err *e);
	int		 (*exchange)(void *h, struct client_exchange *x,
			    struct err *e);
	void		 (*close)(void *h);
};

/* http.c */
extern const struct client_transport client_http;
int	http_global_init(struct err *e);
void	http_global_cleanup(void);
/* One HEAD over a handle of client_http.open, timed as the GETs are. */
#define HTTP_HEADER_MAX	64	/* longer Date or X-HTTPSTIME: not kept */
struct http_head {
	struct timespec	 start, end;	/* local clock, as client_exchange */
	long		 status;
	bool		 has_date, has_httpstime;
	char		 date[HTTP_HEADER_MAX + 1];
	char		 httpstime[HTTP_HEADER_MAX + 1];
};
/* HEAD url (NULL: the handle's own) on h's connection; -1 with e set when
 * no answer came (any status is an answer). */
int	http_head(void *h, const char *url, struct http_head *a, struct err *e);

/* ws.c: ws:// and wss:// (wslay's framing, OpenSSL). */
extern const struct client_transport client_ws;

/* wsurl.c: a ws:// or wss:// URL, parsed and checked. */
#define WSURL_MAX	2048
struct wsurl {
	bool	 tls;		/* wss:// */
	bool	 ip;		/* an IP address: no SNI, checked as an IP */
	bool	 ipv6;		/* written in brackets */
	int	 port;		/* given, else 80 or 443 */
	char	 host[256];	/* brackets removed: DNS, SNI, certificate */
	char	 hostport[272];	/* the Host header: port only when given
				   and not the scheme's, IPv6 in brackets */
	char	 target[WSURL_MAX];	/* path?query, at least "/" */
};
int	wsurl_parse(const char *url, struct wsurl *u, struct err *e);

/* upgrade.c: the opening handshake, client side (RFC 6455 4.1). */
#define UPGRADE_MAX		8192	/* response header, CRLFCRLF included */
#define UPGRADE_NONCE_LEN	16
#define UPGRADE_KEY_LEN		24	/* base64 of the nonce */
#define UPGRADE_REQUEST_MAX	(WSURL_MAX + 512)
/* The Sec-WebSocket-Key of 16 random bytes into key (UPGRADE_KEY_LEN + 1),
 * and the Sec-WebSocket-Accept it asks for into accept (WSHTTP_ACCEPT_LEN
 * + 1); 0, or -1 when SHA-1 fails. */
int	upgrade_key(const unsigned char *nonce, char *key, char *accept);
/* The request for u into out (cap bytes); its length, 0 if it does not fit. */
size_t	upgrade_request(const struct wsurl *u, const char *key, char *out,
	    size_t cap);
/* Judge the len bytes of the response read so far against the accept
 * value of upgrade_key: 0 incomplete (read more), 1 a valid 101 (*used =
 * its header's length; what follows is frames), -1 with e set. */
int	upgrade_response(const char *buf, size_t len, const char *accept,
	    size_t *used, struct err *e);

/* reply.c: the JSON answer of section 2, bounded and checked. */
int	reply_parse(const char *buf, size_t len, struct client_exchange *x,
	    struct err *e);
/* -1 with e set when st is before WEBNTP_BUILD_EPOCH or more than
 * CLIENT_TIME_SPAN after it: that server's clock is wrong. */
int	reply_check_time(const struct timespec *st, struct err *e);

/* tls.c: -cacert, checked at start and added to a TLS context's store;
 * the TLS client of wss://. */
struct ssl_st;
int	tls_check_cafile(const char *path, struct err *e);
int	tls_add_cafile(void *ssl_ctx, const char *path, struct err *e);
/* A TLS client over the connected fd for u's host: TLS 1.2+, the system's
 * CAs and -cacert, the name or IP checked, SNI for names. NULL, e set. */
struct ssl_st *tls_client(const struct client_opt *o, int fd,
	    const struct wsurl *u, struct err *e);
/* Why an OpenSSL call on ssl (NULL: none) returned rc, after what: the
 * certificate's fault first ("certificate verify failed: <why>"). */
void	tls_error(struct ssl_st *ssl, int rc, const char *what, struct err *e);

/* measure.c: one server, -p samples with random pauses. */
/* The transport of url's scheme (http, https, ws, wss, any case, with
 * something after "://"); NULL: none. */
const struct client_transport *measure_transport(const char *url);
void	measure_server(const char *url, const struct client_opt *o,
	    struct client_result *r);
/* Sleep ns unless client_stop is set; 0 slept in full, -1 stopped. */
int	measure_pause(int64_t ns);
/* A uniformly random value in [0, n). */
int64_t	measure_random(int64_t n);
/* n random bytes; never blocks, not for secrets. */
void	measure_random_bytes(void *buf, size_t n);

/* bound.c: the offsets an answer allows (integer ns, true - local). */
struct bound {
	int64_t	lo, hi;
};
/* A server clock read as stamp, known to lie in [stamp - below, stamp +
 * above], at some instant of [start, end] on the local clock. */
void	bound_stamp(int64_t start, int64_t end, int64_t stamp, int64_t below,
	    int64_t above, struct bound *b);
/* A Date of sec: the server's clock was in [sec, sec + 1 s). */
void	bound_date(int64_t start, int64_t end, int64_t sec, struct bound *b);
/* acc &= b; -1 (acc unchanged) when they do not overlap. */
int	bound_intersect(struct bound *acc, const struct bound *b);
int64_t	bound_mid(const struct bound *b);
/* The least r with [mid - r, mid + r] covering b. */
int64_t	bound_half(const struct bound *b);
/* The least r with [x - r, x + r] covering b. */
int64_t	bound_around(const struct bound *b, int64_t x);

/* select.c: Marzullo's intersection with the majority rule (NTP's
 * selection): of n intervals, the region the most of them share. */
struct select_out {
	struct bound	 in;	/* the shared region */
	int		 agree;	/* how many intervals hold it */
};
/* 0 when more than n/2 intervals share one region (those that do not
 * have ok[i] false: falsetickers); -1 when no majority agrees, or two
 * regions tie. n <= SELECT_MAX. */
#define SELECT_MAX	64
int	select_majority(const struct bound *b, int n, bool *ok,
	    struct select_out *out);

/* httpstime.c: Time over HTTPS's X-HTTPSTIME (phk.freebsd.dk/time). */
/* The header's value: decimal seconds; *res the last digit's unit. */
int	httpstime_parse(const char *v, struct timespec *t, int64_t *res,
	    struct err *e);
/* The URL to HEAD: origin + /.well-known/time when url has no path, else
 * url; 0, or -1 when it does not fit. *wellknown: the first case. */
int	httpstime_url(const char *url, char *out, size_t cap, bool *wellknown);
/* -p HEADs of url on h, random pauses between; 0 with r filled, -1 with e
 * set. */
int	httpstime_measure(void *h, const char *url, const struct client_opt *o,
	    struct client_result *r, struct err *e);

/* date.c: the Date header sharpened by bisection. */
/* When to send the next request (local ns, >= now) so that the server's
 * second boundary predicted from the middle of b falls in the middle of
 * a round trip of rtt. */
int64_t	date_next_send(const struct bound *b, int64_t rtt, int64_t now);
/* Bisect HEADs of url on h for at most o->budget_ns; r filled, or -1. */
int	date_measure(void *h, const char *url, const struct client_opt *o,
	    struct client_result *r, struct err *e);
/* Parse an HTTP-date (RFC 9110 5.6.7); -1 with e set. */
int	date_parse(const char *v, int64_t *sec, struct err *e);

/* wkcache.c: origins whose /.well-known/time answered 4xx, for a day
 * (the Time over HTTPS specification asks it), in
 * $XDG_CACHE_HOME/webntp/wellknown (else ~/.cache/...). Best effort: a
 * cache that cannot be read or written only means asking again. */
#define WKCACHE_TTL	(86400 * INT64_C(1000000000))
bool	wkcache_refused(const char *url, int64_t now);
int	wkcache_note(const char *url, int64_t now, struct err *e);
/* The note's key: scheme://host[:port] of url, lower case; 0 or -1. */
int	wkcache_origin(const char *url, char *out, size_t cap);

/* source.c: -source: which source a URL gives, and its measurement. */
const char *source_name(enum client_source s);
/* After a first GET on h found a web server, not WebNTP (-source auto),
 * or from the start (-source httpstime|date): X-HTTPSTIME, else Date.
 * 0 with r filled; -1 with e set; -2 (auto) when neither is there. */
int	source_web(void *h, const char *url, const struct client_opt *o,
	    struct client_result *r, struct err *e);
/* The round's result from every server's (select.c); r[i].falseticker
 * set. 0 with *res filled, -1 with res->error saying why. */
int	source_select(struct client_result *r, int n,
	    struct client_result *res);

/* sink.c: where results go (print, JSON, SHM, chrony SOCK). */
struct sink {
	const char	*name;
	int		(*open)(const struct client_opt *o, void **ctx,
			    struct err *e);
	void		(*server)(void *ctx, const struct client_result *r);
	/* best is NULL when every server failed. */
	int		(*best)(void *ctx, const struct client_result *best,
			    struct err *e);
	void		(*close)(void *ctx);
};
extern const struct sink sink_print, sink_json, sink_shm, sink_sock;

/* serve.c: -serve [host]:port [server flags]; returns the exit status. */
int	serve_main(int argc, char **argv);
void	serve_usage(FILE *f);

#endif
