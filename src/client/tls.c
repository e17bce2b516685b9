/*
 * tls.c: -cacert FILE adds trust to the system's CAs (it does not replace
 * them). Both libcurl and libwebsockets hand us their OpenSSL SSL_CTX; the
 * file is loaded into its store. Checked once at start.
 */
#include "config.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

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
		err_set(e, "invalid -cacert \"%s\": not a readable PEM "
		    "certificate file", path);
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
