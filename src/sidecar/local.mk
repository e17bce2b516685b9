# src/sidecar: webntp-ws, the WebSocket sidecar, in $(sbindir) (its
# systemd unit: systemd/).
if ENABLE_SIDECAR
sbin_PROGRAMS += src/sidecar/webntp-ws
src_sidecar_webntp_ws_SOURCES = src/sidecar/sidecar.c \
	src/sidecar/wsconn.c src/sidecar/wsconn.h \
	src/sidecar/wsmsg.c src/sidecar/wsmsg.h \
	src/sidecar/wsframe.c src/sidecar/wsframe.h \
	src/sidecar/wshs.c src/sidecar/wshs.h
src_sidecar_webntp_ws_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(CRYPTO_CFLAGS)
src_sidecar_webntp_ws_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS)
endif

# Unit tests (Check; each includes its module's .c): the handshake, the
# frame checks, the messages, and one connection's life on a socket in
# memory (tests/fuzz/memio.h).
SIDECAR_UNIT_TESTS = tests/unit/test_wshs tests/unit/test_wsframe \
	tests/unit/test_wsmsg
if ENABLE_SIDECAR
SIDECAR_UNIT_TESTS += tests/unit/test_wsconn
endif
check_PROGRAMS += $(SIDECAR_UNIT_TESTS)
TESTS += $(SIDECAR_UNIT_TESTS)
SIDECAR_UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CRYPTO_CFLAGS) \
	$(JANSSON_CFLAGS) -I$(top_srcdir)/src/sidecar -I$(top_srcdir)/tests/fuzz
tests_unit_test_wshs_SOURCES = tests/unit/test_wshs.c
tests_unit_test_wshs_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_wshs_LDADD = $(WEBNTP_LIB_LIBS) $(CHECK_LIBS)
EXTRA_tests_unit_test_wshs_DEPENDENCIES = src/sidecar/wshs.c
tests_unit_test_wsframe_SOURCES = tests/unit/test_wsframe.c
tests_unit_test_wsframe_CFLAGS = $(SIDECAR_UNIT_CFLAGS)
tests_unit_test_wsframe_LDADD = $(WEBNTP_LIB_LIBS) $(CHECK_LIBS)
EXTRA_tests_unit_test_wsframe_DEPENDENCIES = src/sidecar/wsframe.c
tests_unit_test_wsmsg_SOURCES = tests/unit/test_wsmsg.c
tests_unit_test_wsmsg_CFLAGS = $(SIDECAR_UNIT_CFLAGS)
tests_unit_test_wsmsg_LDADD = $(WEBNTP_LIB_LIBS) $(CHECK_LIBS)
EXTRA_tests_unit_test_wsmsg_DEPENDENCIES = src/sidecar/wsmsg.c
tests_unit_test_wsconn_SOURCES = tests/unit/test_wsconn.c \
	src/sidecar/wsframe.c src/sidecar/wsmsg.c src/sidecar/wshs.c
tests_unit_test_wsconn_CFLAGS = $(SIDECAR_UNIT_CFLAGS)
tests_unit_test_wsconn_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS) $(CHECK_LIBS)
EXTRA_tests_unit_test_wsconn_DEPENDENCIES = src/sidecar/wsconn.c
EXTRA_DIST += tests/fuzz/memio.h

# Fuzz harnesses, replayed over tests/fuzz/corpus/<target>/ with
# tests/fuzz's replay.c in `make check` (ASan with --enable-sanitizers):
# handshake (wshs_parse at once), hsscan (wshs_feed in pieces against
# wshs_parse), conn (a connection's whole life: wsconn.c on memio.h).
# `make fuzz` builds the libFuzzer binaries, `make fuzz-run` runs them.
SIDECAR_FUZZ = handshake hsscan
SIDECAR_REPLAYS = tests/fuzz/replay_handshake tests/fuzz/replay_hsscan
if ENABLE_SIDECAR
SIDECAR_FUZZ += conn
SIDECAR_REPLAYS += tests/fuzz/replay_conn
endif
check_PROGRAMS += $(SIDECAR_REPLAYS)
TESTS += $(SIDECAR_REPLAYS)
SIDECAR_REPLAY_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/src/sidecar -I$(top_srcdir)/tests/fuzz
SIDECAR_REPLAY_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) $(JANSSON_CFLAGS) \
	-DREPLAY_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_fuzz_replay_handshake_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_handshake.c src/sidecar/wshs.c src/sidecar/wshs.h
