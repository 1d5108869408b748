#!/usr/bin/env bash
# Core issue: EOF handling and its log sequence, -t, -T, -u/-U, exit codes, signals.
. "$(dirname "$0")/lib/tap.sh"
need_duct

printf abc >"$T_TMP/abc"
printf 'hi\n' >"$T_TMP/hi"
mkfifo "$T_TMP/idle"          # opened read-write: an stdin that never has data nor EOF
CAP_IN=$T_TMP/abc
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# events: the EOF/exit lines of a -d -d log, as "L text", fd numbers kept
events() { printf '%s\n' "$1" | norm_log | grep -E ' (is at EOF|exiting with status|exiting on signal|exit\()' ; }

block
# ---------------------------------------------------------------- EOF sequences at -d -d
cap 5 "$DUCT" -d -d -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-u STDIN STDOUT: data and exit 0"
is "$(events "$ERR")" "N socket 1 (fd 0) is at EOF
N exiting with status 0" "-u: EOF of socket 1 (fd 0), then exiting with status 0"
cap 5 "$DUCT" -d -d -U STDOUT STDIN
is "$RC:$OUT" "0:abc" "-U STDOUT STDIN: data and exit 0"
is "$(events "$ERR")" "N socket 2 (fd 0) is at EOF
N exiting with status 0" "-U: EOF of socket 2 (fd 0), then exit"
cap 5 "$DUCT" -d -d - EXEC:cat
ev=$(events "$ERR" | sed -E 's/\(fd [0-9]+\)/(fd N)/')
is "$RC:$OUT" "0:abc" "- EXEC:cat: data and exit 0"
is "$ev" "N socket 1 (fd N) is at EOF
N socket 2 (fd N) is at EOF
N exiting with status 0" "- EXEC:cat: stdin EOF, then the child's EOF, then exit"
like "$ERR" 'N socket 1 \(fd 0\) is at EOF' "STDIO's EOF is reported on fd 0"
cap 5 "$DUCT" -d -d - PIPE
ev=$(events "$ERR" | sed -E 's/\(fd [0-9]+\)/(fd N)/')
is "$ev" "N socket 1 (fd N) is at EOF
N socket 2 (fd N) is at EOF
N exiting with status 0" "- PIPE: EOF propagates through the pipe: 1 then 2, then exit"
like "$ERR" 'N starting data transfer loop with FDs \[0,1\] and \[[0-9]+,[0-9]+\]' "loop start line names the fds"
cap 5 "$DUCT" -d -d -u EXEC:'echo x' STDOUT
ev=$(events "$ERR" | sed -E 's/\(fd [0-9]+\)/(fd N)/')
is "$RC:$OUT:$ev" "0:x:N socket 1 (fd N) is at EOF
N exiting with status 0" "-u EXEC:'echo x' STDOUT: child's EOF then exit"

block
# ---------------------------------------------------------------- -t
CAP_IN=$T_TMP/hi
t0=$(now_ms)
# the sleeps in SYSTEM/EXEC commands below are the child under test taking its time (the -t/-T timers are what is tested), not readiness waits
cap 10 "$DUCT" - SYSTEM:'cat >/dev/null; sleep 2; echo answer'
el=$(( $(now_ms) - t0 ))
is "$RC:$OUT" "0:" "default -t 0.5: a child answering 2 s after stdin's EOF is cut off"
ok "$([ "$el" -lt 1500 ]; echo $?)" "default -t 0.5: ends well before 1.5 s (took ${el} ms)"
t0=$(now_ms)
cap 10 "$DUCT" -t 2 - SYSTEM:'cat >/dev/null; sleep 1; echo answer'
el=$(( $(now_ms) - t0 ))
is "$RC:$OUT" "0:answer" "-t 2 lets the child answer after stdin's EOF"
ok "$([ "$el" -lt 1900 ]; echo $?)" "-t 2: ends at the child's EOF, not after 2 s (took ${el} ms)"
t0=$(now_ms)
cap 10 "$DUCT" -t 0.1 - SYSTEM:'cat >/dev/null; sleep 0.6; echo answer'
el=$(( $(now_ms) - t0 ))
is "$RC:$OUT" "0:" "-t 0.1: answer after 0.6 s cut off"
ok "$([ "$el" -lt 500 ]; echo $?)" "-t 0.1: ends quickly (took ${el} ms)"
t0=$(now_ms)
cap 10 "$DUCT" -t 1.5 - SYSTEM:'cat >/dev/null; for i in 1 2 3; do sleep 0.6; echo $i; done'
el=$(( $(now_ms) - t0 ))
is "$RC:$OUT" "0:1
2
3" "-t is re-armed by every transfer (answers at 0.6/1.2/1.8 s all arrive with -t 1.5)"

