/*
 * http.c: the HTTP(S) transport of the client (doc/protocol.md section 5) with
 * libcurl. One easy handle per server, reused, so every timed GET goes over
 * the connection an untimed HEAD opened first (DNS, TCP and TLS are not in
 * the delay). GET the URL as given, as go-webntp does. http_head: the
 * HEADs of the Date and X-HTTPSTIME sources (source.c), timed the same way.
 *
 * NOTES: start is read in CURLOPT_PREREQFUNCTION, which libcurl calls
 * right before it builds and sends the request, and end when it reports
 * the first response header line (CURLOPT_DEBUGFUNCTION), both with
 * CLOCK_REALTIME read in the callback. start must come before the request
 * can reach the server: then, on one clock, start <= st <= end and so
 * |offset| <= delay/2 on every sample, the bound that the minimum-delay
 * filter and any NTP daemon fed by -shm/-sock rely on. Until now start was
 * go-webntp's WroteRequest, when libcurl reports the header written: that
 * is after send() returned, and the woken server often answers before the
 * client gets the CPU back, so against a local lighttpd under load the
 * bound broke on most samples. With the prerequest time it never breaks;
 * the price is a positive bias of half the time libcurl takes to build
 * and send the request, small against a network's delay and asymmetry (the
 * figures of both: bench/results/NOTES.md). A kernel TX timestamp
 * (SO_TIMESTAMPING) would remove it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "client.h"
#include "ts.h"

struct http {
	CURL		*curl;
	const char	*url;
	struct curl_slist *nocache;	/* http_head's request headers */
	const struct client_opt *opt;
	char		 errbuf[CURL_ERROR_SIZE];
	struct err	 tls_err;
	size_t		 len;
	bool		 too_big;
	bool		 got_pre, got_out, got_in;
	struct timespec	 pre, in;
	char		 body[CLIENT_BODY_MAX];
};

static size_t
http_write(char *p, size_t size, size_t n, void *arg)
{
	struct http *h = arg;

	n *= size;
	if (n > sizeof(h->body) - h->len) {
		h->too_big = true;
		return 0;
	}
	memcpy(h->body + h->len, p, n);
	h->len += n;
	return n;
}

static int
http_debug(CURL *c, curl_infotype type, char *p, size_t n, void *arg)
{
	struct http *h = arg;

	if (type == CURLINFO_HEADER_OUT && !h->got_out) {
		h->got_out = true;
	} else if (type == CURLINFO_HEADER_IN && !h->got_in) {
		ts_now(&h->in);
		h->got_in = true;
	}
	return 0;
}

static int
http_prereq(void *arg, char *conn_primary_ip, char *conn_local_ip,
    int conn_primary_port, int conn_local_port)
{
	struct http *h = arg;

	ts_now(&h->pre);
	h->got_pre = true;
	return CURL_PREREQFUNC_OK;
}

static CURLcode
http_sslctx(CURL *c, void *ssl_ctx, void *arg)
{
	struct http *h = arg;

	if (tls_add_cafile(ssl_ctx, h->opt->cacert, &h->tls_err) == -1)
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

/* Run one transfer; the error names what went wrong. */
static int
http_perform(struct http *h, struct err *e)
{
	CURLcode rc;

	h->len = 0;
	h->too_big = false;
	h->got_pre = h->got_out = h->got_in = false;
	h->errbuf[0] = '\0';
	rc = curl_easy_perform(h->curl);
	if (rc == CURLE_OK)
		return 0;
	if (h->too_big)
		err_set(e, "the answer is longer than %d bytes",
		    CLIENT_BODY_MAX);
	else if (h->tls_err.msg[0] != '\0')
		err_set(e, "%s", h->tls_err.msg);
	else
		err_set(e, "%s", h->errbuf[0] != '\0' ? h->errbuf :
		    curl_easy_strerror(rc));
	return -1;
}

static void
http_close(void *arg)
{
	struct http *h = arg;

	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->nocache);
	free(h);
}

static void *
http_open(const char *url, const struct client_opt *o, struct err *e)
{
	struct http *h;
	long ms;
	CURL *c;

	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->curl = curl_easy_init()) == NULL) {
		err_set(e, "out of memory");
		free(h);
		return NULL;
	}
	h->opt = o;
	h->url = url;
	c = h->curl;
	ms = (long)(o->timeout_ns / 1000000);
	if (ms < 1)
		ms = 1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, CLIENT_USER_AGENT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, http_debug);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, http_prereq);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, h);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	/* HTTP/1.1 keeps one request per round trip on one connection. */
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	if (o->cacert != NULL) {
		curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, http_sslctx);
		curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, h);
	}
	/* Warm-up: connect with an untimed HEAD; its status does not matter. */
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (http_perform(h, e) == -1) {
		http_close(h);
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	return h;
}

static int
http_exchange(void *arg, struct client_exchange *x, struct err *e)
{
	struct http *h = arg;
	long status = 0;

	if (http_perform(h, e) == -1) {
		x->foreign = h->too_big;
		return -1;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		/* 204, a redirect: a web server, not WebNTP's answer. */
		x->foreign = status >= 200 && status < 400;
		err_set(e, "HTTP status %ld", status);
		return -1;
	}
	if (!h->got_pre || !h->got_out || !h->got_in) {
		err_set(e, "no request or answer seen");
		return -1;
	}
	x->start = h->pre;
	x->end = h->in;
	return reply_parse(h->body, h->len, x, e);
}

/* A header's value (its last, as a cache adds its own at the end), or
 * false when missing or longer than HTTP_HEADER_MAX. */
static bool
http_header(struct http *h, const char *name, char *out)
{
	struct curl_header *v;
	size_t n;

	if (curl_easy_header(h->curl, name, 0, CURLH_HEADER, -1, &v) !=
	    CURLHE_OK || (n = strlen(v->value)) > HTTP_HEADER_MAX)
		return false;
	memcpy(out, v->value, n + 1);
	return true;
}

int
http_head(void *arg, const char *url, struct http_head *a, struct err *e)
{
	struct http *h = arg;
	int rc;

	memset(a, 0, sizeof(*a));
	/* A cache's stored answer keeps its old Date: ask past it, as
	 * htpdate does. */
	if (h->nocache == NULL) {
		struct curl_slist *l;

		l = curl_slist_append(NULL, "Cache-Control: no-cache");
		if (l != NULL)
			h->nocache = curl_slist_append(l, "Pragma: no-cache");
		if (h->nocache == NULL) {
			curl_slist_free_all(l);
			err_set(e, "out of memory");
			return -1;
		}
	}
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->nocache);
	curl_easy_setopt(h->curl, CURLOPT_NOBODY, 1L);
	if (url != NULL)
		curl_easy_setopt(h->curl, CURLOPT_URL, url);
	rc = http_perform(h, e);
	if (rc == 0 && (!h->got_pre || !h->got_in)) {
		err_set(e, "no request or answer seen");
		rc = -1;
	}
	if (rc == 0) {
		a->start = h->pre;
		a->end = h->in;
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &a->status);
		a->has_date = http_header(h, "Date", a->date);
		a->has_httpstime = http_header(h, "X-HTTPSTIME",
		    a->httpstime);
	}
	/* Back to the GETs of client_http.exchange. */
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	if (url != NULL)
		curl_easy_setopt(h->curl, CURLOPT_URL, h->url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	return rc;
}

int
http_global_init(struct err *e)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err_set(e, "curl_global_init failed");
		return -1;
	}
	return 0;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

const struct client_transport client_http = {
	.open = http_open,
	.exchange = http_exchange,
	.close = http_close,
};
