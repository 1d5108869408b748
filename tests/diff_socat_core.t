#!/usr/bin/env bash
# Core issue, differential: the same command line through the installed socat (Debian's 1.7.4)
# and duct; compare bytes and exit codes. Only what 1.7.4 and 1.8 share is compared here (the
# 1.8-only behaviour -- warnings by default, upper-case -h keywords, EPIPE/ECONNRESET as errors,
# -T 0 meaning zero, child exit status -> 1 -- is encoded in the core_*.t integration tests).
# Timestamps, pids and the program name are normalised.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have socat || skip_all "socat is not installed"
SOCAT=$(command -v socat)

printf abc >"$T_TMP/abc"
mkfifo "$T_TMP/idle"
# both ARGS...: run socat and duct with the same arguments and stdin ($CAP_IN);
# sets S_RC/D_RC, files $T_TMP/{s,d}.{out,err}
both() {
	cap 10 "$SOCAT" "$@"; S_RC=$RC; mv "$T_TMP/cap.out" "$T_TMP/s.out"; mv "$T_TMP/cap.err" "$T_TMP/s.err"
	cap 10 "$DUCT" "$@"; D_RC=$RC; mv "$T_TMP/cap.out" "$T_TMP/d.out"; mv "$T_TMP/cap.err" "$T_TMP/d.err"
}
# both_sh 'TEXT': the same through bash -c, with $X being the program
both_sh() {
	cap 10 env X="$SOCAT" bash -c "$1"; S_RC=$RC; mv "$T_TMP/cap.out" "$T_TMP/s.out"; mv "$T_TMP/cap.err" "$T_TMP/s.err"
	cap 10 env X="$DUCT" bash -c "$1"; D_RC=$RC; mv "$T_TMP/cap.out" "$T_TMP/d.out"; mv "$T_TMP/cap.err" "$T_TMP/d.err"
}
same_rc_out() { # DESCRIPTION: exit codes equal and stdout bytes equal
	is "$D_RC" "$S_RC" "$1: exit code as socat's ($S_RC)"
	same_file "$T_TMP/d.out" "$T_TMP/s.out" "$1: stdout bytes as socat's"
}
events() { norm_log <"$1" | grep -E ' (is at EOF|exiting with status|exiting on signal|exit\()' | sed -E 's/\(fd ([3-9]|[1-9][0-9]+)\)/(fd N)/'; }

# ---------------------------------------------------------------- dumps, byte for byte
dcase() { # dcase NAME INPUT-PRINTF-FORMAT ARGS...
	local n=$1 f=$2; shift 2
	printf "$f" >"$T_TMP/in.$n"
	CAP_IN=$T_TMP/in.$n both "$@"
	norm_dump <"$T_TMP/s.err" >"$T_TMP/s.dump"; norm_dump <"$T_TMP/d.err" >"$T_TMP/d.dump"
	same_file "$T_TMP/d.dump" "$T_TMP/s.dump" "dump $n ($*): as socat's apart from the timestamp"
	same_rc_out "dump $n"
}
dcase v 'hello\tworld\r\nline2' -v -u STDIN STDOUT
dcase x 'hello\tworld\r\nline2' -x -u STDIN STDOUT
dcase vx 'hello\tworld\r\nline2 and some more bytes here\n\001\377' -v -x -u STDIN STDOUT
dcase ctl-v 'A\a\b\v\f\\\001\177\377\tZ\n\n\r\r' -v -u STDIN STDOUT
dcase ctl-vx 'A\a\b\v\f\\\001\177\377\tZ\n\n\r\r' -v -x -u STDIN STDOUT
dcase U-v 'abc\n' -v -U STDOUT STDIN
dcase b3-x 'abcdefgh' -b 3 -x -u STDIN STDOUT
dcase b5-v 'ab\ncd\nef\ngh\n' -b 5 -v -u STDIN STDOUT
dcase b20-vx 'abcdefghijklmnopqrstuvwxyz0123456789' -b 20 -v -x -u STDIN STDOUT
dcase row16 '0123456789abcdef0123456789abcdef' -v -x -u STDIN STDOUT
dcase crnl-v 'a\nb\n' -v -u STDIN STDOUT,crnl
dcase crnl-in-x 'a\r\nb\r\n' -x -u STDIN,crnl STDOUT
dcase cr-vx 'a\nb\n' -v -x -u STDIN STDOUT,cr
dcase empty-line-v '\n' -v -u STDIN STDOUT
head -c 300 /dev/urandom >"$T_TMP/r300"
for fl in "-x" "-v" "-v -x"; do
	CAP_IN=$T_TMP/r300 both $fl -b 100 -u STDIN STDOUT
	norm_dump <"$T_TMP/s.err" >"$T_TMP/s.dump"; norm_dump <"$T_TMP/d.err" >"$T_TMP/d.dump"
	same_file "$T_TMP/d.dump" "$T_TMP/s.dump" "dump of 300 random bytes in 100-byte blocks ($fl): as socat's"
