/*
 * wsframe.c: a client's frame headers checked before wslay reads them, and
 * the server's close frame (see wsframe.h; RFC 6455 sections 5.2, 5.4,
 * 5.5). The checks are those of RFC 6455 for a server that negotiated no
 * extension; wslay makes most of them too, but here they come first, so
 * the answers to what preceded a bad frame leave before the close, and the
 * close carries 1002 where wslay 1.1.1 would drop the connection.
 */
#include "config.h"

#include <string.h>

#include "esc.h"
#include "wsframe.h"

#define WSFRAME_OP_CONT		0x0
#define WSFRAME_OP_TEXT		0x1
#define WSFRAME_OP_BINARY	0x2
#define WSFRAME_OP_CLOSE	0x8
#define WSFRAME_OP_PING		0x9
#define WSFRAME_OP_PONG		0xa

static size_t
wsframe_min(size_t a, uint64_t b)
{
	return b < a ? (size_t)b : a;
}

/* The length of the header whose first hlen bytes are in hdr. */
static size_t
wsframe_need(const struct wsframe *f)
{
	size_t n = 2;

	if (f->hlen < 2)
		return n;
	if ((f->hdr[1] & 0x7f) == 126)
		n += 2;
	else if ((f->hdr[1] & 0x7f) == 127)
		n += 8;
	if (f->hdr[1] & 0x80)
		n += 4;
	return n;
}

static int
wsframe_bad(struct wsframe *f, uint16_t code, const char *why)
{
	f->code = code;
	f->why = why;
	return -1;
}

/* Check the whole header in f->hdr; its payload length into *len. */
static int
wsframe_check(struct wsframe *f, uint64_t *len)
{
	unsigned op = f->hdr[0] & 0x0f, len7 = f->hdr[1] & 0x7f;
	bool fin = (f->hdr[0] & 0x80) != 0, data;
	uint64_t n = len7;

	if (f->hdr[0] & 0x70)
		return wsframe_bad(f, 1002, "reserved bits set");
	if (!(f->hdr[1] & 0x80))
		return wsframe_bad(f, 1002, "unmasked frame");
	if (op == WSFRAME_OP_CLOSE || op == WSFRAME_OP_PING ||
	    op == WSFRAME_OP_PONG) {
		if (!fin)
			return wsframe_bad(f, 1002, "fragmented control "
			    "frame");
		if (len7 > WSHTTP_CTL_MAX)
			return wsframe_bad(f, 1002, "control frame over 125 "
			    "bytes");
	} else if (op != WSFRAME_OP_CONT && op != WSFRAME_OP_TEXT &&
	    op != WSFRAME_OP_BINARY) {
		return wsframe_bad(f, 1002, "reserved opcode");
	}
	if (len7 == 126) {
		n = (uint64_t)f->hdr[2] << 8 | f->hdr[3];
		if (n < 126)
			return wsframe_bad(f, 1002, "length not in its "
			    "shortest form");
	} else if (len7 == 127) {
		n = 0;
		for (int i = 2; i < 10; i++)
			n = n << 8 | f->hdr[i];
		if (n < 65536 || (n >> 63) != 0)
			return wsframe_bad(f, 1002, "length not in its "
			    "shortest form");
	}
	data = op == WSFRAME_OP_CONT || op == WSFRAME_OP_TEXT ||
	    op == WSFRAME_OP_BINARY;
	if (op == WSFRAME_OP_CONT && !f->in_msg)
		return wsframe_bad(f, 1002, "continuation of no message");
	if ((op == WSFRAME_OP_TEXT || op == WSFRAME_OP_BINARY) && f->in_msg)
		return wsframe_bad(f, 1002, "a message inside a fragmented "
		    "one");
	if (data && n > f->max - f->msglen)
		return wsframe_bad(f, 1009, "message too big");
	*len = n;
	return 0;
}

/* The header just checked starts passing: what it changes. */
static void
wsframe_start(struct wsframe *f, uint64_t len)
{
	unsigned op = f->hdr[0] & 0x0f;
	bool fin = (f->hdr[0] & 0x80) != 0;

	if (op == WSFRAME_OP_TEXT || op == WSFRAME_OP_BINARY ||
	    op == WSFRAME_OP_CONT) {
		f->in_msg = !fin;
		f->msglen = fin ? 0 : f->msglen + len;
	}
	f->left = len;
	f->checked = true;
	f->hout = 0;
}

