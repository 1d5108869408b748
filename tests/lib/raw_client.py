#!/usr/bin/env python3
"""A raw client for the proxy-server tests: connect, send one payload, print what comes back.

Usage: raw_client.py (--unix PATH | --port N [--host H] [--source ADDR]) [--half]
                     [--hex [--max N]] PAYLOAD
PAYLOAD is a Python expression giving bytes (the test's own, e.g. b'GET / HTTP/1.0\r\n\r\n' +
(80).to_bytes(2, 'big')). TCP goes over IPv4 from --source (default 127.0.0.1). --half shuts
down the sending side after the payload. Reads until EOF or 6 s; prints the reply as text (CR
removed, an error appended as [error]) and "elapsed=S" on a line of its own, or with --hex the
reply in hex and "elapsed=S" on one line, stopping once more than --max bytes are in.
"""
import argparse
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unix")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int)
    ap.add_argument("--source", default="127.0.0.1")
    ap.add_argument("--half", action="store_true")
    ap.add_argument("--hex", action="store_true")
    ap.add_argument("--max", type=int, default=0)
    ap.add_argument("payload")
    a = ap.parse_args()
    payload = eval(a.payload)  # the test's own bytes expression
    if a.unix:
        s = socket.socket(socket.AF_UNIX)
        s.connect(a.unix)
    else:
        s = socket.socket()
        s.bind((a.source, 0))
        s.connect((a.host, a.port))
    s.settimeout(6)
    t = time.time()
    s.sendall(payload)
    if a.half:
        s.shutdown(socket.SHUT_WR)
    data = b""
    err = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
            if a.max and len(data) > a.max:
                break
    except Exception as e:
        err = b"[" + str(e).encode() + b"]"
    elapsed = time.time() - t
    if a.hex:
        print(data.hex(), "elapsed=%.1f" % elapsed)
    else:
        sys.stdout.write((data + err).decode("latin1").replace("\r", ""))
        sys.stdout.write("\nelapsed=%.1f\n" % elapsed)


main()
