#!/usr/bin/python3
"""WebSocket peers for tests/ws_basic.t, on Debian's python3-websockets (asyncio API, 10.x).

  ws_fixture.py client URL [--close CODE]  text echo, 1 MiB binary echo (SHA-256 compared),
                                           ping/pong, then close (1000 or CODE); prints one
                                           line per check and "closed CODE" (what the server
                                           answered)
  ws_fixture.py send URL TEXT             send TEXT, print the reply, close
  ws_fixture.py server [--close-with CODE] [--log FILE]
                                           echo server on 127.0.0.1; prints "PORT n"; logs
                                           "closed CODE REASON" for each connection; with
                                           --close-with it closes after the first echo
  ws_fixture.py silent                    a server that completes the upgrade, then reads and
                                           never answers (no pongs); prints "PORT n"
  ws_fixture.py raw PORT CASE              a raw socket client sending bad input: badkey,
                                           unmasked, len63, badutf8, bigctl, noupgrade, frag
                                           (a fragmented message with a ping in between);
                                           prints the HTTP status or "close CODE"
With WS_CA=FILE, wss:// URLs are verified against that CA; with WS_CERT=PEM (certificate and
key) the server speaks TLS (wss://).
Each run is bounded by timeouts; nothing waits forever.
"""
import asyncio
import base64
import hashlib
import os
import socket
import ssl
import struct
import sys

import websockets



def recv_head(sock):
    """What arrives until the end of an HTTP head (or EOF), the head's end included."""
    got = b""
    while b"\r\n\r\n" not in got:
        d = sock.recv(4096)
        if not d:
            break
        got += d
    return got

def client_ssl(url):
    if not url.startswith("wss:"):
        return None
    return ssl.create_default_context(cafile=os.environ.get("WS_CA"))


async def client(url, close_code):
    async with websockets.connect(url, max_size=None, open_timeout=5, close_timeout=5, ssl=client_ssl(url)) as ws:
        await ws.send("hello, text")
        r = await asyncio.wait_for(ws.recv(), 5)
        print("text", repr(r))
        data = os.urandom(1 << 20)
        await ws.send(data)
        got = b""
        while len(got) < len(data):
            m = await asyncio.wait_for(ws.recv(), 10)
            got += m if isinstance(m, bytes) else m.encode()
        print("binary", "same" if hashlib.sha256(got).digest() == hashlib.sha256(data).digest() else "differs", len(got))
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 5)
        print("pong ok")
        if close_code:
            await ws.close(code=close_code, reason="test done")
        else:
            await ws.close()
        print("closed", ws.close_code)


async def send(url, text):
    origin = os.environ.get("WS_ORIGIN")
    async with websockets.connect(url, max_size=None, open_timeout=5, close_timeout=5, ssl=client_ssl(url),
                                  origin=origin) as ws:
        await ws.send(text)
        r = await asyncio.wait_for(ws.recv(), 5)
        print("reply", r if isinstance(r, str) else r.decode(errors="replace"))
        await ws.close()
        print("closed", ws.close_code)


async def server(close_with, log):
    async def handler(ws, path=None):
        try:
            async for m in ws:
                await ws.send(m)
                if close_with:
                    await ws.close(code=close_with, reason="server says bye")
                    break
        except websockets.ConnectionClosed:
            pass
        with open(log, "a") as f:
            for h in ("X-Duct-Test", "Origin"):
                if h in ws.request_headers:
                    f.write("header %s: %s\n" % (h, ws.request_headers[h]))
            f.write("closed %s %s\n" % (ws.close_code, ws.close_reason))

    ctx = None
    if os.environ.get("WS_CERT"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.environ["WS_CERT"])
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None, ssl=ctx) as srv:
        port = srv.sockets[0].getsockname()[1]
        print("PORT", port, flush=True)
        await asyncio.sleep(60)


