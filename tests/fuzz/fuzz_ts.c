/*
 * fuzz_ts.c: libFuzzer harness for ts_parse (doc/protocol.md section 1), the
 * first thing that reads a client's bytes. What parses must be normalized,
 * within 2^40 s, and read back as the same microsecond after ts_format.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "ts.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timespec t, back;
	struct err e = { .msg = "" };
	char buf[TS_TEXT_MAX], again[TS_TEXT_MAX];
	size_t n;

	if (ts_parse((const char *)data, size, &t, &e) != 0) {
		FUZZ_CHECK(e.msg[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(e.msg[0] == '\0');
	FUZZ_CHECK(t.tv_nsec >= 0 && t.tv_nsec < 1000000000);
	FUZZ_CHECK(t.tv_sec >= -TS_MAX_SEC && t.tv_sec <= TS_MAX_SEC);
	FUZZ_CHECK(t.tv_sec != TS_MAX_SEC || t.tv_nsec == 0);
	n = ts_format(&t, buf);
	FUZZ_CHECK(n < TS_TEXT_MAX && n == strlen(buf));
	FUZZ_CHECK(ts_parse(buf, n, &back, &e) == 0);
	/* Read back: whole microseconds, written the same way. */
	FUZZ_CHECK(back.tv_nsec % 1000 == 0);
	FUZZ_CHECK(ts_format(&back, again) == n && memcmp(buf, again, n) == 0);
	return 0;
}
