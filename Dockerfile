# Dockerfile: the whole WebNTP service in one container: lighttpd with the
# project's lighttpd.conf, the FastCGI responder webntp.fcgi it spawns and
# the WebSocket sidecar webntp-ws, run by `webntp -serve :8080` (which
# restarts a child that dies) as the unprivileged user webntp, on port 8080
# for http:// and ws:// alike:
#   docker build -t webntp .
#   docker run -p 8080:8080 webntp [server flags, e.g. -allow-cross-origin]
# The HEALTHCHECK asks the service the time with the installed client, over
# HTTP and over WebSocket. `make container-check` builds and runs this file
# with podman (tests/container/container-check).

# Builder: the build dependencies from their one list (.ci/install-deps
# --build), then the usual configure, make, make install into /out.
FROM debian:bookworm AS build
COPY .ci/install-deps /tmp/install-deps
RUN bash /tmp/install-deps --build && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cd /src && autoreconf -fi && mkdir /build && cd /build && \
	/src/configure -q --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		--libexecdir=/usr/libexec --with-systemdsystemunitdir=no \
		--with-sysusersdir=no --with-tmpfilesdir=no && \
	make -j"$(nproc)" >/dev/null && make install DESTDIR=/out >/dev/null

# Runtime: lighttpd and the shared libraries the three programs link
# (checked below: a missing one fails the build, not the container),
# tzdata's leap-seconds.list to start from, CA certificates for the
# table's https download into /var/cache/webntp. No systemd here: the user
# and the cache directory of systemd/'s sysusers.d and tmpfiles.d files
# are made below, the same (webntp, 2775 webntp:webntp).
FROM debian:bookworm
RUN apt-get update -q && \
	apt-get install -y -q --no-install-recommends lighttpd tzdata \
		ca-certificates libfcgi0ldbl libjansson4 libcurl4 libssl3 \
		libwslay1 && \
	apt-get clean && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /
RUN ! ldd /usr/bin/webntp /usr/sbin/webntp-ws /usr/libexec/webntp/webntp.fcgi | \
		grep 'not found' && \
	useradd --system --user-group --home-dir /nonexistent --no-create-home \
		--shell /usr/sbin/nologin webntp && \
	install -d -m 2775 -o webntp -g webntp /var/cache/webntp
USER webntp
EXPOSE 8080
# The table's cache; its download is kept across restarts when a volume
# is mounted here.
VOLUME /var/cache/webntp
ENTRYPOINT ["/usr/bin/webntp", "-serve", ":8080"]
CMD []
HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 \
	CMD webntp -p 1 -timeout 3 http://127.0.0.1:8080/ >/dev/null && \
		webntp -p 1 -timeout 3 ws://127.0.0.1:8080/ >/dev/null
