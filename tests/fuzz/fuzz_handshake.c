/*
 * fuzz_handshake.c: libFuzzer entry point for the sidecar's WebSocket
 * opening handshake (src/sidecar/wshs.c, RFC 6455 section 4.2). Build with
 * clang -fsanitize=fuzzer,address to fuzz for real; `make check` runs it
 * through replay.c over a seed corpus and deterministic mutations.
 * Besides memory errors it checks what the sidecar relies on.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wshs.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
			if (size >= WSHS_MAX)
				abort();	/* must not wait forever */
			continue;
		case 101:
			if (used < 4 || used > size || used > WSHS_MAX ||
			    memcmp(buf + used - 4, "\r\n\r\n", 4) != 0)
				abort();
			if (r.host == NULL || r.host_len == 0 ||
			    r.host_len > WSHS_HOST_MAX || r.host < buf ||
			    r.host + r.host_len > buf + used)
				abort();
			if (strlen(r.accept) != 28)
				abort();
			break;
		case 400: case 403: case 405: case 426: case 431:
			if (r.why == NULL)
				abort();
			break;
		default:
			abort();
		}
		n = wshs_response(st, &r, out);
		if (n == 0 || n >= WSHS_RESPONSE_MAX ||
		    memcmp(out + n - (st == 101 ? 4 : 1),
		    st == 101 ? "\r\n\r\n" : "\n", st == 101 ? 4 : 1) != 0)
			abort();
	}
	return 0;
}