done
head -c 20000 /dev/urandom >"$T_TMP/r20k"
CAP_IN=$T_TMP/r20k both -x -u STDIN STDOUT
norm_dump <"$T_TMP/s.err" >"$T_TMP/s.dump"; norm_dump <"$T_TMP/d.err" >"$T_TMP/d.dump"
same_file "$T_TMP/d.dump" "$T_TMP/s.dump" "dump of 20000 bytes with the default -b: blocks as socat's (8192, 8192, 3616)"
CAP_IN=$T_TMP/abc both -x - EXEC:cat
norm_dump <"$T_TMP/s.err" >"$T_TMP/s.dump"; norm_dump <"$T_TMP/d.err" >"$T_TMP/d.dump"
same_file "$T_TMP/d.dump" "$T_TMP/s.dump" "dump both directions (- EXEC:cat, -x): as socat's"

# ---------------------------------------------------------------- log line format
shape() { sed -E 's/[0-9]+/9/g; s/ (socat|duct)\[/ P[/' "$1" | head -1 | cut -d' ' -f1-5; }
for fl in "-d -d" "-d -d -lu" "-d -d -lh" "-d -d -lu -lh" "-d -d -lp zz"; do
	CAP_IN=$T_TMP/abc both $fl -u STDIN STDOUT
	is "$(shape "$T_TMP/d.err")" "$(shape "$T_TMP/s.err")" "log line prefix with $fl: as socat's"
done
CAP_IN=$T_TMP/abc both -d -d -lf "$T_TMP/dlog" -u STDIN STDOUT
is "$(wc -c <"$T_TMP/d.err")" "$(wc -c <"$T_TMP/s.err")" "-lf: stderr as empty as socat's"

# ---------------------------------------------------------------- EOF sequences at -d -d
ecase() { # ecase DESCRIPTION ARGS...
	local d=$1; shift
	both -d -d "$@"
	is "$(events "$T_TMP/d.err")" "$(events "$T_TMP/s.err")" "EOF sequence of $d: as socat's"
	same_rc_out "$d"
}
CAP_IN=$T_TMP/abc
ecase "-u STDIN STDOUT" -u STDIN STDOUT
ecase "-U STDOUT STDIN" -U STDOUT STDIN
ecase "- EXEC:cat" - EXEC:cat
ecase "- SYSTEM:cat" - SYSTEM:cat
ecase "- PIPE" - PIPE
ecase "-u EXEC:'echo x' STDOUT" -u EXEC:'echo x' STDOUT
ecase "'stdin!!stdout' PIPE" 'stdin!!stdout' PIPE
ecase "-u STDIN OPEN:creat" -u STDIN OPEN:"$T_TMP/e.out",creat,trunc
ecase "-u STDIN,readbytes=2 STDOUT" -u STDIN,readbytes=2 STDOUT
ecase "-u STDIN,escape=0x62 STDOUT" -u STDIN,escape=0x62 STDOUT
CAP_IN=/dev/null
ecase "empty stdin, - EXEC:cat" - EXEC:cat
both_sh 'exec "$X" -d -d -T 0.3 -u STDIN STDOUT 0<>"$T_TMP/idle"'
is "$(events "$T_TMP/d.err")" "$(events "$T_TMP/s.err")" "-T 0.3 on an idle stream: exit sequence as socat's"
like "$(norm_log <"$T_TMP/d.err")" '^N inactivity timeout triggered$' "-T: same notice as socat"
same_rc_out "-T 0.3 idle"

