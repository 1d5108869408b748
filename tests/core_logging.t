#!/usr/bin/env bash
# Core issue: log levels (-d in all forms), log line format, -lf, -ls, -lp, -lu, -lh, -ly/-lm.
. "$(dirname "$0")/lib/tap.sh"
need_duct

printf abc >"$T_TMP/abc"
CAP_IN=$T_TMP/abc
LINE_RE='^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} duct\[[0-9]+\] [DINWEF] .'
# levels LOGTEXT: the set of level letters present, e.g. "NW"
levels() { printf '%s\n' "$1" | sed -nE 's/^[0-9/]+ [0-9:.]+ ([^ ]+ )?[^ []+\[[0-9]+\] ([DINWEF]) .*/\2/p' | sort -u | tr -d '\n'; }
# only LEVELS ALLOWED: every level letter present is one of ALLOWED
only() { [ -z "$(printf %s "$1" | tr -d "$2")" ]; echo $?; }
# a warning every socat 1.8 run with --statistics prints: "W statistics are experimental"
W_RE=' W statistics are experimental'

# ---------------------------------------------------------------- -d forms
cap 5 "$DUCT" --statistics -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "--statistics relay works (warning source)"
like "$ERR" "$W_RE" "default level shows warnings (1.8)"
unlike "$ERR" ' [DN] ' "default level: no notices or debug"
cap 5 "$DUCT" -d --statistics -u STDIN STDOUT
like "$ERR" "$W_RE" "-d: warnings (same as the default in 1.8)"
unlike "$ERR" ' [DN] ' "-d: no notices"
cap 5 "$DUCT" -d1 --statistics -u STDIN STDOUT
like "$ERR" "$W_RE" "-d1: warnings"
cap 5 "$DUCT" -d0 --statistics -u STDIN STDOUT
unlike "$ERR" "$W_RE" "-d0: warnings hidden"
unlike "$ERR" ' [DNW] ' "-d0: nothing below errors (except the forced statistics lines)"
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -u 'stdin!!stdout' STDOUT
like "$ERR" ' W unidirectional open of dual address' "dual address opened one way warns"
for f in "-d -d" "-dd" "-d2"; do
	cap 5 "$DUCT" $f -u STDIN STDOUT
	is "$RC:$OUT" "0:abc" "$f: runs"
	like "$(levels "$ERR")" "N" "$f: notices shown"
	is "$(only "$(levels "$ERR")" NWEF)" 0 "$f: no info/debug"
done
for f in "-d -d -d" "-ddd" "-d3"; do
	cap 5 "$DUCT" $f -u STDIN STDOUT
	like "$(levels "$ERR")" "N" "$f: notices shown"
	is "$(only "$(levels "$ERR")" INWEF)" 0 "$f: no debug"
done
cap 5 "$DUCT" -d3 -u STDIN STDOUT
like "$(levels "$ERR")" "I" "-d3: info lines present"
for f in "-d -d -d -d" "-dddd" "-d4"; do
	cap 5 "$DUCT" $f -u STDIN STDOUT
	like "$(levels "$ERR")" "D" "$f: debug shown"
	like "$(levels "$ERR")" "N" "$f: notices shown"
done
cap 5 "$DUCT" -ddddd -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-ddddd: more than 4 is capped, still runs"
cap 5 "$DUCT" -d0 -u OPEN:"$T_TMP/nonexistent" STDOUT
like "$RC:$(levels "$ERR")" "^1:E$" "-d0: errors are still shown"
cap 5 "$DUCT" -d9 -u STDIN STDOUT
is "$RC" 1 "-d9: refused"

# ---------------------------------------------------------------- line format
cap 5 "$DUCT" -d -d -d -d -u STDIN OPEN:"$T_TMP/o",creat
bad=$(printf '%s\n' "$ERR" | grep -Ev -- "$LINE_RE")
is "$bad" "" "-dddd: every stderr line is 'YYYY/MM/DD HH:MM:SS duct[PID] L text'"
pid=$(printf '%s\n' "$ERR" | sed -nE 's/.* duct\[([0-9]+)\] .*/\1/p' | sort -u)
is "$(printf '%s\n' "$pid" | grep -c .)" 1 "one pid in all lines"
day=$(date +%Y/%m/%d)
like "$(printf '%s\n' "$ERR" | head -1)" "^$day " "timestamp uses the local date"
cap 5 "$DUCT" -u OPEN:"$T_TMP/nonexistent" STDOUT
like "$ERR" "^[0-9/]+ [0-9:]+ duct\[[0-9]+\] E .*nonexistent" "error line in the log format, names the file"
cap 5 "$DUCT" -d -d -u OPEN:"$T_TMP/nonexistent" STDOUT
like "$ERR" ' N exit\(1\)$' "-d -d: an error exit ends with 'N exit(1)'"

