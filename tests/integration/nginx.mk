# The standalone responder (webntp.fcgi -listen, systemd's socket) and the
# web servers that keep FastCGI connections: nginx (nginx/*.conf) and
# Apache's mod_proxy_fcgi (apache/webntp-proxy-fcgi.conf); kept apart from
# local.mk so branches merge.
NGINX_TESTS = \
	tests/integration/responder-standalone.test \
	tests/integration/responder-nginx.test \
	tests/integration/ws-nginx.test \
	tests/integration/responder-proxyfcgi.test
TESTS += $(NGINX_TESTS)
EXTRA_DIST += $(NGINX_TESTS) tests/integration/fcgi-client.py
clean-local: nginx-clean-local
nginx-clean-local:
	-rm -rf tests/run/responder-standalone tests/run/responder-nginx \
		tests/run/ws-nginx tests/run/responder-proxyfcgi
.PHONY: nginx-clean-local
