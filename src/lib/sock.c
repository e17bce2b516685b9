/*
 * sock.c: chrony SOCK refclock samples (chrony's refclock_sock.c and
 * doc "refclock SOCK"): chronyd binds a SOCK_DGRAM Unix socket and takes
 * each datagram of exactly sizeof(struct sock_sample) with the magic as one
 * sample, reference time = tv + offset.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock.h"
#include "ts.h"

void
sock_fill(struct sock_sample *s, const struct timespec *local,
    int64_t offset_ns, int leap)
{
	memset(s, 0, sizeof(*s));
	s->tv.tv_sec = local->tv_sec;
	s->tv.tv_usec = local->tv_nsec / 1000;
	/* tv lost the sub-microsecond part of local: put it into offset. */
	s->offset = (double)(offset_ns + local->tv_nsec % 1000) / 1e9;
	s->pulse = 0;
	s->leap = leap;
	s->magic = SOCK_MAGIC;
}

int
sock_check_path(const char *path, struct err *e)
{
	struct sockaddr_un sun;

	if (path[0] == '\0' || strlen(path) >= sizeof(sun.sun_path)) {
		err_set(e, "not a socket path");
		return -1;
	}
	return 0;
}

int
sock_send(const char *path, const struct sock_sample *s, struct err *e)
{
	struct sockaddr_un sun;
	ssize_t n;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		err_set(e, "socket path \"%s\" is too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		err_setsys(e, "socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		err_setsys(e, "connect to %s", path);
		close(fd);
		return -1;
	}
	n = send(fd, s, sizeof(*s), 0);
	if (n != (ssize_t)sizeof(*s)) {
		if (n == -1)
			err_setsys(e, "send to %s", path);
		else
			err_set(e, "send to %s: short write", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
