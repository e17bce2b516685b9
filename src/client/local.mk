# webntp: the client (and -serve), in $(bindir).
if ENABLE_CLIENT
bin_PROGRAMS += src/client/webntp
endif
# What measure.c calls beyond the transports (issue 12's sources).
CLIENT_SOURCE_SRC = src/client/source.c src/client/bound.c \
	src/client/select.c src/client/httpstime.c src/client/date.c \
	src/client/wkcache.c
src_client_webntp_SOURCES = \
	src/client/client.h \
	src/client/main.c \
	src/client/measure.c \
	src/client/reply.c \
	src/client/http.c \
	src/client/ws.c \
	src/client/wsurl.c \
	src/client/upgrade.c \
	src/client/tls.c \
	src/client/sink.c \
	src/client/serve.c \
	$(CLIENT_SOURCE_SRC)
src_client_webntp_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS) \
	$(SSL_CFLAGS)
src_client_webntp_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS) $(SSL_LIBS)
# Every symbol bound at start: the dynamic linker's lookup on a first call
# (wslay_frame_send's, in the first WebSocket request) is not timed.
src_client_webntp_LDFLAGS = -Wl,-z,now

# The answer parser's fuzz harness (tests/fuzz/fuzz_reply.c: a hostile
# server's JSON), replayed over tests/fuzz/corpus/reply by tests/fuzz's
# replay.c in `make check` (ASan with --enable-sanitizers); `make fuzz`
# builds the libFuzzer binary, `make fuzz-run` runs it FUZZ_SECONDS.
if ENABLE_CLIENT
check_PROGRAMS += tests/fuzz/replay_reply
TESTS += tests/fuzz/replay_reply
endif
tests_fuzz_replay_reply_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_reply.c \
	src/client/reply.c
tests_fuzz_replay_reply_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/src/client -I$(top_srcdir)/tests/fuzz
tests_fuzz_replay_reply_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) \
	-DREPLAY_TOP_SRCDIR='"$(abs_top_srcdir)"' -DREPLAY_TARGET='"reply"'
tests_fuzz_replay_reply_LDADD = $(WEBNTP_LIB_LIBS)

fuzz: fuzz-reply
fuzz-reply:
	$(AM_V_GEN)$(CLANG) $(FUZZ_FLAGS) -I$(top_srcdir)/src/client \
		-I$(top_srcdir)/tests/fuzz -o tests/fuzz/fuzz-reply \
		$(top_srcdir)/tests/fuzz/fuzz_reply.c \
		$(top_srcdir)/src/client/reply.c $(FUZZ_LIBSRC) \
		$(top_srcdir)/src/lib/sample.c \
		$(JANSSON_LIBS) $(CRYPTO_LIBS) -lm
