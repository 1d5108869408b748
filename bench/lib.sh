# bench/lib.sh — sourced by every bench/ case script.
#
# Output protocol (read by bench/table.py; everything else a script prints is commentary):
#   figure|CASE|FIG|UNIT|hi or lo|TITLE       a measured figure (hi: higher is better)
#   sample|CASE|FIG|TOOL|VALUE                one measurement (medians are taken per tool)
#   target|CASE|FIG|SUBJECT|PEER|RATIO        SUBJECT must be RATIO times better than PEER
#   target|CASE|FIG|SUBJECT|@max|VALUE        SUBJECT's figure must be <= VALUE (@min: >=)
#   note|CASE|TEXT                            a line printed under the case in the table
#
# Environment: DUCT (binary, default build/duct), BENCH_QUICK=1 (smoke mode: one
# repetition, tiny sizes, only checks that numbers come out), BENCH_REPS (default 5).
set -u
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
DUCT=${DUCT:-$ROOT/build/duct}
QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then REPS=${BENCH_REPS:-1}; else REPS=${BENCH_REPS:-5}; fi
BTMP=$(mktemp -d /tmp/duct-bench.XXXXXX)
BENCH_PIDS=""
BENCH_BIN=${BENCH_BIN:-$ROOT/build/bench/helper}

bench_cleanup() {
	local p
	# each bg command leads its own process group: end the group (workers, forked children)
	for p in $BENCH_PIDS; do kill -- "-$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	for p in $BENCH_PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$BTMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# Raise the open-file limit (root may raise the hard limit too).
ulimit -Hn 262144 2>/dev/null
ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -n)
# HAProxy needs 2 fds a connection and refuses to start when maxconn doesn't fit the limit
HAPROXY_MAXCONN=$(( (NOFILE - 200) / 2 ))
[ "$HAPROXY_MAXCONN" -gt 30000 ] && HAPROXY_MAXCONN=30000

have() { command -v "$1" >/dev/null 2>&1; }

# helper binary (bench/helper.c), rebuilt when the source is newer
build_helper() {
	if [ ! -x "$BENCH_BIN" ] || [ "$BENCH_DIR/helper.c" -nt "$BENCH_BIN" ]; then
		mkdir -p "$(dirname "$BENCH_BIN")"
		${CC:-cc} -O2 -Wall -o "$BENCH_BIN.tmp.$$" "$BENCH_DIR/helper.c" && mv "$BENCH_BIN.tmp.$$" "$BENCH_BIN" || {
			echo "cannot build $BENCH_BIN" >&2
			exit 1
		}
	fi
}
build_helper
H=$BENCH_BIN

# A free TCP port on 127.0.0.1 (the kernel picks one; it is free right after).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait until something listens on 127.0.0.1:PORT (tcp)
listening() {
	local i
	for i in $(seq 200); do
		ss -Htln "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.025
	done
	echo "nothing listens on port $1" >&2
	return 1
}

# start CMD... in the background in a process group of its own, remember its pid in $BGPID
# (its group is ended at exit); its stderr goes to a log.
# A process group, not a session (setsid): with the kernel's scheduler autogroups (on in
# Debian's kernels) every session is a group that gets an equal share of the CPU, so nginx
# alone in its session was held to a third of the 2 cores and capped every forwarder at the
# same rate (keep-alive: ~44k req/s for duct and HAProxy alike). In one session the
# scheduler shares the CPU between processes, as between the services of one machine.
bg() {
	set -m
	"$@" 2>>"$BTMP/stderr.log" &
	BGPID=$!
	set +m
	BENCH_PIDS="$BENCH_PIDS $BGPID"
}
stop() {
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		kill -- "-$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}

figure() { echo "figure|$1|$2|$3|$4|$5"; }
sample() { echo "sample|$1|$2|$3|$4"; }
target() { echo "target|$1|$2|$3|$4|$5"; }
note() { echo "note|$1|$2"; }

# ---- forwarders: fwd_KIND LISTENPORT BACKENDPORT -> starts it, sets FWDPID ----
# Every forwarder listens on 127.0.0.1 with a 4096 backlog and reuseaddr.

fwd_duct() {
	local lp=$1 be=$2
	shift 2
	bg "$DUCT" "$@" TCP4-LISTEN:$lp,bind=127.0.0.1,fork,reuseaddr,backlog=4096 TCP4:127.0.0.1:$be
	FWDPID=$BGPID
	listening "$lp"
}
fwd_socat() {
	local lp=$1 be=$2
	shift 2
	bg socat "$@" TCP4-LISTEN:$lp,bind=127.0.0.1,fork,reuseaddr,backlog=4096 TCP4:127.0.0.1:$be
	FWDPID=$BGPID
	listening "$lp"
}
# haproxy in the foreground (-db), TCP mode, its defaults otherwise (threads = cores)
fwd_haproxy() {
	local lp=$1 be=$2 cfg=$BTMP/haproxy-$1.cfg
	cat >"$cfg" <<CFG
global
    maxconn $HAPROXY_MAXCONN
defaults
    mode tcp
    timeout connect 5s
    timeout client 120s
    timeout server 120s
frontend fe
    bind 127.0.0.1:$lp
    maxconn $HAPROXY_MAXCONN
    default_backend be
backend be
    server s1 127.0.0.1:$be maxconn $HAPROXY_MAXCONN
CFG
	bg haproxy -f "$cfg" -db
	FWDPID=$BGPID
	listening "$lp"
}
fwd_ncat() {
	local lp=$1 be=$2
	bg ncat -lk 127.0.0.1 "$lp" --sh-exec "exec ncat 127.0.0.1 $be"
	FWDPID=$BGPID
	listening "$lp"
}
fwd_direct() { FWDPID=""; }

# PSS in KiB of a process and all its descendants: "KIB NPROCS"
pss_tree() {
	python3 - "$1" <<'PY'
import os, sys
kids = {}
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(d))
        except (OSError, ValueError, IndexError):
            pass
todo, seen, kib = [int(sys.argv[1])], 0, 0
while todo:
    p = todo.pop()
    seen += 1
    todo += kids.get(p, [])
    try:
        with open("/proc/%d/smaps_rollup" % p) as f:
            for ln in f:
                if ln.startswith("Pss:"):
                    kib += int(ln.split()[1])
    except OSError:
        pass
print(kib, seen)
PY
}

# a tool the case needs: "skip" note when missing
need() {
	local t
	for t in "$@"; do
		if ! have "$t"; then
			echo "# $t not installed: skipped (apt-get install $t)" >&2
			return 1
		fi
	done
}
