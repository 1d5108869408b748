#!/usr/bin/env bash
# Issue 8 (faults): a child program killed with SIGKILL, and slow or silent peers under -T.
#  - EXEC/SYSTEM child SIGKILLed while idle and while data flows: duct notices at once, says
#    so on one line, exits 1, leaves no zombie; a forking listener whose session child is
#    killed keeps serving;
#  - -T 1 with a silent peer: duct ends after about 1 s (exit 0, like socat);
#  - -T 1 with a slow peer (a byte every 0.4 s) keeps the session while bytes come, then ends
#    1 s after the last one; everything the peer sent arrived.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have python3 || skip_all "python3 needed"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
mkfifo "$T_TMP/idle"

block
# 1: idle child killed
# sleep 300: the idle child under test (killed below), not a wait
bg_rw "$T_TMP/idle" bash -c "exec \"$DUCT\" - EXEC:'sleep 300' 2>\"$T_TMP/e1\""
D=$BG_PID
wait_for 5 pgrep -P "$D" sleep
c=$(pgrep -P "$D" sleep)
kill -9 "$c"
wait_pid 5 "$D"
is "$?" 1 "idle EXEC child SIGKILLed: duct exits 1 promptly"
like "$(cat "$T_TMP/e1")" "child $c exited on signal 9" "... saying which child died of which signal"
is "$(grep -c . "$T_TMP/e1")" 1 "... on one line"

block
# 2: child killed while data flows (duct writing into it, reading from it)
bg bash -c "exec \"$DUCT\" OPEN:/dev/zero SYSTEM:'cat >/dev/null & exec cat' >/dev/null 2>\"$T_TMP/e2\""
D=$BG_PID
wait_for 5 pgrep -P "$D"
# flowing PID: PID's children and their children (the two cats) have read over 1 MB
flowing() {
	local c g n=0
	for c in $(pgrep -P "$1"); do
		n=$((n + $(proc_io "$c" rchar)))
		for g in $(pgrep -P "$c"); do n=$((n + $(proc_io "$g" rchar))); done
	done
	[ "$n" -gt 1000000 ]
}
wait_for 5 flowing "$D"
for c in $(pgrep -P "$D"); do kill -9 "$c"; done
wait_pid 5 "$D"
rc=$?
is "$rc" 1 "busy SYSTEM child SIGKILLed: duct exits 1"
unlike "$(cat "$T_TMP/e2")" "(Segmentation|Abort|runtime error|AddressSanitizer)" "... no crash"

block
# 3: forking listener, one session's child killed; the listener goes on
P=$(free_port)
bg "$DUCT" TCP-LISTEN:$P,reuseaddr,fork EXEC:cat 2>"$T_TMP/e3"
L=$BG_PID
wait_for 10 tcp_listening "$P"
bg_rw "$T_TMP/idle" "$DUCT" - TCP:127.0.0.1:$P
C=$BG_PID
wait_for 5 pgrep -P "$L" cat
kill -9 "$(pgrep -P "$L" cat | head -1)"
wait_pid 5 "$C"
ok $? "the session whose child was killed ends; its client sees EOF"
got=$(printf 'next\n' | timeout -k 2 10 "$DUCT" - TCP:127.0.0.1:$P 2>&1)
is "$got" next "the listener serves the next client"
wait_for 5 no_zombies "$L"
is "$(ps -o stat= --ppid "$L" | grep -c Z)" 0 "no zombie under the listener"

block
# 4: -T with a silent and with a slow peer
cat >"$T_TMP/peer.py" <<'PY'
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
for i in range(int(sys.argv[1])):
    c.send(b"%d\n" % i); time.sleep(0.4)
time.sleep(30)
PY
port_of() { wait_for 5 test -s "$1" && head -1 "$1" || echo 0; }
bg python3 "$T_TMP/peer.py" 0 >"$T_TMP/p4"
P=$(port_of "$T_TMP/p4")
t0=$(now_ms)
timeout -k 2 10 "$DUCT" -T 1 - TCP:127.0.0.1:$P 0<>"$T_TMP/idle" >/dev/null 2>"$T_TMP/e4"
rc=$?
dt=$(( $(now_ms) - t0 ))
is "$rc" 0 "-T 1, silent peer: exit 0"
ok "$([ "$dt" -ge 900 ] && [ "$dt" -lt 3000 ]; echo $?)" "-T 1, silent peer: ended after about 1 s ($dt ms)"

bg python3 "$T_TMP/peer.py" 6 >"$T_TMP/p5"
P=$(port_of "$T_TMP/p5")
t0=$(now_ms)
got=$(timeout -k 2 15 "$DUCT" -T 1 - TCP:127.0.0.1:$P 0<>"$T_TMP/idle" 2>"$T_TMP/e5")
rc=$?
dt=$(( $(now_ms) - t0 ))
is "$rc:$(echo $got)" "0:0 1 2 3 4 5" "-T 1, slow peer: every byte arrived, exit 0"
ok "$([ "$dt" -ge 2800 ] && [ "$dt" -lt 6000 ]; echo $?)" "-T 1, slow peer: kept while bytes came, ended ~1 s after the last ($dt ms)"

done_testing
