#!/usr/bin/env bash
# Lock files: -L (refuse while another duct holds the lock), -W (wait, then go on), the
# lockfile= / waitlock= address options (the serial line idiom FILE:/dev/ttyS0,waitlock=...),
# UUCP/HDB content ("%10d\n" pid), stale locks named as such, removal at exit and on signals.
. "$(dirname "$0")/lib/tap.sh"
need_duct

mkfifo "$T_TMP/idle"
LK=$T_TMP/LCK..ttyS0
hdb() { printf '%10d\n' "$1"; }
gone() { [ ! -e "$1" ]; }

# ---- -L
bg_rw "$T_TMP/idle" "$DUCT" -L "$LK" -u STDIN /dev/null 2>/dev/null
H=$BG_PID
wait_for 5 test -s "$LK"
ok $? "-L: the lock file is created"
is "$(cat "$LK")" "$(hdb "$H")" "-L: it holds the pid in UUCP/HDB format (%10d and a newline)"
is "$(stat -c %a "$LK")" "644" "-L: readable by all (mode 644), as UUCP locks are"
printf 'data\n' >"$T_TMP/data"
CAP_IN=$T_TMP/data cap 5 "$DUCT" -L "$LK" -u STDIN STDOUT
is "$RC" 1 "-L while another duct holds the lock: exit 1"
is "$OUT" "" "... nothing relayed"
like "$ERR" "lock file \"$LK\" exists \\(held by pid $H\\); use -W to wait for it" "... and a message naming the holder and -W"
is "$(cat "$LK")" "$(hdb "$H")" "the refused duct leaves the holder's lock alone"

# ---- -W waits, then proceeds once the holder ends
bg_in "$T_TMP/data" "$DUCT" -W "$LK" -u STDIN "OPEN:$T_TMP/wout,creat" 2>/dev/null
W=$BG_PID
ok "$(wait_for 1 test -s "$T_TMP/wout" && echo 1 || echo 0)" "-W: nothing relayed while the lock is held"
kill -0 "$W" 2>/dev/null
ok $? "-W: still waiting"
kill -TERM "$H"
wait_pid 5 "$H"
is "$?" 143 "the holder ends on SIGTERM"
wait_pid 5 "$W"
is "$?" 0 "-W: the waiter goes on once the lock is released, and ends normally"
is "$(cat "$T_TMP/wout" 2>/dev/null)" "data" "-W: its data was relayed"
ok "$(gone "$LK" && echo 0 || echo 1)" "-W: its lock is removed at exit"

# ---- removed at exit and on signals
for sig in TERM INT HUP; do
	bg_rw "$T_TMP/idle" "$DUCT" -L "$LK" -u STDIN /dev/null 2>/dev/null
	H=$BG_PID
	wait_for 5 test -s "$LK"
	kill -$sig "$H"
	wait_pid 5 "$H"
	ok "$(gone "$LK" && echo 0 || echo 1)" "-L: lock removed when duct ends on SIG$sig"
done
CAP_IN=$T_TMP/data cap 5 "$DUCT" -L "$LK" -u STDIN STDOUT
is "$RC:$OUT" "0:data" "-L: a normal run"
ok "$(gone "$LK" && echo 0 || echo 1)" "... lock removed at exit"

# ---- a stale lock: its pid is gone
sh -c 'exit 0' &
dead=$!
wait $dead
hdb "$dead" >"$LK"
cap 5 "$DUCT" -L "$LK" -u /dev/null /dev/null
is "$RC" 1 "-L on a stale lock: still refused (another tool's file is not removed silently)"
like "$ERR" "held by pid $dead, which is no longer running" "... the message says the holder is gone"
rm -f "$LK"

