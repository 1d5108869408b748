#!/usr/bin/env bash
# READLINE in a real terminal (a tmux pane): the prompt taken from the program's output, line
# editing, history (navigation and the history file), noecho=, prompt=, the terminal restored
# when duct ends on EOF and on SIGINT, and the READLINE!!OPEN dual address of the seeds.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have tmux || skip_all "tmux is not installed (apt-get install tmux)"

SOCK="duct-test-$$"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
t_cleanup_tmux() {
	tm kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK" # (tmux leaves its socket file behind)
	t_cleanup
}
trap t_cleanup_tmux EXIT

# pane_has REGEX: the visible pane matches (readiness check for wait_for)
pane() { tm capture-pane -p -t t 2>/dev/null; }
pane_has() { pane | grep -Eq -- "$1"; }
# expect REGEX DESCRIPTION: the pane comes to match REGEX (bounded); shows the pane if not
expect() {
	wait_for 5 pane_has "$1"
	local r=$?
	ok $r "$2"
	[ $r -eq 0 ] || pane | sed -n '/./p' | head -12 | sed 's/^/#   | /'
}
# type TEXT: literal keys, then Enter
type_line() { tm send-keys -t t -l "$1"; tm send-keys -t t Enter; }
# run_in_pane TAG CMD [AFTER]: clear the pane, run CMD, then AFTER, then print "END-TAG=<CMD's
# exit status>"
pane_clear() { [ "$(pane | sed '/^$/d')" = 'READY$' ]; }
run_in_pane() {
	type_line "clear"
	wait_for 5 pane_clear
	tm send-keys -t t -l "$2; e=\$?; ${3:-:}; echo \"END-$1=\$e\""
	tm send-keys -t t Enter
}

cat >"$T_TMP/prog.sh" <<'EOF'
trap '' INT # C-c is for duct: the program outlives it (else who ends first would vary)
printf 'password> '
read p
echo "$p" | rev
printf 'name> '
while read l; do echo "got=$l"; printf 'name> '; done
EOF

tm new-session -d -s t -x 120 -y 30 "env PS1='READY\$ ' TERM=xterm bash --norc --noprofile" ||
	skip_all "tmux cannot start a session here"
wait_for 5 pane_has 'READY\$' || skip_all "the shell in the tmux pane did not start"
type_line "set +H" # no history expansion: READLINE!!OPEN below
type_line "stty -g >$T_TMP/stty.before"
wait_for 5 test -s "$T_TMP/stty.before"

# ---- 1. prompt, noecho, editing, history, EOF
run_in_pane 1 "$DUCT READLINE,history=$T_TMP/hist,noecho=pass EXEC:'sh $T_TMP/prog.sh'" "stty -g >$T_TMP/stty.after1"
expect '^password> ?$' "the program's unfinished output line is the prompt"
type_line "secret"
expect '^terces$' "the input line reaches the program"
unlike "$(pane)" 'secret' "noecho=pass: the input after a matching prompt is not shown"
like "$(pane)" '^password> ?$' "noecho: the prompt stays on screen, the answer goes to the next line"
expect '^name> ?$' "the next prompt is shown"
tm send-keys -t t -l "abc"
tm send-keys -t t Left Left
tm send-keys -t t -l "X"
expect '^name> aXbc$' "line editing: Left twice and an insertion show on the line"
tm send-keys -t t Enter
expect '^got=aXbc$' "the edited line is sent"
tm send-keys -t t Up
expect '^name> aXbc$' "Up recalls the last line from the history"
tm send-keys -t t C-a
tm send-keys -t t -l "Z"
tm send-keys -t t Enter
expect '^got=ZaXbc$' "a recalled line can be edited (C-a, insert) and sent"
tm send-keys -t t C-d
expect '^END-1=0$' "C-d on an empty line ends duct with status 0"
wait_for 5 test -s "$T_TMP/hist"
ok $? "history file written at exit"
is "$(cat "$T_TMP/hist" 2>/dev/null)" "aXbc
ZaXbc" "history file holds the lines typed, not the hidden one"
is "$(cat "$T_TMP/stty.after1" 2>/dev/null)" "$(cat "$T_TMP/stty.before")" "terminal settings restored after EOF"

# ---- 2. the history file is read back; prompt= fixed; SIGINT (C-c) ends duct, terminal restored
run_in_pane 2 "$DUCT READLINE,history=$T_TMP/hist,prompt=P\\> EXEC:'sh $T_TMP/prog.sh'" "stty -g >$T_TMP/stty.after2"
expect 'P> ?$' "prompt=: the fixed prompt is shown (after the program's output)"
tm send-keys -t t Up
expect 'P>ZaXbc$' "the history file is loaded at start"
tm send-keys -t t C-c
expect '^END-2=130$' "C-c (SIGINT) ends duct with status 130"
wait_for 5 test -s "$T_TMP/stty.after2"
is "$(cat "$T_TMP/stty.after2" 2>/dev/null)" "$(cat "$T_TMP/stty.before")" "terminal settings restored after SIGINT"
tm send-keys -t t -l "echo ok-\$((40+2))"
tm send-keys -t t Enter
expect '^ok-42$' "the shell works again after SIGINT"
like "$(pane)" 'echo ok-\$\(\(40\+2\)\)' "the shell's input is echoed again"

# ---- 3. SIGTERM from outside
run_in_pane 3 "sh -c 'echo \$\$ >$T_TMP/pid; exec $DUCT READLINE,noprompt \"EXEC:sh $T_TMP/prog.sh\"'" "stty -g >$T_TMP/stty.after3"
wait_for 5 pane_has 'password> ?$'
pid=$(cat "$T_TMP/pid" 2>/dev/null)
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	expect '^END-3=143$' "SIGTERM ends duct with status 143"
	wait_for 5 test -s "$T_TMP/stty.after3"
	is "$(cat "$T_TMP/stty.after3" 2>/dev/null)" "$(cat "$T_TMP/stty.before")" "terminal settings restored after SIGTERM"
else
	ok 1 "found duct's pid to send SIGTERM"
	skip "no pid"
fi

# ---- 4. the seed: READLINE!!OPEN:file.txt,creat,trunc SYSTEM:'read stdin; echo $stdin'
run_in_pane 4 "cd $T_TMP && $DUCT READLINE!!OPEN:file.txt,creat,trunc SYSTEM:'read stdin; echo \$stdin'; cd /"
tm send-keys -t t -l "hello world"
tm send-keys -t t Enter
expect '^END-4=0$' "READLINE!!OPEN:file.txt SYSTEM:...: duct ends when the program does"
is "$(cat "$T_TMP/file.txt" 2>/dev/null)" "hello world" "the line typed went through the program into the file"

done_testing
