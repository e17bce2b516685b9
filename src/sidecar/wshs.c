/*
 * wshs.c: the WebSocket opening handshake, server side (RFC 6455 section
 * 4.2.1 and 4.2.2; HTTP/1.1 message syntax of RFC 9112). Small and strict:
 * "GET <target> HTTP/1.1", CRLF line ends, at most WSHS_MAX bytes of
 * header, no obsolete line folding, one Host, Upgrade: websocket, a
 * Connection list with the upgrade token, Sec-WebSocket-Version: 13 and a
 * Sec-WebSocket-Key that is base64 of exactly 16 bytes. The Origin check is
 * gorilla/websocket's (what go-webntp used): the Origin URL's host[:port]
 * must equal Host, ignoring case. The accept value and
 * the header lists are src/lib/wshttp.c's, shared with the client.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wshs.h"
#include "wshttp.h"

#define WSHS_KEY_LEN	24	/* base64 of 16 bytes, "==" included */

static const char wshs_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Exactly 16 bytes of canonical base64: 21 characters, one whose low four
 * bits are zero, then "==". */
static bool
wshs_key_ok(const char *k, size_t n)
{
	if (n != WSHS_KEY_LEN || k[22] != '=' || k[23] != '=')
		return false;
	for (size_t i = 0; i < 22; i++) {
		const char *p = memchr(wshs_b64, k[i], 64);

		if (k[i] == '\0' || p == NULL)
			return false;
		if (i == 21 && ((p - wshs_b64) & 0xf) != 0)
			return false;
	}
	return true;
}

/* Origin's host[:port] (after "scheme://", up to a '/') equals host. */
static bool
wshs_same_origin(const char *o, size_t on, const char *host, size_t hn)
{
	const char *p = NULL, *end = o + on;

	for (const char *q = o; q + 3 <= end; q++) {
		if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
			p = q + 3;
			break;
		}
	}
	if (p == NULL)
		return false;
	for (const char *q = p; q < end; q++) {
		if (*q == '/' || *q == '?' || *q == '#') {
			end = q;
			break;
		}
	}
	return (size_t)(end - p) == hn && strncasecmp(p, host, hn) == 0;
}

static int
wshs_refuse(struct wshs_request *r, int status, const char *why)
{
	r->why = why;
	return status;
}

/*
 * Look at bytes s->done..len-1: the end of the header (CRLF CRLF) sets
 * *used; a byte that shows the request can never be valid refuses it.
 * Returns 0 to read on, or a refusal.
 */
static int
wshs_scan_more(struct wshs_scan *s, const char *buf, size_t len,
    struct wshs_request *r, size_t *used)
{
	size_t i, lim = len < WSHS_MAX ? len : WSHS_MAX;

	for (i = s->done; i < lim; i++) {
		unsigned char c = (unsigned char)buf[i];

		/* The method, up to the first space: a token of at most 32
		 * characters (TLS or garbage on a ws port ends here). */
		if (i <= 32 && memchr(buf, ' ', i) == NULL && c != ' ' &&
		    (!wshttp_tchar(c) || i == 32)) {
			s->done = i + 1;
			return wshs_refuse(r, 400, "not an HTTP request");
		}
		if (c == '\n' && (i == 0 || buf[i - 1] != '\r')) {
			s->done = i + 1;
			return wshs_refuse(r, 400, "bare LF line end");
		}
		if (i > 0 && buf[i - 1] == '\r' && c != '\n') {
			s->done = i + 1;
			return wshs_refuse(r, 400, "bare CR in header");
		}
		if (c == '\n' && i >= 3 && memcmp(buf + i - 3, "\r\n\r\n",
		    4) == 0) {
			s->done = i + 1;
			*used = i + 1;
			return 0;
		}
	}
	s->done = i;
	if (len >= WSHS_MAX)
		return wshs_refuse(r, 431, "request header over 8192 bytes");
	return 0;
}

int
wshs_parse(const char *buf, size_t len, bool allow_cross_origin,
    struct wshs_request *r, size_t *used)
{
	struct wshs_scan s = { 0 };

	return wshs_feed(&s, buf, len, allow_cross_origin, r, used);
}

