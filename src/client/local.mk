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

# Its fuzz harnesses (reply, upgrade, wsframe) are listed in
# tests/fuzz/local.mk with the others.
