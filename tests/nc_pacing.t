#!/bin/bash
# nc's pacing and receive limit, as the real programs behave (measured against nc.openbsd
# 1.219 and ncat 7.93):
#  - OpenBSD -i N: after each block sent to the network nc waits N s; received data is not
#    held up; nothing is lost.
#  - ncat -d/--delay T: every block read, either way, waits T before it is written.
#  - OpenBSD -W N: after N reads from the network nc stops reading both sides and exits 0
#    (TCP and UDP, client and listener), also with stdin still open.
# The engine's generic side: the readpackets address option on the relay face. Timings use
# 0.3-1 s pauses and bounds with slack for a busy 2-core machine.
. "$(dirname "$0")/lib/tap.sh"
[ -x "$DUCT" ] || skip_all "no duct binary at $DUCT"
have python3 || skip_all "python3 is needed for the fixtures"

# A stdin that stays open and silent (like a terminal nobody types on): a FIFO the test holds.
mkfifo "$T_TMP/hold"
exec 7<>"$T_TMP/hold"
# typed LINE: fd 8 becomes a stdin that has LINE in it and then stays open (a terminal after
# one line typed)
typed() {
	rm -f "$T_TMP/typed"; mkfifo "$T_TMP/typed"
	exec 8<>"$T_TMP/typed"
	printf '%s\n' "$1" >&8
}

# srv.py MODE PORTFILE [OUT]: a one-shot server on 127.0.0.1, its port written to PORTFILE.
#   recv:       TCP; until EOF, log each chunk received as "SECONDS-SINCE-ACCEPT LENGTH" in
#               OUT, the bytes in OUT.raw
#   lines:      TCP; send "a\n", 0.05 s later "b\n", close
#   tcp_pkts:   TCP; send pkt0..pkt3, 0.3 s apart (separate reads for the client)
#   udp_pkts:   UDP; wait for a datagram, answer with the datagrams pkt0..pkt3
cat >"$T_TMP/srv.py" <<'PY'
import socket, sys, time
mode, portfile = sys.argv[1], sys.argv[2]
udp = mode == 'udp_pkts'
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
s.bind(('127.0.0.1', 0))
if not udp:
    s.listen(1)
s.settimeout(10)
with open(portfile + '.tmp', 'w') as f:
    f.write('%d\n' % s.getsockname()[1])
import os; os.rename(portfile + '.tmp', portfile)
if udp:
    _, peer = s.recvfrom(100)
    for i in range(4):
        s.sendto(b'pkt%d\n' % i, peer)
    sys.exit(0)
c, _ = s.accept()
t0 = time.time()
c.settimeout(8)
if mode == 'recv':
    out, raw = open(sys.argv[3], 'w'), open(sys.argv[3] + '.raw', 'wb')
    while True:
        d = c.recv(100)
        if not d:
            break
        out.write('%.3f %d\n' % (time.time() - t0, len(d))); out.flush()
        raw.write(d); raw.flush()
elif mode == 'lines':
    c.sendall(b'a\n'); time.sleep(0.05); c.sendall(b'b\n'); c.close()
elif mode == 'tcp_pkts':
    for i in range(4):
        try:
            c.send(b'pkt%d\n' % i)
        except OSError:
            break
        time.sleep(0.3)
PY
# start_srv MODE [OUT]: sets SP (port) and SRV (pid)
start_srv() {
	rm -f "$T_TMP/sp"
	bg python3 "$T_TMP/srv.py" "$1" "$T_TMP/sp" "${2:-/dev/null}"; SRV=$BG_PID
	wait_for 5 test -s "$T_TMP/sp"; SP=$(cat "$T_TMP/sp")
}
now() { date +%s%N; }
ms_since() { echo $(( ($(now) - $1) / 1000000 )); }
# arrivals FILE: the arrival times (ms) of the recv server's chunks, one a line
arrivals() { awk '{ printf "%d\n", $1 * 1000 }' "$1"; }
payload() { od -An -c "$1.raw" | tr -s ' '; }

# send_paced WHAT FIRST_MIN FIRST_MAX GAP_MIN CMD...: CMD sends "x\n", 0.1 s later "y\n" to a
# recording server (its port appended to CMD); every byte must arrive, in two blocks, the
# first FIRST_MIN..FIRST_MAX ms after the connection, the second >= GAP_MIN ms after it.
send_paced() {
	local what=$1 first_min=$2 first_max=$3 gap_min=$4; shift 4
	start_srv recv "$T_TMP/rec"
	# the pause makes two separate writes (under test), not a readiness wait
	(printf 'x\n'; sleep 0.1; printf 'y\n') | run_to 10 "$@" "$SP"; local rc=$?
	wait_pid 5 "$SRV"
	is "$rc/$(payload "$T_TMP/rec")" "0/ x \n y \n" "$what: every byte delivered, exit 0"
	local at
	mapfile -t at < <(arrivals "$T_TMP/rec")
	if [ "${#at[@]}" = 2 ] && [ "${at[0]}" -ge "$first_min" ] && [ "${at[0]}" -le "$first_max" ] &&
		[ $((at[1] - at[0])) -ge "$gap_min" ]; then
		ok 0 "$what: two blocks, paced (${at[*]} ms)"
	else
		ok 1 "$what: two blocks, paced"
		diag "arrivals (ms after accept): ${at[*]}"
	fi
}

# 1. OpenBSD -i 1: the first block goes at once, the next one a second after it; all bytes
#    arrive, the FIN (-N) after them.
send_paced "-i 1" 0 700 900 $DUCT nc -N -i 1 127.0.0.1

