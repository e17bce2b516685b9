# The client's integration tests (webntp, webntp -serve); kept apart from
# local.mk so branches merge.
CLIENT_TESTS = tests/integration/client-serve.test \
	tests/integration/client-serve-restart.test \
	tests/integration/client-faketime.test \
	tests/integration/client-errors.test \
	tests/integration/client-tls.test \
	tests/integration/client-chrony.test \
	tests/integration/client-hostile.test \
	tests/integration/client-user.test \
	tests/integration/client-wsmask.test \
	tests/integration/client-wsproto.test
TESTS += $(CLIENT_TESTS)
EXTRA_DIST += $(CLIENT_TESTS) tests/integration/client-lib.sh \
	tests/integration/client-httpd.py tests/integration/client-shmread.py \
	tests/integration/client-wsd.py
# What the client tests leave in the build tree (distcheck wants it gone).
clean-local: client-clean-local
client-clean-local:
	-rm -rf tests/run/client-*
.PHONY: client-clean-local
# Issue 12: time from any web server (Date, X-HTTPSTIME), bounds, and
# falsetickers.
CLIENT_ANY_TESTS = tests/integration/client-anyserver.test
TESTS += $(CLIENT_ANY_TESTS)
EXTRA_DIST += $(CLIENT_ANY_TESTS) tests/integration/client-httpstime.py
