#!/usr/bin/env bash
# --session-log=FILE: one JSON object a line for each session's open and close, read back with
# jq: counts and byte totals equal what the clients (OpenBSD nc, python3) sent, session numbers
# unique (also across --fork-process children), peer/local/time fields, and the reasons: eof,
# reset (a client's RST), timeout (-T), signal (SIGTERM), ws-close:CODE (python3-websockets),
# tls-alert (a server that requires a client certificate), the TLS peer subject. Bad values
# of the option are refused with one line.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have jq || skip_all "jq needed to read the session log (apt-get install jq)"
have nc || skip_all "nc (netcat-openbsd) needed as a client"
L=$T_TMP/s.log
lines() { grep -c . "$1" 2>/dev/null || echo 0; }
has_lines() { [ "$(lines "$1")" -ge "$2" ]; }

# ---- in-loop sessions: 5 clients, known sizes
start_server "$T_TMP/srv.log" "$DUCT" -d -d --session-log="$L" TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr EXEC:cat
SP=$PORT
ok $([ -n "$SP" ]; echo $?) "fork listener with --session-log listens ($SP)"
total=0
for n in 1 10 100 1000 65536; do
	head -c "$n" /dev/zero | run_to 10 nc -N 127.0.0.1 "$SP" >"$T_TMP/echo.$n"
	total=$((total + n))
done
wait_for 10 has_lines "$L" 10
is "$(jq -s 'map(select(.event=="open")) | length' "$L")" 5 "5 open events"
is "$(jq -s 'map(select(.event=="close")) | length' "$L")" 5 "5 close events"
is "$(jq -s 'map(select(.event=="close") | .left_to_right) | add' "$L")" "$total" "left_to_right adds up to the $total bytes sent"
is "$(jq -s 'map(select(.event=="close") | .right_to_left) | add' "$L")" "$total" "right_to_left adds up to the $total bytes echoed"
is "$(jq -s 'map(select(.event=="open") | .session) | unique | length' "$L")" 5 "session numbers are unique"
is "$(jq -s '[(map(select(.event=="open") | .session) | sort), (map(select(.event=="close") | .session) | sort)] | .[0] == .[1]' "$L")" true \
	"every open has its close with the same number"
is "$(jq -r 'select(.event=="close") | .reason' "$L" | sort -u)" eof "reason eof for clients that ended their data"
like "$(jq -r 'select(.event=="open") | .peer' "$L" | head -1)" '^127\.0\.0\.1:[0-9]+$' "peer is HOST:PORT"
is "$(jq -r 'select(.event=="open") | .local' "$L" | sort -u)" "127.0.0.1:$SP" "local is the listening address"
like "$(jq -r 'select(.event=="open") | .time' "$L" | head -1)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$' \
	"time is RFC 3339 with microseconds"
is "$(jq -c 'select(.event=="open") | .addr' "$L" | sort -u)" '["TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr","EXEC:cat"]' \
	"addr holds the two address texts"
is "$(jq -s 'map(select(.event=="close") | (.duration_s >= 0)) | all' "$L")" true "duration_s is a number >= 0"

# ---- a reset: a client that closes with SO_LINGER 0 while duct still reads
python3 - "$SP" <<'PY' 2>/dev/null
import socket, struct, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"abc"); s.recv(3)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()
PY
wait_for 10 has_lines "$L" 12
is "$(jq -r 'select(.event=="close") | .reason' "$L" | tail -1)" reset "a client's RST: reason reset"
like "$(jq -r 'select(.event=="close") | .error' "$L" | tail -1)" "reset" "with the error text"
stop "$BG_PID"

# ---- --fork-process: the children write their own lines, numbered in one series
L2=$T_TMP/fp.log
start_server "$T_TMP/fp.log.err" "$DUCT" -d -d --fork-process --session-log="$L2" TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr EXEC:cat
FP=$PORT
for n in 5 50 500; do head -c "$n" /dev/zero | run_to 10 nc -N 127.0.0.1 "$FP" >/dev/null; done
wait_for 10 has_lines "$L2" 6
is "$(jq -s 'map(select(.event=="close")) | length' "$L2")" 3 "--fork-process: 3 close events from the children"
is "$(jq -s 'map(select(.event=="close") | .left_to_right) | add' "$L2")" 555 "--fork-process: byte counts add up (555)"
is "$(jq -s 'map(select(.event=="open") | .session) | unique | length' "$L2")" 3 "--fork-process: session numbers unique"
stop "$BG_PID"

