/*
 * listensock.c: the listening socket of a -listen flag (doc/protocol.md
 * section 0), parsed with serveropt_hostport.
 *
 * NOTES: a Unix socket's permissions are those of the file bind(2) creates,
 * from the umask: set around bind, so the socket never exists with a wider
 * mode, even for a moment. A socket file at PATH is only removed when
 * nothing answers a connect() on it (ECONNREFUSED: its listener is dead);
 * stealing a live server's path would leave that server unreachable.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listensock.h"
#include "serveropt.h"

/* Whether a Unix socket at path has no listener left. */
static bool
listensock_stale(const struct sockaddr_un *sun)
{
	int fd, rc;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return rc != 0 && errno == ECONNREFUSED;
}

static int
listensock_unix(struct listensock *ls, const char *spec, int flags,
    mode_t mode, void (*prep)(int, bool), struct err *e)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = spec + 5;
	char *dir, *slash;
	struct stat st;
	mode_t old;
	int fd, rc;

	if (path[0] == '\0' || strlen(path) >= sizeof(sun.sun_path)) {
		err_set(e, "a socket path is 1 to %zu bytes",
		    sizeof(sun.sun_path) - 1);
		return LISTENSOCK_BAD;
	}
	strcpy(sun.sun_path, path);
	if ((dir = strdup(path)) == NULL) {
		err_setsys(e, "%s", path);
		return LISTENSOCK_FAIL;
	}
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*(slash == dir ? slash + 1 : slash) = '\0';
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			err_set(e, "no directory %s", dir);
			free(dir);
			return LISTENSOCK_BAD;
		}
	}
	free(dir);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			err_set(e, "%s exists and is not a socket", path);
			return LISTENSOCK_BAD;
		}
		if (!listensock_stale(&sun)) {
			err_set(e, "cannot listen on %s: another process "
			    "listens there", spec);
			return LISTENSOCK_FAIL;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | flags, 0)) < 0) {
		err_setsys(e, "cannot listen on %s", spec);
		return LISTENSOCK_FAIL;
	}
	if (prep != NULL)
		prep(fd, false);
	old = umask(~mode & 0777);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0 || listen(fd, SOMAXCONN) != 0) {
		err_setsys(e, "cannot listen on %s", spec);
		if (rc == 0)
			unlink(path);
		close(fd);
		return LISTENSOCK_FAIL;
	}
	if ((ls->unix_path = strdup(path)) == NULL) {
		err_setsys(e, "cannot listen on %s", spec);
		unlink(path);
		close(fd);
		return LISTENSOCK_FAIL;
	}
	ls->fd = fd;
	return 0;
}

static int
listensock_tcp(struct listensock *ls, const char *spec, int flags,
    void (*prep)(int, bool), struct err *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *res;
	char host[256], port[8];
	long pn;
	int fd, rc, one = 1;

	if (serveropt_hostport(spec, host, sizeof(host), &pn) != 0 ||
	    host[0] == '\0') {
		err_set(e, "not HOST:PORT, [IPV6]:PORT or unix:PATH");
		return LISTENSOCK_BAD;
	}
	snprintf(port, sizeof(port), "%ld", pn);
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		err_set(e, "%s", gai_strerror(rc));
		return LISTENSOCK_BAD;
	}
	fd = socket(res->ai_family, res->ai_socktype | flags, res->ai_protocol);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (res->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
			    sizeof(one));
		if (prep != NULL)
			prep(fd, true);
	}
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		err_setsys(e, "cannot listen on %s", spec);
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return LISTENSOCK_FAIL;
	}
	freeaddrinfo(res);
	ls->fd = fd;
	ls->tcp = true;
	return 0;
}

int
listensock_open_prep(struct listensock *ls, const char *spec, int flags,
    mode_t mode, void (*prep)(int fd, bool tcp), struct err *e)
{
	memset(ls, 0, sizeof(*ls));
	ls->fd = -1;
	if (strncmp(spec, "unix:", 5) == 0)
		return listensock_unix(ls, spec, flags, mode, prep, e);
	return listensock_tcp(ls, spec, flags, prep, e);
}

int
listensock_open(struct listensock *ls, const char *spec, int flags,
    mode_t mode, struct err *e)
{
	return listensock_open_prep(ls, spec, flags, mode, NULL, e);
}

void
listensock_close(struct listensock *ls)
{
	if (ls->fd >= 0)
		close(ls->fd);
	ls->fd = -1;
	if (ls->unix_path != NULL) {
		unlink(ls->unix_path);
		free(ls->unix_path);
		ls->unix_path = NULL;
	}
}
