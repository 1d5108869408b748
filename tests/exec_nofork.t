#!/usr/bin/env bash
# Issue 15, EXEC/SYSTEM: socktype= on the default socketpair (message boundaries kept) and
# f-setpipe-sz with pipes (the user's size, not the engine's). Differential against socat 1.7.4
# where it has the feature (socktype; 1.7.4 has no f-setpipe-sz).
. "$(dirname "$0")/lib/tap.sh"
have python3 || skip_all "python3 needed"

# the child sleeps before reading, so a stream would hand it all three writes at once
cat >"$T_TMP/dg.py" <<'PY'
import socket, sys, time
s = socket.socket(fileno=0)
time.sleep(0.6)
out = []
for _ in range(3):
    out.append(s.recv(100))
s.send(b"|".join(out) + b"\n")
PY
for t in 2 5; do
	capsh 10 "(printf aaa; sleep 0.1; printf bb; sleep 0.1; printf c; sleep 1) | \"\$DUCT\" - EXEC:'python3 $T_TMP/dg.py',socktype=$t"
	is "$RC:$OUT" "0:aaa|bb|c" "EXEC socktype=$t: each write reaches the program as one message"
	if have socat; then
		capsh 10 "(printf aaa; sleep 0.1; printf bb; sleep 0.1; printf c; sleep 1) | socat - EXEC:'python3 $T_TMP/dg.py',socktype=$t"
		is "$RC:$OUT" "0:aaa|bb|c" "socat 1.7.4 does the same (socktype=$t)"
	else
		skip "socat not installed"
	fi
done
capsh 10 "\"\$DUCT\" - SYSTEM:'cat',socktype=7"
isnt "$RC" 0 "socktype=7: refused"
like "$ERR" 'SYSTEM: socketpair\(AF_UNIX, 7, 0\).*socktype= takes' "the error names the call and the values"

cat >"$T_TMP/psz.py" <<'PY'
import fcntl, sys
F_GETPIPE_SZ = 1032
sys.stdout.write(sys.stdin.read().strip() + " %d %d\n" % (fcntl.fcntl(0, F_GETPIPE_SZ), fcntl.fcntl(1, F_GETPIPE_SZ)))
PY
capsh 10 "echo hi | \"\$DUCT\" -t 5 - EXEC:'python3 $T_TMP/psz.py',pipes,f-setpipe-sz=8192"
is "$RC:$OUT" "0:hi 8192 8192" "EXEC pipes,f-setpipe-sz=8192: both pipes keep the user's size"
capsh 10 "echo hi | \"\$DUCT\" -t 5 - SYSTEM:'python3 $T_TMP/psz.py',pipes,pipesz=4096"
is "$RC:$OUT" "0:hi 4096 4096" "SYSTEM pipes,pipesz=4096 (the alias) as well"
done_testing
