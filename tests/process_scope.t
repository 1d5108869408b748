#!/usr/bin/env bash
# The PH_INIT settings of one address (umask=, chdir=, netns=) last while that address opens,
# not longer: the other address opens with duct's own umask, directory and network namespace,
# even when the first one is open at once (a file, UDP-SENDTO to a literal address) and the
# runner opens the second from its delivery. And every socket of a netns= address is made in
# that namespace: after a name lookup, on a client fork's next connection.
# socat 1.7.4 (which has no netns=) keeps umask= for the rest of the process; duct restores
# it, as its help says ("umask while opening the address (restored afterwards)").
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct

# ---- umask= and chdir= end with their address
cd "$T_TMP" || exit 1
mkdir sub
umask 022
cap 5 "$DUCT" OPEN:f1,creat,umask=077 OPEN:f2,creat
is "$RC $(stat -c %a f1 2>/dev/null) $(stat -c %a f2 2>/dev/null)" "0 600 644" "umask=077 on address 1: its file 0600, address 2's file 0644 (our umask 022 again)"
if have socat; then
	rm -f s1 s2
	timeout 5 socat OPEN:s1,creat,umask=077 OPEN:s2,creat </dev/null >/dev/null 2>&1
	diag "socat 1.7.4, same command: s1 $(stat -c %a s1 2>/dev/null), s2 $(stat -c %a s2 2>/dev/null) (socat keeps the umask)"
fi
cap 5 "$DUCT" OPEN:f3,creat OPEN:f4,creat,umask=027
is "$RC $(stat -c %a f3 2>/dev/null) $(stat -c %a f4 2>/dev/null)" "0 644 640" "umask=027 on address 2 only: address 1's file 0644, address 2's 0640"
cap 5 "$DUCT" OPEN:c1,creat,chdir=sub OPEN:c2,creat
is "$RC $( [ -e sub/c1 ] && echo sub/c1) $( [ -e c2 ] && echo c2)" "0 sub/c1 c2" "chdir=sub on address 1: address 2 opens in our own directory"
cd - >/dev/null || exit 1

# ---- netns=
NS=duct-t-$$
if [ "$(id -u)" != 0 ] || ! have ip || ! ip netns add "$NS" 2>/dev/null; then
	for i in 1 2 3 4 5 6; do skip "netns: needs root and ip netns add"; done
	done_testing
fi
ns_cleanup() { ip netns del "$NS" 2>/dev/null; }
trap 'ns_cleanup; t_cleanup' EXIT
ip netns exec "$NS" ip link set lo up
IN() { ip netns exec "$NS" "$@"; }
ns_tcp_listening() { IN ss -Htln "sport = :$1" | grep -q .; }
ns_udp_bound() { IN ss -Huln "sport = :$1" | grep -q .; }

# address 1 is UDP-SENDTO to a literal (open at once), address 2 a listener in our namespace:
# data from a client of the listener arrives at a receiver inside the namespace
for host in 127.0.0.1 localhost; do
	up=$(free_port udp)
	bg_out() { "$@" >"$T_TMP/recv.$host" 2>/dev/null & BG_PID=$!; track "$BG_PID"; }
	bg_out ip netns exec "$NS" "$DUCT" -u "UDP-RECV:$up,bind=127.0.0.1" STDOUT
	R=$BG_PID
	wait_for 5 ns_udp_bound "$up"
	tp=$(free_port)
	bg "$DUCT" "UDP-SENDTO:$host:$up,netns=$NS" "TCP-LISTEN:$tp,bind=127.0.0.1,reuseaddr" 2>"$T_TMP/s.$host.err"
	S=$BG_PID
	wait_for 5 sh -c "ss -Htln 'sport = :$tp' | grep -q . || ip netns exec $NS ss -Htln 'sport = :$tp' | grep -q ."
	ok "$(tcp_listening "$tp" && ! ns_tcp_listening "$tp"; echo $?)" "UDP-SENDTO:$host,netns= then TCP-LISTEN: the listener is in our namespace, not in $NS"
	printf 'via-%s\n' "$host" | run_to 5 "$DUCT" -u STDIN "TCP:127.0.0.1:$tp" 2>/dev/null
	wait_for 5 grep -q "via-$host" "$T_TMP/recv.$host"
	is "$(cat "$T_TMP/recv.$host")" "via-$host" "... and UDP-SENDTO:$host sends from inside $NS (the receiver there gets the data)"
	kill_group "$S"; wait_pid 5 "$S" >/dev/null 2>&1
	kill "$R" 2>/dev/null; wait_pid 5 "$R" >/dev/null 2>&1
done

# a client fork makes every connection in the namespace: a server on the same port in ours
# and in $NS answers with where it is
p=$(free_port)
bg ip netns exec "$NS" "$DUCT" "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'echo ns' 2>/dev/null
NSRV=$BG_PID
bg "$DUCT" "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'echo root' 2>/dev/null
RSRV=$BG_PID
wait_for 5 ns_tcp_listening "$p"
wait_for 5 tcp_listening "$p"
: >"$T_TMP/fork.out"
bg "$DUCT" -u "TCP:127.0.0.1:$p,netns=$NS,fork,interval=0.05" "OPEN:$T_TMP/fork.out,creat,append" 2>/dev/null
C=$BG_PID
wait_for 10 sh -c "[ \$(wc -l <'$T_TMP/fork.out') -ge 4 ]"
kill_group "$C"; wait_pid 5 "$C" >/dev/null 2>&1
is "$(sort -u "$T_TMP/fork.out" | tr '\n' ' ')" "ns " "TCP,netns=,fork: every connection ($(wc -l <"$T_TMP/fork.out") of them) goes out from $NS"
kill_group "$NSRV"; wait_pid 5 "$NSRV" >/dev/null 2>&1
kill_group "$RSRV"; wait_pid 5 "$RSRV" >/dev/null 2>&1

# PH_INIT of address 1 fails (no such namespace): duct reports it and stays where it was
cap 5 "$DUCT" "TCP-LISTEN:0,netns=no-such-ns-$$" STDOUT
like "$ERR" "ip netns add" "a missing namespace: the error says how to create it"
done_testing
