# The webntp-ws integration tests (the WebSocket sidecar), direct and
# through the web servers; kept apart from local.mk so branches merge.
WS_TESTS = tests/integration/ws-sidecar.test \
	tests/integration/ws-lifecycle.test tests/integration/ws-flags.test \
	tests/integration/ws-unit.test tests/integration/ws-lighttpd.test \
	tests/integration/ws-apache.test tests/integration/ws-frames.test \
	tests/integration/ws-robust.test tests/integration/ws-limits.test \
	tests/integration/ws-logs.test
TESTS += $(WS_TESTS)
EXTRA_DIST += $(WS_TESTS) tests/integration/ws-lib.sh \
	tests/integration/ws-client.js tests/integration/ws-raw.py
# What the ws tests leave in the build tree (distcheck wants it gone).
clean-local: ws-clean-local
ws-clean-local:
	-rm -rf tests/run/ws-* tests/node
.PHONY: ws-clean-local
