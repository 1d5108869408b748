#!/usr/bin/env bash
# OPENSSL / OPENSSL-LISTEN / DTLS with certificates made here by openssl(1): mutual
# verification, the failures (untrusted CA, wrong name, missing client certificate) and their
# messages, verify=0, interop with openssl s_server/s_client, curl and socat, DTLS against
# openssl s_server -dtls, protocol versions, ALPN, SSLKEYLOGFILE, -d -d details.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
. "$(dirname "$0")/lib/tls_certs.sh"
need_duct
have openssl || skip_all "openssl(1) needed to make certificates"
C=$T_TMP/certs
make_certs "$C" || skip_all "could not make test certificates"

# the server: mutual TLS, echo
start_server "$T_TMP/srv.log" "$DUCT" -d -d OPENSSL-LISTEN:0,fork,reuseaddr,cert=$C/server.pem,cafile=$C/ca.pem PIPE
SP=$PORT
ok $([ -n "$SP" ]; echo $?) "OPENSSL-LISTEN listens ($SP)"

# ---- mutual verification
CAP_IN=<(printf hello) cap 10 "$DUCT" -d -d OPENSSL:localhost:$SP,cert=$C/client.pem,cafile=$C/ca.pem -
is "$RC" 0 "mutual: exit 0"
is "$OUT" "hello" "mutual: data both ways"
like "$ERR" "N OPENSSL: TLS connection with 127.0.0.1:$SP using TLSv1.3, cipher TLS_[A-Z0-9_]+; peer certificate subject \"CN=localhost\", issuer \"CN=Duct Test CA\" \(verified\)" \
	"client -d -d: version, cipher, peer subject"
wait_for 5 log_has "$T_TMP/srv.log" 'subject "CN=client1"'
like "$(cat "$T_TMP/srv.log")" "N OPENSSL-LISTEN: TLS connection with 127.0.0.1:[0-9]+ using TLSv1.3, .*peer certificate subject \"CN=client1\", issuer \"CN=Duct Test CA\" \(verified\)" \
	"server -d -d: the client certificate was verified"
like "$(cat "$T_TMP/srv.log")" 'SNI "localhost"' "SNI sent for a host name (server -d -d shows it)"
CAP_IN=<(printf first) cap 10 "$DUCT" - OPENSSL:localhost:$SP,cert=$C/client.pem,cafile=$C/ca.pem
is "$OUT" "first" "stdio first, OPENSSL second"
CAP_IN=<(printf v12) cap 10 "$DUCT" -d -d OPENSSL:127.0.0.1:$SP,cert=$C/client.pem,cafile=$C/ca.pem,max-version=TLS1.2 -
is "$OUT" "v12" "TLS 1.2 (max-version), peer checked by IP address"
like "$ERR" "using TLSv1.2, cipher ECDHE-" "TLS 1.2 negotiated"

# ---- failures
cap 10 "$DUCT" OPENSSL:localhost:$SP,cert=$C/client.pem,cafile=$C/otherca.pem -
is "$RC" 1 "untrusted CA: exit 1"
like "$ERR" "E OPENSSL: TLS with 127.0.0.1:$SP: untrusted server certificate chain \(.*\): subject \"CN=Duct Test CA\", issuer \"CN=Duct Test CA\", SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}; cafile=$C/otherca.pem does not hold its issuer.*trust it with cafile=FILE" \
	"untrusted CA: subject, issuer, SHA-256 fingerprint, how to trust it"
cap 10 "$DUCT" OPENSSL:localhost:$SP,cert=$C/client.pem -
like "$ERR" "untrusted server certificate chain.*no cafile= was given, so only the system's CAs are trusted" \
	"no cafile: says only the system CAs are trusted"

start_server "$T_TMP/wrong.log" "$DUCT" -d -d OPENSSL-LISTEN:0,fork,reuseaddr,cert=$C/wrongname.pem,verify=0 PIPE
WP=$PORT
cap 10 "$DUCT" OPENSSL:localhost:$WP,cafile=$C/ca.pem -
is "$RC" 1 "wrong name: exit 1"
like "$ERR" "E OPENSSL: TLS with 127.0.0.1:$WP: the server certificate \(CN=other.example, SAN=\[DNS:other.example\]\) does not match the name \"localhost\"; .*commonname=NAME.*verify=0" \
	"wrong name: the names in the certificate, the name checked, what to do"
CAP_IN=<(printf cn) cap 10 "$DUCT" OPENSSL:localhost:$WP,cafile=$C/ca.pem,commonname=other.example -
is "$OUT" "cn" "commonname= checks another name"
cap 10 "$DUCT" OPENSSL:127.0.0.2:$SP,cafile=$C/ca.pem,cert=$C/client.pem -
like "$ERR" "does not match the address \"127.0.0.2\"" "IP address mismatch"