block
# ---------------------------------------------------------------- -T
t0=$(now_ms)
capsh 10 'exec "$DUCT" -d -d -T 0.5 -u STDIN STDOUT 0<>"$T_TMP/idle"'
el=$(( $(now_ms) - t0 ))
is "$RC" 0 "-T 0.5 on an idle stream: exit 0"
like "$ERR" ' N inactivity timeout triggered' "-T: 'inactivity timeout triggered' logged"
ok "$([ "$el" -ge 400 ] && [ "$el" -lt 2000 ]; echo $?)" "-T 0.5 fires after about 0.5 s (took ${el} ms)"
t0=$(now_ms)
capsh 10 'exec "$DUCT" -T 0 -u STDIN STDOUT 0<>"$T_TMP/idle"'
el=$(( $(now_ms) - t0 ))
is "$RC" 0 "-T 0 (1.8: zero seconds): exit 0"
ok "$([ "$el" -lt 1000 ]; echo $?)" "-T 0 means zero, not 'no timeout' (took ${el} ms)"
capsh 10 'exec timeout 1 "$DUCT" -T -1 -u STDIN STDOUT 0<>"$T_TMP/idle"'
is "$RC" 124 "-T -1 means no timeout: still running after 1 s"
# activity re-arms -T: data every 0.3 s with -T 0.8 keeps it alive
CAP_IN=/dev/null
cap 10 "$DUCT" -T 0.8 -u SYSTEM:'for i in 1 2 3 4; do echo $i; sleep 0.3; done; sleep 5' STDOUT
is "$RC:$(printf '%s' "$OUT" | tr '\n' ' ')" "0:1 2 3 4" "-T is re-armed by traffic, fires after the data stops"

block
# ---------------------------------------------------------------- -u / -U
CAP_IN=$T_TMP/abc
t0=$(now_ms)
cap 10 "$DUCT" -u STDIN SYSTEM:'cat >"$T_TMP/u.out"; sleep 5'
el=$(( $(now_ms) - t0 ))
is "$(cat "$T_TMP/u.out" 2>/dev/null)" "abc" "-u STDIN SYSTEM: data reaches the child"
rm -f "$T_TMP/u3.out"
cap 10 "$DUCT" -u STDIN SYSTEM:'cat >"$T_TMP/u3.out"'
is "$RC:$(cat "$T_TMP/u3.out" 2>/dev/null)" "0:abc" "-u STDIN SYSTEM:'cat >file': the child gets to finish (file complete when duct exits)"
cap 10 "$DUCT" -u STDIN EXEC:"tee $T_TMP/u4.out"
is "$RC:$OUT:$(cat "$T_TMP/u4.out" 2>/dev/null)" "0:abc:abc" "-u STDIN EXEC:'tee file': the child gets to finish"
ok "$([ "$el" -lt 3000 ]; echo $?)" "-u: EOF on the read side ends the loop without waiting for the child (took ${el} ms)"
cap 5 "$DUCT" -u STDIN PIPE
is "$RC:$OUT" "0:" "-u STDIN PIPE: second address write-only, nothing echoed to stdout"
cap 5 "$DUCT" -U PIPE STDIN
is "$RC:$OUT" "0:" "-U PIPE STDIN: first address write-only"
cap 5 "$DUCT" -u SYSTEM:'echo out' STDOUT
is "$RC:$OUT" "0:out" "-u SYSTEM STDOUT: child output relayed"

block
# ---------------------------------------------------------------- exit codes of children
CAP_IN=/dev/null
cap 5 "$DUCT" - EXEC:false
is "$RC" 1 "EXEC:false: exit 1"
like "$ERR" 'exited with status 1' "EXEC:false: child status logged"
cap 5 "$DUCT" - EXEC:true
is "$RC" 0 "EXEC:true: exit 0"
cap 5 "$DUCT" - SYSTEM:'exit 7'
is "$RC" 1 "SYSTEM:'exit 7': exit 1"
cap 5 "$DUCT" -u SYSTEM:'kill -9 $$' STDOUT
is "$RC" 1 "child killed by a signal: exit 1"
cap 5 "$DUCT" -u SYSTEM:'echo data; exit 2' STDOUT
is "$RC:$OUT" "1:data" "child output is delivered before the non-zero exit is reported"
CAP_IN=$T_TMP/abc
# the child under test lives a while, then exits 0 (not a readiness wait)
cap 5 "$DUCT" - SYSTEM:'sleep 0.3'
is "$RC" 1 "1.8 rule: child exits without reading its input: ECONNRESET is an error, exit 1"
like "$ERR" ' E .*(Connection reset by peer|Broken pipe)' "1.8 rule: the reset is logged as E"
cap 5 "$DUCT" -s -u OPEN:"$T_TMP/nonexistent" STDOUT
is "$RC" 255 "-s: a failed open ends with status -1 (255)"

