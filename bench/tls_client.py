#!/usr/bin/env python3
"""Sequential full TLS handshakes against host:port for SECONDS; prints handshakes/s.
One client, one connection at a time, no session resumption; the client sends one line and
closes after the handshake (the server side forwards it to a backend)."""
import socket, ssl, sys, time
host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
n = errors = 0
end = time.monotonic() + secs
t0 = time.monotonic()
while time.monotonic() < end:
    try:
        raw = socket.create_connection((host, port), timeout=5)
        s = ctx.wrap_socket(raw, server_hostname="localhost")
        s.close()
        n += 1
    except OSError:
        errors += 1
el = time.monotonic() - t0
print("%.0f handshakes/s (%d in %.1f s, %d errors)" % (n / el, n, el, errors))
