# tests/fuzz: libFuzzer harnesses for the parsers that read hostile input
# (ts_parse, leap_parse, answer_id_set/answer_error).
#  - `make check` runs each through replay.c: the committed seed corpus
#    (tests/fuzz/corpus/<target>/) plus FUZZ_MUTATIONS (default 20000)
#    deterministic mutations, built like the rest of the tree (ASan/UBSan
#    with --enable-sanitizers); no clang needed.
#  - `make fuzz` builds the real fuzzers with clang -fsanitize=fuzzer,...;
#    `make fuzz-run FUZZ_SECONDS=120` runs each for that long on a copy of
#    its corpus under tests/fuzz/run/, crashers go to tests/fuzz/run/<target>-*.
FUZZ_TARGETS = ts leap answer
FUZZ_REPLAYS = tests/fuzz/replay_ts tests/fuzz/replay_leap \
	tests/fuzz/replay_answer
check_PROGRAMS += $(FUZZ_REPLAYS)
TESTS += $(FUZZ_REPLAYS)
EXTRA_DIST += tests/fuzz/fuzz.h tests/fuzz/corpus

FUZZ_REPLAY_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) \
	-DREPLAY_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_fuzz_replay_ts_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_ts.c
tests_fuzz_replay_ts_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DREPLAY_TARGET='"ts"'
tests_fuzz_replay_ts_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_leap_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_leap.c
tests_fuzz_replay_leap_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DREPLAY_TARGET='"leap"'
tests_fuzz_replay_leap_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_answer_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_answer.c
tests_fuzz_replay_answer_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"answer"'
tests_fuzz_replay_answer_LDADD = $(WEBNTP_LIB_LIBS)

# The libFuzzer build compiles the library sources itself: clang's
# sanitizer runtime must not meet objects built by gcc with its own.
CLANG = clang
FUZZ_SECONDS = 60
FUZZ_LIBSRC = $(top_srcdir)/src/lib/err.c $(top_srcdir)/src/lib/esc.c \
	$(top_srcdir)/src/lib/ts.c \
	$(top_srcdir)/src/lib/answer.c $(top_srcdir)/src/lib/leap.c
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I$(top_builddir) $(AM_CPPFLAGS) \
	$(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)

fuzz:
	@command -v $(CLANG) >/dev/null || \
		{ echo "make fuzz: $(CLANG) not found (Debian package clang)"; exit 1; }
	@for t in $(FUZZ_TARGETS); do \
		echo "  CLANG    tests/fuzz/fuzz-$$t"; \
		$(CLANG) $(FUZZ_FLAGS) -o tests/fuzz/fuzz-$$t \
			$(top_srcdir)/tests/fuzz/fuzz_$$t.c \
			$(FUZZ_LIBSRC) \
			$(JANSSON_LIBS) $(CRYPTO_LIBS) -lm || exit 1; \
	done

fuzz-run: fuzz
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p tests/fuzz/run/$$t && \
		cp $(top_srcdir)/tests/fuzz/corpus/$$t/* tests/fuzz/run/$$t/ && \
		chmod u+w tests/fuzz/run/$$t/* && \
		echo "fuzzing $$t for $(FUZZ_SECONDS) s" && \
		./tests/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) \
			-max_len=4096 -artifact_prefix=tests/fuzz/run/$$t- \
			-print_final_stats=1 tests/fuzz/run/$$t || exit 1; \
	done

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf tests/fuzz/run tests/fuzz/fuzz-ts tests/fuzz/fuzz-leap replay-crash-* \
		tests/fuzz/fuzz-answer
.PHONY: fuzz fuzz-run clean-fuzz
