/*
 * test_sock.c: chrony SOCK refclock samples: the fields, and one datagram
 * per sample received on a real Unix socket bound as chronyd binds it.
 */
#include "../../src/lib/sock.c"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include "unit.h"

START_TEST(test_fill)
{
	struct timespec local = { 1489224310, 905049427 };
	struct sock_sample s;

	sock_fill(&s, &local, -250000000, 1);
	ck_assert_int_eq(s.tv.tv_sec, 1489224310);
	ck_assert_int_eq(s.tv.tv_usec, 905049);
	/* 427 ns lost by tv go into the offset. */
	ck_assert(s.offset > -0.2499995731 && s.offset < -0.2499995729);
	ck_assert_int_eq(s.pulse, 0);
	ck_assert_int_eq(s.leap, 1);
	ck_assert_int_eq(s.magic, SOCK_MAGIC);
}
END_TEST

START_TEST(test_send)
{
	struct timespec local = { 1489224310, 0 };
	struct sockaddr_un sun;
	struct sock_sample s, got;
	struct err e = { "" };
	char dir[] = "/tmp/test_sock.XXXXXX", path[64];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/chrony.sock", dir);
	/* Nobody listens yet: an error that names the path. */
	sock_fill(&s, &local, 1500000000, 0);
	ck_assert_int_eq(sock_send(path, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, path));

	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert_int_ne(fd, -1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	err_clear(&e);
	ck_assert_int_eq(sock_send(path, &s, &e), 0);
	ck_assert_int_eq(recv(fd, &got, sizeof(got) + 1, 0), sizeof(got));
	ck_assert_int_eq(got.magic, SOCK_MAGIC);
	ck_assert_int_eq(got.tv.tv_sec, 1489224310);
	ck_assert(got.offset == 1.5);
	close(fd);
	unlink(path);
	rmdir(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_fill);
	tcase_add_test(tc, test_send);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
