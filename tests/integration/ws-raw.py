#!/usr/bin/env python3
# ws-raw.py: a WebSocket client on a raw socket, for the ws-*.test scripts
# that need what no well-behaved client does (node's `ws` refuses to send a
# bad frame or to stop reading for good). RFC 6455 framing, written here in
# a few lines because the frames must be wrong on purpose. One JSON line on
# stdout says what happened.
#
#   ws-raw.py PORT frames FRAME...   send the frames in one write, then read
#                                    until the server closes the connection
#   ws-raw.py PORT flood READY       send timestamps as fast as possible and
#                                    never read; touch READY once the server
#                                    stops taking them (0.5 s without
#                                    progress); report how long after that
#                                    the server ended the connection
#   ws-raw.py PORT flood-then FRAME  flood until the server's answers no
#                                    longer leave it (its send queue, from
#                                    sock_diag, stops growing), send
#                                    FRAME, never read; report how long the
#                                    server took to end the connection
#   ws-raw.py PORT hold N SECS       N connections at once, each sends the
#                                    upgrade request; count the statuses
#                                    answered within 2 s, hold all SECS s
#   ws-raw.py PORT bytewise          the upgrade request one byte per write
#   ws-raw.py PORT request TEXT      TEXT (Python escapes: \r\n) as the request
#
# FRAME is KIND[:PAYLOAD]: text, bin, ping, pong, cont, close (PAYLOAD a
# status code, optionally ",reason"), with modifiers after KIND: +nofin
# (FIN clear), +len16 / +len64 (payload length in a longer form than
# needed), +nomask; PAYLOAD may be N*C for C repeated N times.
import json
import os
import select
import socket
import struct
import sys
import time

KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
OPCODES = {'cont': 0, 'text': 1, 'bin': 2, 'close': 8, 'ping': 9, 'pong': 10}


def request(port):
    return ('GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n'
            'Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n'
            'Sec-WebSocket-Version: 13\r\n\r\n' % (port, KEY)).encode()


def payload_of(kind, text):
    if '*' in text and text.split('*', 1)[0].isdigit():
        n, c = text.split('*', 1)
        text = c * int(n)
    if kind == 'close' and text:
        code, _, reason = text.partition(',')
        return struct.pack('!H', int(code)) + reason.encode(
            'utf-8', 'surrogateescape')
    return text.encode('utf-8', 'surrogateescape')


def frame(spec):
    head, _, text = spec.partition(':')
    parts = head.split('+')
    kind, mods = parts[0], set(parts[1:])
    payload = payload_of(kind, text)
    b0 = (0 if 'nofin' in mods else 0x80) | OPCODES[kind]
    mask = 'nomask' not in mods
    n = len(payload)
    if 'len64' in mods:
        ln = bytes([127 | (0x80 if mask else 0)]) + struct.pack('!Q', n)
    elif 'len16' in mods or 125 < n < 65536:
        ln = bytes([126 | (0x80 if mask else 0)]) + struct.pack('!H', n)
    elif n >= 65536:
        ln = bytes([127 | (0x80 if mask else 0)]) + struct.pack('!Q', n)
    else:
        ln = bytes([n | (0x80 if mask else 0)])
    if not mask:
        return bytes([b0]) + ln + payload
    key = b'\x37\xfa\x21\x3d'
    return (bytes([b0]) + ln + key +
            bytes(b ^ key[i % 4] for i, b in enumerate(payload)))