# ---- fork listener with -L: one lock for the whole run, not removed by the children
port=$(free_port)
bg "$DUCT" -L "$LK" "TCP-LISTEN:$port,reuseaddr,fork,bind=127.0.0.1" SYSTEM:'echo hi' 2>/dev/null
H=$BG_PID
wait_for 5 tcp_listening "$port"
cap 5 "$DUCT" -u "TCP:127.0.0.1:$port" STDOUT
cap 5 "$DUCT" -u "TCP:127.0.0.1:$port" STDOUT
is "$OUT" "hi" "-L with a fork listener serves connections"
is "$(cat "$LK" 2>/dev/null)" "$(hdb "$H")" "... the lock stays, with the listener's pid, after sessions end"
kill -TERM "$H"
wait_pid 5 "$H"
ok "$(gone "$LK" && echo 0 || echo 1)" "... removed when the listener ends"

# ---- lockfile= / waitlock= on an address
ALK=$T_TMP/addr.lock
bg_rw "$T_TMP/idle" "$DUCT" -u "STDIN,lockfile=$ALK" /dev/null 2>/dev/null
H=$BG_PID
wait_for 5 test -s "$ALK"
ok $? "lockfile=: created when the address opens"
is "$(cat "$ALK")" "$(hdb "$H")" "lockfile=: holds the pid"
cap 5 "$DUCT" -u "OPEN:/dev/null,lockfile=$ALK" /dev/null
is "$RC" 1 "lockfile= held: the open fails"
like "$ERR" "lockfile=$ALK: the lock file exists \\(held by pid $H\\); use waitlock= to wait for it" "... with a message naming the holder and waitlock="
bg_in "$T_TMP/data" "$DUCT" -u "STDIN,waitlock=$ALK" "OPEN:$T_TMP/aout,creat" 2>/dev/null
W=$BG_PID
ok "$(wait_for 2 test -s "$T_TMP/aout" && echo 1 || echo 0)" "waitlock=: waits while held"
kill -TERM "$H"
wait_pid 5 "$H"
wait_pid 5 "$W"
is "$?:$(cat "$T_TMP/aout" 2>/dev/null)" "0:data" "waitlock=: goes on once the lock is released"
ok "$(gone "$ALK" && echo 0 || echo 1)" "lockfile=/waitlock=: removed at exit"
# waitlock= while the loop runs (address 2): SIGTERM still ends duct
bg_rw "$T_TMP/idle" "$DUCT" -u "STDIN,lockfile=$ALK" /dev/null 2>/dev/null
H=$BG_PID
wait_for 5 test -s "$ALK"
bg "$DUCT" -d -d -d -lf "$T_TMP/wl.log" -u /dev/zero "OPEN:/dev/null,waitlock=$ALK"
W=$BG_PID
wait_for 5 log_has "$T_TMP/wl.log" 'waiting for lock'
ok $? "waitlock= on address 2: logs that it waits (-d -d -d)"
kill -TERM "$W"
wait_pid 5 "$W"
is "$?" 143 "SIGTERM ends a duct waiting in waitlock= (143)"
is "$(cat "$ALK")" "$(hdb "$H")" "... and the holder's lock is left alone"
kill -TERM "$H"
wait_pid 5 "$H"
ok "$(gone "$ALK" && echo 0 || echo 1)" "lockfile=: removed when its holder ends on SIGTERM"

# ---- the serial line idiom: FILE:/dev/ttyS0,nonblock,waitlock=...,b115200,raw,echo=0
DEV=$T_TMP/ttyS
bg "$DUCT" "pty,rawer,link=$DEV" PIPE 2>/dev/null
PLUG=$BG_PID
wait_for 5 test -c "$DEV"
line="FILE:$(readlink "$DEV"),nonblock,waitlock=$LK,b115200,raw,echo=0"
bg_rw "$T_TMP/idle" "$DUCT" -u STDIN "$line" 2>/dev/null
H=$BG_PID
wait_for 5 test -s "$LK"
ok $? "a serial line opened with waitlock= takes the lock"
printf 'AT\r\n' >"$T_TMP/at"
bg_in "$T_TMP/at" "$DUCT" -d -d -d -lf "$T_TMP/line2.log" -u STDIN "$line"
W=$BG_PID
wait_for 5 log_has "$T_TMP/line2.log" "waiting for lock \"$LK\" \\(held by pid $H\\)"
ok $? "a second user of the line waits for the lock (and says who holds it)"
kill -0 "$W" 2>/dev/null
ok $? "... still waiting"
kill -TERM "$H"
wait_pid 5 "$H"
wait_pid 5 "$W"
is "$?" 0 "... takes the line when the first one ends, and ends normally"
like "$(cat "$T_TMP/line2.log")" "obtained lock \"$LK\"" "... having obtained the lock"
ok "$(gone "$LK" && echo 0 || echo 1)" "the line's lock is removed at the end"
kill_group "$PLUG"
wait_pid 5 "$PLUG"