int
wshs_feed(struct wshs_scan *s, const char *buf, size_t len,
    bool allow_cross_origin, struct wshs_request *r, size_t *used)
{
	const char *end, *p, *eol, *sp, *key = NULL, *origin = NULL;
	size_t keylen = 0, originlen = 0;
	bool upgrade = false, connection = false, get, version = false;
	bool has_version = false;
	int st;

	memset(r, 0, sizeof(*r));
	*used = 0;
	if ((st = wshs_scan_more(s, buf, len, r, used)) != 0 || *used == 0)
		return st;
	end = buf + *used - 2;	/* the last header line's CRLF */

	/* Request line: method SP target SP HTTP/1.1 CRLF. */
	eol = memchr(buf, '\r', (size_t)(end - buf));
	if (eol == NULL || eol[1] != '\n')
		return wshs_refuse(r, 400, "bad request line");
	sp = memchr(buf, ' ', (size_t)(eol - buf));
	if (sp == NULL || sp == buf)
		return wshs_refuse(r, 400, "bad request line");
	for (p = buf; p < sp; p++)
		if (!wshttp_tchar((unsigned char)*p))
			return wshs_refuse(r, 400, "bad request method");
	get = sp - buf == 3 && memcmp(buf, "GET", 3) == 0;
	p = sp + 1;
	sp = memchr(p, ' ', (size_t)(eol - p));
	if (sp == NULL || sp == p)
		return wshs_refuse(r, 400, "bad request line");
	for (const char *q = p; q < sp; q++)
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f)
			return wshs_refuse(r, 400, "bad request target");
	if (eol - (sp + 1) != 8 || memcmp(sp + 1, "HTTP/1.", 7) != 0 ||
	    sp[8] < '0' || sp[8] > '9')
		return wshs_refuse(r, 400, "not HTTP/1.x");
	if (sp[8] == '0')
		return wshs_refuse(r, 400, "WebSocket needs HTTP/1.1");

	/* Header fields. */
	for (p = eol + 2; p < end; p = eol + 2) {
		const char *v;
		size_t n, vn;

		eol = memchr(p, '\r', (size_t)(end - p));
		if (eol == NULL || eol[1] != '\n')
			return wshs_refuse(r, 400, "bare CR in header");
		switch (wshttp_field(p, eol, &n, &v, &vn)) {
		case WSHTTP_FIELD_OK:
			break;
		case WSHTTP_FIELD_NO_NAME:
			return wshs_refuse(r, 400, "bad header line");
		case WSHTTP_FIELD_BAD_NAME:
			return wshs_refuse(r, 400, "bad header name");
		case WSHTTP_FIELD_CTL:
			return wshs_refuse(r, 400, "control character in "
			    "header");
		}
		if (wshttp_upgrade_field(p, n, v, vn, &upgrade, &connection)) {
			continue;
		} else if (wshttp_is(p, n, "Host")) {
			if (r->host != NULL)
				return wshs_refuse(r, 400, "more than one Host");
			if (vn == 0 || vn > WSHS_HOST_MAX)
				return wshs_refuse(r, 400, "bad Host");
			for (const char *q = v; q < v + vn; q++)
				if ((unsigned char)*q <= 0x20 ||
				    (unsigned char)*q >= 0x7f)
					return wshs_refuse(r, 400, "bad Host");
			r->host = v;
			r->host_len = vn;
		} else if (wshttp_is(p, n, "Sec-WebSocket-Version")) {
			if (has_version)
				return wshs_refuse(r, 400, "more than one "
				    "Sec-WebSocket-Version");
			has_version = true;
			version = vn == 2 && memcmp(v, "13", 2) == 0;
		} else if (wshttp_is(p, n, "Sec-WebSocket-Key")) {
			if (key != NULL)
				return wshs_refuse(r, 400, "more than one "
				    "Sec-WebSocket-Key");
			key = v;
			keylen = vn;
		} else if (wshttp_is(p, n, "Sec-WebSocket-Protocol")) {
			r->protocol = r->protocol || wshttp_list_has(v, vn,
			    WSHTTP_PROTOCOL, false);
		} else if (wshttp_is(p, n, "Origin")) {
			if (origin != NULL)
				return wshs_refuse(r, 400, "more than one "
				    "Origin");
			origin = v;
			originlen = vn;
		}
	}

	if (!upgrade)
		return wshs_refuse(r, 426, "this URL speaks WebSocket only "
		    "(Upgrade: websocket)");
	if (!get)
		return wshs_refuse(r, 405, "a WebSocket upgrade must be GET");
	if (!connection)
		return wshs_refuse(r, 400, "Connection lacks the upgrade token");
	if (!version)
		return wshs_refuse(r, 426, "Sec-WebSocket-Version must be 13");
	if (key == NULL || !wshs_key_ok(key, keylen))
		return wshs_refuse(r, 400, "bad Sec-WebSocket-Key");
	if (r->host == NULL)
		return wshs_refuse(r, 400, "no Host");
	if (origin != NULL && !allow_cross_origin &&
	    !wshs_same_origin(origin, originlen, r->host, r->host_len))
		return wshs_refuse(r, 403, "cross-origin request refused");
	if (wshttp_accept(key, keylen, r->accept) != 0)
		return wshs_refuse(r, 400, "SHA-1 failed");
	return 101;
}

static const char *
wshs_reason(int status)
{
	switch (status) {
	case 400:	return "Bad Request";
	case 403:	return "Forbidden";
	case 405:	return "Method Not Allowed";
	case 426:	return "Upgrade Required";
	case 431:	return "Request Header Fields Too Large";
	case 503:	return "Service Unavailable";
	default:	return "Error";
	}
}

size_t
wshs_response(int status, const struct wshs_request *r, char *out)
{
	const char *why = r->why != NULL ? r->why : "";
	int n;

	if (status == 101) {
		n = snprintf(out, WSHS_RESPONSE_MAX,
		    "HTTP/1.1 101 Switching Protocols\r\n"
		    "Upgrade: websocket\r\n"
		    "Connection: Upgrade\r\n"
		    "Sec-WebSocket-Accept: %s\r\n"
		    "%s\r\n", r->accept, r->protocol ?
		    "Sec-WebSocket-Protocol: " WSHTTP_PROTOCOL "\r\n" : "");
	} else {
		n = snprintf(out, WSHS_RESPONSE_MAX,
		    "HTTP/1.1 %d %s\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: %zu\r\n"
		    "Cache-Control: no-cache, no-store\r\n"
		    "%s"
		    "Connection: close\r\n"
		    "\r\n%s\n", status, wshs_reason(status), strlen(why) + 1,
		    status == 426 ? "Upgrade: websocket\r\n"
		    "Sec-WebSocket-Version: 13\r\n" :
		    status == 405 ? "Allow: GET\r\n" : "", why);
	}
	if (n < 0)
		return 0;
	return (size_t)n < WSHS_RESPONSE_MAX ? (size_t)n : WSHS_RESPONSE_MAX - 1;
}
