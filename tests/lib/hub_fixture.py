#!/usr/bin/env python3
"""Drive an ncat-style many-client server (ncat --broker/--chat/-k, or duct's) through one
scenario and print what each party received, one line each, so the same transcript can be
asserted for ncat and duct.

usage: hub_fixture.py SCENARIO PORT CMD...   (CMD is started with stdin a pipe we hold)

Every wait is bounded: readiness is "the server holds N accepted connections" (ss -p) or
"these bytes arrived"; nothing sleeps for a fixed time except the quiet-reader check of the
back-pressure scenario, which is a bound on a read.
"""
import hashlib
import os
import socket
import subprocess
import sys
import time

SCENARIO, PORT, CMD = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
BOUND = 5.0
T0 = time.time()
out_lines = []


def say(name, data):
    out_lines.append("%s: %r" % (name, data))


def until(cond, bound=BOUND):
    if os.environ.get("HUB_TRACE"):
        sys.stderr.write("%.2f %s\n" % (time.time() - T0, cond.__qualname__))
    end = time.time() + bound
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False


def accepted(pid):
    """Connections on PORT that pid holds open (the server's side of each client; one it has
    shut down for writing is in FIN-WAIT, one whose client has gone in CLOSE-WAIT)."""
    r = subprocess.run(["ss", "-Htnp", "state", "connected", "( sport = :%d )" % PORT],
                       capture_output=True, text=True)
    return sum(1 for ln in r.stdout.splitlines() if "pid=%d," % pid in ln)


def listening():
    r = subprocess.run(["ss", "-Htln", "( sport = :%d )" % PORT], capture_output=True, text=True)
    return bool(r.stdout.strip())


class Client:
    def __init__(self, name):
        self.name = name
        self.s = socket.create_connection(("127.0.0.1", PORT), timeout=BOUND)
        self.got = b""
        self.eof = False

    def send(self, b):
        self.s.sendall(b)

    def read_until(self, want):
        """Read until the received bytes end with want (or EOF, or the bound)."""
        end = time.time() + BOUND
        while not self.got.endswith(want) and not self.eof and time.time() < end:
            self._recv(end - time.time())
        return self.got.endswith(want)

    def read_to_eof(self):
        end = time.time() + BOUND
        while not self.eof and time.time() < end:
            self._recv(end - time.time())
        return self.eof

    def _recv(self, t):
        self.s.settimeout(max(t, 0.01))
        try:
            d = self.s.recv(65536)
        except socket.timeout:
            return
        except OSError:
            d = b""
        if not d:
            self.eof = True
        self.got += d

    def shut(self):
        self.s.shutdown(socket.SHUT_WR)

    def close(self):
        self.s.close()

    def report(self):
        say("client " + self.name, self.got + (b"<EOF>" if self.eof else b""))


