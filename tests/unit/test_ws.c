/*
 * test_ws.c: the client's WebSocket framing rules (src/client/ws.c; RFC
 * 6455 sections 5, 7.4; doc/protocol.md section 5), over a real socket pair:
 * the test plays a server that writes crafted bytes, and the transport
 * reads them through its own read path (ws_input), after a real 101. What
 * a server may send (fragments, pings, closes), what fails it and why
 * (masked frames, reserved bits and opcodes, bad fragmentation, bad close
 * frames, answers over 1024 bytes, messages not asked for), which read a
 * frame is dated by, and the frames the client answers with (pong, close),
 * read back and unmasked. Table-driven.
 */
#include "../../src/client/ws.c"

#include <check.h>
#include <sys/socket.h>
#include "unit.h"

/* main.c's; the loops read it. */
volatile sig_atomic_t client_stop;

#define KEY	"dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT	"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define R101	"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" \
		"Connection: Upgrade\r\n" \
		"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
#define B(s)	{ s, sizeof(s) - 1 }
#define ANS	"\x81\x05hello"

struct bytes {
	const char	*p;
	size_t		 n;
};

/* One read: the server writes bytes (after the request when ask), and
 * the transport reads them with its wakeup at sec. */
struct step {
	struct bytes	 b;
	bool		 ask;
	time_t		 sec;
};

static struct client_opt opt = { .samples = 1, .timeout_ns = TS_NS_PER_SEC };

