# bench: load generators and `make bench` (figures, never a failed build:
# not part of `make check`). See bench/bench.sh.
if ENABLE_SIDECAR
noinst_PROGRAMS += bench/wsload
bench_wsload_SOURCES = bench/wsload.c
bench_wsload_LDADD = $(WSLAY_LIBS)
endif
# bench/ws-measure.sh BUILD_DIR: the sidecar's figures with wsload.
EXTRA_DIST += bench/ws-measure.sh bench/web-latency.sh bench/bench.sh \
	bench/anyserver.sh \
	bench/lib.sh bench/soak.sh bench/results bench/bench-browser.sh

# Built by `make bench` only.
EXTRA_PROGRAMS = bench/relay bench/cheapest
bench_relay_SOURCES = bench/relay.c
bench_cheapest_SOURCES = bench/cheapest.c
bench_cheapest_LDADD = $(FCGI_LIBS)
CLEANFILES += $(EXTRA_PROGRAMS)

# A sanitizer build measures the sanitizers: bench a release build made
# under this build tree instead.
BENCH_PROGS = bench/relay$(EXEEXT) bench/cheapest$(EXEEXT)
if ENABLE_SANITIZERS
bench:
	@echo "bench: this build has sanitizers; configuring a release build in bench/release"
	$(MKDIR_P) bench/release
	cd bench/release && { test -f Makefile || \
	    $(abs_top_srcdir)/configure -q CFLAGS='-O2 -g'; } && \
	    $(MAKE) $(AM_MAKEFLAGS) bench
else
bench: all $(BENCH_PROGS)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	LIGHTTPD='$(LIGHTTPD)' APACHE2='$(APACHE2)' \
	APACHE_MODULES='$(APACHE_MODULES)' CHRONYD='$(CHRONYD)' \
	FAKETIME_LIB='$(FAKETIME_LIB)' CC_FLAGS='$(CFLAGS)' \
	CHROMIUM='$(CHROMIUM)' NODE='$(NODE)' \
	    bash $(abs_top_srcdir)/bench/bench.sh
endif

# `make soak` (bench/soak.sh): a long run under load with responders killed,
# RSS sampled and valgrind; its checks can fail. Not part of `make check`.
if ENABLE_SANITIZERS
soak:
	@echo "soak: this build has sanitizers; configuring a release build in bench/release"
	$(MKDIR_P) bench/release
	cd bench/release && { test -f Makefile || \
	    $(abs_top_srcdir)/configure -q CFLAGS='-O2 -g'; } && \
	    $(MAKE) $(AM_MAKEFLAGS) soak
else
soak: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	LIGHTTPD='$(LIGHTTPD)' APACHE2='$(APACHE2)' \
	APACHE_MODULES='$(APACHE_MODULES)' CURL='$(CURL_PROG)' \
	    bash $(abs_top_srcdir)/bench/soak.sh
endif
.PHONY: bench soak
