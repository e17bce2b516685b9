# man/: the manual pages (mdoc). Their sources name installed paths as
# @LEAP_CACHE@, @pkgdatadir@, ...: configure knows those only as
# "${prefix}/...", so make substitutes them (as for the systemd unit).
# Each page is installed with its program; all three are built for
# tests/integration/man-lint.test. doc/protocol.md goes to $(docdir).
MAN_PAGES = man/webntp.1 man/webntp.fcgi.8 man/webntp-ws.8
man_MANS = man/webntp.fcgi.8
if ENABLE_CLIENT
man_MANS += man/webntp.1
endif
if ENABLE_SIDECAR
man_MANS += man/webntp-ws.8
endif
check_DATA += $(MAN_PAGES)
CLEANFILES += $(MAN_PAGES)
EXTRA_DIST += man/webntp.1.in man/webntp.fcgi.8.in man/webntp-ws.8.in
dist_doc_DATA = doc/protocol.md

MAN_SUBST = sed \
	-e 's|@LEAP_CACHE[@]|$(localstatedir)/cache/webntp/leap-seconds.list|g' \
	-e 's|@pkgdatadir[@]|$(pkgdatadir)|g' \
	-e 's|@pkglibexecdir[@]|$(pkglibexecdir)|g' \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@docdir[@]|$(docdir)|g'
man/webntp.1: $(srcdir)/man/webntp.1.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(MAN_SUBST) $(srcdir)/man/webntp.1.in >$@
man/webntp.fcgi.8: $(srcdir)/man/webntp.fcgi.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(MAN_SUBST) $(srcdir)/man/webntp.fcgi.8.in >$@
man/webntp-ws.8: $(srcdir)/man/webntp-ws.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(MAN_SUBST) $(srcdir)/man/webntp-ws.8.in >$@

# mandoc -Tlint clean, and every flag of each program in its page and
# every flag of a page accepted by its program.
TESTS += tests/integration/man-lint.test
EXTRA_DIST += tests/integration/man-lint.test
clean-local: man-clean-local
man-clean-local:
	-rm -rf tests/run/man-lint
.PHONY: man-clean-local
