# client-wsd.py PORT: a raw WebSocket server (RFC 6455, frames crafted by
# hand) whose answers a WebNTP client must judge, for client-hostile.test.
# The request path picks the behaviour:
#   /ok      one answer per message (the control case)
#   /frag    each answer in three fragments, in one write: one message
#   /ping    a ping, then the answer, in one write: a ping is no message
#   /two     two answers per message, in one write
#   /early   a message sent with the 101 response, before any request
#   /late    the answer, then the same answer again 30 ms later
#   /masked  the answer in a masked frame (a server must not mask)
#   /masked0 the same with the masking key 0 (the payload reads plain)
#   /st0     answers whose "st" and "time" are 0 (1970)
# and for client-wsproto.test (RFC 6455 from the client's side):
#   /strict  the upgrade request checked field by field (400 if wrong)
#   /h403 /haccept /hproto /hext /hbig /hssh  a bad upgrade response: 403,
#            a wrong Sec-WebSocket-Accept, subprotocol "chat", an extension,
#            9000 bytes of header, not HTTP at all (then silence)
#   /rsv /opcode /cont  a frame with RSV1, the reserved opcode 3, a
#            continuation frame outside a message
#   /close /badclose  a close 4000 with a reason (control bytes in it), a
#            close with the code 1005 (not for the wire)
#   /big /max  an answer of 1025 bytes, of exactly 1024
#   /pingpong  a ping before each answer; the next answer only if the pong
#            came (else "no pong", not JSON)
#   /split   the answer's frame header, then its payload 200 ms later
#   /early1  the answer's first byte with the 101, the rest after a request
# Every close frame received is logged on stderr as "PATH: close CODE".
# Stops by itself after 120 s.
import base64, hashlib, os, socket, struct, sys, threading, time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

def frame(payload, opcode=1, fin=True, mask=False, key=None):
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    m = 0x80 if mask else 0
    if n < 126:
        h = struct.pack("!BB", b0, m | n)
    elif n < 65536:
        h = struct.pack("!BBH", b0, m | 126, n)
    else:
        h = struct.pack("!BBQ", b0, m | 127, n)
    if not mask:
        return h + payload
    key = key or os.urandom(4)
    return h + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))

def answer(host, it, st):
    return ('{"id":"%s","it":%s,"st":%.6f,"time":%.6f,"leap":0,'
            '"next":0.000000,"step":0}\n' % (host, it, st, st)).encode()

def recv_exact(c, n):
    b = b""
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b

def read_frame(c):
    b0, b1 = recv_exact(c, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", recv_exact(c, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", recv_exact(c, 8))[0]
    key = recv_exact(c, 4) if b1 & 0x80 else b"\0\0\0\0"
    p = recv_exact(c, n)
    return b0 & 0x0F, bytes(x ^ key[i % 4] for i, x in enumerate(p))

def strict(lines, hdr, port):
    # What RFC 6455 4.1 asks of the client's request, and our Host form.
    want = [
        (lines[0] == "GET /strict?a=1&b=%20 HTTP/1.1", "request line"),
        (hdr.get("host") == "127.0.0.1:%d" % port, "Host"),
        (hdr.get("upgrade", "").lower() == "websocket", "Upgrade"),
        ("upgrade" in hdr.get("connection", "").lower(), "Connection"),
        (hdr.get("sec-websocket-version") == "13", "Version"),
        (hdr.get("sec-websocket-protocol") == "webntp.shogo82148.com",
         "Protocol"),
        (len(base64.b64decode(hdr.get("sec-websocket-key", ""),
                              validate=True)) == 16, "Key"),
        (len(lines) == len(hdr) + 1, "one of each header"),
    ]
    return [why for ok, why in want if not ok]

def serve(c, port):
    req = b""
    while b"\r\n\r\n" not in req:
        d = c.recv(4096)
        if not d:
            return
        req += d
    lines = req.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    path = lines[0].split(" ")[1].split("?")[0]
    hdr = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdr[k.strip().lower()] = v.strip()
    accept = base64.b64encode(hashlib.sha1(
        hdr["sec-websocket-key"].encode() + GUID).digest()).decode()
    if path == "/haccept":
        accept = base64.b64encode(b"\0" * 20).decode()
    resp = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n" % accept)
    if "sec-websocket-protocol" in hdr:
        resp += "Sec-WebSocket-Protocol: %s\r\n" % (
            "chat" if path == "/hproto" else "webntp.shogo82148.com")
    if path == "/hext":
        resp += "Sec-WebSocket-Extensions: permessage-deflate\r\n"
    if path == "/hbig":
        resp += "X-Pad: %s\r\n" % ("p" * 9000)
    if path == "/strict":
        bad = strict(lines, hdr, port)
        if bad:
            sys.stderr.write("/strict: wrong %s\n" % ", ".join(bad))
            c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            return
    if path == "/h403":
        c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        time.sleep(1)
        return
    if path == "/hssh":
        c.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n")
        time.sleep(30)
        return
    out = (resp + "\r\n").encode()
    host = hdr.get("host", "")
    if path == "/early":
        out += frame(answer(host, 0, time.time()))
    if path == "/early1":
        out += frame(answer(host, 0, time.time()))[:1]
    c.sendall(out)
    ponged = True
    while True:
        op, p = read_frame(c)
        if op == 8:
            code = struct.unpack("!H", p[:2])[0] if len(p) >= 2 else 1005
            sys.stderr.write("%s: close %d\n" % (path, code))
            sys.stderr.flush()
            c.sendall(frame(p[:2], opcode=8))
            return
        if op == 10 and p == b"xyz":
            ponged = True
        if op not in (1, 2):
            continue
        it = p.decode()
        st = 0 if path == "/st0" else time.time()
        a = answer(host, it, st)
        if path == "/early1":
            out = frame(a)[1:]
        elif path == "/pingpong":
            out = frame(b"xyz", opcode=9) + frame(a if ponged else b"no pong")
            ponged = False
        elif path == "/split":
            f = frame(a)
            c.sendall(f[:len(f) - len(a)])
            time.sleep(0.2)
            out = a
        elif path == "/rsv":
            out = bytes([0xc1]) + frame(a)[1:]
        elif path == "/opcode":
            out = frame(a, opcode=3)
        elif path == "/cont":
            out = frame(a, opcode=0)
        elif path == "/close":
            out = frame(struct.pack("!H", 4000) + b"bye\x1b[31m\n", opcode=8)
        elif path == "/badclose":
            out = frame(struct.pack("!H", 1005), opcode=8)
        elif path in ("/big", "/max"):
            n = 1025 if path == "/big" else 1024
            out = frame(a[:-2] + b" " * (n - len(a)) + a[-2:])
        elif path == "/frag":
            out = (frame(a[:10], fin=False) + frame(a[10:20], 0, False) +
                   frame(a[20:], 0))
        elif path == "/ping":
            out = frame(b"are you there", opcode=9) + frame(a)
        elif path == "/two":
            out = frame(a) + frame(a)
        elif path == "/masked":
            out = frame(a, mask=True)
        elif path == "/masked0":
            out = frame(a, mask=True, key=b"\0\0\0\0")
        else:
            out = frame(a)
        c.sendall(out)
        if path == "/late":
            time.sleep(0.03)
            c.sendall(frame(a))

def conn(c, port):
    try:
        serve(c, port)
    except (EOFError, OSError, KeyError, IndexError, ValueError):
        pass
    finally:
        c.close()

def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen(16)
    while True:
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=conn, args=(c, int(sys.argv[1])),
                         daemon=True).start()

threading.Thread(target=main, daemon=True).start()
time.sleep(120)
