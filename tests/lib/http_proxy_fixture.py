#!/usr/bin/env python3
"""A small HTTP CONNECT proxy for the tests.

Usage: http_proxy_fixture.py [--auth USER:PASS] [--extra TEXT] [--lf] [--status "403 Forbidden"]
                             [--log FILE]
Prints "PORT <n>" on stdout when it listens on 127.0.0.1.
  --auth    demand "Proxy-Authorization: Basic base64(USER:PASS)", else 407
  --extra   send TEXT right after the 200 reply in the same segment (tunnel bytes that the
            client must not swallow with the reply header)
  --lf      end reply lines with a bare LF (needs ignorecr on the client)
  --status  always answer with this status instead of connecting
Each request line is logged, with "auth=ok|missing|bad".
"""
import argparse
import base64
import socket
import sys
import threading

from fixture_relay import listen_and_serve, relay


def serve(c, args, loglock):
    try:
        head = b""
        while b"\r\n\r\n" not in head and b"\n\n" not in head:
            d = c.recv(4096)
            if not d:
                c.close()
                return
            head += d
        lines = head.decode(errors="replace").replace("\r", "").split("\n")
        req = lines[0]
        hdrs = {}
        for l in lines[1:]:
            if ":" in l:
                k, v = l.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        auth = "missing"
        pa = hdrs.get("proxy-authorization")
        if pa:
            want = "Basic " + base64.b64encode(args.auth.encode()).decode() if args.auth else None
            auth = "ok" if pa == want else "bad"
        if args.log:
            with loglock:
                with open(args.log, "a") as f:
                    f.write("%s auth=%s\n" % (req, auth))
        eol = "\n" if args.lf else "\r\n"
        parts = req.split()
        if len(parts) != 3 or parts[0] != "CONNECT":
            c.sendall(("HTTP/1.0 405 Method Not Allowed" + eol + eol).encode())
            c.close()
            return
        if args.auth and auth != "ok":
            c.sendall(("HTTP/1.1 407 Proxy Authentication Required" + eol +
                       'Proxy-Authenticate: Basic realm="test"' + eol + "Content-Length: 0" + eol + eol).encode())
            c.close()
            return
        if args.status:
            c.sendall(("HTTP/1.1 " + args.status + eol + "Content-Length: 0" + eol + eol).encode())
            c.close()
            return
        hp = parts[1]
        host, port = hp.rsplit(":", 1)
        host = host.strip("[]")
        try:
            t = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            c.sendall(("HTTP/1.1 502 Bad Gateway" + eol + eol).encode())
            c.close()
            return
        t.settimeout(None)
        extra = args.extra.encode() if args.extra else b""
        c.sendall(("HTTP/1.1 200 Connection established" + eol + "Via: fixture" + eol + eol).encode() + extra)
        relay(c, t)
    except OSError:
        c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--auth")
    ap.add_argument("--extra")
    ap.add_argument("--lf", action="store_true")
    ap.add_argument("--status")
    ap.add_argument("--log")
    args = ap.parse_args()
    loglock = threading.Lock()
    listen_and_serve(lambda c: serve(c, args, loglock))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