# ---------------------------------------------------------------- -lu -lh -lp
cap 5 "$DUCT" -d -d -lu -u STDIN STDOUT
ok "$(printf '%s\n' "$ERR" | grep -Evq '^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} duct\[[0-9]+\] [DINWEF] '; [ $? -ne 0 ] && [ -n "$ERR" ]; echo $?)" \
	"-lu: every line has .uuuuuu microseconds"
cap 5 env HOSTNAME=testhost.example "$DUCT" -d -d -lh -u STDIN STDOUT
like "$(printf '%s\n' "$ERR" | head -1)" '^[0-9/]+ [0-9:]+ testhost\.example duct\[[0-9]+\] N ' "-lh: \$HOSTNAME inserted before the program name"
cap 5 env -u HOSTNAME "$DUCT" -d -d -lh -u STDIN STDOUT
like "$(printf '%s\n' "$ERR" | head -1)" "^[0-9/]+ [0-9:]+ $(uname -n) duct\[[0-9]+\] N " "-lh without \$HOSTNAME: uname nodename"
cap 5 "$DUCT" -d -d -lp myname -u STDIN STDOUT
like "$(printf '%s\n' "$ERR" | head -1)" '^[0-9/]+ [0-9:]+ myname\[[0-9]+\] N ' "-lp myname: program name in log lines"
unlike "$ERR" 'duct\[' "-lp: 'duct' no longer appears"
cap 5 "$DUCT" -d -d -lpother -u STDIN STDOUT
like "$ERR" ' other\[[0-9]+\] N ' "-lpNAME glued"
cap 5 env HOSTNAME=h1 "$DUCT" -d -d -lu -lh -lp p1 -u STDIN STDOUT
like "$(printf '%s\n' "$ERR" | head -1)" '^[0-9/]+ [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} h1 p1\[[0-9]+\] N ' "-lu -lh -lp combined"

# ---------------------------------------------------------------- -lf -ls
lf=$T_TMP/log
cap 5 "$DUCT" -d -d -lf "$lf" -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-lf FILE: relay works"
is "$ERR" "" "-lf FILE: nothing on stderr"
like "$(cat "$lf")" ' N exiting with status 0$' "-lf FILE: log lines in the file"
n1=$(grep -c . "$lf")
cap 5 "$DUCT" -d -d -lf"$lf" -u STDIN STDOUT
n2=$(grep -c . "$lf")
ok "$([ "$n2" -gt "$n1" ] && [ "$n2" -eq $((2 * n1)) ]; echo $?)" "-lfFILE glued; the file is appended to ($n1 then $n2 lines)"
bad=$(grep -Ev -- "$LINE_RE" "$lf")
is "$bad" "" "-lf: lines in the standard format"
cap 5 "$DUCT" -d -d -lf /nonexistent/dir/log -u STDIN STDOUT
is "$RC" 1 "-lf into a missing directory: exit 1"
cap 5 "$DUCT" -d -d -ls -u STDIN STDOUT
like "$ERR" ' N exiting with status 0$' "-ls: log to stderr"

# ---------------------------------------------------------------- -ly / -lm (syslog: only that they work)
cap 5 "$DUCT" -ly -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-ly: relay works"
cap 5 "$DUCT" -d -d -ly -u STDIN STDOUT
unlike "$ERR" ' N exiting with status' "-ly: log lines not on stderr"
cap 5 "$DUCT" -lylocal3 -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-lylocal3: facility glued, works"
cap 5 "$DUCT" -lyuser -u STDIN STDOUT
is "$RC" 0 "-lyuser works"
cap 5 "$DUCT" -lynosuchfacility -u STDIN STDOUT
is "$RC" 1 "-ly with an unknown facility: exit 1"
cap 5 "$DUCT" -d -d -lm -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-lm: relay works"
ok "$([ -n "$ERR" ]; echo $?)" "-lm: logs on stderr while opening"
unlike "$ERR" 'is at EOF|exiting with status' "-lm: switched to syslog for the transfer loop"
cap 5 "$DUCT" -lmlocal0 -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-lmlocal0 works"
if [ -S /dev/log ]; then diag "a syslog socket exists; contents of syslog are not checked"; fi
skip "syslog contents need a syslog daemon (not checked)"

done_testing
