/*
 * wshttp.h: what both sides of the WebSocket opening handshake need from
 * HTTP (RFC 6455 section 4; token and list syntax of RFC 9110 section 5.6):
 * the Sec-WebSocket-Accept value a server sends and a client checks, and
 * the comma-separated header lists (Connection, Upgrade,
 * Sec-WebSocket-Protocol) both read; and the subprotocol and limits both
 * sides share. One home for the client (src/client/upgrade.c, ws.c) and the
 * sidecar (src/sidecar/wshs.c, wsframe.c, wsmsg.c).
 */
#ifndef WEBNTP_WSHTTP_H
#define WEBNTP_WSHTTP_H

#include <stdbool.h>
#include <stddef.h>

/* What the client and the sidecar both hold to (doc/protocol.md section 4;
 * RFC 6455 section 5), defined once. */
#define WSHTTP_PROTOCOL	"webntp.shogo82148.com"	/* the subprotocol */
#define WSHTTP_MSG_MAX	1024	/* a message's bytes (go-webntp's limit);
				   beyond: close 1009 */
#define WSHTTP_CTL_MAX	125	/* a control frame's payload (5.5) */
#define WSHTTP_REASON_MAX (WSHTTP_CTL_MAX - 2)	/* after the close code */
#define WSHTTP_FRAME_HDR_MAX 14	/* 2 + 8 bytes of length + 4 of mask */

#define WSHTTP_GUID	"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WSHTTP_ACCEPT_LEN 28	/* base64 of the 20 bytes of SHA-1 */
#define WSHTTP_KEY_MAX	64	/* longer keys are refused (a key is 24) */

/*
 * The accept value for the keylen bytes of key: base64 of the SHA-1 of the
 * key with WSHTTP_GUID appended, into out (WSHTTP_ACCEPT_LEN + 1 bytes,
 * NUL-terminated). Returns 0, or -1 (out empty) when the key is longer
 * than WSHTTP_KEY_MAX or SHA-1 fails.
 */
int	wshttp_accept(const char *key, size_t keylen, char *out);

/* A token character (RFC 9110 section 5.6.2). */
bool	wshttp_tchar(unsigned char c);

/* Whether the n bytes of s are the name lit, ignoring case. */
bool	wshttp_is(const char *s, size_t n, const char *lit);

/* Why a header line is no field (wshttp_field). */
enum wshttp_field_error {
	WSHTTP_FIELD_OK,
	WSHTTP_FIELD_NO_NAME,	/* no colon, or nothing before it */
	WSHTTP_FIELD_BAD_NAME,	/* a name that is no token */
	WSHTTP_FIELD_CTL,	/* a control character (not HTAB) in the value */
};

/*
 * One header field line from p to eol (its CR; RFC 9112 section 5): the
 * name's length in *namelen (it starts at p), the value without the blanks
 * around it in *v and *vlen.
 */
enum wshttp_field_error wshttp_field(const char *p, const char *eol,
	    size_t *namelen, const char **v, size_t *vlen);
/*
 * The two fields both sides check (RFC 6455 sections 4.1 and 4.2.1):
 * whether the field named by the n bytes of name is Upgrade or Connection;
 * if so, *upgrade is set when an Upgrade list holds "websocket", and
 * *connection when a Connection list holds "upgrade" (any case).
 */
bool	wshttp_upgrade_field(const char *name, size_t n, const char *v,
	    size_t vn, bool *upgrade, bool *connection);
/* Whether the n bytes of s hold a control character other than HTAB. */
bool	wshttp_has_ctl(const char *s, size_t n);

/*
 * Whether the comma-separated list s (n bytes, optional white space around
 * the elements, empty elements allowed) holds the element tok, compared
 * ignoring case or not.
 */
bool	wshttp_list_has(const char *s, size_t n, const char *tok, bool nocase);

#endif
