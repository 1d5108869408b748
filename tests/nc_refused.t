#!/bin/bash
# Flags duct nc parses but does not implement are refused, never silently ignored: exit 1, one
# line on stderr naming the flag, nothing listened on or connected to. (--broker, --chat and
# --keep-open without a program are implemented now: tests/nc_broker.t; the combinations ncat
# itself refuses are refused here in its words, with its exit status 2.)
. "$(dirname "$0")/lib/tap.sh"
[ -x "$DUCT" ] || skip_all "no duct binary at $DUCT"

P=$(free_port)

# refused EXPECTED-REGEX FACE ARGS... (refused_with STATUS ...: another exit status)
refused() { refused_with 1 "$@"; }
refused_with() {
	local want=$1 re=$2; shift 2
	local d=$T_TMP/r$T_N
	run_to 5 "$DUCT" "$@" </dev/null >"$d.out" 2>"$d.err"
	local rc=$? lines
	lines=$(wc -l <"$d.err")
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] && [ ! -s "$d.out" ] && grep -Eq -- "$re" "$d.err"; then
		ok 0 "$* refused"
	else
		ok 1 "$* refused"
		diag "status $rc, $lines stderr lines: $(head -3 "$d.err" | tr '\n' '|')"
	fi
}

refused_with 2 "^Ncat: Invalid option combination: \`--chat' with connect\. QUITTING\.\$" ncat --chat 127.0.0.1 "$P"
refused_with 2 '^nc: Invalid option combination' nc --chat 127.0.0.1 "$P"
refused_with 2 '^Ncat: UDP mode does not support connection brokering\. QUITTING\.$' ncat -u --broker -l "$P"
refused_with 2 '^Ncat: UDP mode does not support the -k or --keep-open options, except with --exec or --sh-exec\. QUITTING\.$' ncat -u --keep-open -l "$P"
refused_with 2 '^Ncat: UDP mode does not support the -k' ncat -u -lk 127.0.0.1 "$P"
if have ncat; then
	for args in "--chat 127.0.0.1 $P" "-u --broker -l $P" "-u --keep-open -l $P"; do
		run_to 5 ncat $args </dev/null >/dev/null 2>"$T_TMP/n.err"; rc=$?
		# (ncat explains UDP brokering on three more lines; duct keeps to one)
		is "$rc|$(head -1 "$T_TMP/n.err" | sed 's/ QUITTING\.$//')" \
			"2|$(run_to 5 $DUCT ncat $args </dev/null 2>&1 >/dev/null | sed 's/ QUITTING\.$//')" \
			"ncat $args: the same message and status as ncat"
	done
else
	skip "ncat not installed"
fi
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
