# webntp: the client (and -serve), in $(bindir).
if ENABLE_CLIENT
bin_PROGRAMS += src/client/webntp
endif
src_client_webntp_SOURCES = \
	src/client/client.h \
	src/client/main.c \
	src/client/measure.c \
	src/client/reply.c \
	src/client/http.c \
	src/client/ws.c \
	src/client/tls.c \
	src/client/sink.c \
	src/client/serve.c
src_client_webntp_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS) \
	$(LWS_CFLAGS) $(SSL_CFLAGS)
src_client_webntp_LDADD = $(WEBNTP_LIB_LIBS) $(LWS_LIBS) $(SSL_LIBS)
