#!/usr/bin/env bash
# The PROXY protocol with real peers: HAProxy (send-proxy, send-proxy-v2) in front of duct's
# accept-proxy, nginx (listen ... proxy_protocol) behind duct's send-proxy, curl bound to
# 127.0.0.9 so the address really travels; and bad headers (garbage, over-long v1, v2 with a
# lying length, a client that never finishes): each closed with a log line within
# handshake-timeout while the listener lives on; range= judges the header's client.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed"
have curl || skip_all "curl needed"

# the program behind accept-proxy: an HTTP answer naming what it was told about the peer
cat >"$T_TMP/reply.sh" <<'SH'
#!/bin/bash
IFS= read -r req; req=${req%$'\r'}
while IFS= read -r l; do l=${l%$'\r'}; [ -z "$l" ] && break; done
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n'
printf 'peer=%s port=%s sock=%s:%s req=%s\n' "$DUCT_PEERADDR" "$DUCT_PEERPORT" "$DUCT_SOCKADDR" "$DUCT_SOCKPORT" "$req"
SH
chmod +x "$T_TMP/reply.sh"

# pyc HOST PORT|- PAYLOAD [SOURCE]: connect (TCP from SOURCE, or the UNIX socket HOST when PORT
# is -), send the Python bytes literal PAYLOAD, print what comes back until EOF (6 s at most)
# and "elapsed=S"
pyc() {
	if [ "$2" = - ]; then
		python3 "$TESTS_DIR/lib/raw_client.py" --unix "$1" "$3"
	else
		python3 "$TESTS_DIR/lib/raw_client.py" --host "$1" --port "$2" ${4:+--source "$4"} "$3"
	fi
}

start_server "$T_TMP/ap.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,accept-proxy,handshake-timeout=1 \
	EXEC:"$T_TMP/reply.sh"
AP=$PORT
AP_PID=$BG_PID
ok $([ -n "$AP" ]; echo $?) "accept-proxy listener up ($AP)"

# ---- headers by hand
out=$(pyc 127.0.0.1 "$AP" "b'PROXY TCP4 192.0.2.7 198.51.100.1 4444 80\r\nGET /v1 HTTP/1.0\r\n\r\n'")
like "$out" "peer=192.0.2.7 port=4444 sock=198.51.100.1:80 req=GET /v1 HTTP/1.0" \
	"v1: the header's client is DUCT_PEERADDR/PORT, its destination DUCT_SOCKADDR/PORT; the data behind it intact"
out=$(pyc 127.0.0.1 "$AP" "b'PROXY TCP6 2001:db8::7 2001:db8::1 5555 443\r\nGET /v16 HTTP/1.0\r\n\r\n'")
like "$out" "peer=\[2001:0db8:0000:0000:0000:0000:0000:0007\] port=5555 .*req=GET /v16" "v1 TCP6: the IPv6 client"
v2='b"\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c\xc0\x00\x02\x09\x7f\x00\x00\x01\x9c\x40\x1f\x90GET /v2 HTTP/1.0\r\n\r\n"'
out=$(pyc 127.0.0.1 "$AP" "$v2")
like "$out" "peer=192.0.2.9 port=40000 sock=127.0.0.1:8080 req=GET /v2 HTTP/1.0" "v2 binary header: client and data"
out=$(pyc 127.0.0.1 "$AP" 'b"\r\n\r\n\x00\r\nQUIT\n\x20\x00\x00\x00GET /local HTTP/1.0\r\n\r\n"' 127.0.0.3)
like "$out" "peer=127.0.0.3 port=[0-9]+ sock=127.0.0.1:$AP req=GET /local" "v2 LOCAL (health check): the real peer stays"
like "$(cat "$T_TMP/ap.log")" "N TCP-LISTEN: PROXY v1 header from 127.0.0.1:[0-9]+: the client is 192.0.2.7:4444, connected to 198.51.100.1:80" \
	"-d -d logs the header's client next to the connecting peer"