static const struct {
	const char	*name;
	struct step	 steps[4];
	bool		 early;	/* step 0 comes in the 101's read */
	const char	*err;	/* a part of the error; NULL: answered */
	const char	*answer;
	time_t		 end;	/* the answer's date */
	int		 reply_op;	/* the client's frame back; -1 none */
	struct bytes	 reply;		/* its payload */
} cases[] = {
	{ "one frame", { { B(ANS), true, 100 } }, false, NULL, "hello", 100,
	  -1, B("") },
	{ "binary", { { B("\x82\x02hi"), true, 100 } }, false, NULL, "hi", 100,
	  -1, B("") },
	{ "empty", { { B("\x81\x00"), true, 100 } }, false, NULL, "", 100,
	  -1, B("") },
	{ "three fragments", { { B("\x01\x02he\x00\x02ll\x80\x01o"), true,
	  100 } }, false, NULL, "hello", 100, -1, B("") },
	{ "fragments over reads", { { B("\x01\x02he"), true, 100 },
	  { B("\x80\x03llo"), false, 200 } }, false, NULL, "hello", 100, -1,
	  B("") },
	{ "a ping inside the answer", { { B("\x01\x02he\x89\x02pi\x80\x03llo"),
	  true, 100 } }, false, NULL, "hello", 100, WSLAY_PONG, B("pi") },
	{ "a ping, then the answer", { { B("\x89\x00"), true, 100 },
	  { B(ANS), false, 200 } }, false, NULL, "hello", 200, WSLAY_PONG,
	  B("") },
	{ "a pong is ignored", { { B("\x8a\x01x" ANS), true, 100 } }, false,
	  NULL, "hello", 100, -1, B("") },
	/* Dated by the header's read, not the payload's. */
	{ "header and payload apart", { { B("\x81\x05"), true, 100 },
	  { B("hello"), false, 200 } }, false, NULL, "hello", 100, -1, B("") },
	{ "1024 bytes", { { B("\x81\x7e\x04\x00"), true, 100 } }, false, NULL,
	  NULL, 100, -1, B("") },

	{ "masked", { { B("\x81\x85\x01\x02\x03\x04" "ignor"), true, 100 } },
	  false, "the server sent a masked frame", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xea") },
	{ "masked, key 0", { { B("\x81\x85\0\0\0\0hello"), true, 100 } },
	  false, "the server sent a masked frame", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xea") },
	{ "masked ping", { { B("\x89\x80\0\0\0\0"), true, 100 } }, false,
	  "masked frame", NULL, 0, WSLAY_CONNECTION_CLOSE, B("\x03\xea") },
	{ "RSV1", { { B("\xc1\x05hello"), true, 100 } }, false,
	  "reserved bits set (RSV 100)", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "RSV3 on a ping", { { B("\x99\x00"), true, 100 } }, false,
	  "reserved bits set (RSV 001)", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "opcode 3", { { B("\x83\x01x"), true, 100 } }, false,
	  "the reserved opcode 0x3", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "opcode 0xb", { { B("\x8b\x00"), true, 100 } }, false,
	  "the reserved opcode 0xb", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a continuation first", { { B("\x80\x05hello"), true, 100 } }, false,
	  "a continuation frame outside a message", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xea") },
	{ "a message inside another", { { B("\x01\x02he\x81\x03llo"), true,
	  100 } }, false, "began a message inside another", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xea") },
	{ "a ping of 126 bytes", { { B("\x89\x7e\x00\x7e"), true, 100 } },
	  false, "malformed frame header", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a fragmented ping", { { B("\x09\x00"), true, 100 } }, false,
	  "malformed frame header", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a length not in its shortest form", { { B("\x81\x7e\x00\x05hello"),
	  true, 100 } }, false, "malformed frame header", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xea") },
	{ "1025 bytes", { { B("\x81\x7e\x04\x01" "x"), true, 100 } }, false,
	  "the answer is longer than 1024 bytes", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xf1") },
	{ "2^63 bytes", { { B("\x81\x7f\x80\0\0\0\0\0\0\0"), true, 100 } },
	  false, "malformed frame header", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },

	/* Messages that no request asked for. */
	{ "before the request", { { B(ANS), false, 100 } }, false,
	  "the server sent a message that was not asked for", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xf0") },
	{ "with the 101", { { B(ANS), false, 100 } }, true,
	  "the server sent a message that was not asked for", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xf0") },
	{ "two answers in one read", { { B(ANS ANS), true, 100 } }, false,
	  "the server sent a message that was not asked for", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xf0") },
	{ "its first byte before the request", { { B("\x81"), false, 100 },
	  { B("\x05hello"), true, 200 } }, false,
	  "the server sent a message that was not asked for", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x03\xf0") },
	/* A ping before the request is no message. */
	{ "a ping before the request", { { B("\x89\x00"), false, 100 },
	  { B(ANS), true, 200 } }, false, NULL, "hello", 200, WSLAY_PONG,
	  B("") },

	/* Closes. */
	{ "a close with a reason", { { B("\x88\x05\x03\xe8" "bye"), true,
	  100 } }, false, "the server closed the connection (1000 bye)", NULL,
	  0, WSLAY_CONNECTION_CLOSE, B("\x03\xe8") },
	{ "an empty close", { { B("\x88\x00"), true, 100 } }, false,
	  "the server closed the connection (1005)", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("") },
	{ "a close 4999", { { B("\x88\x02\x13\x87"), true, 100 } }, false,
	  "the server closed the connection (4999)", NULL, 0,
	  WSLAY_CONNECTION_CLOSE, B("\x13\x87") },
	{ "a close 1014", { { B("\x88\x02\x03\xf6"), true, 100 } }, false,
	  "(1014)", NULL, 0, WSLAY_CONNECTION_CLOSE, B("\x03\xf6") },
	{ "a close of 1 byte", { { B("\x88\x01\x03"), true, 100 } }, false,
	  "a close frame of 1 byte", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a close 1005", { { B("\x88\x02\x03\xed"), true, 100 } }, false,
	  "the invalid close code 1005", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a close 1006", { { B("\x88\x02\x03\xee"), true, 100 } }, false,
	  "the invalid close code 1006", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a close 1004", { { B("\x88\x02\x03\xec"), true, 100 } }, false,
	  "the invalid close code 1004", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a close 999", { { B("\x88\x02\x03\xe7"), true, 100 } }, false,
	  "the invalid close code 999", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a close 1015", { { B("\x88\x02\x03\xf7"), true, 100 } }, false,
	  "the invalid close code 1015", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a close 2999", { { B("\x88\x02\x0b\xb7"), true, 100 } }, false,
	  "the invalid close code 2999", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
	{ "a close 5000", { { B("\x88\x02\x13\x88"), true, 100 } }, false,
	  "the invalid close code 5000", NULL, 0, WSLAY_CONNECTION_CLOSE,
	  B("\x03\xea") },
};

static int peer = -1;

/* A transport over a socket pair, past a real 101 (and with it, bytes). */
static struct ws *
ws_pair(const struct bytes *with)
{
	char buf[sizeof(R101) + 64];
	struct ws *w;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sv), 0);
	ck_assert_ptr_nonnull(w = calloc(1, sizeof(*w)));
	w->fd = sv[0];
	peer = sv[1];
	w->opt = &opt;
	w->phase = WS_UPGRADE;
	strcpy(w->key, KEY);
	strcpy(w->accept, ACCEPT);
	ck_assert_int_eq(wslay_frame_context_init(&w->fc, &ws_frame_callbacks,
	    w), 0);
	memcpy(buf, R101, sizeof(R101) - 1);
	if (with != NULL)
		memcpy(buf + sizeof(R101) - 1, with->p, with->n);
	ck_assert_int_eq(write(peer, buf, sizeof(R101) - 1 +
	    (with != NULL ? with->n : 0)), (ssize_t)(sizeof(R101) - 1 +
	    (with != NULL ? with->n : 0)));
	w->woke = true;
	w->wake.tv_sec = 100;
	ws_input(w);
	return w;
}

/* The wakeup at sec, and what it brought. */
static void
ws_feed(struct ws *w, time_t sec)
{
	w->woke = true;
	w->wake.tv_sec = sec;
	w->wake.tv_nsec = 0;
	ws_input(w);
}

/* As ws_exchange marks a request sent. */
static void
ws_ask(struct ws *w)
{
	w->got = false;
	w->req_off = w->rxbytes;
	w->awaiting = true;
}

/* The first frame the client sent back, unmasked: its opcode, or -1. */
static int
peer_frame(unsigned char *payload, size_t *len)
{
	unsigned char b[256];
	ssize_t n = read(peer, b, sizeof(b));
	size_t pl;

	if (n <= 0)
		return -1;
	ck_assert_int_ge(n, 6);
	ck_assert_msg(b[0] & 0x80, "FIN");
	ck_assert_msg(b[1] & 0x80, "a client's frame is masked");
	pl = b[1] & 0x7f;
	ck_assert_uint_lt(pl, 126);
	ck_assert_int_ge(n, (ssize_t)(6 + pl));
	for (size_t i = 0; i < pl; i++)
		payload[i] = b[6 + i] ^ b[2 + i % 4];
	*len = pl;
	return b[0] & 0x0f;
}

START_TEST(test_frames)
{
	const struct step *st = cases[_i].steps;
	struct ws *w;
	unsigned char p[256];
	size_t pl = 0;
	int op;

	w = ws_pair(cases[_i].early ? &st[0].b : NULL);
	for (int k = cases[_i].early ? 1 : 0; k < 4 && st[k].sec != 0; k++) {
		if (st[k].ask)
			ws_ask(w);
		ck_assert_int_eq(write(peer, st[k].b.p, st[k].b.n),
		    (ssize_t)st[k].b.n);
		ws_feed(w, st[k].sec);
	}
	if (strcmp(cases[_i].name, "1024 bytes") == 0) {
		/* The payload of the 1024-byte frame, in two reads. */
		char big[1024];

		ck_assert(!w->failed && !w->got);
		memset(big, 'a', sizeof(big));
		ck_assert_int_eq(write(peer, big, 600), 600);
		ws_feed(w, 300);
		ck_assert_int_eq(write(peer, big + 600, 424), 424);
		ws_feed(w, 400);
		ck_assert(w->got);
		ck_assert_uint_eq(w->rxlen, 1024);
		ck_assert(memcmp(w->rx, big, 1024) == 0);
	}
	if (cases[_i].err == NULL) {
		ck_assert_msg(!w->failed, "%s: %s", cases[_i].name, w->e.msg);
		ck_assert(w->got && !w->awaiting);
		if (cases[_i].answer != NULL) {
			ck_assert_uint_eq(w->rxlen, strlen(cases[_i].answer));
			ck_assert(memcmp(w->rx, cases[_i].answer,
			    w->rxlen) == 0);
		}
		ck_assert_int_eq(w->end.tv_sec, cases[_i].end);
	} else {
		ck_assert_msg(w->failed, "%s: not failed", cases[_i].name);
		ck_assert_msg(strstr(w->e.msg, cases[_i].err) != NULL,
		    "%s: \"%s\" lacks \"%s\"", cases[_i].name, w->e.msg,
		    cases[_i].err);
	}
	ck_assert_int_eq(ws_flush(w), 0);
	op = peer_frame(p, &pl);
	ck_assert_int_eq(op, cases[_i].reply_op);
	if (op != -1) {
		ck_assert_uint_eq(pl, cases[_i].reply.n);
		ck_assert(memcmp(p, cases[_i].reply.p, pl) == 0);
	}
	ws_close(w);
	close(peer);
}
END_TEST

/* The bound counts the whole message, across its fragments. */
START_TEST(test_fragments_bound)
{
	static char buf[2048];
	struct ws *w;
	size_t n;

	for (int extra = 24; extra <= 25; extra++) {
		w = ws_pair(NULL);
		ws_ask(w);
		memcpy(buf, "\x01\x7e\x03\xe8", 4);
		memset(buf + 4, 'a', 1000);
		buf[1004] = '\x80';
		buf[1005] = (char)extra;
		memset(buf + 1006, 'b', (size_t)extra);
		n = 1006 + (size_t)extra;
		ck_assert_int_eq(write(peer, buf, n), (ssize_t)n);
		ws_feed(w, 100);
		if (extra == 24) {
			ck_assert_msg(!w->failed && w->got, "%s", w->e.msg);
			ck_assert_uint_eq(w->rxlen, 1024);
		} else {
			ck_assert(w->failed);
			ck_assert_str_eq(w->e.msg, "the answer is longer than "
			    "1024 bytes");
		}
		ws_close(w);
		close(peer);
	}
}
END_TEST

/* The request frame: text, masked, the timestamp as its payload. */
START_TEST(test_request_frame)
{
	struct ws *w = ws_pair(NULL);
	unsigned char p[256];
	size_t pl;

	ck_assert(w->phase == WS_OPEN && !w->failed);
	ck_assert(ws_queue(w, WSLAY_TEXT_FRAME, "1489224472.995564", 17));
	ck_assert_int_eq(ws_flush(w), 0);
	ck_assert_int_eq(peer_frame(p, &pl), WSLAY_TEXT_FRAME);
	ck_assert_uint_eq(pl, 17);
	ck_assert(memcmp(p, "1489224472.995564", 17) == 0);
	/* Each frame its own mask (drawn ahead of the timed send). */
	ck_assert_uint_eq(w->nmasks, WS_MASKS - 4);
	ws_close(w);
	close(peer);
}
END_TEST

/* The end of TCP with no close frame is the end, not a failure; the
 * polite close is not sent to a peer that is gone. */
START_TEST(test_eof)
{
	struct ws *w = ws_pair(NULL);

	ws_ask(w);
	close(peer);
	ws_feed(w, 100);
	ck_assert(w->eof && !w->failed && !w->got);
	ws_close(w);
}
END_TEST

/* A bad 101 fails in the upgrade, with upgrade.c's reason. */
START_TEST(test_bad_101)
{
	struct ws *w;
	int sv[2];
	const char *r = "HTTP/1.1 403 Forbidden\r\n\r\n";

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sv), 0);
	ck_assert_ptr_nonnull(w = calloc(1, sizeof(*w)));
	w->fd = sv[0];
	w->opt = &opt;
	w->phase = WS_UPGRADE;
	strcpy(w->key, KEY);
	strcpy(w->accept, ACCEPT);
	ck_assert_int_eq(wslay_frame_context_init(&w->fc, &ws_frame_callbacks,
	    w), 0);
	ck_assert_int_eq(write(sv[1], r, strlen(r)), (ssize_t)strlen(r));
	ws_feed(w, 100);
	ck_assert(w->failed && w->phase == WS_UPGRADE);
	ck_assert_str_eq(w->e.msg, "HTTP status 403");
	ws_close(w);
	close(sv[1]);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ws");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_frames, 0, (int)NITEMS(cases));
	tcase_add_test(tc, test_fragments_bound);
	tcase_add_test(tc, test_request_frame);
	tcase_add_test(tc, test_eof);
	tcase_add_test(tc, test_bad_101);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
