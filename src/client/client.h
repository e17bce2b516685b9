/*
 * client.h: the client `webntp` (PROTOCOL.md section 5). Grouped by file;
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
/* A server's time may lie up to a century after the build (PROTOCOL.md
 * section 5): 100 years of 365.25 days. */
#define CLIENT_TIME_SPAN	(INT64_C(100) * 36525 * 864)

/* Options, parsed and checked once at start (main.c). */
struct client_opt {
	int		 samples;	/* 1..8 */
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
};

/* main.c: set by SIGINT/SIGTERM; loops check it. */
extern volatile sig_atomic_t client_stop;

/* One timed exchange, as a transport reports it. */
struct client_exchange {
	struct timespec	 start, end;	/* local clock */
	struct timespec	 st;		/* "st", else "time" */
	struct leap_info li;
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
