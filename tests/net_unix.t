#!/usr/bin/env bash
# Network families, UNIX and ABSTRACT: the seeds' UNIX examples against socat (ss -x), fork
# listeners, socket file life cycle (unlink-close, unlink-early, stale files), perm= on the
# socket file, RECVFROM/SENDTO with bind= replies, RECV, UNIX-CLIENT's datagram fallback,
# abstract names.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
S=$T_TMP

unix_bound() { ss -Hxa | awk '{print $5}' | grep -qx "$1"; }
ss_x() { ss -Hxa | awk -v p="$1" '$5 == p {print $1, $2, $5}' | sort; }

seed_ss() { # seed_ss DESCRIPTION PATH ARGS...
	local desc=$1 path=$2; shift 2
	local want=""
	if have socat; then
		bg socat "$@" 2>/dev/null; local sp=$BG_PID
		wait_for 5 unix_bound "$path"
		want=$(ss_x "$path")
		stop "$sp"; rm -f "$path"
	fi
	bg "$DUCT" "$@" 2>/dev/null; local dp=$BG_PID
	wait_for 5 unix_bound "$path"
	local got; got=$(ss_x "$path")
	stop "$dp"
	if have socat; then is "$got" "$want" "$desc: ss -x shows the same socket as socat ($got)"
	else like "$got" "$path" "$desc: bound"; fi
	ok "$([ ! -e "$path" ]; echo $?)" "$desc: the socket file is removed at exit"
}
seed_ss "UNIX-LISTEN:stream.sock,fork /dev/null" "$S/stream.sock" UNIX-LISTEN:"$S/stream.sock",fork /dev/null
seed_ss "UNIX-RECVFROM:datagram.sock,fork /dev/null" "$S/datagram.sock" UNIX-RECVFROM:"$S/datagram.sock",fork /dev/null

block
# ------------------------------------------------------------ fork echo over a UNIX stream socket
bg "$DUCT" -d -d UNIX-LISTEN:"$S/echo.sock",fork PIPE 2>"$S/echo.log"; ep=$BG_PID
wait_for 5 unix_listening "$S/echo.sock"
like "$(cat "$S/echo.log")" "N listening on AF=1 \"$S/echo.sock\"" "listening on AF=1 \"path\" as socat"
got=$(printf one | timeout 5 "$DUCT" -t 1 UNIX-CONNECT:"$S/echo.sock" - 2>/dev/null)
got2=$(printf two | timeout 5 "$DUCT" -t 1 UNIX:"$S/echo.sock" - 2>/dev/null)
is "$got|$got2" "one|two" "UNIX-CONNECT and UNIX-CLIENT through a UNIX-LISTEN fork echo"
if have socat; then
	got=$(printf three | timeout 5 socat -t 1 - UNIX-CONNECT:"$S/echo.sock")
	is "$got" "three" "a socat client through duct's UNIX listener"
fi
is "$(children "$ep")" 0 "no process per connection"
stop "$ep"
ok "$([ ! -e "$S/echo.sock" ]; echo $?)" "the fork listener removes its socket file when it ends"

# without fork: the file goes away once the connection is accepted
bg "$DUCT" UNIX-LISTEN:"$S/once.sock" PIPE 2>/dev/null; op=$BG_PID
wait_for 5 unix_listening "$S/once.sock"
got=$(printf once | timeout 5 "$DUCT" -t 1 UNIX-CONNECT:"$S/once.sock" - 2>/dev/null)
is "$got" "once" "UNIX-LISTEN without fork serves one connection"
wait_pid 5 "$op" >/dev/null
ok "$([ ! -e "$S/once.sock" ]; echo $?)" "... and its socket file is gone"
bg "$DUCT" UNIX-LISTEN:"$S/keep.sock",fork,unlink-close=0 /dev/null 2>/dev/null; kp=$BG_PID
wait_for 5 unix_listening "$S/keep.sock"; stop "$kp"
ok "$([ -S "$S/keep.sock" ]; echo $?)" "unlink-close=0 leaves the socket file"

# stale file: refused with a hint; unlink-early takes over
cap 5 "$DUCT" UNIX-LISTEN:"$S/keep.sock" /dev/null
is "$RC" 1 "UNIX-LISTEN on a stale socket file exits 1"
like "$ERR" "Address already in use .* the socket file \"$S/keep.sock\" exists" "... saying the file exists"
bg "$DUCT" -d -d UNIX-LISTEN:"$S/keep.sock",unlink-early,fork PIPE 2>"$S/ue.log"; ue=$BG_PID
wait_for 5 unix_listening "$S/keep.sock"
got=$(printf early | timeout 5 "$DUCT" -t 1 UNIX-CONNECT:"$S/keep.sock" - 2>/dev/null)
is "$got" "early" "unlink-early replaces a stale socket file"
cap 5 "$DUCT" UNIX-LISTEN:"$S/keep.sock" /dev/null
like "$ERR" "\"$S/keep.sock\" is held by pid $ue " "a live socket file: the message names its holder"
stop "$ue"

