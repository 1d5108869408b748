#!/usr/bin/env bash
# SOCKS-SERVER with real clients: curl --socks4, --socks4a, --socks5, --socks5-hostname to a
# python http.server (IPv4, IPv6, names), duct's own SOCKS clients, data sent with the request
# kept; refusals with their reply codes and a log line naming client, destination and why;
# malformed greetings and stalled clients closed within handshake-timeout.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed"
have curl || skip_all "curl needed"

mkdir -p "$T_TMP/www"
echo "it works" >"$T_TMP/www/index.txt"
python3 -m http.server --bind :: --directory "$T_TMP/www" 0 >"$T_TMP/http.out" 2>&1 &
track "$!"
wait_for 10 grep -q "Serving HTTP" "$T_TMP/http.out"
WP=$(grep -oE 'port [0-9]+' "$T_TMP/http.out" | head -1 | cut -d' ' -f2)
ok $([ -n "$WP" ]; echo $?) "http.server on [::] ($WP)"

start_server "$T_TMP/ss.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr SOCKS-SERVER,handshake-timeout=1,connect-timeout=2
SP=$PORT
ok $([ -n "$SP" ]; echo $?) "SOCKS-SERVER listens ($SP)"

for mode in socks4 socks4a socks5 socks5-hostname; do
	out=$(run_to 10 curl -sS -m 5 --$mode 127.0.0.1:$SP "http://localhost:$WP/index.txt" 2>&1)
	is "$out" "it works" "curl --$mode to localhost"