# clients_in_a_row WORD N: N clients one after another send WORD1..WORDN to $port; sets $served
# to "rc:reply " for each, waiting for the lock to go after every session
clients_in_a_row() {
	served=""
	for i in $(seq "$2"); do
		printf '%s%s\n' "$1" "$i" >"$T_TMP/ping"
		CAP_IN=$T_TMP/ping cap 8 "$DUCT" -t 1 - "TCP:127.0.0.1:$port"
		served="$served$RC:$OUT "
		wait_for 5 gone "$LK"
	done
}

# ---- issue 15: a fork listener in front of the line (the serial-port idiom). Each session's
# lock goes when that session ends: the next client is served, not left waiting for good.
bg "$DUCT" "pty,rawer,link=$DEV" PIPE 2>/dev/null
PLUG=$BG_PID
wait_for 5 test -c "$DEV"
port=$(free_port)
bg "$DUCT" -d -d -d -lf "$T_TMP/fl.log" "TCP-LISTEN:$port,reuseaddr,fork,bind=127.0.0.1" \
	"FILE:$(readlink "$DEV"),nonblock,waitlock=$LK,b115200,raw,echo=0"
FL=$BG_PID
wait_for 5 tcp_listening "$port"
clients_in_a_row ping 4
is "$served" "0:ping1 0:ping2 0:ping3 0:ping4 " "fork listener, waitlock= on the line: four clients in a row all get through"
ok "$(gone "$LK" && echo 0 || echo 1)" "... the lock is released when each session ends (listener still running)"
# two at once: the second waits for the first session's lock, then gets the line
bg_rw "$T_TMP/idle" "$DUCT" -u - "TCP:127.0.0.1:$port" 2>/dev/null
A=$BG_PID
wait_for 5 test -s "$LK"
ok $? "... a first client holds the line's lock"
printf 'second\n' >"$T_TMP/second"
bg_in "$T_TMP/second" "$DUCT" -t 10 - "TCP:127.0.0.1:$port" >"$T_TMP/second.out" 2>/dev/null
B=$BG_PID
wait_for 5 log_has "$T_TMP/fl.log" 'waiting for lock'
ok $? "... a second client's session waits for it"
ok "$(wait_for 1 test -s "$T_TMP/second.out" && echo 1 || echo 0)" "... and is not served meanwhile"
kill -0 "$FL" 2>/dev/null
ok $? "... while the listener goes on"
kill_group "$A"
wait_pid 5 "$A" >/dev/null
wait_pid 8 "$B"
is "$?:$(cat "$T_TMP/second.out")" "0:second" "... served once the first session ended"
kill -TERM "$FL"
wait_pid 5 "$FL"
is "$?" 143 "the listener ends on SIGTERM"
ok "$(gone "$LK" && echo 0 || echo 1)" "... no lock left behind"

# lockfile= on the line of a fork listener: sessions in a row each take and release it
port=$(free_port)
bg "$DUCT" "TCP-LISTEN:$port,reuseaddr,fork,bind=127.0.0.1" \
	"FILE:$(readlink "$DEV"),nonblock,lockfile=$LK,raw,echo=0" 2>/dev/null
FL=$BG_PID
wait_for 5 tcp_listening "$port"
clients_in_a_row lf 3
is "$served" "0:lf1 0:lf2 0:lf3 " "fork listener, lockfile= on the line: three clients in a row all get through"
ok "$(gone "$LK" && echo 0 || echo 1)" "... the lock is released when each session ends"
kill -TERM "$FL"
wait_pid 5 "$FL"
kill_group "$PLUG"
wait_pid 5 "$PLUG"

done_testing
