#!/bin/bash
# Differential test: `duct ss` against iproute2 `ss` 6.1, byte for byte, inside a private network
# namespace holding a fixed set of sockets (tests/lib/ss_fixture.c). Then -j is checked with jq.
. "$(dirname "$0")/lib/tap.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for a network namespace"
have ip || skip_all "no ip(8)"
have ss || skip_all "no iproute2 ss to compare with"
have cc || skip_all "no C compiler for the fixture"
[ -x "$DUCT" ] || skip_all "no duct binary at $DUCT"
ss -V 2>/dev/null | grep -q 'iproute2-6\.1' || skip_all "reference ss is not iproute2 6.1 ($(ss -V 2>&1))"

NS=duct-ss-$$
FIX=$T_TMP/ss_fixture
cc -std=c17 -D_GNU_SOURCE -O2 -o "$FIX" "$TESTS_DIR/lib/ss_fixture.c" 2>"$T_TMP/cc.err" ||
	skip_all "fixture does not build: $(head -c 200 "$T_TMP/cc.err")"
ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace"
ss_cleanup() {
	t_cleanup_ns_pids
	ip netns del "$NS" 2>/dev/null
	t_cleanup
}
t_cleanup_ns_pids() {
	for p in $T_BG_PIDS; do kill "$p" 2>/dev/null; done
}
trap ss_cleanup EXIT
ip netns exec "$NS" ip link set lo up || skip_all "cannot bring lo up in $NS"

mkdir -p "$T_TMP/u"
bg ip netns exec "$NS" "$FIX" "$T_TMP/u" >"$T_TMP/fix.out" 2>"$T_TMP/fix.err"
if ! wait_for 10 grep -q ready "$T_TMP/fix.out"; then
	diag "fixture: $(cat "$T_TMP/fix.err")"
	skip_all "socket fixture did not come up"
fi

IN() { run_to 10 ip netns exec "$NS" "$@"; }

# Compare one command line (given as a single shell-quoted string). Nothing else in the namespace
# changes between the two runs, but ss -s reads a global socket count, so retry a few times.
compare() {
	local line=$1 try
	for try in 1 2 3; do
		eval "IN ss $line" >"$T_TMP/want" 2>"$T_TMP/want.err"
		local rw=$?
		eval "IN \"\$DUCT\" ss $line" >"$T_TMP/got" 2>"$T_TMP/got.err"
		local rg=$?
		if cmp -s "$T_TMP/want" "$T_TMP/got" && [ "$rw" = "$rg" ]; then
			ok 0 "ss $line"
			return
		fi
		sleep 0.2 # not a readiness wait: a pause before comparing moving counters again
	done
	# The "Total:" line of -s and the orphan count on its "TCP:" line are machine-wide
	# counters (not only the namespace's), which parallel tests change between the two runs;
	# every other byte must still match.
	local norm='/^(Total|TCP):/ s/[0-9]+/N/g'
	if [ "$rw" = "$rg" ] && cmp -s <(sed -E "$norm" "$T_TMP/want") <(sed -E "$norm" "$T_TMP/got"); then
		ok 0 "ss $line"
		diag "machine-wide counters moved between the runs; the rest is identical"
		return
	fi
	ok 1 "ss $line"
	diag "exit: ss=$rw duct=$rg"
	diff "$T_TMP/want" "$T_TMP/got" | head -10 | sed 's/^/#   /'
}

