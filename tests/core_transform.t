#!/usr/bin/env bash
# Core issue: data-layer options: crnl/cr line terminators, readbytes, escape, ignoreeof, -b.
. "$(dirname "$0")/lib/tap.sh"
need_duct

hex() { od -An -tx1 -v "$1" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
# xf INPUT-PRINTF-FORMAT ARGS...: run duct with that input; sets RC, HEX (output bytes in hex)
xf() {
	printf "$1" >"$T_TMP/in"; shift
	CAP_IN=$T_TMP/in cap 5 "$DUCT" "$@"
	HEX=$(hex "$T_TMP/cap.out")
}

# xf_table: one case a line, "INPUT | HEX EXPECTED | NAME | DUCT ARGS" (ARGS in shell words):
# each relays INPUT (printf notation) and must exit 0 with exactly those bytes
xf_table() {
	local input expect name args
	while IFS='|' read -r input expect name args; do
		input=$(echo $input) expect=$(echo $expect) name=$(echo $name)
		[ -n "$args" ] || continue
		eval "set -- $args"
		xf "$input" "$@"
		is "$RC:$HEX" "0:$expect" "$name"
	done
}

# ---------------------------------------------------------------- crnl / cr
xf_table <<'CASES'
a\nb\n       | 61 0d 0a 62 0d 0a | to crnl: LF becomes CRLF                                        | -u STDIN STDOUT,crnl
a\r\nb\r\n   | 61 0a 62 0a       | from crnl: CR dropped, LF kept                                  | -u STDIN,crnl STDOUT
a\rb\r\r\n   | 61 62 0a          | from crnl: every CR is dropped, also lone ones                  | -u STDIN,crnl STDOUT
a\nb         | 61 0d 62          | to cr: LF becomes CR                                            | -u STDIN STDOUT,cr
a\rb         | 61 0a 62          | from cr: CR becomes LF                                          | -u STDIN,cr STDOUT
a\r\nb       | 61 0a 0a 62       | cr -> raw: CR becomes LF, an LF stays LF (socat's cv_newline)   | -u STDIN,cr STDOUT
a\rb\n       | 61 0d 62 0d       | raw -> cr: LF becomes CR, a CR stays CR                         | -u STDIN STDOUT,cr
a\r\nb\r\n   | 61 0d 62 0d       | crnl -> cr: CR dropped, LF becomes CR                           | -u STDIN,crnl STDOUT,cr
a\rb\r       | 61 0d 0a 62 0d 0a | cr -> crnl: CR becomes CRLF                                     | -u STDIN,cr STDOUT,crnl
a\r\nb       | 61 0d 0a 62       | crnl -> crnl: no conversion                                     | -u STDIN,crnl STDOUT,crnl
a\nb         | 61 0a 62          | crlf alias of crnl                                              | -u STDIN,crlf STDOUT
CASES
xf 'x\ny\n' - SYSTEM:'od -An -c',crnl
like "$(cat "$T_TMP/cap.out")" 'x +\\r +\\n +y +\\r +\\n' "SYSTEM:...,crnl: the child receives CRLF"
# a block that doubles: every byte LF (4096 LF with -b 4096 -> 8192 bytes out)
head -c 4096 /dev/zero | tr '\0' '\n' >"$T_TMP/lfs"
CAP_IN=$T_TMP/lfs cap 5 "$DUCT" -b 4096 -u STDIN STDOUT,crnl
is "$RC:$(wc -c <"$T_TMP/cap.out"):$(tr -d '\r' <"$T_TMP/cap.out" | wc -c)" "0:8192:4096" "crnl: a block of only LFs doubles without loss"
xf 'a\nb\n' - PIPE,crnl
is "$RC:$HEX" "0:61 0a 62 0a" "crnl on the echo side converts there and back"

# ---------------------------------------------------------------- readbytes
xf_table <<'CASES'
abcdef | 61 62 63             | readbytes=3: only 3 bytes read                  | -u STDIN,readbytes=3 STDOUT
abcdef | 61 62 63 64          | bytes alias of readbytes                        | -u STDIN,bytes=4 STDOUT
ab     | 61 62                | readbytes larger than the input: all of it      | -u STDIN,readbytes=5 STDOUT
abcdef | 61 62 63 64 65       | readbytes=5 with -b 2: exact across blocks      | -b 2 -u STDIN,readbytes=5 STDOUT
abcdef | 61 62                | readbytes on an EXEC/SYSTEM side                | -u SYSTEM:'cat "$T_TMP/in"',readbytes=2 STDOUT
CASES
head -c 100000 /dev/zero >"$T_TMP/zero"
CAP_IN=$T_TMP/zero cap 5 "$DUCT" -u STDIN,readbytes=70000 STDOUT
is "$RC:$(wc -c <"$T_TMP/cap.out")" "0:70000" "readbytes=70000 (more than one block)"

# ---------------------------------------------------------------- escape
xf_table <<'CASES'
ab\035cd | 61 62       | escape=0x1d: the escape byte ends input, not passed on | -u STDIN,escape=0x1d STDOUT
ab\003cd | 61 62       | escape=3 (decimal)                                      | -u STDIN,escape=3 STDOUT
abcd      | 61 62 63 64 | escape byte absent: everything passes                   | -u STDIN,escape=0x1d STDOUT
\035abc  |             | escape byte first: nothing passes, exit 0               | -u STDIN,escape=0x1d STDOUT
CASES

# ---------------------------------------------------------------- ignoreeof (tail -f)
f=$T_TMP/growing
printf 'one\n' >"$f"
bg "$DUCT" -u OPEN:"$f",ignoreeof STDOUT >"$T_TMP/ig.out" 2>"$T_TMP/ig.err"
ip=$BG_PID
wait_for 5 grep -q one "$T_TMP/ig.out"
ok $? "ignoreeof: initial content delivered"
printf 'two\n' >>"$f"
wait_for 5 grep -q two "$T_TMP/ig.out"
ok $? "ignoreeof: data appended after EOF is delivered (tail -f)"
ok "$(kill -0 "$ip" 2>/dev/null; echo $?)" "ignoreeof: still running at EOF"
kill -TERM "$ip"; wait_pid 5 "$ip" >/dev/null
bg "$DUCT" -u OPEN:"$f",ignoreof STDOUT >"$T_TMP/ig2.out" 2>&1
ip=$BG_PID
wait_for 5 grep -q two "$T_TMP/ig2.out"
printf 'three\n' >>"$f"
wait_for 5 grep -q three "$T_TMP/ig2.out"
ok $? "ignoreof alias accepted: data appended after EOF is delivered"
ok "$(kill -0 "$ip" 2>/dev/null; echo $?)" "ignoreof alias: still running at EOF"
kill -TERM "$ip"; wait_pid 5 "$ip" >/dev/null
printf 'x\035' >"$T_TMP/esc"
cap 5 "$DUCT" -u OPEN:"$T_TMP/esc",ignoreeof,escape=0x1d STDOUT
is "$RC:$OUT" "0:x" "ignoreeof + escape: the escape byte still ends it"
CAP_IN=/dev/null cap 3 "$DUCT" -T 0.5 -u OPEN:"$f",ignoreeof STDOUT
is "$RC" 0 "ignoreeof + -T: the inactivity timeout ends it"

# ---------------------------------------------------------------- -b block size
xf 'abcdefgh' -b 3 -v -u STDIN STDOUT
is "$RC:$HEX" "0:61 62 63 64 65 66 67 68" "-b 3: data intact"
is "$(grep -oE 'length=[0-9]+ from=[0-9]+ to=[0-9]+' "$T_TMP/cap.err" | tr '\n' ' ')" \
	"length=3 from=0 to=2 length=3 from=3 to=5 length=2 from=6 to=7 " "-b 3: blocks of at most 3 bytes (seen in -v headers)"
head -c 20000 /dev/urandom >"$T_TMP/r20k"
CAP_IN=$T_TMP/r20k cap 5 "$DUCT" -v -u STDIN STDOUT
maxlen=$(grep -aoE 'length=[0-9]+' "$T_TMP/cap.err" | cut -d= -f2 | sort -n | tail -1)
ok "$([ "${maxlen:-0}" -le 8192 ] && [ "${maxlen:-0}" -gt 0 ]; echo $?)" "default -b 8192: no block above 8192 bytes (max $maxlen)"
same_file "$T_TMP/cap.out" "$T_TMP/r20k" "default -b: 20000 random bytes intact"
CAP_IN=$T_TMP/r20k cap 5 "$DUCT" -b 1 -u STDIN STDOUT
same_file "$T_TMP/cap.out" "$T_TMP/r20k" "-b 1: 20000 random bytes intact"
CAP_IN=$T_TMP/r20k cap 5 "$DUCT" -b 1000 - EXEC:cat
same_file "$T_TMP/cap.out" "$T_TMP/r20k" "-b 1000 through EXEC:cat both ways intact"
CAP_IN=$T_TMP/r20k cap 5 "$DUCT" -b 65536 - SYSTEM:cat
same_file "$T_TMP/cap.out" "$T_TMP/r20k" "-b 65536 through SYSTEM:cat intact"

done_testing
