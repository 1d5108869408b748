#!/usr/bin/env bash
# WS, WS-LISTEN, WSS and WSS-LISTEN (RFC 6455) against Debian's python3-websockets (tests/lib/ws_fixture.py, run
# with /usr/bin/python3: another python3 may come first on PATH): echo of text and of 1 MiB
# binary (SHA-256 compared), ping/pong, close codes both ways, duct's client against the
# python server and against duct's server, a TCP client bridged to a WebSocket echo, refused
# requests with their status, and bad frames from a raw socket client closing with the RFC's
# code and one log line each.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import websockets' 2>/dev/null || skip_all "Debian's python3-websockets needed (apt-get install python3-websockets)"
FIX="$TESTS_DIR/lib/ws_fixture.py"
fix() { run_to 20 "$PY" "$FIX" "$@" 2>&1; }

# stdin stays open until the echo is back (a close frame sent at stdin's EOF ends the echo)
size_ge() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
client_run() { # client_run NAME URL DATAFILE: duct - URL, stdin a fifo held open until the echo is in
	local n=$1 url=$2 data=$3
	rm -f "$T_TMP/$n.fifo"; mkfifo "$T_TMP/$n.fifo"
	run_to 20 "$DUCT" -d -d - "$url" <"$T_TMP/$n.fifo" >"$T_TMP/$n.out" 2>"$T_TMP/$n.err" & local p=$!
	exec 7>"$T_TMP/$n.fifo"
	cat "$data" >&7
	local size; size=$(stat -c %s "$data")
	wait_for 15 size_ge "$T_TMP/$n.out" "$size"
	exec 7>&-
	wait_pid 10 "$p"; CRC=$?
}
printf 'hello from duct\n' >"$T_TMP/small"

# ---- python client -> duct WS-LISTEN,fork EXEC:cat
start_server "$T_TMP/srv.log" "$DUCT" -d -d WS-LISTEN:0,fork,reuseaddr EXEC:cat
SP=$PORT
ok $([ -n "$SP" ]; echo $?) "WS-LISTEN:0 listens ($SP)"
R=$(fix client "ws://127.0.0.1:$SP/")
like "$R" "^text b'hello, text'" "python client: text echoed (as a binary message: ws-binary is the default)"
like "$R" "binary same 1048576" "python client: 1 MiB binary echoed, SHA-256 equal"
like "$R" "pong ok" "python client: ping answered with a pong"
like "$R" "closed 1000" "python client: close 1000 answered with 1000"
wait_for 5 log_has "$T_TMP/srv.log" "peer closed: 1000 normal closure"
ok $? "server logs \"peer closed: 1000 normal closure\""
R=$(fix client "ws://127.0.0.1:$SP/" --close 1001)
like "$R" "closed 1001" "python client closes with 1001: the code is echoed"
wait_for 5 log_has "$T_TMP/srv.log" 'peer closed: 1001 going away, reason "test done"'
ok $? "server logs \"peer closed: 1001 going away\" with the reason"

# ---- bad input from a raw socket client
for c in "badkey|status HTTP/1.1 400 Bad Request|400 Bad Request: Sec-WebSocket-Key missing" \
	"noupgrade|status HTTP/1.1 426 Upgrade Required|426 Upgrade Required: this is a WebSocket endpoint" \
	"unmasked|close 1002|unmasked frame from a client from .*; closing with 1002 \(protocol error\)" \
	"len63|close 1002|frame length with its most significant bit set \(2\^63 or more\) .*closing with 1002" \
	"badutf8|close 1007|invalid UTF-8 in a text message .*closing with 1007 \(invalid payload data\)" \
	"bigctl|close 1002|control frame longer than 125 bytes .*closing with 1002"; do
	IFS='|' read -r name want logre <<<"$c"
	R=$(fix raw "$SP" "$name")
	like "$R" "$want" "raw client, $name: $want"
	wait_for 5 log_has "$T_TMP/srv.log" "$logre"
	ok $? "raw client, $name: one log line says why"
done
R=$(fix raw "$SP" frag)
like "$R" "frame op=10 mid" "ping between fragments answered with its payload"
like "$R" "frame op=2 fragmented" "fragmented message reassembled through EXEC:cat"
like "$R" "close 1000" "raw client's close answered"
ok $([ "$(grep -c 'read(.*Protocol error' "$T_TMP/srv.log")" -le 4 ]; echo $?) "bad input ends only its own session"
R=$(fix client "ws://127.0.0.1:$SP/")
like "$R" "binary same" "the fork listener still serves after the bad clients"

