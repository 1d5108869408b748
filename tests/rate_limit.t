#!/usr/bin/env bash
# rate-limit= on an address and --rate-limit for the process (token buckets in
# src/relay/rate.c). Functional, with generous bounds: the precise numbers are measured by
# bench/rate_limit, not here. A limit of 256 KiB/s lets a tenth of a second's worth through
# at once, so 512 KiB takes about 1.9 s; the tests ask for >= 1.5 s.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 not installed"

head -c 524288 /dev/urandom >"$T_TMP/in512"
head -c 262144 /dev/urandom >"$T_TMP/in256"
sum_of() { md5sum <"$1" | cut -d' ' -f1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# clients PORT N: N connections at once, each reads to EOF; prints "ms=ELAPSED" (until the
# last one ends) and the md5 of each connection's bytes, one a line
cat >"$T_TMP/clients.py" <<'PY'
import hashlib, socket, sys, threading, time
port, n = int(sys.argv[1]), int(sys.argv[2])
sums = [None] * n
def get(i):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    h = hashlib.md5()
    while True:
        d = s.recv(65536)
        if not d:
            break
        h.update(d)
    s.close()
    sums[i] = h.hexdigest()
t0 = time.monotonic()
th = [threading.Thread(target=get, args=(i,)) for i in range(n)]
for t in th: t.start()
for t in th: t.join(25)
print("ms=%d" % ((time.monotonic() - t0) * 1000))
for x in sums: print(x)
PY

# 1. a file read at 256k/s into a pipe: the limit holds, the bytes arrive intact
t0=$(now_ms)
run_to 20 "$DUCT" -u "OPEN:$T_TMP/in512,rate-limit=256k" STDOUT >"$T_TMP/out1" 2>"$T_TMP/err1"
rc=$?
ms=$(( $(now_ms) - t0 ))
is "$rc" 0 "file -> pipe with rate-limit=256k: exit 0"
ok $([ "$ms" -ge 1500 ] && [ "$ms" -lt 15000 ]; echo $?) "512 KiB at 256k/s took >= 1.5 s (${ms} ms)"
is "$(sum_of "$T_TMP/out1")" "$(sum_of "$T_TMP/in512")" "file -> pipe: data intact"

# 2. TCP -> file, the limit on the socket (read in bulk: the buffered path promotes to splice)
start_server "$T_TMP/srv2" "$DUCT" -dd -u "TCP-LISTEN:0,bind=127.0.0.1,rate-limit=256k" "CREATE:$T_TMP/out2"
srv=$BG_PID
ok $([ -n "$PORT" ]; echo $?) "TCP listener with rate-limit= is up"
t0=$(now_ms)
run_to 20 "$DUCT" -u "OPEN:$T_TMP/in512" "TCP:127.0.0.1:$PORT"
wait_pid 20 "$srv" >/dev/null 2>&1
ms=$(( $(now_ms) - t0 ))
ok $([ "$ms" -ge 1500 ]; echo $?) "TCP -> file: 512 KiB at 256k/s took >= 1.5 s (${ms} ms)"
is "$(sum_of "$T_TMP/out2")" "$(sum_of "$T_TMP/in512")" "TCP -> file: data intact"

# 3. --rate-limit is shared: two in-loop fork sessions, 256 KiB each, 512 KiB together
start_server "$T_TMP/srv3" "$DUCT" -dd --rate-limit 256k "TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr" "OPEN:$T_TMP/in256"
srv=$BG_PID
ok $([ -n "$PORT" ]; echo $?) "fork listener with --rate-limit is up"
run_to 25 python3 "$T_TMP/clients.py" "$PORT" 2 >"$T_TMP/c3"
ms=$(sed -n 's/^ms=//p' "$T_TMP/c3")
ok $([ "${ms:-0}" -ge 1500 ]; echo $?) "--rate-limit 256k: two sessions of 256 KiB share it, >= 1.5 s (${ms} ms)"
want=$(sum_of "$T_TMP/in256")
is "$(grep -c "^$want\$" "$T_TMP/c3")" 2 "--rate-limit, in-loop fork: both sessions' data intact"
stop "$srv"

# 4. --fork-process: each connection's process has the whole limit to itself (documented):
# 384 KiB each at 256k/s take ~1.4 s side by side, ~2.9 s if they shared one allowance
head -c 393216 /dev/urandom >"$T_TMP/in384"
start_server "$T_TMP/srv4" "$DUCT" -dd --fork-process --rate-limit 256k "TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr" "OPEN:$T_TMP/in384"
srv=$BG_PID
ok $([ -n "$PORT" ]; echo $?) "--fork-process listener with --rate-limit is up"
run_to 25 python3 "$T_TMP/clients.py" "$PORT" 2 >"$T_TMP/c4"
ms=$(sed -n 's/^ms=//p' "$T_TMP/c4")
ok $([ "${ms:-0}" -ge 1000 ] && [ "${ms:-0}" -lt 2500 ]; echo $?) "--fork-process: a limit per process, two run side by side (1.0 s <= ${ms} ms < 2.5 s)"
want=$(sum_of "$T_TMP/in384")
is "$(grep -c "^$want\$" "$T_TMP/c4")" 2 "--fork-process: both sessions' data intact"
stop "$srv"

# 5. a datagram is never cut: UDP through a limit arrives whole
port=$(free_port udp)
bg "$DUCT" -u "UDP-RECV:$port,bind=127.0.0.1,rate-limit=1k" "CREATE:$T_TMP/out5"
srv=$BG_PID
wait_for 5 udp_bound "$port"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"x" * 3000, ("127.0.0.1", int(sys.argv[1])))' "$port"
wait_for 5 test -s "$T_TMP/out5"
is "$(wc -c <"$T_TMP/out5" | tr -d ' ')" 3000 "UDP: a 3000-byte datagram through rate-limit=1k arrives whole"
stop "$srv"

