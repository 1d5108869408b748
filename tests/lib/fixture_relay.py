"""What both proxy fixtures share: the listener and the byte relay once a handshake is done."""
import select
import socket
import threading


def relay(a, b):
    """Copy both ways until both sides have ended (each EOF passed on as a half-close) or 30 s
    pass without data; closes both sockets."""
    socks = [a, b]
    try:
        while socks:
            r, _, _ = select.select(socks, [], [], 30)
            if not r:
                return
            for s in r:
                d = s.recv(65536)
                o = b if s is a else a
                if not d:
                    try:
                        o.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    socks.remove(s)
                    continue
                o.sendall(d)
    except OSError:
        pass
    finally:
        a.close()
        b.close()


def listen_and_serve(serve):
    """Listen on 127.0.0.1 (a free port), print "PORT <n>", and run serve(conn) in a thread for
    every connection, forever."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    print("PORT %d" % ls.getsockname()[1], flush=True)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()
