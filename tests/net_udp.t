#!/usr/bin/env bash
# Network families, UDP and UDP-Lite: the seeds' UDP examples against socat (same sockets in
# ss, same log lines), UDP-LISTEN locking onto its first peer (fork: a session per peer in one
# process), *-RECVFROM one datagram per session with replies to its sender (the SENDTO
# forwarder seed), RECV merging senders, SENDTO taking replies only from its peer, DATAGRAM with
# range, -T ending idle sessions.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed for the test clients"

# udp_ask PORT MESSAGE [FAMILY]: send one datagram from a fresh socket, print the reply (or "-")
cat >"$T_TMP/ask.py" <<'PY'
import socket, sys
port, msg = int(sys.argv[1]), sys.argv[2].encode()
fam = socket.AF_INET6 if len(sys.argv) > 3 and sys.argv[3] == "6" else socket.AF_INET
host = "::1" if fam == socket.AF_INET6 else "127.0.0.1"
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(msg, (host, port))
try:
    d, a = s.recvfrom(65536)
    print(d.decode(), "from-port-ok" if a[1] == port else "from-port-%d" % a[1])
except socket.timeout:
    print("-")
PY
udp_ask() { timeout 10 python3 "$T_TMP/ask.py" "$@"; }

# ------------------------------------------------------------ seeds: same sockets as socat
seed_ss() { # seed_ss DESCRIPTION ARGS_WITH_@PORT@...
	local desc=$1; shift
	local p; p=$(free_port udp)
	local args=() a want=""
	for a in "$@"; do args+=("${a//@PORT@/$p}"); done
	if have socat; then
		bg socat "${args[@]}" 2>/dev/null; local sp=$BG_PID
		wait_for 5 udp_bound "$p"
		want=$(ss_udp "$p")
		stop "$sp"; wait_for 5 port_free_udp "$p"
	fi
	bg "$DUCT" "${args[@]}" 2>/dev/null; local dp=$BG_PID
	wait_for 5 udp_bound "$p"
	local got; got=$(ss_udp "$p")
	stop "$dp"
	if have socat; then is "$got" "$want" "$desc: ss -uln shows the same sockets as socat ($got)"
	else like "$got" "UNCONN" "$desc: bound"; fi
}
seed_ss "UDP4-LISTEN:PORT,fork" UDP4-LISTEN:@PORT@,fork /dev/null
seed_ss "UDP6-LISTEN:PORT" UDP6-LISTEN:@PORT@ /dev/null
seed_ss "UDP4-RECVFROM:PORT,fork UDP4-SENDTO:localhost:P2" UDP4-RECVFROM:@PORT@,fork UDP4-SENDTO:localhost:9
p=$(free_port udp)
bg "$DUCT" -u UDP-RECV:"$p" /dev/null 2>/dev/null; rv=$BG_PID
wait_for 5 udp_bound "$p"
is "$(ss_udp "$p")" "UNCONN 0.0.0.0:$p" "UDP-RECV:PORT binds 0.0.0.0:PORT"
stop "$rv"

# ------------------------------------------------------------ UDP4-LISTEN,fork: a session per peer, one process
start_server "$T_TMP/ul.log" "$DUCT" -d -d UDP4-LISTEN:0,fork PIPE; ul=$BG_PID; ulp=$PORT
like "$(cat "$T_TMP/ul.log")" "N listening on UDP AF=2 0.0.0.0:$ulp" "UDP-LISTEN logs 'listening on UDP' as socat"
r1=$(udp_ask "$ulp" one); r2=$(udp_ask "$ulp" two); r3=$(udp_ask "$ulp" three)
is "$r1|$r2|$r3" "one from-port-ok|two from-port-ok|three from-port-ok" "UDP4-LISTEN:P,fork PIPE: three peers each get their echo from the port"
like "$(cat "$T_TMP/ul.log")" "N accepting UDP connection from AF=2 127.0.0.1:[0-9]+" "each peer: 'accepting UDP connection from'"
is "$(ss -Huan "sport = :$ulp" | grep -c '^ESTAB')" 3 "one connected socket per peer"
is "$(ss -Huan "sport = :$ulp" | grep -c '^UNCONN')" 1 "and one socket still takes new peers"
is "$(children "$ul")" 0 "no process per peer"
stop "$ul"

