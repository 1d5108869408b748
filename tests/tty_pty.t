#!/usr/bin/env bash
# PTY: the virtual serial cable (two PTYs with link=), bytes both ways and all 256 byte values,
# "PTY is /dev/pts/N" logged, ptmx/openpty, termios options as stty sees them on the slave,
# wait-slave, links removed at exit; a serial line forwarded to TCP (FILE:/dev/pts/N,raw,
# echo=0,b115200 behind TCP-LISTEN) with a PTY standing in for the device.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have stty || skip_all "stty is not installed"

# tty_link PATH: the symlink exists and points to a character device (readiness check)
tty_link() { [ -L "$1" ] && [ -c "$1" ]; }
# read_n N FILE OUT: read exactly N bytes from FILE into OUT in the background (bounded)
read_n() { bg timeout -k 2 5 sh -c "head -c $1 <'$2' >'$3'"; }

# ---- the virtual serial cable
A=$T_TMP/ttyA B=$T_TMP/ttyB
bg "$DUCT" -d -d -lf "$T_TMP/cable.log" pty,raw,echo=0,link="$A" pty,raw,echo=0,link="$B"
CABLE=$BG_PID
wait_for 5 tty_link "$A" && wait_for 5 tty_link "$B"
ok $? "pty,link=: both links appear and point to terminals"
wait_for 5 log_has "$T_TMP/cable.log" 'starting data transfer loop'
like "$(norm_log <"$T_TMP/cable.log" | grep 'PTY is' | head -1)" '^N PTY is /dev/pts/[0-9]+$' 'logs "N PTY is /dev/pts/N" as socat does'
is "$(norm_log <"$T_TMP/cable.log" | sed -n 's/^N PTY is //p' | tr '\n' ' ')" "$(readlink "$A") $(readlink "$B") " "the names logged are the link targets, in address order"

read_n 12 "$B" "$T_TMP/atob"
R=$BG_PID
wait_for 5 test -e "$T_TMP/atob"
printf 'hello cable\n' >"$A"
wait_pid 5 $R
is "$(od -An -c "$T_TMP/atob" | tr -s ' ')" "$(printf 'hello cable\n' | od -An -c | tr -s ' ')" "text written to ttyA arrives at ttyB, byte for byte (raw: no CR added)"
read_n 9 "$A" "$T_TMP/btoa"
R=$BG_PID
wait_for 5 test -e "$T_TMP/btoa"
printf 'and back\n' >"$B"
wait_pid 5 $R
is "$(cat "$T_TMP/btoa")" "and back" "and from ttyB to ttyA"
stty_a=$(stty -F "$A" -a 2>&1)
like "$stty_a" '(^| )-echo( |$)' "echo=0 shows as -echo on the slave"
like "$stty_a" '(^| )-icanon( |$)' "raw: -icanon"
like "$stty_a" '(^| )-isig( |$)' "raw: -isig"
like "$stty_a" '(^| )-opost( |$)' "raw: -opost"
like "$stty_a" '(^| )-ixon( |$)' "raw: -ixon"
like "$stty_a" '(^| )-icrnl( |$)' "raw: -icrnl"
kill -TERM "$CABLE"
wait_pid 5 "$CABLE"
is "$?" 143 "SIGTERM ends the cable with 143 (as socat)"
ok "$( { [ -L "$A" ] || [ -L "$B" ]; } && echo 1 || echo 0)" "links removed at exit"

# ---- all 256 byte values through a rawer cable (cfmakeraw on one end)
bg "$DUCT" pty,rawer,link="$A" pty,cfmakeraw,link="$B" 2>/dev/null
CABLE=$BG_PID
wait_for 5 tty_link "$A" && wait_for 5 tty_link "$B"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 4)' >"$T_TMP/bytes"
read_n 1024 "$B" "$T_TMP/bytes.got"
R=$BG_PID
wait_for 5 test -e "$T_TMP/bytes.got"
cat "$T_TMP/bytes" >"$A"
wait_pid 5 $R
same_file "$T_TMP/bytes.got" "$T_TMP/bytes" "rawer/cfmakeraw: all 256 byte values pass unchanged"
stty_a=$(stty -F "$B" -a 2>&1)
like "$stty_a" '(^| )-echo( |$)' "cfmakeraw implies no echo"
like "$stty_a" '(^| )cs8( |$)' "cfmakeraw: cs8"
kill_group "$CABLE"
wait_pid 5 "$CABLE"