# signals: the lines about the signal and the exit
sig_both() { # sig_both SIGNAL
	local prog out=""
	for prog in "$SOCAT" "$DUCT"; do
		rm -f "$T_TMP/sig.err"
		bg_rw "$T_TMP/idle" "$prog" -d -d -u STDIN STDOUT >/dev/null 2>"$T_TMP/sig.err"
		local p=$BG_PID
		wait_for 5 log_has "$T_TMP/sig.err" 'starting data transfer loop'
		kill -"$1" "$p" 2>/dev/null
		wait_pid 5 "$p"; local rc=$?
		out="$out|$rc:$(norm_log <"$T_TMP/sig.err" | grep -E 'exiting on signal|exit\(' | tr '\n' ';')"
	done
	SIG_S=${out#|}; SIG_S=${SIG_S%%|*}; SIG_D=${out##*|}
}
for s in TERM INT HUP; do
	sig_both $s
	is "${SIG_D%%:*}" "${SIG_S%%:*}" "SIG$s: exit code as socat's (${SIG_S%%:*})"
		is "${SIG_D#*:}" "${SIG_S#*:}" "SIG$s: signal/exit log lines as socat's"
done

# ---------------------------------------------------------------- exit codes and data
CAP_IN=$T_TMP/abc
rcase() { # rcase ARGS...: same exit code and stdout as socat
	both "$@"; same_rc_out "$*"
}
rcase -u STDIN STDOUT
rcase - PIPE
rcase '0!!1' PIPE
rcase - SYSTEM:'tr a-z A-Z'
rcase - "SYSTEM:'echo a,b:c; cat'"
rcase - SYSTEM:"echo a\,b\:c; cat"
rcase -u EXEC:'printf "%s|" "a b" c' STDOUT
rcase -u "EXEC:\"printf '%s|' 'a b' c\"" STDOUT
# inside a bracket only its own closer ends it: a closer of another kind is literal
rcase -u 'EXEC:echo a([)])b' STDOUT
rcase -u 'SYSTEM:echo a{)]}b,c' STDOUT
rcase -u OPEN:"$T_TMP/abc" STDOUT
rcase -u "$T_TMP/abc" STDOUT
rcase -u "$T_TMP/abc,readbytes=1" STDOUT
rcase -u OPEN:"$T_TMP/nonexistent" STDOUT
both -s -u OPEN:"$T_TMP/nonexistent" STDOUT
is "$D_RC" "$S_RC" "-s failed open: exit code as socat's ($S_RC)"
rcase -u STDIN,readbytes=2 STDOUT
rcase -u STDIN STDOUT,crnl
rcase -u STDIN,cr STDOUT,crnl
printf 'a\r\nb\r\n' >"$T_TMP/crlf"
rcase -u OPEN:"$T_TMP/crlf",crnl STDOUT,cr
rcase -u STDIN,escape=0x62 STDOUT
both -u STDIN,readbytes=0 STDOUT
same_rc_out "-u STDIN,readbytes=0 STDOUT (0 = unlimited in socat)"
rcase -b 1 - EXEC:cat
rcase -U STDOUT STDIN
rcase -lp tool -u SYSTEM:'echo ${TOOL_VERSION:+v} ${TOOL_PID:+p} ${TOOL_PPID:+pp}' STDOUT
rcase TCP-LISTN:5 -
rcase 10 -
rcase - - -
rcase -
rcase -vx - -
rcase -z - -
rcase -u -U - -
rcase - OPEN:"$T_TMP/x",creet
rcase - PIPE,b9600
rcase -u STDIN OPEN:"$T_TMP/x",creat=abc
for f in -V -h -hh -hhh '-?'; do both $f; is "$D_RC" "$S_RC" "$f: exit code as socat's"; done
both_sh '"$X" -u 3 STDOUT 3<"$T_TMP/abc"'; same_rc_out "-u 3 STDOUT (fd shorthand)"
both_sh '"$X" -u STDIN FD:3 3>&1'; same_rc_out "-u STDIN FD:3"
both_sh '"$X" -u STDIN STDERR 2>&1'; same_rc_out "-u STDIN STDERR"
both_sh 'rm -f "$T_TMP/sys.out"; printf abc | "$X" -u STDIN SYSTEM:"cat >$T_TMP/sys.out"; cat "$T_TMP/sys.out"'
is "$(cat "$T_TMP/s.out")" "abc" "socat: printf abc | socat -u STDIN SYSTEM:'cat >file' writes the file (sanity)"
same_file "$T_TMP/d.out" "$T_TMP/s.out" "printf abc | X -u STDIN SYSTEM:'cat >file'; cat file: as socat's"
# (stdout discarded: whether the file's first line is read back before stdin's EOF ends the
# session is a race, in socat as in duct)
both_sh 'date | "$X" - GOPEN:"$T_TMP/cap.$(basename "$X")",append >/dev/null; date | "$X" - GOPEN:"$T_TMP/cap.$(basename "$X")",append >/dev/null; wc -l <"$T_TMP/cap.$(basename "$X")"'
same_rc_out "date | X - GOPEN:capture,append twice: the file has 2 lines"

both_sh 'printf "a\nb" | "$X" -r "$T_TMP/rr.$(basename "$X")" -u STDIN STDOUT,crnl >/dev/null; od -c "$T_TMP/rr.$(basename "$X")"'
same_rc_out "-r copy is taken after the crnl conversion"
both_sh 'mkdir -p "$T_TMP/lx.$(basename "$X")" && cd "$T_TMP/lx.$(basename "$X")" && for a in "OPEN:a\:b,creat" "OPEN:\"c:d,e\",creat" "OPEN:'"'"'t\tb'"'"',creat" "OPEN:x[1:2]y,creat" "OPEN:{a!!b},creat"; do printf abc | "$X" -u STDIN "$a"; done; ls -A | od -c'
same_rc_out "lexer: file names made by OPEN with \\: \"\" '' [] {} as socat"
# the loop-start notice: socat prints the same fd twice for a single-fd address ([0,0] and [1,1])
for a in "-u STDIN STDOUT" "-U STDOUT STDIN" "- EXEC:cat" "- PIPE" "-u OPEN:$T_TMP/abc STDOUT"; do
	CAP_IN=$T_TMP/abc both -d -d $a
	sl=$(norm_log <"$T_TMP/s.err" | grep 'starting data transfer loop' | sed -E 's/([[,])([3-9]|[1-9][0-9]+)/\1N/g')
	dl=$(norm_log <"$T_TMP/d.err" | grep 'starting data transfer loop' | sed -E 's/([[,])([3-9]|[1-9][0-9]+)/\1N/g')
	is "$dl" "$sl" "$a: 'starting data transfer loop with FDs' line as socat's"
done

# -lm: stderr until the transfer loop starts, then syslog
CAP_IN=$T_TMP/abc both -d -d -lm -u STDIN STDOUT
is "$(norm_log <"$T_TMP/d.err")" "$(norm_log <"$T_TMP/s.err")" "-d -d -lm: the lines left on stderr as socat's"
# -D: socat prints filan's table (header "  FD  type<TAB>device<TAB>inode..." then one row per fd)
CAP_IN=$T_TMP/abc both -D -u STDIN STDOUT
is "$(head -1 "$T_TMP/d.err")" "$(head -1 "$T_TMP/s.err")" "-D: header line as socat's"

# ---------------------------------------------------------------- error texts shared by 1.7.4 and 1.8
etext() { # etext DESCRIPTION FIXED-STRING ARGS...: both stderrs contain the string
	local d=$1 s=$2; shift 2
	both "$@"
	ok "$(grep -qF -- "$s" "$T_TMP/s.err"; echo $?)" "socat says '$s' for $d (sanity)"
	ok "$(grep -qF -- "$s" "$T_TMP/d.err"; echo $?)" "duct says '$s' for $d"
}
etext "3 addresses" 'E exactly 2 addresses required (there are 3); use option "-h" for help' - - -
etext "-z" 'E unknown option "-z"; use option "-h" for help' -z - -
etext "-vx" 'Do not merge single character options, i.e. use "-v -x" instead of "-vx"' -vx - -
etext "-u -U" 'E -U and -u must not be combined' -u -U - -
etext "TCP-LISTN" 'E unknown device/address "TCP-LISTN"' TCP-LISTN:5 -
etext "creet" 'unknown option "creet"' - OPEN:"$T_TMP/x",creet
etext "b9600 on PIPE" 'option "b9600" not supported' - PIPE,b9600
both -vx - -
is "$(cat "$T_TMP/d.err")" "$(cat "$T_TMP/s.err")" "-vx: stderr identical to socat's (plain line, no log prefix)"

# ---------------------------------------------------------------- -V / -hhh content shared by both
cap 5 "$SOCAT" -V; sv=$OUT
cap 5 "$DUCT" -V; dv=$OUT
is "$(printf '%s\n' "$dv" | sed -n 3p)" "$(printf '%s\n' "$sv" | sed -n 3p)" "-V: 'running on' line as socat's"
sfeat=$(printf '%s\n' "$sv" | grep -oE 'WITH_[A-Z0-9_]+' )
dfeat=$(printf '%s\n' "$dv" | grep -oE 'WITH_[A-Z0-9_]+' | grep -Fx -f <(printf '%s\n' "$sfeat"))
is "$dfeat" "$sfeat" "-V: every feature socat 1.7.4 lists is listed, in the same order"
cap 5 "$SOCAT" -hhh
skeys=$(sed -n '/^   address-head:$/,/^   opts:$/p' "$T_TMP/cap.out" | sed '1d;$d' | grep -v 'short form' | awk '{print $1}' | sed -E 's/(:|\[).*//' | tr a-z A-Z | sort -u)
sopts=$(sed -n '/^   opt:$/,$p' "$T_TMP/cap.out" | sed 1d | awk '{print $1}' | tr A-Z a-z | sort -u)
cap 5 "$DUCT" -hhh
dkeys=$(sed -n '/^Address types: /,/^Options /p' "$T_TMP/cap.out" | sed '1d;$d' | grep . | grep -v 'short form' | awk '{print $1}' | sed -E 's/(:|\[).*//' | tr a-z A-Z | sort -u)
dopts=$(sed -n '/^Options /,$p' "$T_TMP/cap.out" | sed 1d | awk '{print $1}' | tr A-Z a-z | sort -u)
ok "$([ "$(printf '%s\n' "$skeys" | grep -c .)" -gt 100 ] && [ "$(printf '%s\n' "$sopts" | grep -c .)" -gt 500 ]; echo $?)" "sanity: socat's -hhh lists parsed (keywords, options)"
mk=$(comm -23 <(printf '%s\n' "$skeys") <(printf '%s\n' "$dkeys") | tr '\n' ' ')
is "$mk" "" "-hhh: every address keyword/alias of socat 1.7.4 is listed"
mo=$(comm -23 <(printf '%s\n' "$sopts") <(printf '%s\n' "$dopts") | tr '\n' ' ')
diag "option names of socat 1.7.4 missing from duct -hhh: ${mo:-none}"
for o in cr crnl crlf ignoreeof ignoreof readbytes bytes escape lockfile waitlock creat o-creat trunc append \
	nonblock perm mode unlink-close pipes stderr pty path setsid fdin fdout shell sigint sighup end-close shut-none; do
	ok "$(printf '%s\n' "$dopts" | grep -qx -- "$o"; [ $? -eq 0 ] || ! printf '%s\n' "$sopts" | grep -qx -- "$o"; echo $?)" "-hhh lists core option '$o' (as socat does)"
done

done_testing
