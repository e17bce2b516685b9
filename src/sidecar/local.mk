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

# Its fuzz harnesses (handshake, hsscan, conn) are listed in
# tests/fuzz/local.mk with the others.