size_t
wsframe_pass(struct wsframe *f, const uint8_t *in, size_t n, size_t *took,
    uint8_t *out, size_t cap, unsigned *frames, enum wsframe_stop *stop)
{
	size_t i = 0, o = 0, k, need;
	uint64_t len;

	*stop = WSFRAME_GO;
	for (;;) {
		if (f->checked) {
			k = wsframe_min(cap - o, f->hlen - f->hout);
			memcpy(out + o, f->hdr + f->hout, k);
			o += k;
			f->hout += (uint8_t)k;
			if (f->hout < f->hlen)
				break;			/* out is full */
			f->checked = false;
			f->hlen = f->hout = 0;
		}
		if (f->left > 0 && f->taking) {
			/* The close's payload: unmasked (control frames have no
			 * extended length: the key is at hdr[2]). */
			k = wsframe_min(n - i, f->left);
			for (size_t j = 0; j < k; j++, f->clen++)
				f->cpay[f->clen] = in[i + j] ^
				    f->hdr[2 + f->clen % 4];
			i += k;
			f->left -= k;
			if (f->left > 0)
				break;
		} else if (f->left > 0) {
			k = wsframe_min(wsframe_min(cap - o, n - i), f->left);
			if (k > 0)	/* in may be NULL when n is 0 */
				memcpy(out + o, in + i, k);
			o += k;
			i += k;
			f->left -= k;
			if (f->left > 0)
				break;			/* in or out ran out */
		}
		if (f->done) {
			*stop = WSFRAME_DONE;
			break;
		}
		if (f->hlen == 0 && (*frames == 0 || i == n))
			break;
		while (f->hlen < (need = wsframe_need(f)) && i < n)
			f->hdr[f->hlen++] = in[i++];
		if (f->hlen < need)
			break;				/* the rest is to come */
		if (wsframe_check(f, &len) != 0) {
			*stop = WSFRAME_BAD;
			break;
		}
		if ((f->hdr[0] & 0x0f) == WSFRAME_OP_CLOSE) {
			if (!f->take_close) {
				*stop = WSFRAME_CLOSE;
				break;
			}
			f->taking = f->done = true;
			f->left = len;
			continue;
		} else if (*frames == 0) {
			break;		/* checked again when its turn comes */
		}
		if (*frames > 0)
			(*frames)--;
		wsframe_start(f, len);
	}
	*took = i;
	return o;
}

uint16_t
wsframe_close_reply(const struct wsframe *f, bool *echo)
{
	unsigned code;

	*echo = false;
	if (f->clen == 0)
		return 0;
	if (f->clen == 1)
		return 1002;
	code = (unsigned)f->cpay[0] << 8 | f->cpay[1];
	/* The codes a peer may send (RFC 6455 section 7.4; 1004-1006 and
	 * 1015 are never on the wire, 1012-2999 are not assigned to it). */
	if (!((code >= 1000 && code <= 1003) || (code >= 1007 &&
	    code <= 1011) || (code >= 3000 && code <= 4999)))
		return 1002;
	if (!esc_utf8_valid((const char *)f->cpay + 2, f->clen - 2u))
		return 1007;
	*echo = true;
	return (uint16_t)code;
}

bool
wsframe_idle(const struct wsframe *f)
{
	return f->hlen == 0 && f->left == 0 && !f->in_msg && !f->checked;
}

uint64_t
wsframe_size(uint64_t payload_length, bool masked)
{
	uint64_t n = 2 + (masked ? 4 : 0);

	if (payload_length > 65535)
		n += 8;
	else if (payload_length > WSHTTP_CTL_MAX)
		n += 2;
	return n + payload_length;
}

size_t
wsframe_close(uint8_t *out, uint16_t code, const char *reason, size_t len)
{
	if (len > WSHTTP_REASON_MAX)
		len = WSHTTP_REASON_MAX;
	out[0] = 0x80 | WSFRAME_OP_CLOSE;
	if (code == 0) {
		out[1] = 0;
		return 2;
	}
	out[1] = (uint8_t)(2 + len);
	out[2] = (uint8_t)(code >> 8);
	out[3] = (uint8_t)code;
	memcpy(out + 4, reason, len);
	return 4 + len;
}
