/*
 * test_wshs.c: the sidecar's WebSocket opening handshake (src/sidecar/wshs.c,
 * RFC 6455 section 4.2): which requests are upgraded, and how the others are
 * refused; that a request split into pieces is scanned once, whatever the
 * split, and that a bare LF is refused at once. Table-driven.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sidecar/wshs.c"

#define KEY	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
#define VER	"Sec-WebSocket-Version: 13\r\n"
#define UPG	"Upgrade: websocket\r\nConnection: Upgrade\r\n"
#define OK_REQ	"GET / HTTP/1.1\r\nHost: h:1\r\n" UPG KEY VER

static const struct {
	const char	*req;
	bool		 allow;
	int		 status;
	bool		 protocol;
} cases[] = {
	{ OK_REQ "\r\n", false, 101, false },
	{ OK_REQ "Sec-WebSocket-Protocol: a, webntp.shogo82148.com\r\n\r\n",
	    false, 101, true },
	{ OK_REQ "Sec-WebSocket-Protocol: a\r\n"
	    "Sec-WebSocket-Protocol: webntp.shogo82148.com\r\n\r\n", false, 101,
	    true },
	{ OK_REQ "Sec-WebSocket-Protocol: WEBNTP.shogo82148.com\r\n\r\n",
	    false, 101, false },
	{ OK_REQ "Origin: http://H:1\r\n\r\n", false, 101, false },
	{ OK_REQ "Origin: https://h:1/path\r\n\r\n", false, 101, false },
	{ OK_REQ "Origin: http://h:2\r\n\r\n", false, 403, false },
	{ OK_REQ "Origin: null\r\n\r\n", false, 403, false },
	{ OK_REQ "Origin: http://evil\r\n\r\n", true, 101, false },
	{ OK_REQ "Origin: http://h:1\r\nOrigin: http://h:1\r\n\r\n", false,
	    400, false },
	{ OK_REQ "Host: h:1\r\n\r\n", false, 400, false },
	{ OK_REQ " folded\r\n\r\n", false, 400, false },
	{ OK_REQ "Bad Name: x\r\n\r\n", false, 400, false },
	{ OK_REQ "X: a\x01" "b\r\n\r\n", false, 400, false },
	{ OK_REQ, false, 0, false },		/* incomplete */
	{ "GET / HTTP/1.1\r\nHost: h\r\n\r\n", false, 426, false },
	{ "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\n\r\n", false, 426,
	    false },
	{ "POST / HTTP/1.1\r\nHost: h\r\n" UPG KEY VER "\r\n", false, 405,
	    false },
	{ "GET / HTTP/1.0\r\nHost: h\r\n" UPG KEY VER "\r\n", false, 400,
	    false },
	{ "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
	    "Connection: keep-alive\r\n" KEY VER "\r\n", false, 400, false },
	{ "GET / HTTP/1.1\r\nHost: h\r\n" UPG KEY
	    "Sec-WebSocket-Version: 8\r\n\r\n", false, 426, false },
	{ "GET / HTTP/1.1\r\nHost: h\r\n" UPG VER
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR==\r\n\r\n", false, 400,
	    false },
	{ "GET / HTTP/1.1\r\nHost: h\r\n" UPG VER
	    "Sec-WebSocket-Key: c2hvcnQ=\r\n\r\n", false, 400, false },
	{ "GET / HTTP/1.1\r\nHost: h\r\n" UPG VER "\r\n", false, 400, false },
	{ "GET / HTTP/1.1\r\n" UPG KEY VER "\r\n", false, 400, false },
	{ "GET / HTTP/1.1\nHost: h\n\n", false, 400, false },	/* bare LF */
	{ "GET / HTTP/1.1\n", false, 400, false },	/* ... refused at once */
	{ "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", false, 400, false },
	{ "GET / HTTP/1.1\r", false, 0, false },	/* a CR may be a CRLF */
	{ "\x16\x03\x01\x02", false, 400, false },	/* TLS to a ws port */
	{ "GET  / HTTP/1.1\r\nHost: h\r\n" UPG KEY VER "\r\n", false, 400,
	    false },
};

