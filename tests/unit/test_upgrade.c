/*
 * test_upgrade.c: the client side of the WebSocket opening handshake
 * (src/client/upgrade.c, RFC 6455 section 4.1): the request as it goes
 * out, the key, and the judgement of hostile responses: which upgrade,
 * which wait for more bytes, which fail and why. Table-driven; the key is
 * RFC 6455's example ("the sample nonce"), with the accept value it gives.
 */
#include "../../src/client/upgrade.c"

#include <check.h>
#include "unit.h"

#define KEY	"dGhlIHNhbXBsZSBub25jZQ=="
#define ACCEPT	"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define ACC	"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
#define S101	"HTTP/1.1 101 Switching Protocols\r\n"
#define UPG	"Upgrade: websocket\r\nConnection: Upgrade\r\n"
#define PROTO	"Sec-WebSocket-Protocol: webntp.shogo82148.com\r\n"

START_TEST(test_key)
{
	char key[UPGRADE_KEY_LEN + 1], accept[WSHTTP_ACCEPT_LEN + 1];

	ck_assert_int_eq(upgrade_key((const unsigned char *)"the sample nonce",
	    key, accept), 0);
	ck_assert_str_eq(key, KEY);
	ck_assert_str_eq(accept, ACCEPT);
}
END_TEST

START_TEST(test_request)
{
	struct wsurl u;
	struct err e = { "" };
	char out[UPGRADE_REQUEST_MAX];
	const char *want =
	    "GET /ntp?x=1 HTTP/1.1\r\n"
	    "Host: [::1]:8080\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: " KEY "\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Protocol: webntp.shogo82148.com\r\n"
	    "User-Agent: webntp.shogo82148.com\r\n"
	    "\r\n";

	ck_assert_int_eq(wsurl_parse("ws://[::1]:8080/ntp?x=1", &u, &e), 0);
	ck_assert_uint_eq(upgrade_request(&u, KEY, out, sizeof(out)),
	    strlen(want));
	ck_assert_str_eq(out, want);
	/* Too small a buffer: 0, never a request cut short. */
	ck_assert_uint_eq(upgrade_request(&u, KEY, out, strlen(want)), 0);
}
END_TEST

/* The longest URL's request fits UPGRADE_REQUEST_MAX. */
START_TEST(test_request_max)
{
	char url[WSURL_MAX], out[UPGRADE_REQUEST_MAX];
	struct wsurl u;
	struct err e = { "" };
	size_t n;

	n = (size_t)snprintf(url, sizeof(url), "wss://");
	memset(url + n, 'h', 255);
	n += 255;
	n += (size_t)snprintf(url + n, sizeof(url) - n, ":65535/");
	memset(url + n, 'p', WSURL_MAX - 1 - n);
	url[WSURL_MAX - 1] = '\0';
	ck_assert_int_eq(wsurl_parse(url, &u, &e), 0);
	ck_assert_uint_gt(upgrade_request(&u, KEY, out, sizeof(out)), 0);
}
END_TEST

static const struct {
	const char	*resp;
	int		 rc;
	const char	*why;	/* a part of the error, or the frames after */
} cases[] = {
	{ S101 UPG ACC "\r\n", 1, "" },
	{ S101 UPG ACC PROTO "\r\n", 1, "" },
	/* Bytes after the header are frames, not the header's. */
	{ S101 UPG ACC "\r\n\x81\x02hi", 1, "\x81\x02hi" },
	{ "HTTP/1.1 101\r\n" UPG ACC "\r\n", 1, "" },
	{ S101 "upgrade: WebSocket\r\nconnection: keep-alive, upgrade\r\n"
	  "sec-websocket-accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  \r\n"
	  "Server: x\r\nX-Empty:\r\n\r\n", 1, "" },
	{ S101 UPG ACC "Sec-WebSocket-Extensions:\r\n\r\n", 1, "" },
	/* Incomplete: read more. */
	{ "", 0, NULL },
	{ "HTTP/", 0, NULL },
	{ S101 UPG ACC, 0, NULL },
	{ S101 UPG ACC "\r", 0, NULL },
	/* Refused. */
	{ "SSH-2.0-OpenSSH_9.2\r\n", -1, "not an HTTP response" },
	{ "H", 0, NULL },
	{ "X", -1, "not an HTTP response" },
	{ "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", -1,
	  "HTTP status 403" },
	{ "HTTP/1.1 200 OK\r\n\r\n", -1, "HTTP status 200" },
	{ "HTTP/1.0 101 Switching Protocols\r\n" UPG ACC "\r\n", -1,
	  "must be HTTP/1.1" },
	{ "HTTP/1.1 101Switching\r\n" UPG ACC "\r\n", -1, "bad HTTP status" },
	{ "HTTP/1.1 1010 x\r\n" UPG ACC "\r\n", -1, "bad HTTP status" },
	{ "HTTP/1.1 10\r\n" UPG ACC "\r\n", -1, "bad HTTP status" },
	{ "HTTP/2 101\r\n" UPG ACC "\r\n", -1, "bad HTTP status" },
	{ "HTTP/1.1 101 a\nb\r\n" UPG ACC "\r\n", -1, "bad HTTP status" },
	{ S101 "Connection: Upgrade\r\n" ACC "\r\n", -1,
	  "no Upgrade: websocket" },
	{ S101 "Upgrade: h2c\r\nConnection: Upgrade\r\n" ACC "\r\n", -1,
	  "no Upgrade: websocket" },
	{ S101 "Upgrade: websocket\r\n" ACC "\r\n", -1,
	  "no Connection: Upgrade" },
	{ S101 UPG "\r\n", -1, "no Sec-WebSocket-Accept" },
	{ S101 UPG "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo\r\n\r\n",
	  -1, "wrong Sec-WebSocket-Accept \"s3pPLMBiTxaQ9kYGzzhZRbK+xOo\"" },
	{ S101 UPG "Sec-WebSocket-Accept: S3PPLMBITXAQ9KYGZZHZRBK+XOO=\r\n\r\n",
	  -1, "wrong Sec-WebSocket-Accept" },
	{ S101 UPG ACC ACC "\r\n", -1, "more than one Sec-WebSocket-Accept" },
	{ S101 UPG ACC "Sec-WebSocket-Protocol: chat\r\n\r\n", -1,
	  "the server chose the subprotocol \"chat\", not "
	  "webntp.shogo82148.com" },
	{ S101 UPG ACC "Sec-WebSocket-Protocol: WEBNTP.shogo82148.com\r\n\r\n",
	  -1, "the server chose the subprotocol" },
	{ S101 UPG ACC PROTO PROTO "\r\n", -1, "the server chose" },
	{ S101 UPG ACC "Sec-WebSocket-Protocol: webntp.shogo82148.com, x\r\n"
	  "\r\n", -1, "the server chose" },
	{ S101 UPG ACC "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
	  -1, "the extension \"permessage-deflate\", which was not offered" },
	{ S101 UPG ACC " folded\r\n\r\n", -1, "a folded line" },
	{ S101 UPG "X: a\r\n\tb: c\r\n" ACC "\r\n", -1, "a folded line" },
	{ S101 UPG ACC "Bad Name: x\r\n\r\n", -1, "a bad name" },
	{ S101 UPG ACC "NoColon\r\n\r\n", -1, "a line without a name" },
	{ S101 UPG ACC ": x\r\n\r\n", -1, "a line without a name" },
	{ S101 UPG ACC "X: a\rb\r\n\r\n", -1, "a bare CR" },
	{ S101 UPG ACC "X: a\nb\r\n\r\n", -1, "a control character" },
	{ S101 UPG ACC "X: \x1b[31m\r\n\r\n", -1, "a control character" },
};