LINES=(
	"-tln"
	"-uln"
	"-xln"
	"-tulpn"
	"-tan"
	"-tanp"
	"-xa"
	"-4 -tln"
	"-6 -tln"
	"-Htln"
	"-tlne"
	"-s"
	"--summary"
	"-an -A inet,unix"
	"-tn state established '( dport = :5432 or sport = :5432 )'"
	"-tln 'sport = :8080'"
	"-tlnm"
	"-xanm"
	"-tlni"
	"-tano"
	"-tanmO"
	"-tlniO"
	"-t -u -e -l -a -n -p"
	"--tcp --all"
	"--unix"
	"-xap"
	"-xanme"
	"-uan"
	"-tn"
	"-ta"
	"-n"
	"-xlnp"
	"-tane"
	"-tn state listening"
	"-tn exclude listening"
	"-tan dst 127.0.0.1"
	"-tan 'src [::1]'"
	"-tan sport ge :9000"
	"-tan '! sport = :5432'"
	"-tan dport gt :8000 and dport lt :9999"
	"-tan 'sport = :postgresql or ( dport >= :9000 && dport <= :9090 )'"
	"-4 -an"
	"-6 -uan"
	"-Hxa"
	"-a -A tcp,udp -n"
	"-tan autobound"
	"-xa 'src $T_TMP/u/*'"
	"-tn state connected"
	"-tn state synchronized state listening"
	"-f inet6 -ln"
	"-A unix_dgram,unix_stream -a"
	"-tupna"
	"-V"
	"-tan state bogus"
	"-A nosuchtable"
	"-wan"
	"-wa"
	"-0"
	"-0ae"
	"-0anp"
	"-tln --tos"
	"-tln dev lo"
	"-tln 'dev = lo or sport = :22'"
	"-tln fwmark = 7"
	"-tln '! fwmark = 0x7/0xf'"
	"-Mna"
	"-Mnae"
	"-an -A raw,udp"
	"-4 -a"
	"-6 -a"
	"-ua"
	"-tln --inet-sockopt"
	"-tlnO --inet-sockopt"
	"-tln --cgroup"
	"-tan 'sport = :foo'"
	"-tan '( sport = :22'"
	"-F /dev/null -tln"
	"-Mnai"
	"-Mnaime"
)
for l in "${LINES[@]}"; do compare "$l"; done

# ---- terminal widths (TIOCGWINSZ): run both under script(1) at a few sizes ----
if have script; then
	for cols in 60 100 200; do
		for l in "-tln" "-tlnp" "-xa" "-tanm"; do
			want=$(IN script -qc "stty cols $cols rows 40; ss $l" /dev/null)
			got=$(IN script -qc "stty cols $cols rows 40; $DUCT ss $l" /dev/null)
			is "$got" "$want" "tty $cols columns: ss $l"
		done
	done
else
	skip "no script(1) for tty widths"
fi

# ---- JSON ----
if have jq; then
	IN "$DUCT" ss -tlnj >"$T_TMP/j" 2>"$T_TMP/j.err"
	jq -e 'type == "array" and length > 0' "$T_TMP/j" >/dev/null 2>&1
	ok $? "-tlnj is a non-empty JSON array"
	# agreement with the text listing: state, queues, addresses and ports
	jq -r '.[] | "\(.state) \(.recv_q) \(.send_q) \(.local_address) \(.local_port) \(.peer_address) \(.peer_port)"' \
		"$T_TMP/j" >"$T_TMP/j.rows"
	IN "$DUCT" ss -Htln | awk '
		function split_ap(s, out,   i, a, p) {
			i = match(s, /:[^:]*$/); a = substr(s, 1, i - 1); p = substr(s, i + 1)
			if (p == "*") p = 0
			if (a == "*") a = "::"
			sub(/%.*/, "", a)
			gsub(/^\[|\]$/, "", a)
			out[1] = a; out[2] = p
		}
		{ split_ap($4, L); split_ap($5, P); print $1, $2, $3, L[1], L[2], P[1], P[2] }' >"$T_TMP/t.rows"
	is "$(cat "$T_TMP/j.rows")" "$(cat "$T_TMP/t.rows")" "-tlnj agrees with -Htln"
	jq -e 'all(.[]; (.recv_q|type) == "number" and (.local_port|type) == "number" and (.state|type) == "string" and (.local_address|type) == "string")' \
		"$T_TMP/j" >/dev/null 2>&1
	ok $? "JSON fields are typed (numbers as numbers, states/addresses as strings)"
	n_json=$(IN "$DUCT" ss -tnj state established '( dport = :5432 or sport = :5432 )' | jq length)
	n_text=$(IN "$DUCT" ss -Htn state established '( dport = :5432 or sport = :5432 )' | wc -l)
	is "$n_json" "$n_text" "JSON honours state filter and expression"
	n_json=$(IN "$DUCT" ss -xanpj | jq '[.[] | select(.users | length > 0)] | length')
	n_text=$(IN "$DUCT" ss -Hxanp | grep -c 'users:')
	is "$n_json" "$n_text" "JSON users agree with -p text"
	IN "$DUCT" ss -tanmij >"$T_TMP/j2"
	jq -e 'all(.[]; .skmem.rcvbuf > 0) and any(.[]; .tcp_info.cwnd > 0)' "$T_TMP/j2" >/dev/null 2>&1
	ok $? "-m/-i appear as typed objects in JSON"
	IN "$DUCT" ss -aj -A unix | jq -e 'length > 5' >/dev/null 2>&1
	ok $? "-j with unix sockets is valid JSON"
	IN "$DUCT" ss -sj | jq -e '(.summary.tcp.total|type) == "number" and (.summary.transport.udp.ipv6|type) == "number"' >/dev/null 2>&1
	ok $? "-sj is one JSON object with typed counters"
	IN "$DUCT" ss -sj -tln | jq -e '(.sockets|length) > 0 and (.summary.total|type) == "number"' >/dev/null 2>&1
	ok $? "-sj with a table: {summary, sockets} in one document"