tests_fuzz_replay_handshake_CPPFLAGS = $(SIDECAR_REPLAY_CPPFLAGS)
tests_fuzz_replay_handshake_CFLAGS = $(SIDECAR_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"handshake"'
tests_fuzz_replay_handshake_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_hsscan_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_hsscan.c src/sidecar/wshs.c src/sidecar/wshs.h
tests_fuzz_replay_hsscan_CPPFLAGS = $(SIDECAR_REPLAY_CPPFLAGS)
tests_fuzz_replay_hsscan_CFLAGS = $(SIDECAR_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"hsscan"'
tests_fuzz_replay_hsscan_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_conn_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_conn.c \
	src/sidecar/wsframe.c src/sidecar/wsmsg.c src/sidecar/wshs.c
tests_fuzz_replay_conn_CPPFLAGS = $(SIDECAR_REPLAY_CPPFLAGS)
tests_fuzz_replay_conn_CFLAGS = $(SIDECAR_REPLAY_CFLAGS) \
	-DREPLAY_TARGET='"conn"'
tests_fuzz_replay_conn_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS)
EXTRA_tests_fuzz_replay_conn_DEPENDENCIES = src/sidecar/wsconn.c

# The libFuzzer build compiles its sources itself (see tests/fuzz/local.mk).
SIDECAR_FUZZ_SRC_handshake = src/sidecar/wshs.c src/lib/wshttp.c
SIDECAR_FUZZ_SRC_hsscan = src/sidecar/wshs.c src/lib/wshttp.c
SIDECAR_FUZZ_SRC_conn = src/sidecar/wsframe.c src/sidecar/wsmsg.c \
	src/sidecar/wshs.c src/lib/wshttp.c src/lib/err.c src/lib/esc.c \
	src/lib/ratelim.c \
	src/lib/ts.c src/lib/answer.c src/lib/leap.c
fuzz: fuzz-sidecar
fuzz-sidecar:
	@command -v $(CLANG) >/dev/null || \
		{ echo "make fuzz: $(CLANG) not found (Debian package clang)"; exit 1; }
	@set -e; for t in $(SIDECAR_FUZZ); do \
		case $$t in \
		handshake) src="$(SIDECAR_FUZZ_SRC_handshake)";; \
		hsscan) src="$(SIDECAR_FUZZ_SRC_hsscan)";; \
		conn) src="$(SIDECAR_FUZZ_SRC_conn)";; \
		esac; \
		echo "  CLANG    tests/fuzz/fuzz-$$t"; \
		$(CLANG) $(FUZZ_FLAGS) -I$(top_srcdir)/src/sidecar \
			-I$(top_srcdir)/tests/fuzz -o tests/fuzz/fuzz-$$t \
			$(top_srcdir)/tests/fuzz/fuzz_$$t.c \
			$$(for f in $$src; do echo $(top_srcdir)/$$f; done) \
			$(JANSSON_LIBS) $(CRYPTO_LIBS) $(WSLAY_LIBS) -lm; \
	done
# Each for FUZZ_SECONDS on a copy of its corpus (crashers: run/<target>-*).
fuzz-run: fuzz-run-sidecar
fuzz-run-sidecar: fuzz-sidecar
	@set -e; for t in $(SIDECAR_FUZZ); do \
		mkdir -p tests/fuzz/run/$$t; \
		cp $(top_srcdir)/tests/fuzz/corpus/$$t/* tests/fuzz/run/$$t/; \
		chmod u+w tests/fuzz/run/$$t/*; \
		echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
		./tests/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) \
			-max_len=8192 -timeout=10 \
			-artifact_prefix=tests/fuzz/run/$$t- \
			-print_final_stats=1 tests/fuzz/run/$$t; \
	done
clean-local: clean-fuzz-sidecar
clean-fuzz-sidecar:
	-rm -f tests/fuzz/fuzz-handshake tests/fuzz/fuzz-hsscan \
		tests/fuzz/fuzz-conn
.PHONY: fuzz-sidecar fuzz-run-sidecar clean-fuzz-sidecar
