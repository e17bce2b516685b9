# tests/fuzz: libFuzzer harnesses for every parser that reads hostile input,
# all listed here, once:
#   ts        ts_parse                       leap     leap_parse
#   answer    answer_id_set, answer_error    reply    the client's JSON reader
#   upgrade   the client's 101 check         wsframe  the client's frames (ws.c)
#   handshake the sidecar's wshs_parse       hsscan   wshs_feed in pieces
#   conn      a sidecar connection's whole life (wsconn.c on memio.h)
# A target t is tests/fuzz/fuzz_<t>.c, its corpus tests/fuzz/corpus/<t>/, the
# program sources it fuzzes FUZZ_SRC_<t> (the core's are FUZZ_LIBSRC or
# libwebntp.a), and the replay program tests/fuzz/replay_<t> below.
#  - `make check` runs each replay program: replay.c over the committed
#    corpus plus FUZZ_MUTATIONS (default 20000) deterministic mutations,
#    built like the rest of the tree (ASan/UBSan with --enable-sanitizers);
#    no clang needed.
#  - `make fuzz` builds the real fuzzers with clang -fsanitize=fuzzer,...;
#    `make fuzz-run FUZZ_SECONDS=120` runs each for that long on a copy of
#    its corpus under tests/fuzz/run/, crashers go to tests/fuzz/run/<t>-*.
FUZZ_REPLAYS = tests/fuzz/replay_ts tests/fuzz/replay_leap \
	tests/fuzz/replay_answer tests/fuzz/replay_handshake \
	tests/fuzz/replay_hsscan
if ENABLE_CLIENT
FUZZ_REPLAYS += tests/fuzz/replay_reply tests/fuzz/replay_upgrade \
	tests/fuzz/replay_wsframe
endif
if ENABLE_SIDECAR
FUZZ_REPLAYS += tests/fuzz/replay_conn
endif
FUZZ_TARGETS = $(FUZZ_REPLAYS:tests/fuzz/replay_%=%)
check_PROGRAMS += $(FUZZ_REPLAYS)
TESTS += $(FUZZ_REPLAYS)
EXTRA_DIST += tests/fuzz/fuzz.h tests/fuzz/memio.h tests/fuzz/corpus

# What each target fuzzes beside the core library.
FUZZ_SRC_ts =
FUZZ_SRC_leap =
FUZZ_SRC_answer =
FUZZ_SRC_reply = src/client/reply.c
FUZZ_SRC_upgrade = src/client/upgrade.c
# fuzz_wsframe.c includes src/client/ws.c; this is the rest of the client.
FUZZ_SRC_wsframe = src/client/measure.c src/client/http.c \
	src/client/reply.c src/client/tls.c src/client/upgrade.c \
	src/client/wsurl.c $(CLIENT_SOURCE_SRC)
FUZZ_SRC_handshake = src/sidecar/wshs.c
FUZZ_SRC_hsscan = src/sidecar/wshs.c
# fuzz_conn.c includes src/sidecar/wsconn.c.
FUZZ_SRC_conn = src/sidecar/wsframe.c src/sidecar/wsmsg.c src/sidecar/wshs.c
# Longest input and libFuzzer's per-input timeout: a handshake is up to
# WSHS_MAX (8192) bytes, a connection's life takes longer than a parse.
FUZZ_MAXLEN = 4096
FUZZ_MAXLEN_handshake = 8192
FUZZ_MAXLEN_hsscan = 8192
FUZZ_MAXLEN_conn = 8192

FUZZ_REPLAY_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/client \
	-I$(top_srcdir)/src/sidecar -I$(top_srcdir)/tests/fuzz
FUZZ_REPLAY_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS) \
	-DREPLAY_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_fuzz_replay_ts_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_ts.c
tests_fuzz_replay_ts_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_ts_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DREPLAY_TARGET='"ts"'
tests_fuzz_replay_ts_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_leap_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_leap.c
tests_fuzz_replay_leap_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_leap_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DREPLAY_TARGET='"leap"'
tests_fuzz_replay_leap_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_answer_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_answer.c
tests_fuzz_replay_answer_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_answer_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"answer"'
tests_fuzz_replay_answer_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_reply_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_reply.c \
	$(FUZZ_SRC_reply)
