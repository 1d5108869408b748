#!/usr/bin/env bash
# Name resolution off the loop: a fork listener whose target is a name keeps serving while
# one connection's DNS lookup hangs (socat, forking per connection, does too). Runs in a
# network + mount namespace the test creates, with its own /etc/resolv.conf pointing at a
# fake DNS server on 127.0.0.1:53 that answers the first query for each slow*.duct.test after
# 2 s. SOCKS4 and PROXY,proxy-resolve, whose target duct looks up itself, are checked the same
# way. The namespace part is skipped when not root.
. "$(dirname "$0")/lib/tap.sh"
need_duct
export DUCT T_TMP TESTS_DIR

# res-nsaddr= takes a name as socat 1.8 does (looked up once, when the address opens);
# /etc/hosts answers localhost, so these need no DNS. A value naming no name server fails the
# open with exit 1 (socat 1.8 refuses it; 1.7.4 does not know the option: exit 1 as well).
cap 5 "$DUCT" -d -d -d TCP4-LISTEN:0,accept-timeout=0.1,res-nsaddr=localhost:53 /dev/null
is "$RC" 0 "res-nsaddr=localhost:53 is taken"
unlike "$ERR" ' [WE] .*nsaddr' "... without a warning (-d -d -d)"
cap 5 "$DUCT" TCP4-LISTEN:0,accept-timeout=0.1,res-nsaddr=:53 /dev/null
like "$RC:$ERR" '^1:.* E TCP4-LISTEN: res-nsaddr=:53: no name server; give the name server as an IPv4 address or a name of one' \
	"res-nsaddr=:53: exit 1, one error naming res-nsaddr"
if have socat; then
	cap 5 socat TCP4-LISTEN:0,accept-timeout=0.1,res-nsaddr=:53 /dev/null
	is "$RC" 1 "... socat exits 1 too"
else skip "socat not installed"; fi

if [ "$(id -u)" != 0 ] || ! have unshare || ! have ip || ! have python3 || ! unshare -mn true 2>/dev/null; then
	for w in "lookup off the loop" "slow lookup finishes" "NXDOMAIN" "SIGTERM during a lookup" "literal" "UDP to a name" "res-nsaddr" "res-nsaddr by name" "res-nsaddr bad name" \
		"SOCKS4 lookup off the loop" "SOCKS4 slow lookup finishes" "proxy-resolve off the loop" \
		"SOCKS4 handshake-timeout during the lookup" "SOCKS4 timeout logged" "SOCKS4 after a cancelled lookup" \
		"proxy-resolve slow lookup finishes" "SOCKS4 NXDOMAIN" "proxy-resolve NXDOMAIN" "SIGTERM during a SOCKS4 lookup"; do
		skip "$w: needs root, python3 and unshare -mn"
	done
	done_testing
	exit 0
fi

cat >"$T_TMP/dns.py" <<'PY'
# A DNS server for the test: A 127.0.0.1 for *.duct.test (the first A query for each
# slow*.duct.test after 2 s), NXDOMAIN for nx.duct.test, an empty answer for anything else (AAAA).
import socket, struct, sys, threading, time
# With "alt" (on another port, for res-nsaddr=): alt.duct.test exists only here.
alt = len(sys.argv) > 2 and sys.argv[2] == "alt"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
slow_seen = set()
def answer(q, peer, delay):
    time.sleep(delay)
    tid, = struct.unpack("!H", q[:2])
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode()); i += 1 + q[i]
    qtype, = struct.unpack("!H", q[i + 1:i + 3])
    question = q[12:i + 5]
    name = ".".join(labels).lower()
    rcode, ans = 0, b""
    if name == "nx.duct.test" or (name == "alt.duct.test" and not alt):
        rcode = 3
    elif qtype == 1 and name.endswith(".duct.test"):
        ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
    hdr = struct.pack("!HHHHHH", tid, 0x8180 | rcode, 1, 1 if ans else 0, 0, 0)
    s.sendto(hdr + question + ans, peer)
    if delay:
        print("answered", labels[0], flush=True)
