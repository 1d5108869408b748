#!/usr/bin/env bash
# UNIX-CLIENT and ABSTRACT-CLIENT try a stream socket, then a datagram socket, then a seqpacket
# socket, as socat 1.8 does. A socket file of another type answers EPROTOTYPE; an abstract name
# is looked up per socket type, so one bound by a datagram or seqpacket socket answers a stream
# connect with ECONNREFUSED, and socat 1.8 goes on to the next type on that too. Debian's socat
# 1.7.4 lacks the abstract fallback (it fails with "Connection refused"), so the successes have
# no differential here; the refusal when nobody is bound is compared.
# With bind=<file>, each try binds the file again: the failed try's file must go first.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have python3 || skip_all "python3 needed"
SOCAT=$(command -v socat || true)

cat >"$T_TMP/srv.py" <<'PY'
import socket, sys
name, kind, out = sys.argv[1], sys.argv[2], sys.argv[3]
t = {"stream": socket.SOCK_STREAM, "dgram": socket.SOCK_DGRAM, "seqpacket": socket.SOCK_SEQPACKET}[kind]
s = socket.socket(socket.AF_UNIX, t)
s.bind("\0" + name[1:] if name.startswith("@") else name)
s.settimeout(10)
if t != socket.SOCK_DGRAM:
    s.listen(1)
open(out + ".ready", "w").close()
if t == socket.SOCK_DGRAM:
    data, peer = s.recvfrom(100)
else:
    c, peer = s.accept()
    data = c.recv(100)
with open(out, "w") as f:
    f.write("%s %r" % (data.decode().strip(), peer))
PY
# got KIND NAME ADDRESS: what a python3 server of that type bound at NAME (@name: abstract)
# received from `echo hi | duct - ADDRESS`, and the peer's name
got() {
	local kind=$1 name=$2 addr=$3 out="$T_TMP/srv.$RANDOM"
	python3 "$T_TMP/srv.py" "$name" "$kind" "$out" & local py=$!
	wait_for 5 test -e "$out.ready"
	echo hi | timeout 5 "$DUCT" - "$addr" 2>"$T_TMP/client.err"
	CRC=$?
	wait_pid 10 "$py"
	cat "$out" 2>/dev/null
}

an="duct-ac-$$"
is "$(got dgram "@$an-d" "ABSTRACT-CLIENT:$an-d")" "hi None" "ABSTRACT-CLIENT reaches an abstract datagram socket"
is "$(got seqpacket "@$an-q" "ABSTRACT-CLIENT:$an-q")" "hi ''" "ABSTRACT-CLIENT reaches an abstract seqpacket socket"
is "$(got stream "@$an-s" "ABSTRACT-CLIENT:$an-s")" "hi ''" "ABSTRACT-CLIENT reaches an abstract stream socket"
is "$(got dgram "@$an-b" "ABSTRACT-CLIENT:$an-b,bind=$an-me")" "hi b'\\x00$an-me'" \
	"ABSTRACT-CLIENT,bind= reaches a datagram socket from its abstract name"

f="$T_TMP/d.sock"
is "$(got dgram "$f" "UNIX-CLIENT:$f,bind=$T_TMP/me.sock")" "hi '$T_TMP/me.sock'" \
	"UNIX-CLIENT,bind=<file> to a datagram socket: the stream try's file is removed before the next binds it"
ok "$(test ! -e "$T_TMP/me.sock"; echo $?)" "... and the file is gone at the end"
rm -f "$f"
is "$(got seqpacket "$f" "UNIX-CLIENT:$f,bind=$T_TMP/me.sock")" "hi '$T_TMP/me.sock'" \
	"UNIX-CLIENT,bind=<file> to a seqpacket socket (third try)"

# nobody bound: every type is refused, one error, exit 1 (socat 1.7.4: exit 1, Connection refused)
cap 5 "$DUCT" - "ABSTRACT-CLIENT:$an-none"
is "$RC" 1 "ABSTRACT-CLIENT with nobody bound exits 1"
like "$ERR" 'E connect\(.*"\\0'"$an"'-none".*Connection refused \(as a stream, datagram and seqpacket socket' \
	"... with one connection-refused error that says what was tried"
is "$(printf '%s\n' "$ERR" | grep -c ' E ')" 1 "... and only that error"
if [ -n "$SOCAT" ]; then
	cap 5 "$SOCAT" - "ABSTRACT-CLIENT:$an-none"
	is "$RC" 1 "... socat exits 1 too"
	like "$ERR" "Connection refused" "... refused as well"
else skip "socat not installed: no comparison"; skip "socat not installed"; fi

# retry= with bind=<file>: each attempt binds the file anew
cap 10 "$DUCT" -d -d - "UNIX-CONNECT:$T_TMP/none.sock,bind=$T_TMP/r.sock,retry=2,interval=0.05"
is "$RC" 1 "UNIX-CONNECT,bind=<file>,retry=2 to nothing exits 1"
is "$(printf '%s\n' "$ERR" | grep -c 'opening connection to')" 3 "... after three attempts"
like "$ERR" 'E connect\(.*none.sock.*No such file' "... each reaching connect: the last one's error is ENOENT"
unlike "$ERR" 'Address already in use' "... never 'Address already in use' on its own file"

done_testing
