# Integration tests: bash scripts that start the real servers.
TEST_EXTENSIONS = .test
TEST_LOG_COMPILER = bash
EXTRA_DIST += tests/integration/lib.sh tests/integration/web.sh
# Not run by make check: bench/web-latency.sh BUILD_DIR (see the script).
EXTRA_DIST += bench/web-latency.sh
# The responder behind the real lighttpd and Apache, as CGI, and its
# leap-seconds download.
WEB_TESTS = \
	tests/integration/responder-cgi.test \
	tests/integration/responder-lighttpd.test \
	tests/integration/responder-apache.test \
	tests/integration/responder-faketime.test \
	tests/integration/leapfetch-file.test \
	tests/integration/leapfetch-http.test \
	tests/integration/leapfetch-retry.test \
	tests/integration/leapfetch-empty-url.test \
	tests/integration/leapcache-respawn.test \
	tests/integration/lighttpd-capacity.test
TESTS += $(WEB_TESTS)
EXTRA_DIST += $(WEB_TESTS) tests/integration/ws-hold.js
# The Apache tests use apache/webntp.conf as built.
check_DATA = apache/webntp.conf
# Their runtime directories (tests/run/NAME, see lib.sh).
clean-local: web-clean-local
web-clean-local:
	-rm -rf tests/run/responder-* tests/run/leapfetch-* tests/run/leapcache-* \
		tests/run/lighttpd-* tests/run/web-latency.sh
.PHONY: web-clean-local
