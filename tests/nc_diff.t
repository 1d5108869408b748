#!/bin/bash
# Differential tests: the same command lines through `duct nc` and nc.openbsd (and `duct ncat`
# and ncat), comparing stdout, stderr (program-name prefix aside) and the exit status.
. "$(dirname "$0")/lib/tap.sh"
have nc.openbsd || skip_all "nc.openbsd is not installed"
have python3 || skip_all "python3 is needed for the fixtures"
[ -x "$DUCT" ] || skip_all "no duct binary at $DUCT"

F=$T_TMP/fixture.env
bg python3 "$TESTS_DIR/lib/nc_fixture.py" "$T_TMP" "$F"
wait_for 10 test -s "$F" || { echo "Bail out! fixture did not start"; exit 1; }
. "$F"

norm() { sed -e 's/^nc\.openbsd:/PROG:/' -e 's/^nc:/PROG:/' -e 's#/tmp/nc-[A-Za-z0-9]*/#/tmp/nc-X/#' \
	-e '/^Ncat: Version/d' -e 's/^ncat:/PROG:/'; }

# diff_case REF-PROGRAM DUCT-FACE ARGS...
diff_case() {
	local ref=$1 face=$2; shift 2
	local d=$T_TMP/c$T_N
	mkdir -p "$d"
	run_to 15 "$ref" "$@" </dev/null >"$d/ro" 2>"$d/re"; local rs=$?
	run_to 15 "$DUCT" "$face" "$@" </dev/null >"$d/do" 2>"$d/de"; local ds=$?
	local ro re do de
	ro=$(norm <"$d/ro"); re=$(norm <"$d/re"); do=$(norm <"$d/do"); de=$(norm <"$d/de")
	if [ "$ro" = "$do" ] && [ "$re" = "$de" ] && [ "$rs" = "$ds" ]; then
		ok 0 "$face $* (status $rs)"
	else
		ok 1 "$face $*"
		diag "ref status $rs, duct status $ds"
		diag "ref stderr: $(printf %s "$re" | head -5 | tr '\n' '|')"
		diag "duct stderr: $(printf %s "$de" | head -5 | tr '\n' '|')"
		[ "$ro" = "$do" ] || diag "stdout differs: ref '$ro' duct '$do'"
	fi
}
o() { diff_case nc.openbsd nc "$@"; }

R2=$((OPEN + 2))
# TCP: open, refused, names, numeric, lists and ranges
o -zv 127.0.0.1 "$OPEN"
o -z 127.0.0.1 "$OPEN"
o -zv 127.0.0.1 "$CLOSED"
o -z 127.0.0.1 "$CLOSED"
o -zvn 127.0.0.1 "$OPEN"
o -zv localhost "$OPEN"
o -4 -vz 127.0.0.1 "$OPEN"
o -zv 127.0.0.1 "$CLOSED" "$OPEN" "$CLOSED"
o -zv 127.0.0.1 "$OPEN-$R2"
o -zv 127.0.0.1 "$R2-$OPEN"
o -zvn 127.0.0.1 "$OPEN" "$CLOSED-$CLOSED"
o -zv 127.0.0.1 "$OPEN" -v
o -zvr 127.0.0.1 "$OPEN"
o -v 127.0.0.1 "$CLOSED"
o 127.0.0.1 "$CLOSED"
# IPv6
o -6 -vz ::1 "$OPEN"
o -6 -vz ::1 "$CLOSED"
o -zv ::1 "$OPEN" "$CLOSED"
o -4 -zv ::1 "$OPEN"
# timed out (the fixture's accept queue is full: SYNs are dropped)
o -zv -w1 127.0.0.1 "$BLACKHOLE"
o -zvn -w1 127.0.0.1 "$BLACKHOLE" "$OPEN"
# UDP
o -u -zv -w1 127.0.0.1 "$UDPOPEN"
o -u -zv 127.0.0.1 "$UDPCLOSED"
o -u -z 127.0.0.1 "$UDPCLOSED"
o -4 -u -vz -w1 127.0.0.1 "$UDPOPEN" "$UDPCLOSED"
o -4 -u -vz -w1 127.0.0.1 "$UDPCLOSED" "$UDPOPEN"
# unix stream and datagram
o -U -z "$STREAM"
o -U -zv "$STREAM"
o -U -z "$T_TMP/missing.sock"
o -uU -z "$DGRAM"
o -uU -zv "$DGRAM"
o -U -zv "$DGRAM"
o -uU -zv "$STREAM"
# bad ports, missing arguments, usage errors
o -zv 127.0.0.1 99999
o -zv 127.0.0.1 0
o -zv 127.0.0.1 abc
o -zv 127.0.0.1 "5-x"
o -zv 127.0.0.1 "x-5"
o -zv 127.0.0.1 "99999-5"
o
o 127.0.0.1
o -l
o -z
o -lz 4
o -k 127.0.0.1 5
o -Q
o -w
o -w abc 127.0.0.1 1
o -w 99999999999 127.0.0.1 1
o -q abc 127.0.0.1 1
o -T foo 127.0.0.1 1
o -I 0 127.0.0.1 1
o -M 256 127.0.0.1 1
o -U /tmp/x 5
o -lU
o -U
o -x foo -u 127.0.0.1 1
o -x foo -l 2
o -X 7 -x foo 127.0.0.1 1
o -l -p 5 127.0.0.1 7
o -l -s 127.0.0.1 9
o -F -U /x
o -V 1 127.0.0.1 1
o -zv nosuchhost.invalid 1
o -zvn localhost 1

if have ncat; then
	n() { diff_case ncat ncat "$@"; }
	n -z 127.0.0.1 "$OPEN"
	n -z 127.0.0.1 "$CLOSED"
	n -zv 127.0.0.1 "$CLOSED"
	n 127.0.0.1 "$CLOSED"
	n
	n 127.0.0.1 1-2
	n 127.0.0.1 1 2
	n 127.0.0.1 99999
	n --bogus
	n -Q
	n -w x 127.0.0.1 1
	n -i x 127.0.0.1 1
	n -l -s 127.0.0.1 -p 9
	n -U
	n -zU "$STREAM"
else
	skip "ncat is not installed"
fi
done_testing
