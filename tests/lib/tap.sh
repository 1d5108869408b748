# Shell TAP helpers for integration tests (in the manner of git's t/test-lib.sh).
# Source from a tests/*.t script:  . "$(dirname "$0")/lib/tap.sh"
# Every wait is bounded; every child started with bg is reaped at exit; no fixed ports.
set -u
DUCT=${DUCT:-$(cd "$(dirname "$0")/.." && pwd)/build/duct}
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
T_N=0
T_FAIL=0
T_BG_PIDS=""
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/duct-test.XXXXXX")
export T_TMP

t_cleanup() {
	for p in $T_BG_PIDS; do kill "$p" 2>/dev/null; done
	for p in $T_BG_PIDS; do
		# bounded reap
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT

ok() { # ok COND_EXIT_STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"; else echo "not ok $T_N - $2"; T_FAIL=$((T_FAIL + 1)); fi
}
# is GOT WANT DESCRIPTION
is() {
	T_N=$((T_N + 1))
	if [ "$1" = "$2" ]; then echo "ok $T_N - $3"; else
		echo "not ok $T_N - $3"; T_FAIL=$((T_FAIL + 1))
		printf '# got:  %s\n# want: %s\n' "$(printf %s "$1" | head -c 400 | sed -n 1,8p)" "$(printf %s "$2" | head -c 400 | sed -n 1,8p)"
	fi
}
# like GOT REGEX DESCRIPTION (grep -E)
like() {
	T_N=$((T_N + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then echo "ok $T_N - $3"; else
		echo "not ok $T_N - $3"; T_FAIL=$((T_FAIL + 1))
		printf '# got: %s\n# want match: %s\n' "$(printf %s "$1" | head -c 400)" "$2"
	fi
}
skip() { T_N=$((T_N + 1)); echo "ok $T_N # skip $1"; }
diag() { echo "# $*"; }
done_testing() { echo "1..$T_N"; [ "$T_FAIL" -eq 0 ]; exit $?; }
skip_all() { echo "1..0 # skip $1"; exit 0; }

# bg CMD...: start in background, remember the pid for reaping; sets BG_PID
bg() { "$@" & BG_PID=$!; T_BG_PIDS="$T_BG_PIDS $BG_PID"; }
# run_to SECONDS CMD...: run with a time bound (timeout(1)); exit status kept
run_to() { local s=$1; shift; timeout -k 2 "$s" "$@"; }
# wait_for SECONDS CMD...: poll until CMD succeeds (readiness check), bounded
wait_for() {
	local s=$1; shift
	local end=$(( $(date +%s%N) + s * 1000000000 ))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s%N)" -gt "$end" ] && return 1
		sleep 0.02
	done
}
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
# free_port [tcp|udp]: a port that is free right now on 127.0.0.1 (bound to 0, read back)
free_port() {
	python3 - "$1" <<'PY' 2>/dev/null || echo 0
import socket, sys
t = socket.SOCK_DGRAM if (len(sys.argv) > 1 and sys.argv[1] == "udp") else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, t); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}
# tcp_listening PORT: is something listening on 127.0.0.1:PORT (readiness check)
tcp_listening() { ss -Htln "sport = :$1" | grep -q .; }
udp_bound() { ss -Hauln "sport = :$1" | grep -q .; }
have() { command -v "$1" >/dev/null 2>&1; }
