# apache/webntp.conf: the Apache include, with the installed paths as the
# defaults of its Defines. Installed in $(pkgdatadir)/apache.
apachedir = $(pkgdatadir)/apache
apache_DATA = apache/webntp.conf
EXTRA_DIST += apache/webntp.conf.in
CLEANFILES += apache/webntp.conf

apache/webntp.conf: $(top_srcdir)/apache/webntp.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) apache && \
	sed -e 's|@pkglibexecdir[@]|$(pkglibexecdir)|g' \
	    $(top_srcdir)/apache/webntp.conf.in >$@.tmp && mv $@.tmp $@
# apache/webntp-proxy-fcgi.conf: mod_proxy_fcgi to the standalone responder
# (no paths of this build in it).
dist_apache_DATA = apache/webntp-proxy-fcgi.conf
# apache/webntp-www.conf: /clock/ and /webntp.js (www/local.mk), the
# installed www directory as its default.
apache_DATA += apache/webntp-www.conf
EXTRA_DIST += apache/webntp-www.conf.in
CLEANFILES += apache/webntp-www.conf
apache/webntp-www.conf: $(top_srcdir)/apache/webntp-www.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) apache && \
	sed -e 's|@pkgdatadir[@]|$(pkgdatadir)|g' \
	    $(top_srcdir)/apache/webntp-www.conf.in >$@.tmp && mv $@.tmp $@
