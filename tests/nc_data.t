#!/bin/bash
# nc data mode through the engine: the seeds' recipes (file transfer with -N, hex dump with -o,
# the TCP->UDP repeater through a FIFO), exec, keep-open with four concurrent clients,
# allow/deny, TLS against ncat, HTTP CONNECT and SOCKS proxies (ncat as the proxy).
. "$(dirname "$0")/lib/tap.sh"
[ -x "$DUCT" ] || skip_all "no duct binary at $DUCT"
have python3 || skip_all "python3 is needed"
NC="$DUCT nc"

# 1. file transfer: nc -l -p PORT > file  /  nc -N HOST PORT < file
head -c 300000 /dev/urandom >"$T_TMP/src.bin"
P=$(free_port)
bg $NC -l -p "$P" >"$T_TMP/dst.bin"; L=$BG_PID
wait_for 5 tcp_listening "$P"
run_to 10 $NC -N 127.0.0.1 "$P" <"$T_TMP/src.bin"; cs=$?
wait_pid 10 "$L"; ls_=$?
is "$cs/$ls_" "0/0" "file transfer: both ends exit 0"
cmp -s "$T_TMP/src.bin" "$T_TMP/dst.bin"; ok $? "file transfer: the file arrives intact"

# 1b. interop: duct listener, nc.openbsd client (and the other way round)
if have nc.openbsd; then
	P=$(free_port)
	bg $NC -l -p "$P" >"$T_TMP/dst2.bin"; L=$BG_PID
	wait_for 5 tcp_listening "$P"
	run_to 10 nc.openbsd -N 127.0.0.1 "$P" <"$T_TMP/src.bin"
	wait_pid 10 "$L"
	cmp -s "$T_TMP/src.bin" "$T_TMP/dst2.bin"; ok $? "nc.openbsd -N -> duct nc -l"
	P=$(free_port)
	bg nc.openbsd -l -p "$P" >"$T_TMP/dst3.bin"; L=$BG_PID
	wait_for 5 tcp_listening "$P"
	run_to 10 $NC -N 127.0.0.1 "$P" <"$T_TMP/src.bin"
	wait_pid 10 "$L"
	cmp -s "$T_TMP/src.bin" "$T_TMP/dst3.bin"; ok $? "duct nc -N -> nc.openbsd -l"
else
	skip "nc.openbsd not installed"; skip "nc.openbsd not installed"
fi

# 2. -v listen messages
P=$(free_port)
bg $NC -lvn -p "$P" 2>"$T_TMP/lv.err" >/dev/null </dev/null; L=$BG_PID
wait_for 5 tcp_listening "$P"
printf 'x' | run_to 5 $NC -N 127.0.0.1 "$P" >/dev/null
wait_pid 10 "$L"
like "$(cat "$T_TMP/lv.err")" "^Listening on 0\.0\.0\.0 $P" "Listening on 0.0.0.0 PORT"
like "$(cat "$T_TMP/lv.err")" "Connection received on 127\.0\.0\.1 [0-9]+" "Connection received on 127.0.0.1 PORT"

# 3. -o hex dump in traditional nc's format: nc -l -p 4545 -o file
P=$(free_port)
bg $NC -l -p "$P" -o "$T_TMP/dump" >/dev/null </dev/null; L=$BG_PID
wait_for 5 tcp_listening "$P"
printf 'ABC' | run_to 5 $NC -N 127.0.0.1 "$P"
wait_pid 10 "$L"
is "$(cat "$T_TMP/dump")" "< 00000000 41 42 43                                        # ABC" "-o writes the traditional hex dump"

# 4. --sh-exec and -e
P=$(free_port)
bg $NC -l -p "$P" --sh-exec 'tr a-z A-Z'; L=$BG_PID
wait_for 5 tcp_listening "$P"
got=$(printf 'hello' | run_to 5 $NC -N 127.0.0.1 "$P")
wait_pid 10 "$L"
is "$got" "HELLO" "--sh-exec runs the command on the connection"
P=$(free_port)
bg $NC -l -p "$P" -e /bin/cat; L=$BG_PID
wait_for 5 tcp_listening "$P"
got=$(printf 'echo me' | run_to 5 $NC -N 127.0.0.1 "$P")
wait_pid 10 "$L"
is "$got" "echo me" "-e PROG"

# 5. --keep-open with four concurrent clients
P=$(free_port)
# the 0.3 s in the handler makes the clients overlap (under test: they are served in parallel)
bg $NC -l -p "$P" --keep-open --sh-exec 'read l; sleep 0.3; echo "got $l"'; K=$BG_PID
wait_for 5 tcp_listening "$P"
for i in 1 2 3 4; do (echo "c$i" | run_to 10 $NC -N 127.0.0.1 "$P" >"$T_TMP/k$i") & done
start=$(date +%s%N); wait_for 8 sh -c "cat $T_TMP/k1 $T_TMP/k2 $T_TMP/k3 $T_TMP/k4 | grep -c got | grep -qx 4"; took=$(( ($(date +%s%N) - start) / 1000000 ))
is "$(cat "$T_TMP"/k1 "$T_TMP"/k2 "$T_TMP"/k3 "$T_TMP"/k4 | sort | tr '\n' ' ')" "got c1 got c2 got c3 got c4 " "--keep-open serves four clients"
ok $([ "$took" -lt 1100 ] && echo 0 || echo 1) "... at the same time (${took} ms for four 0.3 s sessions)"
kill "$K" 2>/dev/null; wait_pid 5 "$K" >/dev/null

