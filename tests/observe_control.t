#!/usr/bin/env bash
# --control=PATH and duct ctl, checked from outside with jq against a relay with sessions in
# flight (OpenBSD nc clients): sessions, stats, close N, SIGUSR1's table in the session log,
# the socket's mode, its removal at exit; bad input: a 1 MiB command line and a client that
# never reads its answers get clear errors or are dropped, and the relay goes on serving.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have jq || skip_all "jq needed to read the answers (apt-get install jq)"
have nc || skip_all "nc (netcat-openbsd) needed as a client"
S=$T_TMP/ctl.sock
L=$T_TMP/s.log
ctl() { run_to 15 "$DUCT" ctl "$S" "$@"; }
nsessions() { [ "$(ctl sessions | jq length)" = "$1" ]; }
size_ge() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }

start_server "$T_TMP/srv.err" "$DUCT" -d -d --control="$S" --session-log="$L" TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr EXEC:cat
SP=$PORT; RPID=$BG_PID
ok $([ -n "$SP" ]; echo $?) "relay with --control listens ($SP)"
is "$(stat -c %a "$S")" 600 "the control socket is mode 0600"

# two clients in flight: 3 and 5 bytes sent, echoed, connection held open
bg sh -c "{ printf abc; sleep 30; } | nc 127.0.0.1 $SP >$T_TMP/c1.out"; C1=$BG_PID
wait_for 10 size_ge "$T_TMP/c1.out" 3
bg sh -c "{ printf hello; sleep 30; } | nc 127.0.0.1 $SP >$T_TMP/c2.out"; C2=$BG_PID
wait_for 10 size_ge "$T_TMP/c2.out" 5
J=$(ctl sessions); st=$?
is "$st" 0 "duct ctl sessions: exit 0"
is "$(printf %s "$J" | jq length)" 2 "sessions: 2 live sessions"
is "$(printf %s "$J" | jq '[.[].left_to_right] | add')" 8 "sessions: their byte counts (3 + 5)"
is "$(printf %s "$J" | jq '[.[].right_to_left] | add')" 8 "sessions: the echoed bytes (3 + 5)"
is "$(printf %s "$J" | jq -r '[.[] | (.peer | test("^127\\.0\\.0\\.1:[0-9]+$")) and (.idle_s >= 0) and (.age_s >= 0)] | all')" true \
	"sessions: peer, idle and age of each"
J=$(ctl stats)
is "$(printf %s "$J" | jq -c '[.accepted, .active, .refused, .left_to_right]')" "[2,2,0,8]" "stats: accepted 2, active 2, refused 0, 8 bytes"

# SIGUSR1: the same table in the session log
kill -USR1 "$RPID"
wait_for 10 log_has "$L" '"event":"sessions"'
is "$(jq -s 'map(select(.event=="sessions")) | .[0].sessions | length' "$L")" 2 "SIGUSR1 writes the 2 live sessions to the log"

# close N ends that session only
N=$(ctl sessions | jq '.[0].session')
is "$(ctl close "$N" | jq .closed)" "$N" "close $N: answered"
wait_pid 10 "$C1" >/dev/null; wait_pid 1 "$C2" >/dev/null
wait_for 10 nsessions 1
ok $? "close $N: one session left"
wait_for 10 log_has "$L" "\"session\":$N,.*\"reason\":\"closed\""
ok $? "the log gives reason closed for session $N"

# duct ss --duct=PATH: the same sessions as a table and as JSON
B=$(ctl sessions | jq '.[0].left_to_right')
T=$(run_to 15 "$DUCT" ss --duct="$S"); st=$?
is "$st" 0 "ss --duct: exit 0"
like "$(printf '%s\n' "$T" | head -1)" '^Session +Age +Idle +Bytes-In +Bytes-Out +Local Address:Port +Peer Address:Port$' "ss --duct: header"
like "$(printf '%s\n' "$T" | sed -n 2p)" "^[0-9]+ +[0-9.]+s +[0-9.]+s +$B +$B +127\\.0\\.0\\.1:$SP +127\\.0\\.0\\.1:[0-9]+$" \
	"ss --duct: the live session with its age, bytes and addresses"
is "$(run_to 15 "$DUCT" ss -j --duct="$S" | jq '.[0].left_to_right')" "$B" "ss -j --duct: the JSON array"
E=$(run_to 5 "$DUCT" ss --duct="$T_TMP/none.sock" 2>&1); st=$?
is "$st" 1 "ss --duct with no relay there: exit 1"
like "$E" 'ss: --duct: cannot ask ".*none.sock"' "with one line saying so"

# errors: one line, non-zero exit
E=$(ctl close 999 2>&1); st=$?
is "$st" 1 "close of an unknown number: exit 1"
like "$E" '"error":"close: no live session 999' "and an error answer"
E=$(ctl frobnicate 2>&1); st=$?
is "$st" 1 "unknown command: exit 1"
like "$E" 'unknown command \\"frobnicate\\": expected sessions, stats, close N or reload' "naming the command and what is expected"
E=$(ctl reload); st=$?
is "$E" '{"reloaded":0}' "reload without peer lists: nothing to reload"
E=$(run_to 5 "$DUCT" ctl "$T_TMP/nothing.sock" stats 2>&1); st=$?
is "$st" 1 "ctl to a path nobody listens on: exit 1"
like "$E" 'cannot connect to ".*nothing.sock": No such file or directory; is a relay running with --control=' "with a hint"
E=$(run_to 5 "$DUCT" ctl 2>&1); st=$?
is "$st" 2 "ctl without arguments: usage, exit 2"

