# tests/container: `make container-check` builds the top-level Dockerfile
# with podman and tests the container (root, Debian's mirror, minutes: not
# part of make check; .ci/run runs it after). `make container-clean`
# removes its podman storage and the base tarball.
EXTRA_DIST += Dockerfile .dockerignore tests/container/container-check
container-check:
	@$(AM_TESTS_ENVIRONMENT) bash $(top_srcdir)/tests/container/container-check
container-clean:
	-CONTAINERS_CONF=$(abs_top_builddir)/tests/container-cache/containers.conf \
	CONTAINERS_STORAGE_CONF=$(abs_top_builddir)/tests/container-cache/storage.conf \
		podman system reset -f >/dev/null 2>&1
	-rm -rf tests/container-cache tests/run/container-check
.PHONY: container-check container-clean
