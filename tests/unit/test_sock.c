/*
 * test_sock.c: chrony SOCK refclock samples: the fields, and one datagram
 * per sample received on a real Unix socket bound as chronyd binds it.
 */
#include "../../src/lib/sock.c"

#include <check.h>
#include <stdbool.h>
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

/* The bytes chronyd reads, at the offsets of its struct sock_sample
 * (refclock_sock.c) on this ABI, not through struct sock_sample. */
START_TEST(test_layout)
{
	struct timespec local = { 1489224310, 905049000 };
	const bool t64 = sizeof(time_t) == 8;
	unsigned char p[sizeof(struct sock_sample)];
	struct sock_sample s;
	int64_t sec = 0, usec = 0;
	int32_t i;
	double off;

	ck_assert_uint_eq(sizeof(s), t64 ? 40 : 32);
	sock_fill(&s, &local, -250000000, 2);
	memcpy(p, &s, sizeof(s));
	memcpy(&sec, p, sizeof(time_t));
	ck_assert_int_eq(sec, 1489224310);
	memcpy(&usec, p + (t64 ? 8 : 4), t64 ? 8 : 4);
	ck_assert_int_eq(usec, 905049);
	memcpy(&off, p + (t64 ? 16 : 8), 8);
	ck_assert_double_eq(off, -0.25);
	memcpy(&i, p + (t64 ? 24 : 16), 4);
	ck_assert_int_eq(i, 0);				/* pulse */
	memcpy(&i, p + (t64 ? 28 : 20), 4);
	ck_assert_int_eq(i, 2);				/* leap */
	memcpy(&i, p + (t64 ? 32 : 24), 4);
	ck_assert_int_eq(i, 0);				/* _pad */
	memcpy(&i, p + (t64 ? 36 : 28), 4);
	ck_assert_int_eq(i, 0x534f434b);		/* magic, "SOCK" */
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
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_send);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