# perm= on the socket file
bg "$DUCT" UNIX-LISTEN:"$S/perm.sock",perm=0600,fork /dev/null 2>/dev/null; pp=$BG_PID
wait_for 5 unix_listening "$S/perm.sock"
is "$(stat -c %a "$S/perm.sock")" 600 "perm=0600 sets the socket file's mode"
stop "$pp"

block
# ------------------------------------------------------------ datagrams: RECVFROM + SENDTO with bind
bg "$DUCT" -d -d -t 5 UNIX-RECVFROM:"$S/dg.sock",fork PIPE 2>"$S/dg.log"; dg=$BG_PID
wait_for 5 unix_bound "$S/dg.sock"
# -t 5 and readbytes: after stdin's EOF wait up to 5 s for the echo (the default -t of 0.5 s
# was too short under a loaded make check), and end as soon as it is in
got=$(printf 'ping\n' | timeout 8 "$DUCT" -t 5 -T 5 UNIX-SENDTO:"$S/dg.sock",bind="$S/client.sock",readbytes=5 - 2>/dev/null)
is "$got" "ping" "UNIX-SENDTO with bind= gets the RECVFROM echo"
like "$(cat "$S/dg.log")" "N receiving packet from AF=1 \"$S/client.sock\"" "RECVFROM names the sender"
ok "$([ ! -e "$S/client.sock" ]; echo $?)" "the client's bound socket file is removed at close"
stop "$dg"
# a server of its own (the first client's session may still be reading the shared socket), in
# a directory with an X in its name: only the template's last XXXXXX is random (an X in the
# temp dir's random name made this fail one run in ten)
mkdir "$S/aXb"
bg "$DUCT" -t 5 UNIX-RECVFROM:"$S/aXb/dg2.sock",fork PIPE 2>/dev/null; dg=$BG_PID
wait_for 5 unix_bound "$S/aXb/dg2.sock"
got=$(printf 'tmp\n' | timeout 8 "$DUCT" -t 5 -T 5 UNIX-SENDTO:"$S/aXb/dg2.sock",unix-bind-tempname="$S/aXb/tXXXXXX",readbytes=4 - 2>&1)
is "$got" "tmp" "unix-bind-tempname binds a random name that gets replies (the X in the directory's name kept)"
stop "$dg"

bg "$DUCT" -u UNIX-RECV:"$S/sink.sock" OPEN:"$S/sink.out",creat,append 2>/dev/null; sk=$BG_PID
wait_for 5 unix_bound "$S/sink.sock"
printf 'a\n' | timeout 5 "$DUCT" -u - UNIX-SENDTO:"$S/sink.sock" 2>/dev/null
printf 'b\n' | timeout 5 "$DUCT" -u - UNIX-CLIENT:"$S/sink.sock" 2>/dev/null
both() { grep -qx a "$S/sink.out" && grep -qx b "$S/sink.out"; }
wait_for 5 both
ok "$(both; echo $?)" "UNIX-RECV merges datagrams; UNIX-CLIENT falls back to datagrams"
stop "$sk"

block
# ------------------------------------------------------------ abstract namespace
name="duct-test-$$"
bg "$DUCT" ABSTRACT-LISTEN:"$name",fork PIPE 2>/dev/null; ab=$BG_PID
wait_for 5 unix_listening "@$name"
ok "$(unix_listening "@$name"; echo $?)" "ABSTRACT-LISTEN: ss shows @$name"
got=$(printf abs | timeout 5 "$DUCT" -t 1 ABSTRACT-CONNECT:"$name" - 2>/dev/null)
is "$got" "abs" "ABSTRACT-CONNECT talks to ABSTRACT-LISTEN"
if have socat; then
	got=$(printf sabs | timeout 5 socat -t 1 - ABSTRACT-CONNECT:"$name")
	is "$got" "sabs" "socat's ABSTRACT-CONNECT reaches it (same name length)"
fi
ok "$([ ! -e "$name" ]; echo $?)" "no file for an abstract socket"
stop "$ab"
bg "$DUCT" -t 5 ABSTRACT-RECVFROM:"$name-d",fork PIPE 2>/dev/null; ad=$BG_PID
wait_for 5 unix_bound "@$name-d"
got=$(printf 'adg\n' | timeout 8 "$DUCT" -t 5 -T 5 ABSTRACT-SENDTO:"$name-d",bind="$name-c",readbytes=4 - 2>/dev/null)
is "$got" "adg" "ABSTRACT-SENDTO/ABSTRACT-RECVFROM with an abstract bind"
stop "$ad"

# errors
cap 5 "$DUCT" UNIX-CONNECT:"$S/nonexistent" -
is "$RC" 1 "UNIX-CONNECT to a missing file exits 1"
like "$ERR" "E connect\([0-9]+, AF=1 \"$S/nonexistent\", [0-9]+\): No such file or directory" "connect error as socat"
long=$(printf 'x%.0s' $(seq 1 120))
cap 5 "$DUCT" UNIX-LISTEN:"$S/$long" /dev/null
is "$RC" 1 "a too long socket path is refused"

done_testing
