/*
 * fuzz_upgrade.c: libFuzzer harness for the client's judgement of a
 * server's upgrade response (src/client/upgrade.c, RFC 6455 section 4.1),
 * the first bytes a WebSocket server sends, against the accept value of
 * RFC 6455's example key (the seeds carry it). `make check` runs it through
 * replay.c (tests/fuzz/corpus/upgrade/ and mutations); `make fuzz-upgrade`
 * builds the real fuzzer (clang). Besides memory errors it checks what
 * ws.c relies on: never a wait past the bound, a 101 only with its header
 * whole and in the bound, every refusal a reason that esc_text makes one
 * printable line; and the same answer for every prefix once decided.
 */
#include "config.h"

#include <string.h>

#include "client.h"
#include "esc.h"
#include "fuzz.h"

#define FUZZ_ACCEPT	"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="	/* of RFC 6455's key */

static int
fuzz_judge(const char *buf, size_t len, size_t *used)
{
	struct err e = { .msg = "" };
	char line[ERR_MSG_MAX * 4 + 1];
	int rc = upgrade_response(buf, len, FUZZ_ACCEPT, used, &e);

	switch (rc) {
	case 0:
		FUZZ_CHECK(len < UPGRADE_MAX);
		FUZZ_CHECK(*used == 0 && e.msg[0] == '\0');
		break;
	case 1:
		FUZZ_CHECK(*used >= 16 && *used <= len && *used <= UPGRADE_MAX);
		FUZZ_CHECK(memcmp(buf + *used - 4, "\r\n\r\n", 4) == 0);
		FUZZ_CHECK(memcmp(buf, "HTTP/1.1 101", 12) == 0);
		FUZZ_CHECK(e.msg[0] == '\0');
		break;
	case -1:
		FUZZ_CHECK(*used == 0 && e.msg[0] != '\0');
		esc_text(line, sizeof(line), e.msg, strlen(e.msg));
		for (size_t i = 0; line[i] != '\0'; i++)
			FUZZ_CHECK((unsigned char)line[i] >= 0x20 &&
			    line[i] != 0x7f);
		break;
	default:
		FUZZ_CHECK(!"an unexpected result");
	}
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t used, used2;
	int rc;

	if (size > 2 * UPGRADE_MAX)
		return 0;
	rc = fuzz_judge(buf, size, &used);
	/* As ws.c reads it, in pieces: a prefix never says more. */
	for (size_t cut = 1; cut < size; cut += 1 + cut / 2) {
		int rc2 = fuzz_judge(buf, cut, &used2);

		if (rc2 != 0) {
			FUZZ_CHECK(rc2 == rc);
			if (rc == 1)
				FUZZ_CHECK(used2 == used);
			break;
		}
	}
	return 0;
}