# 2. -i paces what is sent only: received data comes through at once (as nc.openbsd).
start_srv lines
t=$(now)
got=$(run_to 10 $DUCT nc -d -i 1 127.0.0.1 "$SP"); rc=$?
el=$(ms_since "$t")
wait_pid 5 "$SRV"
is "$rc/$got" "0/a
b" "-i 1 -d: what the server sends is printed"
[ "$el" -lt 800 ]; ok $? "-i does not hold up received data (${el} ms)"

# 3. ncat -d 0.3: each block sent waits 0.3 s, the first one too.
send_paced "ncat -d 0.3" 250 2000 250 $DUCT ncat -d 0.3 127.0.0.1

# 4. --delay paces the received direction too: two blocks, each held 0.3 s.
start_srv lines
t=$(now)
got=$(run_to 10 $DUCT ncat --recv-only --delay 300ms 127.0.0.1 "$SP"); rc=$?
el=$(ms_since "$t")
wait_pid 5 "$SRV"
is "$rc/$got" "0/a
b" "ncat --delay 300ms --recv-only: what the server sends is printed"
[ "$el" -ge 550 ] && [ "$el" -lt 3000 ]; ok $? "--delay holds each received block (${el} ms for two)"

# 5. -W over UDP: the first N replies, exit 0, stdin still open.
for n in 1 2; do
	start_srv udp_pkts
	typed query
	got=$(run_to 5 $DUCT nc -u -W "$n" 127.0.0.1 "$SP" <&8); rc=$?
	exec 8<&-
	wait_pid 5 "$SRV"
	want=$(printf 'pkt%d\n' $(seq 0 $((n - 1))))
	is "$rc/$got" "0/$want" "-u -W $n: $n datagram(s) printed, exit 0 with stdin open"
done

# 6. -W over TCP: the first N reads (the server's packets come 0.3 s apart), exit 0.
start_srv tcp_pkts
t=$(now)
got=$(run_to 5 $DUCT nc -W 2 127.0.0.1 "$SP" <&7); rc=$?
el=$(ms_since "$t")
kill_group "$SRV"; wait_pid 5 "$SRV"
is "$rc/$got" "0/pkt0
pkt1" "-W 2 (TCP): two reads printed, exit 0 with stdin open"
[ "$el" -lt 2000 ]; ok $? "-W 2 (TCP) ends after the second read (${el} ms)"

# udp_receiver WHAT WANT CMD: CMD (a shell command line) receives on a UDP port given as
# $UP; three datagrams "<letter>0\n" .. are sent to it; it must print WANT and exit 0.
udp_receiver() {
	local what=$1 want=$2 cmd=$3
	UP=$(free_port udp)
	bg sh -c "$(printf "$cmd" "$UP") <&7 >'$T_TMP/udp.out'"; local pid=$BG_PID
	wait_for 5 udp_bound "$UP"
	python3 - "$UP" "${want:0:1}" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    s.sendto(b'%s%d\n' % (sys.argv[2].encode(), i), ('127.0.0.1', int(sys.argv[1]))); time.sleep(0.1)
PY
	wait_pid 5 "$pid"; local rc=$?
	is "$rc/$(cat "$T_TMP/udp.out")" "0/$want" "$what"
}

# 7. -W on a listener: a UDP client's first two datagrams, then nc ends.
udp_receiver "-u -l -W 2: two datagrams printed, exit 0" "m0
m1" "$DUCT nc -u -l -W 2 127.0.0.1 %s"

# 8. The engine's side on the relay face: readpackets=2 is EOF after two datagrams.
udp_receiver "relay face: readpackets=2 ends the input after two datagrams" "d0
d1" "$DUCT -u UDP4-RECV:%s,bind=127.0.0.1,readpackets=2 STDOUT"
run_to 5 $DUCT -u STDIN,readpackets=-1 STDOUT </dev/null 2>"$T_TMP/neg.err"; rc=$?
[ "$rc" != 0 ] && grep -q 'readpackets' "$T_TMP/neg.err"; ok $? "readpackets=-1 is refused with a message naming it"

# 9. Differential: duct nc and nc.openbsd print the same and exit the same for -W.
if have nc.openbsd; then
	# w_case NAME CMD...: stdout and status of CMD against a fresh server, in $T_TMP/w.NAME.*
	w_case() {
		local name=$1; shift
		start_srv udp_pkts
		printf 'query\n' | run_to 5 "$@" -u -W 2 127.0.0.1 "$SP" >"$T_TMP/w.$name.udp"
		echo "status $?" >>"$T_TMP/w.$name.udp"
		wait_pid 5 "$SRV"
		start_srv tcp_pkts
		printf 'query\n' | run_to 5 "$@" -W 3 127.0.0.1 "$SP" >"$T_TMP/w.$name.tcp"
		echo "status $?" >>"$T_TMP/w.$name.tcp"
		kill_group "$SRV"; wait_pid 5 "$SRV"
	}
	w_case ref nc.openbsd
	w_case duct "$DUCT" nc
	is "$(cat "$T_TMP/w.duct.udp")" "$(cat "$T_TMP/w.ref.udp")" "-u -W 2: duct nc prints and exits as nc.openbsd"
	is "$(cat "$T_TMP/w.duct.tcp")" "$(cat "$T_TMP/w.ref.tcp")" "-W 3 (TCP): duct nc prints and exits as nc.openbsd"
else
	skip "nc.openbsd is not installed"
	skip "nc.openbsd is not installed"
fi
done_testing