# ---- refusals: ws-path, ws-origin, ws-protocol
start_server "$T_TMP/path.log" "$DUCT" -d -d WS-LISTEN:0,reuseaddr,fork,ws-path=/chat,ws-protocol=echo EXEC:cat
PP=$PORT
R=$(fix send "ws://127.0.0.1:$PP/other" x)
like "$R" "404" "ws-path=/chat: /other gets 404"
like "$(cat "$T_TMP/path.log")" "E WS-LISTEN: refused the request from .*: 404 Not Found: path /other is not served here \(ws-path=/chat\)" \
	"ws-path: the refusal is logged with the path"
R=$(fix send "ws://127.0.0.1:$PP/chat" x)
like "$R" "400" "ws-protocol=echo: a client offering none gets 400"
client_run proto "WS:ws://127.0.0.1:$PP/chat,ws-protocol=echo" "$T_TMP/small"
is "$CRC" 0 "duct client with ws-protocol=echo on /chat: exit 0"
same_file "$T_TMP/proto.out" "$T_TMP/small" "ws-protocol=echo on both sides: data flows"

# ---- ws-text: messages sent as text
start_server "$T_TMP/text.log" "$DUCT" -d -d WS-LISTEN:0,reuseaddr,fork,ws-text EXEC:cat
R=$(fix send "ws://127.0.0.1:$PORT/" "grüße")
is "$R" "reply grüße
closed 1000" "ws-text: a text message comes back as text"

# ---- duct client -> python websockets echo server
"$PY" "$FIX" server --log "$T_TMP/py.log" >"$T_TMP/py.port" 2>"$T_TMP/py.err" & BG_PID=$!; track "$BG_PID"
wait_for 10 grep -q PORT "$T_TMP/py.port"
YP=$(awk '{print $2}' "$T_TMP/py.port")
client_run small "WS:ws://127.0.0.1:$YP/" "$T_TMP/small"
is "$CRC" 0 "duct client -> python server: exit 0"
same_file "$T_TMP/small.out" "$T_TMP/small" "duct client -> python server: echo"
wait_for 5 log_has "$T_TMP/py.log" "closed 1000"
ok $? "stdin's EOF sends close 1000 (python server saw it)"
like "$(cat "$T_TMP/small.err")" "N WS: peer closed: 1000 normal closure" "the server's answer to our close is logged"
head -c 1048576 /dev/urandom >"$T_TMP/mib"
client_run mib "WS:ws://127.0.0.1:$YP/" "$T_TMP/mib"
is "$(sha256_stdin <"$T_TMP/mib.out")" "$(sha256_stdin <"$T_TMP/mib")" "duct client -> python server: 1 MiB binary, SHA-256 equal"

"$PY" "$FIX" server --close-with 1001 >"$T_TMP/py2.port" 2>/dev/null & BG_PID=$!; track "$BG_PID"
wait_for 10 grep -q PORT "$T_TMP/py2.port"
Y2=$(awk '{print $2}' "$T_TMP/py2.port")
client_run bye "WS:ws://127.0.0.1:$Y2/" "$T_TMP/small"
same_file "$T_TMP/bye.out" "$T_TMP/small" "server closing with 1001: the echo arrives first"
like "$(cat "$T_TMP/bye.err")" 'N WS: peer closed: 1001 going away, reason "server says bye"' "server's close 1001 logged with its reason"

