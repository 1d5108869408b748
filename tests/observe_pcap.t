#!/usr/bin/env bash
# Issue 18 (capture): --pcap=FILE writes every session's relayed bytes as synthesized TCP (or
# UDP) packets between the real addresses of each socket leg. Checked from outside: tcpdump -r
# reads the file (both legs, SYN/FIN, checksums correct, both directions' bytes in order);
# tshark's "Follow TCP Stream" of a 1 MiB session reassembles to the same SHA-256 on both legs
# (skipped where tshark is missing). Bad input: an unwritable path, bad --pcap-snaplen. A
# capture that can't be written (/dev/full, a full tmpfs) ends with a log line and the
# session still delivers every byte. A WebSocket leg carries the plaintext (python websockets
# as the client). --fork-process children append whole records to the one file.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have tcpdump || skip_all "tcpdump is not installed"
have socat || skip_all "socat is not installed (the peers)"

# relay_once PCAPARGS... -- SINK_ADDR: start "duct -d -d PCAPARGS TCP4-LISTEN:0 TCP4:sink" with a
# socat server SINK_ADDR on a free port (CREATE:...: one way, socat -u); sets RPID (relay), SPID
# (sink), PORT (relay's port)
relay_once() {
	local args=() sink
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	sink=$2
	local sp; sp=$(free_port)
	local u=(); case $sink in CREATE:*) u=(-u) ;; esac
	bg socat -T 10 "${u[@]}" TCP4-LISTEN:"$sp",bind=127.0.0.1,reuseaddr "$sink" 2>"$T_TMP/sink.err"; SPID=$BG_PID
	wait_for 5 tcp_listening "$sp"
	start_server "$T_TMP/relay.log" "$DUCT" -d -d "${args[@]}" TCP4-LISTEN:0,bind=127.0.0.1 TCP4:127.0.0.1:"$sp"
	RPID=$BG_PID
}
finish() { wait_pid 10 "$RPID" >/dev/null 2>&1; wait_pid 10 "$SPID" >/dev/null 2>&1; }

# ------------------------------------------------------------ a request and a reply
relay_once --pcap="$T_TMP/a.pcap" -- SYSTEM:'read l; echo "pong $l"'
got=$(printf 'ping\n' | timeout 10 socat -t 5 - TCP4:127.0.0.1:"$PORT" 2>/dev/null)
finish
is "$got" "pong ping" "the relay works with --pcap"
tcpdump -vv -nr "$T_TMP/a.pcap" >"$T_TMP/a.txt" 2>"$T_TMP/a.err"
ok $? "tcpdump -r reads the capture"
like "$(cat "$T_TMP/a.err")" "link-type RAW" "LINKTYPE_RAW"
is "$(grep -c 'Flags \[S\]' "$T_TMP/a.txt")" 2 "a SYN on each of the two legs"
is "$(grep -c 'Flags \[S\.\]' "$T_TMP/a.txt")" 2 "a SYN-ACK on each leg"
is "$(grep -c 'Flags \[F\.\]' "$T_TMP/a.txt")" 4 "a FIN each way on each leg"
is "$(grep -c 'incorrect' "$T_TMP/a.txt")" 0 "every IP and TCP checksum is correct"
is "$(grep -c ', length 5$' "$T_TMP/a.txt")" 2 "the 5-byte request on both legs"
is "$(grep -c ', length 10$' "$T_TMP/a.txt")" 2 "the 10-byte reply on both legs"
# the client's leg: client port <-> relay's listening port
legs=$(tcpdump -nr "$T_TMP/a.pcap" 2>/dev/null | grep -c "127.0.0.1.$PORT:\|> 127.0.0.1.$PORT:")
ok "$([ "$legs" -gt 0 ] && echo 0 || echo 1)" "the client's leg carries the relay's real listening port $PORT"
# in order: the request before the reply, on each leg
txt=$(tcpdump -A -nr "$T_TMP/a.pcap" 2>/dev/null | grep -oE 'pong ping|ping' | tr '\n' ' ')
is "$txt" "ping ping pong ping pong ping " "both directions' bytes, in order (request on both legs, then the reply)"

