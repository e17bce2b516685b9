# bench: load generators (built by `make`, not installed).
if ENABLE_SIDECAR
noinst_PROGRAMS += bench/wsload
bench_wsload_SOURCES = bench/wsload.c
bench_wsload_LDADD = $(WSLAY_LIBS)
endif
# bench/ws-measure.sh BUILD_DIR: the sidecar's figures with wsload.
EXTRA_DIST += bench/ws-measure.sh
