#!/usr/bin/env bash
# SOCKS4, SOCKS4A, SOCKS5-CONNECT (with and without username/password) and SOCKS5-LISTEN (BIND)
# through the SOCKS fixture (tests/lib/socks_fixture.py): data both ways, the request the server
# saw, refusals with their reply codes, tunnel bytes sent with the reply kept, handshake-timeout.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed for the SOCKS fixture"
FIX="$TESTS_DIR/lib/socks_fixture.py"

start_fixture() { py_fixture "$FIX" "$@"; } # start_fixture NAME ARGS...: FPORT, $T_TMP/NAME.log

# the target: an echo server
start_server "$T_TMP/echo.log" "$DUCT" -d -d TCP-LISTEN:0,fork,reuseaddr PIPE
EPORT=$PORT
ok $([ -n "$EPORT" ]; echo $?) "echo target listens ($EPORT)"

start_fixture plain --extra BANNER:
SP=$FPORT

# ---- SOCKS4
CAP_IN=<(printf hello) cap 10 "$DUCT" SOCKS4:127.0.0.1:127.0.0.1:$EPORT,socksport=$SP,socksuser=alice -
is "$RC" 0 "SOCKS4: exit 0"
is "$OUT" "BANNER:hello" "SOCKS4: data both ways; bytes sent with the reply are kept"
like "$(cat "$T_TMP/plain.log")" "^SOCKS4 CONNECT 127.0.0.1:$EPORT user=alice" "SOCKS4: server saw an IPv4 target and the user id"

CAP_IN=<(printf hi4a) cap 10 "$DUCT" -d -d SOCKS4A:127.0.0.1:localhost:$EPORT,socksport=$SP -
is "$OUT" "BANNER:hi4a" "SOCKS4A: data both ways"
like "$(cat "$T_TMP/plain.log")" "SOCKS4A CONNECT localhost:$EPORT" "SOCKS4A: the server got the name to resolve"
like "$ERR" "N SOCKS4A: SOCKS4A server 127.0.0.1:$SP connected us to localhost:$EPORT" "SOCKS4A: -d -d says what connected"

cap 10 "$DUCT" SOCKS4:127.0.0.1:no-such-host.invalid:$EPORT,socksport=$SP -
is "$RC" 1 "SOCKS4: unresolvable target fails"
like "$ERR" "use SOCKS4A to let the server resolve it" "SOCKS4: suggests SOCKS4A"

start_fixture ident --userid bob
cap 10 "$DUCT" SOCKS4:127.0.0.1:127.0.0.1:$EPORT,socksport=$FPORT,socksuser=alice -
is "$RC" 1 "SOCKS4: refused request exits 1"
like "$ERR" "E SOCKS4: SOCKS4 server 127.0.0.1:$FPORT refused the connection to 127.0.0.1:$EPORT: .*reply code 93.*socksuser" \
	"SOCKS4: refusal names the server, target, reply code and the option to fix"

# ---- SOCKS5 without authentication
CAP_IN=<(printf five) cap 10 "$DUCT" SOCKS5:127.0.0.1:$SP:localhost:$EPORT -
is "$OUT" "BANNER:five" "SOCKS5 (server:port:host:port): data both ways"
like "$(tail -1 "$T_TMP/plain.log")" "SOCKS5 CONNECT localhost:$EPORT user=-" "SOCKS5: name sent to the server"
CAP_IN=<(printf second) cap 10 "$DUCT" - SOCKS5:127.0.0.1:$SP:localhost:$EPORT
is "$OUT" "BANNER:second" "stdio first, SOCKS5 second"
CAP_IN=<(printf five3) cap 10 "$DUCT" SOCKS5-CONNECT:127.0.0.1:127.0.0.1:$EPORT,socksport=$SP -
is "$OUT" "BANNER:five3" "SOCKS5-CONNECT (server:host:port, socksport=)"
like "$(tail -1 "$T_TMP/plain.log")" "SOCKS5 CONNECT 127.0.0.1:$EPORT" "SOCKS5: IPv4 literal sent as an address"

CLOSED=$(free_port tcp)
cap 10 "$DUCT" SOCKS5:127.0.0.1:$SP:127.0.0.1:$CLOSED -
is "$RC" 1 "SOCKS5: refused target exits 1"
like "$ERR" "refused the connection to 127.0.0.1:$CLOSED: the server replied 5 \(connection refused\)" \
	"SOCKS5: refusal names the reply code and its meaning"

