#!/usr/bin/env python3
"""Sequential full TLS handshakes against host:port for SECONDS; prints handshakes/s.
One client, one connection at a time, no session resumption; after the handshake the client
sends one line and waits for it to come back from the echo backend, then closes. (Closing
right after the handshake, as this did before, let a forwarder skip the backend altogether:
HAProxy connects to its server only once the client has sent something, socat and duct
open their second address as soon as the first is there, so the figure was not the same
work for all.)"""
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
        s.sendall(b"ping\n")
        got = b""
        while len(got) < 5:
            b = s.recv(64)
            if not b:
                break
            got += b
        s.close()
        if got == b"ping\n":
            n += 1
        else:
            errors += 1
    except OSError:
        errors += 1
el = time.monotonic() - t0
print("%.0f handshakes/s (%d in %.1f s, %d errors)" % (n / el, n, el, errors))