def connect(port, rcvbuf=None, mss=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if mss:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.connect(('127.0.0.1', port))
    return s


def handshake(s, port):
    s.sendall(request(port))
    resp = b''
    while b'\r\n\r\n' not in resp:
        d = s.recv(4096)
        if not d:
            break
        resp += d
    head, _, rest = resp.partition(b'\r\n\r\n')
    status = head.split(b'\r\n', 1)[0].decode('latin-1')
    if ' 101 ' not in status + ' ':
        print(json.dumps({'status': status}))
        sys.exit(1)
    return rest


def parse(data):
    """Server frames (unmasked) in data: the list and the bytes left."""
    out = []
    while len(data) >= 2:
        b0, b1 = data[0], data[1]
        n, off = b1 & 0x7f, 2
        if n == 126:
            if len(data) < 4:
                break
            n, off = struct.unpack('!H', data[2:4])[0], 4
        elif n == 127:
            if len(data) < 10:
                break
            n, off = struct.unpack('!Q', data[2:10])[0], 10
        if b1 & 0x80 or len(data) < off + n:
            break
        out.append((b0 & 0x0f, data[off:off + n]))
        data = data[off + n:]
    return out, data


def until_closed(s, timeout):
    """Read until EOF or reset; (bytes, how it ended, seconds)."""
    t0 = time.monotonic()
    data = b''
    s.settimeout(timeout)
    end = 'timeout'
    try:
        while True:
            d = s.recv(65536)
            if not d:
                end = 'eof'
                break
            data += d
    except ConnectionResetError:
        end = 'reset'
    except socket.timeout:
        pass
    return data, end, time.monotonic() - t0


def report(data, end, secs, extra=None):
    frames, rest = parse(data)
    r = {'answers': [], 'pongs': 0, 'close': None, 'reason': None,
         'after_close': 0, 'end': end, 'secs': round(secs, 3),
         'trailing': len(rest)}
    for op, p in frames:
        if r['close'] is not None:
            r['after_close'] += 1
        elif op == 1:
            r['answers'].append(p.decode('utf-8', 'replace'))
        elif op == 10:
            r['pongs'] += 1
        elif op == 8:
            r['close'] = struct.unpack('!H', p[:2])[0] if len(p) >= 2 else 1005
            try:
                r['reason'] = p[2:].decode('utf-8')
            except UnicodeDecodeError:
                r['reason'] = 'INVALID UTF-8: ' + p[2:].hex()
    if extra:
        r.update(extra)
    print(json.dumps(r))


def closed_by_peer(s, timeout):
    """Wait, without reading, until the peer ends the connection (FIN or
    RST); the seconds it took, or None."""
    p = select.poll()
    p.register(s, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
    t0 = time.monotonic()
    ev = p.poll(timeout * 1000)
    return round(time.monotonic() - t0, 3) if ev else None


def server_sendq(s):
    """The server side's send queue (bytes not yet acknowledged) for
    connection s, from the kernel's sock_diag (one socket looked up by its
    addresses: /proc/net/tcp is slow with many sockets in TIME_WAIT)."""
    lport = s.getsockname()[1]
    rport = s.getpeername()[1]
    lo = socket.inet_aton('127.0.0.1') + bytes(12)
    sockid = struct.pack('!HH16s16s', rport, lport, lo, lo) + struct.pack(
        '=III', 0, 0xffffffff, 0xffffffff)
    req = struct.pack('=BBBBI', socket.AF_INET, socket.IPPROTO_TCP, 0, 0,
                      1 << 1) + sockid
    hdr = struct.pack('=IHHII', 16 + len(req), 20, 1, 1, 0)
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 4)
    try:
        nl.sendto(hdr + req, (0, 0))
        data = nl.recv(65536)
    finally:
        nl.close()
    length, kind = struct.unpack('=IH', data[:6])
    if kind != 20:
        return -1
    # inet_diag_msg: 4 bytes, the socket id (48), expires, rqueue, wqueue.
    return struct.unpack('=I', data[16 + 4 + 48 + 8:16 + 4 + 48 + 12])[0]


def flood_frames(n):
    return frame('text:1558915619.944235') * n


def main():
    port, mode, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if mode == 'frames':
        s = connect(port)
        rest = handshake(s, port)
        s.sendall(b''.join(frame(a) for a in args))
        data, end, secs = until_closed(s, 10)
        report(rest + data, end, secs)
    elif mode == 'flood':
        # A small receive buffer: the server's answers stop leaving it soon.
        s = connect(port, rcvbuf=4096)
        handshake(s, port)
        s.setblocking(False)
        burst, sent, t0 = flood_frames(64), 0, time.monotonic()
        stuck_since = stuck = None
        pending = b''
        while True:
            if not pending:
                pending = burst
            try:
                n = s.send(pending)
                pending = pending[n:]
                sent += n
                stuck_since = None
                continue
            except BlockingIOError:
                pass
            except (BrokenPipeError, ConnectionResetError):
                break
            if stuck_since is None:
                stuck_since = time.monotonic()
            elif time.monotonic() - stuck_since > 0.5 and stuck is None:
                stuck = time.monotonic()
                open(args[0], 'w').write('stuck\n')
            p = select.poll()
            p.register(s, select.POLLOUT | select.POLLRDHUP | select.POLLHUP |
                       select.POLLERR)
            ev = p.poll(200)
            if ev and ev[0][1] & (select.POLLRDHUP | select.POLLHUP |
                                  select.POLLERR):
                break
            if time.monotonic() - t0 > 20:
                print(json.dumps({'end': 'still open after 20 s'}))
                return
        print(json.dumps({'end': 'closed by the server', 'sent': sent,
                          'after_stuck': None if stuck is None else
                          round(time.monotonic() - stuck, 3)}))
    elif mode == 'flood-then':
        # Small segments and a small window keep the server's queues small.
        s = connect(port, rcvbuf=4096, mss=536)
        handshake(s, port)
        # Small steps, so that few answers wait in the server when its
        # send queue is full and it still reads the FRAME that follows.
        last = -1
        for _ in range(20000):
            s.sendall(flood_frames(8))
            time.sleep(0.005)
            q = server_sendq(s)
            if q == last and q > 0:
                time.sleep(0.05)  # not a server that was just slow
                if server_sendq(s) == q:
                    break
            last = q
        else:
            print(json.dumps({'end': 'the server never stopped sending'}))
            return
        s.sendall(frame(args[0]))
        secs = closed_by_peer(s, 10)
        print(json.dumps({'end': 'closed' if secs is not None else 'open',
                          'secs': secs, 'sendq': last}))
    elif mode == 'hold':
        # N connections at once, each sends the upgrade request; how each
        # was answered (status code, or none within 2 s), then all held
        # open for SECS seconds.
        n, secs = int(args[0]), float(args[1])
        socks, status = [], {}
        for _ in range(n):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(('127.0.0.1', port))
            socks.append(s)
        resp = {s: b'' for s in socks}
        t0 = time.monotonic()
        for s in socks:
            select.select([], [s], [], 2)
            try:
                s.send(request(port))
            except OSError:
                pass
        while time.monotonic() - t0 < 2:
            waiting = [s for s in socks if b'\r\n' not in resp[s]]
            if not waiting:
                break
            ready, _, _ = select.select(waiting, [], [], 0.1)
            for s in ready:
                try:
                    d = s.recv(4096)
                except OSError:
                    d = None
                resp[s] += d if d else b'\r\nnone'
        for s in socks:
            line = resp[s].split(b'\r\n', 1)[0].split()
            k = line[1].decode() if len(line) > 1 else 'none'
            status[k] = status.get(k, 0) + 1
        time.sleep(max(0, secs - (time.monotonic() - t0)))
        print(json.dumps(status))
    elif mode == 'bytewise':
        s = connect(port)
        t0 = time.monotonic()
        for b in request(port):
            s.send(bytes([b]))
        data, end, secs = until_closed(s, 0.5)
        print(json.dumps({'status': data.split(b'\r\n', 1)[0].decode(),
                          'secs': round(time.monotonic() - t0, 3)}))
    elif mode == 'request':
        s = connect(port)
        t0 = time.monotonic()
        s.sendall(args[0].encode().decode('unicode_escape').encode('latin-1'))
        data, end, secs = until_closed(s, 15)
        print(json.dumps({'status': data.split(b'\r\n', 1)[0].decode(),
                          'end': end, 'secs': round(time.monotonic() - t0, 3)}))
    else:
        print('unknown mode ' + mode, file=sys.stderr)
        sys.exit(2)


main()
