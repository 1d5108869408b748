#!/usr/bin/env bash
# EXEC/SYSTEM with a pseudo terminal: pty, termios options on it, ctty + setsid (controlling
# terminal, session leader), stderr, login/dash, signal forwarding (sighup, sigint, sigquit),
# and an interactive shell behind TCP-LISTEN driven by a scripted client.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have python3 || skip_all "python3 is needed for the scripted client"

# ---- pty: the program's stdin/stdout are a terminal
cap 5 "$DUCT" - EXEC:tty,pty
is "$RC" 0 "EXEC:tty,pty ends with 0 (EIO on the master after the program is EOF)"
like "$OUT" '^/dev/pts/[0-9]+'$'\r''?$' "EXEC:tty,pty prints a /dev/pts/N name"
cap 5 "$DUCT" - EXEC:tty
is "$OUT" "not a tty" "without pty the program has no terminal"
cap 5 "$DUCT" - EXEC:tty,pty,raw
like "$(od -An -c "$T_TMP/cap.out" | tr -d ' \n')" '^/dev/pts/[0-9]+\\n$' "pty,raw: no CR added (opost off on the child's terminal)"
cap 5 "$DUCT" - SYSTEM:'stty -a',pty,b9600,echo=0,icanon=0,min=3
like "$OUT" 'speed 9600 baud' "termios options apply to the child's terminal (b9600)"
like "$OUT" '(^| )-echo( |$)' "... echo=0"
like "$OUT" '(^| )-icanon( |$)' "... icanon=0"
like "$OUT" 'min = 3;' "... min=3"
cap 5 "$DUCT" - EXEC:tty,pty,ptmx
like "$OUT" '^/dev/pts/[0-9]+' "pty,ptmx: the terminal comes from /dev/ptmx"
cap 5 "$DUCT" -d -d - EXEC:tty,pty
like "$ERR" 'forking off child, using pty for reading and writing' "the log says the child uses a pty"
cap 5 "$DUCT" - SYSTEM:'echo out; echo err >&2',pty,stderr
like "$OUT" 'err' "pty,stderr: the child's stderr goes to the terminal too"
unlike "$ERR" 'err' "... and not to duct's stderr"
cap 5 "$DUCT" - SYSTEM:'echo out; echo err >&2',pty
like "$ERR" 'err' "pty without stderr: the child's stderr stays duct's"

# ---- ctty, setsid
ps_me='ps -o sid= -o tty= -o stat= -p $$; echo pid=$$'
cap 5 "$DUCT" - SYSTEM:"$ps_me",pty,setsid,ctty
pid=$(printf '%s\n' "$OUT" | tr -d '\r' | sed -n 's/^pid=//p')
line=$(printf '%s\n' "$OUT" | tr -d '\r' | grep -v '^pid=' | head -1)
like "$line" "^ *$pid pts/[0-9]+ " "setsid,ctty: the child leads its own session with the pty as controlling terminal"
like "$line" ' [A-Za-z]*s[A-Za-z]*\+' "... and is in the terminal's foreground process group"
cap 5 "$DUCT" - SYSTEM:"$ps_me",pty
line=$(printf '%s\n' "$OUT" | tr -d '\r' | grep -v '^pid=' | head -1)
like "$line" ' \? ' "pty without ctty: no controlling terminal"
cap 5 "$DUCT" - SYSTEM:"$ps_me",pty,ctty
like "$ERR" 'TIOCSCTTY.*setsid' "ctty without setsid: a warning that says setsid is needed"
is "$RC" 0 "... and the program still runs (as socat)"
cap 5 "$DUCT" - SYSTEM:"$ps_me",setsid
pid=$(printf '%s\n' "$OUT" | sed -n 's/^pid=//p')
like "$(printf '%s\n' "$OUT" | head -1)" "^ *$pid \? " "setsid alone: a new session without terminal"

# ---- login / dash: argv[0] with a leading '-'
cap 5 "$DUCT" -u SYSTEM:'echo $0',login STDOUT
is "$OUT" "-sh" "SYSTEM with login: argv[0] is -sh"
echo 'echo $0' >"$T_TMP/argv0"
CAP_IN=$T_TMP/argv0 cap 5 "$DUCT" - EXEC:/bin/sh,dash
is "$OUT" "-sh" "EXEC with dash: argv[0] is -sh (basename, '-' prefixed)"
CAP_IN=$T_TMP/argv0 cap 5 "$DUCT" - EXEC:/bin/sh,login
is "$OUT" "-sh" "login is the same option"
CAP_IN=$T_TMP/argv0 cap 5 "$DUCT" - EXEC:/bin/sh
is "$OUT" "sh" "EXEC without: argv[0] is the basename"