# ---- SOCKS5 with username/password
start_fixture auth --auth alice:s3cret
AP=$FPORT
CAP_IN=<(printf authd) cap 10 "$DUCT" SOCKS5:127.0.0.1:$AP:127.0.0.1:$EPORT,socksuser=alice,sockspass=s3cret -
is "$RC" 0 "SOCKS5 login: exit 0"
is "$OUT" "authd" "SOCKS5 login: data both ways"
like "$(tail -1 "$T_TMP/auth.log")" "SOCKS5 CONNECT 127.0.0.1:$EPORT user=alice" "SOCKS5 login: the server saw the user"
cap 10 "$DUCT" SOCKS5:127.0.0.1:$AP:127.0.0.1:$EPORT -
is "$RC" 1 "SOCKS5 without credentials where required: exit 1"
like "$ERR" "demands authentication.*socksuser=NAME and sockspass=PASSWORD" "... says which options to give"
cap 10 "$DUCT" SOCKS5:127.0.0.1:$AP:127.0.0.1:$EPORT,socksuser=alice,sockspass=wrong -
is "$RC" 1 "SOCKS5 wrong password: exit 1"
like "$ERR" "refused the login for 127.0.0.1:$EPORT: the server refused the username/password \(status 1\)" \
	"... says the login was refused"
cap 10 "$DUCT" SOCKS5:127.0.0.1:$AP:127.0.0.1:$EPORT,sockspass=x -
like "$ERR" "sockspass needs socksuser" "sockspass alone is refused"

# ---- SOCKS5-LISTEN (BIND)
rm -f "$T_TMP/bind.port"
start_fixture binder --bindfile "$T_TMP/bind.port"
BIP=$FPORT
"$DUCT" -d -d SOCKS5-LISTEN:127.0.0.1:$BIP:0.0.0.0:0 - <<<"from-binder" >"$T_TMP/bind.out" 2>"$T_TMP/bind.err" &
BPID=$!; track "$BPID"
wait_for 5 test -s "$T_TMP/bind.port"
BPORT=$(cat "$T_TMP/bind.port" 2>/dev/null)
wait_for 5 log_has "$T_TMP/bind.err" "listens for us on"
like "$(cat "$T_TMP/bind.err")" "N SOCKS5-LISTEN: SOCKS5 server 127.0.0.1:$BIP listens for us on 127.0.0.1:$BPORT" \
	"SOCKS5-LISTEN: -d -d tells where the server listens"
GOT=$(printf to-binder | run_to 10 "$DUCT" TCP:127.0.0.1:$BPORT -)
wait_pid 10 $BPID; BRC=$?
is "$BRC" 0 "SOCKS5-LISTEN: exit 0"
is "$(cat "$T_TMP/bind.out")" "to-binder" "SOCKS5-LISTEN: data from the peer"
is "$GOT" "from-binder" "SOCKS5-LISTEN: data to the peer"
like "$(cat "$T_TMP/bind.err")" "accepted a connection from 127.0.0.1:" "SOCKS5-LISTEN: the peer is named"

# ---- handshake-timeout: a server that accepts and says nothing
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$T_TMP/mute.port" &
track "$!"
wait_for 5 test -s "$T_TMP/mute.port"
MP=$(cat "$T_TMP/mute.port")
t0=$(date +%s%N)
cap 10 "$DUCT" SOCKS5:127.0.0.1:$MP:127.0.0.1:$EPORT,handshake-timeout=0.5 -
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$RC" 1 "handshake-timeout: exit 1"
like "$ERR" "SOCKS handshake with 127.0.0.1:$MP timed out after 0.5 s \(raise it with handshake-timeout=SECONDS\)" \
	"handshake-timeout: message"
ok $([ $ms -lt 5000 ]; echo $?) "handshake-timeout: gave up in time (${ms} ms)"

# ---- a fork listener relaying through SOCKS5: several sessions at once
start_server "$T_TMP/fwd.log" "$DUCT" -d -d TCP-LISTEN:0,fork,reuseaddr SOCKS5:127.0.0.1:$SP:127.0.0.1:$EPORT
FW=$PORT
pids=""
for i in 1 2 3 4 5; do
	(printf "c$i" | run_to 10 "$DUCT" TCP:127.0.0.1:$FW - >"$T_TMP/fw$i.out" 2>/dev/null) &
	pids="$pids $!"
done
for p in $pids; do wait $p; done
all=""
for i in 1 2 3 4 5; do all="$all$(cat "$T_TMP/fw$i.out")."; done
is "$all" "BANNER:c1.BANNER:c2.BANNER:c3.BANNER:c4.BANNER:c5." "TCP-LISTEN,fork -> SOCKS5: five sessions"

done_testing
