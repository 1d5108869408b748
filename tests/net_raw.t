#!/usr/bin/env bash
# Network families, the rest: raw IP, TUN and INTERFACE inside a network namespace this test
# creates (skipped when not root), SOCKET-* generic sockets, ACCEPT-FD, and the kernels'
# optional families (SCTP, DCCP, VSOCK: work or say "not supported by this kernel").
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
export DUCT T_TMP

# ------------------------------------------------------------ namespace checks (root)
if [ "$(id -u)" != 0 ] || ! have unshare || ! have ip || ! unshare -n true 2>/dev/null; then
	for w in "raw IP" "raw IP RECVFROM" "TUN" "TUN address" "INTERFACE" "INTERFACE socat" "INTERFACE filter"; do
		skip "$w: needs root and unshare -n"
	done
else
	cat >"$T_TMP/ns.sh" <<'SH'
set -u
# a bounded readiness poll (5 s) of its own: this script runs in the namespace without tap.sh
poll() { for _ in $(seq 1 250); do "$@" >/dev/null 2>&1 && return 0; sleep 0.02; done; return 1; }
ip link set lo up
# raw IP: IP4-RECV gets the payload (IP header removed) of what IP4-SENDTO sends
"$DUCT" -u IP4-RECV:253 OPEN:"$T_TMP/raw.out",creat 2>"$T_TMP/raw.err" & r=$!
poll grep -q ':00FD ' /proc/net/raw
printf 'raw payload' | "$DUCT" -u - IP4-SENDTO:127.0.0.1:253 2>>"$T_TMP/raw.err"
poll grep -q 'raw payload' "$T_TMP/raw.out"
echo "raw=$(cat "$T_TMP/raw.out")"
kill $r; wait $r 2>/dev/null
# raw IP RECVFROM answers the sender
"$DUCT" IP4-RECVFROM:254,fork PIPE 2>>"$T_TMP/raw.err" & r=$!
poll grep -q ':00FE ' /proc/net/raw
# (a raw socket also reads its own replies on lo: the echo bounces; take the first bytes)
echo "recvfrom=$(printf 'ping' | timeout 5 "$DUCT" -T 0.5 IP4-SENDTO:127.0.0.1:254 - 2>>"$T_TMP/raw.err" | head -c 4)"
kill $r; wait $r 2>/dev/null
# TUN with an address: a UDP datagram routed into it comes out of duct as an IPv4 packet
"$DUCT" -d -d -u TUN:192.0.2.1/24,tun-name=dtun0,iff-up,iff-no-pi OPEN:"$T_TMP/tun.out",creat 2>"$T_TMP/tun.err" & t=$!
poll sh -c 'ip -o link show dtun0 | grep -q "UP"'
echo "tunaddr=$(ip -o -4 addr show dtun0 | awk '{print $4}')"
printf 'through tun' | "$DUCT" -u - UDP4-SENDTO:192.0.2.2:9999 2>/dev/null
poll grep -q 'through tun' "$T_TMP/tun.out"
echo "tun=$(grep -c 'through tun' "$T_TMP/tun.out")"
echo "tunhex=$(od -An -tx1 -v "$T_TMP/tun.out" | tr -d ' \n' | grep -o '45[0-9a-f]\{22\}c0000201c0000202' | head -1)"
kill $t; wait $t 2>/dev/null
# INTERFACE:lo reads the frames lo receives, not the ones this host sends: on lo every frame
# passes twice (outgoing, then incoming) and socat reads it once. A UDP listener keeps the
# ICMP port unreachable (which quotes the payload) away; the second datagram marks the end.
"$DUCT" -u UDP4-RECV:9 /dev/null 2>/dev/null & u=$!
poll grep -q ':0009 ' /proc/net/udp
iface_count() { # iface_count NAME PROGRAM: how often the marker came through
	local name=$1; shift
	rm -f "$T_TMP/if.out"
	"$@" -u INTERFACE:lo OPEN:"$T_TMP/if.out",creat 2>"$T_TMP/if.err" & f=$!
	poll grep -q ' 0003   1 ' /proc/net/packet
	printf 'frame marker' | "$DUCT" -u - UDP4-SENDTO:127.0.0.1:9 2>/dev/null
	printf 'end of frames' | "$DUCT" -u - UDP4-SENDTO:127.0.0.1:9 2>/dev/null
	poll grep -q -a 'end of frames' "$T_TMP/if.out"
	echo "$name=$(grep -o -a 'frame marker' "$T_TMP/if.out" | wc -l)"
	kill $f; wait $f 2>/dev/null
}
iface_count iface "$DUCT"
if command -v socat >/dev/null; then iface_count iface_socat socat; else echo "iface_socat=none"; fi
# kernels before 4.20 lack PACKET_IGNORE_OUTGOING: a socket filter drops the outgoing frames
if [ -n "${PRELOAD:-}" ]; then LD_PRELOAD=$PRELOAD iface_count iface_nosockopt "$DUCT"; fi
kill $u; wait $u 2>/dev/null
SH
	# a setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING) that fails as on an old kernel
	PRELOAD=""
	if have cc && cat >"$T_TMP/noig.c" <<'C' && cc -shared -fPIC -o "$T_TMP/noig.so" "$T_TMP/noig.c" -ldl 2>/dev/null; then
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/socket.h>
int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	static int (*real)(int, int, int, const void *, socklen_t);
	if (level == 263 /* SOL_PACKET */ && name == 23 /* PACKET_IGNORE_OUTGOING */) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (!real)
		real = (int (*)(int, int, int, const void *, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
	return real(fd, level, name, val, len);
}
C
		PRELOAD="$T_TMP/noig.so"
	fi
	export PRELOAD
	out=$(timeout 60 unshare -n bash "$T_TMP/ns.sh" 2>&1)
	like "$out" "raw=raw payload" "IP4-SENDTO -> IP4-RECV:253 in a namespace (IP header removed)"
	like "$out" "recvfrom=ping" "IP4-RECVFROM,fork answers the sender"
	like "$out" "tunaddr=192.0.2.1/24" "TUN:192.0.2.1/24,iff-up: the interface has the address"
	like "$out" "tun=[1-9]" "a datagram routed into the TUN comes out of duct"
	like "$out" "tunhex=45[0-9a-f]{22}c0000201c0000202" "... as an IPv4 packet 192.0.2.1 -> 192.0.2.2"
	like "$out" "iface=1" "INTERFACE:lo reads a frame lo receives once, not the copy this host sends"
	# socat 1.8 sets PACKET_IGNORE_OUTGOING as duct does; Debian's 1.7.4 reads both copies
	socat_n=$(printf '%s\n' "$out" | sed -n 's/^iface_socat=//p')
	if [ "$socat_n" = none ]; then skip "socat not installed: no comparison"
	elif socat -V 2>/dev/null | grep -q 'socat version 1\.7'; then
		is "$socat_n" 2 "... socat 1.7 reads both copies (1.8 ignores the outgoing one, as duct)"
	else is "$socat_n" 1 "... socat reads it once too"; fi
	if [ -n "$PRELOAD" ]; then
		like "$out" "iface_nosockopt=1" "... without PACKET_IGNORE_OUTGOING (before Linux 4.20) a socket filter drops it"
	else skip "no C compiler for the PACKET_IGNORE_OUTGOING shim"; fi
	[ -s "$T_TMP/raw.err" ] && diag "$(head -5 "$T_TMP/raw.err")"
fi

# ------------------------------------------------------------ SOCKET-* generic sockets
p=$(free_port tcp)
hexport=$(printf '%04x' "$p")
bg "$DUCT" SOCKET-LISTEN:2:6:x${hexport}7f000001x0000000000000000,fork PIPE 2>/dev/null; gl=$BG_PID
wait_for 5 tcp_listening "$p"
is "$(ss_tcp "$p")" "LISTEN 127.0.0.1:$p" "SOCKET-LISTEN:2:6:<dalan> listens on 127.0.0.1:$p"
got=$(printf generic | timeout 5 "$DUCT" -t 1 SOCKET-CONNECT:2:6:x${hexport}7f000001x0000000000000000 - 2>/dev/null)
is "$got" "generic" "SOCKET-CONNECT reaches it"
stop "$gl"
up=$(free_port udp)
hexu=$(printf '%04x' "$up")
bg "$DUCT" SOCKET-RECVFROM:2:2:17:x${hexu}7f000001x0000000000000000,fork PIPE 2>/dev/null; gr=$BG_PID
wait_for 5 udp_bound "$up"
got=$(printf 'gdgram\n' | timeout 5 "$DUCT" -T 1 SOCKET-SENDTO:2:2:17:x${hexu}7f000001x0000000000000000 - 2>/dev/null)
is "$got" "gdgram" "SOCKET-SENDTO / SOCKET-RECVFROM datagrams"
stop "$gr"

# ------------------------------------------------------------ ACCEPT-FD
if have python3; then
	python3 - "$DUCT" "$T_TMP/afd.port" <<'PY' 2>/dev/null & afd=$!; track "$afd"
import os, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[2], "w").write(str(s.getsockname()[1]))
os.set_inheritable(s.fileno(), True)
os.execv(sys.argv[1], [sys.argv[1], "ACCEPT-FD:%d,fork" % s.fileno(), "PIPE"])
PY
	wait_for 5 test -s "$T_TMP/afd.port"
	got=$(printf inherited | timeout 5 "$DUCT" -t 1 TCP:127.0.0.1:"$(cat "$T_TMP/afd.port")" - 2>/dev/null)
	is "$got" "inherited" "ACCEPT-FD:<fd>,fork accepts on an inherited listening socket"
	stop "$afd"
else skip "python3 needed"; fi
cap 5 "$DUCT" ACCEPT-FD:0 /dev/null
is "$RC" 1 "ACCEPT-FD on a non-socket exits 1"

# ------------------------------------------------------------ optional kernel families
kernel_family() { # kernel_family NAME LISTEN-ADDRESS
	cap 5 "$DUCT" -d -d "$2" /dev/null
	if [ "$RC" = 1 ] && printf %s "$ERR" | grep -q "not supported by this kernel"; then
		ok 0 "$1: a clear 'not supported by this kernel' error here"
	elif printf %s "$ERR" | grep -q "listening on"; then
		ok 0 "$1: the kernel has it, the listener started"
	else
		ok 1 "$1: neither works nor says 'not supported' ($ERR)"
	fi
}
kernel_family SCTP SCTP-LISTEN:0,accept-timeout=0.2
kernel_family DCCP DCCP-LISTEN:0,accept-timeout=0.2
cap 5 "$DUCT" VSOCK-CONNECT:1:9999 -
is "$RC" 1 "VSOCK-CONNECT to nothing exits 1 (no crash)"
cap 5 "$DUCT" TUN:1.2.3.4/99 /dev/null
is "$RC" 1 "TUN with a bad prefix exits 1"

done_testing
