/*
 * replay.c: runs a libFuzzer harness without libFuzzer, so `make check`
 * exercises it with whatever compiler built the tree (under ASan/UBSan with
 * --enable-sanitizers). Feeds every file of the seed corpus
 * ($top_srcdir/tests/fuzz/corpus/<target>/, or the directories and files
 * given as arguments) and then FUZZ_MUTATIONS (default 20000) deterministic
 * pseudo-random mutations of them through LLVMFuzzerTestOneInput. A broken
 * invariant aborts, which fails the test; the input that did it is written
 * to ./replay-crash-<target> first, to replay alone (give it as argument).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define REPLAY_MAX_INPUT	(300 * 1024)
#define REPLAY_MAX_FILES	4096

struct input {
	uint8_t	*data;
	size_t	 size;
};

static struct input	inputs[REPLAY_MAX_FILES];
static size_t		ninputs;
static uint64_t		rng = 0x243f6a8885a308d3u;	/* fixed: reproducible */

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t
rnd_below(size_t n)
{
	return n == 0 ? 0 : (size_t)(rnd() % n);
}

static int
load_file(const char *path)
{
	struct input *in;
	FILE *f;
	long n;

	if (ninputs == REPLAY_MAX_FILES) {
		fprintf(stderr, "replay: more than %d inputs\n",
		    REPLAY_MAX_FILES);
		return -1;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n < 0 || n > REPLAY_MAX_INPUT) {
		fprintf(stderr, "replay: %s: too large\n", path);
		fclose(f);
		return -1;
	}
	in = &inputs[ninputs++];
	in->size = (size_t)n;
	in->data = malloc(in->size + 1);	/* never malloc(0) */
	if (in->data == NULL ||
	    fread(in->data, 1, in->size, f) != in->size) {
		fprintf(stderr, "replay: %s: read failed\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int
load(const char *path)
{
	struct dirent **names;
	struct stat st;
	char sub[4096];
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(path);
	/* Sorted: the same order, so the same mutations, every run. */
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && rc == 0) {
			snprintf(sub, sizeof(sub), "%s/%s", path,
			    names[i]->d_name);
			rc = load(sub);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static const uint8_t	*running;		/* the input being run */
static size_t		 running_size;

/* A broken invariant: keep the input (only async-signal-safe calls). */
static void
on_abort(int sig)
{
	int fd = open("replay-crash-" REPLAY_TARGET, O_WRONLY | O_CREAT |
	    O_TRUNC, 0644);

	if (fd >= 0 && running != NULL) {
		if (write(fd, running, running_size) < 0)
			(void)0;
		close(fd);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Run one input from its own heap copy, so ASan sees reads past its end. */
static void
run(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size + 1);

	memcpy(copy, data, size);
	running = copy;
	running_size = size;
	LLVMFuzzerTestOneInput(copy, size);
	running = NULL;
	free(copy);
}

static const char *const tokens[] = {
	"0", "9", ".", "-", "+", "e", "E", "e-", " ", "\t", "\n", "\r\n", "#",
	"#$ ", "#@ ", "#h ", "#NTP Time", "\0", "\xff", "\xc3\xa9", "\"", "\\",
	"1099511627776", "2272060800\t10\n", "ffffffff ", "nan", "0x",
};

/* One mutation of src into dst (dst has room for REPLAY_MAX_INPUT). */
static size_t
mutate(uint8_t *dst, const struct input *src)
{
	size_t n = src->size, pos, len;
	const struct input *other;
	const char *tok;

	memcpy(dst, src->data, n);
	for (int k = 1 + (int)rnd_below(4); k > 0; k--) {
		pos = rnd_below(n + 1);
		switch (rnd_below(8)) {
		case 0:		/* flip a bit */
			if (n > 0)
				dst[rnd_below(n)] ^= (uint8_t)(1u << rnd_below(8));
			break;
		case 1:		/* a random byte */
			if (n > 0)
				dst[rnd_below(n)] = (uint8_t)rnd();
			break;
		case 2:		/* delete a run */
			len = rnd_below(n - pos + 1);
			if (len > 16)
				len = rnd_below(17);
			memmove(dst + pos, dst + pos + len, n - pos - len);
			n -= len;
			break;
		case 3:		/* insert a token */
			tok = tokens[rnd_below(sizeof(tokens) /
			    sizeof(tokens[0]))];
			len = tok[0] == '\0' ? 1 : strlen(tok);
			if (n + len > REPLAY_MAX_INPUT)
				break;
			memmove(dst + pos + len, dst + pos, n - pos);
			memcpy(dst + pos, tok, len);
			n += len;
			break;
		case 4:		/* duplicate a chunk */
			len = rnd_below(n - pos + 1);
			if (len > 64)
				len = 64;
			if (n + len > REPLAY_MAX_INPUT)
				break;
			memmove(dst + pos + len, dst + pos, n - pos);
			memcpy(dst + pos, dst + pos + len, len);
			n += len;
			break;
		case 5:		/* cut the end */
			n = pos;
			break;
		case 6:		/* splice in part of another input */
			other = &inputs[rnd_below(ninputs)];
			len = rnd_below(other->size + 1);
			if (len > 256)
				len = 256;
			if (n + len > REPLAY_MAX_INPUT)
				break;
			memmove(dst + pos + len, dst + pos, n - pos);
			memcpy(dst + pos, other->data +
			    rnd_below(other->size - len + 1), len);
			n += len;
			break;
		default:	/* a digit changed: keeps parsers going deep */
			if (n > 0) {
				size_t i = rnd_below(n);

				if (dst[i] >= '0' && dst[i] <= '9')
					dst[i] = (uint8_t)('0' + rnd_below(10));
			}
			break;
		}
	}
	return n;
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir"), *env;
	char dir[4096];
	unsigned long nmut = 20000;
	uint8_t *buf;

	signal(SIGABRT, on_abort);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (load(argv[i]) != 0)
				return 1;
	} else {
		if (top == NULL || top[0] == '\0')
			top = REPLAY_TOP_SRCDIR;
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top,
		    REPLAY_TARGET);
		if (load(dir) != 0)
			return 1;
	}
	if (ninputs == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 1;
	}
	env = getenv("FUZZ_MUTATIONS");
	if (env != NULL)
		nmut = strtoul(env, NULL, 10);
	for (size_t i = 0; i < ninputs; i++)
		run(inputs[i].data, inputs[i].size);
	buf = malloc(REPLAY_MAX_INPUT);
	for (unsigned long i = 0; i < nmut; i++) {
		size_t n = mutate(buf, &inputs[rnd_below(ninputs)]);

		run(buf, n);
	}
	free(buf);
	printf("%s: %zu corpus inputs and %lu mutations passed\n",
	    REPLAY_TARGET, ninputs, nmut);
	for (size_t i = 0; i < ninputs; i++)
		free(inputs[i].data);
	return 0;
}
