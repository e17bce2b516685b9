/*
 * wshttp.c: the accept value and header lists of the WebSocket opening
 * handshake (see wshttp.h; RFC 6455 section 4.2.2, RFC 9110 section 5.6).
 * SHA-1 and base64 come from libcrypto.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "wshttp.h"

int
wshttp_accept(const char *key, size_t keylen, char *out)
{
	unsigned char in[WSHTTP_KEY_MAX + sizeof(WSHTTP_GUID)];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (keylen > WSHTTP_KEY_MAX)
		return -1;
	memcpy(in, key, keylen);
	memcpy(in + keylen, WSHTTP_GUID, sizeof(WSHTTP_GUID) - 1);
	if (EVP_Digest(in, keylen + sizeof(WSHTTP_GUID) - 1, md, &mdlen,
	    EVP_sha1(), NULL) != 1 || mdlen != 20)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, md, 20);
	return 0;
}

bool
wshttp_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

bool
wshttp_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

bool
wshttp_upgrade_field(const char *name, size_t n, const char *v, size_t vn,
    bool *upgrade, bool *connection)
{
	if (wshttp_is(name, n, "Upgrade")) {
		*upgrade = *upgrade || wshttp_list_has(v, vn, "websocket",
		    true);
		return true;
	}
	if (wshttp_is(name, n, "Connection")) {
		*connection = *connection || wshttp_list_has(v, vn, "upgrade",
		    true);
		return true;
	}
	return false;
}

bool
wshttp_has_ctl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return true;
	return false;
}

enum wshttp_field_error
wshttp_field(const char *p, const char *eol, size_t *namelen,
    const char **v, size_t *vlen)
{
	const char *colon = memchr(p, ':', (size_t)(eol - p)), *ve = eol;

	if (colon == NULL || colon == p)
		return WSHTTP_FIELD_NO_NAME;
	for (const char *q = p; q < colon; q++)
		if (!wshttp_tchar((unsigned char)*q))
			return WSHTTP_FIELD_BAD_NAME;
	if (wshttp_has_ctl(colon + 1, (size_t)(eol - colon - 1)))
		return WSHTTP_FIELD_CTL;
	*namelen = (size_t)(colon - p);
	*v = colon + 1;
	while (*v < ve && (**v == ' ' || **v == '\t'))
		(*v)++;
	while (ve > *v && (ve[-1] == ' ' || ve[-1] == '\t'))
		ve--;
	*vlen = (size_t)(ve - *v);
	return WSHTTP_FIELD_OK;
}

bool
wshttp_list_has(const char *s, size_t n, const char *tok, bool nocase)
{
	size_t i = 0, b, e, tl = strlen(tok);

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		b = i;
		while (i < n && s[i] != ',')
			i++;
		e = i;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e > b && e - b == tl && (nocase ?
		    strncasecmp(s + b, tok, tl) : strncmp(s + b, tok, tl)) == 0)
			return true;
	}
	return false;
}
