#!/usr/bin/env bash
# -r/-R file names with socat 1.8's expansions ($$, $PROGNAME, $TIMESTAMP, $MICROS, variables
# such as $<PREFIX>_PEERADDR): expanded for each session, so a fork listener writes one file
# pair per connection. Debian's socat 1.7.4 takes the names literally: no differential here.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
printf abc >"$T_TMP/abc"

# ---------------------------------------------------------------- one session
mkdir "$T_TMP/one"
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -r "$T_TMP/one/in.\$\$.\$PROGNAME.\$TIMESTAMP.\$MICROS" -u STDIN STDOUT
is "$RC:$OUT" "0:abc" "-r with expansions: relay works"
names=$(cd "$T_TMP/one" && ls)
like "$names" '^in\.[0-9]+\.duct\.[0-9]{8}T[0-9]{6}\.[0-9]{6}$' "\$\$ \$PROGNAME \$TIMESTAMP \$MICROS expand (pid, program name, YYYYMMDDThhmmss, 6 digits)"
is "$(cat "$T_TMP/one/"in.* 2>/dev/null)" "abc" "the expanded file holds the data"
rm -f "$T_TMP/one/"*
CAP_IN=$T_TMP/abc cap 5 env DN_VAR=val "$DUCT" -lp relay7 -r "$T_TMP/one/\$PROGNAME-\$DN_VAR-\${DN_VAR}x-\$DN_UNSET-\$-\${DN_VAR" -u STDIN STDOUT
is "$RC:$(cd "$T_TMP/one" && ls)" "0:relay7-val-valx--\$-\${DN_VAR" "-lp names \$PROGNAME; \$VAR and \${VAR} from the environment, unset is empty, a lone \$ stays"
rm -f "$T_TMP/one/"*
CAP_IN=$T_TMP/abc cap 5 "$DUCT" -r "$T_TMP/one/r.\$TIMESTAMP.\$MICROS" -R "$T_TMP/one/R.\$TIMESTAMP.\$MICROS" - SYSTEM:'tr a-z A-Z'
r=$(cd "$T_TMP/one" && ls r.* 2>/dev/null); R=$(cd "$T_TMP/one" && ls R.* 2>/dev/null)
is "${r#r.}:$(cat "$T_TMP/one/$r" 2>/dev/null):$(cat "$T_TMP/one/$R" 2>/dev/null)" "${R#R.}:abc:ABC" "-r and -R of one session share one time"
cap 5 "$DUCT" -r "$T_TMP/missing/x.\$\$" -u STDIN STDOUT
is "$RC" 1 "an expanded name in a missing directory: exit 1"
like "$ERR" 'E option -r: open\(".*/missing/x\.[0-9]+"\): No such file or directory' "the error names -r and the expanded file"