# 6. --allow / --deny
P=$(free_port)
bg $NC -l -p "$P" --keep-open --deny 127.0.0.1 --sh-exec 'echo hi' 2>"$T_TMP/deny.err"; K=$BG_PID
wait_for 5 tcp_listening "$P"
got=$(run_to 5 $NC 127.0.0.1 "$P" </dev/null)
is "$got" "" "--deny 127.0.0.1: the client gets nothing"
like "$(cat "$T_TMP/deny.err")" "denied" "--deny: the refusal is reported"
kill "$K"; wait_pid 5 "$K" >/dev/null
P=$(free_port)
bg $NC -l -p "$P" --keep-open --allow 10.0.0.0/8,127.0.0.0/8 --sh-exec 'echo hi'; K=$BG_PID
wait_for 5 tcp_listening "$P"
got=$(run_to 5 $NC 127.0.0.1 "$P" </dev/null)
is "$got" "hi" "--allow 127.0.0.0/8: served"
kill "$K"; wait_pid 5 "$K" >/dev/null

# 7. the TCP->UDP repeater through a FIFO (nc -l -p P < fifo | nc -u HOST U > fifo)
U=$(free_port udp)
bg python3 -c "
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('127.0.0.1',$U))
while True:
    d,a=s.recvfrom(2048); s.sendto(b'udp:'+d,a)
"; E=$BG_PID
wait_for 5 udp_bound "$U"
mkfifo "$T_TMP/fifo"
P=$(free_port)
bg sh -c "$NC -l -p $P < $T_TMP/fifo | $NC -u 127.0.0.1 $U > $T_TMP/fifo"; R=$BG_PID
wait_for 5 tcp_listening "$P"
# sleep 1 keeps stdin open while the answer comes back (stdin EOF would end the client early)
got=$( (printf 'ping\n'; sleep 1) | run_to 5 $NC 127.0.0.1 "$P")
is "$got" "udp:ping" "TCP->UDP repeater through a FIFO"
kill_group "$R"; kill_group "$E"

# 8. unix stream and datagram data
S=$T_TMP/data.sock
bg $NC -lU "$S" >"$T_TMP/u.out"; L=$BG_PID
wait_for 5 unix_listening "$S"
printf 'unix' | run_to 5 $NC -NU "$S"
wait_pid 10 "$L"
is "$(cat "$T_TMP/u.out")" "unix" "-U stream transfer"

# 9. TLS against ncat, and an HTTP CONNECT proxy (ncat --proxy-type http as the proxy)
if have ncat && have openssl; then
	P=$(free_port)
	bg ncat --ssl -l 127.0.0.1 "$P" --sh-exec 'echo tls-ok'; L=$BG_PID
	wait_for 5 tcp_listening "$P"
	got=$(run_to 10 $NC --ssl 127.0.0.1 "$P" </dev/null 2>"$T_TMP/ssl.err")
	is "$got" "tls-ok" "--ssl client against ncat --ssl" || diag "$(head -3 "$T_TMP/ssl.err")"
	kill "$L" 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/k.pem" -out "$T_TMP/c.pem" -days 1 -subj /CN=localhost >/dev/null 2>&1
	P=$(free_port)
	bg $NC --ssl --ssl-cert "$T_TMP/c.pem" --ssl-key "$T_TMP/k.pem" -l -p "$P" --sh-exec 'echo duct-tls'; L=$BG_PID
	wait_for 5 tcp_listening "$P"
	got=$(run_to 10 ncat --ssl 127.0.0.1 "$P" </dev/null 2>/dev/null)
	is "$got" "duct-tls" "ncat --ssl client against duct nc --ssl -l"
	kill "$L" 2>/dev/null
	PP=$(free_port); T=$(free_port)
	bg ncat -l 127.0.0.1 "$PP" --proxy-type http; X=$BG_PID
	bg ncat -l 127.0.0.1 "$T" --sh-exec 'echo proxied'; Y=$BG_PID
	wait_for 5 tcp_listening "$PP"; wait_for 5 tcp_listening "$T"
	got=$(run_to 10 $NC --proxy "127.0.0.1:$PP" --proxy-type http 127.0.0.1 "$T" </dev/null 2>"$T_TMP/px.err")
	is "$got" "proxied" "--proxy through an HTTP CONNECT proxy" || diag "$(head -3 "$T_TMP/px.err")"
	bg ncat -l 127.0.0.1 "$T" --sh-exec 'echo proxied'; Y=$BG_PID
	wait_for 5 tcp_listening "$T"
	got=$(run_to 10 $NC -X connect -x "127.0.0.1:$PP" 127.0.0.1 "$T" </dev/null 2>"$T_TMP/px2.err")
	is "$got" "proxied" "-X connect -x proxy (OpenBSD form)" || diag "$(head -3 "$T_TMP/px2.err")"
	kill "$X" "$Y" 2>/dev/null
else
	skip "ncat/openssl not installed"
fi
done_testing
