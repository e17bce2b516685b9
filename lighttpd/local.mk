# lighttpd/: webntp.conf (the include), webntp-www.conf (/clock/ and
# /webntp.js, included after it) and lighttpd.conf (standalone, from the
# environment), installed in $(pkgdatadir)/lighttpd.
lighttpddir = $(pkgdatadir)/lighttpd
dist_lighttpd_DATA = lighttpd/webntp.conf lighttpd/lighttpd.conf \
	lighttpd/webntp-www.conf
