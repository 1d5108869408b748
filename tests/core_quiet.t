#!/usr/bin/env bash
# Issue 15 A: quiet by default, as socat. A plain SIGTERM logs nothing without -d (socat
# 1.7.4: its "W exiting on signal 15" shows from -d on); the signal lines at -d -d and the
# levels per signal are socat's; STDOUT used read-write says nothing per session; an early
# error ends with "N exit(1)" at -d -d; a client bind (sourceport, lowport) has socat's debug
# lines. Differential against the installed socat where it has the feature.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
SOCAT=$(command -v socat || true)

mkfifo "$T_TMP/idle"          # opened read-write: an stdin that never has data nor EOF
ulimit -c 0 2>/dev/null       # an uncaught SIGSEGV below must leave no core file
# handles PID SIGNUM: PID catches or blocks (for its signalfd) SIGNUM -- its signal handling
# is set up (readiness check from /proc/PID/status)
handles() {
	local k v
	while read -r k v; do
		case $k in SigCgt:|SigBlk:) [ $(( (16#$v >> ($2 - 1)) & 1 )) -eq 1 ] && return 0 ;; esac
	done <"/proc/$1/status"
	return 1
}
# sig_run2 PROG SIGNAL ARGS...: PROG ARGS... -u STDIN STDOUT on an idle stdin, signalled once it
# handles SIGTERM (its handling is set up); sets SRC, SERR
sig_run2() {
	local prog=$1 sig=$2; shift 2
	rm -f "$T_TMP/sig.err"
	bg_rw "$T_TMP/idle" "$prog" "$@" -u STDIN STDOUT >/dev/null 2>"$T_TMP/sig.err"
	local p=$BG_PID
	wait_for 5 handles "$p" 15
	wait_for 5 io_waiting "$p" # past the signal set-up, idle in the transfer loop
	kill -"$sig" "$p" 2>/dev/null
	wait_pid 5 "$p" 2>/dev/null; SRC=$?
	SERR=$(cat "$T_TMP/sig.err")
}
siglines() { printf '%s\n' "$1" | norm_log | grep -E 'signal|exit\(' ; }

# ---------------------------------------------------------------- SIGTERM at each verbosity
sig_run2 "$DUCT" TERM
is "$SRC:$SERR" "143:" "SIGTERM without -d: exit 143 and nothing on stderr (socat 1.7.4 is silent)"
sig_run2 "$DUCT" TERM -d
is "$SRC:$(siglines "$SERR")" "143:W exiting on signal 15" "SIGTERM at -d: the warning, at W"
sig_run2 "$DUCT" INT
is "$SRC:$SERR" "130:" "SIGINT without -d: silent"
sig_run2 "$DUCT" QUIT
is "$SRC:$(siglines "$SERR")" "131:E exiting on signal 3" "SIGQUIT without -d: an error line, as socat"

if [ -n "$SOCAT" ]; then
	for s in TERM INT HUP QUIT SEGV ILL ABRT BUS FPE; do
		for v in "" "-d" "-d -d"; do
			# shellcheck disable=SC2086
			sig_run2 "$SOCAT" $s $v; want="$SRC:$(siglines "$SERR" | tr '\n' ';')"
			# shellcheck disable=SC2086
			sig_run2 "$DUCT" $s $v; got="$SRC:$(siglines "$SERR" | tr '\n' ';')"
			is "$got" "$want" "SIG$s ${v:-(no -d)}: exit code and signal/exit lines as socat's"
		done
	done
else
	skip "socat is not installed: no signal differential"
fi

# -S: every signal in the mask is caught and logged (socat 1.8's -S; 1.7.4 has none)
sig_run2 "$DUCT" SYS -S 0x80000000
is "$SRC:$(siglines "$SERR")" "159:E exiting on signal 31" "-S with SIGSYS's bit: caught, logged at E, exit 159"
sig_run2 "$DUCT" USR2 -S 0x1000 -d -d
is "$SRC:$(siglines "$SERR" | grep exiting)" "140:N exiting on signal 12" "-S with SIGUSR2's bit: caught, a notice, exit 140"
# a sanitizer build's own SEGV handler would report and abort (134): let the default action be
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" sig_run2 "$DUCT" SEGV -S 0x8000
is "$SRC" 139 "-S 0x8000 (TERM only), SIGSEGV: not caught, default action (139)"
is "$(siglines "$SERR")" "" "-S 0x8000, SIGSEGV: not logged"

# ---------------------------------------------------------------- STDOUT read-write
# TCP-LISTEN,fork to STDOUT: no warning per session (socat says nothing, even at -d -d)
exec 3>&1 >"$T_TMP/srv.out" # the server's STDOUT is not the TAP stream
start_server "$T_TMP/srv.err" "$DUCT" -d -d TCP-LISTEN:0,reuseaddr,fork,bind=127.0.0.1 STDOUT
srv=$BG_PID
exec >&3 3>&-
if [ -n "$PORT" ]; then
	for i in 1 2; do printf 'x%s\n' "$i" | run_to 5 "$DUCT" -u STDIN TCP:127.0.0.1:"$PORT"; done
	wait_for 5 bash -c "[ \$(grep -c 'exiting with status' '$T_TMP/srv.err') -ge 2 ]"
	unlike "$(cat "$T_TMP/srv.err")" ' W |only supports' "TCP-LISTEN,fork STDOUT at -d -d: no warning per session"
	is "$(cat "$T_TMP/srv.out")" "x1
x2" "TCP-LISTEN,fork STDOUT: both sessions' data"
else
	skip "server did not start"
fi
stop "$srv"
cap 5 "$DUCT" -u /dev/null STDOUT
is "$RC:$ERR" "0:" "-u /dev/null STDOUT: silent"
CAP_IN=/dev/null cap 5 "$DUCT" - STDOUT
is "$RC:$ERR" "0:" "- STDOUT (STDOUT opened read-write): no warning by default"
CAP_IN=/dev/null cap 5 "$DUCT" -d -d - STDOUT
unlike "$ERR" 'only supports' "- STDOUT at -d -d: no line about the mode (socat has none)"
CAP_IN=/dev/null cap 5 "$DUCT" -d -d -d - STDOUT
like "$ERR" ' I address is opened in read-write mode but only supports write-only' "- STDOUT at -d -d -d: an info line"

# ---------------------------------------------------------------- N exit(1) after an early error
early() { # early ARGS...: the E/N lines, normalised
	cap 5 "$1" "${@:2}"; printf '%s\n' "$ERR" | norm_log | grep -E '^[EN] (exit\(|unknown|exactly)'
}
is "$(early "$DUCT" -d -d - BOGUS:x)" 'E unknown device/address "BOGUS"
N exit(1)' "-d -d, unknown address: the error, then 'N exit(1)'"
is "$(early "$DUCT" -d -d -)" 'E exactly 2 addresses required (there are 1); use option "-h" for help
N exit(1)' "-d -d, one address: the error, then 'N exit(1)'"
is "$(early "$DUCT" - BOGUS:x)" 'E unknown device/address "BOGUS"' "without -d: no exit line"
if [ -n "$SOCAT" ]; then
	for a in "- BOGUS:x" "-" "-Z - -"; do
		# shellcheck disable=SC2086
		want=$(early "$SOCAT" -d -d $a); got=$(early "$DUCT" -d -d $a)
		is "$got" "$want" "-d -d $a: error and exit lines as socat's"
	done
	port=$(free_port)
	want=$(cap 5 "$SOCAT" -d -d - TCP:127.0.0.1:"$port"; printf '%s\n' "$ERR" | norm_log | grep -E '^(E|N exit)' | sed -E 's/connect\([0-9]+,/connect(FD,/')
	got=$(cap 5 "$DUCT" -d -d - TCP:127.0.0.1:"$port"; printf '%s\n' "$ERR" | norm_log | grep -E '^(E|N exit)' | sed -E 's/connect\([0-9]+,/connect(FD,/')
	is "$got" "$want" "-d -d, refused connect: error then 'N exit(1)' as socat"
fi

# ---------------------------------------------------------------- bind() debug lines
port=$(free_port); sport=$(free_port)
bindlines() { cap 5 "$@"; printf '%s\n' "$ERR" | norm_log | grep -E '^D bind\(' | sed -E 's/^D bind\([0-9]+,/D bind(FD,/'; }
got=$(bindlines "$DUCT" -d -d -d -d - TCP:127.0.0.1:"$port",sourceport="$sport")
is "$got" "D bind(FD, AF=2 0.0.0.0:$sport, 16)
D bind() -> 0" "sourceport at -d -d -d -d: bind() and its result"
if [ -n "$SOCAT" ]; then
	sport=$(free_port)
	want=$(bindlines "$SOCAT" -d -d -d -d - TCP:127.0.0.1:"$port",sourceport="$sport")
	got=$(bindlines "$DUCT" -d -d -d -d - TCP:127.0.0.1:"$port",sourceport="$sport")
	is "$got" "$want" "sourceport: the bind() debug lines as socat's"
fi
got=$(bindlines "$DUCT" -d -d -d -d - TCP:127.0.0.1:"$port",lowport)
like "$got" '^D bind\(FD, AF=2 0\.0\.0\.0:([0-9]{3}|10[01][0-9]|102[0-3]), 16\)' "lowport at -d -d -d -d: a bind() line with a port below 1024"
got=$(bindlines "$DUCT" -d -d -d - TCP:127.0.0.1:"$port",sourceport="$sport")
is "$got" "" "at -d -d -d: no bind() debug line (socat logs it at D)"

done_testing
