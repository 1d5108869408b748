#!/usr/bin/env bash
# fork on the second address (issue 15, defect 3): address 1 is opened once, address 2 is a fork
# listener, and every connection it accepts is served with address 1, as socat's children are
# (each inherits address 1 and only closes its copy): EXEC:cat,end-close UNIX-LISTEN:S,fork,
# -U STDOUT TCP-LISTEN:P,fork,max-children=N, - TCP-LISTEN:P,fork. Each case runs the same
# clients against socat 1.7.4 (when installed) and duct and compares what they got.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 not installed"
SOCAT=""
have socat && SOCAT=$(command -v socat)

# together.py unix:PATH|tcp:PORT MSG...: one connection per MSG, all open at once; each sends
# its MSG line, then the replies are read from all of them (3 s at most) and printed sorted,
# space separated ("-" when none); with "-" as MSG the connection only sends, then closes.
cat >"$T_TMP/together.py" <<'PY'
import select, socket, sys, time
kind, where = sys.argv[1].split(":", 1)
msgs = sys.argv[2:]
def conn():
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(where)
    else:
        s = socket.create_connection(("127.0.0.1", int(where)), timeout=5)
    return s
socks = [conn() for _ in msgs]
for s, m in zip(socks, msgs):
    s.sendall(m.encode() + b"\n")
want = sum(1 for m in msgs)
got, buf, end = [], {s: b"" for s in socks}, time.time() + 3
while len(got) < want and time.time() < end:
    r, _, _ = select.select(socks, [], [], max(0, end - time.time()))
    for s in r:
        d = s.recv(100)
        if not d:
            socks.remove(s); continue
        buf[s] += d
        while b"\n" in buf[s]:
            line, buf[s] = buf[s].split(b"\n", 1); got.append(line.decode())
    if not socks:
        break
print(" ".join(sorted(got)) or "-")
PY

unix_up() { unix_listening "$1"; }
tcp_up() { tcp_listening "$1"; }

# rows PROG [OPTS] ADDR1: ADDR1 against a fork UNIX listener; three clients in a row, each
# sends mN and reports what came back; then whether the listener still serves ("alive")
rows() {
	local sock="$T_TMP/s.$RANDOM" out="" i
	bg "$@" UNIX-LISTEN:"$sock",fork >/dev/null
	local lp=$BG_PID
	wait_for 5 unix_up "$sock" || { kill_group "$lp"; echo "not listening"; return; }
	for i in 1 2 3; do
		out="$out|$(printf 'm%s\n' "$i" | run_to 5 "$DUCT" -t 1 - UNIX-CONNECT:"$sock" 2>/dev/null)"
	done
	kill -0 "$lp" 2>/dev/null && out="$out|alive"
	kill_group "$lp"; stop "$lp"
	echo "$out"
}
# together PROG [OPTS] ADDR1: two clients at once against a fork UNIX listener
together() {
	local sock="$T_TMP/t.$RANDOM"
	bg "$@" UNIX-LISTEN:"$sock",fork >/dev/null
	local lp=$BG_PID
	wait_for 5 unix_up "$sock" || { kill_group "$lp"; echo "not listening"; return; }
	run_to 10 python3 "$T_TMP/together.py" unix:"$sock" x y 2>&1
	kill_group "$lp"; stop "$lp"
}

