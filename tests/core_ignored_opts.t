#!/usr/bin/env bash
# Issue 15 B: options that were taken and then ignored now act as socat's: cool-write (EPIPE on
# write a notice, exit 0), fdout= in write-only / fdin= in read-only mode ("useless", exit 1),
# o-direct (page aligned buffers: reads no longer fail with EINVAL), SOCAT_DEFAULT_LISTEN_IP=6
# (listen on [::], dual stack, socat 1.8). Differential against the installed socat where it
# has the feature (-S is in tests/core_quiet.t).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
SOCAT=$(command -v socat || true)

head -c 300000 /dev/zero >"$T_TMP/zero"
# lines of a -d -d log that say how the write and the run ended
ends() { norm_log <"$1" | grep -E '^(E|N (write|socket [0-9] to|exit|exiting with))' | sed -E 's/write\([0-9]+, [^,]+, [0-9]+\)/write(FD, BUF, LEN)/'; }

# ---------------------------------------------------------------- cool-write
# the program reads 10 bytes and exits: the next write gets EPIPE
cap 10 "$DUCT" -d -d -u OPEN:"$T_TMP/zero" "SYSTEM:head -c 10 >/dev/null,cool-write"
cp "$T_TMP/cap.err" "$T_TMP/d.err"
is "$RC" 0 "cool-write: EPIPE on write, exit 0"
is "$(ends "$T_TMP/d.err")" "N write(FD, BUF, LEN): Broken pipe
N socket 1 to socket 2 is in error
N exiting with status 0" "cool-write: the write error is a notice, the direction is in error, status 0"
cap 10 "$DUCT" -u OPEN:"$T_TMP/zero" "SYSTEM:head -c 10 >/dev/null,cool-write"
is "$RC:$ERR" "0:" "cool-write without -d: silent, exit 0"
cap 10 "$DUCT" -d -d -u OPEN:"$T_TMP/zero" "SYSTEM:head -c 10 >/dev/null"
is "$RC" 1 "without cool-write: EPIPE is an error, exit 1"
like "$ERR" ' E write\([0-9]+, .*Broken pipe' "without cool-write: 'E write(...): Broken pipe'"
cap 10 "$DUCT" -d -d -u OPEN:"$T_TMP/zero" "SYSTEM:head -c 10 >/dev/null,cool-write=0"
is "$RC" 1 "cool-write=0: as without it"
if [ -n "$SOCAT" ]; then
	for o in ",cool-write" ""; do
		cap 10 "$SOCAT" -d -d -u OPEN:"$T_TMP/zero" "SYSTEM:head -c 10 >/dev/null$o"
		s_rc=$RC; cp "$T_TMP/cap.err" "$T_TMP/s.err"
		cap 10 "$DUCT" -d -d -u OPEN:"$T_TMP/zero" "SYSTEM:head -c 10 >/dev/null$o"
		is "$RC" "$s_rc" "SYSTEM${o:-, no cool-write}: exit code as socat's ($s_rc)"
		is "$(ends "$T_TMP/cap.err" | grep -v '^E ')" "$(ends "$T_TMP/s.err" | grep -v '^E ')" \
			"SYSTEM${o:-, no cool-write}: write/exit notices as socat's"
	done
else
	skip "socat is not installed: no cool-write differential"
fi
# a TCP peer that resets: ECONNRESET/EPIPE on write is a notice under cool-write
start_server "$T_TMP/rst.err" python3 -c '
import socket, struct, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
sys.stderr.write("listening on AF=2 127.0.0.1:%d\n" % s.getsockname()[1]); sys.stderr.flush()
c, _ = s.accept(); c.recv(10)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()'
rst=$BG_PID
if [ -n "$PORT" ]; then
	cap 10 "$DUCT" -d -d -u OPEN:"$T_TMP/zero" TCP:127.0.0.1:"$PORT",cool-write
	is "$RC" 0 "cool-write on TCP: a reset peer ends the direction, exit 0"
	unlike "$ERR" ' E ' "cool-write on TCP: no error line"
else
	skip "reset server did not start"
	skip "reset server did not start"
fi
stop "$rst"

# ---------------------------------------------------------------- fdout= / fdin= useless
CAP_IN=/dev/null cap 5 "$DUCT" -u - SYSTEM:cat,fdout=3
is "$RC" 1 "fdout= on a write-only SYSTEM: exit 1"
like "$ERR" ' E .*option fdout is useless in write-only mode' "fdout= write-only: socat's message"
CAP_IN=/dev/null cap 5 "$DUCT" -u SYSTEM:echo,fdin=3 -
is "$RC" 1 "fdin= on a read-only SYSTEM: exit 1"
like "$ERR" ' E .*option fdin is useless in read-only mode' "fdin= read-only: socat's message"
CAP_IN=/dev/null cap 5 "$DUCT" -u SYSTEM:'echo hi >&3',fdout=3 -
is "$RC:$OUT" "0:hi" "fdout= on a read-only SYSTEM: used (the program writes to fd 3)"
if [ -n "$SOCAT" ]; then
	for a in "-u - SYSTEM:cat,fdout=3" "-u SYSTEM:echo,fdin=3 -" "-u EXEC:cat,fdout=4 -"; do
		# shellcheck disable=SC2086
		CAP_IN=/dev/null cap 5 "$SOCAT" $a; s_rc=$RC
		# shellcheck disable=SC2086
		CAP_IN=/dev/null cap 5 "$DUCT" $a
		is "$RC" "$s_rc" "$a: exit code as socat's ($s_rc)"
	done
