# The core library: shared by every program, not installed.
noinst_LIBRARIES += src/lib/libwebntp.a
src_lib_libwebntp_a_SOURCES = \
	src/lib/err.c src/lib/err.h \
	src/lib/esc.c src/lib/esc.h \
	src/lib/ratelim.c src/lib/ratelim.h \
	src/lib/ts.c src/lib/ts.h \
	src/lib/answer.c src/lib/answer.h \
	src/lib/leap.c src/lib/leap.h \
	src/lib/leapsrc.c src/lib/leapsrc.h \
	src/lib/leapfetch.c src/lib/leapfetch.h \
	src/lib/flags.c src/lib/flags.h \
	src/lib/serveropt.c src/lib/serveropt.h
src_lib_libwebntp_a_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) \
	$(JANSSON_CFLAGS) $(CURL_CFLAGS) $(CRYPTO_CFLAGS)
# What a program linking the core library needs.
WEBNTP_LIB_LIBS = src/lib/libwebntp.a $(JANSSON_LIBS) $(CURL_LIBS) \
	$(CRYPTO_LIBS) $(PTHREAD_LIBS) -lm
# The client's part of the core: offset/delay arithmetic, Go's time layout,
# ntpd SHM and chrony SOCK writers.
src_lib_libwebntp_a_SOURCES += \
	src/lib/sample.c src/lib/sample.h \
	src/lib/gotime.c src/lib/gotime.h \
	src/lib/shm.c src/lib/shm.h \
	src/lib/sock.c src/lib/sock.h
# The opening handshake's accept value and header lists: the client's
# src/client/upgrade.c and the sidecar's src/sidecar/wshs.c.
src_lib_libwebntp_a_SOURCES += src/lib/wshttp.c src/lib/wshttp.h
# The servers' -listen socket.
src_lib_libwebntp_a_SOURCES += src/lib/listensock.c src/lib/listensock.h
