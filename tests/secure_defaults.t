#!/usr/bin/env bash
# Issue 8 (secure defaults), each point as SECURITY.md states it:
#  - no shell unless asked: EXEC and nc -e run the program directly (shell syntax stays
#    literal); only SYSTEM, SHELL and nc -c use /bin/sh;
#  - TLS verifies by default: a client refuses a server whose certificate it can't verify,
#    a server refuses a client without a certificate (verify=1 is the default on both);
#  - socket files get the mode asked for, and are removed at exit only while they are still
#    the socket duct made (a file put in their place survives); a symlink at the path is
#    never followed: unlink-early removes the link, not its target; a lock file path that is a
#    symlink never gets its target written;
#  - range= is checked before a byte is read: a refused client's data is never relayed and
#    the other address is never opened;
#  - su= drops privileges in the right order: supplementary groups, gid, then uid (the child
#    has no way back to root).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/tls_certs.sh"
need_duct
cd "$T_TMP" || exit 1

# ---- no shell unless asked
timeout -k 2 10 "$DUCT" -u EXEC:'touch pwned;touch pwned2' STDOUT >/dev/null 2>&1
test ! -e pwned && test -e 'pwned;touch' && test -e pwned2
ok $? "EXEC: ';' is no shell syntax (touch got the words 'pwned;touch' and 'pwned2')"
rm -f pwned2 'pwned;touch'
got=$(timeout -k 2 10 "$DUCT" -u EXEC:'echo $HOME `id` $(id) *' STDOUT 2>/dev/null)
is "$got" '$HOME `id` $(id) *' "EXEC: \$VAR, backquotes, \$(...) and globs stay literal"
got=$(timeout -k 2 10 "$DUCT" -u SYSTEM:'echo $((6*7))' STDOUT 2>/dev/null)
is "$got" 42 "SYSTEM: the shell, because it was asked for"
P=$(free_port)
bg "$DUCT" nc -l -p "$P" -e '/bin/echo $HOME;x'
wait_for 10 tcp_listening "$P"
got=$(timeout -k 2 10 "$DUCT" -u TCP:127.0.0.1:$P STDOUT </dev/null 2>/dev/null)
is "$got" '$HOME;x' "nc -e: no shell (the argument is the program and its words)"
P=$(free_port)
bg "$DUCT" nc -l -p "$P" -c 'echo $((6*7))'
wait_for 10 tcp_listening "$P"
got=$(timeout -k 2 10 "$DUCT" -u TCP:127.0.0.1:$P STDOUT </dev/null 2>/dev/null)
is "$got" 42 "nc -c: a shell, because it was asked for"

# ---- TLS verification on by default
if have openssl && make_certs "$T_TMP/c"; then
	C=$T_TMP/c
	P=$(free_port)
	bg "$DUCT" OPENSSL-LISTEN:$P,reuseaddr,fork,cert=$C/server.pem,verify=0 PIPE 2>"$T_TMP/tls1.err" # handshake errors expected
	wait_for 10 tcp_listening "$P"
	cap 10 "$DUCT" - OPENSSL:localhost:$P
	is "$RC" 1 "TLS client, no cafile: the server's certificate is not trusted by default (exit 1)"
	like "$ERR" "E .*(certificate|verify)" "... and it says why"
	printf 'hi' >"$T_TMP/hi"
	CAP_IN=$T_TMP/hi cap 10 "$DUCT" - OPENSSL:localhost:$P,cafile=$C/ca.pem
	is "$RC:$OUT" "0:hi" "TLS client with the CA: verified, works"
	CAP_IN=$T_TMP/hi cap 10 "$DUCT" - OPENSSL:127.0.0.2:$P,cafile=$C/ca.pem
	like "$RC $ERR" "^1 .*(match|name)" "TLS client: a name the certificate doesn't carry is refused"
	P2=$(free_port)
	bg "$DUCT" OPENSSL-LISTEN:$P2,reuseaddr,fork,cert=$C/server.pem,cafile=$C/ca.pem PIPE 2>"$T_TMP/tls2.err" # handshake errors expected
	wait_for 10 tcp_listening "$P2"
	CAP_IN=$T_TMP/hi cap 10 "$DUCT" - OPENSSL:localhost:$P2,cafile=$C/ca.pem
	isnt "$RC:$OUT" "0:hi" "TLS server: a client without a certificate gets nothing by default (verify=1)"
