#!/usr/bin/env bash
# DTLS: duct's client and server with each other, with openssl s_client and socat, and
# the server's cookie exchange (RFC 6347 HelloVerifyRequest): a ClientHello without a valid
# cookie gets only the small HelloVerifyRequest, never the certificate flight, and does not
# make the listener take its sender as the peer; dtls-cookie=0 turns the exchange off.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
. "$(dirname "$0")/lib/tls_certs.sh"
need_duct
have openssl || skip_all "openssl(1) needed to make certificates"
have python3 || skip_all "python3 needed for the raw DTLS client"
C=$T_TMP/certs
make_certs "$C" || skip_all "could not make test certificates"

# hello.py PORT [none|bogus]: take the ClientHello openssl s_client -dtls1_2 sends first (no
# cookie), optionally with a made-up cookie put in, send it to 127.0.0.1:PORT from a socket of
# its own and print one line per datagram that comes back, for up to 1.5 s (0.5 s after the
# last): "content=<record type> handshake=<message type> bytes=<size>"; then "sent=<size>".
cat >"$T_TMP/hello.py" <<'PY'
import socket, subprocess, sys
port, mode = int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "none"
cap = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
cap.bind(("127.0.0.1", 0))
cap.settimeout(5)
cl = subprocess.Popen(["openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:%d" % cap.getsockname()[1]],
                      stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    hello = bytearray(cap.recvfrom(65536)[0])
finally:
    cl.kill()
    cl.wait()
assert hello[0] == 22 and hello[13] == 1, "not a ClientHello"
if mode == "bogus":
    # record header 13, handshake header 12, client_version 2, random 32, then session_id
    at = 13 + 12 + 2 + 32
    at += 1 + hello[at]
    assert hello[at] == 0, "the first ClientHello already has a cookie"
    hello[at:at + 1] = bytes([32]) + b"\x5a" * 32
    def grow(off, size):
        v = int.from_bytes(hello[off:off + size], "big") + 32
        hello[off:off + size] = v.to_bytes(size, "big")
    grow(11, 2)   # record length
    grow(14, 3)   # handshake message length
    grow(22, 3)   # fragment length
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.5)
s.sendto(bytes(hello), ("127.0.0.1", port))
try:
    while True:
        r = s.recv(65536)
        print("content=%d handshake=%d bytes=%d" % (r[0], r[13] if len(r) > 13 else -1, len(r)), flush=True)
        s.settimeout(0.5)
except socket.timeout:
    pass
print("sent=%d" % len(hello))
PY
hello() { cap 15 python3 "$T_TMP/hello.py" "$@"; }
# the replies with the sizes left out
replies() { printf '%s\n' "$OUT" | sed -E 's/[0-9]+$/N/'; }
HVR_ONLY="content=22 handshake=3 bytes=N
sent=N"

# ---- duct client <-> duct server (one peer, as UDP-LISTEN): both ways
start_server "$T_TMP/one.log" "$DUCT" -d -d -d -d -T 3 DTLS-LISTEN:0,cert=$C/server.pem,verify=0 \
	SYSTEM:'read l; echo "server got $l"'
OP=$PORT; OPID=$BG_PID
ok $([ -n "$OP" ]; echo $?) "DTLS-LISTEN listens ($OP)"

# a ClientHello without a cookie: a HelloVerifyRequest, nothing else, and no peer taken
hello "$OP"
is "$(replies)" "$HVR_ONLY" "no cookie: the only reply is one HelloVerifyRequest (handshake type 3)"
hvr=$(printf '%s\n' "$OUT" | sed -n 's/^content=22 handshake=3 bytes=//p')
sent=$(printf '%s\n' "$OUT" | sed -n 's/^sent=//p')
ok $([ -n "$hvr" ] && [ "$hvr" -le 100 ] && [ "$hvr" -lt "$sent" ]; echo $?) \
	"the HelloVerifyRequest is small: ${hvr:-?} bytes for a ${sent:-?}-byte ClientHello"
hello "$OP" bogus
is "$(replies)" "$HVR_ONLY" "a made-up cookie: again only a HelloVerifyRequest"
unlike "$(cat "$T_TMP/one.log")" "accepting UDP connection" "the listener took neither sender as its peer"

# the sleeps in the pipes keep stdin open while the peer answers (not readiness waits)
capsh 10 "(printf 'ping\n'; sleep 1) | \"\$DUCT\" -d -d -T 2 DTLS:localhost:$OP,cafile=$C/ca.pem -"
is "$RC:$OUT" "0:server got ping" "duct DTLS client <-> duct DTLS-LISTEN: data both ways after the cookie exchange"
like "$ERR" "N DTLS: DTLS connection with 127.0.0.1:$OP using DTLSv1.2" "the client: DTLS 1.2, certificate verified"
wait_pid 10 "$OPID"
is "$?" 0 "the server ends with its session (exit 0)"
is "$(grep -oE 'D DTLS-LISTEN: the client sent back a valid cookie|N accepting UDP connection' "$T_TMP/one.log")" \
	"D DTLS-LISTEN: the client sent back a valid cookie
N accepting UDP connection" "the server: the client's cookie was valid, then it became the peer"

# ---- fork: every client through the exchange, in one process
start_server "$T_TMP/fork.log" "$DUCT" -d -d -d -d DTLS-LISTEN:0,fork,cert=$C/server.pem,verify=0 PIPE
FP=$PORT
for i in 1 2 3; do
	(printf "c$i\n"; sleep 1) | run_to 10 "$DUCT" -T 1 DTLS:localhost:$FP,cafile=$C/ca.pem - >"$T_TMP/c$i.out" 2>&1 &
	track "$!"
