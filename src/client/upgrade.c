/*
 * upgrade.c: the WebSocket opening handshake, client side (RFC 6455
 * section 4.1; HTTP/1.1 message syntax of RFC 9112): the upgrade request,
 * and the judgement of the server's response, which is hostile input: at
 * most UPGRADE_MAX bytes of header, CRLF line ends, no obsolete line
 * folding, status 101 on HTTP/1.1, Upgrade: websocket, a Connection list
 * with the upgrade token, the Sec-WebSocket-Accept of our key, our
 * subprotocol or none, no extension (we offer none). Pure functions over
 * the bytes read so far, so they can be fuzzed (tests/fuzz/fuzz_upgrade.c).
 *
 * NOTES: the accept value is computed with the key, before the request
 * goes out, not when the 101 comes: OpenSSL 3's first SHA-1 in a process
 * loads its provider (milliseconds: bench/results/NOTES.md), and whatever
 * the client does between the 101 and its first timed request leaves the
 * server idle that much longer, and an idle server wakes slower for the
 * request than for the answer: a bias of the first sample's offset.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "client.h"
#include "wshttp.h"

#define UPGRADE_SHOW	64	/* bytes of a server's value quoted */

int
upgrade_key(const unsigned char *nonce, char *key, char *accept)
{
	EVP_EncodeBlock((unsigned char *)key, nonce, UPGRADE_NONCE_LEN);
	return wshttp_accept(key, UPGRADE_KEY_LEN, accept);
}

size_t
upgrade_request(const struct wsurl *u, const char *key, char *out,
    size_t cap)
{
	int n;

	n = snprintf(out, cap,
	    "GET %s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Protocol: " WSHTTP_PROTOCOL "\r\n"
	    "User-Agent: " CLIENT_USER_AGENT "\r\n"
	    "\r\n", u->target, u->hostport, key);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

int
upgrade_response(const char *buf, size_t len, const char *accept,
    size_t *used, struct err *e)
{
	const char *end = NULL, *p, *eol, *acc = NULL;
	size_t accn = 0;
	bool upgrade = false, connection = false, proto = false;
	int status;

	*used = 0;
	/* What cannot become an HTTP response fails now, not at the timeout. */
	if (memcmp(buf, "HTTP/", len < 5 ? len : 5) != 0) {
		err_set(e, "not an HTTP response");
		return -1;
	}
	for (size_t i = 0; i + 4 <= len && i + 4 <= UPGRADE_MAX; i++) {
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			end = buf + i + 2;	/* after the last line's CRLF */
			*used = i + 4;
			break;
		}
	}
	if (end == NULL) {
		if (len >= UPGRADE_MAX) {
			err_set(e, "the response header is longer than %d "
			    "bytes", UPGRADE_MAX);
			return -1;
		}
		return 0;
	}

	/* Status line: HTTP/1.x SP 3DIGIT [SP reason] CRLF. */
	eol = memchr(buf, '\r', (size_t)(end - buf));
	if (eol == NULL || eol[1] != '\n' || eol - buf < 12 ||
	    memcmp(buf, "HTTP/1.", 7) != 0 || buf[7] < '0' || buf[7] > '9' ||
	    buf[8] != ' ' || buf[9] < '1' || buf[9] > '5' ||
	    buf[10] < '0' || buf[10] > '9' || buf[11] < '0' || buf[11] > '9' ||
	    (eol - buf > 12 && buf[12] != ' ') ||
	    wshttp_has_ctl(buf, (size_t)(eol - buf))) {
		*used = 0;
		err_set(e, "bad HTTP status line");
		return -1;
	}
	status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + buf[11] - '0';
	if (status != 101) {
		*used = 0;
		err_set(e, "HTTP status %d", status);
		return -1;
	}
	if (buf[7] != '1') {
		*used = 0;
		err_set(e, "a 101 response must be HTTP/1.1");
		return -1;
	}

	for (p = eol + 2; p < end; p = eol + 2) {
		const char *v;
		size_t n, vn;

		eol = memchr(p, '\r', (size_t)(end - p));
		if (eol == NULL || eol[1] != '\n') {
			err_set(e, "bad response header: a bare CR");
			goto bad;
		}
		if (*p == ' ' || *p == '\t') {
			err_set(e, "bad response header: a folded line");
			goto bad;
		}
		switch (wshttp_field(p, eol, &n, &v, &vn)) {
		case WSHTTP_FIELD_OK:
			break;
		case WSHTTP_FIELD_NO_NAME:
			err_set(e, "bad response header: a line without a "
			    "name");
			goto bad;
		case WSHTTP_FIELD_BAD_NAME:
			err_set(e, "bad response header: a bad name");
			goto bad;
		case WSHTTP_FIELD_CTL:
			err_set(e, "bad response header: a control character");
			goto bad;
		}
		if (wshttp_upgrade_field(p, n, v, vn, &upgrade, &connection)) {
			continue;
		} else if (wshttp_is(p, n, "Sec-WebSocket-Accept")) {
			if (acc != NULL) {
				err_set(e, "more than one "
				    "Sec-WebSocket-Accept");
				goto bad;
			}
			acc = v;
			accn = vn;
		} else if (wshttp_is(p, n, "Sec-WebSocket-Protocol")) {
			if (proto || vn != strlen(WSHTTP_PROTOCOL) ||
			    memcmp(v, WSHTTP_PROTOCOL, vn) != 0) {
				err_set(e, "the server chose the subprotocol "
				    "\"%.*s\", not " WSHTTP_PROTOCOL,
				    vn > UPGRADE_SHOW ? UPGRADE_SHOW : (int)vn,
				    v);
				goto bad;
			}
			proto = true;
		} else if (wshttp_is(p, n, "Sec-WebSocket-Extensions")) {
			if (vn > 0) {
				err_set(e, "the server chose the extension "
				    "\"%.*s\", which was not offered",
				    vn > UPGRADE_SHOW ? UPGRADE_SHOW : (int)vn,
				    v);
				goto bad;
			}
		}
	}
	if (!upgrade) {
		err_set(e, "the 101 response has no Upgrade: websocket");
		goto bad;
	}
	if (!connection) {
		err_set(e, "the 101 response has no Connection: Upgrade");
		goto bad;
	}
	if (acc == NULL) {
		err_set(e, "the 101 response has no Sec-WebSocket-Accept");
		goto bad;
	}
	if (accn != strlen(accept) || memcmp(acc, accept, accn) != 0) {
		err_set(e, "wrong Sec-WebSocket-Accept \"%.*s\"",
		    accn > UPGRADE_SHOW ? UPGRADE_SHOW : (int)accn, acc);
		goto bad;
	}
	return 1;
bad:
	*used = 0;
	return -1;
}