# ---- termios options as stty sees them (one tcsetattr for the lot)
P=$T_TMP/ttyP
bg "$DUCT" -lf "$T_TMP/opts.log" "pty,link=$P,sane,b115200,echo=0,icanon=0,isig=0,icrnl=0,inlcr,igncr,onlcr=0,opost,ixon=0,ixoff,ixany,crtscts,clocal,hupcl,cstopb=0,min=4,time=2,vintr=1,vquit=2,veof=5,vsusp=0" PIPE
OPTS=$BG_PID
if wait_for 5 tty_link "$P"; then
	s=$(stty -F "$P" -a 2>&1)
	like "$s" 'speed 115200 baud' "b115200"
	for f in -echo -icanon -isig -icrnl inlcr igncr -onlcr opost -ixon ixoff ixany hupcl -cstopb; do
		like "$s" "(^| )$f(;| |$)" "stty shows $f"
	done
	like "$s" 'min = 4;' "min=4"
	like "$s" 'time = 2;' "time=2"
	like "$s" 'intr = \^A;' "vintr=1"
	like "$s" 'quit = \^B;' "vquit=2"
	like "$s" 'eof = \^E;' "veof=5"
	like "$s" 'susp = <undef>;' "vsusp=0 disables the character"
else
	ok 1 "pty with many termios options opened"
	diag "$(cat "$T_TMP/opts.log")"
fi
kill_group "$OPTS"
wait_pid 5 "$OPTS"
# pty_speed OPTIONS BAUD NAME: a pty opened with OPTIONS shows BAUD in stty
pty_speed() {
	bg "$DUCT" "pty,link=$P,$1" PIPE 2>/dev/null
	local pid=$BG_PID
	wait_for 5 tty_link "$P"
	like "$(stty -F "$P" -a 2>&1)" "speed $2 baud" "$3"
	kill_group "$pid"
	wait_pid 5 "$pid"
}
pty_speed ispeed=9600,ospeed=19200 19200 "ispeed=9600,ospeed=19200: stty shows the output speed"
pty_speed b50 50 b50
pty_speed b4000000 4000000 b4000000
cap 5 "$DUCT" pty,b115200,icanon=2 PIPE
isnt "$RC" 0 "a bad termios value is refused"

# a termios option on an address without a terminal
cap 5 "$DUCT" -u /dev/null "OPEN:$T_TMP/plainfile,creat,b9600"
isnt "$RC" 0 "termios option on a regular file: refused"
like "$ERR" 'needs a terminal' "... with a message saying it needs a terminal"

# ---- ptmx and openpty
for how in ptmx openpty; do
	cap 5 "$DUCT" -d -d -T 0.2 "pty,$how" /dev/null
	like "$(printf '%s\n' "$ERR" | norm_log | grep 'PTY is')" '^N PTY is /dev/pts/[0-9]+$' "pty,$how: a pty is made and named"
done

# ---- wait-slave: address 2 opens only once someone opens the slave
W=$T_TMP/ttyW
bg "$DUCT" -d -d -lf "$T_TMP/ws.log" pty,wait-slave,pty-interval=0.05,raw,echo=0,link="$W" "OPEN:$T_TMP/ws.out,creat,trunc"
WS=$BG_PID
wait_for 5 tty_link "$W"
ok $? "wait-slave: the link is there while waiting"
# not a readiness wait: nothing may happen in these 0.4 s (8 polls of pty-interval=0.05)
sleep 0.4
ok "$( [ ! -e "$T_TMP/ws.out" ]; echo $? )" "wait-slave: address 2 not opened while no process has the slave open"
exec 7<>"$W"
wait_for 5 test -e "$T_TMP/ws.out"
ok $? "wait-slave: opening the slave lets duct go on"
printf 'via wait-slave\n' >&7
wait_for 5 grep -q 'via wait-slave' "$T_TMP/ws.out"
ok $? "wait-slave: data written to the slave arrives"
exec 7>&-
wait_pid 5 "$WS"
is "$?" 0 "wait-slave: the last user closing the slave is EOF (EIO on the master), duct ends with 0"
like "$(cat "$T_TMP/ws.log")" 'probably PTY closed' "... logged as in socat (\"probably PTY closed\")"

# ---- a serial line forwarded to TCP, a PTY standing in for the device
# The "device" is the slave of a PTY whose master loops everything back (a loopback plug).
DEV=$T_TMP/ttyS
bg "$DUCT" "pty,rawer,link=$DEV" PIPE 2>/dev/null
PLUG=$BG_PID
wait_for 5 tty_link "$DEV"
port=$(free_port)
bg "$DUCT" -lf "$T_TMP/fwd.log" "TCP-LISTEN:$port,reuseaddr,bind=127.0.0.1" "FILE:$(readlink "$DEV"),nonblock,raw,echo=0,b115200"
FWD=$BG_PID
wait_for 5 tcp_listening "$port"
ok $? "TCP-LISTEN in front of the serial device"
printf 'AT+HELLO\r\n' >"$T_TMP/at"
CAP_IN=$T_TMP/at cap 10 "$DUCT" -t 2 - "TCP:127.0.0.1:$port"
same_file "$T_TMP/cap.out" "$T_TMP/at" "bytes sent over TCP go out on the line and the device's answer comes back unchanged"
like "$(stty -F "$DEV" -a 2>&1)" 'speed 115200 baud' "FILE:/dev/pts/N,b115200 set the line speed"
wait_pid 5 "$FWD"
is "$?" 0 "the forwarder ends with 0 when the client is done"
kill_group "$PLUG"
wait_pid 5 "$PLUG"

done_testing
