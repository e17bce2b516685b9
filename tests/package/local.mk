# tests/package: `make package-check` builds the Debian packages (debian/,
# not in the tarball: the test copies it beside the unpacked `make dist`),
# installs, serves through the system's lighttpd and purges them (root on
# a machine of its own, as CI: not part of make check; .ci/run runs it
# after).
EXTRA_DIST += tests/package/package-check
package-check:
	@$(AM_TESTS_ENVIRONMENT) bash $(top_srcdir)/tests/package/package-check
package-clean:
	-rm -rf tests/run/package-check
.PHONY: package-check package-clean
