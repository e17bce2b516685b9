/*
 * test_wsframe.c: the client frame headers webntp-ws checks before wslay
 * (src/sidecar/wsframe.c, RFC 6455 section 5): what passes, what stops with
 * 1002 or 1009 and why, the close frame held, then read here and answered
 * with its code (or 1002, 1007), the budget of frames, the same result
 * whatever the split, and the server's close frame.
 * Table-driven.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sidecar/wsframe.c"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* A frame: first byte, length form (0: shortest, 16, 64), masked, and
 * payload length; the payload is 'x' bytes. */
struct spec {
	uint8_t		b0;
	int		form;
	bool		mask;
	size_t		len;
};

static size_t
build(uint8_t *out, const struct spec *f)
{
	size_t k = 0;
	uint8_t m = f->mask ? 0x80 : 0;

	out[k++] = f->b0;
	if (f->form == 64 || (f->form == 0 && f->len > 65535)) {
		out[k++] = m | 127;
		for (int i = 7; i >= 0; i--)
			out[k++] = (uint8_t)((uint64_t)f->len >> (8 * i));
	} else if (f->form == 16 || (f->form == 0 && f->len > 125)) {
		out[k++] = m | 126;
		out[k++] = (uint8_t)(f->len >> 8);
		out[k++] = (uint8_t)f->len;
	} else {
		out[k++] = (uint8_t)(m | f->len);
	}
	if (f->mask) {
		memcpy(out + k, "\x01\x02\x03\x04", 4);
		k += 4;
	}
	memset(out + k, 'x', f->len);
	return k + f->len;
}

#define TEXT	0x81
#define BIN	0x82
#define CLOSE	0x88
#define PING	0x89
#define PONG	0x8a

static const struct {
	const char	*what;
	struct spec	 f[3];		/* len 0 and b0 0: none */
	int		 npass;		/* frames that pass whole */
	enum wsframe_stop stop;
	uint16_t	 code;
	const char	*why;
} cases[] = {
	{ "text", { { TEXT, 0, true, 17 } }, 1, WSFRAME_GO, 0, NULL },
	{ "binary, 16-bit length", { { BIN, 0, true, 300 } }, 1, WSFRAME_GO,
	    0, NULL },
	{ "text then ping then pong", { { TEXT, 0, true, 1 },
	    { PING, 0, true, 125 }, { PONG, 0, true, 0 } }, 3, WSFRAME_GO, 0,
	    NULL },
	{ "fragments with a ping between", { { 0x01, 0, true, 3 },
	    { PING, 0, true, 1 }, { 0x80, 0, true, 4 } }, 3, WSFRAME_GO, 0,
	    NULL },
	{ "16 bits for 125", { { TEXT, 0, true, 1 }, { TEXT, 16, true, 125 } },
	    1, WSFRAME_BAD, 1002, "length not in its shortest form" },
	{ "64 bits for 65535", { { TEXT, 64, true, 65535 } }, 0, WSFRAME_BAD,
	    1002, "length not in its shortest form" },
	{ "ping of 126", { { PING, 0, true, 126 } }, 0, WSFRAME_BAD, 1002,
	    "control frame over 125 bytes" },
	{ "ping without FIN", { { 0x09, 0, true, 1 } }, 0, WSFRAME_BAD, 1002,
	    "fragmented control frame" },
	{ "close without FIN", { { 0x08, 0, true, 2 } }, 0, WSFRAME_BAD, 1002,
	    "fragmented control frame" },
	{ "unmasked", { { TEXT, 0, false, 1 } }, 0, WSFRAME_BAD, 1002,
	    "unmasked frame" },
	{ "RSV1", { { TEXT | 0x40, 0, true, 1 } }, 0, WSFRAME_BAD, 1002,
	    "reserved bits set" },
	{ "opcode 3", { { 0x83, 0, true, 1 } }, 0, WSFRAME_BAD, 1002,
	    "reserved opcode" },
	{ "opcode 11", { { 0x8b, 0, true, 1 } }, 0, WSFRAME_BAD, 1002,
	    "reserved opcode" },
	{ "continuation of nothing", { { 0x80, 0, true, 1 } }, 0, WSFRAME_BAD,
	    1002, "continuation of no message" },
	{ "text inside a fragmented text", { { 0x01, 0, true, 1 },
	    { TEXT, 0, true, 1 } }, 1, WSFRAME_BAD, 1002,
	    "a message inside a fragmented one" },
	{ "1024 bytes", { { TEXT, 0, true, 1024 } }, 1, WSFRAME_GO, 0, NULL },
	{ "1025 bytes", { { TEXT, 0, true, 1025 } }, 0, WSFRAME_BAD, 1009,
	    "message too big" },
	{ "1025 bytes in two fragments", { { 0x01, 0, true, 1000 },
	    { 0x80, 0, true, 25 } }, 1, WSFRAME_BAD, 1009, "message too big" },
	{ "2^63 bytes", { { TEXT, 64, true, 0 } }, 0, WSFRAME_BAD, 1002,
	    "length not in its shortest form" },
	{ "a close is held", { { TEXT, 0, true, 1 }, { CLOSE, 0, true, 2 },
	    { TEXT, 0, true, 1 } }, 1, WSFRAME_CLOSE, 0, NULL },
};

