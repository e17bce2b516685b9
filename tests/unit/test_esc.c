/*
 * test_esc.c: network bytes made safe to show (esc.h): what passes, what is
 * escaped, invalid UTF-8 byte by byte, truncation at a whole piece with
 * "...", and the UTF-8 prefix cut.
 */
#include "esc.c"

#include "unit.h"

static const struct {
	const char	*in;
	size_t		 n;	/* 0: strlen(in) */
	const char	*want;
} text_cases[] = {
	{ "1558915619.944235", 0, "1558915619.944235" },
	{ "1\nFAKE LOG LINE", 0, "1\\nFAKE LOG LINE" },
	{ "a\r\tb", 0, "a\\r\\tb" },
	{ "\x1b[31mred", 0, "\\x1b[31mred" },
	{ "back\\slash", 0, "back\\\\slash" },
	{ "nul\0x", 5, "nul\\x00x" },
	{ "del\x7f", 0, "del\\x7f" },
	{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },			/* é passes */
	{ "\xe2\x82\xac\xf0\x9f\x95\x90", 0, "\xe2\x82\xac\xf0\x9f\x95\x90" },
	{ "cut \xc3", 0, "cut \\xc3" },				/* half of é */
	{ "\xc0\xaf", 0, "\\xc0\\xaf" },			/* overlong / */
	{ "\xed\xa0\x80", 0, "\\xed\\xa0\\x80" },		/* surrogate */
	{ "\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80" },	/* > U+10FFFF */
	{ "\xc2\x9b" "2J", 0, "\\xc2\\x9b2J" },			/* C1 CSI */
	{ "\xe2\x80\xae" "abc", 0, "\\xe2\\x80\\xaeabc" },	/* RLO */
	{ "\xff\xfe", 0, "\\xff\\xfe" },
	{ "", 0, "" },
};

START_TEST(test_text)
{
	char out[256];
	size_t n = text_cases[_i].n != 0 ? text_cases[_i].n :
	    strlen(text_cases[_i].in);
	size_t len = esc_text(out, sizeof(out), text_cases[_i].in, n);

	ck_assert_str_eq(out, text_cases[_i].want);
	ck_assert_uint_eq(len, strlen(out));
}
END_TEST

/* Truncation: the output ends after a whole character or escape, then
 * "...", and never exceeds cap - 1 bytes. */
static const struct {
	const char	*in;
	size_t		 cap;
	const char	*want;
} cut_cases[] = {
	{ "abcdef", 7, "abcdef" },		/* fits exactly */
	{ "abcdefg", 7, "abc..." },
	{ "\n\n\n\n", 8, "\\n\\n..." },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9", 7, "\xc3\xa9\xc3\xa9\xc3\xa9" },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, "\xc3\xa9\xc3\xa9..." },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 7, "\xc3\xa9..." },
	{ "\x1b\x1b", 8, "\\x1b..." },
	{ "abc", 4, "abc" },
	{ "abcd", 4, "..." },
	{ "x", 3, "" },				/* too small a buffer */
};

START_TEST(test_cut)
{
	char out[64];
	size_t len;

	memset(out, 'Z', sizeof(out));
	len = esc_text(out, cut_cases[_i].cap, cut_cases[_i].in,
	    strlen(cut_cases[_i].in));
	ck_assert_str_eq(out, cut_cases[_i].want);
	ck_assert_uint_eq(len, strlen(out));
	ck_assert_uint_lt(len, cut_cases[_i].cap);
}
END_TEST

/* Whatever the bytes, the output is valid UTF-8 without control
 * characters: check it over every 2-byte input and random longer ones. */
static void
check_clean(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t len = esc_utf8_char((const unsigned char *)s + i, n - i,
		    &c);

		ck_assert_msg(len > 0, "invalid UTF-8 at %zu", i);
		ck_assert_msg(!esc_is_control(c), "control U+%04X", c);
		i += len;
	}
}

START_TEST(test_always_clean)
{
	char in[64], out[300];
	unsigned seed = 1;
	size_t n;

	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			n = esc_text(out, sizeof(out), in, 2);
			check_clean(out, n);
		}
	}
	for (int k = 0; k < 20000; k++) {
		size_t len = (size_t)(rand_r(&seed) % sizeof(in));

		for (size_t i = 0; i < len; i++)
			in[i] = (char)(rand_r(&seed) % 4 == 0 ? 0xc3 :
			    rand_r(&seed));
		n = esc_text(out, 1 + (size_t)(rand_r(&seed) % sizeof(out)),
		    in, len);
		check_clean(out, n);
	}
}
END_TEST

static const struct {
	const char	*s;
	size_t		 max;
	size_t		 want;
} prefix_cases[] = {
	{ "abc", 5, 3 },
	{ "abc", 2, 2 },
	{ "a\xc3\xa9", 2, 1 },			/* would cut é */
	{ "a\xc3\xa9", 3, 3 },
	{ "\xf0\x9f\x95\x90x", 3, 0 },		/* would cut a 4-byte one */
	{ "\xf0\x9f\x95\x90x", 4, 4 },
	{ "", 0, 0 },
};

START_TEST(test_prefix)
{
	ck_assert_uint_eq(esc_utf8_prefix(prefix_cases[_i].s,
	    strlen(prefix_cases[_i].s), prefix_cases[_i].max),
	    prefix_cases[_i].want);
}
END_TEST

static Suite *
esc_suite(void)
{
	Suite *s = suite_create("esc");
	TCase *tc = tcase_create("esc");

	tcase_add_loop_test(tc, test_text, 0, NITEMS(text_cases));
	tcase_add_loop_test(tc, test_cut, 0, NITEMS(cut_cases));
	tcase_add_test(tc, test_always_clean);
	tcase_add_loop_test(tc, test_prefix, 0, NITEMS(prefix_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(esc_suite());
}