R_rows_ec=(); R_rows_e=(); R_tog=(); R_out=(); R_mc=(); R_held=()
for prog in socat duct; do
	if [ "$prog" = socat ]; then P=$SOCAT; else P=$DUCT; fi
	[ -n "$P" ] || continue
	R_rows_ec[${#R_rows_ec[@]}]=$(rows "$P" EXEC:cat,end-close)
	R_rows_e[${#R_rows_e[@]}]=$(rows "$P" EXEC:cat)
	R_tog[${#R_tog[@]}]=$(together "$P" EXEC:cat,end-close)
done
n=$((${#R_rows_ec[@]} - 1))
is "${R_rows_ec[$n]}" "|m1|m2|m3|alive" "EXEC:cat,end-close UNIX-LISTEN:,fork: each of three clients in a row gets its line back from the one cat"
is "${R_rows_e[$n]}" "|m1|m2|m3|alive" "EXEC:cat UNIX-LISTEN:,fork: a connection's end does not shut the cat's channel down"
is "${R_tog[$n]}" "x y" "EXEC:cat,end-close UNIX-LISTEN:,fork: two clients at once are both served"
if [ -n "$SOCAT" ]; then
	is "${R_rows_ec[1]}" "${R_rows_ec[0]}" "EXEC:cat,end-close, clients in a row: as socat"
	is "${R_rows_e[1]}" "${R_rows_e[0]}" "EXEC:cat, clients in a row: as socat"
	is "${R_tog[1]}" "${R_tog[0]}" "EXEC:cat,end-close, two clients at once: as socat"
else
	skip "socat not installed"; skip "socat not installed"; skip "socat not installed"
fi

# --fork-process: a process per connection, which inherits address 1 (socat's way)
is "$(rows "$DUCT" --fork-process EXEC:cat,end-close)" "|m1|m2|m3|alive" "--fork-process: each client in a row is served by its own process with the one cat"
is "$(together "$DUCT" --fork-process EXEC:cat,end-close)" "x y" "--fork-process: two clients at once"

# -U STDOUT TCP-LISTEN:P,fork[,max-children=1]: every client's bytes reach stdout
# stdout_case PROG OUTFILE EXTRA [OPT]: three clients in a row, then two at once
stdout_case() {
	local p=$1 o=$2 port
	port=$(free_port)
	bg sh -c 'exec "$@" >"$0" 2>"$0.err"' "$o" "$p" ${4:-} -U STDOUT TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork$3
	local lp=$BG_PID
	wait_for 5 tcp_up "$port" || { echo "not listening"; return; }
	for i in 1 2 3; do printf 'c%s\n' "$i" | run_to 5 "$DUCT" -u - TCP:127.0.0.1:"$port" 2>/dev/null; done
	run_to 10 python3 - "$port" <<'PY'
import socket, sys
a = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
b = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
a.sendall(b"a\n"); b.sendall(b"b\n"); a.close(); b.close()
PY
	got5() { [ "$(wc -l <"$o")" -ge 5 ]; }
	wait_for 5 got5
	kill -0 "$lp" 2>/dev/null && alive=alive || alive=gone
	kill_group "$lp"; stop "$lp"
	echo "$(sort "$o" | tr '\n' ' ')$alive"
}
# held PROG OUTFILE: max-children=1: a second client waits until the first one ends
held() {
	local p=$1 o=$2 port
	port=$(free_port)
	bg sh -c 'exec "$@" >"$0" 2>"$0.err"' "$o" "$p" -U STDOUT TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork,max-children=1
	local lp=$BG_PID
	wait_for 5 tcp_up "$port" || { echo "not listening"; return; }
	run_to 10 python3 - "$port" "$o" <<'PY'
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
a = socket.create_connection(("127.0.0.1", port), timeout=5)
time.sleep(0.3)                      # a is being served
b = socket.create_connection(("127.0.0.1", port), timeout=5)
b.sendall(b"b\n"); b.close()
time.sleep(0.5)
mid = open(out).read().split()
a.sendall(b"a\n"); a.close()
end = time.time() + 3
while time.time() < end and len(open(out).read().split()) < 2:
    time.sleep(0.02)
print("while held: %s; after: %s" % (" ".join(mid) or "-", " ".join(open(out).read().split())))
PY
	kill_group "$lp"; stop "$lp"
}
R_rows_ec=(); R_rows_e=(); R_tog=(); R_out=(); R_mc=(); R_held=()
for prog in socat duct; do
	if [ "$prog" = socat ]; then P=$SOCAT; else P=$DUCT; fi
	[ -n "$P" ] || continue
	R_out[${#R_out[@]}]=$(stdout_case "$P" "$T_TMP/so.$prog" "")
	R_mc[${#R_mc[@]}]=$(stdout_case "$P" "$T_TMP/mc.$prog" ",max-children=2")
	R_held[${#R_held[@]}]=$(held "$P" "$T_TMP/held.$prog")
done
n=$((${#R_out[@]} - 1))
is "${R_out[$n]}" "a b c1 c2 c3 alive" "-U STDOUT TCP-LISTEN:,fork: three clients in a row and two at once all reach stdout"
is "${R_mc[$n]}" "a b c1 c2 c3 alive" "-U STDOUT TCP-LISTEN:,fork,max-children=2: the same"
is "${R_held[$n]}" "while held: -; after: a b" "max-children=1 on address 2: the second client is served after the first one ends"
unlike "$(cat "$T_TMP/so.duct.err" "$T_TMP/mc.duct.err" 2>/dev/null)" "fork-process|closing it" "no warning about a later connection"
if [ -n "$SOCAT" ]; then
	is "${R_out[1]}" "${R_out[0]}" "-U STDOUT TCP-LISTEN:,fork: as socat"
	is "${R_mc[1]}" "${R_mc[0]}" "max-children=2 on address 2: as socat"
	is "${R_held[1]}" "${R_held[0]}" "max-children=1 on address 2: as socat"
else
	skip "socat not installed"; skip "socat not installed"; skip "socat not installed"
fi
is "$(stdout_case "$DUCT" "$T_TMP/fp.duct" ",max-children=2" --fork-process)" "a b c1 c2 c3 alive" \
	"--fork-process -U STDOUT TCP-LISTEN:,fork,max-children=2: every client reaches stdout"

# - TCP-LISTEN:P,fork with stdin from a file: the first client reads it, the later ones find it
# at its end (one file offset, as socat's children share it); all clients' bytes reach stdout;
# accept-timeout ends the listener with status 0
stdin_case() {
	local p=$1 port out="" i rc
	port=$(free_port)
	printf 'hello\n' >"$T_TMP/in.txt"
	"$p" - TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork,accept-timeout=2 <"$T_TMP/in.txt" \
		>"$T_TMP/st.out" 2>/dev/null &
	local lp=$!
	track "$lp"
	wait_for 5 tcp_up "$port" || { echo "not listening"; return; }
	for i in 1 2 3; do
		out="$out|$(printf 'c%s\n' "$i" | run_to 5 "$DUCT" -t 0.5 - TCP:127.0.0.1:"$port" 2>/dev/null | tr '\n' ' ')"
	done
	wait_pid 10 "$lp"
	rc=$?
	echo "$out|$(tr '\n' ' ' <"$T_TMP/st.out")|rc=$rc"
}
d=$(stdin_case "$DUCT")
is "$d" "|hello |||c1 c2 c3 |rc=0" "- TCP-LISTEN:,fork: stdin's bytes go to the first client, every client's to stdout, exit 0"
if [ -n "$SOCAT" ]; then
	is "$d" "$(stdin_case "$SOCAT")" "- TCP-LISTEN:,fork: as socat (bytes per client, exit code)"
else
	skip "socat not installed"
fi

done_testing