# ---- bad input: closed, logged, nothing waits past handshake-timeout (1 s), the listener lives on
long="b'PROXY TCP4 $(printf '1%.0s' $(seq 200))\r\n'"
out=$(pyc 127.0.0.1 "$AP" "$long")
like "$out" "^
elapsed=0" "over-long v1 header: closed at once, nothing sent back"
like "$(cat "$T_TMP/ap.log")" "E TCP-LISTEN: connection from 127.0.0.1:[0-9]+: PROXY v1 header longer than 107 bytes; closing it" \
	"... logged with the limit"
out=$(pyc 127.0.0.1 "$AP" "b'GET / HTTP/1.0\r\n\r\n'")
like "$out" "^
elapsed=0" "no header (plain HTTP): closed at once"
like "$(cat "$T_TMP/ap.log")" "no PROXY header \(neither \"PROXY \" nor the v2 signature\); closing it \(accept-proxy expects" \
	"... logged, saying what accept-proxy expects"
out=$(pyc 127.0.0.1 "$AP" 'b"\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\xc8\xc0\x00\x02\x09\x7f\x00\x00\x01\x9c\x40\x1f\x90hello"')
like "$out" "elapsed=1\.[0-5]" "v2 whose length (200) lies about what comes: closed after handshake-timeout"
like "$(cat "$T_TMP/ap.log")" "E TCP-LISTEN: PROXY header with 127.0.0.1:[0-9]+ timed out after 1 s \(raise it with handshake-timeout=SECONDS\)" \
	"... logged as a timeout"
out=$(pyc 127.0.0.1 "$AP" 'b"\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x04\xc0\x00\x02\x09"')
like "$out" "elapsed=0" "v2 whose length is too short for its addresses: closed at once"
like "$(cat "$T_TMP/ap.log")" "PROXY v2 header: length 4 too short for its addresses \(12 bytes\)" "... logged"
out=$(pyc 127.0.0.1 "$AP" 'b"\r\n\r\n\x00\r\nQUIT\n\x21\x11\xff\xff"')
like "$(cat "$T_TMP/ap.log")" "PROXY v2 header: length 65535 over the 2048 accepted" "v2 with a huge length: refused, not waited for"
out=$(pyc 127.0.0.1 "$AP" "b'PROXY TCP4 192.0.2.7'")
like "$out" "elapsed=1\.[0-5]" "a v1 header that never ends: closed after handshake-timeout"
out=$(pyc 127.0.0.1 "$AP" "b'PROXY TCP4 192.0.2.8 192.0.2.1 1 2\r\nGET /after HTTP/1.0\r\n\r\n'")
like "$out" "peer=192.0.2.8 .*req=GET /after" "the listener lives on after every bad connection"
ok $(kill -0 "$AP_PID"; echo $?) "... and the process too"

# ---- range= and allow= judge the header's client, not the load balancer
start_server "$T_TMP/rg.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,accept-proxy,range=192.0.2.0/24 \
	EXEC:"$T_TMP/reply.sh"
RP=$PORT
out=$(pyc 127.0.0.1 "$RP" "b'PROXY TCP4 192.0.2.7 192.0.2.1 1000 80\r\nGET / HTTP/1.0\r\n\r\n'")
like "$out" "peer=192.0.2.7" "range=192.0.2.0/24: a client in range is served though 127.0.0.1 connected"
out=$(pyc 127.0.0.1 "$RP" "b'PROXY TCP4 198.51.100.7 192.0.2.1 1000 80\r\nGET / HTTP/1.0\r\n\r\n'")
like "$out" "^
elapsed=0" "range=: a client out of range is closed"
like "$(cat "$T_TMP/rg.log")" "W refusing connection from AF=2 198.51.100.7:1000 due to range option" "... logged with the header's client"

# ---- UNIX-LISTEN
SOCK="$T_TMP/ap.sock"
bg "$DUCT" UNIX-LISTEN:"$SOCK",fork,accept-proxy EXEC:"$T_TMP/reply.sh"
wait_for 5 test -S "$SOCK"
out=$(pyc "$SOCK" - "b'PROXY TCP4 192.0.2.44 192.0.2.1 4321 80\r\nGET /unix HTTP/1.0\r\n\r\n'")
like "$out" "peer=192.0.2.44 port=4321 .*req=GET /unix" "UNIX-LISTEN,accept-proxy: the header's client"

