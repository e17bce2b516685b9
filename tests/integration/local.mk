# Integration tests: bash scripts that start the real servers.
TEST_EXTENSIONS = .test
TEST_LOG_COMPILER = bash
EXTRA_DIST += tests/integration/lib.sh tests/integration/web.sh
# Not run by make check: bench/web-latency.sh BUILD_DIR (see the script).
EXTRA_DIST += bench/web-latency.sh