static size_t
input(int i, uint8_t *buf)
{
	size_t n = 0;

	for (int k = 0; k < 3 && cases[i].f[k].b0 != 0; k++)
		n += build(buf + n, &cases[i].f[k]);
	if (strcmp(cases[i].what, "2^63 bytes") == 0)
		buf[2] = 0x80;		/* the top bit of the 64-bit length */
	return n;
}

/* The bytes of the first npass frames of case i. */
static size_t
passed(int i)
{
	uint8_t tmp[70000];
	size_t n = 0;

	for (int k = 0; k < cases[i].npass; k++)
		n += build(tmp, &cases[i].f[k]);
	return n;
}

START_TEST(test_pass)
{
	static uint8_t in[200000], out[200000];
	struct wsframe f = { .max = 1024 };
	enum wsframe_stop stop;
	unsigned frames = 64;
	size_t n = input(_i, in), took, o;

	o = wsframe_pass(&f, in, n, &took, out, sizeof(out), &frames, &stop);
	ck_assert_msg(stop == cases[_i].stop, "%s: stop %d", cases[_i].what,
	    stop);
	ck_assert_msg(o == passed(_i), "%s: %zu bytes passed, want %zu",
	    cases[_i].what, o, passed(_i));
	ck_assert_int_eq(memcmp(out, in, o), 0);
	if (stop == WSFRAME_BAD) {
		ck_assert_uint_eq(f.code, cases[_i].code);
		ck_assert_str_eq(f.why, cases[_i].why);
	}
	if (stop == WSFRAME_GO) {
		ck_assert_uint_eq(took, n);
		ck_assert(wsframe_idle(&f));
	}
}
END_TEST

/* One byte at a time, and into an output of 3 bytes: the same bytes and
 * the same stop. */
START_TEST(test_split)
{
	static uint8_t in[200000], out[200000], ref[200000];
	struct wsframe f = { .max = 1024 }, g = { .max = 1024 };
	enum wsframe_stop stop = WSFRAME_GO, rstop;
	unsigned frames = 64, gframes = 64;
	size_t n = input(_i, in), took, o = 0, rn, i = 0;

	rn = wsframe_pass(&g, in, n, &took, ref, sizeof(ref), &gframes, &rstop);
	while (stop == WSFRAME_GO) {
		size_t k = wsframe_pass(&f, in + i, i < n ? 1 : 0, &took,
		    out + o, 3, &frames, &stop);

		o += k;
		i += took;
		if (k == 0 && took == 0)
			break;		/* nothing moves any more */
	}
	ck_assert_msg(stop == rstop, "%s: stop %d, at once %d", cases[_i].what,
	    stop, rstop);
	ck_assert_uint_eq(o, rn);
	ck_assert_int_eq(memcmp(out, ref, o), 0);
}
END_TEST

START_TEST(test_close_taken)
{
	uint8_t in[64], out[64];
	struct spec t = { TEXT, 0, true, 1 }, c = { CLOSE, 0, true, 2 };
	struct wsframe f = { .max = 1024 };
	enum wsframe_stop stop;
	unsigned frames = 64;
	size_t n = 0, took, o, a, b;

	a = build(in, &t);
	b = build(in + a, &c);
	n = a + b;
	n += build(in + n, &t);
	o = wsframe_pass(&f, in, n, &took, out, sizeof(out), &frames, &stop);
	ck_assert_int_eq(stop, WSFRAME_CLOSE);
	ck_assert_uint_eq(o, a);
	ck_assert_uint_eq(took, a + 6);		/* its header, held */
	ck_assert(!wsframe_idle(&f));
	f.take_close = true;
	o = wsframe_pass(&f, in + took, n - took, &took, out, sizeof(out),
	    &frames, &stop);
	ck_assert_int_eq(stop, WSFRAME_DONE);
	ck_assert_uint_eq(o, 0);		/* read here, not passed */
	ck_assert_uint_eq(took, 2);		/* and nothing after it */
	ck_assert_uint_eq(f.clen, 2);
	ck_assert_uint_eq(f.cpay[0], 'x' ^ 1);	/* unmasked */
	ck_assert_uint_eq(f.cpay[1], 'x' ^ 2);
}
END_TEST