block
# ---------------------------------------------------------------- signals
sig_run() { # sig_run SIGNAL EXTRA-ARGS...: start an idle duct, signal it once it runs; sets SRC, SERR
	local sig=$1; shift
	rm -f "$T_TMP/sig.err"
	bg_rw "$T_TMP/idle" "$DUCT" -d -d "$@" -u STDIN STDOUT >/dev/null 2>"$T_TMP/sig.err"
	local p=$BG_PID
	wait_for 5 log_has "$T_TMP/sig.err" 'starting data transfer loop'
	kill -"$sig" "$p" 2>/dev/null
	wait_pid 5 "$p" 2>/dev/null; SRC=$?
	SERR=$(cat "$T_TMP/sig.err")
}
sig_run TERM
is "$SRC" 143 "SIGTERM: exit 143"
like "$SERR" ' W exiting on signal 15' "SIGTERM: 'W exiting on signal 15'"
like "$SERR" ' N exit\(143\)' "SIGTERM: 'N exit(143)' at -d -d"
sig_run INT
is "$SRC" 130 "SIGINT: exit 130"
like "$SERR" 'exiting on signal 2' "SIGINT: logged"
sig_run HUP
is "$SRC" 129 "SIGHUP: exit 129"
sig_run QUIT
is "$SRC" 131 "SIGQUIT (in the default -S mask): exit 131"
sig_run TERM -S 0
is "$SRC" 143 "-S 0, SIGTERM: the process dies by the signal (shell sees 143)"
unlike "$SERR" 'exiting on signal' "-S 0: the signal is not caught/logged"
sig_run USR2
is "$SRC" 140 "SIGUSR2 (not in the mask): default action, 140"
# a signal while an address is still opening (a FIFO without a writer blocks in open())
mkfifo "$T_TMP/nowriter"
rm -f "$T_TMP/sig.err"
bg "$DUCT" -d -d -u PIPE:"$T_TMP/nowriter" STDOUT >/dev/null 2>"$T_TMP/sig.err"
p=$BG_PID
wait_for 5 log_has "$T_TMP/sig.err" 'nowriter'
wait_for 5 blocked_in "$p" 'wait_for_partner|fifo' # inside open(2)
kill -TERM "$p" 2>/dev/null
wait_pid 3 "$p"; r=$?
is "$r" 143 "SIGTERM while opening a FIFO without a writer: exit 143 (got $r; 124 = still alive after 3 s, killed)"
# no orphan child after SIGTERM
# term_with_child KIND ADDRESS GONE-TEXT: SIGTERM to duct serving a program: exit 143, and the
# program is gone too. The programs sleep 30: a child that stays (under test: it must be gone
# after SIGTERM), not a wait.
term_with_child() {
	rm -f "$T_TMP/sig.err"
	bg_rw "$T_TMP/idle" "$DUCT" -d -d - "$2" >/dev/null 2>"$T_TMP/sig.err"
	local p=$BG_PID r cpid
	wait_for 5 log_has "$T_TMP/sig.err" 'starting data transfer loop'
	cpid=$(sed -nE 's/.*forked off child process ([0-9]+).*/\1/p' "$T_TMP/sig.err" | head -1)
	kill -TERM "$p"; wait_pid 5 "$p"; r=$?
	is "$r" 143 "SIGTERM with a $1 child: exit 143"
	ok "$([ -n "$cpid" ] && wait_for 3 sh -c "! kill -0 $cpid"; echo $?)" "SIGTERM with a $1 child: the child ($cpid) $3"
	[ -n "$cpid" ] && kill -9 "$cpid" 2>/dev/null
}
term_with_child SYSTEM "SYSTEM:exec sleep 30" "is gone too"
term_with_child EXEC "EXEC:sleep 30" "is killed too (socat does)"

