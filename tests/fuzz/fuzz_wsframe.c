/*
 * fuzz_wsframe.c: libFuzzer harness for the client's reading of a hostile
 * WebSocket server's frames (src/client/ws.c over wslay's frame layer; RFC
 * 6455 sections 5, 7.4), through its real read path on a socket pair, as
 * test_ws.c does. The first byte sets how the rest is cut into reads, the
 * second before which reads a request goes out (as ws_exchange marks one);
 * read k is dated k seconds. Besides memory errors it checks the bounds
 * ws.c keeps (an answer of at most 1024 bytes, a control payload of at
 * most 125, the output buffer), that a failure always says why in a line
 * esc_text makes printable, and that an answer is dated by a read that
 * came after its request, never before, never after the read that
 * completed it. `make fuzz-wsframe` builds the real fuzzer (clang).
 */
#include "../../src/client/ws.c"

#include <sys/socket.h>

#include "esc.h"
#include "fuzz.h"

volatile sig_atomic_t client_stop;	/* main.c's */

static struct client_opt fuzz_opt = { .samples = 1,
    .timeout_ns = TS_NS_PER_SEC };

static void
fuzz_why(const struct ws *w)
{
	char line[ERR_MSG_MAX * 4 + 1];

	FUZZ_CHECK(w->e.msg[0] != '\0');
	esc_text(line, sizeof(line), w->e.msg, strlen(w->e.msg));
	for (size_t i = 0; line[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)line[i] >= 0x20 && line[i] != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws *w;
	unsigned char sink[4096];
	size_t chunk, pos, n;
	time_t k = 1, asked = 0;
	int sv[2];

	if (size < 2 || size > 4096)
		return 0;
	chunk = 1 + data[0] % 97;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
		abort();
	if ((w = calloc(1, sizeof(*w))) == NULL)
		abort();
	w->fd = sv[0];
	w->opt = &fuzz_opt;
	if (wslay_frame_context_init(&w->fc, &ws_frame_callbacks, w) != 0)
		abort();
	/* As ws_upgraded leaves it. */
	w->phase = WS_OPEN;
	w->nreads = 1;
	for (pos = 2; pos < size && !w->failed && !w->close_rcvd && !w->eof;
	    pos += n, k++) {
		n = size - pos < chunk ? size - pos : chunk;
		if (!w->awaiting && (data[1] >> (k % 8) & 1)) {
			w->got = false;
			w->req_off = w->rxbytes;
			w->awaiting = true;
			asked = k;
		}
		if (write(sv[1], data + pos, n) != (ssize_t)n)
			abort();
		w->woke = true;
		w->wake.tv_sec = k;
		w->wake.tv_nsec = 0;
		ws_input(w);

		FUZZ_CHECK(w->rxlen <= WSHTTP_MSG_MAX &&
		    w->ctllen <= WSHTTP_CTL_MAX);
		FUZZ_CHECK(w->outoff <= w->outlen && w->outlen <= WS_OUT_MAX);
		FUZZ_CHECK(w->inoff <= w->inlen && w->inlen <= WS_IN_MAX);
		FUZZ_CHECK(!w->failed || w->e.msg[0] != '\0');
		if (w->got) {
			FUZZ_CHECK(!w->awaiting);
			FUZZ_CHECK(w->end.tv_sec >= asked &&
			    w->end.tv_sec <= k);
			w->got = false;
		}
		/* What the client answers (pongs, a close) goes out. */
		ws_flush(w);
		while (read(sv[1], sink, sizeof(sink)) > 0)
			;
	}
	if (w->failed)
		fuzz_why(w);
	ws_close(w);
	close(sv[1]);
	return 0;
}
