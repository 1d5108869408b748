#!/usr/bin/env bash
# Core issue: global options, socat's command-line parsing rules, -V, -h/-hh/-hhh/-?.
. "$(dirname "$0")/lib/tap.sh"
need_duct

printf abc >"$T_TMP/abc"
CAP_IN=$T_TMP/abc

# ---------------------------------------------------------------- -V
cap 5 "$DUCT" -V
is "$RC" 0 "-V exits 0"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" '^[^ ]+ version [0-9]+\.[0-9]+' "-V: second line is '<prog> version N.N...'"
like "$(printf '%s\n' "$OUT" | sed -n 3p)" '^   running on .* version .*, release .*, machine ' "-V: uname line in socat's layout"
like "$OUT" '^features:$' "-V: features: header"
feat=$(printf '%s\n' "$OUT" | sed -n '/^features:$/,$p' | sed 1d)
bad=$(printf '%s\n' "$feat" | grep -Ev '^  #(define WITH_[A-Z0-9_]+ .+|undef WITH_[A-Z0-9_]+)$')
is "$bad" "" "-V: every feature line is '  #define WITH_X 1' or '  #undef WITH_X'"
for f in STDIO FDNUM FILE CREAT GOPEN PIPE SOCKETPAIR EXEC SYSTEM SHELL; do
	like "$feat" "^  #define WITH_$f 1\$" "-V: WITH_$f defined"
done
like "$feat" '^  #define WITH_MSGLEVEL [0-9]' "-V: WITH_MSGLEVEL line"
is "$ERR" "" "-V: nothing on stderr"

# ---------------------------------------------------------------- -h family
cap 5 "$DUCT" -h; h1=$OUT; h1rc=$RC
cap 5 "$DUCT" -hh; h2=$OUT; h2rc=$RC
cap 5 "$DUCT" -hhh; h3=$OUT; h3rc=$RC
is "$h1rc/$h2rc/$h3rc" "0/0/0" "-h, -hh, -hhh exit 0"
like "$h1" '^Usage:' "-h: Usage: line"
like "$h1" '^  duct nc ' "-h: the nc face's usage"
like "$h1" '^  duct ss ' "-h: the ss face's usage"
like "$h1" '^Address types \(-hh' "-h: address type names, pointing at -hh"
unlike "$h1" 'groups=' "-h: no socat-style rows (those are -hh's)"
unlike "$h1" '^Options ' "-h: no option list"
like "$h1" 'man duct' "-h: says where the man page is"
like "$h2" '^Options \(the common ones' "-hh: option list"
like "$h3" '^Options \(all, with aliases\)' "-hhh: option list with aliases"
cap 5 "$DUCT" '-?'; is "$OUT" "$h1" "-? prints the same as -h"
cap 5 "$DUCT" '-??'; is "$OUT" "$h2" "-?? prints the same as -hh"
cap 5 "$DUCT" '-???'; is "$OUT" "$h3" "-??? prints the same as -hhh"
# every global option the command line takes is explained in -h
for f in -V -d -lf -ls -ly -lm -lp -lu -lh -D --statistics -v -x -r -R -u -U -t -T -b -s -4 -6 -0 -L -W -S -g \
	--experimental --fork-process --workers --no-splice --session-log --control; do
	like "$h1" "^  ([^ ].*[ ,])?$f\\b" "-h explains $f"
done
# -h's type names: every handler, sorted; the same set as -hh's rows
h1names=$(printf '%s\n' "$h1" | sed -n '/^Address types (-hh/,/^$/p' | sed '1d' | tr ' ' '\n' | grep .)
ok "$(printf '%s\n' "$h1names" | LC_ALL=C sort -c 2>&1 >/dev/null; echo $?)" "-h: address type names sorted"
h2names=$(printf '%s\n' "$h2" | sed -n '/^Address types: /,/^Options /p' | sed '1d;$d' | grep . | awk '{print $1}' | sed -E 's/(:|\[).*//')
is "$(printf '%s\n' "$h1names" | sort | tr '\n' ' ')" "$(printf '%s\n' "$h2names" | sort | tr '\n' ' ')" "-h names the same address types as -hh"
# -h is ours: at most 3 lines shared with socat -h (the name swapped)
if have socat; then
	shared=$(comm -12 <(printf '%s\n' "$h1" | sed 's/duct/socat/g' | sort -u) <(socat -h 2>/dev/null | sort -u) | grep -c .)
	ok "$([ "$shared" -le 3 ]; echo $?)" "-h shares $shared lines with socat -h (at most 3)"
