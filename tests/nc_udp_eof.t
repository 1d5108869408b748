#!/bin/bash
# nc with stdin at EOF and stdout's reader gone (`nc -u HOST PORT </dev/null | true`): nc.openbsd
# polls stdout, takes the error there as the end of network -> stdout and, stdin being done too,
# exits 0 at once. duct nc (and ncat) must not wait on the network forever either.
. "$(dirname "$0")/lib/tap.sh"
need_duct

# ends CMD...: CMD </dev/null | true, bounded at 3 s; sets RC (124: it hung)
ends() { run_to 3 "$@" </dev/null 2>"$T_TMP/err.$T_N" | true; RC=${PIPESTATUS[0]}; }

P=$(free_port udp)
bg "$DUCT" -u "UDP-RECV:$P,bind=127.0.0.1" /dev/null 2>/dev/null
wait_for 5 udp_bound "$P" || diag "UDP listener on $P not up"
T=$(free_port)
# EXEC:sleep 10: a peer that never answers (not a wait)
bg "$DUCT" "TCP-LISTEN:$T,bind=127.0.0.1,fork,reuseaddr" "EXEC:sleep 10" 2>/dev/null
wait_for 5 tcp_listening "$T" || diag "TCP listener on $T not up"

ends "$DUCT" nc -u 127.0.0.1 "$P"; duct_udp=$RC
isnt "$duct_udp" 124 "duct nc -u, stdin at EOF, stdout's reader gone: ends within 3 s"
ends "$DUCT" nc 127.0.0.1 "$T"; duct_tcp=$RC
isnt "$duct_tcp" 124 "duct nc (TCP), stdin at EOF, stdout's reader gone: ends within 3 s"
is "$(cat "$T_TMP"/err.* 2>/dev/null)" "" "nothing on stderr"
if have nc.openbsd; then
	ends nc.openbsd -u 127.0.0.1 "$P"
	is "$duct_udp" "$RC" "UDP: same exit status as nc.openbsd ($RC)"
	ends nc.openbsd 127.0.0.1 "$T"
	is "$duct_tcp" "$RC" "TCP: same exit status as nc.openbsd ($RC)"
else
	skip "no nc.openbsd"; skip "no nc.openbsd"
fi
ends "$DUCT" ncat -u 127.0.0.1 "$P"; duct_ncat=$RC
isnt "$duct_ncat" 124 "duct ncat -u: ends within 3 s"
if have ncat; then
	ends ncat -u 127.0.0.1 "$P"
	is "$duct_ncat" "$RC" "ncat -u: same exit status as ncat ($RC)"
else
	skip "no ncat"
fi

# stdin still open: only the network -> stdout direction ends; nc goes on reading stdin
# until it ends (as nc.openbsd), and then exits 0
s=$(date +%s%N)
# the delay before the data is part of the case (not a readiness wait)
(sleep 1; echo hi) | run_to 5 "$DUCT" nc -u 127.0.0.1 "$P" 2>/dev/null | true
rc=${PIPESTATUS[1]}
ms=$(( ($(date +%s%N) - s) / 1000000 ))
is "$rc" 0 "stdout gone, stdin open: exit 0 once stdin ends"
ok "$([ "$ms" -ge 800 ] && [ "$ms" -lt 4000 ]; echo $?)" "stdout gone, stdin open: runs until stdin ends (${ms} ms)"

done_testing
