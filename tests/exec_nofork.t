#!/usr/bin/env bash
# Issue 15, EXEC/SYSTEM: socktype= on the default socketpair (message boundaries kept),
# f-setpipe-sz with pipes (the user's size, not the engine's), and nofork: the second address's
# program exec'd in duct's place on the first address's fds (stdio, a READ!!WRITE first address,
# a program as the first address, -u/-U, a fork listener's connections in a row and at once, a
# process each; blocking fds, the signal mask, exit codes, refusals). Differential against
# socat 1.7.4 where it has the feature (socktype, nofork; 1.7.4 has no f-setpipe-sz).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed"
SOCAT=$(command -v socat || true)

# the child sleeps before reading, so a stream would hand it all three writes at once
cat >"$T_TMP/dg.py" <<'PY'
import socket, sys, time
s = socket.socket(fileno=0)
time.sleep(0.6)
out = []
for _ in range(3):
    out.append(s.recv(100))
s.send(b"|".join(out) + b"\n")
PY
for t in 2 5; do
	# the pauses split the input into separate writes (under test: datagram boundaries); not readiness waits
	capsh 10 "(printf aaa; sleep 0.1; printf bb; sleep 0.1; printf c; sleep 1) | \"\$DUCT\" - EXEC:'python3 $T_TMP/dg.py',socktype=$t"
	is "$RC:$OUT" "0:aaa|bb|c" "EXEC socktype=$t: each write reaches the program as one message"
	if have socat; then
		capsh 10 "(printf aaa; sleep 0.1; printf bb; sleep 0.1; printf c; sleep 1) | socat - EXEC:'python3 $T_TMP/dg.py',socktype=$t"
		is "$RC:$OUT" "0:aaa|bb|c" "socat 1.7.4 does the same (socktype=$t)"
	else
		skip "socat not installed"
	fi
done
capsh 10 "\"\$DUCT\" - SYSTEM:'cat',socktype=7"
isnt "$RC" 0 "socktype=7: refused"
like "$ERR" 'SYSTEM: socketpair\(AF_UNIX, 7, 0\).*socktype= takes' "the error names the call and the values"

cat >"$T_TMP/psz.py" <<'PY'
import fcntl, sys
F_GETPIPE_SZ = 1032
sys.stdout.write(sys.stdin.read().strip() + " %d %d\n" % (fcntl.fcntl(0, F_GETPIPE_SZ), fcntl.fcntl(1, F_GETPIPE_SZ)))
PY
capsh 10 "echo hi | \"\$DUCT\" -t 5 - EXEC:'python3 $T_TMP/psz.py',pipes,f-setpipe-sz=8192"
is "$RC:$OUT" "0:hi 8192 8192" "EXEC pipes,f-setpipe-sz=8192: both pipes keep the user's size"
capsh 10 "echo hi | \"\$DUCT\" -t 5 - SYSTEM:'python3 $T_TMP/psz.py',pipes,pipesz=4096"
is "$RC:$OUT" "0:hi 4096 4096" "SYSTEM pipes,pipesz=4096 (the alias) as well"

# ---------------------------------------------------------------- nofork
# same SECS DESC 'SHELL TEXT' [WANT]: run the text with $P as duct, then as socat 1.7.4; the exit
# code and stdout ("RC:OUT") must be WANT (when given) and socat's
same() {
	local secs=$1 desc=$2 text=$3 want=${4-} got
	export P=$DUCT
	capsh "$secs" "$text"
	got="$RC:$OUT"
	D_ERR=$ERR
	[ -n "$want" ] && is "$got" "$want" "$desc"
	if [ -n "$SOCAT" ]; then
		P=$SOCAT capsh "$secs" "$text"
		is "$got" "$RC:$OUT" "$desc: as socat 1.7.4"
	else
		skip "socat not installed"
	fi
}
same 10 "- EXEC:cat,nofork: cat gets stdin and stdout and echoes" \
	"printf 'hello\nworld\n' | \"\$P\" - EXEC:cat,nofork" "0:hello
world"
same 10 "SYSTEM:'exit 3',nofork: the program's exit code is duct's" "\"\$P\" - SYSTEM:'exit 3',nofork </dev/null" "3:"
same 10 "EXEC of a missing program with nofork: exit 1" "\"\$P\" - EXEC:/nonexistent/prog,nofork </dev/null" "1:"
like "$D_ERR" 'E execvp\("/nonexistent/prog"\): No such file or directory' "the failed execvp is logged"
capsh 10 "echo hi | \"\$DUCT\" -d -d - EXEC:cat,nofork"
got="$RC:$OUT:$(norm_log <"$T_TMP/cap.err")"
is "$got" "0:hi:N reading from and writing to stdio
N execvp'ing \"cat\"" "-d -d: the log says what is exec'd, before the exec"
if [ -n "$SOCAT" ]; then
	cap 10 bash -c "echo hi | \"$SOCAT\" -d -d - EXEC:cat,nofork"
	is "$got" "$RC:$OUT:$(norm_log <"$T_TMP/cap.err")" "the same log as socat 1.7.4"