cap 10 "$DUCT" OPENSSL:localhost:$SP,cafile=$C/ca.pem -
is "$RC" 1 "missing client certificate: client exit 1"
like "$ERR" "alert 116 \(certificate_required\); the server requires a client certificate: give one with cert=FILE" \
	"missing client certificate: the client says what the alert means"
wait_for 5 log_has "$T_TMP/srv.log" "sent no certificate"
like "$(cat "$T_TMP/srv.log")" "E OPENSSL-LISTEN: TLS handshake with 127.0.0.1:[0-9]+: the client sent no certificate, but verify=1 requires one; give the client cert=FILE, or accept clients without certificates with verify=0" \
	"missing client certificate: the server's message"
cap 10 "$DUCT" OPENSSL:localhost:$SP,cafile=$C/ca.pem,cert=$C/client.pem,min-version=TLS1.3,max-version=TLS1.2 -
like "$ERR" "min-version=TLS1.3 is above max-version=TLS1.2" "min above max refused before connecting"

# ---- separate key file, dhparam, capath
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$C/dh.pem" 2>/dev/null
mkdir -p "$C/cadir" && cp "$C/ca.pem" "$C/cadir/" && openssl rehash "$C/cadir" 2>/dev/null
start_server "$T_TMP/dh.log" "$DUCT" -d -d OPENSSL-LISTEN:0,fork,reuseaddr,cert=$C/server.crt,key=$C/server.key,dhparam=$C/dh.pem,verify=0 PIPE
KP=$PORT
CAP_IN=<(printf capath) cap 10 "$DUCT" OPENSSL:localhost:$KP,capath=$C/cadir -
is "$OUT" "capath" "cert= with key=, dhparam=; client trusts through capath="
cap 10 "$DUCT" OPENSSL-LISTEN:0,cert=$C/server.crt,key=$C/client.key PIPE
like "$ERR" "the private key $C/client.key does not belong to the certificate $C/server.crt" "a key that doesn't match its certificate"

# ---- verify=0
start_server "$T_TMP/evil.log" "$DUCT" -d -d OPENSSL-LISTEN:0,fork,reuseaddr,cert=$C/evil.pem,verify=0 PIPE
EP=$PORT
CAP_IN=<(printf insecure) cap 10 "$DUCT" OPENSSL:localhost:$EP,verify=0 -
is "$RC" 0 "verify=0: exit 0 with an untrusted server"
is "$OUT" "insecure" "verify=0: data"
like "$ERR" "W OPENSSL: verify=0: the server's certificate is not checked" "verify=0: warns"

# ---- protocol versions, ciphers, ALPN, keylog
cap 10 "$DUCT" OPENSSL:localhost:$SP,cafile=$C/ca.pem,cert=$C/client.pem,min-version=TLS1.3 - </dev/null
is "$RC" 0 "min-version=TLS1.3 against a default server"
start_server "$T_TMP/v12.log" "$DUCT" -d -d OPENSSL-LISTEN:0,fork,reuseaddr,cert=$C/server.pem,verify=0,max-version=TLS1.2,alpn=h2\;http/1.1 PIPE
VP=$PORT
cap 10 "$DUCT" OPENSSL:localhost:$VP,cafile=$C/ca.pem,min-version=TLS1.3 -
is "$RC" 1 "no common version: exit 1"
like "$ERR" "the server sent alert 70 \(protocol_version\); no protocol version in common" "no common version: says so"
start_server "$T_TMP/ciph.log" "$DUCT" -d -d OPENSSL-LISTEN:0,fork,reuseaddr,cert=$C/server.pem,verify=0,max-version=TLS1.2,cipher=ECDHE-ECDSA-AES128-SHA PIPE
CP=$PORT
cap 10 "$DUCT" OPENSSL:localhost:$CP,cafile=$C/ca.pem,cipher=ECDHE-ECDSA-AES256-GCM-SHA384 -
is "$RC" 1 "no common cipher: exit 1"
like "$ERR" "the server sent alert 40 \(handshake_failure\); no cipher or parameters in common" "no common cipher: the client says so"
wait_for 5 log_has "$T_TMP/ciph.log" "no cipher in common"
like "$(cat "$T_TMP/ciph.log")" "no cipher in common with the client \(cipher=ECDHE-ECDSA-AES128-SHA\)" "no common cipher: the server names its cipher list"
CAP_IN=<(printf alpn) cap 10 "$DUCT" -d -d OPENSSL:localhost:$VP,cafile=$C/ca.pem,alpn=http/1.1 -
like "$ERR" "ALPN http/1.1" "ALPN negotiated and shown at -d -d"
CAP_IN=<(printf keys) cap 10 env SSLKEYLOGFILE=$T_TMP/keys.log "$DUCT" OPENSSL:localhost:$SP,cafile=$C/ca.pem,cert=$C/client.pem -
like "$(cat "$T_TMP/keys.log" 2>/dev/null)" "^(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|EXPORTER_SECRET|SERVER_TRAFFIC_SECRET_0) [0-9a-f]{64} " \
	"SSLKEYLOGFILE gets NSS key log lines"
