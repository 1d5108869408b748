#!/usr/bin/env bash
# SOCKET-* generic sockets, bind= and range=: they take the notation of the address parameter
# (socat's dalan: x<hex>, typed numbers, strings), the bytes after sa_family. A python3 UNIX
# server prints the name its peer is bound to; duct and socat must bind the same name.
# range=<address>:<mask> (socat's generic form, both dalan) compares the peer's bytes after
# sa_family under the mask. socat 1.7.4 parses that form but refuses every peer of a generic
# socket (its match for other families is compiled out), so only the refusals are compared.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed"
SOCAT=$(command -v socat || true)

hex() { printf %s "$1" | od -An -tx1 -v | tr -d ' \n'; }
# the server's socket file and an abstract name for the clients, unique to this run
srv="$T_TMP/gs.sock"
SRV=x$(hex "$srv")00
cname="duct-gs-$$"
CNAME=x00$(hex "$cname")

cat >"$T_TMP/peer.py" <<'PY'
import os, socket, sys
path, kind, out = sys.argv[1], sys.argv[2], sys.argv[3]
t = socket.SOCK_STREAM if kind == "stream" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_UNIX, t)
s.bind(path)
if t == socket.SOCK_STREAM:
    s.listen(1)
open(out + ".ready", "w").close()
s.settimeout(10)
if t == socket.SOCK_STREAM:
    c, a = s.accept()
else:
    d, a = s.recvfrom(100)
with open(out, "w") as f:
    f.write(repr(a))
PY
# peer_of PROGRAM KIND ADDRESS: the name the server saw its peer bound to
peer_of() {
	local prog=$1 kind=$2 addr=$3 out="$T_TMP/peer.$RANDOM"
	rm -f "$srv"
	python3 "$T_TMP/peer.py" "$srv" "$kind" "$out" & local py=$!
	wait_for 5 test -e "$out.ready"
	printf 'hi\n' | timeout 5 "$prog" -T 1 - "$addr" 2>"$T_TMP/client.err" >/dev/null
	wait_pid 10 "$py"
	cat "$out" 2>/dev/null
}
want="b'\\x00$cname'"
for prog in "$DUCT" ${SOCAT:+"$SOCAT"}; do
	n=$(basename "$prog")
	is "$(peer_of "$prog" stream "SOCKET-CONNECT:1:0:$SRV,bind=$CNAME")" "$want" \
		"$n: SOCKET-CONNECT bind=x00<hex> binds the abstract name"
	is "$(peer_of "$prog" dgram "SOCKET-SENDTO:1:2:0:$SRV,bind=$CNAME")" "$want" \
		"$n: SOCKET-SENDTO bind=x00<hex> binds the abstract name"
	is "$(peer_of "$prog" dgram "SOCKET-DATAGRAM:1:2:0:$SRV,bind=$CNAME")" "$want" \
		"$n: SOCKET-DATAGRAM bind=x00<hex> binds the abstract name"
done
[ -n "$SOCAT" ] || skip "socat not installed: no comparison"

# bind= on the servers: the <local-address> parameter is what they bind (socat: "option bind
# not implemented", exit 1)
for a in "SOCKET-LISTEN:1:0:$SRV" "SOCKET-RECVFROM:1:2:0:$SRV" "SOCKET-RECV:1:2:0:$SRV"; do
	rm -f "$srv"
	cap 5 "$DUCT" "$a,bind=$CNAME" /dev/null
	is "$RC" 1 "${a%%:*} bind= is refused (exit 1)"
	like "$ERR" "${a%%:*}.*bind=.*<local-address> parameter" "... naming bind= and where the address goes"
	if [ -n "$SOCAT" ]; then
		rm -f "$srv"
		cap 5 "$SOCAT" "$a,bind=$CNAME" /dev/null
		is "$RC" 1 "... socat exits 1 too"
	fi
done

# range= on SOCKET-LISTEN: a client bound to \0duct-gs-PID; the first bytes of its name, masked
pre=x00$(hex duct-gs)
mask=x$(printf 'ff%.0s' $(seq 0 7))
listen_range() { # PROGRAM RANGE -> what the client got; the server's log in $T_TMP/l.err
	rm -f "$srv"
	bg "$1" -d -d "SOCKET-LISTEN:1:0:$SRV,range=$2" SYSTEM:'echo served' 2>"$T_TMP/l.err"
	local l=$BG_PID
	wait_for 5 unix_listening "$srv"
	timeout 5 "$DUCT" -T 2 - "SOCKET-CONNECT:1:0:$SRV,bind=$CNAME" </dev/null 2>/dev/null
	wait_for 5 log_has "$T_TMP/l.err" "served|refusing"
	stop "$l"
}
is "$(listen_range "$DUCT" "$pre:$mask")" "served" "SOCKET-LISTEN range=<prefix>:<mask> serves a peer in range"
got=$(listen_range "$DUCT" "x0078:xffff")
is "$got" "" "SOCKET-LISTEN range= refuses a peer out of range"
like "$(cat "$T_TMP/l.err")" "W refusing connection from AF=1 .* due to range option" "... with socat's warning"
if [ -n "$SOCAT" ]; then
	is "$(listen_range "$SOCAT" "x0078:xffff")" "" "socat refuses it too"
	like "$(cat "$T_TMP/l.err")" "W refusing connection from AF=1 .* due to range option" "... with the same warning"
fi

# range= on SOCKET-RECVFROM: in range is answered, out of range dropped
recvfrom_range() { # RANGE -> the reply
	rm -f "$srv"
	bg "$DUCT" "SOCKET-RECVFROM:1:2:0:$SRV,range=$1" SYSTEM:'echo answered' 2>"$T_TMP/r.err"
	local r=$BG_PID
	wait_for 5 test -S "$srv"
	printf 'q\n' | timeout 5 "$DUCT" -T 1 - "SOCKET-DATAGRAM:1:2:0:$SRV,bind=$CNAME" 2>/dev/null
	stop "$r"
}
is "$(recvfrom_range "$pre:$mask")" "answered" "SOCKET-RECVFROM range=<prefix>:<mask> answers a sender in range"
is "$(recvfrom_range "x0078:xffff")" "" "SOCKET-RECVFROM range= drops a sender out of range"

# malformed ranges: one error naming range=, exit 1 (socat: "syntax error in range", exit 1)
rm -f "$srv"
cap 5 "$DUCT" "SOCKET-LISTEN:1:0:$SRV,range=nonsense" /dev/null
is "$RC" 1 "range= without <address>:<mask> exits 1"
like "$ERR" 'range=nonsense: expected <address>:<mask>' "... and says what it expects"
if [ -n "$SOCAT" ]; then
	rm -f "$srv"
	cap 5 "$SOCAT" "SOCKET-LISTEN:1:0:$SRV,range=nonsense" /dev/null
	is "$RC" 1 "... socat exits 1 too"
fi
rm -f "$srv"
cap 5 "$DUCT" "SOCKET-LISTEN:1:0:$SRV,range=x0064:xff" /dev/null
like "$RC:$ERR" '^1:.*range=x0064:xff: the address is 2 bytes long, the mask 1' \
	"range= with an address and a mask of different lengths: exit 1, says so"
rm -f "$srv"
cap 5 "$DUCT" "SOCKET-CONNECT:1:0:$SRV,bind=xzz" /dev/null
like "$RC:$ERR" '^1:.*bind= "xzz": dalan' "bind= that is not dalan data: exit 1 naming bind="

done_testing
