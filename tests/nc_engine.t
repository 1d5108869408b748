#!/bin/bash
# The engine mechanisms behind nc's gaps (issue 9), each checked on the relay face and, where
# netcat defines the behaviour, differentially against nc.openbsd / ncat:
# eof-ends (nc -l ends when the client leaves, stdin still open), EOF order in client mode,
# the listening/open-error hooks (no "Listening on" before a bind that fails; nc's own bind
# error), crnl-out (-C), and FD:n on a UDP socket (datagram boundaries, 8192-byte blocks).
. "$(dirname "$0")/lib/tap.sh"
[ -x "$DUCT" ] || skip_all "no duct binary at $DUCT"
have python3 || skip_all "python3 is needed"
NC="$DUCT nc"

# A stdin that stays open and silent (like a terminal nobody types on): a FIFO the test holds.
mkfifo "$T_TMP/hold"
exec 7<>"$T_TMP/hold"

# tcp_client PORT: connect, send "hello\n", read what comes for 0.3 s, close.
cat >"$T_TMP/cli.py" <<'PY'
import socket, sys, time
c = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5)
c.sendall(b'hello\n'); time.sleep(0.3); c.close()
PY
# srv.py: accept once, send "hi\r\n", close after 0.2 s; writes what it got to argv[1].
cat >"$T_TMP/srv.py" <<'PY'
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); c.sendall(b'hi\r\n'); c.settimeout(1); got = b''
end = time.time() + 0.4
while time.time() < end:
    try:
        d = c.recv(100)
    except socket.timeout:
        break
    if not d: break
    got += d
c.close(); open(sys.argv[1], 'wb').write(got)
PY
start_srv() { # start srv.py, sets SP (port) and SRV (pid); $1: file for what it received
	rm -f "$T_TMP/sp"
	bg sh -c "python3 '$T_TMP/srv.py' '$1' > '$T_TMP/sp'"; SRV=$BG_PID
	wait_for 5 test -s "$T_TMP/sp"; SP=$(cat "$T_TMP/sp")
}

block
# 1. eof-ends on the relay face: EOF from the SYSTEM side ends the session although stdin
#    (the other input) stays open and -t is long.
got=$(run_to 5 $DUCT -t 100 'SYSTEM:echo hi,eof-ends' STDIO <&7); rc=$?
is "$rc/$got" "0/hi" "eof-ends: the program's EOF ends the session at once (stdin still open)"
run_to 1 $DUCT -t 100 'SYSTEM:echo hi' STDIO <&7 >/dev/null 2>&1; rc=$?
is "$rc" "124" "without eof-ends the session waits for the other input (-t 100)"

block
# 2. nc -l: the client leaving ends nc although stdin is still open (nc.openbsd and ncat too)
for tool in "$NC" "$DUCT ncat" nc.openbsd ncat; do
	block # per tool: a failed run leaves nothing to the next
	set -- $tool
	[ "$1" = "$DUCT" ] || have "$1" || { skip "$1 not installed"; continue; }
	P=$(free_port)
	bg $tool -l "$P" <&7 >"$T_TMP/l.out"; L=$BG_PID
	wait_for 5 tcp_listening "$P"
	python3 "$T_TMP/cli.py" "$P"
	wait_pid 5 "$L"; rc=$?
	is "$rc/$(cat "$T_TMP/l.out")" "0/hello" "$tool -l: ends when the client closes, stdin open"
done

block
# 3. client mode: the peer closing first leaves nc reading stdin (nc.openbsd, -N and ncat
#    alike); stdin EOF then ends it with status 0.
for tool in "$NC" "$NC -N" "$DUCT ncat" nc.openbsd "nc.openbsd -N"; do
	block # per tool: a failed run leaves nothing to the next
	set -- $tool
	[ "$1" = "$DUCT" ] || have "$1" || { skip "$1 not installed"; continue; }
	start_srv "$T_TMP/srv.got"
	rm -f "$T_TMP/hold2"; mkfifo "$T_TMP/hold2"; exec 8<>"$T_TMP/hold2"; on_block_end 'exec 8>&-'
	bg sh -c "exec $tool 127.0.0.1 $SP <'$T_TMP/hold2' >'$T_TMP/c.out' 7>&- 8>&-"; C=$BG_PID
	wait_pid 5 "$SRV" >/dev/null
	wait_for 5 grep -q hi "$T_TMP/c.out"
	wait_for 5 io_waiting "$C" # the peer's data and close are read: back to waiting for input
	# not a readiness wait: the check is that the client does not end in the 0.5 s after that
	sleep 0.5
	kill -0 "$C" 2>/dev/null; alive=$?
	exec 8>&- # stdin EOF (the FIFO's last writer is gone)
	rm -f "$T_TMP/hold2"
	wait_pid 5 "$C"; rc=$?
	is "$alive/$rc/$(tr -d '\r' <"$T_TMP/c.out")" "0/0/hi" "$tool: peer closed first: still running, ends at stdin EOF"
