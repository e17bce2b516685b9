# lighttpd/: webntp.conf (the include) and lighttpd.conf (standalone, from the
# environment), installed in $(pkgdatadir)/lighttpd.
lighttpddir = $(pkgdatadir)/lighttpd
dist_lighttpd_DATA = lighttpd/webntp.conf lighttpd/lighttpd.conf
