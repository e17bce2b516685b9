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

def serve(c):
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
    resp = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n" % accept)
    if "sec-websocket-protocol" in hdr:
        resp += "Sec-WebSocket-Protocol: webntp.shogo82148.com\r\n"
    out = (resp + "\r\n").encode()
    host = hdr.get("host", "")
    if path == "/early":
        out += frame(answer(host, 0, time.time()))
    c.sendall(out)
    while True:
        op, p = read_frame(c)
        if op == 8:
            c.sendall(frame(p[:2], opcode=8))
            return
        if op not in (1, 2):
            continue
        it = p.decode()
        st = 0 if path == "/st0" else time.time()
        a = answer(host, it, st)
        if path == "/frag":
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

def conn(c):
    try:
        serve(c)
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
        threading.Thread(target=conn, args=(c,), daemon=True).start()

threading.Thread(target=main, daemon=True).start()
time.sleep(120)
