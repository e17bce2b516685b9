# The browser module and the /clock/ page (www/): served by every shipped
# config, and run in a real headless Chromium; kept apart from local.mk so
# branches merge.
BROWSER_TESTS = tests/integration/www-configs.test \
	tests/integration/browser-sync.test \
	tests/integration/browser-page.test
TESTS += $(BROWSER_TESTS)
EXTRA_DIST += $(BROWSER_TESTS) tests/integration/www-lib.sh \
	tests/integration/browser-lib.sh tests/integration/browser-cdp.js \
	tests/integration/browser-helpers.js tests/integration/browser-png.py
check_DATA += apache/webntp-www.conf nginx/webntp-www.conf
clean-local: browser-clean-local
browser-clean-local:
	-rm -rf tests/run/www-* tests/run/browser-*
.PHONY: browser-clean-local
