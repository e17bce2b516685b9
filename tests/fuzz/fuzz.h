/*
 * fuzz.h: the libFuzzer entry point every harness in tests/fuzz defines, and
 * the check that turns a broken invariant into a crash the fuzzer (or the
 * replay driver) reports.
 */
#ifndef WEBNTP_FUZZ_H
#define WEBNTP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