done
out=$(run_to 10 curl -sS -m 5 --socks5 127.0.0.1:$SP "http://[::1]:$WP/index.txt" 2>&1)
is "$out" "it works" "curl --socks5 to [::1] (an IPv6 address in the request)"
out=$(run_to 10 curl -sS -m 5 --socks5-hostname 127.0.0.1:$SP "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "curl --socks5-hostname to 127.0.0.1"
log=$(cat "$T_TMP/ss.log")
like "$log" "N SOCKS-SERVER: client 127.0.0.1:[0-9]+: SOCKS4A CONNECT to localhost:$WP, connected from" "SOCKS4A: the name went to the server"
like "$log" "N SOCKS-SERVER: client 127.0.0.1:[0-9]+: SOCKS5 CONNECT to \[::1\]:$WP, connected from" "SOCKS5: IPv6 destination logged"

# duct's own clients; the bytes after the request and data both ways
start_server "$T_TMP/echo.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr PIPE
EP=$PORT
out=$(printf 'through duct' | run_to 10 "$DUCT" -t 1 - SOCKS5:127.0.0.1:$SP:127.0.0.1:$EP)
is "$out" "through duct" "duct's SOCKS5 client through SOCKS-SERVER: data both ways"
out=$(printf 'four' | run_to 10 "$DUCT" -t 1 - SOCKS4:127.0.0.1:127.0.0.1:$EP,socksport=$SP)
is "$out" "four" "duct's SOCKS4 client"

# pyc PAYLOAD: send the Python bytes literal to SOCKS-SERVER, print the reply bytes in hex
pyc() { python3 "$TESTS_DIR/lib/raw_client.py" --port "$SP" --hex --max 64 "$1"; }
# greeting, request and data in one write: the data reaches the destination
out=$(pyc "b'\x05\x01\x00' + b'\x05\x01\x00\x01\x7f\x00\x00\x01' + ($EP).to_bytes(2, 'big') + b'early'" 2>&1)
like "$out" "^0500050000017f000001[0-9a-f]{4}$(printf early | od -An -tx1 | tr -d ' \n') " \
	"greeting, request and data in one write: reply, then the data echoed (nothing lost)"

CLOSED=$(free_port)
out=$(pyc "b'\x05\x01\x00\x05\x01\x00\x01\x7f\x00\x00\x01' + ($CLOSED).to_bytes(2, 'big')")
like "$out" "^050005050001" "SOCKS5 to a closed port: reply 5 (connection refused)"
like "$(cat "$T_TMP/ss.log")" "E SOCKS-SERVER: client 127.0.0.1:[0-9]+: SOCKS5 CONNECT to 127.0.0.1:$CLOSED refused: connect: Connection refused; replied 5 \(connection refused\)" \
	"... logged with client, destination, why and the reply"
out=$(pyc "b'\x04\x01' + ($CLOSED).to_bytes(2, 'big') + b'\x7f\x00\x00\x01bob\x00'")
like "$out" "^005b" "SOCKS4 to a closed port: reply 91"
out=$(pyc "b'\x05\x01\x00\x05\x02\x00\x01\x7f\x00\x00\x01\x00\x50'")
like "$out" "^050005070001" "SOCKS5 BIND: reply 7 (command not supported)"
like "$(cat "$T_TMP/ss.log")" "BIND is not supported \(CONNECT only\); replied 7" "... logged"
out=$(pyc "b'\x05\x01\x00\x05\x01\x00\x07\x7f\x00\x00\x01\x00\x50'")
like "$out" "^050005080001" "SOCKS5 address type 7: reply 8 (address type not supported)"
out=$(pyc "b'\x05\x01\x00\x05\x01\x00\x03\x0bnohost.invalid\x00\x50'")
like "$out" "^050005040001" "SOCKS5 to a name that does not resolve: reply 4 (host unreachable)"
out=$(pyc "b'\x05\x01\x02'")
like "$out" "^05ff " "SOCKS5 greeting offering only username/password: 05 ff, closed"
like "$(cat "$T_TMP/ss.log")" "the client offers no method this server takes" "... logged"
out=$(pyc "b'\x05\x00'")
like "$out" "^05ff " "malformed greeting (no methods): 05 ff, closed"
out=$(pyc "b'GET / HTTP/1.1\r\n\r\n'")
like "$out" "^ elapsed=0" "an HTTP request: closed at once, nothing sent"
like "$(cat "$T_TMP/ss.log")" "not a SOCKS request \(first byte 0x47; SOCKS4 starts with 4, SOCKS5 with 5\), perhaps HTTP; closing it" \
	"... logged"
out=$(pyc "b'\x05\x01'")
like "$out" "^ elapsed=1\.[0-5]" "a greeting that stops half way: closed after handshake-timeout (1 s)"
like "$(cat "$T_TMP/ss.log")" "SOCKS handshake timed out after 1 s \(raise it with handshake-timeout=SECONDS\)" "... logged"
out=$(run_to 10 curl -sS -m 5 --socks5 127.0.0.1:$SP "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "the listener serves on after every refusal"

# proxy-range= and proxy-ports=: what may be reached
start_server "$T_TMP/rules.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr \
	SOCKS-SERVER,proxy-range=127.0.0.0/8,proxy-range=192.0.2.128/25,proxy-ports=1024-65535
RP=$PORT
out=$(run_to 10 curl -sS -m 5 --socks5-hostname 127.0.0.1:$RP "http://localhost:$WP/index.txt" 2>&1)
is "$out" "it works" "proxy-range: a name whose address is in range is served (the lookup checks it)"
out=$(run_to 10 curl -sS -m 5 --socks5 127.0.0.1:$RP "http://[::1]:$WP/index.txt" 2>&1)
like "$out" "not allowed|\(2\)|Connection not allowed" "proxy-range: ::1 is not in range, curl is told so"
SP_SAVE=$SP; SP=$RP
out=$(pyc "b'\x05\x01\x00\x05\x01\x00\x01\xc0\x00\x02\x01\x10\x00'")
like "$out" "^050005020001" "proxy-range: 192.0.2.1 is out of range: reply 2 (not allowed by ruleset)"
out=$(pyc "b'\x04\x01\x00\x50\x7f\x00\x00\x01\x00'")
like "$out" "^005b" "proxy-ports=1024-65535: SOCKS4 to port 80: reply 91"
SP=$SP_SAVE
log=$(cat "$T_TMP/rules.log")
like "$log" "SOCKS5 CONNECT to 192.0.2.1:4096 refused: its address 192.0.2.1 is not in proxy-range; replied 2 \(connection not allowed by ruleset\)" \
	"... logged with client, destination and the rule"
like "$log" "SOCKS4 CONNECT to 127.0.0.1:80 refused: port 80 is outside proxy-ports=1024-65535; replied 91" "... the port rule logged"
start_server "$T_TMP/bad.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr SOCKS-SERVER,proxy-ports=90-80
SP_SAVE=$SP; SP=$PORT
pyc "b'\x05\x01\x00'" >/dev/null
SP=$SP_SAVE
like "$(cat "$T_TMP/bad.log")" "option proxy-ports=\"90-80\": PORT or LOW-HIGH expected" "proxy-ports=90-80: refused, saying what is expected"

# proxy-users=: SOCKS5 username/password (RFC 1929)
printf '# who may use the proxy\nalice:s3cret\nbob:pw:with:colons\n' >"$T_TMP/users"
start_server "$T_TMP/users.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr SOCKS-SERVER,proxy-users="$T_TMP/users"
UP=$PORT
out=$(run_to 10 curl -sS -m 5 --socks5 127.0.0.1:$UP --proxy-user alice:s3cret "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "proxy-users: curl --proxy-user alice logs in"
out=$(run_to 10 curl -sS -m 5 --socks5-hostname 127.0.0.1:$UP --proxy-user bob:pw:with:colons "http://localhost:$WP/index.txt" 2>&1)
is "$out" "it works" "proxy-users: a password with colons"
out=$(run_to 10 curl -sS -m 5 --socks5 127.0.0.1:$UP --proxy-user alice:wrong "http://127.0.0.1:$WP/index.txt" 2>&1)
like "$out" "rejected" "proxy-users: a wrong password is rejected"
out=$(run_to 10 curl -sS -m 5 --socks5 127.0.0.1:$UP "http://127.0.0.1:$WP/index.txt" 2>&1)
like "$out" "No authentication method was acceptable" "proxy-users: a client without a login is told no method fits"
out=$(run_to 10 curl -sS -m 5 --socks4 127.0.0.1:$UP "http://127.0.0.1:$WP/index.txt" 2>&1)
like "$out" "rejected|failed|91" "proxy-users: SOCKS4 (no password) is rejected"
log=$(cat "$T_TMP/users.log")
like "$log" "N SOCKS-SERVER: client 127.0.0.1:[0-9]+ user alice: SOCKS5 CONNECT to 127.0.0.1:$WP" "the login is logged"
like "$log" "E SOCKS-SERVER: client 127.0.0.1:[0-9]+: login refused for user \"alice\" \(unknown user or wrong password\)" \
	"the wrong password is logged with the user"
like "$log" "SOCKS4 carries no password and proxy-users is set \(use SOCKS5\)" "SOCKS4's refusal says why"
start_server "$T_TMP/nousers.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr SOCKS-SERVER,proxy-users="$T_TMP/none"
SP_SAVE=$SP; SP=$PORT
pyc "b'\x05\x01\x00'" >/dev/null
SP=$SP_SAVE
like "$(cat "$T_TMP/nousers.log")" "option proxy-users=\"$T_TMP/none\": No such file or directory \(a file of user:password lines\)" \
	"proxy-users= naming no file: refused, saying what it wants"

start_server "$T_TMP/one.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr SOCKS-SERVER,socksuser=alice,sockspass=s3cret
out=$(run_to 10 curl -sS -m 5 --socks5 127.0.0.1:$PORT --proxy-user alice:s3cret "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "socksuser=,sockspass= on SOCKS-SERVER: the one login asked for"
out=$(run_to 10 curl -sS -m 5 --socks5 127.0.0.1:$PORT --proxy-user alice:other "http://127.0.0.1:$WP/index.txt" 2>&1)
like "$out" "rejected" "... another password is rejected"

# bind=: the source address of the outgoing leg
start_server "$T_TMP/who.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr SYSTEM:'echo from $DUCT_PEERADDR'
WHO=$PORT
start_server "$T_TMP/bind.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr SOCKS-SERVER,bind=127.0.0.5
out=$(run_to 10 "$DUCT" -t 1 - SOCKS5:127.0.0.1:$PORT:127.0.0.1:$WHO </dev/null)
is "$out" "from 127.0.0.5" "bind=127.0.0.5 on SOCKS-SERVER: the destination sees that source"

# misuse
cap 5 "$DUCT" SOCKS-SERVER -
is "$RC" 1 "SOCKS-SERVER as the first address: exit 1"
like "$ERR" "SOCKS-SERVER serves the connections of the first address: give it as the second" "... says where it goes"
cap 5 "$DUCT" - SOCKS-SERVER
like "$ERR" "SOCKS-SERVER" "SOCKS-SERVER after STDIO: refused"
like "$ERR" "the first address must be a connection that can be read and written" "... with a line saying why"
start_server "$T_TMP/misuse.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr SOCKS-SERVER,socksport=1080
SP=$PORT
pyc "b'\x05\x01\x00'" >/dev/null
like "$(cat "$T_TMP/misuse.log")" "E SOCKS-SERVER: option socksport is for the proxy clients \(SOCKS4, SOCKS5, PROXY ...\), not SOCKS-SERVER" \
	"socksport= on SOCKS-SERVER: refused by name"

done_testing
