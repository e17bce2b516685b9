/*
 * test_shm.c: the ntpd SHM writer (doc/protocol.md section 7): fields and the
 * count protocol read back from a private segment, precision, the
 * permissions of a created segment.
 */
#include "../../src/lib/shm.c"

#include <check.h>
#include <stdbool.h>
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

/*
 * The bytes ntpd and chrony read, at the offsets of their struct shmTime
 * (ntpd's refclock_shm.c, chrony's refclock_shm.c) on this ABI, not
 * through struct shm_time: a field the struct put elsewhere shows here.
 */
static const struct {
	const char	*name;
	size_t		 off64, off32;	/* 64-bit time_t; 32-bit */
	size_t		 size;		/* 4, or sizeof(time_t) */
	int64_t		 want;
} layout[] = {
	{ "mode", 0, 0, 4, 1 },
	{ "count", 4, 4, 4, 9 },		/* 7, bumped twice */
	{ "clockTimeStampSec", 8, 8, 0, 1489224310 },
	{ "clockTimeStampUSec", 16, 12, 4, 905049 },
	{ "receiveTimeStampSec", 24, 16, 0, 1489224309 },
	{ "receiveTimeStampUSec", 32, 20, 4, 655049 },
	{ "leap", 36, 24, 4, 2 },
	{ "precision", 40, 28, 4, -10 },
	{ "nsamples", 44, 32, 4, 0 },
	{ "valid", 48, 36, 4, 1 },
	{ "clockTimeStampNSec", 52, 40, 4, 905049427 },
	{ "receiveTimeStampNSec", 56, 44, 4, 655049999 },
	{ "dummy[0]", 60, 48, 4, 0 },
	{ "dummy[7]", 88, 76, 4, 0 },
};

START_TEST(test_layout)
{
	struct shm_sample s = {
		{ 1489224310, 905049427 }, { 1489224309, 655049999 }, 2, -10
	};
	const bool t64 = sizeof(time_t) == 8;
	unsigned char *p;
	struct shm_time *t;
	int64_t got = 0;
	int32_t i32;
	int id;

	ck_assert_uint_eq(sizeof(struct shm_time), t64 ? 96 : 80);
	id = shmget(IPC_PRIVATE, sizeof(struct shm_time), IPC_CREAT | 0600);
	ck_assert_int_ne(id, -1);
	t = shmat(id, NULL, 0);
	ck_assert_ptr_ne(t, (void *)-1);
	shmctl(id, IPC_RMID, NULL);
	p = (unsigned char *)t;
	memset(p, 0, sizeof(*t));
	memcpy(p + 4, &(int32_t){ 7 }, 4);	/* count */
	shm_write(t, &s);
	for (size_t k = 0; k < NITEMS(layout); k++) {
		size_t off = t64 ? layout[k].off64 : layout[k].off32;
		size_t size = layout[k].size != 0 ? layout[k].size :
		    sizeof(time_t);

		if (size == 8) {
			memcpy(&got, p + off, 8);
		} else {
			memcpy(&i32, p + off, 4);
			got = i32;
		}
		ck_assert_msg(got == layout[k].want, "%s at %zu: %lld, not %lld",
		    layout[k].name, off, (long long)got,
		    (long long)layout[k].want);
	}
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
	tcase_add_test(tc, test_layout);
	tcase_add_loop_test(tc, test_precision, 0,
	    (int)(sizeof(prec_cases) / sizeof(prec_cases[0])));
	tcase_add_test(tc, test_attach);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
