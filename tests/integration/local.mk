# Integration tests: bash scripts that start the real servers.
TEST_EXTENSIONS = .test
TEST_LOG_COMPILER = bash
EXTRA_DIST += tests/integration/lib.sh
