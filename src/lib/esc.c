/*
 * esc.c: network bytes made safe to show (see esc.h). UTF-8 is checked as
 * RFC 3629 defines it: no overlong forms, no surrogates, nothing above
 * U+10FFFF.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "esc.h"

/*
 * The length of the valid UTF-8 character at in (n bytes left), 0 when the
 * bytes there are not one; *cp gets its code point.
 */
static size_t
esc_utf8_char(const unsigned char *in, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c = in[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((in[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (in[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters shown escaped though valid: controls and the bidi overrides
 * and isolates that reorder what a terminal shows (CVE-2021-42574). */
static bool
esc_is_control(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* The shown form of the character or byte at in[i] into piece (16
 * bytes); returns its length, *len the input bytes it stands for. */
static size_t
esc_piece(const unsigned char *p, size_t n, size_t i, char *piece,
    size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0, l;
	uint32_t c;

	l = esc_utf8_char(p + i, n - i, &c);
	if (l == 1 && c == '\\') {
		piece[k++] = '\\';
		piece[k++] = '\\';
	} else if (l == 1 && (c == '\n' || c == '\r' || c == '\t')) {
		piece[k++] = '\\';
		piece[k++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
	} else if (l > 0 && !esc_is_control(c)) {
		memcpy(piece, p + i, l);
		k = l;
	} else {
		/* One byte at a time: the next may start a character. */
		if (l == 0)
			l = 1;
		for (size_t b = 0; b < l; b++) {
			piece[k++] = '\\';
			piece[k++] = 'x';
			piece[k++] = hex[p[i + b] >> 4];
			piece[k++] = hex[p[i + b] & 0xf];
		}
	}
	*len = l;
	return k;
}

size_t
esc_text(char *out, size_t cap, const char *in, size_t n)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, i, k, len, total = 0;
	char piece[16];

	if (cap < 4) {
		if (cap > 0)
			out[0] = '\0';
		return 0;
	}
	for (i = 0; i < n; i += len)
		total += esc_piece(p, n, i, piece, &len);
	for (i = 0; i < n; i += len) {
		k = esc_piece(p, n, i, piece, &len);
		/* Cut short: keep room for "..." after each piece, so that
		 * o + 3 < cap always holds and "..." fits. */
		if (total >= cap && o + k + 3 >= cap) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, piece, k);
		o += k;
	}
	out[o] = '\0';
	return o;
}

size_t
esc_utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	/* s[max] is the first byte left out: back up while it continues a
	 * character. */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

bool
esc_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	size_t l;

	for (size_t i = 0; i < len; i += l)
		if ((l = esc_utf8_char(p + i, len - i, &c)) == 0)
			return false;
	return true;
}
