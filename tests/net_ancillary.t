#!/usr/bin/env bash
# Ancillary data (issue 15): so-timestamp, ip-pktinfo, ip-recvttl, ip-recvtos, ip-recvopts,
# ipv6-recvpktinfo, ipv6-recvhoplimit, ipv6-recvtclass on UDP*-RECVFROM,fork (the values in
# <PREFIX>_* for the SYSTEM child), UDP*-RECV and IP4-RECVFROM; differential against socat
# 1.7.4: the same variables with the same values (timestamps and ports normalised), the same
# "ancillary message" log lines.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed for the test clients"
have socat || diag "no socat: checking duct's values only"

# The SYSTEM child writes its environment (the program's prefix, SOCAT or DUCT) to $1.
cat >"$T_TMP/dumpenv.sh" <<'SH'
#!/bin/sh
env | grep -E '^(SOCAT|DUCT)_' | sort >"$1.tmp" && mv "$1.tmp" "$1"
SH
chmod +x "$T_TMP/dumpenv.sh"

# send.py FAMILY PORT [PROTO]: one datagram with TOS/class 0x28, TTL/hops 33 and (IPv4) the IP
# options NOP NOP NOP EOL; with PROTO a raw IPv4 packet of that protocol.
cat >"$T_TMP/send.py" <<'PY'
import socket, sys
fam, port = sys.argv[1], int(sys.argv[2])
if len(sys.argv) > 3:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, int(sys.argv[3]))
else:
    s = socket.socket(socket.AF_INET6 if fam == "6" else socket.AF_INET, socket.SOCK_DGRAM)
if fam == "6":
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, 0x28)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 33)
    s.sendto(b"hi\n", ("::1", port))
else:
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0x28)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 33)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x01\x01\x01\x00")
    s.sendto(b"hi\n", ("127.0.0.1", port))
PY
send() { timeout 5 python3 "$T_TMP/send.py" "$@"; }

# The ancillary variables without the prefix; the timestamp's shape checked, its value fixed.
TS_RE='^TIMESTAMP=[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}, [0-9]{6} usecs$'
norm_env() {
	sed -E 's/^(SOCAT|DUCT)_//' "$1" | grep -E '^(IP_|IPV6_|TIMESTAMP=)' |
		sed -E "/^TIMESTAMP=/{/${TS_RE#^}/s/=.*/=<time>/}"
}
# The "ancillary message" lines without time, program and pid; the timestamp message's value
# (and its raw bytes in the debug line) fixed.
norm_anc() {
	grep -i 'ancillary message' "$1" | sed -E 's/^.*\] ([DIN]) /\1 /; s/(timestamp=|level=1, type=29, data=).*/\1<time>/'
}

# run_recvfrom PROG FAMILY OPTS NAME: PROG -d -d -d UDP<FAMILY>-RECVFROM:PORT,OPTS,fork with a
# SYSTEM child dumping its environment to $T_TMP/NAME.env, one datagram; the log in NAME.log.
run_recvfrom() {
	local prog=$1 fam=$2 opts=$3 name=$4 p
	p=$(free_port udp)
	rm -f "$T_TMP/$name.env"
	bg "$prog" -d -d -d -d UDP$fam-RECVFROM:"$p,$opts",fork SYSTEM:"$T_TMP/dumpenv.sh $T_TMP/$name.env" \
		2>"$T_TMP/$name.log"
	local pid=$BG_PID
	wait_for 5 udp_bound "$p"
	send "$fam" "$p"
	wait_for 5 test -s "$T_TMP/$name.env"
	stop "$pid"
	touch "$T_TMP/$name.env"
}

V4OPTS=ip-recvttl,ip-pktinfo,so-timestamp,ip-recvtos,ip-recvopts
V6OPTS=ipv6-recvpktinfo,ipv6-recvhoplimit,ipv6-recvtclass,so-timestamp

# ------------------------------------------------------------ IPv4 RECVFROM: the child's variables
run_recvfrom "$DUCT" 4 "$V4OPTS" d4
got=$(norm_env "$T_TMP/d4.env")
is "$(grep -E '^(IP_TTL|IP_TOS|IP_OPTIONS|IP_IF|IP_DSTADDR|IP_LOCADDR)=' <<<"$got" | tr '\n' ' ')" \
	"IP_DSTADDR=127.0.0.1 IP_IF=lo IP_LOCADDR=127.0.0.1 IP_OPTIONS=x01010100 IP_TOS=40 IP_TTL=33 " \
	"UDP4-RECVFROM: pktinfo, options (hex), tos and ttl exported"
like "$(grep '^DUCT_TIMESTAMP=' "$T_TMP/d4.env" | sed 's/^DUCT_//')" "${TS_RE}" \
	"UDP4-RECVFROM: TIMESTAMP in socat's form (ctime, microseconds)"
