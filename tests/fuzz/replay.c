/*
 * replay.c: runs a libFuzzer target without libFuzzer, for `make check`:
 * every file of the seed corpus ($top_srcdir/tests/fuzz/corpus/<name>, or
 * the directories given as arguments), then deterministic mutations of each
 * (bit flips, byte insertions and deletions, truncations, splices with
 * another seed, HTTP-significant bytes). Each input sits in a buffer of
 * exactly its size, so AddressSanitizer sees any read past its end.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_MUTATIONS	2000	/* per seed */
#define REPLAY_SEEDS_MAX	256
#define REPLAY_INPUT_MAX	(64 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seed {
	uint8_t	*data;
	size_t	 len;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
run(const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, data, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
}

static size_t
load(const char *dir, struct seed *s, size_t n)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL) {
		perror(dir);
		exit(99);
	}
	while ((de = readdir(d)) != NULL && n < REPLAY_SEEDS_MAX) {
		char path[4096];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		s[n].data = malloc(REPLAY_INPUT_MAX);
		s[n].len = fread(s[n].data, 1, REPLAY_INPUT_MAX, f);
		fclose(f);
		n++;
	}
	closedir(d);
	return n;
}

int
main(int argc, char **argv)
{
	static struct seed seeds[REPLAY_SEEDS_MAX];
	static const uint8_t special[] = "\r\n: ,\t\0=/[]";
	static uint8_t buf[2 * REPLAY_INPUT_MAX];
	size_t nseeds = 0, runs = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			nseeds = load(argv[i], seeds, nseeds);
	} else {
		const char *top = getenv("top_srcdir");
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s",
		    top != NULL ? top : ".", REPLAY_CORPUS);
		nseeds = load(dir, seeds, nseeds);
	}
	if (nseeds == 0) {
		fprintf(stderr, "replay: no seeds\n");
		return 99;
	}
	for (size_t i = 0; i < nseeds; i++) {
		run(seeds[i].data, seeds[i].len);
		runs++;
		for (int m = 0; m < REPLAY_MUTATIONS; m++) {
			size_t len = seeds[i].len, pos;
			int k = 1 + (int)(next() % 4);

			memcpy(buf, seeds[i].data, len);
			while (k-- > 0) {
				pos = len ? next() % (len + 1) : 0;
				switch (next() % 6) {
				case 0:		/* flip a bit */
					if (pos < len)
						buf[pos] ^= (uint8_t)(1u << (next() % 8));
					break;
				case 1:		/* insert a byte */
					if (len + 1 < sizeof(buf)) {
						memmove(buf + pos + 1, buf + pos, len - pos);
						buf[pos] = (uint8_t)next();
						len++;
					}
					break;
				case 2:		/* delete a run */
					if (pos < len) {
						size_t d = 1 + next() % 16;

						if (d > len - pos)
							d = len - pos;
						memmove(buf + pos, buf + pos + d, len - pos - d);
						len -= d;
					}
					break;
				case 3:		/* truncate */
					len = pos;
					break;
				case 4:		/* an HTTP-significant byte */
					if (pos < len)
						buf[pos] = special[next() % (sizeof(special) - 1)];
					break;
				case 5: {	/* splice in part of another seed */
					const struct seed *o = &seeds[next() % nseeds];
					size_t from = o->len ? next() % o->len : 0;
					size_t n = o->len - from;

					if (n > 64)
						n = next() % 64;
					if (len + n < sizeof(buf)) {
						memmove(buf + pos + n, buf + pos, len - pos);
						memcpy(buf + pos, o->data + from, n);
						len += n;
					}
					break;
				}
				}
			}
			run(buf, len);
			runs++;
		}
	}
	printf("replay: %zu seeds, %zu inputs, no failure\n", nseeds, runs);
	for (size_t i = 0; i < nseeds; i++)
		free(seeds[i].data);
	return 0;
}