# ---- ACCEPT-FD (an inherited listening socket)
python3 - "$DUCT" "$T_TMP" >"$T_TMP/afd.port" 2>"$T_TMP/afd.log" <<'PY' &
import os, socket, sys
duct, tmp = sys.argv[1], sys.argv[2]
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
os.set_inheritable(s.fileno(), True)
os.execv(duct, [duct, "ACCEPT-FD:%d,fork,accept-proxy" % s.fileno(), "EXEC:" + tmp + "/reply.sh"])
PY
BG_PID=$!; track "$BG_PID"
wait_for 5 grep -q . "$T_TMP/afd.port"
out=$(pyc 127.0.0.1 "$(cat "$T_TMP/afd.port")" "b'PROXY TCP4 192.0.2.55 192.0.2.1 5432 80\r\nGET /afd HTTP/1.0\r\n\r\n'")
like "$out" "peer=192.0.2.55 port=5432 .*req=GET /afd" "ACCEPT-FD,accept-proxy: the header's client"

# ---- OPENSSL sends the header before its TLS handshake
start_server "$T_TMP/rec.log" "$DUCT" -d -d -u TCP-LISTEN:0,bind=127.0.0.1,reuseaddr CREATE:"$T_TMP/rec.bin"
cap 5 "$DUCT" -T 1 - OPENSSL:127.0.0.1:$PORT,verify=0,send-proxy=v1
wait_for 5 test -s "$T_TMP/rec.bin"
is "$(head -c 16 "$T_TMP/rec.bin" | od -An -c | tr -s ' ' | head -1)" " P R O X Y U N K N O W N \\r \\n 026" \
	"OPENSSL,send-proxy=v1: the header, then the TLS ClientHello (0x16)"

# ---- refusals
cap 5 "$DUCT" UDP-LISTEN:0,accept-proxy -
is "$RC" 1 "accept-proxy on UDP-LISTEN: exit 1"
like "$ERR" "UDP-LISTEN: option accept-proxy: only TCP-LISTEN .*UNIX-LISTEN, ABSTRACT-LISTEN and ACCEPT-FD read a PROXY header" \
	"... with a line naming the addresses that take it"
cap 5 "$DUCT" - TCP:127.0.0.1:1,send-proxy=v3
is "$RC" 1 "send-proxy=v3: exit 1"
like "$ERR" "option send-proxy=\"v3\": v1 or v2 expected" "... says what is expected"
cap 5 "$DUCT" TCP-LISTEN:0,send-proxy=v1 -
like "$ERR" "option send-proxy: only connecting stream addresses" "send-proxy on a listener is refused"
cap 5 "$DUCT" TCP-LISTEN:0,handshake-timeout=1 -
like "$ERR" "TCP-LISTEN: option handshake-timeout: only with accept-proxy here" "handshake-timeout without accept-proxy on TCP-LISTEN: refused"

# ---- HAProxy in front: send-proxy (v1) and send-proxy-v2
if [ -x /usr/sbin/haproxy ]; then
	H1=$(free_port)
	H2=$(free_port)
	cat >"$T_TMP/haproxy.cfg" <<CFG
global
	maxconn 100
defaults
	mode tcp
	timeout connect 5s
	timeout client 10s
	timeout server 10s
frontend f1
	bind 127.0.0.1:$H1
	default_backend b1
backend b1
	server s1 127.0.0.1:$AP send-proxy
frontend f2
	bind 127.0.0.1:$H2
	default_backend b2
backend b2
	server s2 127.0.0.1:$AP send-proxy-v2
