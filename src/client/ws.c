/*
 * ws.c: the WebSocket transport of the client (PROTOCOL.md sections 4, 5;
 * RFC 6455) with libwebsockets' client side. One connection per server,
 * subprotocol webntp.shogo82148.com offered, every sample on it: `start` is
 * read right before the text message goes out and is its content; `end` is
 * the arrival of the answer's first fragment.
 *
 * An answer is one message, and the first whole message after a request is
 * its answer: bytes that come after it in the same read are not more of
 * it. A message that comes when no request is waiting (a second answer, one
 * before the first request, one during the pause between samples) cannot be
 * paired with a request, so it fails that server: the request goes out only
 * when nothing unread is waiting on the socket, and anything unread then is
 * read first.
 *
 * NOTES: libwebsockets runs its own poll loop; a scheduled timer (sul)
 * bounds each wait by -timeout. Its logging is turned off: errors come back
 * through the callbacks and are reported once by the caller.
 */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "client.h"
#include "ts.h"

#define WS_RX_MAX	1024	/* the sidecar's and go-webntp's limit */
#define WS_URL_MAX	2048
#define WS_CLOSE_WAIT	(TS_NS_PER_SEC / 2)
#define WS_SLACK	(5 * 1000 * 1000)	/* 5 ms */

enum ws_state { WS_CONNECTING, WS_OPEN, WS_CLOSING, WS_CLOSED };

struct ws {
	struct lws_context	*ctx;
	struct lws		*wsi;
	const struct client_opt	*opt;
	enum ws_state		 state;
	bool			 want_send, got, timed_out;
	bool			 awaiting;	/* request sent, no answer yet */
	bool			 healthy;	/* last one answered */
	struct timespec		 start, end;
	size_t			 rxlen;
	bool			 rx_started;
	char			 rx[WS_RX_MAX];
	struct err		 e;	/* from the callbacks */
	lws_sorted_usec_list_t	 sul;
	char			 url[WS_URL_MAX];
	char			 hostport[WS_URL_MAX];
	char			 path[WS_URL_MAX];
};