# ---- timeout (-T) and signal (SIGTERM with a session in flight), stderr as the log
start_server "$T_TMP/to.err" "$DUCT" -d -d -T 0.3 --session-log=- TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr EXEC:cat
TP=$PORT
bg sh -c "sleep 5 | nc 127.0.0.1 $TP"
wait_for 10 log_has "$T_TMP/to.err" '"event":"close"'
like "$(grep '^{"event":"close"' "$T_TMP/to.err" | head -1 | jq -r .reason)" '^timeout$' "-T: reason timeout (log on stderr with -)"
stop "$BG_PID"
start_server "$T_TMP/sig.err" "$DUCT" -d -d --session-log="$T_TMP/sig.log" TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr EXEC:cat
GP=$PORT; GPID=$BG_PID
bg sh -c "sleep 5 | nc 127.0.0.1 $GP"
wait_for 10 log_has "$T_TMP/sig.log" '"event":"open"'
kill -TERM "$GPID"; wait_pid 10 "$GPID"
is "$(jq -r 'select(.event=="close") | .reason' "$T_TMP/sig.log")" signal "SIGTERM with a live session: reason signal"

# ---- WebSocket close code
PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import websockets' 2>/dev/null; then
	start_server "$T_TMP/ws.err" "$DUCT" -d -d --session-log="$T_TMP/ws.log" WS-LISTEN:0,bind=127.0.0.1,fork,reuseaddr EXEC:cat
	run_to 20 "$PY" "$TESTS_DIR/lib/ws_fixture.py" client "ws://127.0.0.1:$PORT/" --close 1001 >/dev/null 2>&1
	wait_for 10 log_has "$T_TMP/ws.log" '"event":"close"'
	is "$(jq -r 'select(.event=="close") | .reason' "$T_TMP/ws.log")" "ws-close:1001" "a WebSocket close 1001: reason ws-close:1001"
	stop "$BG_PID"
else
	skip "python3-websockets missing: ws-close reason not checked"
fi

# ---- TLS: the peer certificate's subject
. "$(dirname "$0")/lib/tls_certs.sh"
if have openssl && make_certs "$T_TMP/certs"; then
	C=$T_TMP/certs
	start_server "$T_TMP/tls.err" "$DUCT" -d -d --session-log="$T_TMP/tls.log" OPENSSL-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,cert=$C/server.pem,cafile=$C/ca.pem PIPE
	printf hi | run_to 10 "$DUCT" - OPENSSL:localhost:$PORT,cert=$C/client.pem,cafile=$C/ca.pem >/dev/null 2>&1
	wait_for 10 log_has "$T_TMP/tls.log" '"event":"close"'
	is "$(jq -r 'select(.event=="open") | .tls_subject' "$T_TMP/tls.log")" "CN=client1" "TLS: open names the peer certificate's subject"
	is "$(jq -r 'select(.event=="close") | .tls_subject' "$T_TMP/tls.log")" "CN=client1" "TLS: and so does close"
	stop "$BG_PID"
	# the server requires a client certificate: a TLS 1.3 client without one hears alert 116 after
	# its handshake, in the data phase
	start_server "$T_TMP/tls2.err" "$DUCT" -d -d OPENSSL-LISTEN:0,bind=127.0.0.1,reuseaddr,cert=$C/server.pem,cafile=$C/ca.pem PIPE
	printf hi | run_to 10 "$DUCT" --session-log="$T_TMP/alert.log" - OPENSSL:localhost:$PORT,cafile=$C/ca.pem >/dev/null 2>&1
	is "$(jq -r 'select(.event=="close") | .reason' "$T_TMP/alert.log")" tls-alert "a TLS alert from the peer: reason tls-alert"
	like "$(jq -r 'select(.event=="close") | .error' "$T_TMP/alert.log")" "alert 116 \\(certificate_required\\)" "with the alert in error"
	stop "$BG_PID"
else
	for _ in 1 2 3 4; do skip "openssl missing: TLS subject and alert not checked"; done
fi

# ---- bad values
E=$(run_to 5 "$DUCT" --session-log= - - 2>&1 </dev/null); st=$?
is "$st" 1 "--session-log= (empty): exit 1"
like "$E" "option --session-log: expected FILE" "and one line saying what is expected"
E=$(run_to 5 "$DUCT" --session-log="$T_TMP/no/such/dir/x.log" - EXEC:true 2>&1 </dev/null); st=$?
is "$st" 1 "--session-log in a missing directory: exit 1"
like "$E" "option --session-log: cannot open \".*x.log\": No such file or directory" "naming the file and the cause"
done_testing