CFG
	bg /usr/sbin/haproxy -db -f "$T_TMP/haproxy.cfg"
	exec 3>"$T_TMP/haproxy.started"
	if wait_for 10 tcp_listening "$H1" && wait_for 5 tcp_listening "$H2"; then
		out=$(run_to 10 curl -sS --interface 127.0.0.9 "http://127.0.0.1:$H1/one")
		like "$out" "^peer=127.0.0.9 port=[0-9]+ sock=127.0.0.1:$H1 req=GET /one HTTP/1.1$" \
			"HAProxy send-proxy -> accept-proxy: curl's 127.0.0.9 is the peer, HAProxy's front the local address"
		out=$(run_to 10 curl -sS --interface 127.0.0.9 "http://127.0.0.1:$H2/two")
		like "$out" "^peer=127.0.0.9 port=[0-9]+ sock=127.0.0.1:$H2 req=GET /two HTTP/1.1$" \
			"HAProxy send-proxy-v2 -> accept-proxy: the same through the binary header"
		like "$(cat "$T_TMP/ap.log")" "PROXY v2 header from 127.0.0.1:[0-9]+: the client is 127.0.0.9:[0-9]+, connected to 127.0.0.1:$H2" \
			"... logged as v2"
	else
		skip "haproxy did not start"; skip "haproxy did not start"; skip "haproxy did not start"
	fi
	kill_group "$BG_PID"
else
	skip "no haproxy"; skip "no haproxy"; skip "no haproxy"
fi

# ---- nginx behind: send-proxy=v1 and v2 (and HAProxy -> duct -> duct -> nginx)
if [ -x /usr/sbin/nginx ]; then
	NP=$(free_port)
	mkdir -p "$T_TMP/nginx"
	cat >"$T_TMP/nginx.conf" <<CFG
worker_processes 1;
pid $T_TMP/nginx/nginx.pid;
error_log $T_TMP/nginx/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T_TMP/nginx/body;
	proxy_temp_path $T_TMP/nginx/proxy;
	fastcgi_temp_path $T_TMP/nginx/fastcgi;
	uwsgi_temp_path $T_TMP/nginx/uwsgi;
	scgi_temp_path $T_TMP/nginx/scgi;
	server {
		listen 127.0.0.1:$NP proxy_protocol;
		location / { return 200 "\$proxy_protocol_addr:\$proxy_protocol_port remote=\$remote_addr\n"; }
	}
}
CFG
	bg /usr/sbin/nginx -e "$T_TMP/nginx/error.log" -p "$T_TMP/nginx" -c "$T_TMP/nginx.conf" -g 'daemon off;'
	NGX=$BG_PID
	if wait_for 10 tcp_listening "$NP"; then
		start_server "$T_TMP/s1.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr TCP:127.0.0.1:$NP,send-proxy=v1,bind=127.0.0.5
		S1=$PORT
		start_server "$T_TMP/s2.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr TCP:127.0.0.1:$NP,send-proxy=v2
		S2=$PORT
		out=$(run_to 10 curl -sS --interface 127.0.0.9 --local-port 41000-41999 "http://127.0.0.1:$S1/")
		like "$out" "^127.0.0.9:41[0-9]{3} remote=127.0.0.5$" \
			"duct send-proxy=v1 -> nginx: curl's address and port, though duct connected from 127.0.0.5 (bind=)"
		out=$(run_to 10 curl -sS --interface 127.0.0.9 --local-port 42000-42999 "http://127.0.0.1:$S2/")
		like "$out" "^127.0.0.9:42[0-9]{3} remote=127.0.0.1$" "duct send-proxy=v2 -> nginx"
		# accept-proxy and send-proxy chained: the header read is the header sent
		start_server "$T_TMP/s3.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,accept-proxy TCP:127.0.0.1:$NP,send-proxy=v2
		S3=$PORT
		out=$(pyc 127.0.0.1 "$S3" "b'PROXY TCP4 203.0.113.50 192.0.2.1 6000 80\r\nGET / HTTP/1.0\r\nHost: x\r\n\r\n'")
		like "$out" "203.0.113.50:6000 remote=127.0.0.1" "accept-proxy then send-proxy: the client travels on through duct"
		out=$(printf 'GET / HTTP/1.0\r\n\r\n' | run_to 10 "$DUCT" - TCP:127.0.0.1:$NP,send-proxy=v1)
		like "$out" "^HTTP/1.1 200" "send-proxy with no peer on address 1 (stdio): PROXY UNKNOWN, nginx still answers"
	else
		skip "nginx did not start"; skip "nginx did not start"; skip "nginx did not start"; skip "nginx did not start"
	fi
	kill_group "$NGX"
else
	skip "no nginx"; skip "no nginx"; skip "no nginx"; skip "no nginx"
fi

done_testing