while True:
    q, peer = s.recvfrom(512)
    delay = 0
    first = q[13:13 + q[12]].decode(errors="replace").lower()
    if first.startswith("slow") and q[-4:-2] == b"\x00\x01" and first not in slow_seen:
        slow_seen.add(first)
        delay = 2
        print("slow query", first, flush=True)
    threading.Thread(target=answer, args=(q, peer, delay), daemon=True).start()
PY

cat >"$T_TMP/client.py" <<'PY'
# connect, send a line, wait for its echo; print "<tag> <seconds> <echo>"
import socket, sys, time
t = time.monotonic()
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
c.sendall(b"hi " + sys.argv[2].encode() + b"\n")
got = b""
while not got.endswith(b"\n"):
    b = c.recv(100)
    if not b:
        break
    got += b
print(sys.argv[2], "%.2f" % (time.monotonic() - t), got.decode().strip(), flush=True)
PY

# Fixed ports (53 for the resolver, 7001-7004) are safe here: the namespace is the test's own.
cat >"$T_TMP/ns.sh" <<'SH'
set -u
# a bounded readiness poll (5 s) of its own: this script runs in the namespace without tap.sh
poll() { for _ in $(seq 1 250); do "$@" >/dev/null 2>&1 && return 0; sleep 0.02; done; return 1; }
ip link set lo up
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:1\n' >"$T_TMP/resolv.conf"
printf 'hosts: files dns\n' >"$T_TMP/nsswitch.conf"
printf '127.0.0.1 localhost\n' >"$T_TMP/hosts"
mount --bind "$T_TMP/resolv.conf" /etc/resolv.conf
mount --bind "$T_TMP/nsswitch.conf" /etc/nsswitch.conf
mount --bind "$T_TMP/hosts" /etc/hosts
python3 "$T_TMP/dns.py" 53 >"$T_TMP/dns.out" 2>&1 & dns=$!
python3 "$T_TMP/dns.py" 5353 alt >"$T_TMP/dns2.out" 2>&1 & dns2=$!
poll grep -q ready "$T_TMP/dns.out" && poll grep -q ready "$T_TMP/dns2.out"
"$DUCT" TCP4-LISTEN:7001,reuseaddr,fork EXEC:cat 2>"$T_TMP/echo.err" & echo_pid=$!
"$DUCT" TCP4-LISTEN:7002,reuseaddr,fork TCP4:slow.duct.test:7001 2>"$T_TMP/fwd.err" & fwd=$!
poll sh -c 'ss -Htln | grep -q ":7001 "' && poll sh -c 'ss -Htln | grep -q ":7002 "'
# A's lookup hangs 2 s; B, 0.3 s later, must not wait for it
timeout 10 python3 "$T_TMP/client.py" 7002 A >"$T_TMP/a.out" 2>&1 & a=$!
poll grep -q "slow query slow$" "$T_TMP/dns.out"
timeout 10 python3 "$T_TMP/client.py" 7002 B >"$T_TMP/b.out" 2>&1
echo "B: $(cat "$T_TMP/b.out")"
wait $a
echo "A: $(cat "$T_TMP/a.out")"
kill $fwd; wait $fwd 2>/dev/null
# a name that doesn't exist: one line naming it, exit 1
echo x | timeout 10 "$DUCT" - TCP4:nx.duct.test:7001 2>"$T_TMP/nx.err"
echo "nx: rc=$? $(head -1 "$T_TMP/nx.err")"
# SIGTERM while the lookup hangs: exits at once
"$DUCT" -d -d TCP4-LISTEN:7003,reuseaddr,fork TCP4:slow2.duct.test:7001 2>"$T_TMP/term.err" & t=$!
poll sh -c 'ss -Htln | grep -q ":7003 "'
kill -STOP $dns
timeout 10 python3 "$T_TMP/client.py" 7003 C >/dev/null 2>&1 & c=$!
poll grep -q "accepting connection" "$T_TMP/term.err"  # the lookup starts right after
start=$(date +%s%N)
kill -TERM $t; wait $t; rc=$?
echo "term: rc=$rc ms=$(( ($(date +%s%N) - start) / 1000000 ))"
kill -CONT $dns
kill $c 2>/dev/null; wait $c 2>/dev/null
# a literal target never involves the resolver (works with the DNS server stopped)
kill -STOP $dns
echo "literal: $(echo lit | timeout 5 "$DUCT" - TCP4:127.0.0.1:7001)"
kill -CONT $dns
# UDP to a name: the datagram arrives (the lookup runs before the first send)
"$DUCT" -u UDP4-RECV:7004 OPEN:"$T_TMP/udp.out",creat 2>/dev/null & u=$!
poll sh -c 'ss -Huln | grep -q ":7004 "'
printf 'dgram' | timeout 5 "$DUCT" -u - UDP4-SENDTO:fast.duct.test:7004
poll grep -q dgram "$T_TMP/udp.out"
echo "udp: $(cat "$T_TMP/udp.out")"
kill $u; wait $u 2>/dev/null
# res-nsaddr= changes the resolver of the thread that looks the name up
echo "nsaddr: $(echo ns | timeout 5 "$DUCT" - TCP4:alt.duct.test:7001,res-nsaddr=127.0.0.1:5353 2>&1)"
# ... given by name (looked up when the address opens, here through /etc/hosts)
echo "nsname: $(echo ns | timeout 5 "$DUCT" -d -d -d - TCP4:alt.duct.test:7001,res-nsaddr=localhost:5353 2>"$T_TMP/nsname.err") W=$(grep -c ' [WE] ' "$T_TMP/nsname.err")"
# ... a name that does not exist: an error naming res-nsaddr, exit 1
timeout 5 "$DUCT" - TCP4:127.0.0.1:7001,res-nsaddr=nx.duct.test </dev/null 2>"$T_TMP/nsnx.err" >/dev/null
echo "nsnx: rc=$? lines=$(wc -l <"$T_TMP/nsnx.err") $(head -1 "$T_TMP/nsnx.err")"
# SOCKS4 and PROXY,proxy-resolve through fork listeners (ports from their -d -d logs): the
# A clients' target lookups hang 2 s; the B clients, through the same listeners, must not wait.
# Both pairs run side by side (an old binary stalls both Bs).
lport() { grep -oE 'listening on AF=[0-9]+ [^ ]*:[0-9]+' "$1" 2>/dev/null | head -1 | sed 's/.*://'; }
has_port() { [ -n "$(lport "$1")" ]; }
python3 "$TESTS_DIR/lib/socks_fixture.py" >"$T_TMP/socks.port" 2>/dev/null & socks=$!
python3 "$TESTS_DIR/lib/http_proxy_fixture.py" >"$T_TMP/http.port" 2>/dev/null & http=$!
poll grep -q PORT "$T_TMP/socks.port" && poll grep -q PORT "$T_TMP/http.port"
sp=$(awk '{print $2}' "$T_TMP/socks.port"); hp=$(awk '{print $2}' "$T_TMP/http.port")
"$DUCT" -d -d TCP4-LISTEN:0,fork SOCKS4:127.0.0.1:slowsocks.duct.test:7001,socksport=$sp 2>"$T_TMP/s4.err" & s4=$!
"$DUCT" -d -d TCP4-LISTEN:0,fork PROXY:127.0.0.1:slowproxy.duct.test:7001,proxyport=$hp,proxy-resolve \
	2>"$T_TMP/pr.err" & pr=$!
