#!/usr/bin/env bash
# Issue 8: valgrind memcheck on a representative subset (no invalid read/write, no use of
# uninitialised memory, no definite leak): a file copy, an EXEC child, a malformed address, a
# refused connection, a forking TCP listener serving 20 sessions (then SIGTERM), a TLS client
# and server, a UNIX listener, and the nc and ss faces. Each run under
#   valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
# so any finding turns the exit status into 99. Skipped without valgrind, and for a sanitizer
# build (ASan and valgrind don't mix).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/tls_certs.sh"
need_duct
have valgrind || skip_all "valgrind not installed"
readelf --dyn-syms -W "$DUCT" 2>/dev/null | grep -q __asan_init && skip_all "a sanitizer build: valgrind does not apply"
V="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --log-file=$T_TMP/vg.%p"
vg_clean() { # no report lines at all
	! cat "$T_TMP"/vg.* 2>/dev/null | grep -q .
}
vg_show() { cat "$T_TMP"/vg.* 2>/dev/null | head -20 | sed 's/^/# /'; rm -f "$T_TMP"/vg.*; }

head -c 1000000 /dev/urandom >"$T_TMP/data"
# vg DESC EXPECTED-RC CMD...
vg() {
	local desc=$1 want=$2; shift 2
	rm -f "$T_TMP"/vg.*
	# shellcheck disable=SC2086
	timeout -k 2 60 $V "$@" >"$T_TMP/out" 2>"$T_TMP/err" <"${VG_IN:-/dev/null}"
	local rc=$?
	is "$rc" "$want" "valgrind: $desc (exit $want, no memcheck error)"
	vg_clean || { _t_fail; vg_show; }
}

vg "file copy" 0 "$DUCT" -u OPEN:"$T_TMP/data" CREATE:"$T_TMP/copy"
same_file "$T_TMP/copy" "$T_TMP/data" "... the copy is exact"
VG_IN=$T_TMP/data vg "EXEC:cat both ways" 0 "$DUCT" - EXEC:cat
vg "malformed address" 1 "$DUCT" 'TCP:(' -
vg "unknown option" 1 "$DUCT" OPEN:/dev/null,nosuchopt -
vg "refused connection" 1 "$DUCT" -u OPEN:"$T_TMP/data" TCP:127.0.0.1:1
vg "crnl and -v dump" 0 "$DUCT" -v -u OPEN:/etc/hostname CREATE:"$T_TMP/h",crnl

# a forking listener under valgrind, 20 sessions, then SIGTERM
P=$(free_port)
rm -f "$T_TMP"/vg.*
bg $V "$DUCT" TCP-LISTEN:$P,reuseaddr,fork PIPE
L=$BG_PID
wait_for 30 tcp_listening "$P"
okn=0
for i in $(seq 20); do
	[ "$(printf 'ping %s\n' "$i" | timeout -k 2 10 "$DUCT" -t 5 - TCP:127.0.0.1:$P 2>/dev/null)" = "ping $i" ] && okn=$((okn + 1))
done
is "$okn" 20 "valgrind: forking listener served 20 sessions"
kill "$L"
wait_pid 30 "$L"
is "$?" 143 "valgrind: listener ends on SIGTERM with 143 (no memcheck error)"
vg_clean
ok $? "valgrind: listener: nothing reported" || vg_show

# UNIX listener, one session
rm -f "$T_TMP"/vg.*
bg $V "$DUCT" UNIX-LISTEN:"$T_TMP/sock" CREATE:"$T_TMP/usock.out"
L=$BG_PID
wait_for 30 unix_listening "$T_TMP/sock"
timeout -k 2 20 "$DUCT" -u OPEN:"$T_TMP/data" UNIX-CONNECT:"$T_TMP/sock"
wait_pid 30 "$L"
is "$?" 0 "valgrind: UNIX listener, one session, exit 0"
vg_clean
ok $? "valgrind: UNIX listener: nothing reported" || vg_show

# TLS: server and client both under valgrind
if have openssl && make_certs "$T_TMP/c"; then
	C=$T_TMP/c
	P=$(free_port)
	rm -f "$T_TMP"/vg.*
	bg $V "$DUCT" OPENSSL-LISTEN:$P,reuseaddr,cert=$C/server.pem,verify=0 PIPE
	L=$BG_PID
	wait_for 30 tcp_listening "$P"
	printf 'over tls\n' >"$T_TMP/tin"
	VG_IN=$T_TMP/tin vg "TLS client" 0 "$DUCT" - OPENSSL:localhost:$P,cafile=$C/ca.pem
	is "$(cat "$T_TMP/out")" "over tls" "... the echo came back"
	wait_pid 30 "$L"
	vg_clean
	ok $? "valgrind: TLS server: nothing reported" || vg_show
else
	skip "openssl needed"; skip "openssl needed"; skip "openssl needed"
fi

# the other faces
vg "nc: refused" 1 "$DUCT" nc -N 127.0.0.1 1
vg "nc: bad option" 1 "$DUCT" nc -Q
vg "ss -tln" 0 "$DUCT" ss -tln
vg "ss with a filter" 0 "$DUCT" ss -tan 'sport = :22 or dport = :443'

done_testing