done

block
# 4. bind failure: nc's own message, no "Listening on" first; exit 1 (ncat: 2)
P=$(free_port)
bg python3 -c "
import socket,time
s=socket.socket(); s.bind(('0.0.0.0',$P)); s.listen(1); time.sleep(20)"; B=$BG_PID
wait_for 5 tcp_listening "$P"
cap 5 $NC -lv "$P"
is "$RC|$ERR" "1|nc: Address already in use" "nc -lv on a busy port: nc's message only, exit 1"
if have nc.openbsd; then
	cap 5 nc.openbsd -lv "$P"
	is "$RC|${ERR#nc.openbsd: }" "1|Address already in use" "... as nc.openbsd"
else
	skip "nc.openbsd not installed"
fi
cap 5 $DUCT ncat -l "$P"
is "$RC|$ERR" "2|Ncat: bind to 0.0.0.0:$P: Address already in use. QUITTING." "ncat -l on a busy port"
if have ncat; then
	cap 5 ncat -4 -l "$P"
	is "$RC|$ERR" "2|Ncat: bind to 0.0.0.0:$P: Address already in use. QUITTING." "... as ncat -4"
else
	skip "ncat not installed"
fi
# the relay face keeps its own log line
cap 5 $DUCT TCP4-LISTEN:"$P" STDIO
like "$ERR" "E bind\(" "the relay face still logs bind errors itself"
kill_group "$B"
# and "Listening on" still comes on success (after the bind)
P=$(free_port)
bg $NC -lvn "$P" </dev/null 2>"$T_TMP/lv.err" >/dev/null; L=$BG_PID
wait_for 5 tcp_listening "$P"
wait_for 2 grep -q Listening "$T_TMP/lv.err"
like "$(cat "$T_TMP/lv.err")" "^Listening on 0\.0\.0\.0 $P$" "Listening on ... once bound"
kill_group "$L"

block
# 5. -C: LF -> CRLF on what is sent (an existing CRLF stays), incoming CR untouched
for tool in "$NC" nc.openbsd; do
	set -- $tool
	[ "$1" = "$DUCT" ] || have "$1" || { skip "$1 not installed"; continue; }
	start_srv "$T_TMP/crlf.got"
	got=$(printf 'a\nb\r\nc\n' | run_to 5 $tool -C -N 127.0.0.1 "$SP" | od -An -c | tr -s ' ')
	wait_pid 5 "$SRV" >/dev/null
	is "$(od -An -c "$T_TMP/crlf.got" | tr -s ' ')" " a \r \n b \r \n c \r \n" "$tool -C: LF sent as CRLF, CRLF kept"
	is "$got" " h i \r \n" "$tool -C: the CR received is kept"
done
printf 'x\ny' | $DUCT -u - STDOUT,crnl-out >"$T_TMP/co"
is "$(od -An -c "$T_TMP/co" | tr -s ' ')" " x \r \n y" "relay face: crnl-out on the writing side"

block
# 6. FD:n on a UDP socket (nc -u hands its connected socket over): one read = one datagram,
#    a stream cut into 8192-byte datagrams (a 65536-byte one would not fit), empty datagram
#    = EOF (-u adds null-eof, as nc.openbsd's recv() == 0)
cat >"$T_TMP/udpsrv.py" <<'PY'
import socket, sys
s = socket.socket(type=socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1], flush=True)
s.settimeout(2); sizes = []
try:
    while True:
        d, a = s.recvfrom(70000); sizes.append(len(d))
        if len(sizes) == 1: s.sendto(b'r1', a); s.sendto(b'', a); s.sendto(b'r2', a)
except socket.timeout: pass
open(sys.argv[1], 'w').write(' '.join(map(str, sizes)))
PY
for tool in "$NC" nc.openbsd; do
	set -- $tool
	[ "$1" = "$DUCT" ] || have "$1" || { skip "$1 not installed"; skip "$1 not installed"; continue; }
	rm -f "$T_TMP/up"
	bg sh -c "python3 '$T_TMP/udpsrv.py' '$T_TMP/sizes' >'$T_TMP/up'"; U=$BG_PID
	wait_for 5 test -s "$T_TMP/up"
	# the pauses make separate reads, so separate datagrams (under test), not readiness waits
	got=$( (printf one; sleep 0.3; printf two; sleep 0.3; head -c 20000 /dev/zero; sleep 0.5) | run_to 5 $tool -u 127.0.0.1 "$(cat "$T_TMP/up")")
	wait_pid 5 "$U" >/dev/null
	is "$got" "r1" "$tool -u: replies up to the empty datagram"
	# (nc.openbsd reads up to 16384 bytes: it sends whatever the pipe gives)
	want="20006 8192"; [ "$1" = "$DUCT" ] || want="20006 $(tr ' ' '\n' <"$T_TMP/sizes" | sort -n | tail -1)"
	is "$(tr ' ' '\n' <"$T_TMP/sizes" | sort -n | awk '{ t += $1; m = $1 } END { print t, m }')" "$want" \
		"$tool -u: one datagram per read (duct: at most 8192 bytes each)"
