/*
 * cheapest.c: the cheapest FastCGI responder that still answers WebNTP
 * (doc/protocol.md sections 2 and 3, reduced to the bone), for `make bench`:
 * GET gets {"st":<now>}, HEAD a 204 with X-HTTPSTIME. Run behind the very
 * same lighttpd and Apache configs as webntp.fcgi, it is the limit of the
 * architecture, and webntp.fcgi / cheapest the share of it the real
 * responder reaches. Of the flags the configs pass, only -start-delay MS
 * is obeyed (mod_fcgid's spawning depends on it, see apache/webntp.conf);
 * the rest are ignored. Not installed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

int
main(int argc, char **argv)
{
	FCGX_Request req;
	struct timespec t;
	const char *m;
	char buf[256];
	long ms = 0;
	int i, n;

	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "-start-delay") == 0)
			ms = strtol(argv[i + 1], NULL, 10);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	if (ms > 0 && ms <= 10000) {
		t.tv_sec = ms / 1000;
		t.tv_nsec = (ms % 1000) * 1000000L;
		nanosleep(&t, NULL);
	}
	while (FCGX_Accept_r(&req) >= 0) {
		clock_gettime(CLOCK_REALTIME, &t);
		m = FCGX_GetParam("REQUEST_METHOD", req.envp);
		if (m != NULL && strcmp(m, "HEAD") == 0)
			n = snprintf(buf, sizeof(buf), "Status: 204 No Content"
			    "\r\nX-HTTPSTIME: %lld.%06ld\r\n\r\n",
			    (long long)t.tv_sec, t.tv_nsec / 1000);
		else
			n = snprintf(buf, sizeof(buf), "Status: 200 OK\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: 24\r\n\r\n{\"st\":%lld.%06ld}",
			    (long long)t.tv_sec, t.tv_nsec / 1000);
		FCGX_PutStr(buf, n, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
