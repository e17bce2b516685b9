# systemd/: the units (webntp-ws, webntp-fcgi socket and service,
# webntp-sock, webntp-shm@), installed in systemd's unit directory, and who
# owns the shared leap-seconds cache: sysusers.d/webntp.conf (user and group
# webntp, www-data in the group) and tmpfiles.d/webntp.conf (its directory,
# 2775 webntp:webntp). The directories are configure's
# --with-systemdsystemunitdir, --with-sysusersdir and --with-tmpfilesdir
# (default: pkg-config systemd's layout under the prefix).
SYSTEMD_UNITS_IN = systemd/webntp-ws.service.in \
	systemd/webntp-fcgi.service.in systemd/webntp-sock.service.in \
	systemd/webntp-shm@.service.in
EXTRA_DIST += $(SYSTEMD_UNITS_IN) systemd/webntp-fcgi.socket \
	systemd/sysusers.d/webntp.conf systemd/tmpfiles.d/webntp.conf.in

if WEBNTP_SYSTEMD_UNITS
systemdsystemunit_DATA = systemd/webntp-fcgi.socket \
	systemd/webntp-fcgi.service
if ENABLE_SIDECAR
systemdsystemunit_DATA += systemd/webntp-ws.service
endif
if ENABLE_CLIENT
systemdsystemunit_DATA += systemd/webntp-sock.service \
	systemd/webntp-shm@.service
endif
endif
if WEBNTP_SYSUSERS
sysusers_DATA = systemd/sysusers.d/webntp.conf
endif
if WEBNTP_TMPFILES
tmpfiles_DATA = systemd/tmpfiles.d/webntp.conf
endif

# The directories are only known at make time ("${exec_prefix}/sbin" in
# configure). tests/integration/systemd-units.test substitutes the same
# names with the build's binaries.
SYSTEMD_SUBST = $(MKDIR_P) $(@D) && sed \
	-e 's|@bindir[@]|$(bindir)|g' \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@pkglibexecdir[@]|$(pkglibexecdir)|g' \
	-e 's|@localstatedir[@]|$(localstatedir)|g'
systemd/webntp-ws.service: $(srcdir)/systemd/webntp-ws.service.in Makefile
	$(AM_V_GEN)$(SYSTEMD_SUBST) $(srcdir)/systemd/webntp-ws.service.in >$@
systemd/webntp-fcgi.service: $(srcdir)/systemd/webntp-fcgi.service.in Makefile
	$(AM_V_GEN)$(SYSTEMD_SUBST) $(srcdir)/systemd/webntp-fcgi.service.in >$@
systemd/webntp-sock.service: $(srcdir)/systemd/webntp-sock.service.in Makefile
	$(AM_V_GEN)$(SYSTEMD_SUBST) $(srcdir)/systemd/webntp-sock.service.in >$@
systemd/webntp-shm@.service: $(srcdir)/systemd/webntp-shm@.service.in Makefile
	$(AM_V_GEN)$(SYSTEMD_SUBST) $(srcdir)/systemd/webntp-shm@.service.in >$@
systemd/tmpfiles.d/webntp.conf: $(srcdir)/systemd/tmpfiles.d/webntp.conf.in Makefile
	$(AM_V_GEN)$(SYSTEMD_SUBST) $(srcdir)/systemd/tmpfiles.d/webntp.conf.in >$@
SYSTEMD_BUILT = systemd/webntp-ws.service systemd/webntp-fcgi.service \
	systemd/webntp-sock.service systemd/webntp-shm@.service \
	systemd/tmpfiles.d/webntp.conf
CLEANFILES += $(SYSTEMD_BUILT)
# Built with the programs, so that the tests find them whatever is
# installed.
all-local: $(SYSTEMD_BUILT)

# As root on the machine itself (no DESTDIR, and the files in a directory
# systemd reads by itself), `make install` applies them: the user and group
# now, not at the next boot, and the cache directory's owner and mode (an
# older install's root-owned directory included). Anywhere else (a staging
# DESTDIR, a prefix in a build tree as quickstart's and distcheck's, no
# root, no systemd) it only says what to run.
install-data-hook: systemd-install-hook
systemd-install-hook:
	@sysusers='$(sysusersdir)/webntp.conf'; \
	tmpfiles='$(tmpfilesdir)/webntp.conf'; \
	system=yes; \
	for d in '$(sysusersdir)' '$(tmpfilesdir)'; do \
		case $$d in \
		/etc/sysusers.d|/usr/lib/sysusers.d|/usr/local/lib/sysusers.d) ;; \
		/etc/tmpfiles.d|/usr/lib/tmpfiles.d|/usr/local/lib/tmpfiles.d) ;; \
		*) system=no;; \
		esac; \
	done; \
	if test -n '$(DESTDIR)' || test $$system = no || \
	    test "`id -u`" != 0 || \
	    ! command -v systemd-sysusers >/dev/null 2>&1 || \
	    ! command -v systemd-tmpfiles >/dev/null 2>&1 || \
	    ! test -f "$$sysusers" || ! test -f "$$tmpfiles"; then \
		echo "webntp: to create the user webntp and the leap-seconds cache directory, as root:"; \
		echo "  systemd-sysusers $$sysusers && systemd-tmpfiles --create $$tmpfiles"; \
	else \
		echo "systemd-sysusers $$sysusers"; \
		systemd-sysusers "$$sysusers" || exit 1; \
		echo "systemd-tmpfiles --create $$tmpfiles"; \
		systemd-tmpfiles --create "$$tmpfiles" || exit 1; \
	fi
.PHONY: systemd-install-hook

# The units (systemd-analyze verify and security) and the shared cache
# (the sidecar as webntp and the responder as www-data on one directory).
SYSTEMD_TESTS = tests/integration/systemd-units.test \
	tests/integration/leapcache-shared.test
TESTS += $(SYSTEMD_TESTS)
EXTRA_DIST += $(SYSTEMD_TESTS)
clean-local: systemd-clean-local
systemd-clean-local:
	-rm -rf tests/run/systemd-units tests/run/leapcache-shared
.PHONY: systemd-clean-local