else
	for i in 1 2 3 4 5; do skip "openssl(1) needed for certificates"; done
fi

# ---- socket files: mode, removal only of our own socket, no following symlinks
for m in 600 660 644; do
	bg "$DUCT" UNIX-LISTEN:"s$m",fork,mode=$m PIPE
	L=$BG_PID
	wait_for 10 test -S "s$m"
	is "$(stat -c %a "s$m")" "$m" "UNIX-LISTEN mode=$m: the socket file has mode $m"
	kill_group "$L"; wait_pid 5 "$L" >/dev/null
	test ! -e "s$m"
	ok $? "UNIX-LISTEN mode=$m: removed at exit"
done
# not_removed NAME WHAT DUCT-ARGS...: while duct serves socket file NAME, a file is put in its
# place; at exit duct leaves that file alone and says why
not_removed() {
	local name=$1 what=$2; shift 2
	bg "$DUCT" "$@" 2>"$T_TMP/$name.log"
	local l=$BG_PID
	wait_for 10 test -S "$name"
	rm -f "$name"
	echo important >"$name"
	kill "$l"; wait_pid 5 "$l" >/dev/null
	is "$(cat "$name" 2>/dev/null)" important "$what"
	like "$(cat "$T_TMP/$name.log")" "not removing \"$name\"" "... and duct says why"
}
not_removed s1 "a file put in place of the socket file is not removed at exit" UNIX-LISTEN:s1,fork PIPE
# a datagram socket file (UNIX-RECV) belongs to the session's endpoint: the same check there
not_removed s2 "UNIX-RECV: a file put in place of its socket file is not removed at exit" -u UNIX-RECV:s2 OPEN:s2.out,creat
echo precious >victim
ln -s victim lnk
bg "$DUCT" UNIX-LISTEN:lnk,unlink-early,fork PIPE
L=$BG_PID
wait_for 10 test -S lnk
kill_group "$L"; wait_pid 5 "$L" >/dev/null
is "$(cat victim)" precious "unlink-early on a symlink removes the link, not its target"
ln -sf victim lock
cap 5 "$DUCT" -L lock - /dev/null
is "$(cat victim)" "precious" "a lock file path that is a symlink: its target is never written (exit $RC)"

# ---- range= before a byte is read
P=$(free_port)
bg "$DUCT" -d -d TCP-LISTEN:$P,reuseaddr,fork,range=10.0.0.0/8 EXEC:"touch $T_TMP/opened" 2>"$T_TMP/range.log"
L=$BG_PID
wait_for 10 tcp_listening "$P"
printf 'data that must not be read' | timeout -k 2 5 "$DUCT" - TCP:127.0.0.1:$P >/dev/null 2>&1
wait_for 5 log_has "$T_TMP/range.log" 'refusing connection' # the listener decided
wait_for 5 no_children "$L"
test ! -e "$T_TMP/opened"
ok $? "range=: a refused client never gets the other address opened"
like "$(cat "$T_TMP/range.log")" "refusing connection from .*127\\.0\\.0\\.1.*range" "range=: the refusal is logged"
unlike "$(cat "$T_TMP/range.log")" "(read|transferred|splice)\\([0-9]+, .*\\) *-> *[1-9]|starting data transfer" "range=: no data read from the refused client"
kill_group "$L"

# ---- privileges
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	got=$(timeout -k 2 10 "$DUCT" -u EXEC:id,su=nobody STDOUT 2>&1)
	want="uid=$(id -u nobody)($(id -un nobody)) gid=$(id -g nobody)($(id -gn nobody)) groups=$(id -g nobody)($(id -gn nobody))"
	is "$got" "$want" "su=nobody: uid, gid and supplementary groups all nobody's (groups dropped before the uid)"
	if have python3; then
		printf 'import os\ntry:\n    os.setuid(0)\n    print("became root")\nexcept PermissionError as e:\n    print("PermissionError", e)\n' >"$T_TMP/back.py"
		chmod 644 "$T_TMP/back.py"; chmod 755 "$T_TMP"
		got=$(timeout -k 2 10 "$DUCT" -u EXEC:"python3 $T_TMP/back.py",su=nobody STDOUT 2>&1)
		like "$got" "PermissionError|Operation not permitted" "su=nobody: no way back to root"
	else
		skip "python3 needed"
	fi
else
	skip "root and a user nobody needed"; skip "root needed"
fi

done_testing