START_TEST(test_response)
{
	const char *r = cases[_i].resp;
	struct err e = { "" };
	size_t used = 99;
	int rc;

	rc = upgrade_response(r, strlen(r), ACCEPT, &used, &e);
	ck_assert_msg(rc == cases[_i].rc, "case %d: %d, not %d (%s)", _i, rc,
	    cases[_i].rc, e.msg);
	if (rc == 1) {
		ck_assert_str_eq(e.msg, "");
		ck_assert_str_eq(r + used, cases[_i].why);
	} else if (rc == 0) {
		ck_assert_str_eq(e.msg, "");
		ck_assert_uint_eq(used, 0);
	} else {
		ck_assert_uint_eq(used, 0);
		ck_assert_msg(strstr(e.msg, cases[_i].why) != NULL,
		    "case %d: \"%s\" lacks \"%s\"", _i, e.msg, cases[_i].why);
	}
}
END_TEST

/* The header's bound: a complete one of exactly UPGRADE_MAX bytes is
 * taken; one byte more, or no end within it, is refused, not waited for. */
START_TEST(test_bound)
{
	static char buf[UPGRADE_MAX + 64];
	const char *head = S101 UPG ACC "X-Pad: ";
	struct err e = { "" };
	size_t used, n = strlen(head);

	memcpy(buf, head, n);
	memset(buf + n, 'p', UPGRADE_MAX - n - 4);
	memcpy(buf + UPGRADE_MAX - 4, "\r\n\r\n", 4);
	ck_assert_int_eq(upgrade_response(buf, UPGRADE_MAX, ACCEPT, &used, &e),
	    1);
	ck_assert_uint_eq(used, UPGRADE_MAX);

	memset(buf + n, 'p', UPGRADE_MAX - n - 3);
	memcpy(buf + UPGRADE_MAX - 3, "\r\n\r\n", 4);
	ck_assert_int_eq(upgrade_response(buf, UPGRADE_MAX - 1, ACCEPT, &used,
	    &e), 0);
	ck_assert_int_eq(upgrade_response(buf, UPGRADE_MAX + 1, ACCEPT, &used,
	    &e), -1);
	ck_assert_str_eq(e.msg, "the response header is longer than 8192 "
	    "bytes");
}
END_TEST

/* Byte by byte, a valid response waits until its last byte. */
START_TEST(test_trickle)
{
	const char *r = S101 UPG ACC PROTO "\r\n";
	struct err e = { "" };
	size_t used, n = strlen(r);

	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(upgrade_response(r, i, ACCEPT, &used, &e), 0);
	ck_assert_int_eq(upgrade_response(r, n, ACCEPT, &used, &e), 1);
	ck_assert_uint_eq(used, n);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("upgrade");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_key);
	tcase_add_test(tc, test_request);
	tcase_add_test(tc, test_request_max);
	tcase_add_loop_test(tc, test_response, 0, (int)NITEMS(cases));
	tcase_add_test(tc, test_bound);
	tcase_add_test(tc, test_trickle);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
