/*
 * test_listensock.c: the -listen socket (doc/protocol.md section 0): malformed
 * specs refused with why, a Unix socket with its mode and without a stale
 * predecessor, a live one left alone, TCP on IPv4 and IPv6.
 */
#include "listensock.c"

#include <sys/un.h>

#include "unit.h"

/* Unix socket paths are short (107 bytes): a directory of their own in
 * TMPDIR, as tests/integration/web.sh does. */
static char dir[256];

static void
sock_dir(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/webntp-ls.XXXXXX",
	    t != NULL && t[0] != '\0' ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static const struct {
	const char	*spec;	/* "@" is dir */
	int		 want;
	const char	*err;	/* NULL: only a prefix is checked */
} bads[] = {
	{ "", LISTENSOCK_BAD, "not HOST:PORT, [IPV6]:PORT or unix:PATH" },
	{ "localhost", LISTENSOCK_BAD,
	    "not HOST:PORT, [IPV6]:PORT or unix:PATH" },
	{ ":9000", LISTENSOCK_BAD, "not HOST:PORT, [IPV6]:PORT or unix:PATH" },
	{ "127.0.0.1:0", LISTENSOCK_BAD,
	    "not HOST:PORT, [IPV6]:PORT or unix:PATH" },
	{ "127.0.0.1:65536", LISTENSOCK_BAD,
	    "not HOST:PORT, [IPV6]:PORT or unix:PATH" },
	{ "[::1:9000", LISTENSOCK_BAD,
	    "not HOST:PORT, [IPV6]:PORT or unix:PATH" },
	{ "unix:", LISTENSOCK_BAD, "a socket path is 1 to 107 bytes" },
	{ "unix:@/no/such/dir/s.sock", LISTENSOCK_BAD,
	    "no directory @/no/such/dir" },
	{ "unix:@/file", LISTENSOCK_BAD, "@/file exists and is not a socket" },
};

static void
expand(char *out, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < cap; s++) {
		if (*s == '@') {
			n += (size_t)snprintf(out + n, cap - n, "%s", dir);
			if (n >= cap)
				n = cap - 1;
		} else
			out[n++] = *s;
	}
	out[n] = '\0';
}

START_TEST(test_bad)
{
	struct listensock ls;
	struct err e = { .msg = "" };
	char spec[512], want[512], f[512];

	sock_dir();
	snprintf(f, sizeof(f), "%s/file", dir);
	unit_write(f, "x", 1);
	expand(spec, sizeof(spec), bads[_i].spec);
	expand(want, sizeof(want), bads[_i].err);
	ck_assert_int_eq(listensock_open(&ls, spec, SOCK_CLOEXEC, 0660, &e),
	    bads[_i].want);
	ck_assert_str_eq(e.msg, want);
	ck_assert_int_eq(ls.fd, -1);
	unit_rmdir(dir);
}
END_TEST

START_TEST(test_too_long)
{
	struct listensock ls;
	struct err e = { .msg = "" };
	char spec[256];

	memset(spec, 'x', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	memcpy(spec, "unix:/", 6);
	ck_assert_int_eq(listensock_open(&ls, spec, 0, 0660, &e),
	    LISTENSOCK_BAD);
	ck_assert_str_eq(e.msg, "a socket path is 1 to 107 bytes");
}
END_TEST

static int
sock_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), rc;

	strcpy(sun.sun_path, path);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return rc;
}

START_TEST(test_unix)
{
	struct listensock ls, ls2;
	struct err e = { .msg = "" };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char spec[512], path[300];
	struct stat st;
	mode_t um;
	int fd;

	sock_dir();
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	/* A stale socket: bound, never listened on, closed. */
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	um = umask(022);
	ck_assert_int_eq(listensock_open(&ls, spec, SOCK_CLOEXEC, 0660, &e), 0);
	ck_assert_int_eq(umask(um), 022);	/* given back */
	ck_assert_int_ge(ls.fd, 0);
	ck_assert(!ls.tcp);
	ck_assert_str_eq(ls.unix_path, path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0660);
	ck_assert_int_eq(sock_connect(path), 0);
	/* A live one is not taken over. */
	ck_assert_int_eq(listensock_open(&ls2, spec, 0, 0660, &e),
	    LISTENSOCK_FAIL);
	ck_assert_str_eq(strstr(e.msg, "another process listens there") != NULL ?
	    "found" : e.msg, "found");
	ck_assert_int_eq(sock_connect(path), 0);
	listensock_close(&ls);
	ck_assert_int_ne(stat(path, &st), 0);	/* unlinked */
	listensock_close(&ls);			/* twice is fine */
	unit_rmdir(dir);
}
END_TEST

static const char *tcps[] = { "127.0.0.1", "localhost", "[::1]" };

START_TEST(test_tcp)
{
	struct listensock ls;
	struct err e = { .msg = "" };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char spec[64];
	int fd, port;

	/* [::1] only where IPv6 is up. */
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (_i == 2 && (fd < 0 || bind(fd, (struct sockaddr *)&(struct
	    sockaddr_in6){ .sin6_family = AF_INET6, .sin6_addr =
	    IN6ADDR_LOOPBACK_INIT }, sizeof(struct sockaddr_in6)) != 0)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	/* A port the kernel picks, then freed for us. */
	fd = socket(_i == 2 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (_i == 2) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
		    .sin6_addr = IN6ADDR_LOOPBACK_INIT };

		ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET,
		    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	}
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	close(fd);
	snprintf(spec, sizeof(spec), "%s:%d", tcps[_i], port);
	ck_assert_msg(listensock_open(&ls, spec, SOCK_CLOEXEC, 0660, &e) == 0,
	    "%s: %s", spec, e.msg);
	ck_assert(ls.tcp);
	ck_assert_ptr_null(ls.unix_path);
	listensock_close(&ls);
	ck_assert_int_eq(ls.fd, -1);
}
END_TEST

static Suite *
listensock_suite(void)
{
	Suite *s = suite_create("listensock");
	TCase *tc = tcase_create("open");

	tcase_add_loop_test(tc, test_bad, 0, NITEMS(bads));
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_unix);
	tcase_add_loop_test(tc, test_tcp, 0, NITEMS(tcps));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(listensock_suite());
}