def frame(op, payload, mask=True, fin=True, rawlen=None):
    b0 = (0x80 if fin else 0) | op
    n = len(payload) if rawlen is None else rawlen
    mb = 0x80 if mask else 0
    if n < 126:
        h = struct.pack("!BB", b0, mb | n)
    elif n < 65536 and rawlen is None:
        h = struct.pack("!BBH", b0, mb | 126, n)
    else:
        h = struct.pack("!BBQ", b0, mb | 127, n)
    if not mask:
        return h + payload
    k = os.urandom(4)
    return h + k + bytes(c ^ k[i % 4] for i, c in enumerate(payload))


def read_close(s):
    """Read frames until a close frame; its code, or 'eof'."""
    buf = b""
    s.settimeout(5)
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            return "timeout"
        if not d:
            return "eof"
        buf += d
        while len(buf) >= 2:
            op = buf[0] & 15
            n = buf[1] & 127
            o = 2
            if n == 126:
                n = struct.unpack("!H", buf[2:4])[0]; o = 4
            elif n == 127:
                n = struct.unpack("!Q", buf[2:10])[0]; o = 10
            if len(buf) < o + n:
                break
            p = buf[o:o + n]
            buf = buf[o + n:]
            if op == 8:
                return "close %d" % struct.unpack("!H", p[:2])[0] if len(p) >= 2 else "close none"
            print("frame op=%d %r" % (op, p[:40]))


def raw(port, case):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    if case == "badkey":
        key = "not-a-key"
    if case == "noupgrade":
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    else:
        s.sendall(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
    resp = recv_head(s)
    head, _, rest = resp.partition(b"\r\n\r\n")
    status = head.split(b"\r\n")[0].decode()
    if " 101 " not in status + " ":
        print("status", status)
        print("body", rest.decode(errors="replace").strip())
        return
    if case == "unmasked":
        s.sendall(frame(2, b"hello", mask=False))
    elif case == "len63":
        s.sendall(frame(2, b"", rawlen=1 << 63))
    elif case == "badutf8":
        s.sendall(frame(1, b"ok \xff\xfe"))
    elif case == "bigctl":
        s.sendall(frame(9, b"p" * 126))
    elif case == "frag":
        s.sendall(frame(1, b"frag", fin=False) + frame(9, b"mid") + frame(0, b"mented", fin=True))
        buf = b""
        s.settimeout(5)
        got = []
        while b"fragmented" not in b"".join(got):
            d = s.recv(65536)
            if not d:
                break
            buf += d
            while len(buf) >= 2 and len(buf) >= 2 + (buf[1] & 127):
                op, n = buf[0] & 15, buf[1] & 127
                p = buf[2:2 + n]
                buf = buf[2 + n:]
                print("frame op=%d %s" % (op, p.decode(errors="replace")))
                got.append(p) if op in (0, 1, 2) else None
        s.sendall(frame(8, struct.pack("!H", 1000)))
        print(read_close(s))
        return
    print(read_close(s))


def silent():
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(5)
    ls.settimeout(30)
    print("PORT", ls.getsockname()[1], flush=True)
    conns = []
    try:
        while True:
            c, _ = ls.accept()
            c.settimeout(5)
            req = recv_head(c)
            key = ""
            for line in req.decode(errors="replace").split("\r\n"):
                if line.lower().startswith("sec-websocket-key:"):
                    key = line.split(":", 1)[1].strip()
            acc = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
            c.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: %s\r\n\r\n" % acc).encode())
            conns.append(c)  # held open, never read again
    except (socket.timeout, OSError):
        pass


def main():
    a = sys.argv[1:]
    if a[0] == "client":
        code = int(a[3]) if len(a) > 3 and a[2] == "--close" else 0
        asyncio.run(client(a[1], code))
    elif a[0] == "send":
        asyncio.run(send(a[1], a[2]))
    elif a[0] == "server":
        close_with, log = 0, os.devnull
        i = 1
        while i < len(a):
            if a[i] == "--close-with":
                close_with = int(a[i + 1]); i += 2
            elif a[i] == "--log":
                log = a[i + 1]; i += 2
            else:
                raise SystemExit("unknown " + a[i])
        asyncio.run(server(close_with, log))
    elif a[0] == "silent":
        silent()
    elif a[0] == "raw":
        raw(int(a[1]), a[2])


if __name__ == "__main__":
    main()
