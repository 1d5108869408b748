#!/usr/bin/env bash
# Issue 8 (faults): the fd limit hit under load. A forking listener runs with `ulimit -n 40`
# (about 15 EXEC:cat sessions fit) and 100 clients connect at once, each sending a line and
# waiting for its echo. The listener must survive, stop accepting while it has no fds for a
# session (the connections wait in the backlog instead of being accepted and dropped), and
# serve every client as earlier ones finish; afterwards its fd count is back where it started.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have python3 || skip_all "python3 needed"

P=$(free_port)
bg bash -c "ulimit -n 40 && exec \"$DUCT\" -d TCP-LISTEN:$P,reuseaddr,fork,backlog=128 EXEC:cat 2>\"$T_TMP/log\""
L=$BG_PID
wait_for 10 tcp_listening "$P"
ok $? "listener up with ulimit -n 40"
# one session first: the engine keeps a pair of splice pipes cached after its first session
is "$(printf 'warm\n' | timeout -k 2 10 "$DUCT" - TCP:127.0.0.1:$P 2>&1)" warm "a first client is served"
wait_for 5 no_children "$L" # the first session ended and was reaped
fds0=$(ls /proc/$L/fd 2>/dev/null | wc -l)

cat >"$T_TMP/clients.py" <<'PY'
import socket, sys, threading, time
port, n = int(sys.argv[1]), int(sys.argv[2])
done, errs = [0], []
lock = threading.Lock()
def client(i):
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=40)
        msg = b"client %d\n" % i
        c.sendall(msg)
        got = b""
        while len(got) < len(msg):
            b = c.recv(100)
            if not b: break
            got += b
        time.sleep(0.3)  # hold the session a little so the limit is really hit
        c.close()
        if got == msg:
            with lock: done[0] += 1
        else:
            errs.append("client %d got %r" % (i, got))
    except Exception as e:
        errs.append("client %d: %s" % (i, e))
ts = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in ts: t.start()
for t in ts: t.join()
print(done[0])
for e in errs[:5]: print(e, file=sys.stderr)
PY
t0=$(date +%s)
served=$(timeout -k 2 60 python3 "$T_TMP/clients.py" "$P" 100 2>"$T_TMP/cerr")
is "$served" 100 "100 clients against a 40-fd listener: every one echoed ($(( $(date +%s) - t0 )) s)"
[ "$served" = 100 ] || diag "$(head -5 "$T_TMP/cerr")"
kill -0 "$L" 2>/dev/null
ok $? "the listener survived"
like "$(cat "$T_TMP/log")" "W accept\\(.*Too many open files; pausing accepts" "it said once that it paused accepting"
is "$(grep -c 'pausing accepts' "$T_TMP/log")" 1 "... only once"
unlike "$(cat "$T_TMP/log")" " E " "no session failed (no error line)"
# fds free up: a new client is served, and the listener holds no more fds than at the start
got=$(printf 'again\n' | timeout -k 2 10 "$DUCT" - TCP:127.0.0.1:$P 2>&1)
is "$got" "again" "after the load a new client is served"
wait_cond 5 'test "$(ls /proc/$L/fd 2>/dev/null | wc -l)" -le "$fds0"'
is "$(ls /proc/$L/fd 2>/dev/null | wc -l)" "$fds0" "listener's fd count back to $fds0"
zombies=$(ps -o stat= --ppid "$L" 2>/dev/null | grep -c Z)
is "$zombies" 0 "no zombie children"
kill_group "$L"
wait_pid 5 "$L" >/dev/null
done_testing