else
	skip "socat not installed"
fi

# -u: the program reads address 1 and keeps duct's stdout; -U: it writes to address 1 and keeps
# duct's stdin
printf 'hi\n' >"$T_TMP/in"
same 10 "-u FILE EXEC nofork: stdin is the file, stdout stays duct's" \
	"\"\$P\" -u OPEN:\$T_TMP/in SYSTEM:'read l; echo got \$l',nofork" "0:got hi"
same 10 "-U FILE EXEC nofork: stdout is the file, stdin stays duct's" \
	"rm -f \$T_TMP/u; echo kept | \"\$P\" -U OPEN:\$T_TMP/u,creat SYSTEM:'cat; echo out',nofork; cat \$T_TMP/u" "0:kept
out"
same 10 "a READ!!WRITE first address: its read half is stdin, its write half stdout" \
	"rm -f \$T_TMP/o; \"\$P\" OPEN:\$T_TMP/in!!OPEN:\$T_TMP/o,creat SYSTEM:'read l; echo got \$l',nofork; cat \$T_TMP/o" "0:got hi"
# a program as the first address: the two programs talk directly, and the first one's child
# outlives duct (this one waits for its answer, so nothing races duct's end)
cat >"$T_TMP/talk.sh" <<'SH'
#!/bin/sh
read l; echo "got $l"; read m; echo "$m" >&2
SH
chmod +x "$T_TMP/talk.sh"
same 10 "a program as the first address: the nofork program talks to it directly" \
	"\"\$P\" SYSTEM:'echo hi; read r; echo first read \$r' EXEC:\$T_TMP/talk.sh,nofork 2>&1" "0:first read got hi"

# fork listener: every connection gets a process of its own that becomes the program; the
# program's PPID is the listener, which keeps listening
cat >"$T_TMP/ids.sh" <<'SH'
#!/bin/sh
read l; echo "$l $$ $PPID"
SH
chmod +x "$T_TMP/ids.sh"
cat >"$T_TMP/conn.py" <<'PY'
import select, socket, sys, time
port, msgs = int(sys.argv[1]), sys.argv[2:]
socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in msgs]
for s, m in zip(socks, msgs):
    s.sendall(m.encode() + b"\n")
out, done, end = {s: b"" for s in socks}, set(), time.time() + 5
while len(done) < len(socks) and time.time() < end:
    r, _, _ = select.select([s for s in socks if s not in done], [], [], max(0, end - time.time()))
    for s in r:
        d = s.recv(200)
        out[s] += d
        if not d or b"\n" in out[s]:
            done.add(s)
print("\n".join(out[s].decode().strip() or "-" for s in socks))
PY
# forked PROG: clients a, b in a row, then c and d at once; prints what each process was
forked() {
	local log="$T_TMP/fork.$RANDOM" lines pids="" res=""
	start_server "$log" "$1" -d -d TCP-LISTEN:0,fork,reuseaddr EXEC:"$T_TMP"/ids.sh,nofork
	local lp=$BG_PID
	[ -n "$PORT" ] || { echo "not listening"; return; }
	lines="$(run_to 10 python3 "$T_TMP/conn.py" "$PORT" a)
$(run_to 10 python3 "$T_TMP/conn.py" "$PORT" b)
$(run_to 10 python3 "$T_TMP/conn.py" "$PORT" c d)"
	while read -r m pid ppid; do
		[ "$ppid" = "$lp" ] && [ "$pid" != "$lp" ] && res="$res $m:own-process" || res="$res $m:pid=$pid,ppid=$ppid(listener $lp)"
		pids="$pids $pid"
	done <<<"$lines"
	[ "$(printf '%s\n' $pids | sort -u | wc -l)" = 4 ] && res="$res distinct"
	kill -0 "$lp" 2>/dev/null && tcp_listening "$PORT" && res="$res listening"
	res="$res $(grep -c 'forked off child process' "$log")forks"
	stop "$lp"
	echo "${res# }"
}
got=$(forked "$DUCT")
is "$got" "a:own-process b:own-process c:own-process d:own-process distinct listening 4forks" \
	"TCP-LISTEN,fork EXEC nofork: two clients in a row and two at once, each its own process exec'ing the program; the listener lives on"
