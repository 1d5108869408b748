#!/usr/bin/env bash
# POSIX message queue addresses (socat 1.8, experimental): POSIXMQ-READ, POSIXMQ-RECEIVE (fork:
# a session per message, max-children), POSIXMQ-SEND (posixmq-priority; fork: a session every
# interval), POSIXMQ-BIDIRECTIONAL / POSIXMQ (an echo), the queue's life (created when missing,
# o-creat=0, o-excl, unlink-close, retry) and the refusals. Debian's socat 1.7.4 has no POSIXMQ:
# no differential here; behaviour follows socat 1.8's manual. Each queue is /duct-test-PID-N and
# is removed at the end; duct itself sends, reads and removes them (python3 has no mq module).
. "$(dirname "$0")/lib/tap.sh"
need_duct
DX="$DUCT --experimental"
N=0
QUEUES=""
# rmq Q: remove a queue (a user may hold about ten of the default size: RLIMIT_MSGQUEUE)
rmq() { timeout -k 1 5 $DX -u STDIN "POSIXMQ-SEND:$1,o-creat=0,unlink-close" </dev/null >/dev/null 2>&1; }
# newq: remove the last test's queue; a fresh name in $Q
Q=""
newq() { [ -z "$Q" ] || rmq "$Q"; N=$((N + 1)); Q="/duct-test-$$-$N"; QUEUES="$QUEUES $Q"; }
# send Q MSG [PRIO]: one message
send() { printf '%s' "$2" | timeout -k 1 5 $DX -u - "POSIXMQ-SEND:$1${3:+,posixmq-priority=$3}"; }
# exists Q: the queue is there (opening it without o-creat works)
exists() { timeout -k 1 5 $DX -u -T 0 "POSIXMQ-READ:$1,o-creat=0" STDOUT >/dev/null 2>&1; }
mq_cleanup() { for q in $QUEUES; do rmq "$q"; done; }
trap 'mq_cleanup; t_cleanup' EXIT
# stop PID: TERM, bounded wait
stop() { kill "$1" 2>/dev/null; wait_pid 5 "$1" >/dev/null 2>&1; return 0; }

# ---------------------------------------------------------------- the gate and the names
newq
cap 5 "$DUCT" -u STDIN "POSIXMQ-SEND:$Q"
is "$RC" 1 "without --experimental: exit 1"
like "$ERR" 'E POSIXMQ-SEND: use option --experimental to acknowledge unmature state' "socat 1.8's message for the experimental gate"
cap 5 $DX -u STDIN POSIXMQ-SEND:noslash
like "$RC:$ERR" '^1:.*E POSIXMQ-SEND: queue name "noslash" must start with "/" \(POSIXMQ-SEND:/noslash\)$' "a name without the leading / is refused, saying how to write it"
cap 5 $DX -u POSIXMQ-READ:/a/b STDOUT
like "$RC:$ERR" '^1:.*E POSIXMQ-READ: queue name "/a/b" has a "/" after the first character' "a second / is refused"
cap 5 $DX -u POSIXMQ-READ: STDOUT
like "$RC:$ERR" '^1:.*E POSIXMQ-READ: empty queue name; give one such as POSIXMQ-READ:/myqueue' "an empty name is refused"
cap 5 $DX -u POSIXMQ-READ STDOUT
like "$RC:$ERR" 'POSIXMQ-READ: wrong number of parameters \(0 instead of 1\): usage: POSIXMQ-READ:<mqname>' "a missing name: the usage line"
cap 5 $DX -u STDIN "POSIXMQ-SEND:$Q,posixmq-priority=40000"
like "$RC:$ERR" '^1:.*posixmq-priority=40000: a message priority is 0 to 32767' "a priority out of range is refused"
cap 5 $DX -u STDIN "POSIXMQ-SEND:$Q,o-trunc"
like "$RC:$ERR" '^1:.*option "o-trunc" is an open\(2\) flag a message queue does not take' "an open(2) flag mq_open has no use for is refused by name"
cap 5 $DX -u STDIN "POSIXMQ-READ:$Q"
like "$RC:$ERR" '^1:.*E POSIXMQ-READ:/duct-test-[0-9]+-1: this address only reads a queue and cannot be used for writing' "READ used for writing: refused"
ok "$(exists "$Q"; [ $? -ne 0 ]; echo $?)" "nothing was created by the refused opens"

# ---------------------------------------------------------------- boundaries and priorities
newq
send "$Q" one && send "$Q" two && send "$Q" three
cap 5 $DX -v -u -T 0.3 "POSIXMQ-READ:$Q" STDOUT
is "$RC:$OUT" "0:onetwothree" "READ: three messages (a queue has no EOF: -T ends it)"
is "$(printf '%s\n' "$ERR" | grep -oE 'length=[0-9]+' | tr '\n' ' ')" "length=3 length=3 length=5 " "each message is one read (-v: three blocks of 3, 3, 5 bytes)"

