# nginx/: webntp-http.conf (the http {} part: upstreams and maps) and
# webntp.conf (inside a server {}), installed in $(pkgdatadir)/nginx.
nginxdir = $(pkgdatadir)/nginx
dist_nginx_DATA = nginx/webntp-http.conf nginx/webntp.conf
EXTRA_DIST += bench/bench-nginx.sh
# nginx/webntp-www.conf: /clock/ and /webntp.js (www/local.mk) from the
# installed www directory.
nginx_DATA = nginx/webntp-www.conf
EXTRA_DIST += nginx/webntp-www.conf.in
CLEANFILES += nginx/webntp-www.conf
nginx/webntp-www.conf: $(top_srcdir)/nginx/webntp-www.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) nginx && \
	sed -e 's|@pkgdatadir[@]|$(pkgdatadir)|g' \
	    $(top_srcdir)/nginx/webntp-www.conf.in >$@.tmp && mv $@.tmp $@
