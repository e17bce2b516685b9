/*
 * fuzz_hsscan.c: libFuzzer harness for the incremental scan of the
 * sidecar's opening handshake (src/sidecar/wshs.c, wshs_feed; RFC 6455
 * section 4.2): the request fed in pieces of any sizes must come out as it
 * does all at once (status, length, Host, accept value, reason), each piece
 * is scanned once (the scan never goes back), and nothing is decided before
 * the byte that decides it. `make check` runs it through replay.c over
 * tests/fuzz/corpus/hsscan/; `make fuzz` builds the real fuzzer.
 *
 * Input: byte 0 seeds the sizes of the pieces (a small generator, so every
 * split of a request is reachable), the rest is the request.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "wshs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data + 1;
	struct wshs_request r, r1;
	struct wshs_scan s = { 0 };
	size_t n, len = 0, used = 0, used1, prev = 0;
	uint32_t seed;
	int st = 0, st1;

	if (size < 1)
		return 0;
	seed = data[0] * 2654435761u + 1;
	n = size - 1;
	while (st == 0 && len < n && len < WSHS_MAX) {
		/* Pieces of 1 to 64 bytes, or up to 4 KiB now and then. */
		seed = seed * 1103515245u + 12345u;
		len += 1 + ((seed >> 16) & ((seed & 0x100) ? 4095 : 63));
		if (len > n)
			len = n;
		st = wshs_feed(&s, buf, len, false, &r, &used);
		FUZZ_CHECK(s.done >= prev && s.done <= len);
		prev = s.done;
		if (st == 0)
			FUZZ_CHECK(s.done == (len < WSHS_MAX ? len : WSHS_MAX));
	}
	/* All at once, on the bytes the pieces got to: the same. */
	st1 = wshs_parse(buf, len, false, &r1, &used1);
	FUZZ_CHECK(st == st1);
	if (st == 101) {
		FUZZ_CHECK(used == used1 && r.host == r1.host &&
		    r.host_len == r1.host_len && r.protocol == r1.protocol &&
		    strcmp(r.accept, r1.accept) == 0);
	} else if (st != 0) {
		FUZZ_CHECK(r.why != NULL && r1.why != NULL &&
		    strcmp(r.why, r1.why) == 0);
		/* ... and on all of the input, when it decided early. */
		if (len < n) {
			st1 = wshs_parse(buf, n, false, &r1, &used1);
			FUZZ_CHECK(st == st1 && strcmp(r.why, r1.why) == 0);
		}
	}
	if (st == 101 && len < n) {
		st1 = wshs_parse(buf, n, false, &r1, &used1);
		FUZZ_CHECK(st1 == 101 && used1 == used);
	}
	return 0;
}