# ------------------------------------------------------------ 1 MiB, reassembled by tshark
head -c 1048576 /dev/urandom >"$T_TMP/big"
want=$(sha256_stdin <"$T_TMP/big")
relay_once --pcap="$T_TMP/b.pcap" -- CREATE:"$T_TMP/out"
timeout 20 socat -u OPEN:"$T_TMP/big" TCP4:127.0.0.1:"$PORT"
finish
is "$(sha256_stdin <"$T_TMP/out")" "$want" "1 MiB relayed intact with --pcap"
is "$(tcpdump -nr "$T_TMP/b.pcap" 2>/dev/null | grep -c 'Flags \[S\]')" 2 "1 MiB: two legs"
if have tshark; then
	for st in 0 1; do
		# raw follow: node 0's data unindented, node 1's after a tab; the client's bytes
		# flow from node 0 (the side that sent the SYN) on both legs
		tshark -r "$T_TMP/b.pcap" -q -z follow,tcp,raw,$st 2>/dev/null |
			awk '/^Node 1:/{on=1; next} /^====/{on=0} on && !/^\t/' | xxd -r -p >"$T_TMP/follow$st"
		is "$(sha256_stdin <"$T_TMP/follow$st")" "$want" "tshark follow,tcp,raw,$st: same SHA-256 as the 1 MiB sent"
	done
else
	skip "tshark is not installed"; skip "tshark is not installed"
fi

# ------------------------------------------------------------ --pcap-snaplen
relay_once --pcap="$T_TMP/s.pcap" --pcap-snaplen=100 -- SYSTEM:'cat >/dev/null'
head -c 1000 /dev/zero | timeout 10 socat -u - TCP4:127.0.0.1:"$PORT"
finish
like "$(tcpdump -nr "$T_TMP/s.pcap" 2>&1)" "snapshot length 100" "--pcap-snaplen goes into the file header"
like "$(tcpdump -nr "$T_TMP/s.pcap" 2>&1)" "length 1000" "a segment cut by the snaplen keeps its real length"
sz=$(stat -c %s "$T_TMP/s.pcap")
ok "$([ "$sz" -lt 2000 ] && echo 0 || echo 1)" "records bounded by the snaplen (file $sz bytes for 1000 bytes on two legs)"

# ------------------------------------------------------------ in-loop fork: one file for all sessions
bg_log=$T_TMP/fork.log
start_server "$bg_log" "$DUCT" -d -d --pcap="$T_TMP/f.pcap" TCP4-LISTEN:0,bind=127.0.0.1,fork PIPE; FPID=$BG_PID
r1=$(printf one | timeout 10 socat -t 2 - TCP4:127.0.0.1:"$PORT" 2>/dev/null)
r2=$(printf two | timeout 10 socat -t 2 - TCP4:127.0.0.1:"$PORT" 2>/dev/null)
wait_for 5 test "$(tcpdump -nr "$T_TMP/f.pcap" 2>/dev/null | grep -c 'Flags \[F\.\]')" = 4
stop "$FPID"
is "$r1$r2" "onetwo" "fork: both sessions echoed"
fk=$(tcpdump -nr "$T_TMP/f.pcap" 2>/dev/null)
is "$(printf '%s\n' "$fk" | grep -c 'Flags \[S\]')" 2 "fork: one capture file holds both sessions (PIPE is no socket: one leg each)"

# ------------------------------------------------------------ --fork-process: children append to the inherited file
start_server "$T_TMP/fp.log" "$DUCT" -d -d --fork-process --pcap="$T_TMP/fp.pcap" TCP4-LISTEN:0,bind=127.0.0.1,fork PIPE; FPID=$BG_PID
fr=""
for m in one two three; do fr=$fr$(printf $m | timeout 10 socat -t 2 - TCP4:127.0.0.1:"$PORT" 2>/dev/null); done
wait_for 5 test "$(tcpdump -nr "$T_TMP/fp.pcap" 2>/dev/null | grep -c 'Flags \[F\.\]')" = 6
stop "$FPID"
is "$fr" "onetwothree" "--fork-process: three sessions echoed"
ft=$(tcpdump -nr "$T_TMP/fp.pcap" 2>&1)
is "$(printf '%s\n' "$ft" | grep -c 'Flags \[S\]')" 3 "--fork-process: each child's session in the one file"
is "$(printf '%s\n' "$ft" | grep -ciE 'truncated|bogus|invalid')" 0 "--fork-process: whole records (tcpdump reads every one)"

# ------------------------------------------------------------ UDP legs
up=$(free_port udp)
bg socat -T 5 UDP4-RECVFROM:"$up",bind=127.0.0.1 SYSTEM:'read l; echo "re:$l"' 2>/dev/null; USPID=$BG_PID
wait_for 5 udp_bound "$up"
start_server "$T_TMP/u.log" "$DUCT" -d -d -T 2 --pcap="$T_TMP/u.pcap" UDP4-LISTEN:0,bind=127.0.0.1 UDP4:127.0.0.1:"$up"; UPID=$BG_PID
printf 'dgram\n' | timeout 5 socat -T 2 - UDP4:127.0.0.1:"$PORT" >/dev/null 2>&1
wait_pid 10 "$UPID" >/dev/null 2>&1; stop "$USPID"
ut=$(tcpdump -vv -nr "$T_TMP/u.pcap" 2>/dev/null)
is "$(printf '%s\n' "$ut" | grep -c 'UDP, length 6$')" 2 "UDP: the datagram as UDP on both legs"
is "$(printf '%s\n' "$ut" | grep -c 'UDP, length 9$')" 2 "UDP: the reply as UDP on both legs"
is "$(printf '%s\n' "$ut" | grep -c 'incorrect')" 0 "UDP: checksums correct"

