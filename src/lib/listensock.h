/*
 * listensock.h: the listening socket of a server's -listen flag
 * (doc/protocol.md section 0): HOST:PORT, [IPV6]:PORT or unix:PATH.
 */
#ifndef WEBNTP_LISTENSOCK_H
#define WEBNTP_LISTENSOCK_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

/* listensock_open's results. */
#define LISTENSOCK_BAD		-2	/* the spec is malformed: e says why */
#define LISTENSOCK_FAIL		-1	/* the system refused: e says why */

struct listensock {
	int	 fd;		/* -1 when closed */
	bool	 tcp;
	char	*unix_path;	/* unlinked by listensock_close; NULL for TCP */
};

/*
 * Listen on spec with the socket(2) type flags given (SOCK_NONBLOCK,
 * SOCK_CLOEXEC). A Unix socket gets mode (e.g. 0660), through umask, so
 * that it never exists with another (this changes the process's umask for
 * a moment: call it before starting threads); a socket left at PATH by a
 * dead process is removed, one that a live process listens on is not.
 * 0, or LISTENSOCK_BAD or LISTENSOCK_FAIL with e set.
 */
int	listensock_open(struct listensock *ls, const char *spec, int flags,
	    mode_t mode, struct err *e);
/*
 * The same, with prep(fd, tcp) called on the new socket before bind(2), for
 * the options that sockets accepted from it inherit (buffer sizes, MSS).
 */
int	listensock_open_prep(struct listensock *ls, const char *spec,
	    int flags, mode_t mode, void (*prep)(int fd, bool tcp),
	    struct err *e);
/* Close it and unlink its path. Safe on a closed one. */
void	listensock_close(struct listensock *ls);

#endif
