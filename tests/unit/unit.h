/*
 * unit.h: helpers shared by the Check unit tests: where the test data is,
 * scratch directories under the build tree (so `make distcheck` passes), and
 * small file utilities.
 */
#ifndef WEBNTP_UNIT_H
#define WEBNTP_UNIT_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* tests/data in the source tree: $top_srcdir (set by `make check`), else the
 * configured source directory. */
static inline const char *
unit_data(const char *name)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");

	if (top == NULL || top[0] == '\0')
		top = UNIT_TOP_SRCDIR;
	if (snprintf(path, sizeof(path), "%s/tests/data/%s", top, name) >=
	    (int)sizeof(path))
		ck_abort_msg("path too long");
	return path;
}

/* A fresh directory under the build tree, as an absolute path (file://
 * URLs need one). */
static inline void
unit_tmpdir(char *out, size_t cap)
{
	char cwd[4096];
	const char *top = getenv("top_builddir");

	if (top == NULL || top[0] == '\0') {
		ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
		top = cwd;
	}
	ck_assert_int_lt(snprintf(out, cap, "%s/tests/unit/tmp-XXXXXX", top),
	    (int)cap);
	ck_assert_msg(mkdtemp(out) != NULL, "mkdtemp %s: %s", out,
	    strerror(errno));
}

/* Remove a scratch directory and the files in it (not recursive). */
static inline void
unit_rmdir(const char *dir)
{
	char p[4096];
	struct dirent *d;
	DIR *dh = opendir(dir);

	if (dh == NULL)
		return;
	while ((d = readdir(dh)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, d->d_name) <
		    (int)sizeof(p))
			unlink(p);
	}
	closedir(dh);
	rmdir(dir);
}

/* The whole file, malloc'ed and NUL-terminated; NULL when unreadable. */
static inline char *
unit_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static inline void
unit_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static inline void
unit_copy(const char *from, const char *to)
{
	size_t len;
	char *buf = unit_slurp(from, &len);

	ck_assert_msg(buf != NULL, "%s: %s", from, strerror(errno));
	unit_write(to, buf, len);
	free(buf);
}

/* Run one suite; the exit status automake's test driver reads. */
static inline int
unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
