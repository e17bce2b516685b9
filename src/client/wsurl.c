/*
 * wsurl.c: a ws:// or wss:// URL (RFC 6455 section 3, authority syntax of
 * RFC 3986 section 3.2) as the WebSocket transport needs it: the host for
 * DNS, SNI and the certificate check, the port, the Host header and the
 * request target. Strict, since the URL goes into a request line: nothing
 * below 0x21 or above 0x7e anywhere (non-ASCII must be percent-encoded),
 * no user info, no #fragment (section 3: "MUST NOT be used").
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client.h"

/* A host name as DNS knows it; "_" is not in RFC 1123 but names have it. */
static bool
wsurl_namechar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_';
}

int
wsurl_parse(const char *url, struct wsurl *u, struct err *e)
{
	const char *p, *auth, *aend, *h, *hend, *port = NULL, *tail;
	unsigned char addr[16];
	size_t n = strlen(url), hn, pn;
	unsigned long v = 0;

	memset(u, 0, sizeof(*u));
	if (n >= WSURL_MAX) {
		err_set(e, "URL too long");
		return -1;
	}
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			err_set(e, "cannot parse the URL: a space, control "
			    "or non-ASCII character (percent-encode it)");
			return -1;
		}
	if (strncasecmp(url, "ws://", 5) == 0) {
		auth = url + 5;
	} else if (strncasecmp(url, "wss://", 6) == 0) {
		auth = url + 6;
		u->tls = true;
	} else {
		err_set(e, "cannot parse the URL: not ws:// or wss://");
		return -1;
	}
	if (strchr(url, '#') != NULL) {
		err_set(e, "cannot parse the URL: a WebSocket URL has no "
		    "#fragment");
		return -1;
	}
	aend = auth + strcspn(auth, "/?");
	if (memchr(auth, '@', (size_t)(aend - auth)) != NULL) {
		err_set(e, "cannot parse the URL: user info is not supported");
		return -1;
	}
	if (*auth == '[') {
		h = auth + 1;
		hend = memchr(h, ']', (size_t)(aend - h));
		if (hend == NULL) {
			err_set(e, "cannot parse the URL: no ] after an IPv6 "
			    "address");
			return -1;
		}
		p = hend + 1;
		u->ipv6 = true;
	} else {
		h = auth;
		hend = memchr(h, ':', (size_t)(aend - h));
		if (hend == NULL)
			hend = aend;
		p = hend;
	}
	if (p < aend) {
		if (*p != ':') {
			err_set(e, "cannot parse the URL: bad port");
			return -1;
		}
		port = p + 1;
	}
	hn = (size_t)(hend - h);
	if (hn == 0) {
		err_set(e, "cannot parse the URL: no host");
		return -1;
	}
	if (hn >= sizeof(u->host)) {
		err_set(e, "cannot parse the URL: host name too long");
		return -1;
	}
	memcpy(u->host, h, hn);
	u->host[hn] = '\0';
	if (u->ipv6) {
		if (inet_pton(AF_INET6, u->host, addr) != 1) {
			err_set(e, "cannot parse the URL: bad IPv6 address");
			return -1;
		}
		u->ip = true;
	} else {
		for (size_t i = 0; i < hn; i++)
			if (!wsurl_namechar((unsigned char)h[i])) {
				err_set(e, "cannot parse the URL: bad host "
				    "name");
				return -1;
			}
		u->ip = inet_pton(AF_INET, u->host, addr) == 1;
	}

	u->port = u->tls ? 443 : 80;
	pn = port != NULL ? (size_t)(aend - port) : 0;
	if (pn > 0) {
		for (size_t i = 0; i < pn; i++) {
			if (port[i] < '0' || port[i] > '9' || i >= 5) {
				err_set(e, "cannot parse the URL: bad port");
				return -1;
			}
			v = v * 10 + (unsigned long)(port[i] - '0');
		}
		if (v == 0 || v > 65535) {
			err_set(e, "cannot parse the URL: port out of range");
			return -1;
		}
		u->port = (int)v;
	}

	/* Host: the port only when not the scheme's (RFC 6455 4.1, item 4). */
	if (u->port == (u->tls ? 443 : 80))
		snprintf(u->hostport, sizeof(u->hostport), u->ipv6 ? "[%s]" :
		    "%s", u->host);
	else
		snprintf(u->hostport, sizeof(u->hostport), u->ipv6 ?
		    "[%s]:%d" : "%s:%d", u->host, u->port);
	tail = aend;
	snprintf(u->target, sizeof(u->target), "%s%s", *tail == '/' ? "" :
	    "/", tail);
	return 0;
}