newq
send "$Q" low 1 && send "$Q" high 7 && send "$Q" mid 3
cap 5 $DX -u -T 0.3 "POSIXMQ-READ:$Q" STDOUT
is "$RC:$OUT" "0:highmidlow" "posixmq-priority on SEND: the highest priority is read first"

newq
send "$Q" low 1 && send "$Q" high 7 && send "$Q" mid 3 && send "$Q" top 9
cap 5 $DX -u -T 0.3 "POSIXMQ-READ:$Q,posixmq-priority=3" STDOUT
is "$RC:$OUT" "0:tophighmid" "posixmq-priority=3 on READ: only priority 3 and higher are passed on"
like "$ERR" "W POSIXMQ-READ:$Q: discarding a message of 3 bytes with priority 1 \(posixmq-priority=3 passes on priority 3 and higher\)" "the message below it is discarded with a warning"
cap 5 $DX -u -T 0.3 "POSIXMQ-READ:$Q,o-creat=0" STDOUT
is "$RC:$OUT" "0:" "it was taken from the queue (a queue cannot leave it for another reader)"

# ---------------------------------------------------------------- BIDIRECTIONAL, alias POSIXMQ
newq
printf 'hello\n' >"$T_TMP/hello"
CAP_IN=$T_TMP/hello cap 5 $DX - "POSIXMQ:$Q,unlink-close"
is "$RC:$OUT" "0:hello" "POSIXMQ (BIDIRECTIONAL): what is written comes back"
ok "$(exists "$Q"; [ $? -ne 0 ]; echo $?)" "unlink-close removed the queue"
newq
CAP_IN=$T_TMP/hello cap 5 $DX -u - "POSIXMQ-BIDIRECTIONAL:$Q"
cap 5 $DX -u -T 0.3 "POSIXMQ-BIDIRECTIONAL:$Q" STDOUT
is "$RC:$OUT" "0:hello" "BIDIRECTIONAL one way at a time (-u): write, then read"

# ---------------------------------------------------------------- the queue's life
newq
cap 5 $DX -u STDIN "POSIXMQ-SEND:$Q,o-creat=0"
like "$RC:$ERR" "^1:.*E POSIXMQ-SEND:$Q: mq_open\(\"$Q\", O_WRONLY[^)]*\): No such file or directory; the queue does not exist \(o-creat=0 opens an existing queue only\)" "o-creat=0 on a missing queue: one line naming the call, the reason and what to do"
send "$Q" x
cap 5 $DX -u STDIN "POSIXMQ-SEND:$Q,o-excl"
like "$RC:$ERR" "^1:.*mq_open\(\"$Q\", O_WRONLY\|O_CREAT\|O_EXCL[^)]*\): File exists; the queue exists already" "o-excl on an existing queue: refused"
cap 5 $DX -u STDIN "POSIXMQ-SEND:$Q,o-excl,unlink-early"
is "$RC" 0 "o-excl with unlink-early: a new queue"
cap 5 $DX -u -T 0.2 "POSIXMQ-READ:$Q,o-creat=0" STDOUT
is "$RC:$OUT" "0:" "unlink-early removed the old queue and its message"

newq
bg $DX -u "POSIXMQ-RECEIVE:$Q,o-creat=0,retry=100,interval=0.05" "OPEN:$T_TMP/retry.out,creat"
rpid=$BG_PID
send "$Q" late
wait_pid 10 "$rpid"
is "$?:$(cat "$T_TMP/retry.out" 2>/dev/null)" "0:late" "retry: mq_open is tried again until the queue exists"

if [ "$(id -u)" = 0 ] && have unshare; then
	newq
	cap 5 $DX -u STDIN "POSIXMQ-SEND:$Q,perm=0604"
	mkdir "$T_TMP/mqfs"
	mode=$(unshare -m sh -c "mount -t mqueue none '$T_TMP/mqfs' && stat -c %a '$T_TMP/mqfs${Q}'" 2>&1)
	is "$RC:$mode" "0:604" "perm= is the queue's mode (seen in a private mount of the mqueue filesystem)"
else
	skip "perm=: needs root and unshare to mount the mqueue filesystem"
fi

# ---------------------------------------------------------------- RECEIVE: one message, fork
newq
send "$Q" first 1 && send "$Q" second 2
cap 5 $DX -u "POSIXMQ-RECEIVE:$Q" STDOUT
is "$RC:$OUT" "0:second" "RECEIVE: one message (the highest priority), then EOF"
cap 5 $DX -u "POSIXMQ-RECV:$Q" STDOUT
is "$RC:$OUT" "0:first" "POSIXMQ-RECV: the next one; the first run left it in the queue"

