/*
 * fuzz_conn.c: libFuzzer harness for one webntp-ws connection's whole life
 * (src/sidecar/wsconn.c with wsframe.c, wsmsg.c, wshs.c and wslay;
 * doc/protocol.md section 4, RFC 6455): bytes in, answers and closes out, on a
 * socket in memory (memio.h). `make check` runs it through replay.c over
 * tests/fuzz/corpus/conn/; `make fuzz` builds the real fuzzer.
 *
 * Input: byte 0 sets how the peer behaves (bits 0-1: recv chunk of 1, 7,
 * 100 or any size; bit 2: EOF after the input, else silence; bit 3: the
 * harness sends a valid upgrade request first; bit 4, with bit 3: frames
 * are built from ops, below, else the bytes go as they are; bit 5: Origin
 * checks off; bit 6: -max-connections 0), byte 1 how much the peer reads
 * (255: all, else 64 * n bytes), the rest the peer's bytes or ops. An op is a
 * byte (bits 0-2: text, binary, ping, close, a text in two fragments, a
 * valid timestamp, raw bytes, pong; bit 3: 16-bit length, bit 4: 64-bit
 * length, bit 5: unmasked, bit 6: FIN clear, bit 7: RSV1) and a length byte
 * for the payload that follows.
 *
 * Checked, besides memory errors: the connection always ends; what it
 * writes is one HTTP response, then (after a 101) well-formed server frames
 * with at most one close, last, whose reason is UTF-8 of at most 123 bytes;
 * the write side is shut only after the last byte; at most
 * WSCONN_QUEUE_MAX answers ever wait; whenever wslay reads, the bytes given
 * to it (fed) and those of the frames it began (used) agree with where
 * wsframe says the stream is; no log line holds a control character. For
 * ops made only of valid messages up to one closing op, with a peer that
 * reads everything: every message before the close is answered, before
 * the close frame, which carries the code the op calls for.
 */
#include "config.h"

#include "fuzz.h"
#include "wsconn.c"
#include "memio.h"

#define FUZZ_TS		"1558915619.944235"
#define FUZZ_REQ	"GET / HTTP/1.1\r\nHost: h:1\r\nUpgrade: websocket\r\n" \
	"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" \
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"

static struct wsconn_set fuzz_set;

/* What the ops call for, when the oracle applies. */
struct fuzz_expect {
	bool		 known;
	unsigned	 answers;
	uint16_t	 close;		/* 0: none (the peer's input ends) */
};