srv = subprocess.Popen(CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.set_blocking(srv.stdout.fileno(), False)
stdout = b""


def stdout_has(want):
    global stdout
    def check():
        global stdout
        try:
            d = os.read(srv.stdout.fileno(), 65536)
            stdout += d or b""
        except BlockingIOError:
            pass
        return stdout.endswith(want)
    return until(check)


def stdin(b):
    srv.stdin.write(b)
    srv.stdin.flush()


def join(name, n):
    c = Client(name)
    until(lambda: accepted(srv.pid) >= n)
    return c


def leave(c, n):
    c.close()
    until(lambda: accepted(srv.pid) <= n)


def two_hear_stdin():
    """Clients A and B join; a line on stdin reaches both."""
    a = join("A", 1)
    b = join("B", 2)
    stdin(b"hi\n")
    a.read_until(b"hi\n")
    b.read_until(b"hi\n")
    return a, b


def fanout():
    a, b = two_hear_stdin()
    a.send(b"a\n")
    stdout_has(b"a\n")
    b.send(b"b\n")
    stdout_has(b"b\n")
    a.report()
    leave(a, 1)
    stdin(b"x\n")
    b.read_until(b"x\n")
    srv.stdin.close()           # stdin's EOF: every client gets EOF, the server stays
    b.read_to_eof()
    b.report()
    c = join("C", 2)            # joins after stdin's EOF: hears nothing, its data still goes out
    c.send(b"c\n")
    stdout_has(b"c\n")
    c.shut()
    c.read_to_eof()
    c.report()
    # a client that half-closes is closed by the server (B still counts, C is gone)
    d = join("D", 2)
    d.shut()
    d.read_to_eof()
    d.report()


def broker():
    a, b = two_hear_stdin()
    a.send(b"a\n")
    b.read_until(b"a\n")
    b.send(b"b\n")
    a.read_until(b"b\n")
    b.report()
    leave(b, 1)
    srv.stdin.close()           # ignored by the broker
    c = join("C", 2)
    a.send(b"a2\n")
    c.read_until(b"a2\n")
    c.shut()                    # half-close: the server closes C
    c.read_to_eof()
    c.report()
    a.shut()
    a.read_to_eof()
    a.report()


def chat():
    a = join("A", 1)
    a.read_until(b"nobody.\n")
    b = join("B", 2)
    b.read_until(b"<user4>.\n")
    a.read_until(b"<user4>.\n")
    a.send(b"\x07hi\tthere\xc3\xa9\x7f\r\n")
    b.read_until(b"\r\n")
    stdin(b"from stdin\n")
    a.read_until(b"from stdin\n")
    b.read_until(b"from stdin\n")
    b.shut()
    b.read_to_eof()
    b.report()
    a.read_until(b"disconnected.\n")
    c = join("C", 2)            # takes the freed number
    c.read_until(b"<user4>.\n")
    a.read_until(b"<user4>.\n")
    c.send(b"c1\n")
    a.read_until(b"c1\n")
    c.report()
    a.shut()
    a.read_to_eof()
    a.report()


def sendonly():
    """--broker --send-only: a client leaving must not end the server. (The server reads no
    client, so it notices A has gone only when writing to it.)"""
    a = join("A", 1)
    b = join("B", 2)
    a.close()
    stdin(b"x\n")
    b.read_until(b"x\n")
    stdin(b"y\n")
    b.read_until(b"y\n")
    b.shut()                    # not read either: B stays and still hears stdin
    stdin(b"z\n")
    b.read_until(b"z\n")
    b.report()


def backpressure():
    """stdin -> FANOUT -> A (reads) and B (reads nothing yet): A must be held back, then
    both get every byte."""
    size = 32 << 20
    a = join("A", 1)
    b = join("B", 2)
    block = bytes(range(256)) * 256
    import threading
    def feed():
        for _ in range(size // len(block)):
            srv.stdin.write(block)
        srv.stdin.close()
    t = threading.Thread(target=feed, daemon=True)
    t.start()
    h = {"A": hashlib.sha256(), "B": hashlib.sha256()}
    n = {"A": 0, "B": 0}
    def drain(c, quiet):
        """Read until EOF, or until nothing came for `quiet` seconds."""
        c.s.settimeout(quiet)
        while True:
            try:
                d = c.s.recv(1 << 20)
            except socket.timeout:
                return False
            if not d:
                return True
            h[c.name].update(d)
            n[c.name] += len(d)
    drain(a, 1.0)
    say("A held back while B reads nothing", n["A"] < size)
    readers = [threading.Thread(target=drain, args=(c, BOUND), daemon=True) for c in (a, b)]
    for r in readers:
        r.start()
    for r in readers + [t]:
        r.join(2 * BOUND)
    want = hashlib.sha256()
    for _ in range(size // len(block)):
        want.update(block)
    say("A got every byte", n["A"] == size and h["A"].digest() == want.digest())
    say("B got every byte", n["B"] == size and h["B"].digest() == want.digest())


if not until(listening):
    say("listening", False)
else:
    {"fanout": fanout, "broker": broker, "chat": chat, "sendonly": sendonly, "backpressure": backpressure}[SCENARIO]()
    stdout_has(b"")
    say("stdout", stdout)
    say("running", srv.poll() is None)
if srv.poll() is None:
    srv.terminate()
try:
    srv.wait(BOUND)
except subprocess.TimeoutExpired:
    srv.kill()
    srv.wait()
say("stderr", srv.stderr.read())
print("\n".join(out_lines))
