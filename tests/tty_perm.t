#!/usr/bin/env bash
# Issue 15: perm=, user=, group= on PTY apply to the slave (not to the master, whose inode is
# /dev/ptmx); user=, group= on PIPE:<path> apply to the FIFO it creates. Differential against
# socat 1.7.4.
. "$(dirname "$0")/lib/tap.sh"

# run "$1" ADDR-OPTS with PIPE as partner, print "mode user group" of the entry at $2 once it
# exists (bounded), then end it
entry_of() {
	local prog=$1 addr=$2 path=$3
	rm -f "$path"
	bg "$prog" "$addr" PIPE
	local pid=$BG_PID
	# the entry exists before its mode and owner are set: wait until the program waits for I/O
	wait_for 5 test -e "$path" && wait_for 5 io_waiting "$pid"
	stat -L -c '%a %u %g' "$path" 2>/dev/null
	kill_group "$pid"; wait_pid 5 "$pid" >/dev/null 2>&1
}
# vs_socat WANT_FROM_DUCT ADDR PATH DESC: socat 1.7.4 gives the entry the same (skip without it)
vs_socat() {
	if have socat; then is "$(entry_of socat "$2" "$3")" "$1" "$4"; else skip "socat not installed"; fi
}
ptmx_before=$(stat -c '%a %u %g %Z' /dev/ptmx 2>/dev/null)
got=$(entry_of "$DUCT" "PTY,link=$T_TMP/p1,perm=640" "$T_TMP/p1")
like "$got" '^640 ' "PTY perm=640: the slave gets the mode"
is "$(stat -c '%a %u %g %Z' /dev/ptmx 2>/dev/null)" "$ptmx_before" "/dev/ptmx is left alone"
vs_socat "$got" "PTY,link=$T_TMP/s1,perm=640" "$T_TMP/s1" "socat 1.7.4 gives the slave the same mode and owner"
if [ "$(id -u)" -eq 0 ]; then
	got=$(entry_of "$DUCT" "PTY,link=$T_TMP/p2,perm=600,user=65534,group=65534" "$T_TMP/p2")
	is "$got" "600 65534 65534" "PTY user=65534,group=65534: the slave's owner"
	got=$(entry_of "$DUCT" "PIPE:$T_TMP/f1,user=65534,group=65534,perm=640" "$T_TMP/f1")
	is "$got" "640 65534 65534" "PIPE:path user=,group=,perm=: the FIFO's owner and mode"
	vs_socat "$got" "PIPE:$T_TMP/f2,user=65534,group=65534,perm=640" "$T_TMP/f2" "socat 1.7.4 gives the FIFO the same"
else
	skip "user=/group= need root (chown to uid 65534)"
	skip "user=/group= need root"
	skip "user=/group= need root"
fi
done_testing