else
	skip "socat not installed"
fi

# sections of -hhh: address rows, then option rows (the rows keep socat's format)
heads=$(printf '%s\n' "$h3" | sed -n '/^Address types: /,/^Options /p' | sed '1d;$d' | grep .)
opts=$(printf '%s\n' "$h3" | sed -n '/^Options /,$p' | sed 1d)
ok "$([ -n "$heads" ] && [ -n "$opts" ]; echo $?)" "-hhh: address rows come before option rows, both non-empty"
# keyword/option column: first word, without :<params>; skip the short-form lines (<num>, <filename>)
hkeys=$(printf '%s\n' "$heads" | grep -v 'is a short form' | awk '{print $1}' | sed -E 's/(:|\[).*//' | tr a-z A-Z)
okeys=$(printf '%s\n' "$opts" | awk '{print $1}' | tr A-Z a-z)
ok "$(printf '%s\n' "$hkeys" | LC_ALL=C sort -c 2>&1 >/dev/null; echo $?)" "-hhh: address heads (with aliases) sorted"
ok "$(printf '%s\n' "$okeys" | LC_ALL=C sort -c 2>&1 >/dev/null; echo $?)" "-hhh: options (with aliases) sorted"
h2rows=$(printf '%s\n' "$h2" | sed -n '/^Address types: /,/^Options /p' | sed '1d;$d' | grep .)
ok "$(printf '%s\n' "$h2names" | LC_ALL=C sort -c 2>&1 >/dev/null; echo $?)" "-hh: address heads sorted"
o2=$(printf '%s\n' "$h2" | sed -n '/^Options /,$p' | sed 1d)
ok "$(printf '%s\n' "$o2" | awk '{print $1}' | LC_ALL=C sort -c 2>&1 >/dev/null; echo $?)" "-hh: options sorted"
for k in STDIO STDIN STDOUT STDERR FD OPEN CREATE GOPEN PIPE SOCKETPAIR EXEC SYSTEM SHELL; do
	like "$h2rows" "^      $k([:[]|[[:space:]])" "-hh lists address type $k"
done
like "$h2rows" 'groups=' "-hh: address rows carry groups="
unlike "$h2rows" 'is an alias' "-hh: no alias rows"
unlike "$o2" 'is an alias' "-hh: no option alias lines"
like "$heads" '^ +FILE[[:space:]]+is an alias name for OPEN' "-hhh: FILE listed as alias of OPEN"
like "$heads" '^ +-[[:space:]]+is an alias name for STDIO' "-hhh: - listed as alias of STDIO"
like "$opts" '^ +creat[[:space:]]+is an alias for o-create' "-hhh: creat listed as alias of o-create"
like "$opts" '^ +crnl[[:space:]]+groups=' "-hhh: crnl has its own line"
like "$opts" '^ +readbytes[[:space:]]+groups=.*type=' "-hhh: readbytes line has groups and type"
like "$heads" 'is a short form for fd:<num>' "-hhh: <num> short form line"
like "$heads" 'is a short form for gopen:<filename>' "-hhh: <filename> short form line"
glued=$(printf '%s\n' "$opts" | grep -E '^      [^[:space:]]+(groups=|is an alias)' | head -3)
is "$glued" "" "-hhh: every option name is followed by a tab"
n2=$(printf '%s\n' "$o2" | grep -c .); n3=$(printf '%s\n' "$opts" | grep -c .)
ok "$([ "$n3" -gt "$n2" ]; echo $?)" "-hhh lists more option names than -hh ($n3 > $n2)"

