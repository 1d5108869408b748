#!/usr/bin/env bash
# Core issue: every address type of the core (STDIO, STDIN, STDOUT, STDERR, FD, OPEN/FILE,
# CREATE, GOPEN, PIPE unnamed and named, SOCKETPAIR, EXEC, SYSTEM, SHELL), the grammar's
# shorthands (a lone digit, a bare path, dual addresses with !!), quoting, and the
# environment a child gets.
. "$(dirname "$0")/lib/tap.sh"
need_duct

printf abc >"$T_TMP/abc"
CAP_IN=$T_TMP/abc

# ---------------------------------------------------------------- the issue's examples
cap 5 "$DUCT" -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "printf abc | duct -u STDIN STDOUT"
cap 5 "$DUCT" - PIPE
is "$RC:$OUT" "0:abc" "duct - PIPE echoes"
cap 5 "$DUCT" - EXEC:cat
is "$RC:$OUT" "0:abc" "duct - EXEC:cat"
cap 5 "$DUCT" - SYSTEM:'tr a-z A-Z'
is "$RC:$OUT" "0:ABC" "duct - SYSTEM:'tr a-z A-Z'"
cap 5 "$DUCT" 'stdin!!stdout' PIPE
is "$RC:$OUT" "0:abc" "duct 'stdin!!stdout' PIPE"
cap 5 "$DUCT" '0!!1' PIPE
is "$RC:$OUT" "0:abc" "duct '0!!1' PIPE"
cap_file=$T_TMP/capture
for i in 1 2; do
	capsh 5 'date | "$DUCT" - GOPEN:"$T_TMP"/capture,append'
	is "$RC" 0 "date | duct - GOPEN:capture,append (run $i) exits 0"
done
is "$(grep -c . "$cap_file")" 2 "GOPEN,append: two runs leave two lines"
f=$T_TMP/f
cap 5 "$DUCT" -u STDIN OPEN:"$f",creat,trunc
is "$RC:$(cat "$f")" "0:abc" "duct -u STDIN OPEN:f,creat,trunc creates the file"
printf xy >"$T_TMP/xy"
CAP_IN=$T_TMP/xy cap 5 "$DUCT" -u STDIN OPEN:"$f",creat,trunc
is "$RC:$(cat "$f")" "0:xy" "OPEN:f,creat,trunc truncates an existing file"
cap 5 "$DUCT" - "SYSTEM:'echo a,b:c; cat'"
is "$RC:$OUT" "0:a,b:c
abc" "quoting: \"SYSTEM:'echo a,b:c; cat'\" keeps , and : in the command"
cap 5 "$DUCT" - SYSTEM:"echo a\,b\:c; cat"
is "$RC:$OUT" "0:a,b:c
abc" "quoting: backslash escapes , and : in SYSTEM"