# without fork: the first peer only
start_server "$T_TMP/u1.log" "$DUCT" -d -d UDP4-LISTEN:0 PIPE; u1=$BG_PID; u1p=$PORT
r1=$(udp_ask "$u1p" first)
is "$r1" "first from-port-ok" "UDP4-LISTEN without fork answers its first peer"
ok "$(ss -Huan "sport = :$u1p" | grep -q '^UNCONN'; [ $? -ne 0 ]; echo $?)" "... and stops taking new peers (no unconnected socket left)"
stop "$u1"

# -T ends an idle UDP session
start_server "$T_TMP/ut.log" "$DUCT" -d -d -T 0.5 UDP4-LISTEN:0 PIPE; ut=$BG_PID; utp=$PORT
udp_ask "$utp" idle >/dev/null
wait_pid 5 "$ut"; rc=$?
is "$rc" 0 "-T 0.5: the idle UDP session ends, exit 0"
like "$(cat "$T_TMP/ut.log")" "inactivity timeout triggered" "... logging the inactivity timeout"

# differential log lines
if have socat; then
	p=$(free_port udp)
	bg socat -d -d -T 0.3 UDP4-LISTEN:"$p" PIPE 2>"$T_TMP/su.log"; sp=$BG_PID
	wait_for 5 udp_bound "$p"; udp_ask "$p" x >/dev/null; wait_pid 5 "$sp" >/dev/null
	wait_for 5 port_free_udp "$p"
	bg "$DUCT" -d -d -T 0.3 UDP4-LISTEN:"$p" PIPE 2>"$T_TMP/du.log"; dp=$BG_PID
	wait_for 5 udp_bound "$p"; udp_ask "$p" x >/dev/null; wait_pid 5 "$dp" >/dev/null
	pick() { norm_log <"$1" | grep -E 'listening on|accepting' | sed -E 's/127.0.0.1:[0-9]+$/127.0.0.1:PEER/'; }
	is "$(pick "$T_TMP/du.log")" "$(pick "$T_TMP/su.log")" "UDP-LISTEN log lines as socat's"
else skip "socat not installed"; fi

# ------------------------------------------------------------ RECVFROM,fork -> SENDTO (seed forwarder)
start_server "$T_TMP/back.log" "$DUCT" -d -d UDP4-RECVFROM:0,fork PIPE; back=$BG_PID; bport=$PORT
fwd_p=$(free_port udp)
bg "$DUCT" -d -d UDP4-RECVFROM:"$fwd_p",fork UDP4-SENDTO:localhost:"$bport" 2>"$T_TMP/fwd.log"; fwd=$BG_PID
wait_for 5 udp_bound "$fwd_p"
r1=$(udp_ask "$fwd_p" alpha); r2=$(udp_ask "$fwd_p" beta)
is "$r1|$r2" "alpha from-port-ok|beta from-port-ok" "UDP4-RECVFROM:P,fork UDP4-SENDTO:localhost:P2 forwards and answers each sender"
like "$(cat "$T_TMP/fwd.log")" "N receiving packet from AF=2 127.0.0.1:[0-9]+" "RECVFROM logs 'receiving packet from'"
like "$(cat "$T_TMP/back.log")" "N receiving on AF=2 0.0.0.0:$bport" "RECVFROM logs 'receiving on' with the bound port"
is "$(children "$fwd")" 0 "no process per datagram"
base=$(nfds "$fwd")
for i in 1 2 3 4 5; do udp_ask "$fwd_p" "n$i" >/dev/null; done
settle() { [ "$(nfds "$fwd")" -le "$base" ]; }
wait_for 5 settle
is "$(nfds "$fwd")" "$base" "no fd leaked after per-datagram sessions"
stop "$fwd"; stop "$back"

# RECVFROM without fork: one datagram, then done
start_server "$T_TMP/r1.log" "$DUCT" -d -d UDP4-RECVFROM:0 PIPE; r1p=$BG_PID; r1port=$PORT
is "$(udp_ask "$r1port" once)" "once from-port-ok" "UDP4-RECVFROM without fork answers one datagram"
wait_pid 5 "$r1p"; is "$?" 0 "... and exits 0 after the session"

# RECVFROM with max-children (socat can't)
start_server "$T_TMP/rm.log" "$DUCT" -d -d UDP4-RECVFROM:0,fork,max-children=2 PIPE; rm_=$BG_PID; rmport=$PORT
is "$(udp_ask "$rmport" mc)" "mc from-port-ok" "RECVFROM,fork,max-children=2 works"
stop "$rm_"