newq
mkdir "$T_TMP/fk"
bg $DX -d -d "POSIXMQ-RECEIVE:$Q,fork,unlink-close" \
	SYSTEM:"echo \"\$DUCT_POSIXMQ_PRIO:\$(cat)\" >'$T_TMP/fk/'m.\$\$" 2>"$T_TMP/fk.log"
srv=$BG_PID
send "$Q" a 1 && send "$Q" b 5 && send "$Q" c 3
wait_cond 5 'test "$(ls "$T_TMP/fk" | wc -l)" -eq 3'
is "$(ls "$T_TMP/fk" | wc -l)" 3 "RECEIVE,fork: a session (a SYSTEM child of its own) per message"
is "$(cat "$T_TMP/fk"/m.* 2>/dev/null | sort | tr '\n' ' ')" "1:a 3:c 5:b " "each session got one message, and DUCT_POSIXMQ_PRIO its priority"
is "$(grep -c 'received a message of 1 bytes with priority' "$T_TMP/fk.log")" 3 "each message is logged with its priority"
kill "$srv"; wait_pid 5 "$srv"
is "$?" 143 "a signal ends the fork loop (128+15)"
ok "$(exists "$Q"; [ $? -ne 0 ]; echo $?)" "unlink-close: the queue is removed when the fork loop ends"

newq
mkdir "$T_TMP/mc"
mkfifo "$T_TMP/go"
bg $DX -d -d -d "POSIXMQ-RECEIVE:$Q,fork,max-children=1" SYSTEM:"cat >'$T_TMP/mc/'m.\$\$; read x <'$T_TMP/go'" 2>"$T_TMP/mc.log"
srv=$BG_PID
send "$Q" a && send "$Q" b && send "$Q" c
wait_for 5 log_has "$T_TMP/mc.log" "max-children=1 sessions are running"
is "$(ls "$T_TMP/mc" | wc -l):$(grep -c 'received a message' "$T_TMP/mc.log")" "1:1" "max-children=1: one session at a time, the other messages wait in the queue"
for i in 1 2 3; do timeout -k 1 5 sh -c "echo go >'$T_TMP/go'"; done
wait_cond 5 'test "$(ls "$T_TMP/mc" | wc -l)" -eq 3'
is "$(cat "$T_TMP/mc"/m.* 2>/dev/null | sort | tr -d '\n')" "abc" "each ended session lets the next message in"
stop "$srv"

# ---------------------------------------------------------------- SEND with fork
newq
bg $DX -d -d -d -U "POSIXMQ-SEND:$Q,fork,interval=0.05" SYSTEM:'echo m$$' 2>"$T_TMP/sf.log"
srv=$BG_PID
got=""
for i in 1 2 3; do got="$got $(timeout -k 1 5 $DX -u "POSIXMQ-RECEIVE:$Q" STDOUT)"; done
like "$got" '^ m[0-9]+ m[0-9]+ m[0-9]+$' "SEND,fork: a new session (here a SYSTEM child) every interval"
is "$(printf '%s\n' $got | sort -u | wc -l)" 3 "three different sessions"
stop "$srv"
newq
# the queue holds 10 messages (msg_default): with max-children=2 and children that wait, at
# most 2 sessions run
bg $DX -d -d -d -U "POSIXMQ-SEND:$Q,fork,interval=0.01,max-children=2" SYSTEM:"echo s; read x <'$T_TMP/go'" 2>"$T_TMP/sm.log"
srv=$BG_PID
wait_for 5 log_has "$T_TMP/sm.log" "max-children=2 sessions are running"
is "$(grep -c 'starting a session' "$T_TMP/sm.log")" 2 "SEND,fork,max-children=2: two sessions, then it waits"
stop "$srv"

# ---------------------------------------------------------------- big blocks, small reads
newq
head -c 10000 /dev/zero | tr '\0' x >"$T_TMP/big"
cap 5 $DX -b 10000 -u "$T_TMP/big" "POSIXMQ-SEND:$Q"
like "$RC:$ERR" "^0:.*W POSIXMQ-SEND:$Q: blocks of 10000 bytes are larger than the queue's message size 8192 and are sent as several messages" "a block larger than the message size: several messages, with a warning"
cap 5 $DX -v -u -T 0.3 "POSIXMQ-READ:$Q" "OPEN:$T_TMP/big.out,creat"
is "$(printf '%s\n' "$ERR" | grep -oE 'length=[0-9]+' | tr '\n' ' ')" "length=8192 length=1808 " "read back as 8192 + 1808"
same_file "$T_TMP/big.out" "$T_TMP/big" "no byte lost"
send "$Q" abcdefgh
cap 5 $DX -b 4 -u -T 0.3 "POSIXMQ-READ:$Q" STDOUT
like "$RC:$OUT:$ERR" "^0:abcd:.*W POSIXMQ-READ:$Q: a message of 8 bytes was cut to 4 \(the read size\); give -b 8192 or more" "-b smaller than the message size: the message is cut, with a warning"

mq_cleanup
QUEUES=""
done_testing