# ---------------------------------------------------------------- parsing rules
cap 5 "$DUCT" -vx - -
is "$RC" 1 "-vx exits 1"
is "$ERR" 'Do not merge single character options, i.e. use "-v -x" instead of "-vx"' "-vx: socat's exact message"
cap 5 "$DUCT" -uv STDIN STDOUT
is "$RC" 1 "-uv exits 1"
like "$ERR" 'Do not merge single character options, i.e. use "-u -v" instead of "-uv"' "-uv: merge message"
cap 5 "$DUCT" - - -
is "$RC" 1 "three addresses exit 1"
like "$ERR" ' E exactly 2 addresses required \(there are 3\); use option "-h" for help$' "three addresses: socat's message"
cap 5 "$DUCT" -
like "$RC:$ERR" '^1:.* E exactly 2 addresses required \(there are 1\); use option "-h" for help$' "one address: exit 1 and message"
cap 5 "$DUCT"
like "$RC:$ERR" '^1:.* E exactly 2 addresses required \(there are 0\)' "no address: exit 1 and message"
cap 5 "$DUCT" -z - -
is "$RC" 1 "unknown option exits 1"
like "$ERR" ' E unknown option "-z"; use option "-h" for help' "unknown option: socat's message"
cap 5 "$DUCT" --nonsense - -
like "$RC:$ERR" '^1:.*unknown option "--nonsense"' "unknown long option: exit 1 and message"
cap 5 "$DUCT" -u -U - -
like "$RC:$ERR" '^1:.* E -U and -u must not be combined$' "-u -U: exit 1, socat's message"
cap 5 "$DUCT" -U -u - -
like "$RC:$ERR" '^1:.* E -U and -u must not be combined$' "-U -u: exit 1, socat's message"

# value glued or separate
for b in "-b4096" "-b 4096" "-b 0x1000" "-b 010"; do
	cap 5 "$DUCT" $b -u STDIN STDOUT
	is "$RC:$OUT" "0:abc" "$b accepted (glued/separate, strtoul bases)"
done
for t in "-t1" "-t 1" "-t 0.1" "-T5" "-T 5" "-T 2.5"; do
	cap 5 "$DUCT" $t -u STDIN STDOUT
	is "$RC:$OUT" "0:abc" "$t accepted"
done
cap 5 "$DUCT" -b -u STDIN STDOUT
is "$RC" 1 "-b with a non-number value exits 1"
cap 5 "$DUCT" -b0 -u STDIN STDOUT
is "$RC" 1 "-b0 refused"
cap 5 "$DUCT" -u STDIN STDOUT -b
is "$RC" 1 "options after the addresses are addresses: 3 addresses, exit 1"

# '-' and '-,' '-:' '-!!' end option parsing
cap 5 "$DUCT" -u - STDOUT
is "$RC:$OUT" "0:abc" "'-' as first address after options"
cap 5 "$DUCT" -u -,readbytes=2 STDOUT
is "$RC:$OUT" "0:ab" "'-,opts' is an address, not an option"
cap 5 "$DUCT" -u '-!!stdout' STDOUT
like "$RC:$OUT" '^0:abc' "'-!!...' is an address"

# simple flags accepted and harmless on a plain relay
for f in -s -g -4 -6 -0 --experimental "-S 0" "-S0x89de" -D -v -x "-v -x" -ls -lu -lh "-lp foo" -d -dd; do
	cap 5 "$DUCT" $f -u STDIN STDOUT
	is "$RC:$OUT" "0:abc" "global option '$f' accepted, data relayed"
done
cap 5 "$DUCT" -D -u STDIN STDOUT
ok "$([ -n "$ERR" ]; echo $?)" "-D writes an fd analysis to stderr"
like "$ERR" '(^|[^0-9])0:' "-D mentions fd 0"