cap 10 "$DUCT" OPENSSL-LISTEN:0,cert=$C/nonexistent.pem PIPE
like "$ERR" "cert=$C/nonexistent.pem: cannot load a PEM certificate" "a missing cert file is named"

# ---- a server that needs SNI (fails the handshake without one)
cat >"$T_TMP/sni_srv.py" <<'PY'
import socket, ssl, sys, threading
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ctx.sni_callback = lambda sock, name, c: ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE if name is None else None
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(8)
print(ls.getsockname()[1], flush=True)
def serve(c):
    try:
        s = ctx.wrap_socket(c, server_side=True); s.sendall(b"sni-ok\n"); s.close()
    except Exception:
        c.close()
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
if have python3; then
	python3 "$T_TMP/sni_srv.py" "$C/server.crt" "$C/server.key" >"$T_TMP/sni.port" 2>/dev/null &
	track "$!"
	wait_for 5 test -s "$T_TMP/sni.port"
	NP=$(cat "$T_TMP/sni.port")
	cap 10 "$DUCT" OPENSSL:127.0.0.1:$NP,cafile=$C/ca.pem -
	like "$ERR" "the server sent alert 40 \(handshake_failure\) before its certificate; it probably needs SNI, and none was sent because the target is an IP address; give the name with snihost=NAME" \
		"missing SNI: the probable cause and the option"
	# the sleeps in the pipes below keep stdin open while the peer answers (not readiness waits)
	capsh 10 "sleep 0.3 | \"\$DUCT\" OPENSSL:127.0.0.1:$NP,cafile=$C/ca.pem,snihost=localhost -"
	is "$OUT" "sni-ok" "snihost= sends the name for an IP target"
else
	skip "python3"; skip "python3"
fi

# ---- interop: duct client against openssl s_server (mutual) and socat
P=$(free_port tcp)
openssl s_server -accept "$P" -cert "$C/server.crt" -key "$C/server.key" -Verify 1 -CAfile "$C/ca.pem" \
	-naccept 1 -rev -quiet >"$T_TMP/s_server.out" 2>&1 &
track "$!"
wait_for 5 tcp_listening "$P"
capsh 10 "(printf 'hello\n'; sleep 0.5) | \"\$DUCT\" OPENSSL:localhost:$P,cert=$C/client.pem,cafile=$C/ca.pem -"
is "$OUT" "olleh" "duct client <-> openssl s_server -Verify (mutual)"
if have socat; then
	P=$(free_port tcp)
	bg socat OPENSSL-LISTEN:$P,reuseaddr,cert=$C/server.pem,cafile=$C/ca.pem PIPE
	wait_for 5 tcp_listening "$P"
	CAP_IN=<(printf via-socat) cap 10 "$DUCT" OPENSSL:localhost:$P,cert=$C/client.pem,cafile=$C/ca.pem -
	is "$OUT" "via-socat" "duct client <-> socat OPENSSL-LISTEN (mutual)"
	CAP_IN=<(printf socat-client) cap 10 socat - OPENSSL:localhost:$SP,cert=$C/client.pem,cafile=$C/ca.pem
	is "$OUT" "socat-client" "socat OPENSSL client <-> duct OPENSSL-LISTEN (mutual)"
else
	skip "socat not installed"; skip "socat not installed"
fi

# ---- interop: duct server against openssl s_client and curl
printf '#!/bin/sh\nread line\nprintf "HTTP/1.0 200 OK\\r\\nContent-Length: 6\\r\\n\\r\\nhello\\n"\n' >"$T_TMP/http.sh"
chmod +x "$T_TMP/http.sh"
start_server "$T_TMP/greet.log" "$DUCT" -d -d OPENSSL-LISTEN:0,fork,reuseaddr,cert=$C/server.pem,verify=0 EXEC:$T_TMP/http.sh
GP=$PORT
capsh 10 "printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -connect 127.0.0.1:$GP -servername localhost -CAfile $C/ca.pem -verify_return_error -quiet 2>/dev/null"
like "$OUT" "HTTP/1.0 200 OK" "openssl s_client <-> duct OPENSSL-LISTEN"
if have curl; then
	cap 10 curl -sS --cacert "$C/ca.pem" "https://localhost:$GP/"
	is "$OUT" "hello" "curl --cacert <-> duct OPENSSL-LISTEN"
	cap 10 curl -sS --http1.0 "http://localhost:$GP/"
	wait_for 5 log_has "$T_TMP/greet.log" "does not speak TLS"
	like "$(cat "$T_TMP/greet.log")" "the peer does not speak TLS \(http request\); it sent a plain HTTP request: the client must use https://" \
		"plain HTTP to a TLS port: the server says so"
