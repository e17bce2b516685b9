/*
 * wshs.h: the server side of the WebSocket opening handshake (RFC 6455
 * section 4.2) for webntp-ws (doc/protocol.md section 4). A pure function over
 * the bytes read so far, so it can be fuzzed (tests/fuzz/fuzz_handshake.c).
 */
#ifndef WEBNTP_WSHS_H
#define WEBNTP_WSHS_H

#include <stdbool.h>
#include <stddef.h>

#include "wshttp.h"

#define WSHS_MAX	8192	/* request line and headers, CRLFCRLF included */
#define WSHS_HOST_MAX	255
#define WSHS_RESPONSE_MAX 512

struct wshs_request {
	const char	*host;		/* into the parsed buffer */
	size_t		 host_len;
	bool		 protocol;	/* the client offered WSHTTP_PROTOCOL */
	char		 accept[WSHTTP_ACCEPT_LEN + 1]; /* NUL-terminated */
	const char	*why;		/* the reason of a refusal */
};

/*
 * Where the scan of a request that arrives in pieces stopped: each byte is
 * looked at once while the end of the header is searched for, so a header
 * sent one byte at a time costs O(n), not O(n^2). Zero it to start.
 */
struct wshs_scan {
	size_t		 done;		/* bytes of buf already looked at */
};

/*
 * Parse the len bytes of buf, of which s->done were seen by an earlier call
 * on the same (grown) buffer. Returns 0 when the header is not complete yet
 * (read more), else an HTTP status: 101 (*used = the header's length; bytes
 * after it are WebSocket frames), or 400, 403, 405, 426, 431 with r->why.
 * What cannot become a request is refused at the byte that shows it (a bare
 * LF or CR, a method that is no token), so the result does not depend on
 * how the bytes were split.
 */
int	wshs_feed(struct wshs_scan *s, const char *buf, size_t len,
	    bool allow_cross_origin, struct wshs_request *r, size_t *used);
/* The same on a buffer seen for the first time. */
int	wshs_parse(const char *buf, size_t len, bool allow_cross_origin,
	    struct wshs_request *r, size_t *used);
/* The response for status (101, a refusal, or 503 for a server that is
 * full) into out (WSHS_RESPONSE_MAX bytes); returns its length. */
size_t	wshs_response(int status, const struct wshs_request *r, char *out);

#endif
