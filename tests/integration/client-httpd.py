# client-httpd.py PORT HANGPORT: HTTP answers that a WebNTP client must
# refuse (for client-errors.test, client-hostile.test), and on HANGPORT a
# server that accepts connections and never answers. Stops by itself after
# 120 s. Answers with a clock: /st0 and /time0 say it is 1970 (in "st" and
# "time", or in "time" only, as htptime does), /future50 that it is 50 years
# from now, /ok the truth.
import http.server, socket, sys, threading, time

BODIES = {
    "/text": (200, "text/plain", b"hello, world\n"),
    "/nost": (200, "application/json", b'{"id":"x","leap":0}\n'),
    "/ctl": (200, "application/json", b"\x1b[31mhello\nworld\x07\n"),
    "/big": (200, "application/json", b"[" + b"1," * 50000 + b"1]"),
    "/404": (404, "text/plain", b"not found\n"),
    "/500": (500, "text/plain", b"oops\n"),
}

YEAR = 365.25 * 86400
CLOCKS = {"/st0": lambda: 0, "/time0": lambda: 0, "/ok": time.time,
          "/future50": lambda: time.time() + 50 * YEAR}

def clock_body(path):
    st = CLOCKS[path]()
    if path == "/time0":
        return b'{"time":%.6f}\n' % st
    return (b'{"id":"x","it":0.000000,"st":%.6f,"time":%.6f,"leap":0,'
            b'"next":0.000000,"step":0}\n' % (st, st))

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):
        self.send_response(204)
        self.end_headers()

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in CLOCKS:
            code, ctype, body = 200, "application/json", clock_body(path)
        else:
            code, ctype, body = BODIES.get(path, (404, "text/plain", b"?\n"))
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass

def hang(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    held = []
    while True:
        c, _ = s.accept()
        held.append(c)

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, *a):
        pass  # clients that hang up (the body-too-long case) are expected

srv = Server(("127.0.0.1", int(sys.argv[1])), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
threading.Thread(target=hang, args=(int(sys.argv[2]),), daemon=True).start()
time.sleep(120)
