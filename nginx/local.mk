# nginx/: webntp-http.conf (the http {} part: upstreams and maps) and
# webntp.conf (inside a server {}), installed in $(pkgdatadir)/nginx.
nginxdir = $(pkgdatadir)/nginx
dist_nginx_DATA = nginx/webntp-http.conf nginx/webntp.conf
EXTRA_DIST += bench/bench-nginx.sh