done
wait_for 10 log_has "$T_TMP/c3.out" c3
wait_for 5 log_has "$T_TMP/c2.out" c2
wait_for 5 log_has "$T_TMP/c1.out" c1
is "$(cat "$T_TMP/c1.out" "$T_TMP/c2.out" "$T_TMP/c3.out")" "c1
c2
c3" "fork: three clients at once, each echoed"
is "$(grep -c 'sent back a valid cookie' "$T_TMP/fork.log")" 3 "fork: each went through the cookie exchange"

# ---- close_notify is EOF: a server without -T ends when its client closes (it used to take
# the alert for an empty datagram and read it again and again, at full CPU)
start_server "$T_TMP/eof.log" "$DUCT" -d -d DTLS-LISTEN:0,cert=$C/server.pem,verify=0 PIPE
EP=$PORT; EPID=$BG_PID
capsh 10 "(printf 'eof\n'; sleep 0.5) | \"\$DUCT\" -T 1 DTLS:localhost:$EP,cafile=$C/ca.pem -"
is "$OUT" "eof" "close_notify: the echo came back"
wait_pid 5 "$EPID"
is "$?" 0 "close_notify: the server (no -T) takes it as EOF and ends, exit 0"

# ---- other implementations against the server
capsh 10 "(printf 'from-s_client\n'; sleep 1) | openssl s_client -dtls1_2 -connect 127.0.0.1:$FP -CAfile $C/ca.pem -verify_return_error -quiet 2>/dev/null"
is "$OUT" "from-s_client" "openssl s_client -dtls1_2 <-> duct DTLS-LISTEN,fork (echo)"
if have socat; then
	capsh 10 "(printf 'from-socat\n'; sleep 1) | socat -T 2 - DTLS:localhost:$FP,cafile=$C/ca.pem"
	is "$OUT" "from-socat" "socat DTLS client <-> duct DTLS-LISTEN,fork (echo)"
	P=$(free_port udp)
	bg socat -T 3 DTLS-LISTEN:$P,cert=$C/server.pem,verify=0 PIPE
	wait_for 5 udp_bound "$P"
	capsh 10 "(printf 'to-socat\n'; sleep 1) | \"\$DUCT\" -T 2 DTLS:localhost:$P,cafile=$C/ca.pem -"
	is "$OUT" "to-socat" "duct DTLS client <-> socat DTLS-LISTEN (echo)"
else
	skip "socat not installed"; skip "socat not installed"
fi

# ---- a datagram that isn't DTLS is dropped; the one-peer server still serves a real client
start_server "$T_TMP/junk.log" "$DUCT" -d -d -T 3 DTLS-LISTEN:0,cert=$C/server.pem,verify=0 PIPE
JP=$PORT
python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"junk" * 8, ("127.0.0.1", int(sys.argv[1])))' "$JP"
capsh 10 "(printf 'after-junk\n'; sleep 1) | \"\$DUCT\" -T 2 DTLS:localhost:$JP,cafile=$C/ca.pem -"
is "$OUT" "after-junk" "junk first, then a real client: the real client is the peer"
is "$(grep -c 'accepting UDP connection' "$T_TMP/junk.log")" 1 "... and the only one accepted"

# ---- dtls-cookie=0: socat's way, the certificate flight to any sender (what the default prevents)
start_server "$T_TMP/nocookie.log" "$DUCT" -d -d -T 3 DTLS-LISTEN:0,cert=$C/server.pem,verify=0,dtls-cookie=0 PIPE
NP=$PORT
like "$(cat "$T_TMP/nocookie.log")" "N DTLS-LISTEN: dtls-cookie=0: any source address, forged or not, gets the certificate flight and becomes the peer" \
	"dtls-cookie=0: says what it gives up"
hello "$NP"
like "$(printf '%s\n' "$OUT" | head -1)" "^content=22 handshake=2 " "dtls-cookie=0: a ClientHello without a cookie gets the ServerHello at once"
flight=$(printf '%s\n' "$OUT" | sed -n 's/^content=.* bytes=//p' | awk '{ s += $1 } END { print s }')
sent=$(printf '%s\n' "$OUT" | sed -n 's/^sent=//p')
ok $([ -n "$flight" ] && [ "$flight" -gt "$sent" ]; echo $?) "... and the flight is larger than the request (${flight:-?} bytes for $sent)"
wait_for 5 log_has "$T_TMP/nocookie.log" "accepting UDP connection"
ok $? "... and its sender became the peer"
cap 10 "$DUCT" OPENSSL-LISTEN:0,cert=$C/server.pem,dtls-cookie=0 PIPE
is "$RC" 1 "dtls-cookie on a TLS address: exit 1"
like "$ERR" "E OPENSSL-LISTEN: dtls-cookie is an option of DTLS servers \(DTLS-LISTEN, OPENSSL-DTLS-SERVER\) only" "... with one line that says where it belongs"

# ---- retry= covers a failed DTLS handshake, as in socat 1.7.4 (3 SSL_connect tries for retry=2)
UP=$(free_port udp)
cap 10 "$DUCT" -d -d DTLS:localhost:$UP,cafile=$C/ca.pem,retry=2,interval=0.1 - </dev/null
is "$RC:$(grep -c 'DTLS handshake with' <<<"$ERR")" "1:3" "retry=2 against a closed UDP port: 3 handshakes, exit 1"
like "$ERR" "N DTLS: trying again in 0.1 s \(last try\)" "... saying it tries again"

done_testing
