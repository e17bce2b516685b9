# tests/unit: one Check program per core library module. Each includes the
# module's .c (to reach its static functions) and links the rest of the core
# library; test data comes from $(top_srcdir)/tests/data, scratch files go
# under $(top_builddir)/tests/unit/tmp-*.
UNIT_TESTS = \
	tests/unit/test_err \
	tests/unit/test_esc \
	tests/unit/test_ratelim \
	tests/unit/test_ts \
	tests/unit/test_answer \
	tests/unit/test_leap \
	tests/unit/test_leapsrc \
	tests/unit/test_leapfetch \
	tests/unit/test_flags \
	tests/unit/test_serveropt
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
EXTRA_DIST += tests/unit/unit.h

# Tables leave fields out, and scratch paths are built with snprintf.
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(PTHREAD_CFLAGS) \
	-Wno-missing-field-initializers -Wno-format-truncation \
	$(JANSSON_CFLAGS) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) \
	-DUNIT_TOP_SRCDIR='"$(abs_top_srcdir)"'
UNIT_LIBS = $(WEBNTP_LIB_LIBS) $(CHECK_LIBS)

tests_unit_test_err_SOURCES = tests/unit/test_err.c
tests_unit_test_err_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_err_LDADD = $(UNIT_LIBS)
tests_unit_test_esc_SOURCES = tests/unit/test_esc.c
tests_unit_test_esc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_esc_LDADD = $(UNIT_LIBS)
tests_unit_test_ratelim_SOURCES = tests/unit/test_ratelim.c
tests_unit_test_ratelim_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ratelim_LDADD = $(UNIT_LIBS)
tests_unit_test_ts_SOURCES = tests/unit/test_ts.c
tests_unit_test_ts_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ts_LDADD = $(UNIT_LIBS)
tests_unit_test_answer_SOURCES = tests/unit/test_answer.c
tests_unit_test_answer_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_answer_LDADD = $(UNIT_LIBS)
tests_unit_test_leap_SOURCES = tests/unit/test_leap.c
tests_unit_test_leap_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_leap_LDADD = $(UNIT_LIBS)
tests_unit_test_leapsrc_SOURCES = tests/unit/test_leapsrc.c
tests_unit_test_leapsrc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_leapsrc_LDADD = $(UNIT_LIBS)
tests_unit_test_leapfetch_SOURCES = tests/unit/test_leapfetch.c
tests_unit_test_leapfetch_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_leapfetch_LDADD = $(UNIT_LIBS)
tests_unit_test_flags_SOURCES = tests/unit/test_flags.c
tests_unit_test_flags_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_flags_LDADD = $(UNIT_LIBS)
tests_unit_test_serveropt_SOURCES = tests/unit/test_serveropt.c
tests_unit_test_serveropt_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_serveropt_LDADD = $(UNIT_LIBS)

# Scratch directories of interrupted runs.
clean-local: clean-unit-tmp
clean-unit-tmp:
	-rm -rf tests/unit/tmp-*
.PHONY: clean-unit-tmp

# Client modules: sample, gotime, shm, sock (core) and reply (client).
CLIENT_UNIT_TESTS = tests/unit/test_sample tests/unit/test_gotime \
	tests/unit/test_shm tests/unit/test_sock
check_PROGRAMS += $(CLIENT_UNIT_TESTS)
TESTS += $(CLIENT_UNIT_TESTS)
tests_unit_test_sample_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sample_LDADD = $(UNIT_LIBS)
tests_unit_test_gotime_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gotime_LDADD = $(UNIT_LIBS)
tests_unit_test_shm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_shm_LDADD = $(UNIT_LIBS)
tests_unit_test_sock_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sock_LDADD = $(UNIT_LIBS)
if ENABLE_CLIENT
check_PROGRAMS += tests/unit/test_reply
TESTS += tests/unit/test_reply
endif
tests_unit_test_reply_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_reply_LDADD = $(UNIT_LIBS)

# The WebSocket opening handshake's shared pieces (core), and the client's
# WebSocket transport: its URLs, its side of the handshake, its framing
# rules (ws.c over a socket pair, with the client modules it calls).
check_PROGRAMS += tests/unit/test_wshttp
TESTS += tests/unit/test_wshttp
tests_unit_test_wshttp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_wshttp_LDADD = $(UNIT_LIBS)
if ENABLE_CLIENT
check_PROGRAMS += tests/unit/test_wsurl tests/unit/test_upgrade \
	tests/unit/test_ws
TESTS += tests/unit/test_wsurl tests/unit/test_upgrade tests/unit/test_ws
endif
tests_unit_test_wsurl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_wsurl_LDADD = $(UNIT_LIBS)
tests_unit_test_upgrade_SOURCES = tests/unit/test_upgrade.c \
	src/client/wsurl.c
tests_unit_test_upgrade_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_upgrade_LDADD = $(UNIT_LIBS)
tests_unit_test_ws_SOURCES = tests/unit/test_ws.c src/client/measure.c \
	src/client/http.c src/client/reply.c src/client/tls.c \
	src/client/upgrade.c src/client/wsurl.c $(CLIENT_SOURCE_SRC)
tests_unit_test_ws_CFLAGS = $(UNIT_CFLAGS) $(SSL_CFLAGS)
tests_unit_test_ws_LDADD = $(UNIT_LIBS) $(WSLAY_LIBS) $(SSL_LIBS)
# The -listen socket.
check_PROGRAMS += tests/unit/test_listensock
TESTS += tests/unit/test_listensock
tests_unit_test_listensock_SOURCES = tests/unit/test_listensock.c
tests_unit_test_listensock_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_listensock_LDADD = $(UNIT_LIBS)
# Issue 12: the selection of several servers (select.c), and the Date and
# X-HTTPSTIME sources' arithmetic (date.c, bound.c, httpstime.c).
if ENABLE_CLIENT
check_PROGRAMS += tests/unit/test_select tests/unit/test_date
TESTS += tests/unit/test_select tests/unit/test_date
endif
tests_unit_test_select_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_select_LDADD = $(UNIT_LIBS)
tests_unit_test_date_SOURCES = tests/unit/test_date.c src/client/bound.c \
	src/client/http.c src/client/reply.c src/client/tls.c
tests_unit_test_date_CFLAGS = $(UNIT_CFLAGS) $(SSL_CFLAGS)
tests_unit_test_date_LDADD = $(UNIT_LIBS) $(SSL_LIBS)
