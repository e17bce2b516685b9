/*
 * esc.h: bytes that came from the network, made safe to show (doc/protocol.md
 * section 4): in a log line, an error message, a close reason. Every
 * program quotes client or server bytes through here, so no peer can forge
 * a log line, colour a terminal or hand out invalid UTF-8.
 */
#ifndef WEBNTP_ESC_H
#define WEBNTP_ESC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Escape the n bytes of in into out (cap bytes, at least 4; always
 * NUL-terminated). Printable ASCII and valid UTF-8 characters pass, but a
 * backslash becomes \\, newline, carriage return and tab become \n, \r,
 * \t, and every other byte of a control character (C0, DEL, C1, the bidi
 * overrides) or of invalid UTF-8 becomes \xHH. When out is too small, it
 * ends after a whole character or escape with "...". Returns the length.
 */
size_t	esc_text(char *out, size_t cap, const char *in, size_t n);

/*
 * The length of the longest prefix of s (len bytes) of at most max bytes
 * that does not end inside a UTF-8 character (only the cut is looked at:
 * s is assumed to be UTF-8).
 */
size_t	esc_utf8_prefix(const char *s, size_t len, size_t max);

/* Whether the len bytes of s are UTF-8 (RFC 3629). */
bool	esc_utf8_valid(const char *s, size_t len);

#endif
