#!/bin/bash
# Flags duct nc parses but does not implement are refused, never silently ignored: exit 1, one
# line on stderr naming the flag, nothing listened on or connected to.
. "$(dirname "$0")/lib/tap.sh"
[ -x "$DUCT" ] || skip_all "no duct binary at $DUCT"

P=$(free_port)

# refused EXPECTED-REGEX FACE ARGS...
refused() {
	local re=$1; shift
	local d=$T_TMP/r$T_N
	run_to 5 "$DUCT" "$@" </dev/null >"$d.out" 2>"$d.err"
	local rc=$? lines
	lines=$(wc -l <"$d.err")
	if [ "$rc" = 1 ] && [ "$lines" = 1 ] && [ ! -s "$d.out" ] && grep -Eq -- "$re" "$d.err"; then
		ok 0 "$* refused"
	else
		ok 1 "$* refused"
		diag "status $rc, $lines stderr lines: $(head -3 "$d.err" | tr '\n' '|')"
	fi
}

refused '^nc: --broker is not supported by duct nc yet' nc --broker -l 127.0.0.1 "$P"
refused '^Ncat: --broker is not supported by duct nc yet .* QUITTING\.$' ncat --broker -l 127.0.0.1 "$P"
refused '^nc: --chat is not supported by duct nc yet' nc --chat -l 127.0.0.1 "$P"
refused '^Ncat: --chat is not supported by duct nc yet' ncat --chat -l "$P"
refused '^Ncat: --keep-open without -e/-c/--sh-exec is not supported by duct nc yet' ncat -lk "$P"
refused '^Ncat: --keep-open without -e/-c/--sh-exec is not supported by duct nc yet' ncat --keep-open -l 127.0.0.1 "$P"
refused '^Ncat: --keep-open without -e/-c/--sh-exec is not supported by duct nc yet' ncat -u --keep-open -l "$P"
! tcp_listening "$P"; ok $? "nothing was left listening on the refused ports"

# Not refused: OpenBSD -d (no stdin) and -i with -z (paces the scan); -k with a program;
# -i, -d/--delay and -W in data mode (tests/nc_pacing.t checks what they do).
for args in "nc -i 1" "ncat -d 1" "nc --delay 500ms" "nc -W 3" "nc -u -W 1"; do
	run_to 5 $DUCT $args 127.0.0.1 "$(free_port)" </dev/null >"$T_TMP/a.out" 2>"$T_TMP/a.err"
	! grep -q 'not supported' "$T_TMP/a.err"; ok $? "$args is accepted in data mode"
done
run_to 5 $DUCT nc -z -i 0 127.0.0.1 "$P" >"$T_TMP/z.out" 2>"$T_TMP/z.err"
! grep -q 'not supported' "$T_TMP/z.err"; ok $? "-i with -z is accepted (paces the scan)"
run_to 5 $DUCT nc -d -z 127.0.0.1 "$P" >"$T_TMP/d.out" 2>"$T_TMP/d.err"
! grep -q 'not supported' "$T_TMP/d.err"; ok $? "OpenBSD -d (no stdin) is accepted"

bg $DUCT ncat -l 127.0.0.1 "$P" --keep-open --sh-exec 'echo hi'; K=$BG_PID
wait_for 5 tcp_listening "$P"; ok $? "--keep-open with --sh-exec still listens"
is "$(run_to 5 $DUCT nc -N 127.0.0.1 "$P" </dev/null)" "hi" "--keep-open with --sh-exec serves a client"
kill_group "$K"; wait_pid 5 "$K"
done_testing
