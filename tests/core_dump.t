#!/usr/bin/env bash
# Core issue: -v and -x dumps in socat's format (tests/data/dump_*.txt were taken from socat and
# normalised with norm_dump), -r/-R raw copies, --statistics.
. "$(dirname "$0")/lib/tap.sh"
need_duct
DATA=$TESTS_DIR/data

# dump NAME INPUT-PRINTF-FORMAT ARGS...: run duct, compare normalised stderr with dump_NAME.txt
dump() {
	local n=$1 f=$2; shift 2
	printf "$f" >"$T_TMP/in.$n"
	CAP_IN=$T_TMP/in.$n cap 5 "$DUCT" "$@"
	norm_dump <"$T_TMP/cap.err" >"$T_TMP/dump.$n"
	same_file "$T_TMP/dump.$n" "$DATA/dump_$n.txt" "dump $n: duct $* matches socat's format"
	same_file "$T_TMP/cap.out" "$T_TMP/in.$n" "dump $n: data unchanged"
}
dump v1 'hello\tworld\r\nline2' -v -u STDIN STDOUT
dump x1 'hello\tworld\r\nline2' -x -u STDIN STDOUT
dump vx1 'hello\tworld\r\nline2 and some more bytes here\n\001\377' -v -x -u STDIN STDOUT
dump v2 'A\a\b\v\f\\\001\177\377\tZ\n' -v -u STDIN STDOUT
dump vx2 'A\a\b\v\f\\\001\177\377\tZ\n' -v -x -u STDIN STDOUT
dump vU 'abc\n' -v -U STDOUT STDIN
dump xb3 'abcdefgh' -b 3 -x -u STDIN STDOUT
dump vxb 'abcdefghijklmnopqrstuvwxyz0123456789' -b 20 -v -x -u STDIN STDOUT

# the header line itself, before normalisation
printf abc >"$T_TMP/abc"
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -x -u STDIN STDOUT
like "$ERR" '^> [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.000[0-9]{6}  length=3 from=0 to=2$' \
	"dump header: date, time with .000uuuuuu, two spaces, length/from/to"
# data after line-terminator conversion is what is shown
printf 'a\nb\n' >"$T_TMP/ab"
CAP_IN=$T_TMP/ab cap 5 "$DUCT" -v -u STDIN STDOUT,crnl
norm_dump <"$T_TMP/cap.err" >"$T_TMP/dump.crnl"
same_file "$T_TMP/dump.crnl" "$DATA/dump_crnl.txt" "-v shows the data after crnl conversion"
# both directions: > for left to right, < for right to left
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -x - EXEC:cat
is "$(grep -oE '^[<>]' "$T_TMP/cap.err" | sort | tr -d '\n')" "<>" "-x on - EXEC:cat: one > block and one < block"
like "$ERR" '^< .*  length=3 from=0 to=2$' "< header for the echoed data"
# the dump goes to stderr only, the data stream is untouched
is "$OUT" "abc" "-x: data itself unchanged"

# ---------------------------------------------------------------- -r / -R
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -r "$T_TMP/r" -R "$T_TMP/R" - SYSTEM:'tr a-z A-Z'
is "$RC:$OUT" "0:ABC" "-r/-R: relay works"
is "$(cat "$T_TMP/r")" "abc" "-r FILE: raw copy of left-to-right data"
is "$(cat "$T_TMP/R")" "ABC" "-R FILE: raw copy of right-to-left data"
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -r"$T_TMP/r" -R"$T_TMP/R" - SYSTEM:'tr a-z A-Z'
is "$(cat "$T_TMP/r"):$(cat "$T_TMP/R")" "abcabc:ABCABC" "-r/-R (glued): files are appended to"
is "$(stat -c %a "$T_TMP/r")" "$(printf '%o' $(( 0664 & ~$(umask) )))" "-r file mode is 0664 & ~umask"
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -r "$T_TMP/r2" -u STDIN STDOUT,crnl
is "$(cat "$T_TMP/r2")" "abc" "-r with -u"
head -c 30000 /dev/urandom >"$T_TMP/rnd"
CAP_IN=$T_TMP/rnd cap 5 "$DUCT" -b 1000 -r "$T_TMP/r3" -u STDIN STDOUT
same_file "$T_TMP/r3" "$T_TMP/rnd" "-r: binary data over many blocks copied exactly"
cap 5 "$DUCT" -r /nonexistent/dir/x -u STDIN STDOUT
is "$RC" 1 "-r into a missing directory: exit 1"
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -r "$T_TMP/r.\$\$" -u STDIN STDOUT
names=$(cd "$T_TMP" && ls -d r.* 2>/dev/null | tr '\n' ' ')
like "$names" 'r\.[0-9]+ ' "-r FILE: \$\$ in the name becomes the pid"

# ---------------------------------------------------------------- --statistics
printf abcde >"$T_TMP/abcde"
CAP_IN=$T_TMP/abcde cap 5 "$DUCT" --statistics -b 2 -u STDIN STDOUT
is "$RC:$OUT" "0:abcde" "--statistics: relay works"
like "$ERR" 'I STATISTICS: left to right: +3 packets\(s\), +5 byte\(s\)' "--statistics: left to right counts (3 blocks, 5 bytes), shown without -d"
like "$ERR" 'I STATISTICS: right to left: +0 packets\(s\), +0 byte\(s\)' "--statistics: right to left counts"
like "$ERR" 'W statistics are experimental' "--statistics: experimental warning"
CAP_IN=$T_TMP/abc cap 5 "$DUCT" --statistics - EXEC:cat
like "$ERR" 'right to left: +1 packets\(s\), +3 byte\(s\)' "--statistics: - EXEC:cat counts the echo"
l1=$(printf '%s\n' "$ERR" | grep 'left to right:' | sed 's/.*left to right://')
l2=$(printf '%s\n' "$ERR" | grep 'right to left:' | sed 's/.*right to left://')
is "${#l1}" "${#l2}" "--statistics: numbers padded to equal width"
cap 5 "$DUCT" -u STDIN STDOUT
unlike "$ERR" 'STATISTICS' "no statistics without --statistics"
# SIGUSR1 logs statistics while running
mkfifo "$T_TMP/idle"
bg_rw "$T_TMP/idle" "$DUCT" -d -d --statistics -u STDIN STDOUT >/dev/null 2>"$T_TMP/usr1.err"
p=$BG_PID
wait_for 5 log_has "$T_TMP/usr1.err" 'starting data transfer loop'
kill -USR1 "$p" 2>/dev/null
wait_for 5 log_has "$T_TMP/usr1.err" 'STATISTICS: left to right'
ok $? "--statistics: SIGUSR1 logs the counters while running"
ok "$(kill -0 "$p" 2>/dev/null; echo $?)" "--statistics: SIGUSR1 does not end the relay"
kill -TERM "$p" 2>/dev/null; wait_pid 5 "$p" >/dev/null

done_testing
