# www/: the browser module webntp.js and the /clock/ page, served as
# static files by every shipped config (lighttpd/webntp-www.conf,
# apache/webntp-www.conf, nginx/webntp-www.conf, webntp -serve) from
# $(pkgdatadir)/www.
wwwdir = $(pkgdatadir)/www
dist_www_DATA = www/webntp.js
wwwclockdir = $(pkgdatadir)/www/clock
dist_wwwclock_DATA = www/clock/index.html www/clock/clock.js \
	www/clock/clock.css
