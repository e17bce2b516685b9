/*
 * test_wshttp.c: the opening handshake's shared pieces (src/lib/wshttp.c,
 * RFC 6455 section 4.2.2, RFC 9110 section 5.6): the accept value (RFC
 * 6455's own example among them), token characters and header lists.
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

int
main(void)
{
	Suite *s = suite_create("wshttp");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_accept, 0, (int)NITEMS(accepts));
	tcase_add_loop_test(tc, test_list, 0, (int)NITEMS(lists));
	tcase_add_test(tc, test_list_bounded);
	tcase_add_test(tc, test_tchar);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
