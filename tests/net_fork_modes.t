#!/usr/bin/env bash
# fork's three ways of serving connections: in the event loop (the default, no process per
# connection: tests/net_tcp.t), a process per connection when asked (--fork-process) or when an
# option changes the process (setuid, su, chroot ...), and N listener processes sharing the
# port through SO_REUSEPORT (--workers N).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
have python3 || skip_all "python3 not installed"

# clients PORT N HOLD: N concurrent connections, each sends its own bytes and reads them back;
# with HOLD the connections stay open until stdin closes (the test counts processes meanwhile).
cat >"$T_TMP/clients.py" <<'PY'
import socket, sys
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "hold"
socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(n)]
bad = 0
for i, s in enumerate(socks):
    msg = b"conn-%02d\n" % i
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        d = s.recv(100)
        if not d:
            break
        got += d
    bad += got != msg
print("bad=%d" % bad, flush=True)
if hold:
    sys.stdin.read()
for s in socks:
    s.close()
PY

# --- --fork-process: one process per connection, reaped afterwards
start_server "$T_TMP/fp.log" "$DUCT" -d -d --fork-process TCP-LISTEN:0,fork,reuseaddr PIPE
lp=$BG_PID
ok $([ -n "$PORT" ]; echo $?) "--fork-process listener is up"
mkfifo "$T_TMP/hold"
python3 "$T_TMP/clients.py" "$PORT" 5 hold <"$T_TMP/hold" >"$T_TMP/fp.out" &
cp=$!
exec 7>"$T_TMP/hold"
wait_for 10 grep -q "bad=" "$T_TMP/fp.out"
is "$(cat "$T_TMP/fp.out")" "bad=0" "--fork-process: each of 5 clients gets its own bytes back"
count5() { [ "$(children "$lp")" -eq 5 ]; }
wait_for 5 count5
is "$(children "$lp")" 5 "--fork-process: a process per open connection"
exec 7>&-
wait "$cp"
none() { [ "$(children "$lp")" -eq 0 ]; }
wait_for 10 none
is "$(children "$lp")" 0 "--fork-process: the connection processes ended with their connections"
is "$(zombies "$lp")" 0 "--fork-process: no zombie"
like "$(cat "$T_TMP/fp.log")" "forked off child process" "--fork-process: the fork is logged as socat does"
stop "$lp"
# socat's environment for a program in a per-connection process: PPID is the listener
start_server "$T_TMP/fpenv.log" "$DUCT" -d -d --fork-process TCP-LISTEN:0,fork,reuseaddr SYSTEM:'echo "$DUCT_PPID $DUCT_PID"'
lp=$BG_PID
got=$(run_to 5 "$DUCT" -u TCP:127.0.0.1:"$PORT" STDOUT </dev/null)
ok "$(set -- $got; [ "$1" = "$lp" ] && [ -n "$2" ] && [ "$2" != "$lp" ]; echo $?)" \
	"--fork-process: the program sees DUCT_PPID = the listener ($lp), DUCT_PID = its connection's process (got: $got)"
stop "$lp"

# --- an option that changes the process makes a process per connection by itself
if [ "$(id -u)" = 0 ]; then
	start_server "$T_TMP/su.log" "$DUCT" -d -d TCP-LISTEN:0,fork,reuseaddr,setuid=65534 SYSTEM:'id -u'
	lp=$BG_PID
	got=$(run_to 5 "$DUCT" -u TCP:127.0.0.1:"$PORT" STDOUT </dev/null)
	is "$got" "65534" "setuid= on a fork listener: the session runs as uid 65534"
	is "$(awk '/^Uid:/ {print $2}' /proc/"$lp"/status)" 0 "setuid= on a fork listener: the listener itself stays root"
	like "$(cat "$T_TMP/su.log")" "forked off child process" "setuid= on a fork listener: served in a process of its own"
	stop "$lp"
else
	skip "setuid= needs root"; skip "setuid= needs root"; skip "setuid= needs root"
fi

# --- --workers 2: two processes share the port
P=$(free_port tcp)
bg "$DUCT" --workers 2 TCP-LISTEN:"$P",fork,reuseaddr PIPE
wp=$BG_PID
wait_for 5 tcp_listening "$P"
two() { [ "$(ss -Htln "sport = :$P" | grep -c LISTEN)" -eq 2 ]; }
wait_for 5 two
is "$(ss -Htln "sport = :$P" | grep -c LISTEN)" 2 "--workers 2: two listening sockets on the port (SO_REUSEPORT)"
is "$(children "$wp")" 1 "--workers 2: one more worker process"
is "$(run_to 20 python3 "$T_TMP/clients.py" "$P" 40 go)" "bad=0" "--workers 2: 40 clients each get their own bytes back"
kill -TERM "$wp"; wait_pid 5 "$wp"; r=$?
is "$r" 143 "--workers 2: SIGTERM ends the parent with 143"
gone() { ! tcp_listening "$P"; }
wait_for 5 gone
ok $? "--workers 2: the workers end with it (port free)"
done_testing
