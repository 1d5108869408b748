#!/usr/bin/env python3
"""Fixtures for the nc tests: an open TCP port on 127.0.0.1 and ::1 (same number), a port whose
accept queue is full (SYNs dropped: connects time out), a UDP echo port, a closed TCP and UDP
port, a unix stream and a unix datagram socket. Writes NAME=VALUE lines to argv[2] when ready,
then serves until killed (or 120 s)."""
import os, select, socket, sys, time

d = sys.argv[1]
out = sys.argv[2]

def free(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

# open port on both 127.0.0.1 and ::1
for _ in range(50):
    t4 = socket.socket(); t4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t4.bind(("127.0.0.1", 0)); port = t4.getsockname()[1]
    try:
        t6 = socket.socket(socket.AF_INET6); t6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t6.bind(("::1", port)); break
    except OSError:
        t4.close()
t4.listen(128); t6.listen(128)

# blackhole: backlog 0, never accepted, queue filled
bh = socket.socket(); bh.bind(("127.0.0.1", 0)); bh.listen(0)
bport = bh.getsockname()[1]
fill = []
for _ in range(2):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", bport))
    except BlockingIOError: pass
    fill.append(c)
time.sleep(0.2)

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); uport = u.getsockname()[1]
closed = free(); uclosed = free(socket.SOCK_DGRAM)
spath = os.path.join(d, "stream.sock"); dpath = os.path.join(d, "datagram.sock")
us = socket.socket(socket.AF_UNIX); us.bind(spath); us.listen(16)
ud = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ud.bind(dpath)

with open(out + ".tmp", "w") as f:
    f.write(f"OPEN={port}\nBLACKHOLE={bport}\nUDPOPEN={uport}\nCLOSED={closed}\nUDPCLOSED={uclosed}\n"
            f"STREAM={spath}\nDGRAM={dpath}\n")
os.rename(out + ".tmp", out)

end = time.time() + 120
socks = [t4, t6, u, us, ud]
held = []
while time.time() < end:
    r, _, _ = select.select(socks, [], [], 0.5)
    for s in r:
        if s is u:
            data, a = u.recvfrom(2048); u.sendto(data, a)
        elif s is ud:
            s.recv(2048)
        else:
            c, _ = s.accept(); c.close()
