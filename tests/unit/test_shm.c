/*
 * test_shm.c: the ntpd SHM writer (PROTOCOL.md section 7): fields and the
 * count protocol read back from a private segment, precision, the
 * permissions of a created segment.
 */
#include "../../src/lib/shm.c"

#include <check.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "unit.h"

START_TEST(test_write)
{
	struct shm_sample s = {
		{ 1489224310, 905049427 }, { 1489224310, 655049999 }, 1, -10
	};
	struct shm_time *t;
	int id, count;

	id = shmget(IPC_PRIVATE, sizeof(struct shm_time), IPC_CREAT | 0600);
	ck_assert_int_ne(id, -1);
	t = shmat(id, NULL, 0);
	ck_assert_ptr_ne(t, (void *)-1);
	shmctl(id, IPC_RMID, NULL);
	t->count = 41;
	shm_write(t, &s);
	count = t->count;
	ck_assert_int_eq(t->mode, 1);
	ck_assert_int_eq(count, 43);
	ck_assert_int_eq(t->valid, 1);
	ck_assert_int_eq(t->clockTimeStampSec, 1489224310);
	ck_assert_int_eq(t->clockTimeStampUSec, 905049);
	ck_assert_uint_eq(t->clockTimeStampNSec, 905049427);
	ck_assert_int_eq(t->receiveTimeStampSec, 1489224310);
	ck_assert_int_eq(t->receiveTimeStampUSec, 655049);	/* truncated */
	ck_assert_uint_eq(t->receiveTimeStampNSec, 655049999);
	/* chrony's rule: the ns fields are used when they agree. */
	ck_assert_uint_eq(t->clockTimeStampNSec / 1000,
	    (unsigned)t->clockTimeStampUSec);
	ck_assert_int_eq(t->leap, 1);
	ck_assert_int_eq(t->precision, -10);
	shm_write(t, &s);
	count = t->count;
	ck_assert_int_eq(count, 45);
	shmdt(t);
}
END_TEST

static const struct {
	int64_t	delay;
	int	want;
} prec_cases[] = {
	{ 1000000, -10 },	/* 1 ms */
	{ 976562, -11 },	/* just under 2^-10 s */
	{ 976563, -10 },
	{ 500000000, -1 },
	{ 499999999, -2 },
	{ 999999999, -1 },
	{ 1000000000, 0 },
	{ 1999999999, 0 },
	{ 2000000000, 1 },
	{ 3000000000, 1 },
	{ 1, -30 },
	{ 0, -30 },
	{ -5, -30 },
	{ INT64_MAX, 33 },
};

START_TEST(test_precision)
{
	ck_assert_int_eq(shm_precision(prec_cases[_i].delay),
	    prec_cases[_i].want);
}
END_TEST

/* A real key, far from the units ntpd, chrony and gpsd use. */
START_TEST(test_attach)
{
	struct shmid_ds ds;
	struct shm_time *t;
	struct err e = { "" };
	int id;

	t = shm_attach(251, &e);
	ck_assert_ptr_nonnull(t);
	id = shmget(SHM_KEY_BASE + 251, 0, 0);
	ck_assert_int_ne(id, -1);
	ck_assert_int_eq(shmctl(id, IPC_STAT, &ds), 0);
	ck_assert_int_eq(ds.shm_perm.mode & 0777, 0666);
	ck_assert_uint_ge(ds.shm_segsz, sizeof(struct shm_time));
	shm_detach(t);
	shmctl(id, IPC_RMID, NULL);

	ck_assert_ptr_null(shm_attach(256, &e));
	ck_assert_str_ne(e.msg, "");
	err_clear(&e);
	ck_assert_ptr_null(shm_attach(-1, &e));
	ck_assert_str_ne(e.msg, "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("shm");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_write);
	tcase_add_loop_test(tc, test_precision, 0,
	    (int)(sizeof(prec_cases) / sizeof(prec_cases[0])));
	tcase_add_test(tc, test_attach);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
