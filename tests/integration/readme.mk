# README.md runs as written: its marked deployment snippets, run for real
# (tests/integration/readme-snippets.test); kept apart from local.mk so
# branches merge.
README_TESTS = tests/integration/readme-snippets.test
TESTS += $(README_TESTS)
EXTRA_DIST += $(README_TESTS) tests/integration/readme-snippets.py
clean-local: readme-clean-local
readme-clean-local:
	-rm -rf tests/run/readme-snippets
.PHONY: readme-clean-local
