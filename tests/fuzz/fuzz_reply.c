/*
 * fuzz_reply.c: libFuzzer harness for the client's reading of a hostile
 * server's answer (src/client/reply.c; doc/protocol.md sections 2 and 5): the
 * body of an HTTP answer or one WebSocket message, at most CLIENT_BODY_MAX
 * bytes as the transports bound it. An accepted answer has a normalized
 * time within 2^40 s and leap fields in range; a refused one says why, in
 * a message that esc_text makes one printable line. reply_check_time takes
 * exactly the times from the build to a century after it, and what it
 * takes makes a sample whose offset lies within delay/2 of the truth.
 */
#include "config.h"

#include <string.h>

#include "client.h"
#include "esc.h"
#include "fuzz.h"
#include "sample.h"
#include "ts.h"

static void
fuzz_message(const struct err *e)
{
	char line[ERR_MSG_MAX * 4 + 1];
	size_t i;

	FUZZ_CHECK(e->msg[0] != '\0');
	esc_text(line, sizeof(line), e->msg, strlen(e->msg));
	for (i = 0; line[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)line[i] >= 0x20 && line[i] != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int64_t lo = WEBNTP_BUILD_EPOCH, hi = lo + CLIENT_TIME_SPAN;
	struct client_exchange x;
	struct err e = { .msg = "" };
	struct sample s;
	bool in;

	if (size > CLIENT_BODY_MAX)
		return 0;
	memset(&x, 0, sizeof(x));
	if (reply_parse((const char *)data, size, &x, &e) != 0) {
		fuzz_message(&e);
		return 0;
	}
	FUZZ_CHECK(e.msg[0] == '\0');
	FUZZ_CHECK(x.st.tv_nsec >= 0 && x.st.tv_nsec < TS_NS_PER_SEC);
	FUZZ_CHECK(x.st.tv_sec >= -TS_MAX_SEC && x.st.tv_sec <= TS_MAX_SEC);
	FUZZ_CHECK(x.li.leap >= -1000 && x.li.leap <= 1000);
	FUZZ_CHECK(x.li.step >= -1 && x.li.step <= 1);

	in = x.st.tv_sec >= lo && (x.st.tv_sec < hi ||
	    (x.st.tv_sec == hi && x.st.tv_nsec == 0));
	if (reply_check_time(&x.st, &e) != 0) {
		FUZZ_CHECK(!in);
		fuzz_message(&e);
		return 0;
	}
	FUZZ_CHECK(in && e.msg[0] == '\0');

	/* The server read st 1 ms after start and 2 ms before end. */
	x.start = x.st;
	ts_add_ns(&x.start, -1000000);
	x.end = x.st;
	ts_add_ns(&x.end, 2000000);
	FUZZ_CHECK(sample_make(&x.start, &x.end, &x.st, &s, &e) == 0);
	FUZZ_CHECK(s.delay == 3000000);
	FUZZ_CHECK(s.offset == -500000);
	FUZZ_CHECK(s.offset <= s.delay / 2 && -s.offset <= s.delay / 2);
	return 0;
}