# ---- ws-header and ws-origin sent by the client; ws-origin checked by the server
client_run hdr "WS:ws://127.0.0.1:$YP/,ws-header=X-Duct-Test:one\ two,ws-origin=http://example.test" "$T_TMP/small"
same_file "$T_TMP/hdr.out" "$T_TMP/small" "ws-header, ws-origin: data flows"
wait_for 5 log_has "$T_TMP/py.log" "header X-Duct-Test: one two"
ok $? "ws-header=X-Duct-Test:one two reaches the server"
ok $(log_has "$T_TMP/py.log" "header Origin: http://example.test"; echo $?) "ws-origin on the client sends Origin"
start_server "$T_TMP/origin.log" "$DUCT" -d -d WS-LISTEN:0,reuseaddr,fork,ws-origin=http://good.test EXEC:cat
OP=$PORT
R=$(WS_ORIGIN=http://evil.test fix send "ws://127.0.0.1:$OP/" x)
like "$R" "403" "ws-origin=http://good.test: another Origin gets 403"
like "$(cat "$T_TMP/origin.log")" "403 Forbidden: Origin not allowed \(ws-origin\)" "ws-origin: the refusal is logged"
R=$(WS_ORIGIN=http://good.test fix send "ws://127.0.0.1:$OP/" fine)
like "$R" "reply fine" "ws-origin: the right Origin is served"

# ---- duct client -> duct server
client_run d2d "WS:ws://127.0.0.1:$SP/any" "$T_TMP/mib"
is "$CRC" 0 "duct client -> duct server: exit 0"
is "$(sha256_stdin <"$T_TMP/d2d.out")" "$(sha256_stdin <"$T_TMP/mib")" "duct client -> duct server: 1 MiB, SHA-256 equal"

# ---- TCP-LISTEN,fork WS:... bridging plain TCP clients to the python echo server
start_server "$T_TMP/bridge.log" "$DUCT" -d -d TCP-LISTEN:0,fork,reuseaddr "WS:ws://127.0.0.1:$YP/"
BP=$PORT
for i in 1 2; do
	client_run "tcp$i" "TCP:127.0.0.1:$BP" "$T_TMP/small"
	same_file "$T_TMP/tcp$i.out" "$T_TMP/small" "TCP client $i bridged to the WebSocket echo server"
done

# ---- options refused with a message
cap 5 "$DUCT" WS-LISTEN:0,ws-binary,ws-text PIPE
like "$ERR" "WS-LISTEN: ws-binary and ws-text both given; choose one" "ws-binary with ws-text refused"
cap 5 "$DUCT" WS-LISTEN:0,ws-path=chat PIPE
like "$ERR" "ws-path=\"chat\": expected a path starting with /" "ws-path without / refused"
cap 5 "$DUCT" WS-LISTEN:0,ws-header=X:1 PIPE
like "$ERR" "WS-LISTEN: ws-header is for the client" "ws-header on the server is refused (a client option)"
cap 5 "$DUCT" - WS:http://127.0.0.1:1/
like "$ERR" "expected a URL ws://HOST\[:PORT\]/PATH" "WS: with another scheme refused"
cap 5 "$DUCT" - WS:ws://127.0.0.1:1/,ws-header=bad
like "$ERR" "ws-header=\"bad\": expected NAME:VALUE" "ws-header without a colon refused"

# ---- ws-max-message
start_server "$T_TMP/max.log" "$DUCT" -d -d WS-LISTEN:0,reuseaddr,ws-max-message=1000 EXEC:cat
R=$(fix client "ws://127.0.0.1:$PORT/")
like "$R" "1009" "ws-max-message=1000: the 1 MiB message closes with 1009"
wait_for 5 log_has "$T_TMP/max.log" "message larger than ws-max-message .*closing with 1009 \(message too big\)"
ok $? "ws-max-message: one log line"

# ---- ws-ping-interval / ws-ping-timeout
rm -f "$T_TMP/hold"; mkfifo "$T_TMP/hold"
"$PY" "$FIX" silent >"$T_TMP/silent.port" 2>/dev/null & BG_PID=$!; track "$BG_PID"
wait_for 10 grep -q PORT "$T_TMP/silent.port"
QP=$(awk '{print $2}' "$T_TMP/silent.port")
capsh 10 "exec 3<>\"\$T_TMP/hold\"; \"\$DUCT\" - WS:ws://127.0.0.1:$QP/,ws-ping-interval=0.2,ws-ping-timeout=0.3 <&3"
is "$RC" 1 "a peer that never answers pings: exit 1"
like "$ERR" "E WS: 127.0.0.1:$QP did not answer a ping within 0.3 s \(ws-ping-timeout\): ending the session" \
	"a peer that never answers pings: the reason is logged"
# back-pressure: a peer that never reads stops duct's reader; nothing piles up in duct
rchar() { awk '/^rchar/ {print $2}' "/proc/$1/io" 2>/dev/null || echo 0; }
# (the 0.3 s is the measuring interval, not a readiness wait)
stalled() { # stalled PID: rchar the same over 0.3 s
	local a b; a=$(rchar "$1"); sleep 0.3; b=$(rchar "$1"); [ "$a" = "$b" ] && [ "$a" -gt 1000000 ]
}
head -c 300000000 /dev/zero | "$DUCT" - "WS:ws://127.0.0.1:$QP/" >/dev/null 2>"$T_TMP/bp.err" &
DP=$!; track "$DP"
wait_for 15 stalled "$DP"
ok $? "a peer that never reads: duct's reading stops"
R=$(rchar "$DP")
ok $([ "$R" -lt 67108864 ]; echo $?) "a peer that never reads: duct read $R bytes of 300 MB (bounded by the socket buffers)"
RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$DP/status" 2>/dev/null)
ok $([ "${RSS:-999999}" -lt 40000 ]; echo $?) "a peer that never reads: duct's RSS stays small (${RSS} kB)"
stop "$DP"
rm -f "$T_TMP/ping.fifo"; mkfifo "$T_TMP/ping.fifo"
run_to 20 "$DUCT" -d -d -d -d - "WS:ws://127.0.0.1:$YP/,ws-ping-interval=0.05" <"$T_TMP/ping.fifo" >"$T_TMP/ping.out" 2>"$T_TMP/ping.err" & PPID_=$!
exec 7>"$T_TMP/ping.fifo"
wait_for 10 log_has "$T_TMP/ping.err" "pong from 127.0.0.1:$YP"
ok $? "ws-ping-interval: pings go out and the python server's pongs come back"
printf 'still here\n' >&7
wait_for 10 size_ge "$T_TMP/ping.out" 11
exec 7>&-
wait_pid 10 "$PPID_"
is "$?" 0 "ws-ping-interval: the session goes on and ends normally"
cap 5 "$DUCT" - WS:ws://127.0.0.1:1/,ws-ping-timeout=1
like "$ERR" "ws-ping-timeout needs ws-ping-interval" "ws-ping-timeout alone refused"

# ---- WSS and WSS-LISTEN (TLS first, then the WebSocket layer) with the test CA's certificates
if have openssl; then
	. "$TESTS_DIR/lib/tls_certs.sh"
	make_certs "$T_TMP/certs"
	C=$T_TMP/certs
	start_server "$T_TMP/wss.log" "$DUCT" -d -d WSS-LISTEN:0,fork,reuseaddr,cert=$C/server.pem,verify=0 EXEC:cat
	WP=$PORT
	R=$(WS_CA=$C/ca.pem fix client "wss://localhost:$WP/" --close 1001)
	like "$R" "binary same 1048576" "python wss client -> WSS-LISTEN: 1 MiB echoed, SHA-256 equal"
	like "$R" "pong ok" "python wss client: ping/pong over TLS"
	like "$R" "closed 1001" "python wss client: close 1001 echoed"
	is "$(grep -E 'N WSS-LISTEN: (TLS|WebSocket) connection with' "$T_TMP/wss.log" | head -2 | sed -E 's/.*WSS-LISTEN: ([A-Za-z]+) connection.*/\1/' | tr '\n' ' ')" "TLS WebSocket " \
		"WSS-LISTEN logs the TLS connection, then the WebSocket one"
	WS_CERT=$C/server.pem "$PY" "$FIX" server --log "$T_TMP/pys.log" >"$T_TMP/pys.port" 2>/dev/null & BG_PID=$!; track "$BG_PID"
	wait_for 10 grep -q PORT "$T_TMP/pys.port"
	ZP=$(awk '{print $2}' "$T_TMP/pys.port")
	client_run wss "WSS:wss://localhost:$ZP/,cafile=$C/ca.pem" "$T_TMP/mib"
	is "$CRC" 0 "duct WSS client -> python wss server: exit 0"
	is "$(sha256_stdin <"$T_TMP/wss.out")" "$(sha256_stdin <"$T_TMP/mib")" "duct WSS client -> python wss server: 1 MiB, SHA-256 equal"
	like "$(cat "$T_TMP/wss.err")" 'peer certificate subject "CN=localhost", issuer "CN=Duct Test CA" \(verified\)' \
		"WSS client verified the server's certificate"
	client_run wssd "WSS:wss://localhost:$WP/x,cafile=$C/ca.pem" "$T_TMP/small"
	same_file "$T_TMP/wssd.out" "$T_TMP/small" "duct WSS client -> duct WSS-LISTEN"
	cap 10 "$DUCT" - "WSS:wss://localhost:$ZP/"
	is "$RC" 1 "WSS without the CA: exit 1"
	like "$ERR" "certificate" "WSS without the CA: the verification failure is named"
else
	for i in 1 2 3 4 5 6 7 8 9 10; do skip "openssl(1) needed for the test certificates"; done
fi
cap 5 "$DUCT" - WS:wss://127.0.0.1:1/
like "$ERR" "wss:// is the WSS address" "WS:wss://... points to WSS"

for p in $T_BG_PIDS; do stop "$p"; done
done_testing
