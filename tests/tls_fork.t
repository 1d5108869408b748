#!/usr/bin/env bash
# A TLS fork listener serves 50 concurrent clients (handshake + echo each) in one process while
# a stalled client (TCP connected, no ClientHello) sits in its handshake; handshake-timeout
# drops the stalled one; no child processes, no leaked fds.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
. "$(dirname "$0")/lib/tls_certs.sh"
need_duct
have openssl || skip_all "openssl(1) needed to make certificates"
have python3 || skip_all "python3 needed for the concurrent clients"
C=$T_TMP/certs
make_certs "$C" || skip_all "could not make test certificates"

start_server "$T_TMP/srv.log" "$DUCT" -d -d OPENSSL-LISTEN:0,fork,reuseaddr,cert=$C/server.pem,verify=0,handshake-timeout=2 PIPE
SP=$PORT; SPID=$BG_PID
ok $([ -n "$SP" ]; echo $?) "OPENSSL-LISTEN,fork listens ($SP)"
base_fds=$(nfds $SPID)

# a client that connects and never says hello
python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("connected", flush=True); time.sleep(8)' "$SP" >"$T_TMP/stall.out" &
STALL=$!; track "$STALL"
wait_for 5 grep -q connected "$T_TMP/stall.out"

cat >"$T_TMP/clients.py" <<'PY'
import socket, ssl, sys, threading
port, cafile, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ctx = ssl.create_default_context(cafile=cafile)
barrier = threading.Barrier(n)
results = [None] * n
def run(i):
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=20)
        barrier.wait(timeout=20)           # all connected: the handshakes overlap
        s = ctx.wrap_socket(raw, server_hostname="localhost")
        msg = ("client-%d " % i).encode() * 100
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            d = s.recv(65536)
            if not d:
                break
            got += d
        results[i] = "ok" if got == msg else "bad echo (%d bytes)" % len(got)
        s.close()
    except Exception as e:
        results[i] = "error: %r" % (e,)
ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
for t in ts: t.start()
for t in ts: t.join(60)
bad = [(i, r) for i, r in enumerate(results) if r != "ok"]
print("ok %d" % (n - len(bad)))
for i, r in bad[:5]:
    print("client %d: %s" % (i, r))
PY
t0=$(date +%s%N)
cap 60 python3 "$T_TMP/clients.py" "$SP" "$C/ca.pem" 50
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$(echo "$OUT" | head -1)" "ok 50" "50 concurrent clients: handshake + echo each (${ms} ms)"
[ "$(echo "$OUT" | head -1)" = "ok 50" ] || diag "$OUT"
is "$(children $SPID)" 0 "no child processes: one process served them all"
ok $(kill -0 $STALL 2>/dev/null; echo $?) "the stalled client was still in its handshake meanwhile"
wait_for 5 log_has "$T_TMP/srv.log" "timed out"
like "$(cat "$T_TMP/srv.log")" "E OPENSSL-LISTEN: TLS handshake with 127.0.0.1:[0-9]+ timed out after 2 s \(raise it with handshake-timeout=SECONDS\)" \
	"handshake-timeout drops the stalled client"
is "$(grep -c 'TLS connection with' "$T_TMP/srv.log")" 50 "50 handshakes logged"
wait_cond 5 'test "$(nfds $SPID)" -le "$base_fds"'
is "$(nfds $SPID)" "$base_fds" "no leaked fds after the sessions ended"
ok $(kill -0 $SPID 2>/dev/null; echo $?) "the listener is still running"

done_testing
