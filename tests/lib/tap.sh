# Shell TAP helpers for integration tests (in the manner of git's t/test-lib.sh).
# Source from a tests/*.t script:  . "$(dirname "$0")/lib/tap.sh"
# Every wait is bounded; every child started with bg is reaped at exit; no fixed ports.
set -u
DUCT=${DUCT:-$(cd "$(dirname "$0")/.." && pwd)/build/duct}
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
T_N=0
T_FAIL=0
T_BG_PIDS=""
# the TAP stream, for diagnostics from helpers whose stdout may be captured with $(...)
exec {T_TAP_FD}>&1
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/duct-test.XXXXXX")
export T_TMP

# reap_pids PID...: end and reap background children: each bg command leads its own process
# group, so the whole group goes (pipelines, children); TERM first, KILL after a bounded wait
reap_pids() {
	local p
	for p in "$@"; do kill -- "-$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	for p in "$@"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 -- "-$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
	done
	return 0
}

# Blocks: `block "what it tests"` ends the previous block and starts the next one. Ending a
# block (end_block; also at exit) ends and reaps every child started with bg/bg_in/bg_rw/
# start_server/track since its start and runs the commands given to on_block_end, whether its
# checks passed or not: a failed check leaves no server, FIFO writer or stray process behind
# to fail the blocks after it, so one failure shows as one `not ok`.
T_BLOCK_PIDS=""
T_BLOCK_CLEANUP=()
# track PID: a background child started by hand (cmd & pid=$!) is reaped like bg's
track() { T_BG_PIDS="$T_BG_PIDS $1"; T_BLOCK_PIDS="$T_BLOCK_PIDS $1"; }
# on_block_end 'SHELL TEXT': run when the current block ends (e.g. 'exec 8>&-', 'rm -f FIFO')
on_block_end() { T_BLOCK_CLEANUP+=("$*"); }
end_block() {
	local c
	# shellcheck disable=SC2086
	reap_pids $T_BLOCK_PIDS
	for c in $T_BLOCK_PIDS; do T_BG_PIDS=" ${T_BG_PIDS# } "; T_BG_PIDS=${T_BG_PIDS// $c / }; done
	T_BLOCK_PIDS=""
	for c in ${T_BLOCK_CLEANUP[@]+"${T_BLOCK_CLEANUP[@]}"}; do eval "$c"; done
	T_BLOCK_CLEANUP=()
}
block() { end_block; [ -z "${1:-}" ] || echo "# -- $1"; }

t_cleanup() {
	end_block
	# shellcheck disable=SC2086
	reap_pids $T_BG_PIDS
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT

# T_TODO: when non-empty, the next assertions are TAP TODOs ("# TODO $T_TODO"): a failure is
# reported but does not fail the script. Set it for one assertion with: todo "bug: ..." is ...
T_TODO=""
_t_fail() { # count a failure unless it's a TODO
	[ -n "$T_TODO" ] || T_FAIL=$((T_FAIL + 1))
}
_t_dir() { [ -n "$T_TODO" ] && printf ' # TODO %s' "$T_TODO"; return 0; }
ok() { # ok COND_EXIT_STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2$(_t_dir)"; else echo "not ok $T_N - $2$(_t_dir)"; _t_fail; fi
}
# is GOT WANT DESCRIPTION
is() {
	T_N=$((T_N + 1))
	if [ "$1" = "$2" ]; then echo "ok $T_N - $3$(_t_dir)"; else
		echo "not ok $T_N - $3$(_t_dir)"; _t_fail
		printf '# got:  %s\n# want: %s\n' "$(printf %s "$1" | head -c 400 | sed -n 1,8p)" "$(printf %s "$2" | head -c 400 | sed -n 1,8p)"
	fi
}
# like GOT REGEX DESCRIPTION (grep -E)
like() {
	T_N=$((T_N + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then echo "ok $T_N - $3$(_t_dir)"; else
		echo "not ok $T_N - $3$(_t_dir)"; _t_fail
		printf '# got: %s\n# want match: %s\n' "$(printf %s "$1" | head -c 400)" "$2"
	fi
}
skip() { T_N=$((T_N + 1)); echo "ok $T_N # skip $1"; }
diag() { echo "# $*"; }
done_testing() { echo "1..$T_N"; [ "$T_FAIL" -eq 0 ]; exit $?; }
skip_all() { echo "1..0 # skip $1"; exit 0; }

# bg CMD...: start in background in a process group of its own (so cleanup ends its
# children too), remember the pid for reaping; sets BG_PID. kill_group PID ends one early.
if command -v setsid >/dev/null 2>&1; then
	bg() { setsid "$@" & BG_PID=$!; track "$BG_PID"; }
else
	bg() { "$@" & BG_PID=$!; track "$BG_PID"; }
fi
kill_group() { kill -- "-$1" 2>/dev/null; kill "$1" 2>/dev/null; }
# run_to SECONDS CMD...: run with a time bound (timeout(1)); exit status kept
run_to() { local s=$1; shift; timeout -k 2 "$s" "$@"; }
# wait_for SECONDS CMD...: poll until CMD succeeds (readiness check), bounded
wait_for() {
	local s=$1; shift
	local end=$(( $(date +%s%N) + s * 1000000000 ))
	while ! "$@" >/dev/null 2>&1; do
		# say so in the TAP log: the check that follows will most likely fail because of it
		[ "$(date +%s%N)" -gt "$end" ] && { echo "# wait_for: gave up after $s s: $*" >&"$T_TAP_FD"; return 1; }
		sleep 0.02
	done
}
# wait_cond SECONDS 'SHELL TEXT': like wait_for, the text evaluated anew at each poll (so a
# $(...) in it is measured again: `wait_for 5 test "$(nfds P)" -le 5` would measure once)
wait_cond() { local _wc_s=$1; shift; wait_for "$_wc_s" eval "$*"; }
# wait_pid SECONDS PID: wait for a background child to exit, bounded; returns its status
wait_pid() {
	local s=$1 p=$2
	local end=$(( $(date +%s%N) + s * 1000000000 ))
	while kill -0 "$p" 2>/dev/null; do
		if [ "$(date +%s%N)" -gt "$end" ]; then kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; return 124; fi
		sleep 0.02
	done
	wait "$p"
}
# blocked_in PID REGEX: PID sleeps in the kernel at a wait point (/proc/PID/wchan) matching
# REGEX: 'epoll|poll|select' (its event loop waits for I/O), 'nanosleep' (a sleep(3) loop),
# 'wait_for_partner|fifo' (open(2) of a FIFO without a partner). A readiness check for "PID got
# this far and now waits"; where the kernel hides wchan ("0"), any interruptible sleep counts.
blocked_in() {
	local w st
	w=$(cat "/proc/$1/wchan" 2>/dev/null) || return 1
	st=$(sed -E 's/^[0-9]+ \(.*\) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ "$st" = S ] || return 1
	[ -z "$w" ] || [ "$w" = 0 ] && return 0
	printf '%s\n' "$w" | grep -Eq -- "$2"
}
# io_waiting PID: PID's event loop (epoll, poll or select) waits for I/O
io_waiting() { blocked_in "$1" 'epoll|poll|select'; }
# no_children PID: PID has no child processes left (all its sessions ended and were reaped)
no_children() { ! pgrep -P "$1" >/dev/null 2>&1; }
# no_zombies PID: none of PID's children is a zombie
no_zombies() { ! ps -o stat= --ppid "$1" 2>/dev/null | grep -q '^Z'; }
# proc_io PID FIELD: a counter from /proc/PID/io (rchar, wchar, ...); 0 when unreadable
proc_io() { awk -v f="$2:" '$1 == f {print $2; found=1} END {if (!found) print 0}' "/proc/$1/io" 2>/dev/null || echo 0; }

# free_port [tcp|udp]: a port that is free right now on 127.0.0.1 (bound to 0, read back)
free_port() {
	python3 - "${1:-tcp}" <<'PY' 2>/dev/null || echo 0
import socket, sys
t = socket.SOCK_DGRAM if (len(sys.argv) > 1 and sys.argv[1] == "udp") else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, t); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}
# tcp_listening PORT: is something listening on 127.0.0.1:PORT (readiness check)
tcp_listening() { ss -Htln "sport = :$1" | grep -q .; }
# a UNIX stream socket listens at PATH (the file exists from bind() on, before listen(): a
# connect in between is refused, so `test -S` is no readiness check)
unix_listening() { ss -Hxl | awk '{print $5}' | grep -qxF -- "$1"; }
udp_bound() { ss -Hauln "sport = :$1" | grep -q .; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---- helpers for the core integration/differential suites (tests/core_*.t, tests/diff_socat_*.t)

# todo REASON ASSERTION...: run one assertion (ok/is/like/...) as a TAP TODO with a diagnosis.
todo() { T_TODO=$1; shift; "$@"; T_TODO=""; }
# isnt GOT UNWANTED DESCRIPTION
isnt() {
	T_N=$((T_N + 1))
	if [ "$1" != "$2" ]; then echo "ok $T_N - $3$(_t_dir)"; else
		echo "not ok $T_N - $3$(_t_dir)"; _t_fail
		printf '# got (unwanted): %s\n' "$(printf %s "$1" | head -c 400)"
	fi
}
# unlike GOT REGEX DESCRIPTION: GOT must not match (grep -E)
unlike() {
	T_N=$((T_N + 1))
	if ! printf '%s\n' "$1" | grep -Eq -- "$2"; then echo "ok $T_N - $3$(_t_dir)"; else
		echo "not ok $T_N - $3$(_t_dir)"; _t_fail
		printf '# got: %s\n# must not match: %s\n' "$(printf %s "$1" | grep -E -- "$2" | head -c 400)" "$2"
	fi
}
# same_file FILE_GOT FILE_WANT DESCRIPTION: byte-identical files (shows a diff excerpt if not)
same_file() {
	T_N=$((T_N + 1))
	if cmp -s "$1" "$2"; then echo "ok $T_N - $3$(_t_dir)"; else
		echo "not ok $T_N - $3$(_t_dir)"; _t_fail
		od -c "$2" >"$T_TMP/.same_want" 2>&1; od -c "$1" >"$T_TMP/.same_got" 2>&1
		diff "$T_TMP/.same_want" "$T_TMP/.same_got" 2>&1 | head -12 | sed 's/^/# /'
	fi
}

# cap SECS CMD...: run CMD bounded, stdin from $CAP_IN (default /dev/null); stdout and stderr
# go to $T_TMP/cap.out and $T_TMP/cap.err. Sets RC, OUT, ERR (OUT/ERR without trailing newlines,
# as $(...) would give; compare the files for exact bytes).
cap() {
	local s=$1; shift
	timeout -k 2 "$s" "$@" <"${CAP_IN:-/dev/null}" >"$T_TMP/cap.out" 2>"$T_TMP/cap.err"
	RC=$?
	OUT=$(tr -d '\0' <"$T_TMP/cap.out")
	ERR=$(tr -d '\0' <"$T_TMP/cap.err")
}
# capsh SECS 'SHELL TEXT': like cap, through bash -c (DUCT, T_TMP are exported)
capsh() { export DUCT; cap "$1" bash -c "$2"; }

# Normalise log lines "YYYY/MM/DD HH:MM:SS[.uuuuuu] [host ]prog[pid] L text" to "L text".
norm_log() {
	sed -E 's#^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})? ([^ ]+ )?[^ []+\[[0-9]+\] ##'
}
# Normalise dump headers "> YYYY/MM/DD HH:MM:SS.000uuuuuu  length=" (anywhere on a line: -v text
# does not end with a newline) to "> TS  length=".
norm_dump() {
	sed -E 's#([<>]) [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}  length=#\1 TS  length=#g'
}
# need_duct: skip the whole script unless $DUCT is an executable
need_duct() { [ -x "$DUCT" ] || skip_all "no duct binary at $DUCT (run make)"; }
# sha256 of stdin, hex only (openssl's is several times faster than sha256sum where SHA-NI exists)
sha256_stdin() {
	if have openssl; then openssl dgst -sha256 -r | cut -d' ' -f1; else sha256sum | cut -d' ' -f1; fi
}
# log_has FILE REGEX: readiness check on a log file
log_has() { grep -Eq -- "$2" "$1" 2>/dev/null; }
# bg_in FILE CMD... / bg_rw FILE CMD...: like bg, with stdin from FILE (opened read-only /
# read-write: a FIFO opened read-write never reports EOF, a handy "idle stdin"). bg itself
# can't take a stdin redirection: bash gives an async command /dev/null as stdin.
# Like bg, each runs in a process group of its own when setsid exists (cleanup ends the group).
if command -v setsid >/dev/null 2>&1; then
	bg_in() { local f=$1; shift; setsid "$@" <"$f" & BG_PID=$!; track "$BG_PID"; }
	bg_rw() { local f=$1; shift; setsid "$@" 0<>"$f" & BG_PID=$!; track "$BG_PID"; }
else
	bg_in() { local f=$1; shift; "$@" <"$f" & BG_PID=$!; track "$BG_PID"; }
	bg_rw() { local f=$1; shift; "$@" 0<>"$f" & BG_PID=$!; track "$BG_PID"; }
fi
