# client-httpstime.py PORT: a web server that offers only X-HTTPSTIME, for
# client-anyserver.test: HEAD /.well-known/time is answered 204 with
# X-HTTPSTIME, the server's clock (time.time(), so libfaketime shifts it)
# read as the answer is made, %.6f as WebNTP's responder prints it; GET of
# any path is a page. Stops by itself after 600 s (SIGALRM: libfaketime
# makes Python's time.sleep fail).
import http.server, signal, sys, time

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):
        if self.path != "/.well-known/time":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response_only(204)
        self.send_header("X-HTTPSTIME", "%.6f" % time.time())
        self.end_headers()

    def do_GET(self):
        body = b"<html><body>not a time server</body></html>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

srv = Server(("127.0.0.1", int(sys.argv[1])), H)
signal.alarm(600)
srv.serve_forever()
