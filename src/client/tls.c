/*
 * tls.c: TLS for the client. -cacert FILE adds trust to the system's CAs
 * (it does not replace them), checked once at start: libcurl hands us its
 * OpenSSL SSL_CTX for https:// and the file is loaded into its store; for
 * wss:// the WebSocket transport (ws.c) gets its TLS client here: TLS 1.2
 * or later, the peer's certificate verified against the system's CAs and
 * -cacert, for the URL's host name (RFC 6125, OpenSSL's SSL_set1_host) or
 * IP address, SNI for names (RFC 6066 section 3: never an IP literal).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "client.h"

int
tls_check_cafile(const char *path, struct err *e)
{
	X509_STORE *st;
	int ok;

	st = X509_STORE_new();
	if (st == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	ok = X509_STORE_load_locations(st, path, NULL);
	X509_STORE_free(st);
	ERR_clear_error();
	if (ok != 1) {
		err_set(e, "not a readable PEM certificate file");
		return -1;
	}
	return 0;
}

int
tls_add_cafile(void *ssl_ctx, const char *path, struct err *e)
{
	if (SSL_CTX_load_verify_locations(ssl_ctx, path, NULL) != 1) {
		ERR_clear_error();
		err_set(e, "cannot load CA file %s", path);
		return -1;
	}
	return 0;
}

struct ssl_st *
tls_client(const struct client_opt *o, int fd, const struct wsurl *u,
    struct err *e)
{
	SSL_CTX *ctx;
	SSL *ssl = NULL;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto fail;
	/* Writes are retried from a buffer that may have moved. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_default_verify_paths(ctx) != 1)
		goto fail;
	if (o->cacert != NULL && tls_add_cafile(ctx, o->cacert, e) == -1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if ((ssl = SSL_new(ctx)) == NULL)
		goto fail;
	SSL_CTX_free(ctx);	/* ssl holds it */
	ctx = NULL;
	if (u->ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    u->host) != 1)
			goto fail;
	} else if (SSL_set_tlsext_host_name(ssl, u->host) != 1 ||
	    SSL_set1_host(ssl, u->host) != 1)
		goto fail;
	if (SSL_set_fd(ssl, fd) != 1)
		goto fail;
	SSL_set_connect_state(ssl);
	return ssl;
fail:
	tls_error(NULL, 0, "TLS setup failed", e);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return NULL;
}

void
tls_error(struct ssl_st *ssl, int rc, const char *what, struct err *e)
{
	int saved = errno;
	unsigned long code = ERR_peek_last_error();
	const char *reason = code != 0 ? ERR_reason_error_string(code) : NULL;
	long vr = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;
	int se = ssl != NULL && rc <= 0 ? SSL_get_error(ssl, rc) :
	    SSL_ERROR_SSL;

	if (vr != X509_V_OK)
		err_set(e, "certificate verify failed: %s",
		    X509_verify_cert_error_string(vr));
	else if (reason != NULL)
		err_set(e, "%s: %s", what, reason);
	else if (se == SSL_ERROR_SYSCALL && saved != 0) {
		errno = saved;
		err_setsys(e, "%s", what);
	} else if (se == SSL_ERROR_SYSCALL || se == SSL_ERROR_ZERO_RETURN)
		err_set(e, "%s: the server closed the connection", what);
	else
		err_set(e, "%s", what);
	ERR_clear_error();
}
