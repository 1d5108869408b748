#!/usr/bin/env python3
"""A small SOCKS4/4A/5 server for the tests (CONNECT, and BIND for SOCKS5).

Usage: socks_fixture.py [--auth USER:PASS] [--userid NAME] [--extra TEXT] [--log FILE]
Prints "PORT <n>" on stdout when it listens on 127.0.0.1.
  --auth     SOCKS5 clients must log in with username/password (RFC 1929)
  --userid   SOCKS4 requests must carry this user id (else reply 93)
  --extra    send TEXT right after the success reply, in the same segment (checks that the
             client does not swallow tunnel bytes with the reply)
  --refuse   reply "connection refused" (SOCKS5 5 / SOCKS4 91) to every request
Each request is logged as one line: "SOCKS5 CONNECT host:port user=NAME".
"""
import argparse
import os
import socket
import struct
import sys
import threading

from fixture_relay import listen_and_serve, relay


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        k = s.recv(n - len(b))
        if not k:
            raise EOFError("peer closed")
        b += k
    return b


def recv_until_nul(s):
    b = b""
    while True:
        c = recv_exact(s, 1)
        if c == b"\0":
            return b
        b += c


class Server:
    def __init__(self, args):
        self.args = args
        self.loglock = threading.Lock()

    def log(self, line):
        if not self.args.log:
            return
        with self.loglock:
            with open(self.args.log, "a") as f:
                f.write(line + "\n")

    def serve(self, c):
        try:
            v = recv_exact(c, 1)[0]
            if v == 4:
                self.socks4(c)
            elif v == 5:
                self.socks5(c)
            else:
                c.close()
        except (EOFError, OSError):
            c.close()

    def connect(self, host, port):
        return socket.create_connection((host, port), timeout=10)

    def socks4(self, c):
        cd, port = struct.unpack("!BH", recv_exact(c, 3))
        ip = recv_exact(c, 4)
        user = recv_until_nul(c).decode(errors="replace")
        if ip[:3] == b"\0\0\0" and ip[3] != 0:
            host = recv_until_nul(c).decode(errors="replace")
            kind = "SOCKS4A"
        else:
            host = socket.inet_ntoa(ip)
            kind = "SOCKS4"
        self.log("%s CONNECT %s:%d user=%s" % (kind, host, port, user))
        if self.args.userid is not None and user != self.args.userid:
            c.sendall(struct.pack("!BBH4s", 0, 93, 0, b"\0\0\0\0"))
            c.close()
            return
        if self.args.refuse:
            c.sendall(struct.pack("!BBH4s", 0, 91, 0, b"\0\0\0\0"))
            c.close()
            return
        try:
            t = self.connect(host, port)
        except OSError:
            c.sendall(struct.pack("!BBH4s", 0, 91, 0, b"\0\0\0\0"))
            c.close()
            return
        t.settimeout(None)
        c.sendall(struct.pack("!BBH4s", 0, 90, port, ip) + self.extra())
        relay(c, t)

    def extra(self):
        return self.args.extra.encode() if self.args.extra else b""

    def reply5(self, c, rep, addr=("0.0.0.0", 0), extra=b""):
        try:
            a = socket.inet_aton(addr[0])
            c.sendall(struct.pack("!BBBB", 5, rep, 0, 1) + a + struct.pack("!H", addr[1]) + extra)
        except OSError:
            a = socket.inet_pton(socket.AF_INET6, addr[0])
            c.sendall(struct.pack("!BBBB", 5, rep, 0, 4) + a + struct.pack("!H", addr[1]) + extra)

    def socks5(self, c):
        n = recv_exact(c, 1)[0]
        methods = recv_exact(c, n)
        user = "-"
        if self.args.auth:
            if 2 not in methods:
                c.sendall(b"\x05\xff")
                c.close()
                return
            c.sendall(b"\x05\x02")
            ver, ul = recv_exact(c, 2)
            u = recv_exact(c, ul).decode(errors="replace")
            pl = recv_exact(c, 1)[0]
            p = recv_exact(c, pl).decode(errors="replace")
            if "%s:%s" % (u, p) != self.args.auth:
                self.log("SOCKS5 LOGIN-FAILED user=%s" % u)
                c.sendall(b"\x01\x01")
                c.close()
                return
            c.sendall(b"\x01\x00")
            user = u
        else:
            if 0 not in methods:
                c.sendall(b"\x05\xff")
                c.close()
                return
            c.sendall(b"\x05\x00")
        ver, cmd, _, atyp = recv_exact(c, 4)
        if atyp == 1:
            host = socket.inet_ntoa(recv_exact(c, 4))
        elif atyp == 4:
            host = socket.inet_ntop(socket.AF_INET6, recv_exact(c, 16))
        elif atyp == 3:
            host = recv_exact(c, recv_exact(c, 1)[0]).decode(errors="replace")
        else:
            self.reply5(c, 8)
            c.close()
            return
        port = struct.unpack("!H", recv_exact(c, 2))[0]
        name = {1: "CONNECT", 2: "BIND"}.get(cmd, "CMD%d" % cmd)
        self.log("SOCKS5 %s %s:%d user=%s" % (name, host, port, user))
        if self.args.refuse:
            self.reply5(c, 5)
            c.close()
            return
        if cmd == 1:
            try:
                t = self.connect(host, port)
            except OSError:
                self.reply5(c, 5)
                c.close()
                return
            t.settimeout(None)
            self.reply5(c, 0, t.getsockname()[:2], self.extra())
            relay(c, t)
        elif cmd == 2:
            ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            ls.bind(("127.0.0.1", 0))
            ls.listen(1)
            self.reply5(c, 0, ls.getsockname())
            if self.args.bindfile:
                with open(self.args.bindfile + ".tmp", "w") as f:
                    f.write("%d\n" % ls.getsockname()[1])
                os.rename(self.args.bindfile + ".tmp", self.args.bindfile)
            ls.settimeout(30)
            try:
                t, pa = ls.accept()
            except OSError:
                self.reply5(c, 1)
                c.close()
                return
            ls.close()
            self.reply5(c, 0, pa[:2], self.extra())
            relay(c, t)
        else:
            self.reply5(c, 7)
            c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--auth")
    ap.add_argument("--userid")
    ap.add_argument("--extra")
    ap.add_argument("--log")
    ap.add_argument("--bindfile", help="write the BIND listener's port here")
    ap.add_argument("--refuse", action="store_true")
    args = ap.parse_args()
    srv = Server(args)
    listen_and_serve(srv.serve)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
