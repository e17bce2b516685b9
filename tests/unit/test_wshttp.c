/*
 * test_wshttp.c: the opening handshake's shared pieces (src/lib/wshttp.c,
 * RFC 6455 section 4.2.2, RFC 9110 section 5.6): the accept value (RFC
 * 6455's own example among them), token characters, header lists, names
 * and the split of a header line into name and value.
 */
#include "../../src/lib/wshttp.c"

#include <check.h>
#include "unit.h"

static const struct {
	const char	*key;
	int		 rc;
	const char	*accept;
} accepts[] = {
	/* RFC 6455 section 1.3. */
	{ "dGhlIHNhbXBsZSBub25jZQ==", 0, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" },
	/* Python: base64(sha1(key + GUID)). */
	{ "AAAAAAAAAAAAAAAAAAAAAA==", 0, "ICX+Yqv66kxgM0FcWaLWlFLwTAI=" },
	{ "", 0, "Kfh9QIsMVZcl6xEPYxPHzW8SZ8w=" },
	{ "0123456789012345678901234567890123456789012345678901234567890123",
	  0, NULL },	/* WSHTTP_KEY_MAX bytes: taken */
	{ "01234567890123456789012345678901234567890123456789012345678901234",
	  -1, "" },
};

START_TEST(test_accept)
{
	char out[WSHTTP_ACCEPT_LEN + 1];
	const char *k = accepts[_i].key;

	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(wshttp_accept(k, strlen(k), out), accepts[_i].rc);
	if (accepts[_i].accept != NULL)
		ck_assert_str_eq(out, accepts[_i].accept);
	else
		ck_assert_uint_eq(strlen(out), WSHTTP_ACCEPT_LEN);
}
END_TEST

static const struct {
	const char	*list;
	const char	*tok;
	bool		 nocase;
	bool		 has;
} lists[] = {
	{ "Upgrade", "upgrade", true, true },
	{ "keep-alive, Upgrade", "upgrade", true, true },
	{ "keep-alive,upgrade,", "upgrade", true, true },
	{ " ,\t upgrade \t, x", "upgrade", true, true },
	{ "upgrade2", "upgrade", true, false },
	{ "up grade", "upgrade", true, false },
	{ "", "upgrade", true, false },
	{ ",,,", "upgrade", true, false },
	{ "Upgrade", "upgrade", false, false },
	{ "a, webntp.shogo82148.com", "webntp.shogo82148.com", false, true },
	{ "WEBNTP.shogo82148.com", "webntp.shogo82148.com", false, false },
	{ "websocket/13", "websocket", true, false },
};

START_TEST(test_list)
{
	ck_assert_int_eq(wshttp_list_has(lists[_i].list, strlen(lists[_i].list),
	    lists[_i].tok, lists[_i].nocase), lists[_i].has);
}
END_TEST

/* Only the given bytes are read: a list cut inside an element. */
START_TEST(test_list_bounded)
{
	ck_assert(!wshttp_list_has("upgradeX", 6, "upgrade", true));
	ck_assert(wshttp_list_has("upgradeX", 7, "upgrade", true));
}
END_TEST

START_TEST(test_tchar)
{
	const char *yes = "!#$%&'*+-.^_`|~09azAZ";
	const char *no = " \t\"(),/:;<=>?@[\\]{}\x7f\x80";

	for (const char *p = yes; *p != '\0'; p++)
		ck_assert_msg(wshttp_tchar((unsigned char)*p), "%c", *p);
	for (const char *p = no; *p != '\0'; p++)
		ck_assert_msg(!wshttp_tchar((unsigned char)*p), "%c", *p);
	ck_assert(!wshttp_tchar('\0'));
}
END_TEST

/* One header line (up to, not including, its CR). */
static const struct {
	const char			*line;
	enum wshttp_field_error		 want;
	const char			*name, *value;
} fields[] = {
	{ "Host: example.org", WSHTTP_FIELD_OK, "Host", "example.org" },
	{ "Host:example.org", WSHTTP_FIELD_OK, "Host", "example.org" },
	{ "Upgrade: \t websocket \t ", WSHTTP_FIELD_OK, "Upgrade",
	    "websocket" },
	{ "X-Empty:", WSHTTP_FIELD_OK, "X-Empty", "" },
	{ "X-Blank:   \t", WSHTTP_FIELD_OK, "X-Blank", "" },
	{ "A: b: c", WSHTTP_FIELD_OK, "A", "b: c" },
	{ "A: in\tside", WSHTTP_FIELD_OK, "A", "in\tside" },
	{ "no colon", WSHTTP_FIELD_NO_NAME },
	{ ": value", WSHTTP_FIELD_NO_NAME },
	{ "", WSHTTP_FIELD_NO_NAME },
	{ "Bad Name: x", WSHTTP_FIELD_BAD_NAME },
	{ "Host : x", WSHTTP_FIELD_BAD_NAME },
	{ "N\x80: x", WSHTTP_FIELD_BAD_NAME },
	{ "A: b\nc", WSHTTP_FIELD_CTL },
	{ "A: b\x7f", WSHTTP_FIELD_CTL },
	{ "A: \x1b[31m", WSHTTP_FIELD_CTL },
};

START_TEST(test_field)
{
	const char *line = fields[_i].line, *v = NULL;
	size_t n = 99, vn = 99;

	ck_assert_int_eq(wshttp_field(line, line + strlen(line), &n, &v, &vn),
	    fields[_i].want);
	if (fields[_i].want != WSHTTP_FIELD_OK)
		return;
	ck_assert_uint_eq(n, strlen(fields[_i].name));
	ck_assert(memcmp(line, fields[_i].name, n) == 0);
	ck_assert_uint_eq(vn, strlen(fields[_i].value));
	ck_assert(memcmp(v, fields[_i].value, vn) == 0);
}
END_TEST

static const struct {
	const char	*name, *value;
	bool		 is, upgrade, connection;
} upgrade_fields[] = {
	{ "Upgrade", "websocket", true, true, false },
	{ "upgrade", "h2c, WebSocket", true, true, false },
	{ "Upgrade", "websocket2", true, false, false },
	{ "Connection", "keep-alive, Upgrade", true, false, true },
	{ "CONNECTION", "close", true, false, false },
	{ "Host", "websocket", false, false, false },
	{ "Upgrade-Insecure-Requests", "1", false, false, false },
};

START_TEST(test_upgrade_field)
{
	bool up = false, conn = false;
	const char *n = upgrade_fields[_i].name, *v = upgrade_fields[_i].value;

	ck_assert_int_eq(wshttp_upgrade_field(n, strlen(n), v, strlen(v), &up,
	    &conn), upgrade_fields[_i].is);
	ck_assert_int_eq(up, upgrade_fields[_i].upgrade);
	ck_assert_int_eq(conn, upgrade_fields[_i].connection);
	/* Once set, a later field does not clear it. */
	up = conn = true;
	wshttp_upgrade_field(n, strlen(n), "x", 1, &up, &conn);
	ck_assert(up && conn);
}
END_TEST

START_TEST(test_is)
{
	ck_assert(wshttp_is("Upgrade", 7, "upgrade"));
	ck_assert(wshttp_is("SEC-WEBSOCKET-KEY", 17, "Sec-WebSocket-Key"));
	ck_assert(!wshttp_is("Upgrade", 6, "upgrade"));
	ck_assert(!wshttp_is("Upgrades", 8, "upgrade"));
	ck_assert(wshttp_is("HostX", 4, "Host"));	/* only n bytes */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wshttp");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_accept, 0, (int)NITEMS(accepts));
	tcase_add_loop_test(tc, test_list, 0, (int)NITEMS(lists));
	tcase_add_test(tc, test_list_bounded);
	tcase_add_test(tc, test_tchar);
	tcase_add_loop_test(tc, test_field, 0, (int)NITEMS(fields));
	tcase_add_test(tc, test_is);
	tcase_add_loop_test(tc, test_upgrade_field, 0,
	    (int)NITEMS(upgrade_fields));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