# ---------------------------------------------------------------- the address lexer
mkdir "$T_TMP/lx"
lx() { # lx ADDRESS EXPECTED-NAME DESCRIPTION: create a file through OPEN, check its name
	rm -rf "$T_TMP/lx"/*
	cap 5 "$DUCT" -u STDIN "$1"
	is "$RC:$(ls -A "$T_TMP/lx")" "0:$2" "$3"
}
lx "OPEN:$T_TMP/lx/a\\:b,creat" 'a:b' 'lexer: \: is a literal colon'
lx "OPEN:\"$T_TMP/lx/c:d,e\",creat" 'c:d,e' 'lexer: "..." protects : and ,'
lx "OPEN:'$T_TMP/lx/t\\tb',creat" "$(printf 't\tb')" "lexer: '...' protects, \\t still decoded"
lx "OPEN:$T_TMP/lx/x[1:2]y,creat" 'x[1:2]y' 'lexer: brackets nest and stay'
lx "OPEN:$T_TMP/lx/{a!!b},creat" '{a!!b}' 'lexer: !! inside braces is literal'
lx "OPEN:\"$T_TMP/lx/a'q'b\",creat" "a'q'b" "lexer: '...' inside \"...\" kept verbatim"
cap 5 "$DUCT" -u STDIN STDOUT,crnl=1
like "$RC:$ERR" '^1:.*no value permitted for option "crnl"' 'flag option with a value: socat'"'"'s error'
cap 5 "$DUCT" -u STDIN,readbytes=abc STDOUT
like "$RC:$ERR" '^1:.*readbytes' 'bad number for readbytes: exit 1 naming the option'
printf abcdef >"$T_TMP/abcdef"
CAP_IN=$T_TMP/abcdef cap 5 "$DUCT" -u STDIN,readbytes=1,readbytes=2 STDOUT
is "$RC:$OUT" "0:ab" "a repeated option: the last value wins"
CAP_IN=$T_TMP/abcdef cap 5 "$DUCT" -u STDIN,READBYTES=2 STDOUT
is "$RC:$OUT" "0:ab" "option names are case-insensitive"
cap 5 "$DUCT" "OPEN:$T_TMP/abcdef,readbytes=2!!OPEN:$T_TMP/dual.out,creat" PIPE
is "$RC:$(cat "$T_TMP/dual.out" 2>/dev/null)" "0:ab" "dual address with options on each half (OPEN:in,readbytes=2!!OPEN:out,creat)"
cap 5 "$DUCT" PIPE -
is "$RC:$OUT" "0:abc" "STDIO as the second address"
cap 5 "$DUCT" -u STDIN OPEN:rel.txt,creat,chdir="$T_TMP"
is "$RC:$(cat "$T_TMP/rel.txt" 2>/dev/null)" "0:abc" "chdir= applies while opening (relative path lands in the directory)"
cap 5 "$DUCT" -u STDIN CREATE:"$T_TMP/um",umask=0077
is "$RC:$(stat -c %a "$T_TMP/um" 2>/dev/null)" "0:600" "umask= applies while opening"

# ---------------------------------------------------------------- STDIO family
cap 5 "$DUCT" - -
is "$RC:$OUT" "0:abc" "duct - - (STDIO both sides) relays stdin to stdout"
cap 5 "$DUCT" STDIO PIPE
is "$RC:$OUT" "0:abc" "STDIO keyword"
cap 5 "$DUCT" stdio exec:cat
is "$RC:$OUT" "0:abc" "keywords are case-insensitive (stdio, exec)"
cap 5 "$DUCT" -u STDIN STDERR
is "$RC:$OUT:$ERR" "0::abc" "STDERR: data goes to fd 2"
cap 5 "$DUCT" -u STDIN stdout
is "$RC:$OUT" "0:abc" "stdout lower case"
cap 5 "$DUCT" -U STDOUT STDIN
is "$RC:$OUT" "0:abc" "-U STDOUT STDIN"

# ---------------------------------------------------------------- FD and the digit shorthand
capsh 5 '"$DUCT" -u STDIN FD:3 3>"$T_TMP/fd3"'
is "$RC:$(cat "$T_TMP/fd3")" "0:abc" "FD:3 writes to an inherited fd"
capsh 5 '"$DUCT" -u 3 STDOUT 3<"$T_TMP/abc" </dev/null'
is "$RC:$OUT" "0:abc" "a lone digit is FD:<n>"
capsh 5 '"$DUCT" -u fd:4 STDOUT 4<"$T_TMP/abc" </dev/null'
is "$RC:$OUT" "0:abc" "fd:4 lower case"
cap 5 "$DUCT" -u STDIN FD:9
is "$RC" 1 "FD:9 not open: exit 1"
like "$ERR" ' E ' "FD:9 not open: error logged"

# ---------------------------------------------------------------- OPEN / FILE / CREATE / GOPEN / bare path
cap 5 "$DUCT" -u OPEN:"$T_TMP/abc" STDOUT
is "$RC:$OUT" "0:abc" "OPEN:file read"
cap 5 "$DUCT" -u FILE:"$T_TMP/abc" STDOUT
is "$RC:$OUT" "0:abc" "FILE is an alias of OPEN"
cap 5 "$DUCT" -u STDIN OPEN:"$T_TMP/nonexistent"
is "$RC" 1 "OPEN without creat on a missing file: exit 1"
ok "$([ ! -e "$T_TMP/nonexistent" ]; echo $?)" "OPEN does not create without creat"
like "$ERR" "nonexistent" "OPEN failure names the file"
printf 12345 >"$T_TMP/app"
cap 5 "$DUCT" -u STDIN OPEN:"$T_TMP/app",append
is "$RC:$(cat "$T_TMP/app")" "0:12345abc" "OPEN:f,append appends"
cap 5 "$DUCT" -u STDIN CREATE:"$T_TMP/cr"
is "$RC:$(cat "$T_TMP/cr")" "0:abc" "CREATE creates"
CAP_IN=$T_TMP/xy cap 5 "$DUCT" -u STDIN CREAT:"$T_TMP/cr"
is "$RC:$(cat "$T_TMP/cr")" "0:xy" "CREAT alias; truncates"
cap 5 "$DUCT" -u STDIN CREATE:"$T_TMP/cr2",perm=0600
is "$RC:$(stat -c %a "$T_TMP/cr2")" "0:600" "CREATE,perm=0600"
cap 5 "$DUCT" -u STDIN GOPEN:"$T_TMP/gnew"
is "$RC:$(cat "$T_TMP/gnew")" "0:abc" "GOPEN creates a missing file"
cap 5 "$DUCT" -u STDIN GOPEN:"$T_TMP/gnew"
is "$RC:$(cat "$T_TMP/gnew")" "0:abcabc" "GOPEN appends to an existing file"
cap 5 "$DUCT" -u STDIN "$T_TMP/bare"
is "$RC:$(cat "$T_TMP/bare")" "0:abc" "a bare path is GOPEN:path"
capsh 5 'cd "$T_TMP" && "$DUCT" -u ./abc STDOUT </dev/null'
is "$RC:$OUT" "0:abc" "a relative ./path is GOPEN"
cap 5 "$DUCT" -u "$T_TMP/abc,readbytes=1" STDOUT
is "$RC:$OUT" "0:a" "a bare path takes options"
cap 5 "$DUCT" -u STDIN /dev/null
is "$RC:$OUT" "0:" "/dev/null as bare path"

# ---------------------------------------------------------------- PIPE
for kw in PIPE FIFO ECHO; do
	cap 5 "$DUCT" - $kw
	is "$RC:$OUT" "0:abc" "$kw (unnamed) echoes"
done
fifo=$T_TMP/fifo
cap 5 "$DUCT" - PIPE:"$fifo",nonblock
is "$RC:$OUT" "0:abc" "PIPE:fifo,nonblock echoes through a named pipe"
cap 5 "$DUCT" - PIPE:"$fifo"
is "$RC:$OUT" "0:abc" "PIPE:fifo echoes"
ok "$([ ! -e "$fifo" ]; echo $?)" "named PIPE created by duct is removed at close"
# writer into a FIFO that a reader drains
mkfifo "$fifo.2"
bg bash -c "exec timeout 10 cat \"$fifo.2\" >\"$T_TMP/fifo2.out\""
cat2=$BG_PID
cap 5 "$DUCT" -u STDIN PIPE:"$fifo.2"
wait_pid 5 "$cat2"
is "$RC:$(cat "$T_TMP/fifo2.out")" "0:abc" "-u STDIN PIPE:existing-fifo writes to its reader"
cap 5 "$DUCT" - PIPE:a:b
is "$RC" 1 "PIPE with two parameters: exit 1"

# ---------------------------------------------------------------- SOCKETPAIR
cap 5 "$DUCT" - SOCKETPAIR
is "$RC:$OUT" "0:abc" "SOCKETPAIR echoes"
cap 5 "$DUCT" - socketpair
is "$RC:$OUT" "0:abc" "socketpair lower case"

# ---------------------------------------------------------------- EXEC / SYSTEM / SHELL
cap 5 "$DUCT" - EXEC:'tr a-z A-Z'
is "$RC:$OUT" "0:ABC" "EXEC with arguments"
cap 5 "$DUCT" -u EXEC:'printf "%s|" "a b" c' STDOUT
is "$RC:$OUT" '0:a|b|c|' "EXEC: address-level quotes are removed before the command is split"
a="EXEC:\"printf '%s|' 'a b' c\""
cap 5 "$DUCT" -u "$a" STDOUT
is "$RC:$OUT" '0:a b|c|' "EXEC:\"... 'a b' ...\": inner quotes keep a word together"
cap 5 "$DUCT" - EXEC:cat,pipes
is "$RC:$OUT" "0:abc" "EXEC:cat,pipes"
cap 5 "$DUCT" -u SYSTEM:'echo err >&2; echo out',stderr STDOUT
is "$RC:$OUT" "0:err
out" "SYSTEM ...,stderr: child stderr goes into the channel"
cap 5 "$DUCT" -u SYSTEM:'echo err >&2; echo out' STDOUT
is "$RC:$OUT:$ERR" "0:out:err" "SYSTEM without stderr: child stderr is duct's stderr"
cap 5 "$DUCT" - SYSTEM:'tr a-z A-Z | rev'
is "$RC:$OUT" "0:CBA" "SYSTEM runs a shell pipeline"
cap 5 "$DUCT" -u EXEC:/nonexistent/cmd STDOUT
is "$RC" 1 "EXEC of a missing program: exit 1"
like "$ERR" '/nonexistent/cmd' "EXEC of a missing program: names it"
CAP_IN=/dev/null cap 5 "$DUCT" - EXEC:false
is "$RC" 1 "EXEC:false exits 1"
CAP_IN=/dev/null cap 5 "$DUCT" - EXEC:true
is "$RC" 0 "EXEC:true exits 0"
CAP_IN=/dev/null cap 5 "$DUCT" - SYSTEM:'exit 3'
is "$RC" 1 "SYSTEM:'exit 3' exits 1"
cap 5 env SHELL=/bin/sh "$DUCT" - SHELL:'tr a-z A-Z'
is "$RC:$OUT" "0:ABC" "SHELL: runs via \$SHELL -c"
cap 5 env SHELL=/bin/sh "$DUCT" -u SHELL:'echo "x${BASH_VERSION:+bash}"',shell=/bin/bash STDOUT
is "$RC:$OUT" "0:xbash" "SHELL ...,shell=/bin/bash picks the interpreter"
cap 5 env -u SHELL "$DUCT" - SHELL:'tr a-z A-Z'
is "$RC" 1 "SHELL with \$SHELL unset: exit 1"
like "$ERR" 'SHELL' "SHELL with \$SHELL unset: says so"

# ---------------------------------------------------------------- environment for children
capsh 5 '"$DUCT" -d -d -u SYSTEM:'"'"'echo "$DUCT_PID $DUCT_PPID $DUCT_VERSION"'"'"' STDOUT'
dpid=$(printf '%s\n' "$ERR" | sed -nE 's/^[0-9/]+ [0-9:.]+ duct\[([0-9]+)\] .*/\1/p' | head -1)
set -- $OUT
is "${1:-}" "$dpid" "DUCT_PID is duct's pid"
is "${2:-}" "$dpid" "DUCT_PPID is duct's pid (no fork)"
ver=$("$DUCT" -V | sed -nE '2s/^[^ ]+ version ([^ ]+).*/\1/p')
is "${3:-}" "$ver" "DUCT_VERSION is the version of -V"
cap 5 "$DUCT" -lp socat -u SYSTEM:'echo "${SOCAT_PID:-unset} ${DUCT_PID:-unset}"' STDOUT
like "$OUT" '^[0-9]+ unset$' "with -lp socat the prefix is SOCAT_"
cap 5 "$DUCT" -lp myprog -u SYSTEM:'env' STDOUT
like "$OUT" '^MYPROG_PID=[0-9]+$' "-lp myprog: prefix is the upper-cased name"

done_testing
