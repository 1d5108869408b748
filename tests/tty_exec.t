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
i=0; while [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done # the child under test lives 5 s
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
	# the sleep is a job of the shell under test, not a wait
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
# sleep 1: the remote shell's command under test, not a wait
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

# ---- issue 15: at the end a pty child gets SIGTERM before the master closes (as socat), so
# it does not read EIO and exit 1 on it, and its death by our signal is no failure.
printf 'hi\n' >"$T_TMP/hi"
mkfifo "$T_TMP/idle"
# end_case NAME ARGS...: "rc:output" of one run, stdin from $CAP_IN
end_case() { cap 8 "$@"; printf '%s:%s' "$RC" "$(printf %s "$OUT" | tr -d '\r')"; }
for a in EXEC:cat,pty,raw,echo=0 SYSTEM:cat,pty,raw,echo=0; do
	CAP_IN=$T_TMP/hi
	got=$(end_case "$DUCT" - "$a")
	is "$got" "0:hi" "echo hi | duct - $a: the transfer is correct and duct exits 0"
	CAP_IN=$T_TMP/hi cap 8 "$DUCT" -d -d - "$a"
	unlike "$ERR" 'waitpid\(\): child [0-9]+ exited' "... no warning about the child's end (we ended it)"
	if have socat; then
		CAP_IN=$T_TMP/hi
		is "$got" "$(end_case socat - "$a")" "... as socat 1.7.4"
	fi
done
# SHELL runs $SHELL (socat 1.8); CI's environment may have none, so the test names one
CAP_IN=$T_TMP/hi
is "$(SHELL=/bin/sh end_case "$DUCT" - SHELL:cat,pty,raw,echo=0)" "0:hi" "SHELL:cat,pty: exits 0 after a correct transfer"
CAP_IN=$T_TMP/hi
is "$(end_case env -u SHELL "$DUCT" - SHELL:cat,pty,raw,echo=0,shell=/bin/sh)" "0:hi" "SHELL:cat,shell=/bin/sh: runs without \$SHELL"
CAP_IN=$T_TMP/hi cap 8 env -u SHELL "$DUCT" - SHELL:cat,pty,raw,echo=0
is "$RC" 1 "SHELL without \$SHELL or shell=: exit 1"
like "$ERR" 'SHELL is not set; give the option shell=' "... naming what to give"
CAP_IN=$T_TMP/hi
is "$(end_case "$DUCT" --statistics - EXEC:cat,pty,raw,echo=0)" "0:hi" "--statistics: the same, exit 0"
# -T: the session ends on inactivity; the child is still reading its terminal
for t in "$DUCT" socat; do
	[ "$t" = socat ] && ! have socat && continue
	bg_rw "$T_TMP/idle" "$t" -T 1 - EXEC:cat,pty,raw,echo=0 >/dev/null 2>"$T_TMP/T.err"
	wait_pid 8 "$BG_PID"
	rc=$?
	if [ "$t" = socat ]; then is "$rc" "$want_T" "-T 1: as socat 1.7.4"; else
		want_T=0; is "$rc" 0 "-T 1 - EXEC:cat,pty: exit 0 when the inactivity timeout ends the session"; fi
done
# setsid,ctty: the shell leads the terminal's session; its last command runs (stdin at EOF)
for t in "$DUCT" socat; do
	[ "$t" = socat ] && ! have socat && continue
	rm -f "$T_TMP/done"
	# the child under test outlives duct's stdin EOF (sleep), not a wait
	CAP_IN=/dev/null cap 8 "$t" - SYSTEM:"sleep 0.2; echo done >$T_TMP/done",pty,setsid,ctty
	wait_for 3 test -s "$T_TMP/done"
	is "$RC:$(cat "$T_TMP/done" 2>/dev/null)" "0:done" "$(basename "$t") - SYSTEM:'sleep 0.2; echo done >FILE',pty,setsid,ctty: the last command runs, exit 0"
done
# a shell that outlives the session (-t 0.5) is ended by our SIGTERM: no failure, as socat
# sleep 3: the child under test, not a wait
CAP_IN=/dev/null cap 8 "$DUCT" - SYSTEM:'sleep 3',pty,setsid,ctty
is "$RC" 0 "setsid,ctty: a shell still running at the end gets SIGTERM; duct exits 0"
if have socat; then
	CAP_IN=/dev/null cap 8 socat - SYSTEM:'sleep 3',pty,setsid,ctty
	is "$RC" 0 "... as socat 1.7.4"
fi
# a pty child that ends by itself keeps its own status
cap 8 "$DUCT" - SYSTEM:'exit 3',pty
is "$RC" 1 "a pty child that exits 3 by itself still fails the session"

done_testing