START_TEST(test_parse)
{
	struct wshs_request r;
	size_t used;
	int st;

	st = wshs_parse(cases[_i].req, strlen(cases[_i].req), cases[_i].allow,
	    &r, &used);
	ck_assert_msg(st == cases[_i].status, "case %d: %d, want %d (%s)", _i,
	    st, cases[_i].status, r.why ? r.why : "");
	if (st == 101) {
		ck_assert_uint_eq(used, strlen(cases[_i].req));
		ck_assert_int_eq(r.protocol, cases[_i].protocol);
		ck_assert_uint_eq(r.host_len, 3);
		ck_assert_int_eq(memcmp(r.host, "h:1", 3), 0);
		/* RFC 6455 section 1.3's example. */
		ck_assert_str_eq(r.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
	} else if (st != 0) {
		ck_assert_ptr_nonnull(r.why);
	}
}
END_TEST

/* One byte at a time through wshs_feed: the status (and what it points
 * at) of the whole at once, and nothing decided before the byte that
 * decides. */
START_TEST(test_bytewise)
{
	const char *req = cases[_i].req;
	size_t n = strlen(req), used, used1 = 0;
	struct wshs_request r, r1;
	struct wshs_scan s = { 0 };
	int st = 0, st1;

	st1 = wshs_parse(req, n, cases[_i].allow, &r1, &used1);
	for (size_t k = 1; k <= n && st == 0; k++) {
		st = wshs_feed(&s, req, k, cases[_i].allow, &r, &used);
		if (st == 0)
			ck_assert_uint_eq(s.done, k);
	}
	ck_assert_msg(st == st1, "case %d: bytewise %d, at once %d", _i, st,
	    st1);
	if (st == 101) {
		ck_assert_uint_eq(used, used1);
		ck_assert_ptr_eq(r.host, r1.host);
		ck_assert_str_eq(r.accept, r1.accept);
	} else if (st != 0) {
		ck_assert_str_eq(r.why, r1.why);
	}
}
END_TEST

/* What was scanned is not looked at again: an end of header planted in
 * the part already seen is not found (a parser that rescans from the start
 * would find it, at O(n^2) for a header sent byte by byte). */
START_TEST(test_scan_once)
{
	char buf[sizeof(OK_REQ) + 2];
	struct wshs_request r;
	struct wshs_scan s = { 0 };
	size_t n = strlen(OK_REQ), used;

	memcpy(buf, OK_REQ "\r\n", n + 2);
	ck_assert_int_eq(wshs_feed(&s, buf, 20, false, &r, &used), 0);
	ck_assert_uint_eq(s.done, 20);
	memcpy(buf + 4, "\r\n\r\n", 4);
	ck_assert_int_eq(wshs_feed(&s, buf, n, false, &r, &used), 0);
	ck_assert_uint_eq(s.done, n);
	/* The real end is found where it is. */
	memcpy(buf + 4, "/ HT", 4);
	ck_assert_int_eq(wshs_feed(&s, buf, n + 2, false, &r, &used), 101);
	ck_assert_uint_eq(used, n + 2);
}
END_TEST

START_TEST(test_bare_lf)
{
	struct wshs_request r;
	struct wshs_scan s = { 0 };
	size_t used;

	/* Refused at the first bare LF, before any more comes. */
	ck_assert_int_eq(wshs_feed(&s, "GET / HTTP/1.1\nHo", 18, false, &r,
	    &used), 400);
	ck_assert_str_eq(r.why, "bare LF line end");
	ck_assert_uint_eq(s.done, 15);
}
END_TEST

START_TEST(test_too_large)
{
	struct wshs_request r;
	char *big = malloc(WSHS_MAX);
	size_t used;

	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	memset(big + 19, 'a', WSHS_MAX - 19);
	ck_assert_int_eq(wshs_parse(big, WSHS_MAX - 1, false, &r, &used), 0);
	ck_assert_int_eq(wshs_parse(big, WSHS_MAX, false, &r, &used), 431);
	free(big);
}
END_TEST

START_TEST(test_response)
{
	struct wshs_request r = { .protocol = true, .accept = "abc=" };
	char out[WSHS_RESPONSE_MAX];
	size_t n;

	n = wshs_response(101, &r, out);
	out[n] = '\0';
	ck_assert_str_eq(out, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: abc=\r\n"
	    "Sec-WebSocket-Protocol: webntp.shogo82148.com\r\n\r\n");
	r.why = "no";
	n = wshs_response(426, &r, out);
	out[n] = '\0';
	ck_assert_ptr_nonnull(strstr(out, "HTTP/1.1 426 Upgrade Required\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "Sec-WebSocket-Version: 13\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "Content-Length: 3\r\n"));
	r.why = "full";
	n = wshs_response(503, &r, out);
	out[n] = '\0';
	ck_assert_ptr_nonnull(strstr(out, "HTTP/1.1 503 Service Unavailable\r\n"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wshs");
	TCase *tc = tcase_create("wshs");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_parse, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, test_bytewise, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_scan_once);
	tcase_add_test(tc, test_bare_lf);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_response);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