tests_fuzz_replay_reply_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_reply_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"reply"'
tests_fuzz_replay_reply_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_upgrade_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_upgrade.c $(FUZZ_SRC_upgrade)
tests_fuzz_replay_upgrade_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_upgrade_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"upgrade"'
tests_fuzz_replay_upgrade_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_wsframe_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_wsframe.c $(FUZZ_SRC_wsframe)
tests_fuzz_replay_wsframe_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_wsframe_CFLAGS = $(FUZZ_REPLAY_CFLAGS) $(CURL_CFLAGS) \
	$(SSL_CFLAGS) -DREPLAY_TARGET='"wsframe"'
tests_fuzz_replay_wsframe_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS) \
	$(SSL_LIBS)
EXTRA_tests_fuzz_replay_wsframe_DEPENDENCIES = src/client/ws.c
tests_fuzz_replay_handshake_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_handshake.c $(FUZZ_SRC_handshake)
tests_fuzz_replay_handshake_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_handshake_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"handshake"'
tests_fuzz_replay_handshake_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_hsscan_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_hsscan.c $(FUZZ_SRC_hsscan)
tests_fuzz_replay_hsscan_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_hsscan_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"hsscan"'
tests_fuzz_replay_hsscan_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_conn_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_conn.c \
	$(FUZZ_SRC_conn)
tests_fuzz_replay_conn_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_conn_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"conn"'
tests_fuzz_replay_conn_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS)
EXTRA_tests_fuzz_replay_conn_DEPENDENCIES = src/sidecar/wsconn.c

# The libFuzzer build compiles the library sources itself: clang's
# sanitizer runtime must not meet objects built by gcc with its own. The
# core sources a harness may need (none needs curl or threads of its own).
# The loops over FUZZ_TARGETS are GNU make's $(foreach), like the rest of
# the tree's $(addprefix).
CLANG = clang
FUZZ_SECONDS = 60
FUZZ_LIBSRC = src/lib/err.c src/lib/esc.c src/lib/ratelim.c src/lib/ts.c \
	src/lib/answer.c src/lib/leap.c src/lib/sample.c src/lib/wshttp.c
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I$(top_builddir) \
	$(FUZZ_REPLAY_CPPFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS) \
	$(CURL_CFLAGS) $(SSL_CFLAGS)
FUZZ_LIBS = $(WSLAY_LIBS) $(SSL_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) \
	$(CRYPTO_LIBS) -lm

fuzz:
	@command -v $(CLANG) >/dev/null || \
		{ echo "make fuzz: $(CLANG) not found (Debian package clang)"; exit 1; }
	@set -e; \
	$(foreach t,$(FUZZ_TARGETS), \
		echo "  CLANG    tests/fuzz/fuzz-$(t)"; \
		$(CLANG) $(FUZZ_FLAGS) -o tests/fuzz/fuzz-$(t) \
			$(top_srcdir)/tests/fuzz/fuzz_$(t).c \
			$(addprefix $(top_srcdir)/,$(FUZZ_SRC_$(t)) $(FUZZ_LIBSRC)) \
			$(FUZZ_LIBS);)

fuzz-run: fuzz
	@set -e; \
	$(foreach t,$(FUZZ_TARGETS), \
		mkdir -p tests/fuzz/run/$(t); \
		cp $(top_srcdir)/tests/fuzz/corpus/$(t)/* tests/fuzz/run/$(t)/; \
		chmod u+w tests/fuzz/run/$(t)/*; \
		echo "fuzzing $(t) for $(FUZZ_SECONDS) s"; \
		./tests/fuzz/fuzz-$(t) -max_total_time=$(FUZZ_SECONDS) \
			-max_len=$(or $(FUZZ_MAXLEN_$(t)),$(FUZZ_MAXLEN)) \
			-timeout=10 -artifact_prefix=tests/fuzz/run/$(t)- \
			-print_final_stats=1 tests/fuzz/run/$(t);)

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf tests/fuzz/run replay-crash-* tests/fuzz/fuzz-ts \
		tests/fuzz/fuzz-leap tests/fuzz/fuzz-answer tests/fuzz/fuzz-reply \
		tests/fuzz/fuzz-upgrade tests/fuzz/fuzz-wsframe \
		tests/fuzz/fuzz-handshake tests/fuzz/fuzz-hsscan \
		tests/fuzz/fuzz-conn
.PHONY: fuzz fuzz-run clean-fuzz