# ---------------------------------------------------------------- fork: one pair per connection
# clients PORT N: N connections one after another, each sends helloK and prints the reply
clients() {
	local k
	for k in $(seq 1 "$2"); do
		printf 'hello%s\n' "$k" >"$T_TMP/c.in"
		CAP_IN=$T_TMP/c.in cap 5 "$DUCT" - "TCP:127.0.0.1:$1"
		printf '%s\n' "$OUT"
	done
}
# pairs DIR: "in-content/out-content" for each in.<key> with its out.<key>, sorted
pairs() {
	local f
	for f in "$1"/in.*; do
		[ -e "$f" ] || continue
		printf '%s/%s\n' "$(cat "$f")" "$(cat "$1/out.${f##*/in.}" 2>/dev/null)"
	done | sort | tr '\n' ' '
}

mkdir "$T_TMP/loop"
start_server "$T_TMP/loop.log" "$DUCT" -d -d -r "$T_TMP/loop/in.\$DUCT_PEERPORT" -R "$T_TMP/loop/out.\$DUCT_PEERPORT" \
	TCP-LISTEN:0,bind=127.0.0.1,fork SYSTEM:'tr a-z A-Z'
srv=$BG_PID
if [ -n "$PORT" ]; then
	is "$(clients "$PORT" 3 | tr '\n' ' ')" "HELLO1 HELLO2 HELLO3 " "fork in the loop: three connections served"
	wait_cond 5 'test "$(ls "$T_TMP/loop" | wc -l)" -eq 6'
	is "$(ls "$T_TMP/loop" | wc -l)" 6 "fork in the loop: one -r/-R file pair per connection"
	is "$(pairs "$T_TMP/loop")" "hello1/HELLO1 hello2/HELLO2 hello3/HELLO3 " "each pair holds its own connection's data, named by \$DUCT_PEERPORT"
	like "$(ls "$T_TMP/loop" | tr '\n' ' ')" '^(in\.[0-9]+ ){3}(out\.[0-9]+ ){3}$' "the peer port is in the names"
else
	skip "listener did not start"; skip "-"; skip "-"; skip "-"
fi
stop "$srv"

mkdir "$T_TMP/proc"
start_server "$T_TMP/proc.log" "$DUCT" -d -d --fork-process -lp socat -r "$T_TMP/proc/in.\$\$" -R "$T_TMP/proc/out.\$\$" \
	TCP-LISTEN:0,bind=127.0.0.1,fork SYSTEM:'tr a-z A-Z'
srv=$BG_PID
if [ -n "$PORT" ]; then
	is "$(clients "$PORT" 2 | tr '\n' ' ')" "HELLO1 HELLO2 " "--fork-process: two connections served"
	wait_cond 5 'test "$(ls "$T_TMP/proc" | wc -l)" -eq 4'
	is "$(pairs "$T_TMP/proc")" "hello1/HELLO1 hello2/HELLO2 " "--fork-process: \$\$ is each child's pid, one pair per child"
	pids=$(grep -oE "\\[$srv\\] N forked off child process [0-9]+" "$T_TMP/proc.log" | awk '{print "in." $NF}' | sort | tr '\n' ' ')
	is "$(ls "$T_TMP/proc" | grep '^in' | sort | tr '\n' ' ')" "$pids" "the pids in the names are the children's"
else
	skip "listener did not start"; skip "-"; skip "-"
fi
stop "$srv"

mkdir "$T_TMP/peer"
start_server "$T_TMP/peer.log" "$DUCT" -d -d -lp socat -r "$T_TMP/peer/in.\${SOCAT_PEERADDR}" \
	TCP-LISTEN:0,bind=127.0.0.1,fork SYSTEM:'tr a-z A-Z'
srv=$BG_PID
if [ -n "$PORT" ]; then
	clients "$PORT" 2 >/dev/null
	wait_for 5 test -s "$T_TMP/peer/in.127.0.0.1"
	is "$(ls "$T_TMP/peer"):$(cat "$T_TMP/peer/in.127.0.0.1" 2>/dev/null | tr '\n' ' ')" "in.127.0.0.1:hello1 hello2 " \
		"-lp socat: \${SOCAT_PEERADDR}; two sessions with one name append to one file"
else
	skip "listener did not start"
fi
stop "$srv"

# fork on the second address: address 1 (one cat) serves every connection; each session
# writes its own -R file (address 1 starts the program, so the names use the time)
mkdir "$T_TMP/two"
start_server "$T_TMP/two.log" "$DUCT" -d -d -R "$T_TMP/two/R.\$TIMESTAMP.\$MICROS" EXEC:cat TCP-LISTEN:0,bind=127.0.0.1,fork
srv=$BG_PID
if [ -n "$PORT" ]; then
	is "$(clients "$PORT" 2 | tr '\n' ' ')" "hello1 hello2 " "fork on address 2: two connections served by one cat"
	wait_cond 5 'test "$(ls "$T_TMP/two" | wc -l)" -eq 2'
	is "$(cat "$T_TMP/two"/R.* 2>/dev/null | sort | tr '\n' ' ')" "hello1 hello2 " \
		"fork on address 2: one -R file per connection, each with its own data"
else
	skip "listener did not start"; skip "-"
fi
stop "$srv"

start_server "$T_TMP/bad.log" "$DUCT" -d -d -r "$T_TMP/missing/in.\$DUCT_PEERPORT" TCP-LISTEN:0,bind=127.0.0.1,fork SYSTEM:'tr a-z A-Z'
srv=$BG_PID
if [ -n "$PORT" ]; then
	clients "$PORT" 2 >/dev/null
	wait_cond 5 'test "$(grep -c "option -r: open" "$T_TMP/bad.log")" -ge 2'
	is "$(grep -c 'E option -r: open(".*/missing/in\.[0-9]*"): No such file' "$T_TMP/bad.log")" 2 \
		"fork: a session whose -r file cannot be opened is refused with an error, the next one too"
	ok "$(kill -0 "$srv" 2>/dev/null; echo $?)" "fork: the listener goes on after such a session"
else
	skip "listener did not start"; skip "-"
fi
stop "$srv"

done_testing
