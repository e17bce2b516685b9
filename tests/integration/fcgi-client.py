#!/usr/bin/env python3
# fcgi-client.py: a FastCGI client (the web server's side of FastCGI 1.0)
# for the standalone responder's tests, written from the specification.
#   fcgi-client.py ADDR [--conns N] [--requests M] [--keep] [--hold K]
#                  [--method M] [--query Q] [--host H] [--partial]
#                  [--split] [--body N]
# ADDR is unix:PATH or HOST:PORT. N connections at once, M requests on each
# (with FCGI_KEEP_CONN when --keep, else a connection per request); --hold
# K first opens K more connections that each get one kept request and then
# stay idle; --partial sends half a request and waits; --split sends the
# end of FCGI_STDIN 50 ms after the params, as Apache's mod_proxy_fcgi
# may; --body N sends N bytes of FCGI_STDIN. A kept connection found
# closed when reused is opened again, once, as web servers do (counted in
# reconnects). Prints one JSON line: ok (answers with a status), bad,
# statuses, reconnects, first (the first answer's stdout), secs.
import argparse, json, socket, struct, sys, threading, time

BEGIN, END, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7


def rec(t, rid, body=b""):
    return struct.pack("!BBHHBB", 1, t, rid, len(body), 0, 0) + body


def nv(k, v):
    def ln(n):
        return bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)
    return ln(len(k)) + ln(len(v)) + k + v


def request(params, keep, rid=1, body=0):
    p = b"".join(nv(k.encode(), v.encode()) for k, v in params.items())
    stdin = b""
    while body > 0:
        n = min(body, 65535)
        stdin += rec(STDIN, rid, b"x" * n)
        body -= n
    return (rec(BEGIN, rid, struct.pack("!HB5x", 1, 1 if keep else 0)) +
            rec(PARAMS, rid, p) + rec(PARAMS, rid) + stdin + rec(STDIN, rid))


def connect(addr):
    if addr.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(addr[5:])
    else:
        h, p = addr.rsplit(":", 1)
        s = socket.create_connection((h.strip("[]"), int(p)))
    s.settimeout(20)
    return s


def answer(s):
    """Read records up to END_REQUEST; the stdout bytes, or None."""
    buf, out = b"", b""
    while True:
        while len(buf) < 8:
            b = s.recv(65536)
            if not b:
                return None
            buf += b
        _, t, _, n, pad, _ = struct.unpack("!BBHHBB", buf[:8])
        while len(buf) < 8 + n + pad:
            b = s.recv(65536)
            if not b:
                return None
            buf += b
        body, buf = buf[8:8 + n], buf[8 + n + pad:]
        if t == STDOUT:
            out += body
        elif t == END:
            return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addr")
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--requests", type=int, default=1)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--hold", type=int, default=0)
    ap.add_argument("--method", default="GET")
    ap.add_argument("--query", default="1489217288.328757")
    ap.add_argument("--host", default="time.example:8443")
    ap.add_argument("--partial", action="store_true")
    ap.add_argument("--split", action="store_true")
    ap.add_argument("--body", type=int, default=0)
    a = ap.parse_args()
    params = {"REQUEST_METHOD": a.method, "QUERY_STRING": a.query,
              "HTTP_HOST": a.host}
    res = {"ok": 0, "bad": 0, "statuses": {}, "reconnects": 0, "first": None}
    mu = threading.Lock()

    def note(out):
        with mu:
            if out is None:
                res["bad"] += 1
                return
            head = out.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
            st = [l[8:11] for l in head.split("\r\n") if l.startswith("Status: ")]
            if not st:
                res["bad"] += 1
                return
            res["ok"] += 1
            res["statuses"][st[0]] = res["statuses"].get(st[0], 0) + 1
            if res["first"] is None:
                res["first"] = out.decode(errors="replace")

    held = []
    for _ in range(a.hold):
        s = connect(a.addr)
        s.sendall(request(params, True))
        note(answer(s))
        held.append(s)
    if a.partial:
        s = connect(a.addr)
        s.sendall(request(params, True)[:20])
        time.sleep(30)
        return

    def send(s, req):
        if a.split:
            s.sendall(req[:-8])
            time.sleep(0.05)
            s.sendall(req[-8:])
        else:
            s.sendall(req)
        return answer(s)

    def run():
        s = None
        try:
            for _ in range(a.requests):
                req = request(params, a.keep, body=a.body)
                out = None
                if s is not None:
                    try:
                        out = send(s, req)
                    except OSError:
                        pass
                    if out is None:
                        with mu:
                            res["reconnects"] += 1
                        s.close()
                        s = None
                if s is None:
                    s = connect(a.addr)
                    out = send(s, req)
                note(out)
                if not a.keep:
                    s.close()
                    s = None
        except OSError:
            note(None)

    t0 = time.monotonic()
    ts = [threading.Thread(target=run) for _ in range(a.conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    res["secs"] = round(time.monotonic() - t0, 3)
    print(json.dumps(res))


main()