# ------------------------------------------------------------ RECV merges senders; SENDTO filters replies
p=$(free_port udp)
bg "$DUCT" -u UDP4-RECV:"$p" OPEN:"$T_TMP/recv.out",creat,append; rv=$BG_PID
wait_for 5 udp_bound "$p"
udp_ask "$p" from-a >/dev/null & udp_ask "$p" from-b >/dev/null; wait $!
got_ab() { grep -q from-a "$T_TMP/recv.out" && grep -q from-b "$T_TMP/recv.out"; }
wait_for 5 got_ab
ok "$(got_ab; echo $?)" "UDP4-RECV merges datagrams from all senders"
stop "$rv"

cat >"$T_TMP/peer.py" <<'PY'
import socket, sys, time
# a peer that, on a datagram, answers from its own port and from a second port
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], flush=True)
a.settimeout(8)
d, src = a.recvfrom(100)
b.sendto(b"intruder\n", src)
time.sleep(0.2)
a.sendto(b"reply\n", src)
time.sleep(1)
PY
python3 "$T_TMP/peer.py" >"$T_TMP/peer.port" & pp=$!; track "$pp"
wait_for 5 test -s "$T_TMP/peer.port"
# -t 5 + readbytes: wait for the reply well past the default 0.5 s after stdin's EOF (a
# loaded machine), end once it is in
got=$(printf 'hello\n' | timeout 8 "$DUCT" -t 5 -T 5 UDP4-SENDTO:127.0.0.1:"$(cat "$T_TMP/peer.port")",readbytes=6 - 2>/dev/null)
is "$got" "reply" "UDP4-SENDTO takes replies only from its peer"
wait_pid 5 "$pp" >/dev/null
python3 "$T_TMP/peer.py" >"$T_TMP/peer.port" & pp=$!; track "$pp"
wait_for 5 test -s "$T_TMP/peer.port"
got=$(printf 'hello\n' | timeout 8 "$DUCT" -t 5 -T 5 UDP4-DATAGRAM:127.0.0.1:"$(cat "$T_TMP/peer.port")",range=127.0.0.0/8,readbytes=15 - 2>/dev/null)
is "$got" "intruder
reply" "UDP4-DATAGRAM takes anything in range"
wait_pid 5 "$pp" >/dev/null

# UDP-CONNECT both ways
start_server "$T_TMP/uc.log" "$DUCT" -d -d UDP4-RECVFROM:0,fork PIPE; uc=$BG_PID; ucport=$PORT
got=$(printf 'connected\n' | timeout 5 "$DUCT" -T 0.5 UDP4-CONNECT:127.0.0.1:"$ucport" - 2>/dev/null)
is "$got" "connected" "UDP4-CONNECT sends and receives"
got=$(printf 'v6\n' | timeout 5 "$DUCT" -T 0.5 UDP6:[::1]:"$ucport" - 2>/dev/null)
is "$got" "" "UDP6 to an IPv4-only listener gets nothing"
stop "$uc"
start_server "$T_TMP/u6.log" "$DUCT" -d -d UDP6-RECVFROM:0,fork PIPE; u6=$BG_PID; u6port=$PORT
is "$(udp_ask "$u6port" six 6)" "six from-port-ok" "UDP6-RECVFROM answers over IPv6"
stop "$u6"

# ------------------------------------------------------------ UDP-Lite where the kernel has it
if [ -e /proc/net/udplite ]; then
	start_server "$T_TMP/ul2.log" "$DUCT" -d -d UDPLITE4-RECVFROM:0,fork PIPE; ull=$BG_PID; ullport=$PORT
	got=$(printf 'lite\n' | timeout 5 "$DUCT" -T 0.5 UDPLITE4:127.0.0.1:"$ullport" - 2>/dev/null)
	is "$got" "lite" "UDPLITE4-RECVFROM and UDPLITE4-CONNECT talk"
	stop "$ull"
else
	skip "no UDP-Lite in this kernel"
fi

# ------------------------------------------------------------ errors
p=$(free_port udp)
bg "$DUCT" UDP4-RECV:"$p" /dev/null 2>/dev/null; hold=$BG_PID
wait_for 5 udp_bound "$p"
cap 5 "$DUCT" UDP4-RECV:"$p" /dev/null
is "$RC" 1 "a second UDP receiver on the port exits 1"
like "$ERR" "Address already in use .* port $p is held by pid $hold" "... naming the holder"
stop "$hold"
cap 5 "$DUCT" UDP4-LISTEN:0,retry=1 /dev/null
is "$RC" 1 "UDP-LISTEN has no RETRY group: retry refused"

done_testing
