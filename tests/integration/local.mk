# Integration tests: bash scripts that start the real servers.
TEST_EXTENSIONS = .test
TEST_LOG_COMPILER = bash
EXTRA_DIST += tests/integration/lib.sh

# webntp-ws (the WebSocket sidecar), direct and through the web servers.
TESTS += tests/integration/ws-sidecar.test
EXTRA_DIST += tests/integration/ws-lib.sh tests/integration/ws-client.js \
	$(filter tests/integration/ws-%.test,$(TESTS))
TESTS += tests/integration/ws-lifecycle.test
TESTS += tests/integration/ws-flags.test
