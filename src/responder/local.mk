# webntp.fcgi: the FastCGI/CGI responder, in $(libexecdir)/webntp.
pkglibexec_PROGRAMS += src/responder/webntp.fcgi
src_responder_webntp_fcgi_SOURCES = src/responder/responder.c
src_responder_webntp_fcgi_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
src_responder_webntp_fcgi_LDADD = $(WEBNTP_LIB_LIBS) $(FCGI_LIBS)