else
	skip "no jq"
fi

# ---- -p without privilege: footer on stderr ----
if have setpriv; then
	IN setpriv --reuid=65534 --regid=65534 --clear-groups "$DUCT" ss -tlnp >"$T_TMP/np.out" 2>"$T_TMP/np.err"
	like "$(cat "$T_TMP/np.err")" "shown without process: could not read /proc/PID/fd" "-p as nobody explains hidden owners"
	n=$(grep -c LISTEN "$T_TMP/np.out")
	ok $([ "$n" -ge 6 ] && echo 0 || echo 1) "-p as nobody still lists the sockets"
else
	skip "no setpriv"
fi

# ---- -E: both follow destroy events while a connection comes and goes ----
if have stdbuf; then
	bg timeout 8 ip netns exec "$NS" stdbuf -o0 ss -Etn >"$T_TMP/ev.want" 2>/dev/null
	EV1=$BG_PID
	bg timeout 8 ip netns exec "$NS" "$DUCT" ss -Etn >"$T_TMP/ev.got" 2>/dev/null
	EV2=$BG_PID
	# listening_events PID NAME: timeout PID's child, now NAME (past ip netns exec, stdbuf),
	# waits in recv on its subscribed netlink socket
	listening_events() {
		local c
		c=$(pgrep -P "$1") && [ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$2" ] &&
			blocked_in "$c" 'skb|recv|poll|select'
	}
	wait_for 5 listening_events "$EV1" ss
	wait_for 5 listening_events "$EV2" duct
	IN bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080; exec 3>&-' 2>/dev/null
	wait_for 5 grep -q 8080 "$T_TMP/ev.want"
	wait_for 5 grep -q 8080 "$T_TMP/ev.got"
	# both print every event of that connection (the line count is not known in advance)
	wait_for 5 cmp -s "$T_TMP/ev.got" "$T_TMP/ev.want"
	kill "$EV1" "$EV2" 2>/dev/null
	wait_pid 3 "$EV1"; wait_pid 3 "$EV2"
	is "$(cat "$T_TMP/ev.got")" "$(cat "$T_TMP/ev.want")" "-Etn prints destroyed sockets like ss"
else
	skip "no stdbuf for ss -E"
fi

# ---- -K last, since it destroys a fixture socket ----
before=$(IN ss -tn 'sport = :40001')
killed=$(IN "$DUCT" ss -tnK 'sport = :40001')
is "$killed" "$before" "-K prints the socket it destroyed"
is "$(IN ss -Htn 'sport = :40001')" "" "-K destroyed it"

done_testing