# a 1 MiB command line: an error answer, the connection ends, the relay is unharmed
R=$(python3 - "$S" <<'PY' 2>&1
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])
try:
    s.sendall(b"x" * (1 << 20))
except OSError as e:
    pass
data = b""
try:
    while True:
        d = s.recv(4096)
        if not d: break
        data += d
except OSError as e:
    pass
print(data.decode().strip())
PY
)
like "$R" '^\{"error":"command longer than 4096 bytes' "1 MiB command: an error line"
is "$(ctl stats | jq .active)" 1 "the relay still answers after it"

# a client that sends commands and never reads: the relay goes on serving the others
python3 - "$S" "$T_TMP/stuck" <<'PY' >/dev/null 2>&1 &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(1)
try:
    for _ in range(200000): s.send(b"sessions\n")
except OSError:
    pass
open(sys.argv[2], "w").write("stuck\n")
time.sleep(8)
PY
NR=$!; T_BG_PIDS="$T_BG_PIDS $NR"
wait_for 15 test -s "$T_TMP/stuck"
ok $? "a client that never reads is no longer read from (its sends block)"
is "$(ctl stats | jq .active)" 1 "with a client that never reads: stats still answered"
printf more | run_to 10 nc -N 127.0.0.1 "$SP" >"$T_TMP/c3.out"
is "$(cat "$T_TMP/c3.out")" more "and new sessions are still served"
kill "$NR" 2>/dev/null; wait "$NR" 2>/dev/null

# the socket goes with the relay; a stale one is replaced; --workers is refused
stop "$RPID"
ok $([ ! -e "$S" ]; echo $?) "the control socket is removed at exit"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$S"
start_server "$T_TMP/srv2.err" "$DUCT" -d -d --control="$S" TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr EXEC:cat
is "$(ctl stats | jq .accepted)" 0 "a stale socket file left behind is replaced"
E=$(run_to 5 "$DUCT" -d -d --control="$S" TCP-LISTEN:0,bind=127.0.0.1,fork EXEC:cat 2>&1); st=$?
is "$st" 1 "a second relay on the same control path: exit 1"
like "$E" "option --control: cannot listen at" "saying so"
stop "$BG_PID"
# reload: allow-file= (ncat --allowfile) read again, a live session kept, a bad file refused
echo 10.0.0.0/8 >"$T_TMP/allow"
start_server "$T_TMP/srv4.err" "$DUCT" -d -d --control="$S" TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,allow-file="$T_TMP/allow" EXEC:cat
AP=$PORT; APID=$BG_PID
is "$(printf a | run_to 10 nc -N 127.0.0.1 "$AP" 2>/dev/null)" "" "allow-file without 127.0.0.1: refused"
echo 127.0.0.1/32 >"$T_TMP/allow"
is "$(printf b | run_to 10 nc -N 127.0.0.1 "$AP" 2>/dev/null)" "" "the file changed, no reload yet: still refused"
is "$(ctl reload)" '{"reloaded":1}' "reload: one listener's lists read again"
bg sh -c "{ printf held; sleep 30; } | nc 127.0.0.1 $AP >$T_TMP/held.out"
is "$(printf c | run_to 10 nc -N 127.0.0.1 "$AP")" c "after reload 127.0.0.1 is let in"
wait_for 10 size_ge "$T_TMP/held.out" 4
echo 'garbage!!' >"$T_TMP/allow"
E=$(ctl reload); st=$?
is "$st" 1 "reload of a bad file: exit 1"
like "$E" '"error":"reload: range \\"garbage!!\\".*\(the lists in force stay\)' "the error names the entry; the old lists stay"
is "$(printf d | run_to 10 nc -N 127.0.0.1 "$AP")" d "the lists in force still let 127.0.0.1 in"
is "$(ctl stats | jq -c '[.refused, .active]')" "[2,1]" "2 refused before the reload; the session held across reloads is live"
stop "$APID"

# a peer refused by range= is counted
start_server "$T_TMP/srv3.err" "$DUCT" -d -d --control="$S" TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,range=10.0.0.0/8 EXEC:cat
printf x | run_to 10 nc -N 127.0.0.1 "$PORT" >/dev/null 2>&1
wait_for 10 log_has "$T_TMP/srv3.err" "refusing"
is "$(ctl stats | jq -c '[.accepted, .refused]')" "[0,1]" "stats: a peer outside range= counts as refused"
stop "$BG_PID"
E=$(run_to 5 "$DUCT" --workers 2 --control="$S" TCP-LISTEN:0,fork EXEC:cat 2>&1); st=$?
is "$st" 1 "--control with --workers 2: refused"
like "$E" "option --control: one control socket can't answer for 2 worker processes" "with the reason"
done_testing