# ---------------------------------------------------------------- -L / -W lock files
lk=$T_TMP/lock
cap 5 "$DUCT" -L "$lk" -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-L FILE: relay runs"
ok "$([ ! -e "$lk" ]; echo $?)" "-L FILE: lock file removed at exit"
mkfifo "$T_TMP/lfifo"
bg_rw "$T_TMP/lfifo" "$DUCT" -L "$lk" -u STDIN STDOUT >/dev/null 2>"$T_TMP/lerr"
lpid=$BG_PID
wait_for 5 test -s "$lk"
ok $? "-L FILE: lock file exists while running"
is "$(tr -d ' \n' <"$lk" 2>/dev/null)" "$lpid" "-L FILE: lock file holds the pid"
cap 5 "$DUCT" -L "$lk" -u STDIN STDOUT
is "$RC" 1 "-L FILE held by another duct: exit 1"
is "$OUT" "" "-L FILE held: no data relayed"
# -W waits for the lock to go away
bg_in "$T_TMP/abc" "$DUCT" -W "$lk" -u STDIN STDOUT >"$T_TMP/wout" 2>"$T_TMP/werr"
wpid=$BG_PID
wait_for 5 blocked_in "$wpid" nanosleep # in its lock-wait loop
ok "$(kill -0 "$wpid" 2>/dev/null; echo $?)" "-W FILE: waits while the lock is held"
kill -TERM "$lpid"; wait_pid 5 "$lpid" >/dev/null
wait_pid 5 "$wpid"; wrc=$?
is "$wrc:$(cat "$T_TMP/wout")" "0:abc" "-W FILE: runs once the lock is released"
ok "$([ ! -e "$lk" ]; echo $?)" "-W FILE: lock removed at exit"

# ---------------------------------------------------------------- address errors
cap 5 "$DUCT" TCP-LISTN:5 -
is "$RC" 1 "unknown address keyword: exit 1"
is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "unknown address keyword: exactly one line"
like "$ERR" ' E unknown device/address "TCP-LISTN"' "unknown address: socat's phrase, token as typed"
like "$ERR" 'TCP-LISTEN' "unknown address: suggests TCP-LISTEN"
cap 5 "$DUCT" - EXEK:cat
like "$RC:$ERR" '^1:.*unknown device/address "EXEK".*EXEC' "EXEK: exit 1, suggests EXEC"
cap 5 "$DUCT" 10 -
like "$RC:$ERR" '^1:.*unknown device/address "10"' "two digits are no FD shorthand"
cap 5 "$DUCT" - OPEN
is "$RC" 1 "OPEN without parameter: exit 1"
is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "OPEN without parameter: one line"
like "$ERR" 'OPEN: wrong number of parameters \(0 instead of 1\)' "wrong parameter count: socat's phrase"
like "$ERR" 'OPEN:<filename>' "wrong parameter count: usage shown"
cap 5 "$DUCT" - EXEC
like "$RC:$ERR" '^1:.*EXEC: wrong number of parameters \(0 instead of 1\).*EXEC:<command-line>' "EXEC without parameter: usage"
cap 5 "$DUCT" - PIPE:a:b
like "$RC:$ERR" '^1:.*wrong number of parameters' "PIPE with two parameters: wrong number"
cap 5 "$DUCT" - PIPE,b9600
is "$RC" 1 "option of a group the address lacks: exit 1"
like "$ERR" 'b9600' "group error names the option"
like "$ERR" 'not supported' "group error says not supported"
like "$ERR" 'FIFO' "group error names the groups the address accepts"
cap 5 "$DUCT" -g -u STDIN PIPE:"$T_TMP/gfifo",b9600,nonblock
unlike "$ERR" 'not supported' "-g skips the group check"
cap 5 "$DUCT" -u STDIN OPEN:"$T_TMP/x",creet
is "$RC" 1 "unknown address option: exit 1"
like "$ERR" 'unknown option "creet"' "unknown address option named"
like "$ERR" 'creat' "unknown address option: suggestion"
cap 5 "$DUCT" -u STDIN OPEN:"$T_TMP/x",creat=abc
like "$RC:$ERR" '^1:.*creat' "bad value for a bool option: exit 1 naming it"
cap 5 "$DUCT" - OPEN:"$T_TMP/x",append,creat,trunc,wrongopt=1
is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "unknown option among good ones: one line"

done_testing