# Meanwhile C1's handshake times out during its lookup (the layer is freed, the lookup
# cancelled); once the DNS server has answered that lookup, C2 must still be relayed.
"$DUCT" -d -d TCP4-LISTEN:0,fork SOCKS4:127.0.0.1:slowcancel.duct.test:7001,socksport=$sp,handshake-timeout=0.5 \
	2>"$T_TMP/sc.err" & sc=$!
poll has_port "$T_TMP/s4.err" && poll has_port "$T_TMP/pr.err" && poll has_port "$T_TMP/sc.err"
s4p=$(lport "$T_TMP/s4.err"); prp=$(lport "$T_TMP/pr.err"); scp=$(lport "$T_TMP/sc.err")
timeout 10 python3 "$T_TMP/client.py" "$s4p" SA >"$T_TMP/sa.out" 2>&1 & sa=$!
timeout 10 python3 "$T_TMP/client.py" "$prp" PA >"$T_TMP/pa.out" 2>&1 & pa=$!
timeout 10 python3 "$T_TMP/client.py" "$scp" C1 >"$T_TMP/c1.out" 2>&1 & c1=$!
poll grep -q "slow query slowsocks" "$T_TMP/dns.out" && poll grep -q "slow query slowproxy" "$T_TMP/dns.out"
timeout 10 python3 "$T_TMP/client.py" "$s4p" SB >"$T_TMP/sb.out" 2>&1 & sb=$!
timeout 10 python3 "$T_TMP/client.py" "$prp" PB >"$T_TMP/pb.out" 2>&1 & pb=$!
wait $sb $pb $sa $pa $c1
poll grep -q "answered slowcancel" "$T_TMP/dns.out"
timeout 10 python3 "$T_TMP/client.py" "$scp" C2 >"$T_TMP/c2.out" 2>&1
for f in sb pb sa pa c1 c2; do echo "$f: $(cat "$T_TMP/$f.out")"; done
echo "sc: timeouts=$(grep -c 'SOCKS handshake with .* timed out' "$T_TMP/sc.err")"
kill $s4 $pr $sc; wait $s4 $pr $sc 2>/dev/null
# a target that does not exist: the message and exit status of the lookup in place
echo x | timeout 10 "$DUCT" - SOCKS4:127.0.0.1:nx.duct.test:7001,socksport=$sp 2>"$T_TMP/s4nx.err"
echo "s4nx: rc=$? lines=$(wc -l <"$T_TMP/s4nx.err") $(head -1 "$T_TMP/s4nx.err")"
echo x | timeout 10 "$DUCT" - PROXY:127.0.0.1:nx.duct.test:7001,proxyport=$hp,proxy-resolve 2>"$T_TMP/prnx.err"
echo "prnx: rc=$? lines=$(wc -l <"$T_TMP/prnx.err") $(head -1 "$T_TMP/prnx.err")"
# SIGTERM while a SOCKS4 target lookup hangs: exits at once (the lookup is cancelled)
"$DUCT" -d -d TCP4-LISTEN:0,fork SOCKS4:127.0.0.1:slowterm.duct.test:7001,socksport=$sp 2>"$T_TMP/st.err" & st=$!
poll has_port "$T_TMP/st.err"
timeout 10 python3 "$T_TMP/client.py" "$(lport "$T_TMP/st.err")" ST >/dev/null 2>&1 & stc=$!
poll grep -q "slow query slowterm" "$T_TMP/dns.out"
start=$(date +%s%N)
kill -TERM $st; wait $st; rc=$?
echo "s4term: rc=$rc ms=$(( ($(date +%s%N) - start) / 1000000 ))"
kill $stc 2>/dev/null; wait $stc 2>/dev/null
kill $echo_pid $dns $dns2 $socks $http; wait 2>/dev/null
SH
out=$(timeout 60 unshare -mn bash "$T_TMP/ns.sh" 2>&1)
b=$(printf '%s\n' "$out" | sed -n 's/^B: B \([0-9.]*\) \(.*\)/\1 \2/p')
a=$(printf '%s\n' "$out" | sed -n 's/^A: A \([0-9.]*\) \(.*\)/\1 \2/p')
ok "$(awk -v v="${b%% *}" 'BEGIN { exit !(v != "" && v < 1.0) }'; echo $?)" \
	"fork listener: a second client is served while the first one's lookup hangs (B took ${b%% *} s)"