fi

# ---------------------------------------------------------------- o-direct
head -c 10000 /dev/urandom >"$T_TMP/od"
if python3 -c 'import os,sys; os.close(os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECT))' "$T_TMP/od" 2>/dev/null; then
	cap 5 "$DUCT" -u OPEN:"$T_TMP/od",o-direct STDOUT
	is "$RC:$ERR" "0:" "o-direct read: exit 0, no error (aligned buffers)"
	same_file "$T_TMP/cap.out" "$T_TMP/od" "o-direct read: the file's bytes"
	cap 5 "$DUCT" -u OPEN:"$T_TMP/od",o-direct OPEN:"$T_TMP/od.copy",creat,trunc
	is "$RC:$ERR" "0:" "o-direct read into a file (buffered path): exit 0"
	same_file "$T_TMP/od.copy" "$T_TMP/od" "o-direct read into a file: the same bytes"
	if [ -n "$SOCAT" ]; then
		cap 5 "$SOCAT" -u OPEN:"$T_TMP/od",o-direct STDOUT; s_rc=$RC
		cap 5 "$DUCT" -u OPEN:"$T_TMP/od",o-direct STDOUT
		is "$RC" "$s_rc" "o-direct: exit code as socat's ($s_rc)"
	fi
else
	skip "the file system of $T_TMP has no O_DIRECT"
fi

# ---------------------------------------------------------------- SOCAT_DEFAULT_LISTEN_IP
if [ -e /proc/net/if_inet6 ] && python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	start_server "$T_TMP/l6.err" env SOCAT_DEFAULT_LISTEN_IP=6 "$DUCT" -d -d TCP-LISTEN:0 SYSTEM:'echo served'
	l6=$BG_PID
	like "$(cat "$T_TMP/l6.err")" 'listening on AF=10 \[0000:0000:0000:0000:0000:0000:0000:0000\]:[0-9]+' \
		"SOCAT_DEFAULT_LISTEN_IP=6: TCP-LISTEN listens on [::]"
	if [ -n "$PORT" ]; then
		got=$(run_to 5 "$DUCT" -u TCP:127.0.0.1:"$PORT" STDOUT </dev/null)
		is "$got" "served" "SOCAT_DEFAULT_LISTEN_IP=6: dual stack, an IPv4 client is served"
	else
		skip "listener did not start"
	fi
	stop "$l6"
	start_server "$T_TMP/l4.err" env SOCAT_DEFAULT_LISTEN_IP=6 "$DUCT" -4 -d -d TCP-LISTEN:0 SYSTEM:true
	like "$(cat "$T_TMP/l4.err")" 'listening on AF=2 0\.0\.0\.0:' "SOCAT_DEFAULT_LISTEN_IP=6 with -4: -4 wins"
	stop "$BG_PID"
	start_server "$T_TMP/u6.err" env SOCAT_DEFAULT_LISTEN_IP=6 "$DUCT" -d -d -u UDP-RECV:0 STDOUT
	like "$(cat "$T_TMP/u6.err")" 'receiving on (UDP )?AF=10 ' "SOCAT_DEFAULT_LISTEN_IP=6: UDP-RECV on [::]"
	stop "$BG_PID"
	start_server "$T_TMP/b4.err" env SOCAT_DEFAULT_LISTEN_IP=6 "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1 SYSTEM:true
	like "$(cat "$T_TMP/b4.err")" 'listening on AF=2 127\.0\.0\.1:' "SOCAT_DEFAULT_LISTEN_IP=6 with bind=127.0.0.1: the bound address decides"
	stop "$BG_PID"
else
	skip "no IPv6 here"
fi
start_server "$T_TMP/e4.err" env SOCAT_DEFAULT_LISTEN_IP=4 "$DUCT" -d -d TCP-LISTEN:0 SYSTEM:true
like "$(cat "$T_TMP/e4.err")" 'listening on AF=2 0\.0\.0\.0:' "SOCAT_DEFAULT_LISTEN_IP=4: 0.0.0.0"
stop "$BG_PID"
start_server "$T_TMP/ex.err" env SOCAT_DEFAULT_LISTEN_IP=x "$DUCT" -d -d TCP-LISTEN:0 SYSTEM:true
like "$(cat "$T_TMP/ex.err")" 'listening on AF=2 0\.0\.0\.0:' "SOCAT_DEFAULT_LISTEN_IP=x (not 4 or 6): ignored"
stop "$BG_PID"

done_testing
