#!/usr/bin/env bash
# Issue 8 (faults): 1,000 sessions through a forwarder (TCP-LISTEN,fork -> TCP) in front of an
# echo server (TCP-LISTEN,fork PIPE), 10 clients at a time, each session sending 1-20 kB and
# checking the echo. Afterwards: every session echoed, no zombie, and neither process holds
# more fds than after its first session, and (event loop) 1,000 more sessions leave the
# forwarder's RSS where it was (no per-session leak). Then the same with --fork-process (a process per
# session) and with an EXEC child per session, 1,000 sessions each.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have python3 || skip_all "python3 needed"

cat >"$T_TMP/clients.py" <<'PY'
import os, random, socket, sys, threading
port, total, par = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ok, bad = [0], []
lock = threading.Lock()
def worker(k):
    rnd = random.Random(k)
    for i in range(total // par):
        data = os.urandom(rnd.randint(1000, 20000))
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(data)
            c.shutdown(socket.SHUT_WR)
            got = bytearray()
            while True:
                b = c.recv(65536)
                if not b: break
                got += b
            c.close()
            if bytes(got) == data:
                with lock: ok[0] += 1
            else:
                bad.append("worker %d session %d: %d of %d bytes" % (k, i, len(got), len(data)))
        except Exception as e:
            bad.append("worker %d session %d: %s" % (k, i, e))
ts = [threading.Thread(target=worker, args=(k,)) for k in range(par)]
for t in ts: t.start()
for t in ts: t.join()
print(ok[0])
for b in bad[:5]: print(b, file=sys.stderr)
PY
ASAN_BUILD=$(readelf --dyn-syms -W "$DUCT" 2>/dev/null | grep -m1 -o __asan_init)
nfd() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
zombies() { ps -o stat= --ppid "$1" 2>/dev/null | grep -c Z; }
# sessions_done PID: PID has no session left: no child process, no connected TCP socket
sessions_done() { no_children "$1" && ! ss -Htnp state connected 2>/dev/null | grep -q "pid=$1,"; }
warm() { printf 'w\n' | timeout -k 2 10 "$DUCT" - TCP:127.0.0.1:$1 2>/dev/null; }

B=$(free_port)
bg "$DUCT" TCP-LISTEN:$B,reuseaddr,fork,backlog=64 PIPE 2>"$T_TMP/eb"
BE=$BG_PID
wait_for 10 tcp_listening "$B"

run_case() { # run_case DESC SESSIONS FORWARDER-OPTIONS... (the forwarder's addresses follow)
	local desc=$1 n=$2; shift 2
	local F
	F=$(free_port)
	bg "$DUCT" "$@" TCP-LISTEN:$F,reuseaddr,fork,backlog=64 "${FWD_TO:-TCP:127.0.0.1:$B}" 2>"$T_TMP/ef"
	local P=$BG_PID
	wait_for 10 tcp_listening "$F"
	is "$(warm "$F")" w "$desc: first session echoes"
	wait_for 5 sessions_done "$P" # the first session wound down on both sides
	wait_for 5 sessions_done "$BE"
	local f0 b0
	f0=$(nfd "$P"); b0=$(nfd "$BE")
	local t0=$SECONDS
	local got
	got=$(timeout -k 2 120 python3 "$T_TMP/clients.py" "$F" "$n" 10 2>"$T_TMP/cerr")
	is "$got" "$n" "$desc: $n sessions, all echoed byte-exact ($((SECONDS - t0)) s)"
	[ "$got" = "$n" ] || { diag "$(head -5 "$T_TMP/cerr")"; diag "forwarder: $(tail -5 "$T_TMP/ef")"; cp "$T_TMP/ef" "${KEEP_LOG:-/dev/null}" 2>/dev/null; }
	# sessions end asynchronously after the client saw EOF: allow them a moment to wind down
	wait_cond 5 'test "$(nfd "$P")" -le "$f0"'
	is "$(nfd "$P")" "$f0" "$desc: forwarder holds $f0 fds, as after its first session"
	wait_cond 5 'test "$(nfd "$BE")" -le "$b0"'
	is "$(nfd "$BE")" "$b0" "$desc: echo server holds $b0 fds, as before"
	wait_cond 5 'test "$(zombies "$P")" = 0'
	is "$(zombies "$P")" 0 "$desc: no zombie under the forwarder"
	is "$(zombies "$BE")" 0 "$desc: no zombie under the echo server"
	unlike "$(cat "$T_TMP/ef")" " E |runtime error|AddressSanitizer" "$desc: no error in the forwarder's log"
	if [ -n "${RSS_CHECK:-}" ] && [ -n "$ASAN_BUILD" ]; then
		skip "RSS over more sessions: a sanitizer build (ASan's quarantine keeps freed memory)"
	elif [ -n "${RSS_CHECK:-}" ]; then
		# a second batch must not grow the forwarder's memory: a leak of 1 kB per session
		# would show as 1 MB here (the first batch set the allocator's high-water mark)
		local r1 r2
		r1=$(awk '/^VmRSS/ {print $2}' "/proc/$P/status")
		got=$(timeout -k 2 120 python3 "$T_TMP/clients.py" "$F" "$n" 10 2>"$T_TMP/cerr")
		wait_for 5 sessions_done "$P" # the batch's sessions wound down
		r2=$(awk '/^VmRSS/ {print $2}' "/proc/$P/status")
		ok "$([ "$got" = "$n" ] && [ $((r2 - r1)) -lt 1024 ]; echo $?)" \
			"$desc: $n more sessions: RSS ${r1} kB -> ${r2} kB (less than 1 MB growth)"
	fi
	kill_group "$P"
	wait_pid 5 "$P" >/dev/null
}

RSS_CHECK=1 run_case "event loop" 1000
run_case "--fork-process" 1000 --fork-process
# -t 5: after the client's EOF socat's 0.5 s closing timeout runs until cat's first echo; a
# sanitizer build under a loaded CI machine once took longer to fork and start cat (3 of 1,000
# sessions came back empty, as socat's would). The fds and children are under test here, not -t.
FWD_TO="EXEC:cat" run_case "EXEC child per session" 1000 -t 5

done_testing
