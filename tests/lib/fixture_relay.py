"""The byte relay both proxy fixtures use once their handshake is done."""
import select
import socket


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
