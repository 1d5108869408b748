#!/usr/bin/env python3
"""TLS bulk client: connects to host:port over TLS, sends 'S', an 8-byte length and BYTES
bytes in 256 KiB writes, waits for the one-byte answer of bench/helper serve behind the TLS
terminator; prints MB/s (10^6 bytes/s, from connect to the answer)."""
import socket, ssl, struct, sys, time
host, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
t0 = time.monotonic()
s = ctx.wrap_socket(socket.create_connection((host, port), timeout=60), server_hostname="localhost")
s.sendall(b"S" + struct.pack("<Q", total))
chunk = bytes(256 * 1024)
left = total
while left > 0:
    n = min(left, len(chunk))
    s.sendall(chunk[:n] if n < len(chunk) else chunk)
    left -= n
if s.recv(1) != b"k":
    sys.exit("no answer")
print("%.1f" % (total / (time.monotonic() - t0) / 1e6))