# ---- signal forwarding
cat >"$T_TMP/sig.sh" <<'EOF'
trap 'echo got-HUP' HUP
trap 'echo got-INT' INT
trap 'echo got-QUIT' QUIT
echo ready
i=0; while [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
EOF
bg "$DUCT" -u EXEC:"sh $T_TMP/sig.sh",sighup,sigint,sigquit "OPEN:$T_TMP/sig.out,creat,trunc" 2>/dev/null
S=$BG_PID
wait_for 5 grep -q ready "$T_TMP/sig.out"
for sig in HUP INT QUIT; do
	kill -$sig "$S"
	wait_for 5 grep -q "got-$sig" "$T_TMP/sig.out"
	ok $? "sig$(echo $sig | tr A-Z a-z): SIG$sig is passed to the child"
done
kill -0 "$S" 2>/dev/null
ok $? "duct keeps running on the signals it forwards (as socat)"
kill -TERM "$S"
wait_pid 5 "$S"
is "$?" 143 "... and ends on SIGTERM"
bg "$DUCT" -u EXEC:"sh $T_TMP/sig.sh" "OPEN:$T_TMP/sig2.out,creat,trunc" 2>/dev/null
S=$BG_PID
wait_for 5 grep -q ready "$T_TMP/sig2.out"
kill -HUP "$S"
wait_pid 5 "$S"
is "$?" 129 "without sighup, SIGHUP ends duct (129)"
unlike "$(cat "$T_TMP/sig2.out")" 'got-HUP' "... and is not passed on"

# ---- an interactive shell behind TCP-LISTEN
cat >"$T_TMP/client.py" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode() + b"\n")
buf = b""
end = time.time() + 8
while time.time() < end:
    try:
        d = s.recv(4096)
    except socket.timeout:
        break
    if not d:
        break
    buf += d
sys.stdout.write(buf.decode(errors="replace").replace("\r", ""))
EOF
port=$(free_port)
bg "$DUCT" "TCP-LISTEN:$port,reuseaddr,bind=127.0.0.1" EXEC:'sh -i',pty,setsid,ctty,stderr 2>/dev/null
L=$BG_PID
wait_for 5 tcp_listening "$port"
cap 10 python3 "$T_TMP/client.py" "$port" "echo hel''lo; tty; exit"
like "$OUT" '^([#$] )?hello$' "interactive sh over TCP: the command runs (its output, not the echo of the input)"
like "$OUT" '^([#$] )?/dev/pts/[0-9]+$' "... its terminal is a pty"
like "$OUT" "echo hel''lo; tty; exit" "... and the terminal echoes the input, as a terminal does"
wait_pid 5 "$L"
is "$?" 0 "the listener ends with 0 when the shell exits"
if have bash; then
	port=$(free_port)
	bg "$DUCT" "TCP-LISTEN:$port,reuseaddr,bind=127.0.0.1" EXEC:'bash --norc --noprofile -i',pty,setsid,ctty,stderr 2>/dev/null
	L=$BG_PID
	wait_for 5 tcp_listening "$port"
	cap 10 python3 "$T_TMP/client.py" "$port" 'sleep 0.1 & wait; echo "jobs-ok-$((6*7))"; exit'
	like "$OUT" 'jobs-ok-42' "interactive bash over TCP works"
	unlike "$OUT" 'no job control' "... with job control (setsid,ctty give it a controlling terminal)"
	wait_pid 5 "$L"
	port=$(free_port)
	bg "$DUCT" "TCP-LISTEN:$port,reuseaddr,bind=127.0.0.1" EXEC:'bash --norc --noprofile -i',pty,stderr 2>/dev/null
	L=$BG_PID
	wait_for 5 tcp_listening "$port"
	cap 10 python3 "$T_TMP/client.py" "$port" 'exit'
	like "$OUT" 'no job control' "without setsid,ctty bash says it has no job control"
	wait_pid 5 "$L"
else
	skip "bash not installed"
	skip "bash not installed"
	skip "bash not installed"
fi

# ---- fork: one pty per connection
port=$(free_port)
bg "$DUCT" "TCP-LISTEN:$port,reuseaddr,fork,bind=127.0.0.1" EXEC:'sh -i',pty,setsid,ctty,stderr 2>/dev/null
L=$BG_PID
wait_for 5 tcp_listening "$port"
cap 10 python3 "$T_TMP/client.py" "$port" "tty; exit"
t1=$(printf '%s\n' "$OUT" | grep -Eo '/dev/pts/[0-9]+$' | head -1)
python3 "$T_TMP/client.py" "$port" "sleep 1; exit" >/dev/null &
C=$!
wait_for 5 sh -c "ps -eo args | grep -q '^sh -i'"
cap 10 python3 "$T_TMP/client.py" "$port" "tty; exit"
t2=$(printf '%s\n' "$OUT" | grep -Eo '/dev/pts/[0-9]+$' | head -1)
like "$t1" '^/dev/pts/[0-9]+$' "fork: first connection got a pty"
like "$t2" '^/dev/pts/[0-9]+$' "fork: a connection while another is open gets one too"
wait "$C"
kill_group "$L"
wait_pid 5 "$L"

done_testing
