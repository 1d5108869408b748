#!/bin/bash
# ncat's servers for many clients at once (--broker, --chat, --keep-open without a program) as
# duct nc builds them: a TCP-LISTEN fork listener whose sessions all open one BROKER, CHAT or
# FANOUT hub. Each scenario runs against ncat 7.93 and `duct ncat` and must give the same bytes
# to every client and to stdout (tests/lib/hub_fixture.py drives them); then back-pressure,
# the relay face of the hub addresses, and their errors.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have python3 || skip_all "python3 is needed"
have ss || skip_all "ss is needed"
FIX="$TESTS_DIR/lib/hub_fixture.py"

# scenario NAME WANT-FILE FLAGS...: ncat (when installed) and duct ncat give the same transcript
scenario() {
	local name=$1 want=$2; shift 2
	local tool P
	for tool in ncat "$DUCT ncat"; do
		set -- "$@"
		[ "$tool" = ncat ] && ! have ncat && { skip "ncat not installed"; continue; }
		P=$(free_port)
		run_to 40 python3 "$FIX" "$name" "$P" $tool "$@" 127.0.0.1 "$P" >"$T_TMP/got" 2>"$T_TMP/fix.err"
		is "$(cat "$T_TMP/got")" "$(cat "$want")" "$tool $* : $name"
		[ -s "$T_TMP/fix.err" ] && diag "$(head -3 "$T_TMP/fix.err")"
	done
}

# -k: stdin to every client, every client's data to stdout, clients don't hear each other;
# stdin's EOF gives every client EOF but the server stays (a later client only talks); a
# client that half-closes is closed
cat >"$T_TMP/fanout.want" <<'EOF_'
client A: b'hi\n'
client B: b'hi\nx\n<EOF>'
client C: b'<EOF>'
client D: b'<EOF>'
stdout: b'a\nb\nc\n'
running: True
stderr: b''
EOF_
scenario fanout "$T_TMP/fanout.want" -lk

# --broker (listens without -l): every client's data to every other client, not back to the
# sender, stdin to every client, nothing to stdout; stdin's EOF changes nothing
cat >"$T_TMP/broker.want" <<'EOF_'
client B: b'hi\na\n'
client C: b'a2\n<EOF>'
client A: b'hi\nb\n<EOF>'
stdout: b''
running: True
stderr: b''
EOF_
scenario broker "$T_TMP/broker.want" --broker

# --chat: <announce> lines on join and leave, <userN> numbers as ncat's fds (the lowest free
# from 4 on one listening socket; stdin is <user0>), control bytes and bytes above 0x7e in octal
cat >"$T_TMP/chat.want" <<'EOF_'
client B: b'<announce> 127.0.0.1 is connected as <user5>.\n<announce> already connected: 127.0.0.1 as <user4>.\n<user4> \\007hi\tthere\\303\\251\\177\r\n<user0> from stdin\n<EOF>'
client C: b'<announce> 127.0.0.1 is connected as <user5>.\n<announce> already connected: 127.0.0.1 as <user4>.\n'
client A: b'<announce> 127.0.0.1 is connected as <user4>.\n<announce> already connected: nobody.\n<announce> 127.0.0.1 is connected as <user5>.\n<announce> already connected: 127.0.0.1 as <user4>.\n<user0> from stdin\n<announce> <user5> is disconnected.\n<announce> 127.0.0.1 is connected as <user5>.\n<announce> already connected: 127.0.0.1 as <user4>.\n<user5> c1\n<EOF>'
stdout: b''
running: True
stderr: b''
EOF_
scenario chat "$T_TMP/chat.want" --chat -l

# Back-pressure, never loss: 32 MiB on stdin to two clients, one of which reads nothing at
# first: the other is held back, then both get every byte.
P=$(free_port)
run_to 40 python3 "$FIX" backpressure "$P" $DUCT ncat -lk 127.0.0.1 "$P" >"$T_TMP/bp" 2>&1
is "$(head -3 "$T_TMP/bp")" "A held back while B reads nothing: True
A got every byte: True
B got every byte: True" "a client that doesn't read holds the others back; nobody loses a byte"