# 5b. max-conn-rate=3: nine clients at once are all served (none lost), over about three
# seconds (the fourth waits in the backlog for the second second): the last ends >= 1.5 s
cat >"$T_TMP/burst.py" <<'PY'
import socket, sys, threading, time
port, n = int(sys.argv[1]), int(sys.argv[2])
t0, res = time.monotonic(), []
def one():
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    got = b""
    while True:
        d = s.recv(100)
        if not d:
            break
        got += d
    res.append((time.monotonic() - t0, got))
th = [threading.Thread(target=one) for _ in range(n)]
for t in th: t.start()
for t in th: t.join(20)
print("served=%d ms=%d" % (sum(1 for _, g in res if g == b"hi\n"), max([t for t, _ in res] or [0]) * 1000))
PY
start_server "$T_TMP/srv5b" "$DUCT" -dd "TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,backlog=64,max-conn-rate=3" SYSTEM:"echo hi"
srv=$BG_PID
ok $([ -n "$PORT" ]; echo $?) "listener with max-conn-rate=3 is up"
out=$(run_to 25 python3 "$T_TMP/burst.py" "$PORT" 9)
like "$out" "served=9 " "max-conn-rate=3: all nine connections served ($out)"
ms=$(echo "$out" | sed -n 's/.*ms=//p')
ok $([ "${ms:-0}" -ge 1500 ]; echo $?) "max-conn-rate=3: nine connections took >= 1.5 s (${ms} ms)"
stop "$srv"
for bad in "TCP-LISTEN:0,bind=127.0.0.1,max-conn-rate=0" "TCP-LISTEN:0,bind=127.0.0.1,max-conn-rate=fast" \
	"UDP-LISTEN:0,bind=127.0.0.1,max-conn-rate=3" "TCP:127.0.0.1:1,max-conn-rate=3"; do
	run_to 5 "$DUCT" -u "$bad" STDOUT </dev/null >/dev/null 2>"$T_TMP/e5b"
	rc=$?
	ok $([ "$rc" -ne 0 ] && [ "$rc" -lt 124 ]; echo $?) "$bad: refused (exit $rc)"
	like "$(cat "$T_TMP/e5b")" "max-conn-rate" "$bad: the message names max-conn-rate"
done

# 5c. max-per-ip=2: two live sessions from 127.0.0.1, the third refused (and logged); once one
# ends the address is welcome again (retried, bounded: the end is noticed by the loop)
cat >"$T_TMP/perip.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def alive():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s.sendall(b"x\n")
        return s, s.recv(10) == b"x\n"
    except OSError:
        return s, False
a, ra = alive()
b, rb = alive()
c, rc = alive()
print("first=%d second=%d third=%d" % (ra, rb, rc))
c.close()
a.close()
end, rd = time.monotonic() + 5, False
while not rd and time.monotonic() < end:
    d, rd = alive()
    if not rd:
        d.close()
        time.sleep(0.05)
