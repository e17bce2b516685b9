/*
 * fuzz_handshake.c: libFuzzer harness for the sidecar's WebSocket opening
 * handshake (src/sidecar/wshs.c, RFC 6455 section 4.2), the first bytes a
 * client sends. `make check` runs it through replay.c (tests/fuzz/corpus/
 * handshake/ and mutations); `make fuzz` builds the real fuzzer
 * (clang). Besides memory errors it checks what the sidecar relies on.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "wshs.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	char out[WSHS_RESPONSE_MAX];

	for (int allow = 0; allow < 2; allow++) {
		struct wshs_request r;
		size_t used, n;
		int st = wshs_parse(buf, size, allow, &r, &used);

		switch (st) {
		case 0:
			FUZZ_CHECK(size < WSHS_MAX);	/* never waits forever */
			continue;
		case 101:
			FUZZ_CHECK(used >= 4 && used <= size && used <= WSHS_MAX);
			FUZZ_CHECK(memcmp(buf + used - 4, "\r\n\r\n", 4) == 0);
			FUZZ_CHECK(r.host != NULL && r.host_len > 0 &&
			    r.host_len <= WSHS_HOST_MAX);
			FUZZ_CHECK(r.host >= buf && r.host + r.host_len <= buf + used);
			FUZZ_CHECK(strlen(r.accept) == 28);
			break;
		case 400: case 403: case 405: case 426: case 431:
			FUZZ_CHECK(r.why != NULL);
			break;
		default:
			FUZZ_CHECK(!"an unexpected status");
		}
		n = wshs_response(st, &r, out);
		FUZZ_CHECK(n > 0 && n < WSHS_RESPONSE_MAX);
		FUZZ_CHECK(st == 101 ? memcmp(out + n - 4, "\r\n\r\n", 4) == 0 :
		    out[n - 1] == '\n');
	}
	return 0;
}