# ------------------------------------------------------------ a WebSocket leg: the plaintext
PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import websockets' 2>/dev/null; then
	start_server "$T_TMP/w.log" "$DUCT" -d -d --pcap="$T_TMP/w.pcap" WS-LISTEN:0,bind=127.0.0.1 PIPE; WPID=$BG_PID
	wr=$(timeout 10 "$PY" "$TESTS_DIR/lib/ws_fixture.py" send "ws://127.0.0.1:$PORT/" "hello ws" 2>/dev/null | head -1)
	wait_pid 10 "$WPID" >/dev/null 2>&1
	is "$wr" "reply hello ws" "WS-LISTEN with --pcap: python websockets gets its echo"
	wt=$(tcpdump -A -nr "$T_TMP/w.pcap" 2>/dev/null)
	is "$(printf '%s\n' "$wt" | grep -c 'length 8$')" 2 "WebSocket leg: the 8-byte message each way, unframed"
	is "$(printf '%s\n' "$wt" | grep -c 'hello ws')" 2 "WebSocket leg: the plaintext duct relays (the client's frame was masked)"
else
	for i in 1 2 3; do skip "Debian's python3-websockets is not installed"; done
fi

# ------------------------------------------------------------ bad input
cap 5 "$DUCT" --pcap=/nonexistent-dir/x.pcap - -
is "$RC" 1 "unwritable --pcap path: exit 1"
like "$ERR" "option --pcap: cannot open \"/nonexistent-dir/x.pcap\" for writing: No such file or directory" "unwritable --pcap path: a clear error"
is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "unwritable --pcap path: one line"
cap 5 "$DUCT" --pcap-snaplen=10 --pcap="$T_TMP/x.pcap" - -
is "$RC" 1 "--pcap-snaplen=10: exit 1"
like "$ERR" "option --pcap-snaplen: expected a number of bytes per packet 60..262144, got \"10\"" "--pcap-snaplen too small: the range named"
cap 5 "$DUCT" --pcap-snaplen=1000 - -
like "$ERR" "only with --pcap" "--pcap-snaplen without --pcap is refused"
cap 5 "$DUCT" --pcap="$T_TMP/n.pcap" TCP4-LISTEN:0,bind=127.0.0.1 EXEC:cat,nofork
like "$ERR" "option --pcap does not combine with nofork" "--pcap with nofork (nothing to capture) is refused"
cap 5 "$DUCT" --pcap
like "$ERR" "option --pcap requires a file name" "--pcap without a file name"

# ------------------------------------------------------------ a capture that can't be written
relay_once --pcap=/dev/full -- CREATE:"$T_TMP/out2"
timeout 20 socat -u OPEN:"$T_TMP/big" TCP4:127.0.0.1:"$PORT"
finish
is "$(sha256_stdin <"$T_TMP/out2")" "$want" "--pcap=/dev/full: the session delivers all bytes"
like "$(cat "$T_TMP/relay.log")" "W --pcap /dev/full: write failed: No space left on device; capture stopped, the sessions go on" "--pcap=/dev/full: one log line"
mnt=$T_TMP/mnt
mkdir -p "$mnt"
if mount -t tmpfs -o size=256k,mode=0700 duct-pcap-test "$mnt" 2>/dev/null; then
	trap 'umount "$mnt" 2>/dev/null; t_cleanup' EXIT
	relay_once --pcap="$mnt/c.pcap" -- CREATE:"$T_TMP/out3"
	timeout 20 socat -u OPEN:"$T_TMP/big" TCP4:127.0.0.1:"$PORT"
	finish
	is "$(sha256_stdin <"$T_TMP/out3")" "$want" "full tmpfs mid-capture: the session delivers all 1 MiB"
	is "$(grep -c 'capture stopped' "$T_TMP/relay.log")" 1 "full tmpfs mid-capture: one log line"
	like "$(tcpdump -nr "$mnt/c.pcap" 2>&1 | head -3)" "Flags \[S\]" "full tmpfs: what was written before still reads"
	umount "$mnt"
else
	for i in 1 2 3; do skip "cannot mount a tmpfs here (needs root/CAP_SYS_ADMIN)"; done
fi

done_testing