fuzz-run: fuzz-run-reply
fuzz-run-reply: fuzz-reply
	@mkdir -p tests/fuzz/run/reply && \
	cp $(top_srcdir)/tests/fuzz/corpus/reply/* tests/fuzz/run/reply/ && \
	chmod u+w tests/fuzz/run/reply/* && \
	echo "fuzzing reply for $(FUZZ_SECONDS) s" && \
	./tests/fuzz/fuzz-reply -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 -artifact_prefix=tests/fuzz/run/reply- \
		-print_final_stats=1 tests/fuzz/run/reply
clean-local: clean-fuzz-reply
clean-fuzz-reply:
	-rm -f tests/fuzz/fuzz-reply
.PHONY: fuzz-reply fuzz-run-reply clean-fuzz-reply

# The WebSocket transport's hostile input: the upgrade response
# (tests/fuzz/fuzz_upgrade.c, upgrade.c) and the frames after it
# (tests/fuzz/fuzz_wsframe.c, ws.c on a socket pair), replayed over
# tests/fuzz/corpus/{upgrade,wsframe} in `make check`; `make fuzz` builds
# the libFuzzer binaries, `make fuzz-run` runs them FUZZ_SECONDS.
WS_FUZZ_SRC = src/client/measure.c src/client/http.c src/client/reply.c \
	src/client/tls.c src/client/upgrade.c src/client/wsurl.c \
	$(CLIENT_SOURCE_SRC)
if ENABLE_CLIENT
check_PROGRAMS += tests/fuzz/replay_upgrade tests/fuzz/replay_wsframe
TESTS += tests/fuzz/replay_upgrade tests/fuzz/replay_wsframe
endif
tests_fuzz_replay_upgrade_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_upgrade.c src/client/upgrade.c
tests_fuzz_replay_upgrade_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/src/client -I$(top_srcdir)/tests/fuzz
tests_fuzz_replay_upgrade_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS) \
	-DREPLAY_TOP_SRCDIR='"$(abs_top_srcdir)"' -DREPLAY_TARGET='"upgrade"'
tests_fuzz_replay_upgrade_LDADD = $(WEBNTP_LIB_LIBS)
tests_fuzz_replay_wsframe_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_wsframe.c $(WS_FUZZ_SRC)
tests_fuzz_replay_wsframe_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/src/client -I$(top_srcdir)/tests/fuzz
tests_fuzz_replay_wsframe_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) \
	$(CURL_CFLAGS) $(SSL_CFLAGS) \
	-DREPLAY_TOP_SRCDIR='"$(abs_top_srcdir)"' -DREPLAY_TARGET='"wsframe"'
tests_fuzz_replay_wsframe_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS) \
	$(SSL_LIBS)

fuzz: fuzz-upgrade fuzz-wsframe
fuzz-upgrade:
	$(AM_V_GEN)$(CLANG) $(FUZZ_FLAGS) -I$(top_srcdir)/src/client \
		-I$(top_srcdir)/tests/fuzz -o tests/fuzz/fuzz-upgrade \
		$(top_srcdir)/tests/fuzz/fuzz_upgrade.c \
		$(top_srcdir)/src/client/upgrade.c $(FUZZ_LIBSRC) \
		$(top_srcdir)/src/lib/wshttp.c $(JANSSON_LIBS) $(CRYPTO_LIBS)
fuzz-wsframe:
	$(AM_V_GEN)$(CLANG) $(FUZZ_FLAGS) -I$(top_srcdir)/src/client \
		-I$(top_srcdir)/tests/fuzz -o tests/fuzz/fuzz-wsframe \
		$(top_srcdir)/tests/fuzz/fuzz_wsframe.c \
		$(addprefix $(top_srcdir)/,$(WS_FUZZ_SRC)) $(FUZZ_LIBSRC) \
		$(top_srcdir)/src/lib/wshttp.c $(top_srcdir)/src/lib/sample.c \
		$(WSLAY_LIBS) $(SSL_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) \
		$(CRYPTO_LIBS) -lm
fuzz-run: fuzz-run-upgrade fuzz-run-wsframe
fuzz-run-upgrade: fuzz-upgrade
fuzz-run-wsframe: fuzz-wsframe
fuzz-run-upgrade fuzz-run-wsframe:
	@t=$(@:fuzz-run-%=%); mkdir -p tests/fuzz/run/$$t && \
	cp $(top_srcdir)/tests/fuzz/corpus/$$t/* tests/fuzz/run/$$t/ && \
	chmod u+w tests/fuzz/run/$$t/* && \
	echo "fuzzing $$t for $(FUZZ_SECONDS) s" && \
	./tests/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) \
		-max_len=4096 -artifact_prefix=tests/fuzz/run/$$t- \
		-print_final_stats=1 tests/fuzz/run/$$t
clean-local: clean-fuzz-ws
clean-fuzz-ws:
	-rm -f tests/fuzz/fuzz-upgrade tests/fuzz/fuzz-wsframe
.PHONY: fuzz-upgrade fuzz-wsframe fuzz-run-upgrade fuzz-run-wsframe \
	clean-fuzz-ws