block
# ------------------------------------- a reply, then the peer's close: FIN rides on the data
# The server's FIN is in before duct reads the last bytes (EPOLLRDHUP): duct doesn't read again
# for the EOF and sends the tail with MSG_MORE, its FIN right behind. A slow reader with small
# buffers makes those writes partial: every byte must still arrive, and promptly.
head -c 100000 /dev/urandom >"$T_TMP/reply"
H_REPLY=$(sha256_stdin <"$T_TMP/reply")
P1=$(free_port); P2=$(free_port)
bg "$DUCT" -u OPEN:"$T_TMP/reply" TCP4-LISTEN:"$P1",bind=127.0.0.1,reuseaddr
srv=$BG_PID
bg "$DUCT" -d -d -d TCP4-LISTEN:"$P2",bind=127.0.0.1,reuseaddr,sndbuf=4096 TCP4:127.0.0.1:"$P1" 2>"$T_TMP/fwd.err"
fwd=$BG_PID
wait_for 5 tcp_listening "$P1" && wait_for 5 tcp_listening "$P2"
got=$(timeout 10 python3 -c '
import hashlib, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
time.sleep(0.3)
h = hashlib.sha256()
t = time.monotonic()
while True:
    b = s.recv(4096)
    if not b:
        break
    h.update(b)
print(h.hexdigest(), "slow" if time.monotonic() - t > 2 else "prompt")
' "$P2")
is "$got" "$H_REPLY prompt" "reply + close through the forwarder to a slow reader: every byte, then EOF, without delay"
wait_pid 5 "$fwd"; r=$?
is "$r" 0 "the forwarder exits 0 after the reply"
wait_pid 5 "$srv"
ok "$(awk '/transferred [0-9]+ bytes/ { t = NR } /is at EOF/ && !e { e = NR } END { exit !(t && e > t) }' \
	"$T_TMP/fwd.err"; echo $?)" "the last transfer is logged before the first EOF"

block
# ------------------------------------- bytes already read are delivered, or the log says not
# eof-ends (nc -W's readpackets) ends the session at socket 1's EOF; what the other direction
# has read by then still goes out. The server lets duct fill its buffers, then sends one
# packet (the end) and reads everything: all duct read from the file, nothing dropped.
head -c 4000000 /dev/urandom >"$T_TMP/big"
got=$(timeout 20 python3 -c '
import fcntl, hashlib, socket, struct, subprocess, sys, termios, time
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
ls.bind(("127.0.0.1", 0)); ls.listen(1)
port = ls.getsockname()[1]
err = open(sys.argv[3], "w")
d = subprocess.Popen([sys.argv[1], "-d", "-d", "-d", "TCP4:127.0.0.1:%d,readpackets=1,eof-ends,sndbuf=8192" % port,
                      "OPEN:%s,rdonly!!OPEN:/dev/null,wronly" % sys.argv[2]], stderr=err)
c, _ = ls.accept()
last, still, t = -1, 0, time.monotonic()
while still < 5 and time.monotonic() - t < 5:   # until duct is blocked: our queue stops growing
    q = struct.unpack("i", fcntl.ioctl(c, termios.FIONREAD, b"\0\0\0\0"))[0]
    still = still + 1 if q == last and q > 0 else 0
    last = q
    time.sleep(0.02)
c.sendall(b"x")
n, h = 0, hashlib.sha256()
while True:
    b = c.recv(65536)
    if not b:
        break
    n += len(b); h.update(b)
with open(sys.argv[2], "rb") as f:
    want = hashlib.sha256(f.read(n)).hexdigest()
print("prefix" if h.hexdigest() == want else "corrupt", "cut" if n < 4000000 else "all", d.wait(timeout=10))
' "$DUCT" "$T_TMP/big" "$T_TMP/eofends.err")
is "$got" "prefix cut 0" "eof-ends with bytes in flight the other way: they arrive intact, the session ends, exit 0"
like "$(cat "$T_TMP/eofends.err")" 'ends the session \(eof-ends\)' "the session ended by eof-ends"
unlike "$(cat "$T_TMP/eofends.err")" 'not written' "nothing read was left unwritten"

# A peer that reads nothing until the inactivity timeout: the bytes duct holds are named.
got=$(timeout 20 python3 -c '
import socket, subprocess, sys
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
d = subprocess.Popen([sys.argv[1], "-T", "0.3", "-u", "OPEN:/dev/zero", "TCP4:127.0.0.1:%d" % ls.getsockname()[1]],
                     stderr=subprocess.PIPE, text=True)
c, _ = ls.accept()
err = d.stderr.read()
print(d.wait(timeout=10)); print(err)
' "$DUCT")
like "$got" '^0
.* W [0-9]+ bytes read from socket 1 were not written to socket 2: the session ended first' \
	"-T with a peer that reads nothing: a warning says how many bytes read were not written"

done_testing
