# Helpers for the network family tests (tests/net_*.t). Source after tap.sh.

# port_of LOGFILE: the port from the first "listening on ..." / "receiving on ..." log line
port_of() {
	grep -oE '(listening|receiving) on (UDP |UDPLITE )?AF=[0-9]+ [^ ]*:[0-9]+' "$1" 2>/dev/null | head -1 | sed 's/.*://'
}
# start_server LOG CMD...: start CMD in the background (stderr to LOG), wait until it logs that it
# listens; sets BG_PID and PORT (empty on failure)
# py_fixture SCRIPT NAME ARGS...: start a python fixture that logs to $T_TMP/NAME.log and prints
# "PORT <n>" once it listens; sets FPORT (and BG_PID; the process is tracked).
py_fixture() {
	local fix=$1 name=$2; shift 2
	python3 "$fix" --log "$T_TMP/$name.log" "$@" >"$T_TMP/$name.port" 2>/dev/null &
	BG_PID=$!; track "$BG_PID"
	wait_for 5 grep -q PORT "$T_TMP/$name.port"
	FPORT=$(awk '{print $2}' "$T_TMP/$name.port")
}

start_server() {
	local log=$1; shift
	"$@" 2>"$log" & BG_PID=$!; track "$BG_PID"
	PORT=""
	wait_for 5 log_has "$log" '(listening|receiving) on' && PORT=$(port_of "$log")
}
# stop PID: TERM, bounded wait
stop() { kill "$1" 2>/dev/null; wait_pid 5 "$1" >/dev/null 2>&1; return 0; }
# ss_tcp PORT / ss_udp PORT: "STATE LOCAL" of the sockets on that local port, sorted
ss_tcp() { ss -Htln "sport = :$1" | awk '{print $1, $4}' | sort; }
ss_udp() { ss -Huln "sport = :$1" | awk '{print $1, $4}' | sort; }
ss_unix() { ss -Hxl | awk -v p="$1" '$5 == p {print $1, $2, $5}' | sort; }
port_free_tcp() { ! tcp_listening "$1"; }
port_free_udp() { ! udp_bound "$1"; }
nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
zombies() { ps -o stat= --ppid "$1" 2>/dev/null | grep -c '^Z'; }
children() { ps -o pid= --ppid "$1" 2>/dev/null | grep -c .; }