/* Has the server sent bytes that lws has not read yet? */
static bool
ws_unread(struct lws *wsi)
{
	struct pollfd p;

	p.fd = lws_get_socket_fd(wsi);
	p.events = POLLIN;
	p.revents = 0;
	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static int
ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	/* One context per server: its user pointer is the server's state. */
	struct ws *w = wsi != NULL ? lws_context_user(lws_get_context(wsi)) :
	    NULL;
	unsigned char buf[LWS_PRE + TS_TEXT_MAX];
	size_t n;
	int code;

	if (w == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS:
		SSL_CTX_set_default_verify_paths(user);
		if (w->opt->cacert != NULL &&
		    tls_add_cafile(user, w->opt->cacert, &w->e) == -1)
			return 1;
		return 0;
	case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
		/* len is OpenSSL's preverify_ok: say why, lws would not. */
		if (len == 0)
			err_set(&w->e, "certificate verify failed: %s",
			    X509_verify_cert_error_string(
			    X509_STORE_CTX_get_error(user)));
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		err_set(&w->e, "%s", in != NULL ? (const char *)in :
		    "connection failed");
		w->state = WS_CLOSED;
		w->wsi = NULL;
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		w->state = WS_OPEN;
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (w->state == WS_CLOSING) {
			lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
			return -1;
		}
		if (!w->want_send)
			return 0;
		/*
		 * lws writes before it reads: what came since the last answer
		 * must be read (and judged) before the request goes out, or it
		 * would be taken for the answer to it.
		 */
		if (ws_unread(wsi)) {
			lws_callback_on_writable(wsi);
			return 0;
		}
		w->want_send = false;
		ts_now(&w->start);
		n = ts_format(&w->start, (char *)buf + LWS_PRE);
		if (lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n) {
			err_set(&w->e, "cannot send the request");
			return -1;
		}
		w->awaiting = true;
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (w->state == WS_CLOSING)
			return 0;
		if (!w->awaiting) {
			err_set(&w->e, "the server sent a message that was "
			    "not asked for");
			return -1;
		}
		if (!w->rx_started) {
			ts_now(&w->end);
			w->rx_started = true;
		}
		if (len > sizeof(w->rx) - w->rxlen) {
			err_set(&w->e, "the answer is longer than %d bytes",
			    WS_RX_MAX);
			return -1;
		}
		memcpy(w->rx + w->rxlen, in, len);
		w->rxlen += len;
		if (lws_is_final_fragment(wsi) &&
		    lws_remaining_packet_payload(wsi) == 0) {
			w->got = true;
			w->awaiting = false;
		}
		return 0;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		code = len >= 2 ? ((unsigned char *)in)[0] << 8 |
		    ((unsigned char *)in)[1] : 1005;
		if (w->state != WS_CLOSING)
			err_set(&w->e, "the server closed the connection "
			    "(%d%s%.*s)", code, len > 2 ? " " : "",
			    len > 2 ? (int)(len - 2) : 0,
			    len > 2 ? (const char *)in + 2 : "");
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		err_set(&w->e, "the connection was closed");
		w->state = WS_CLOSED;
		w->wsi = NULL;
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols ws_protocols[] = {
	{ CLIENT_SUBPROTOCOL, ws_callback, 0, WS_RX_MAX, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void
ws_timeout(lws_sorted_usec_list_t *sul)
{
	struct ws *w = lws_container_of(sul, struct ws, sul);

	w->timed_out = true;
}

/* Service the loop until done(w), the connection closes, or timeout. */
static int
ws_run(struct ws *w, bool (*done)(const struct ws *), int64_t timeout_ns,
    struct err *e)
{
	int64_t deadline = ts_mono_ns() + timeout_ns;

	w->timed_out = false;
	lws_sul_schedule(w->ctx, 0, &w->sul, ws_timeout,
	    (lws_usec_t)(timeout_ns / 1000));
	while (!done(w) && w->state != WS_CLOSED && !w->timed_out) {
		if (lws_service(w->ctx, 0) < 0)
			break;
		/*
		 * The poll wakes for the timer a little early (its timeout is
		 * rounded down to the millisecond) and then, with 0 ms left,
		 * waits for lws's next housekeeping instead (seconds): call it
		 * a timeout once less than WS_SLACK is left.
		 */
		if (ts_mono_ns() > deadline - WS_SLACK)
			w->timed_out = true;
	}
	lws_sul_cancel(&w->sul);
	if (done(w))
		return 0;
	if (w->e.msg[0] != '\0')
		err_set(e, "%s", w->e.msg);
	else if (w->timed_out)
		err_set(e, "timeout");
	else
		err_set(e, "connection lost");
	return -1;
}

static bool
ws_is_open(const struct ws *w)
{
	return w->state == WS_OPEN;
}

static bool
ws_has_answer(const struct ws *w)
{
	return w->got;
}

static bool
ws_is_closed(const struct ws *w)
{
	return w->state == WS_CLOSED;
}

static void
ws_close(void *arg)
{
	struct ws *w = arg;
	struct err e = { "" };

	if (w == NULL)
		return;
	if (w->ctx != NULL) {
		/* A polite close frame, but no long wait for its answer. */
		if (w->state == WS_OPEN && w->wsi != NULL && w->healthy) {
			w->state = WS_CLOSING;
			lws_callback_on_writable(w->wsi);
			ws_run(w, ws_is_closed, WS_CLOSE_WAIT, &e);
		}
		/* Whatever is left (a handshake that timed out, a close not
		 * answered) is dropped now: context destroy would wait. */
		if (w->state != WS_CLOSED && w->wsi != NULL)
			lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK,
			    LWS_TO_KILL_SYNC);
		lws_context_destroy(w->ctx);
	}
	free(w);
}

static void *
ws_open(const char *url, const struct client_opt *o, struct err *e)
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	const char *prot, *host, *path;
	struct ws *w;
	int port;

	if (strlen(url) >= WS_URL_MAX) {
		err_set(e, "URL too long");
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	w->opt = o;
	strcpy(w->url, url);
	if (lws_parse_uri(w->url, &prot, &host, &port, &path) != 0 ||
	    host[0] == '\0') {
		err_set(e, "cannot parse the URL");
		free(w);
		return NULL;
	}
	snprintf(w->path, sizeof(w->path), "/%s", path);
	if ((strcasecmp(prot, "ws") == 0 && port == 80) ||
	    (strcasecmp(prot, "wss") == 0 && port == 443))
		snprintf(w->hostport, sizeof(w->hostport), "%s", host);
	else if (strchr(host, ':') != NULL)
		snprintf(w->hostport, sizeof(w->hostport), "[%s]:%d", host,
		    port);
	else
		snprintf(w->hostport, sizeof(w->hostport), "%s:%d", host, port);

	lws_set_log_level(0, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = ws_protocols;
	info.gid = -1;
	info.uid = -1;
	info.user = w;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	if ((w->ctx = lws_create_context(&info)) == NULL) {
		err_set(e, "cannot create the WebSocket context");
		free(w);
		return NULL;
	}
	memset(&ci, 0, sizeof(ci));
	ci.context = w->ctx;
	ci.address = host;
	ci.port = port;
	ci.path = w->path;
	ci.host = w->hostport;
	ci.protocol = CLIENT_SUBPROTOCOL;
	ci.ietf_version_or_minus_one = -1;
	ci.userdata = w;
	ci.pwsi = &w->wsi;
	if (strcasecmp(prot, "wss") == 0)
		ci.ssl_connection = LCCSCF_USE_SSL;
	if (lws_client_connect_via_info(&ci) == NULL) {
		w->state = WS_CLOSED;
		err_set(&w->e, "cannot connect");
	}
	if (ws_run(w, ws_is_open, o->timeout_ns, e) == -1) {
		ws_close(w);
		return NULL;
	}
	return w;
}

static int
ws_exchange(void *arg, struct client_exchange *x, struct err *e)
{
	struct ws *w = arg;

	if (w->state != WS_OPEN || w->wsi == NULL) {
		err_set(e, "%s", w->e.msg[0] != '\0' ? w->e.msg :
		    "connection lost");
		return -1;
	}
	w->got = false;
	w->rx_started = false;
	w->rxlen = 0;
	w->want_send = true;
	w->healthy = false;
	lws_callback_on_writable(w->wsi);
	if (ws_run(w, ws_has_answer, w->opt->timeout_ns, e) == -1)
		return -1;
	/* A message after the answer, in the same read. */
	if (w->e.msg[0] != '\0') {
		err_set(e, "%s", w->e.msg);
		return -1;
	}
	w->healthy = true;
	x->start = w->start;
	x->end = w->end;
	return reply_parse(w->rx, w->rxlen, x, e);
}

const struct client_transport client_ws = {
	.scheme = "ws",
	.open = ws_open,
	.exchange = ws_exchange,
	.close = ws_close,
};