# --broker --send-only: user-needs 18 reports that ncat then quits when one client leaves
# (nmap #2827); ncat 7.93 here serves on, and so does duct: the clients are not read, a client
# that has gone is noticed (and dropped) when written to.
cat >"$T_TMP/sendonly.want" <<'EOF_'
client B: b'x\ny\nz\n'
stdout: b''
running: True
stderr: b''
EOF_
scenario sendonly "$T_TMP/sendonly.want" --broker --send-only

# The relay face: BROKER behind a fork listener, no stdio member.
P=$(free_port)
bg sh -c "exec $DUCT TCP-LISTEN:$P,bind=127.0.0.1,fork,reuseaddr BROKER 2>'$T_TMP/relay.err'"; S=$BG_PID
wait_for 5 tcp_listening "$P"
cat >"$T_TMP/relay.py" <<'PY'
import socket, subprocess, sys, time
p, pid = int(sys.argv[1]), sys.argv[2]
def held():
    r = subprocess.run(['ss', '-Htnp', 'state', 'connected', '( sport = :%d )' % p], capture_output=True, text=True)
    return sum(1 for l in r.stdout.splitlines() if 'pid=%s,' % pid in l)
a = socket.create_connection(('127.0.0.1', p), timeout=5)
b = socket.create_connection(('127.0.0.1', p), timeout=5)
end = time.time() + 5
while held() < 2 and time.time() < end:
    time.sleep(0.01)
a.sendall(b'one\n'); a.shutdown(socket.SHUT_WR)
got = b''
while not got.endswith(b'one\n'):
    d = b.recv(100)
    if not d: break
    got += d
b.shutdown(socket.SHUT_WR)
rest = b''.join(iter(lambda: a.recv(100), b''))
print(got, rest)
PY
is "$(run_to 10 python3 "$T_TMP/relay.py" "$P" "$S")" "b'one\\n' b''" "relay face: TCP-LISTEN,fork BROKER passes A's data to B, not back to A"
kill_group "$S"; wait_pid 5 "$S"

# ... and CHAT: the relay face hands it the peer's address as it does to programs.
P=$(free_port)
bg sh -c "exec $DUCT TCP-LISTEN:$P,bind=127.0.0.1,fork,reuseaddr CHAT 2>'$T_TMP/chat.err'"; S=$BG_PID
wait_for 5 tcp_listening "$P"
got=$(run_to 5 python3 -c '
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
got = b""
while not got.endswith(b"nobody.\n"):
    d = c.recv(200)
    if not d: break
    got += d
print(got)' "$P")
is "$got" "b'<announce> 127.0.0.1 is connected as <user4>.\\n<announce> already connected: nobody.\\n'" \
	"relay face: CHAT announces a client by its address"
kill_group "$S"; wait_pid 5 "$S"

# Bad input: one line naming the address and option, non-zero exit.
cap 5 $DUCT - BROKER,hub-stdio=both
is "$RC|$(wc -l <"$T_TMP/cap.err")" "1|1" "hub-stdio=both: one line, exit 1"
like "$ERR" 'BROKER: hub-stdio="both": expected in, out, inout or none' "... naming the address, the value and what is expected"
cap 5 $DUCT - FANOUT,hub-stdio=none
like "$RC|$ERR" '^1\|.*FANOUT: hub-stdio=none leaves nothing to fan out from' "FANOUT without stdio is refused"
cap 5 $DUCT - STDIO,hub-stdio=in
like "$RC|$ERR" '^1\|.*hub-stdio' "hub-stdio on another address is an error"
P=$(free_port)
bg sh -c "exec $DUCT --fork-process TCP-LISTEN:$P,bind=127.0.0.1,fork,reuseaddr BROKER 2>'$T_TMP/fp.err'"; S=$BG_PID
wait_for 5 tcp_listening "$P"
run_to 5 $DUCT -u /dev/null TCP:127.0.0.1:"$P"
wait_for 5 log_has "$T_TMP/fp.err" 'BROKER: the members of a hub must share one process'
ok $? "--fork-process: a hub connection is refused with a line saying why"
kill_group "$S"; wait_pid 5 "$S"
done_testing