print("after_end=%d" % rd)
PY
start_server "$T_TMP/srv5c" "$DUCT" -dd "TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr,max-per-ip=2" SYSTEM:cat
srv=$BG_PID
ok $([ -n "$PORT" ]; echo $?) "listener with max-per-ip=2 is up"
out=$(run_to 20 python3 "$T_TMP/perip.py" "$PORT")
like "$out" "first=1 second=1 third=0" "max-per-ip=2: two sessions live, the third refused ($(echo $out))"
like "$out" "after_end=1" "max-per-ip=2: accepted again once a session ended"
ok $(log_has "$T_TMP/srv5c" "refusing connection from .*127\.0\.0\.1.*max-per-ip=2"; echo $?) "max-per-ip: the refusal is logged"
stop "$srv"
for bad in "TCP-LISTEN:0,bind=127.0.0.1,fork,max-per-ip=0" "UDP-LISTEN:0,bind=127.0.0.1,max-per-ip=1"; do
	run_to 5 "$DUCT" -u "$bad" STDOUT </dev/null >/dev/null 2>"$T_TMP/e5c"
	rc=$?
	ok $([ "$rc" -ne 0 ] && [ "$rc" -lt 124 ]; echo $?) "$bad: refused (exit $rc)"
	like "$(cat "$T_TMP/e5c")" "max-per-ip" "$bad: the message names max-per-ip"
done
run_to 5 "$DUCT" --fork-process "TCP-LISTEN:0,bind=127.0.0.1,fork,max-per-ip=2" SYSTEM:cat </dev/null >/dev/null 2>"$T_TMP/e5d"
rc=$?
ok $([ "$rc" -ne 0 ] && [ "$rc" -lt 124 ]; echo $?) "max-per-ip with --fork-process: refused, not ignored (exit $rc)"
like "$(cat "$T_TMP/e5d")" "max-per-ip=2: .*--fork-process" "max-per-ip with --fork-process: the message says why"

run_to 5 "$DUCT" "TCP-LISTEN:0,bind=127.0.0.1,fork,max-per-ip=2" "SYSTEM:cat,waitlock=$T_TMP/wl" </dev/null >/dev/null 2>"$T_TMP/e5e"
rc=$?
ok $([ "$rc" -ne 0 ] && [ "$rc" -lt 124 ]; echo $?) "max-per-ip with a second address that needs a process (waitlock): refused (exit $rc)"
like "$(cat "$T_TMP/e5e")" "max-per-ip: .*process of its own" "max-per-ip with waitlock on address 2: the message says why"
run_to 5 "$DUCT" --rate-limit 1M "TCP-LISTEN:0,bind=127.0.0.1" EXEC:cat,nofork </dev/null >/dev/null 2>"$T_TMP/e5f"
rc=$?
ok $([ "$rc" -ne 0 ] && [ "$rc" -lt 124 ]; echo $?) "--rate-limit with nofork (duct transfers nothing): refused (exit $rc)"
like "$(cat "$T_TMP/e5f")" "--rate-limit does not combine with nofork" "--rate-limit with nofork: the message says why"

# 6. bad rates: one line naming the option, exit non-zero, nothing relayed
for r in fast 0 -1 99999999999999999999999 5000G 1X 1kk ""; do
	run_to 5 "$DUCT" -u "OPEN:$T_TMP/in256,rate-limit=$r" STDOUT >"$T_TMP/o6" 2>"$T_TMP/e6"
	rc=$?
	ok $([ "$rc" -ne 0 ] && [ "$rc" -lt 124 ]; echo $?) "rate-limit=$r: refused (exit $rc)"
	like "$(cat "$T_TMP/e6")" "rate-limit=$r: " "rate-limit=$r: the message names the option"
	is "$(wc -l <"$T_TMP/e6" | tr -d ' ')" 1 "rate-limit=$r: one line"
	is "$(wc -c <"$T_TMP/o6" | tr -d ' ')" 0 "rate-limit=$r: nothing relayed"
done
for r in fast 0 -3 1T; do
	run_to 5 "$DUCT" --rate-limit "$r" -u "OPEN:$T_TMP/in256" STDOUT >"$T_TMP/o7" 2>"$T_TMP/e7"
	rc=$?
	ok $([ "$rc" -ne 0 ] && [ "$rc" -lt 124 ]; echo $?) "--rate-limit $r: refused (exit $rc)"
	like "$(cat "$T_TMP/e7")" "option --rate-limit: .*\"$r\"" "--rate-limit $r: the message names the option and the value"
done
run_to 5 "$DUCT" --rate-limit >/dev/null 2>"$T_TMP/e8"
ok $([ $? -ne 0 ]; echo $?) "--rate-limit without a value: refused"
like "$(cat "$T_TMP/e8")" "option --rate-limit" "--rate-limit without a value: the message names it"

done_testing