/* The reply to the peer's close: its code, or why not. */
static const struct {
	const char	*payload;
	size_t		 len;
	uint16_t	 reply;
	bool		 echo;		/* the peer's reason too */
} reply_cases[] = {
	{ "", 0, 0, false },
	{ "\x03\xe8", 2, 1000, true },
	{ "\x03\xe8" "bye", 5, 1000, true },
	{ "\x0b\xb8", 2, 3000, true },
	{ "\x03\xf3", 2, 1011, true },
	{ "\x03", 1, 1002, false },
	{ "\x03\xed", 2, 1002, false },	/* 1005: never on the wire */
	{ "\x03\xee", 2, 1002, false },	/* 1006 */
	{ "\x03\xf7", 2, 1002, false },	/* 1015 */
	{ "\x07\xd0", 2, 1002, false },	/* 2000 */
	{ "\x13\x88", 2, 1002, false },	/* 5000 */
	{ "\x03\xe8j\xe8j", 5, 1007, false },	/* the reason: not UTF-8 */
	{ "\x03\xe8\xc3", 3, 1007, false },
	{ "\x03\xef\xff", 3, 1007, false },	/* a 1007 with a bad reason */
	{ "\x03\xea\xff", 3, 1007, false },	/* a 1002 with a bad reason */
	{ "\x03\xe8\xc3\xa9", 4, 1000, true },
};

START_TEST(test_close_reply)
{
	static const uint8_t key[4] = { 1, 2, 3, 4 };
	uint8_t in[64];
	size_t len = reply_cases[_i].len, took;
	enum wsframe_stop stop = WSFRAME_GO;
	unsigned frames = 1;
	bool echo;

	for (int split = 0; split < 2; split++) {
		struct wsframe f = { .max = 1024, .take_close = true };
		size_t i = 0;

		in[0] = CLOSE;
		in[1] = (uint8_t)(0x80 | len);
		memcpy(in + 2, key, 4);
		for (size_t k = 0; k < len; k++)
			in[6 + k] = (uint8_t)reply_cases[_i].payload[k] ^
			    key[k % 4];
		/* At once, or a byte at a time (wslay 1.1.1 checks the reason
		 * only when it comes in one read). */
		while (i < 6 + len) {
			size_t step = split ? 1 : 6 + len;

			wsframe_pass(&f, in + i, step, &took, NULL, 0, &frames,
			    &stop);
			i += took;
			if (stop != WSFRAME_GO)
				break;
		}
		ck_assert_int_eq(stop, WSFRAME_DONE);
		ck_assert_uint_eq(f.clen, len);
		ck_assert_uint_eq(wsframe_close_reply(&f, &echo),
		    reply_cases[_i].reply);
		ck_assert_int_eq(echo, reply_cases[_i].echo);
	}
}
END_TEST

START_TEST(test_budget)
{
	uint8_t in[64], out[64];
	struct spec t = { TEXT, 0, true, 1 };
	struct wsframe f = { .max = 1024 };
	enum wsframe_stop stop;
	unsigned frames = 2;
	size_t n = 0, took, o, one = build(in, &t);

	n = one + build(in + one, &t);
	n += build(in + n, &t);
	o = wsframe_pass(&f, in, n, &took, out, sizeof(out), &frames, &stop);
	ck_assert_int_eq(stop, WSFRAME_GO);
	ck_assert_uint_eq(o, 2 * one);
	ck_assert_uint_eq(took, 2 * one);	/* the third waits, unread */
	ck_assert_uint_eq(frames, 0);
	frames = 1;
	o = wsframe_pass(&f, in + took, n - took, &took, out, sizeof(out),
	    &frames, &stop);
	ck_assert_uint_eq(o, one);
}
END_TEST

START_TEST(test_close_frame)
{
	uint8_t out[WSFRAME_CLOSE_MAX];
	char reason[200];
	size_t n;

	ck_assert_uint_eq(wsframe_close(out, 0, "", 0), 2);
	ck_assert_int_eq(memcmp(out, "\x88\x00", 2), 0);
	n = wsframe_close(out, 1000, "idle timeout", 12);
	ck_assert_uint_eq(n, 16);
	ck_assert_int_eq(memcmp(out, "\x88\x0e\x03\xe8idle timeout", 16), 0);
	memset(reason, 'r', sizeof(reason));
	n = wsframe_close(out, 1007, reason, sizeof(reason));
	ck_assert_uint_eq(n, WSFRAME_CLOSE_MAX);
	ck_assert_uint_eq(out[1], 125);
	ck_assert_uint_eq(wsframe_size(0, true), 6);
	ck_assert_uint_eq(wsframe_size(126, true), 134);
	ck_assert_uint_eq(wsframe_size(65536, false), 65546);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wsframe");
	TCase *tc = tcase_create("wsframe");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_pass, 0, NITEMS(cases));
	tcase_add_loop_test(tc, test_split, 0, NITEMS(cases));
	tcase_add_test(tc, test_close_taken);
	tcase_add_loop_test(tc, test_close_reply, 0, NITEMS(reply_cases));
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_close_frame);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
