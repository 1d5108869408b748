#!/usr/bin/env bash
# The seed's FIFO repeater, on loopback:
#   nc -l -p TCP < fifo | nc -u -l -p UDP > fifo
# A UDP client's datagram reaches the TCP client and the TCP client's line reaches the UDP
# client; when the clients go, the TCP side ends, and the UDP side (stdin at EOF, its stdout
# the FIFO nobody reads any more) must end too, as with nc.openbsd, instead of lingering.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct

# repeater NAME NC...: run the repeater and both clients with NC; sets REP_RC (124: the
# repeater lingered), TCP_GOT, UDP_GOT, CLI_RC
repeater() {
	local name=$1; shift
	local d="$T_TMP/$name"
	mkdir -p "$d" && mkfifo "$d/fifo"
	local tp up
	tp=$(free_port) up=$(free_port udp)
	export REP_D=$d REP_TP=$tp REP_UP=$up
	bg bash -c '"$@" -l -p "$REP_TP" <"$REP_D/fifo" | "$@" -u -l -p "$REP_UP" >"$REP_D/fifo"' rep "$@" 2>"$d/rep.err"
	local R=$BG_PID
	wait_for 5 tcp_listening "$tp"
	wait_for 5 udp_bound "$up"
	# the UDP client speaks first (the UDP side learns its peer from it) and stays for the reply
	# the sleeps keep the clients' stdin open while the replies come back (not readiness waits)
	(echo "hello-udp-$name"; sleep 2) | run_to 8 "$@" -u -q1 127.0.0.1 "$up" >"$d/udp.out" 2>"$d/udp.err" &
	local U=$!
	# readiness: the UDP side has taken the client as its peer (connected to it)
	wait_for 5 sh -c "ss -Huan 'sport = :$up' | grep -q ESTAB"
	(echo "hello-tcp-$name"; sleep 1) | run_to 8 "$@" -q1 127.0.0.1 "$tp" >"$d/tcp.out" 2>"$d/tcp.err" &
	local T=$!
	wait "$T"; local trc=$?
	wait "$U"; local urc=$?
	CLI_RC="$trc $urc"
	wait_pid 5 "$R"; REP_RC=$?
	[ "$REP_RC" = 124 ] && kill_group "$R"
	TCP_GOT=$(cat "$d/tcp.out") UDP_GOT=$(cat "$d/udp.out")
}

repeater duct "$DUCT" nc
is "$TCP_GOT" "hello-udp-duct" "the UDP client's datagram reaches the TCP client through the FIFO"
is "$UDP_GOT" "hello-tcp-duct" "the TCP client's line reaches the UDP client"
is "$CLI_RC" "0 0" "both clients end with 0"
isnt "$REP_RC" 124 "once the clients have gone, both repeater processes end (within 5 s)"
is "$REP_RC" 0 "... with status 0"

if have nc.openbsd; then
	repeater openbsd nc.openbsd
	is "$TCP_GOT $UDP_GOT $CLI_RC $REP_RC" "hello-udp-openbsd hello-tcp-openbsd 0 0 0" "nc.openbsd, same repeater: the same"
else
	skip "no nc.openbsd"
fi
done_testing
