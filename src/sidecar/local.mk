# src/sidecar: webntp-ws, the WebSocket sidecar, in $(sbindir); and its
# systemd unit, installed as data for the admin to copy or link.
if ENABLE_SIDECAR
sbin_PROGRAMS += src/sidecar/webntp-ws
src_sidecar_webntp_ws_SOURCES = src/sidecar/sidecar.c \
	src/sidecar/wshs.c src/sidecar/wshs.h
src_sidecar_webntp_ws_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(CRYPTO_CFLAGS)
src_sidecar_webntp_ws_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS)
systemddir = $(pkgdatadir)/systemd
systemd_DATA = src/sidecar/webntp-ws.service
endif
# sbindir is only known at make time ("${exec_prefix}/sbin" in configure).
src/sidecar/webntp-ws.service: $(srcdir)/src/sidecar/webntp-ws.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) src/sidecar && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    $(srcdir)/src/sidecar/webntp-ws.service.in >$@
CLEANFILES += src/sidecar/webntp-ws.service
EXTRA_DIST += src/sidecar/webntp-ws.service.in

# The handshake: a Check unit test, and its fuzz harness replayed over
# tests/fuzz/corpus/handshake with tests/fuzz's replay.c (ASan with
# --enable-sanitizers). `make fuzz-handshake` builds the libFuzzer binary.
check_PROGRAMS += tests/unit/test_wshs tests/fuzz/replay_handshake
TESTS += tests/unit/test_wshs tests/fuzz/replay_handshake
tests_unit_test_wshs_SOURCES = tests/unit/test_wshs.c
tests_unit_test_wshs_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_wshs_LDADD = $(CHECK_LIBS) $(CRYPTO_LIBS)
EXTRA_tests_unit_test_wshs_DEPENDENCIES = src/sidecar/wshs.c
tests_fuzz_replay_handshake_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_handshake.c src/sidecar/wshs.c src/sidecar/wshs.h
tests_fuzz_replay_handshake_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/src/sidecar -I$(top_srcdir)/tests/fuzz
tests_fuzz_replay_handshake_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) \
	-DREPLAY_TOP_SRCDIR='"$(abs_top_srcdir)"' -DREPLAY_TARGET='"handshake"'
tests_fuzz_replay_handshake_LDADD = $(CRYPTO_LIBS)

fuzz: fuzz-handshake
fuzz-handshake:
	$(AM_V_GEN)$(CLANG) $(FUZZ_FLAGS) -I$(top_srcdir)/src/sidecar \
		-I$(top_srcdir)/tests/fuzz -o tests/fuzz/fuzz-handshake \
		$(top_srcdir)/tests/fuzz/fuzz_handshake.c \
		$(top_srcdir)/src/sidecar/wshs.c $(CRYPTO_LIBS)
clean-local: clean-fuzz-handshake
clean-fuzz-handshake:
	-rm -f tests/fuzz/fuzz-handshake
.PHONY: fuzz-handshake clean-fuzz-handshake