done
block
# 7. peer lists in the listener, before a byte is read or address 2 is opened
P=$(free_port)
bg $DUCT ncat -l "$P" --keep-open --deny 10.0.0.0/8,127.0.0.1 --sh-exec "touch $T_TMP/ran; echo hi" 2>"$T_TMP/deny.err"; K=$BG_PID
wait_for 5 tcp_listening "$P"
got=$(run_to 5 $NC 127.0.0.1 "$P" </dev/null)
wait_for 2 grep -q denied "$T_TMP/deny.err"
is "$got|$(cat "$T_TMP/deny.err")" "|Ncat: New connection denied: not allowed" "ncat --deny: refused in ncat's words, nothing sent"
ok $([ ! -e "$T_TMP/ran" ]; echo $?) "--deny: the --sh-exec command never ran for the refused peer"
kill_group "$K"
printf '# trusted\n10.1.2.3-9\n127.0.0.0/8 # loopback\n' >"$T_TMP/allow.txt"
P=$(free_port)
bg $DUCT ncat -l "$P" --keep-open --allowfile "$T_TMP/allow.txt" --sh-exec 'echo hi'; K=$BG_PID
wait_for 5 tcp_listening "$P"
is "$(run_to 5 $NC 127.0.0.1 "$P" </dev/null)" "hi" "--allowfile (comments, a span, a network): served"
kill_group "$K"
P=$(free_port)
bg $DUCT TCP4-LISTEN:"$P",fork,allow='10.0.0.0/8|192.168.0.0/16' SYSTEM:'echo hi' 2>"$T_TMP/allow.err"; K=$BG_PID
wait_for 5 tcp_listening "$P"
is "$(run_to 5 $DUCT -u TCP:127.0.0.1:"$P" STDOUT 2>/dev/null)" "" "relay face allow=: a peer outside the list gets nothing"
like "$(cat "$T_TMP/allow.err")" "W refusing connection from AF=2 127\.0\.0\.1:[0-9]+ due to allow list" "... and is logged as refused"
kill_group "$K"
cap 5 $DUCT TCP4-LISTEN:0,deny=300.1.2.3/8 STDIO
like "$ERR" "E .*300\.1\.2\.3" "deny= with a bad network: an error naming it"

block
# 8. the server goes away while nc still sends (its unread bytes make the close a reset):
# nc.openbsd and nc.traditional end quietly with 0, ncat says why and exits 1
cat >"$T_TMP/gone.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    time.sleep(0.2)
    if sys.argv[1] == "bye":
        c.sendall(b"bye\n")
    c.close()
PY
for mode in bye quiet; do
	python3 "$T_TMP/gone.py" "$mode" >"$T_TMP/gone.port" 2>/dev/null &
	G=$!
	wait_for 5 test -s "$T_TMP/gone.port"
	P=$(cat "$T_TMP/gone.port")
	for face in "nc:nc.openbsd" "ncat:ncat" "netcat:nc.traditional"; do
		f=${face%%:*}
		real=${face#*:}
		# the pauses let the server go away between the lines (under test: sending after the close)
		out=$( (echo first; sleep 0.5; echo second; sleep 0.5; echo third) | run_to 10 $DUCT "$f" 127.0.0.1 "$P" 2>"$T_TMP/gone.err")
		rc=$?
		err=$(cat "$T_TMP/gone.err")
		want_out=""
		[ "$mode" = bye ] && want_out=bye
		if [ "$f" = ncat ]; then
			is "$rc|$out|$err" "1|$want_out|Ncat: Connection reset by peer." \
				"duct ncat, server gone ($mode): ncat's line, exit 1"
		else
			is "$rc|$out|$err" "0|$want_out|" "duct $f, server gone ($mode): what arrived, no message, exit 0"
		fi
		if have "$real"; then
			( (echo first; sleep 0.5; echo second; sleep 0.5; echo third) | run_to 10 "$real" 127.0.0.1 "$P" \
				>/dev/null 2>"$T_TMP/gone.real.err")
			rrc=$?
			is "$rc|$err" "$rrc|$(cat "$T_TMP/gone.real.err")" "... same exit status and stderr as $real"
		else
			skip "$real not installed"
		fi
	done
	kill "$G" 2>/dev/null
	wait "$G" 2>/dev/null
	rm -f "$T_TMP/gone.port"
done

exec 7>&-
done_testing
