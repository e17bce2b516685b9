# src/sidecar: webntp-ws, the WebSocket sidecar, in $(sbindir); and its
# systemd unit, installed as data for the admin to copy or link.
if ENABLE_SIDECAR
sbin_PROGRAMS += src/sidecar/webntp-ws
src_sidecar_webntp_ws_SOURCES = src/sidecar/sidecar.c \
	src/sidecar/wshs.c src/sidecar/wshs.h
src_sidecar_webntp_ws_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(CRYPTO_CFLAGS)
src_sidecar_webntp_ws_LDADD = $(WEBNTP_LIB_LIBS) $(WSLAY_LIBS)
endif