else
	skip "curl not installed"; skip "curl not installed"
fi

# ---- DTLS
P=$(free_port udp)
(sleep 4) | openssl s_server -dtls -accept "$P" -cert "$C/server.crt" -key "$C/server.key" -naccept 1 -quiet \
	>"$T_TMP/dtls.out" 2>&1 &
track "$!"
wait_for 5 udp_bound "$P"
capsh 10 "(printf 'dgram\n'; sleep 0.5) | \"\$DUCT\" -d -d -T 1 DTLS:localhost:$P,cafile=$C/ca.pem -"
like "$ERR" "N DTLS: DTLS connection with 127.0.0.1:$P using DTLSv1.2" "DTLS client <-> openssl s_server -dtls: handshake"
wait_for 5 log_has "$T_TMP/dtls.out" dgram
like "$(cat "$T_TMP/dtls.out")" "dgram" "DTLS client <-> openssl s_server -dtls: data"
"$DUCT" -d -d -T 3 OPENSSL-DTLS-SERVER:0,cert=$C/server.pem,verify=0 SYSTEM:'echo dtls-server; sleep 1' 2>"$T_TMP/dsrv.log" &
DPID=$!; track "$DPID"
wait_for 5 log_has "$T_TMP/dsrv.log" "listening on"
DP=$(port_of "$T_TMP/dsrv.log")
capsh 10 "(printf 'x\n'; sleep 1) | openssl s_client -dtls -connect 127.0.0.1:$DP -CAfile $C/ca.pem -verify_return_error -quiet 2>/dev/null"
like "$OUT" "dtls-server" "openssl s_client -dtls <-> duct OPENSSL-DTLS-SERVER"

# ---- retry= covers a failed handshake (socat opens again too): a front that drops its
# first N connections, then relays to the TLS server
cat >"$T_TMP/flaky.py" <<'PY'
import socket, sys, threading
drop, target = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass
n = 0
while True:
    c, _ = s.accept()
    n += 1
    with open(sys.argv[3], "a") as f:
        f.write("accept\n")
    if n <= drop:
        c.close()
        continue
    u = socket.create_connection(("127.0.0.1", target))
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    threading.Thread(target=pump, args=(u, c), daemon=True).start()
PY
flaky() { # flaky DROP -> sets FP, FPID
	rm -f "$T_TMP/flaky.port" "$T_TMP/flaky.log"
	python3 "$T_TMP/flaky.py" "$1" "$SP" "$T_TMP/flaky.log" >"$T_TMP/flaky.port" 2>/dev/null &
	FPID=$!
	wait_for 5 test -s "$T_TMP/flaky.port"
	FP=$(cat "$T_TMP/flaky.port")
}
flaky 1
CAP_IN=<(printf again) cap 10 "$DUCT" -d -d OPENSSL:localhost:$FP,cert=$C/client.pem,cafile=$C/ca.pem,retry=2,interval=0.2 -
is "$RC:$OUT:$(grep -c accept "$T_TMP/flaky.log")" "0:again:2" "retry=2: the first handshake fails (dropped), the second try relays"
like "$ERR" "N OPENSSL: trying again in 0.2 s" "... and says it is trying again"
kill "$FPID"; wait "$FPID" 2>/dev/null
flaky 1
CAP_IN=<(printf x) cap 10 "$DUCT" OPENSSL:localhost:$FP,cert=$C/client.pem,cafile=$C/ca.pem -
is "$RC:$(grep -c accept "$T_TMP/flaky.log")" "1:1" "without retry=: one handshake, exit 1"
kill "$FPID"; wait "$FPID" 2>/dev/null
flaky 99
CAP_IN=<(printf x) cap 10 "$DUCT" OPENSSL:localhost:$FP,cert=$C/client.pem,cafile=$C/ca.pem,retry=2,interval=0.1 -
is "$RC:$(grep -c accept "$T_TMP/flaky.log")" "1:3" "retry=2 and every handshake failing: 3 tries, exit 1"
kill "$FPID"; wait "$FPID" 2>/dev/null

done_testing