if have socat; then
	run_recvfrom socat 4 "$V4OPTS" s4
	is "$got" "$(norm_env "$T_TMP/s4.env")" "UDP4-RECVFROM: the same ancillary variables as socat"
	is "$(norm_anc "$T_TMP/d4.log")" "$(norm_anc "$T_TMP/s4.log")" \
		"UDP4-RECVFROM: the same 'ancillary message' log lines as socat (debug, info, notice)"
else
	skip "no socat"; skip "no socat"
fi
like "$(grep -i 'ancillary message' "$T_TMP/d4.log")" "\] N Ancillary message: ttl=33" \
	"UDP4-RECVFROM: the ttl notice as socat 1.7.4"
like "$(grep -i 'ancillary message' "$T_TMP/d4.log")" "\] I ancillary message: IP_OPTIONS: options=x01010100" \
	"UDP4-RECVFROM: the options at info level"

# ------------------------------------------------------------ IPv6 RECVFROM
if python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' 2>/dev/null; then
	run_recvfrom "$DUCT" 6 "$V6OPTS" d6
	got=$(norm_env "$T_TMP/d6.env")
	is "$(tr '\n' ' ' <<<"$got")" \
		"IPV6_DSTADDR=[0000:0000:0000:0000:0000:0000:0000:0001] IPV6_HOPLIMIT=33 IPV6_IF=lo IPV6_TCLASS=x00000028 TIMESTAMP=<time> " \
		"UDP6-RECVFROM: destination, interface, hop limit, class (hex) and timestamp exported"
	if have socat; then
		run_recvfrom socat 6 "$V6OPTS" s6
		is "$got" "$(norm_env "$T_TMP/s6.env")" "UDP6-RECVFROM: the same ancillary variables as socat"
		is "$(norm_anc "$T_TMP/d6.log")" "$(norm_anc "$T_TMP/s6.log")" \
			"UDP6-RECVFROM: the same 'ancillary message' log lines as socat"
	else
		skip "no socat"; skip "no socat"
	fi
else
	skip "no IPv6 loopback"; skip "no IPv6 loopback"; skip "no IPv6 loopback"
fi

# ------------------------------------------------------------ RECV: logged, data passes
run_recv() { # run_recv PROG NAME
	local p; p=$(free_port udp)
	bg "$1" -d -d -d -u UDP4-RECV:"$p,$V4OPTS" OPEN:"$T_TMP/$2.out",creat,trunc 2>"$T_TMP/$2.log"
	local pid=$BG_PID
	wait_for 5 udp_bound "$p"
	send 4 "$p"
	wait_for 5 test -s "$T_TMP/$2.out"
	wait_for 5 log_has "$T_TMP/$2.log" 'IP_OPTIONS'
	stop "$pid"
}
run_recv "$DUCT" r4
is "$(cat "$T_TMP/r4.out")" "hi" "UDP4-RECV with ancillary options: the data passes"
like "$(norm_anc "$T_TMP/r4.log" | tr '\n' ' ')" \
	"I ancillary message: IP_PKTINFO: if=lo .*I ancillary message: IP_TTL: ttl=33 .*IP_OPTIONS: options=x01010100" \
	"UDP4-RECV: every control message logged"
if have socat; then
	run_recv socat rs4
	is "$(norm_anc "$T_TMP/r4.log" | grep -v '^D')" "$(norm_anc "$T_TMP/rs4.log" | grep -v '^D')" \
		"UDP4-RECV: the same 'ancillary message' lines as socat"
else
	skip "no socat"
fi

# ------------------------------------------------------------ IP4-RECVFROM (raw): the same for raw IP
if python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, 253)' 2>/dev/null; then
	run_raw() { # run_raw PROG NAME
		rm -f "$T_TMP/$2.env"
		bg "$1" -d -d -d IP4-RECVFROM:253,ip-recvttl,ip-recvtos,fork SYSTEM:"$T_TMP/dumpenv.sh $T_TMP/$2.env" \
			2>"$T_TMP/$2.log"
		local pid=$BG_PID
		wait_for 5 log_has "$T_TMP/$2.log" 'receiving on'
		send 4 0 253
		wait_for 5 test -s "$T_TMP/$2.env"
		stop "$pid"
		touch "$T_TMP/$2.env"
	}
	run_raw "$DUCT" ip4
	got=$(norm_env "$T_TMP/ip4.env")
	is "$(tr '\n' ' ' <<<"$got")" "IP_TOS=40 IP_TTL=33 " "IP4-RECVFROM: tos and ttl exported"
	if have socat; then
		run_raw socat ips4
		is "$got" "$(norm_env "$T_TMP/ips4.env")" "IP4-RECVFROM: the same ancillary variables as socat"
	else
		skip "no socat"
	fi
else
	skip "no raw sockets (CAP_NET_RAW)"; skip "no raw sockets (CAP_NET_RAW)"
fi

done_testing