if [ -n "$SOCAT" ]; then
	is "$got" "$(forked "$SOCAT")" "the same with socat 1.7.4"
else
	skip "socat not installed"
fi

# what the program gets: the accepted socket itself as stdin, in blocking mode
cat >"$T_TMP/blk.py" <<'PY'
import os, sys
sys.stdin.readline()
os.write(1, b"%r %r\n" % (os.get_blocking(0), os.get_blocking(1)))
PY
# served PROG ADDR2: one client sends a line through a one-shot listener; prints the reply
served() {
	local log="$T_TMP/one.$RANDOM"
	start_server "$log" "$1" -d -d TCP-LISTEN:0,reuseaddr "$2"
	local lp=$BG_PID
	[ -n "$PORT" ] || { echo "not listening"; return; }
	run_to 10 python3 "$T_TMP/conn.py" "$PORT" x
	wait_pid 5 "$lp"
	echo "exit $?"
}
for a2 in "SYSTEM:stat -L -c %F /dev/stdin,nofork" "EXEC:python3 $T_TMP/blk.py,nofork"; do
	got=$(served "$DUCT" "$a2")
	case $a2 in
	SYSTEM*) is "$got" "socket
exit 0" "the program's stdin is the accepted socket ($a2)" ;;
	*) is "$got" "True True
exit 0" "the program's stdin and stdout are blocking ($a2)" ;;
	esac
	if [ -n "$SOCAT" ]; then
		is "$got" "$(served "$SOCAT" "$a2")" "the same with socat 1.7.4"
	else
		skip "socat not installed"
	fi
done
capsh 10 "echo | \"\$DUCT\" - EXEC:'python3 $T_TMP/blk.py',nofork"
is "$RC:$OUT" "0:True True" "stdio made non-blocking by duct is blocking again for the program"
# signals: the mask duct was started with, and the default action for what duct (or a script
# starting it in the background) ignored; socat 1.7.4 leaves SIGPIPE ignored here
capsh 10 "trap '' INT QUIT PIPE; base=\$(grep SigBlk /proc/self/status); \"\$DUCT\" - EXEC:grep\ -e\ SigBlk\ -e\ SigIgn\ /proc/self/status,nofork </dev/null >\$T_TMP/sig; echo \"\$base\"; cat \$T_TMP/sig"
blk=$(printf '%s\n' "$OUT" | sed -n 1p); pblk=$(printf '%s\n' "$OUT" | grep SigBlk | sed -n 2p)
ign=$(printf '%s\n' "$OUT" | awk '/SigIgn/ {print $2}')
is "$RC:$pblk" "0:$blk" "the program's signal mask is the one duct started with"
is "$(( 0x${ign:-ffff} & 0x5007 ))" 0 "HUP INT QUIT PIPE TERM have their default action in the program"

# refused
same 10 "nofork on the first address is not allowed" "echo hi | \"\$P\" EXEC:cat,nofork -" "1:"
like "$ERR" 'option nofork is not allowed here' "socat's words"
capsh 10 "echo hi | \"\$DUCT\" EXEC:cat,nofork -"
like "$ERR" 'E EXEC: option nofork is not allowed here: only the second address' "duct says which address may"
capsh 10 "echo hi | \"\$DUCT\" - EXEC:cat,nofork,pty"
is "$RC:$OUT" "1:" "pty with nofork: refused"
like "$ERR" 'E EXEC: option "pty" does not combine with nofork: .*\(remove pty, or nofork\)' "the message names the option and what to do"
capsh 10 "echo hi | \"\$DUCT\" - SYSTEM:cat,nofork,sighup"
like "$RC:$ERR" '^1:.*option "sighup" does not combine with nofork: the program runs in duct.s place' "sighup with nofork: refused"
capsh 10 "echo hi | \"\$DUCT\" -v - EXEC:cat,nofork"
like "$RC:$ERR" '^1:.*option -v does not combine with nofork on the second address .*remove -v or nofork' "-v with nofork: refused (socat ignores it)"
capsh 10 "echo hi | \"\$DUCT\" -,crnl EXEC:cat,nofork"
like "$RC:$ERR" '^1:.*option "crnl" of the first address acts on duct.s transfer' "a data-layer option on the first address: refused"
capsh 10 "echo hi | \"\$DUCT\" - 'EXEC:cat,nofork!!STDOUT'"
like "$RC:$ERR" '^1:.*nofork is not allowed in a READ!!WRITE address' "nofork in a dual address: refused"
done_testing