static bool
fuzz_utf8(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t c = p[i], min;
		size_t len;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, c &= 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, c &= 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, c &= 0x07, min = 0x10000;
		else
			return false;
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			c = c << 6 | (p[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* Append a client frame to b (at *n, cap bytes); false when full. */
static bool
fuzz_frame(uint8_t *b, size_t *n, size_t cap, unsigned op, bool fin,
    unsigned mods, const uint8_t *p, size_t len)
{
	static const uint8_t key[4] = { 0x37, 0xfa, 0x21, 0x3d };
	bool mask = !(mods & 0x20);
	size_t k = *n;

	if (k + 14 + len > cap)
		return false;
	b[k++] = (uint8_t)((fin ? 0x80 : 0) | ((mods & 0x80) ? 0x40 : 0) |
	    op);
	if (mods & 0x10) {
		b[k++] = (mask ? 0x80 : 0) | 127;
		for (int i = 7; i >= 0; i--)
			b[k++] = (uint8_t)((uint64_t)len >> (8 * i));
	} else if ((mods & 0x08) || len > 125) {
		b[k++] = (mask ? 0x80 : 0) | 126;
		b[k++] = (uint8_t)(len >> 8);
		b[k++] = (uint8_t)len;
	} else {
		b[k++] = (uint8_t)((mask ? 0x80 : 0) | len);
	}
	if (mask)
		for (int i = 0; i < 4; i++)
			b[k++] = key[i];
	for (size_t i = 0; i < len; i++)
		b[k++] = mask ? p[i] ^ key[i % 4] : p[i];
	*n = k;
	return true;
}

/* What a frame built from op kind and mods calls for: 0 nothing, 1 an
 * answer, a close code, or -1 when the oracle cannot tell. */
static int
fuzz_oracle(unsigned kind, unsigned mods, const uint8_t *p, size_t len)
{
	bool control = kind == 2 || kind == 3 || kind == 7;
	struct err e = { .msg = "" };
	struct timespec it;
	uint16_t code;

	if (kind == 4)
		return mods == 0 ? (fuzz_utf8(p, len) ? (ts_parse((const char *)
		    p, len, &it, &e) == 0 ? 1 : 1007) : -1) : -1;
	if (mods & 0x40)
		return control ? 1002 : -1;	/* a message left open */
	if (mods & 0xb0)
		return 1002;	/* RSV1, unmasked, 64 bits for < 64 KiB */
	if ((mods & 0x08) && (control || len < 126))
		return 1002;	/* 16 bits where 7 do */
	if (control && len > 125)
		return 1002;
	if (kind == 2 || kind == 7)
		return 0;	/* ping (a pong goes out), pong */
	if (kind == 3) {
		if (len == 0)
			return 1005;	/* echoed empty */
		code = len >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : 0;
		return (code == 1000 || code == 3000) && fuzz_utf8(p + 2,
		    len - 2) ? code : -1;
	}
	if (kind != 1 && !fuzz_utf8(p, len))
		return -1;		/* wslay's own 1007 */
	return ts_parse((const char *)p, len, &it, &e) == 0 ? 1 : 1007;
}

/* Build the peer's frames from ops into b; what the oracle expects. */
static size_t
fuzz_ops(const uint8_t *d, size_t size, uint8_t *b, size_t cap,
    struct fuzz_expect *x)
{
	size_t n = 0, i = 0;
	bool closed = false;
	int r;

	x->known = true;
	x->answers = 0;
	x->close = 0;
	while (i + 2 <= size) {
		unsigned o = d[i], kind = o & 7, mods = o & 0xf8;
		size_t len = d[i + 1];
		const uint8_t *p = d + i + 2;
		bool ok;

		if (kind == 5) {		/* a valid timestamp */
			p = (const uint8_t *)FUZZ_TS;
			len = strlen(FUZZ_TS);
			kind = 0;
			i += 1;
		} else {
			if (i + 2 + len > size)
				len = size - i - 2;
			i += 2 + len;
		}
		if (kind == 6) {		/* raw bytes */
			if (n + len > cap)
				break;
			memcpy(b + n, p, len);
			n += len;
			if (!closed)
				x->known = false;
			continue;
		}
		if (kind == 4)			/* a text in two fragments */
			ok = fuzz_frame(b, &n, cap, 1, false, mods & 0xb8, p,
			    len / 2) && fuzz_frame(b, &n, cap, 0, !(mods & 0x40),
			    mods & 0xb8, p + len / 2, len - len / 2);
		else
			ok = fuzz_frame(b, &n, cap, kind == 0 ? 1 : kind == 1 ?
			    2 : kind == 2 ? 9 : kind == 3 ? 8 : 10,
			    !(mods & 0x40), mods, p, len);
		if (!ok)
			break;
		if (closed || !x->known)
			continue;
		if ((r = fuzz_oracle(kind, mods, p, len)) < 0) {
			x->known = false;
		} else if (r == 1) {
			x->answers++;
		} else if (r > 1) {
			x->close = (uint16_t)r;
			closed = true;
		}
	}
	return n;
}

/* After every step: the queue bound and the byte accounting. */
static void
fuzz_check(struct wsconn_set *s, struct memio *m)
{
	struct wsconn *c = m->c;
	struct wsconn_flight *fl;
	size_t q;

	FUZZ_CHECK(!m->bad_line);
	if (c == NULL || (fl = c->fl) == NULL)
		return;
	q = wslay_event_get_queued_msg_count(fl->ws);
	FUZZ_CHECK(q <= WSCONN_QUEUE_MAX);
	/* While wslay reads: every byte given to it is part of a whole frame
	 * (wsframe: no header part and no payload left to pass) exactly
	 * when the frames it began add up to what it was given. */
	if (c->state == WSCONN_OPEN && fl->stop == WSFRAME_GO &&
	    fl->close.code == 0 && wslay_event_get_read_enabled(fl->ws)) {
		bool whole = !fl->frame.checked && fl->frame.left == 0;

		FUZZ_CHECK(whole == (fl->fed == fl->used));
		if (whole)
			FUZZ_CHECK(fl->in_msg == fl->frame.in_msg);
	}
	(void)s;
}

/* What the connection wrote: an HTTP response, then server frames. */
static void
fuzz_output(const struct memio *m, const struct fuzz_expect *x, bool all)
{
	const uint8_t *o = m->out, *end;
	size_t n = m->outlen, hl;
	unsigned answers = 0;
	bool closed = false;
	uint16_t code = 0;

	if (n == 0)
		return;
	end = memmem(o, n, "\r\n\r\n", 4);
	if (end == NULL) {
		FUZZ_CHECK(!m->shut);	/* cut by the peer's window only */
		return;
	}
	hl = (size_t)(end - o) + 4;
	FUZZ_CHECK(n >= 12 && memcmp(o, "HTTP/1.1 ", 9) == 0);
	if (memcmp(o + 9, "101 ", 4) != 0) {
		/* A refusal: its body, then nothing. */
		FUZZ_CHECK(o[9] == '4' || memcmp(o + 9, "503", 3) == 0);
		FUZZ_CHECK(!m->shut || m->shut_at == n);
		return;
	}
	o += hl;
	n -= hl;
	while (n > 0) {
		size_t len, h = 2;

		if (n < 2)
			break;
		FUZZ_CHECK(!closed);		/* nothing after the close */
		FUZZ_CHECK((o[0] & 0xf0) == 0x80 && !(o[1] & 0x80));
		len = o[1] & 0x7f;
		FUZZ_CHECK(len != 127);		/* answers are short */
		if (len == 126) {
			if (n < 4)
				break;
			len = (size_t)o[2] << 8 | o[3];
			h = 4;
			FUZZ_CHECK(len > 125);
		}
		if (n < h + len)
			break;
		switch (o[0] & 0x0f) {
		case 0x1:
			FUZZ_CHECK(len > 8 && memcmp(o + h, "{\"id\":", 6) ==
			    0 && memcmp(o + h + len - 2, "}\n", 2) == 0);
			answers++;
			break;
		case 0x8:
			FUZZ_CHECK(len == 0 || (len >= 2 && len <= 125));
			code = len == 0 ? 1005 : (uint16_t)(o[h] << 8 | o[h + 1]);
			FUZZ_CHECK(len == 0 || (code >= 1000 && code <= 4999 &&
			    code != 1004 && code != 1005 && code != 1006));
			FUZZ_CHECK(len < 2 || fuzz_utf8(o + h + 2, len - 2));
			closed = true;
			break;
		case 0xa:
			FUZZ_CHECK(len <= 125);
			break;
		default:
			FUZZ_CHECK(!"a frame the server does not send");
		}
		o += h + len;
		n -= h + len;
	}
	/* The write side shuts after a whole close frame, nothing pending. */
	FUZZ_CHECK(!m->shut || (closed && n == 0 && m->shut_at == m->outlen));
	if (x->known && all) {
		FUZZ_CHECK(answers == x->answers);
		if (x->close != 0) {
			FUZZ_CHECK(closed);
			FUZZ_CHECK(code == x->close);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[4] = { 1, 7, 100, 0 };
	static uint8_t buf[64 * 1024];
	struct wsconn_set *s = &fuzz_set;
	struct memio m = { .verbose = getenv("FUZZ_VERBOSE") != NULL };
	struct fuzz_expect x = { .known = false };
	size_t n = 0;
	unsigned flags;

	if (size < 2)
		return 0;
	flags = data[0];
	memset(s, 0, sizeof(*s));
	wsconn_init(s, &memio_io, &m, 5 * TS_NS_PER_SEC, (flags & 0x40) ? 0 :
	    10, (flags & 0x20) != 0);
	s->msg.leap = memio_leap;
	s->now = 1000 * TS_NS_PER_SEC;
	m.chunk = chunks[flags & 3];
	m.eof = (flags & 4) != 0;
	m.room = data[1] == 255 ? SIZE_MAX : (size_t)data[1] * 64;
	if (flags & 8) {
		memcpy(buf, FUZZ_REQ, strlen(FUZZ_REQ));
		n = strlen(FUZZ_REQ);
	}
	if ((flags & 0x18) == 0x18) {
		n += fuzz_ops(data + 2, size - 2, buf + n, sizeof(buf) - n, &x);
	} else {
		size_t k = size - 2 < sizeof(buf) - n ? size - 2 :
		    sizeof(buf) - n;

		memcpy(buf + n, data + 2, k);
		n += k;
	}
	x.known = x.known && !(flags & 0x40);
	m.in = buf;
	m.inlen = n;
	wsconn_add(s, MEMIO_FD);
	FUZZ_CHECK(m.added || m.closed);
	FUZZ_CHECK(memio_run(s, &m, 1000000, fuzz_check) != 0);
	FUZZ_CHECK(m.closed && wsconn_count(s) == 0);
	/* The oracle holds for a peer that reads all, and that does not
	 * leave before its last message is answered (a close op first). */
	fuzz_output(&m, &x, m.room == SIZE_MAX && (x.close != 0 || !m.eof));
	wsconn_free_all(s);
	free(m.out);
	return 0;
}