ok "$(awk -v v="${a%% *}" -v e="${a#* }" 'BEGIN { exit !(v >= 1.5 && e == "hi A") }'; echo $?)" \
	"the hanging lookup completes and its client is relayed (A: $a)"
like "$out" 'nx: rc=1 .*E getaddrinfo\("nx\.duct\.test", "7001".*Name or service not known' \
	"a name that does not exist: exit 1, one line with getaddrinfo's answer"
like "$out" 'term: rc=143 ms=[0-9]{1,3}$' "SIGTERM during a hanging lookup: exit 143 at once"
like "$out" 'literal: lit' "an IP literal never asks the resolver"
like "$out" 'udp: dgram' "UDP4-SENDTO to a name: the datagram arrives"
like "$out" 'nsaddr: ns$' "res-nsaddr= is honoured (the lookup stays in the thread whose resolver it set)"
like "$out" 'nsname: ns W=0$' "res-nsaddr=localhost:5353: a name server given by name is used, without a warning (-d -d -d)"
like "$out" 'nsnx: rc=1 lines=1 .* E TCP4: res-nsaddr=nx\.duct\.test: getaddrinfo\("nx\.duct\.test", "53".*; give the name server as an IPv4 address or a name of one' \
	"res-nsaddr= naming no address: exit 1, one error naming res-nsaddr and what to give"
for k in s:SOCKS4 p:proxy-resolve; do
	t=${k%%:*} name=${k#*:}
	b=$(printf '%s\n' "$out" | sed -n "s/^${t}b: ${t^^}B \([0-9.]*\) \(.*\)/\1 \2/p")
	a=$(printf '%s\n' "$out" | sed -n "s/^${t}a: ${t^^}A \([0-9.]*\) \(.*\)/\1 \2/p")
	ok "$(awk -v v="${b%% *}" -v e="${b#* }" -v w="hi ${t^^}B" 'BEGIN { exit !(v != "" && v < 1.0 && e == w) }'; echo $?)" \
		"$name through a fork listener: a second client is relayed while the first one's target lookup hangs (B: $b)"
	ok "$(awk -v v="${a%% *}" -v e="${a#* }" -v w="hi ${t^^}A" 'BEGIN { exit !(v >= 1.5 && e == w) }'; echo $?)" \
		"$name: the hanging target lookup completes and its client is relayed (A: $a)"
done
like "$out" 'c1: C1 [0-9.]+ $' "SOCKS4: a handshake-timeout during the target lookup closes that client"
like "$out" 'sc: timeouts=1$' "SOCKS4: that client's handshake-timeout is logged once"
like "$out" 'c2: C2 [0-9.]+ hi C2$' \
	"SOCKS4: after the cancelled lookup has been answered, the listener still relays the next client"
like "$out" 's4nx: rc=1 lines=1 .* E SOCKS4: SOCKS4 needs an IPv4 address for the target: getaddrinfo\("nx\.duct\.test", "NULL", \{0,2,1,6\}, \{\}\): Name or service not known; use SOCKS4A to let the server resolve it' \
	"SOCKS4 to a target that does not exist: exit 1, the one line of the lookup in place"
like "$out" 'prnx: rc=1 lines=1 .* E PROXY: resolve: getaddrinfo\("nx\.duct\.test", "NULL", \{0,2,1,6\}, \{\}\): Name or service not known' \
	"proxy-resolve of a target that does not exist: exit 1, the one line of the lookup in place"
like "$out" 's4term: rc=143 ms=[0-9]{1,3}$' "SIGTERM during a hanging SOCKS4 target lookup: exit 143 at once"
[ -n "$out" ] && diag "$(printf '%s\n' "$out" | head -8)"
done_testing
