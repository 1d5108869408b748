#!/usr/bin/env bash
# Issue 8 (faults): SIGTERM, SIGINT and SIGHUP during a transfer. For each signal:
#  - a UNIX-LISTEN relay (with a -L lock file) writing into a file: once the bytes sent so far
#    are in the file, the signal; the file holds exactly those bytes, the socket file and the
#    lock file are gone, exit status 128+signal (a clean exit, not a crash);
#  - a relay in full flow (data streaming into a file): the file is an exact prefix of the
#    stream (nothing garbled or lost in the middle);
#  - an EXEC child: gone (killed and reaped) after duct exits;
#  - a terminal in raw mode (a pty from python): its settings restored.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have python3 || skip_all "python3 needed"

num() { case $1 in TERM) echo 15 ;; INT) echo 2 ;; HUP) echo 1 ;; esac; }
size_is() { [ "$(stat -c %s "$1" 2>/dev/null)" = "$2" ]; }

head -c 300000 /dev/urandom >"$T_TMP/chunk"

for sig in TERM INT HUP; do
	block # per signal: a failed run leaves nothing to the next
	n=$(num $sig)
	d=$T_TMP/$sig
	mkdir -p "$d"
	# 1: socket file (a forking listener), lock file, output file
	bg "$DUCT" -L "$d/lock" UNIX-LISTEN:"$d/sock",fork CREATE:"$d/out"
	L=$BG_PID
	wait_for 10 unix_listening "$d/sock"
	ok $? "SIG$sig: socket file created"
	test -e "$d/lock"
	ok $? "SIG$sig: lock file created"
	# a client sends the chunk and stays connected
	# sleep 30 keeps the client connected (not a readiness wait)
	bg bash -c "{ cat \"$T_TMP/chunk\"; sleep 30; } | exec \"$DUCT\" -u - UNIX-CONNECT:\"$d/sock\""
	C=$BG_PID
	wait_for 10 size_is "$d/out" 300000
	kill -$sig "$L"
	wait_pid 10 "$L"
	rc=$?
	is "$rc" $((128 + n)) "SIG$sig: exit status 128+$n"
	same_file "$d/out" "$T_TMP/chunk" "SIG$sig: the file holds every byte relayed"
	test ! -e "$d/sock"
	ok $? "SIG$sig: socket file removed"
	test ! -e "$d/lock"
	ok $? "SIG$sig: lock file removed"
	kill_group "$C" 2>/dev/null

	# 2: in full flow: a deterministic endless stream (counted lines) into a file
	mkfifo "$d/src"
	bg bash -c "exec seq 1 1000000000 >\"$d/src\""
	S=$BG_PID
	bg_in "$d/src" "$DUCT" -u - CREATE:"$d/flow"
	F=$BG_PID
	wait_for 5 test -s "$d/flow"
	kill -$sig "$F"
	wait_pid 10 "$F"
	is "$?" $((128 + n)) "SIG$sig in full flow: exit status 128+$n"
	sz=$(stat -c %s "$d/flow")
	kill_group "$S" 2>/dev/null
	seq 1 1000000000 | head -c "$sz" | cmp -s - "$d/flow"
	ok $? "SIG$sig in full flow: the file ($sz bytes) is an exact prefix of the stream"

	# 3: an EXEC child is ended and reaped
	mkfifo "$d/idle"
	# sleep 300: the child under test (it must be reaped), not a wait
	bg_rw "$d/idle" "$DUCT" - EXEC:"sleep 300"
	E=$BG_PID
	wait_for 5 pgrep -P "$E" sleep
	child=$(pgrep -P "$E" sleep)
	kill -$sig "$E"
	wait_pid 10 "$E"
	is "$?" $((128 + n)) "SIG$sig with an EXEC child: exit status 128+$n"
	wait_for 5 bash -c "! kill -0 $child"
	ok $? "SIG$sig: the child (pid ${child:-?}) is gone"
	# the child was duct's, so once duct is gone it can't be a zombie of duct's; nor may it
	# linger re-parented to init
	is "$(ps -o pid= -p "${child:-0}" | wc -l)" 0 "SIG$sig: no trace of the child in the process table"

	# 4: terminal restored
	res=$(timeout -k 2 20 python3 - "$DUCT" "$sig" <<'PY'
import os, pty, signal, subprocess, sys, termios, time
m, s = pty.openpty()
before = termios.tcgetattr(s)
p = subprocess.Popen([sys.argv[1], "-,raw,echo=0", "EXEC:cat"], stdin=s, stdout=s,
                     stderr=subprocess.DEVNULL, start_new_session=True)
deadline = time.time() + 5
while termios.tcgetattr(s) == before and time.time() < deadline:
    time.sleep(0.02)
during = termios.tcgetattr(s)
os.write(m, b"abc\n")
time.sleep(0.2)
p.send_signal(getattr(signal, "SIG" + sys.argv[2]))
rc = p.wait(5)
after = termios.tcgetattr(s)
print("raw=%s restored=%s rc=%d" % (during != before, after == before, rc))
PY
)
	is "$res" "raw=True restored=True rc=$((128 + n))" "SIG$sig: the terminal's settings restored"
done

done_testing
