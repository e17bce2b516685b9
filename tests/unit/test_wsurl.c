/*
 * test_wsurl.c: the client's reading of ws:// and wss:// URLs
 * (src/client/wsurl.c; RFC 6455 section 3, RFC 3986 section 3.2): host,
 * port, the Host header (the port only when not the scheme's, IPv6 in
 * brackets), the request target; and what is refused, with its reason.
 */
#include "../../src/client/wsurl.c"

#include <check.h>
#include "unit.h"

static const struct {
	const char	*url;
	bool		 tls, ip, ipv6;
	int		 port;
	const char	*host, *hostport, *target;
} goods[] = {
	{ "ws://127.0.0.1:8080/", false, true, false, 8080, "127.0.0.1",
	  "127.0.0.1:8080", "/" },
	{ "ws://127.0.0.1:8080", false, true, false, 8080, "127.0.0.1",
	  "127.0.0.1:8080", "/" },
	{ "ws://example.com/", false, false, false, 80, "example.com",
	  "example.com", "/" },
	{ "ws://example.com:80/x", false, false, false, 80, "example.com",
	  "example.com", "/x" },
	{ "wss://example.com/", true, false, false, 443, "example.com",
	  "example.com", "/" },
	{ "wss://example.com:443", true, false, false, 443, "example.com",
	  "example.com", "/" },
	{ "wss://example.com:80/", true, false, false, 80, "example.com",
	  "example.com:80", "/" },
	{ "ws://example.com:443/", false, false, false, 443, "example.com",
	  "example.com:443", "/" },
	{ "WS://Example.COM/", false, false, false, 80, "Example.COM",
	  "Example.COM", "/" },
	{ "wsS://h/", true, false, false, 443, "h", "h", "/" },
	{ "ws://h:/", false, false, false, 80, "h", "h", "/" },
	{ "ws://[::1]:8080/ntp", false, true, true, 8080, "::1", "[::1]:8080",
	  "/ntp" },
	{ "ws://[::1]/", false, true, true, 80, "::1", "[::1]", "/" },
	{ "wss://[2001:db8::1]:443/", true, true, true, 443, "2001:db8::1",
	  "[2001:db8::1]", "/" },
	{ "ws://[::ffff:127.0.0.1]:1/", false, true, true, 1,
	  "::ffff:127.0.0.1", "[::ffff:127.0.0.1]:1", "/" },
	{ "ws://h:65535/a/b?c=d&e=%20f", false, false, false, 65535, "h",
	  "h:65535", "/a/b?c=d&e=%20f" },
	{ "ws://h?x=1", false, false, false, 80, "h", "h", "/?x=1" },
	{ "ws://h:1?x=1", false, false, false, 1, "h", "h:1", "/?x=1" },
	{ "ws://my_host-1.local/", false, false, false, 80, "my_host-1.local",
	  "my_host-1.local", "/" },
	/* A name, not an IPv4 address (inet_pton: four parts). */
	{ "ws://1.2.3/", false, false, false, 80, "1.2.3", "1.2.3", "/" },
	{ "ws://h:00080/", false, false, false, 80, "h", "h", "/" },
};

START_TEST(test_good)
{
	struct wsurl u;
	struct err e = { "" };

	ck_assert_msg(wsurl_parse(goods[_i].url, &u, &e) == 0, "%s: %s",
	    goods[_i].url, e.msg);
	ck_assert_str_eq(e.msg, "");
	ck_assert_int_eq(u.tls, goods[_i].tls);
	ck_assert_int_eq(u.ip, goods[_i].ip);
	ck_assert_int_eq(u.ipv6, goods[_i].ipv6);
	ck_assert_int_eq(u.port, goods[_i].port);
	ck_assert_str_eq(u.host, goods[_i].host);
	ck_assert_str_eq(u.hostport, goods[_i].hostport);
	ck_assert_str_eq(u.target, goods[_i].target);
}
END_TEST

static const struct {
	const char	*url;
	const char	*why;	/* a part of the error */
} bads[] = {
	{ "http://h/", "not ws:// or wss://" },
	{ "ws:/h/", "not ws:// or wss://" },
	{ "ws://", "no host" },
	{ "ws:///x", "no host" },
	{ "ws://:80/", "no host" },
	{ "ws://[]/", "no host" },
	{ "ws://[::1/", "no ] after an IPv6 address" },
	{ "ws://[::1]x/", "bad port" },
	{ "ws://[::1]:x/", "bad port" },
	{ "ws://[fe80::1%25eth0]/", "bad IPv6 address" },
	{ "ws://[1.2.3.4]/", "bad IPv6 address" },
	{ "ws://::1/", "no host" },
	{ "ws://h:0/", "port out of range" },
	{ "ws://h:65536/", "port out of range" },
	{ "ws://h:123456/", "bad port" },
	{ "ws://h:-1/", "bad port" },
	{ "ws://h:8a/", "bad port" },
	{ "ws://user@h/", "user info" },
	{ "ws://user:pw@h:1/", "user info" },
	{ "ws://h/#frag", "#fragment" },
	{ "ws://h/a b", "a space, control or non-ASCII character" },
	{ "ws://h/a\r\nX-Injected: 1", "a space, control" },
	{ "ws://h/\x7f", "non-ASCII" },
	{ "ws://h\xc3\xa9/", "non-ASCII" },
	{ "ws://h%41/", "bad host name" },
	{ "ws://h!/", "bad host name" },
	{ "ws://h,i/", "bad host name" },
};

START_TEST(test_bad)
{
	struct wsurl u;
	struct err e = { "" };

	ck_assert_int_eq(wsurl_parse(bads[_i].url, &u, &e), -1);
	ck_assert_msg(strstr(e.msg, bads[_i].why) != NULL,
	    "%s: \"%s\" lacks \"%s\"", bads[_i].url, e.msg, bads[_i].why);
}
END_TEST

/* Bounds: the URL (it goes into the request line), the host name. */
START_TEST(test_long)
{
	char url[WSURL_MAX + 16];
	struct wsurl u;
	struct err e = { "" };
	size_t n;

	n = (size_t)snprintf(url, sizeof(url), "ws://h/");
	memset(url + n, 'a', WSURL_MAX - 1 - n);
	url[WSURL_MAX - 1] = '\0';
	ck_assert_int_eq(wsurl_parse(url, &u, &e), 0);
	ck_assert_uint_eq(strlen(u.target), WSURL_MAX - 1 - 6);
	url[WSURL_MAX - 1] = 'a';
	url[WSURL_MAX] = '\0';
	ck_assert_int_eq(wsurl_parse(url, &u, &e), -1);
	ck_assert_str_eq(e.msg, "URL too long");

	err_clear(&e);
	n = (size_t)snprintf(url, sizeof(url), "ws://");
	memset(url + n, 'h', 255);
	strcpy(url + n + 255, "/");
	ck_assert_int_eq(wsurl_parse(url, &u, &e), 0);
	ck_assert_uint_eq(strlen(u.host), 255);
	memset(url + n, 'h', 256);
	strcpy(url + n + 256, "/");
	ck_assert_int_eq(wsurl_parse(url, &u, &e), -1);
	ck_assert_str_eq(e.msg, "cannot parse the URL: host name too long");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wsurl");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_good, 0, (int)NITEMS(goods));
	tcase_add_loop_test(tc, test_bad, 0, (int)NITEMS(bads));
	tcase_add_test(tc, test_long);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
