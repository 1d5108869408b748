#!/usr/bin/env bash
# Issue 8 (integrity): data through every pair of stream address types arrives byte-identical
# (sha256). Types: file, TCP, UNIX, PIPE (named FIFO), EXEC, TLS (OPENSSL, verification on).
# For a pair SRC->DST one duct relays `duct -u <SRC side> <DST side>`; a feeder duct serves the
# source (a listener, a FIFO writer, a file, `cat` for EXEC) and a drain duct (or the child
# program for EXEC, the file for file) hashes what arrives.
# Sizes (the suite must stay under 5 minutes on 2 cores):
#  - 1 GiB (DUCT_INTEGRITY_SIZE) through a ring of 6 pairs in which every type is once the
#    source and once the destination: file->TCP->UNIX->PIPE->EXEC->TLS->file;
#  - 16 MiB through all 36 pairs (every type to every type, itself included);
#  - 64 KiB with -b 1 (one byte per read/write) through the 6 ring pairs;
#  - crnl round trips (LF->CRLF on the way out, CRLF->LF on the way in) over TCP, UNIX,
#    PIPE, TLS, a file and an EXEC child (16,000 lines of base64 text), and a check that the bytes
#    on the wire really carry CRLF.
# The 1 GiB data is made once from AES-CTR over zeros (fast, not stored twice); the file
# destination writes it to $T_TMP and removes it after hashing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/tls_certs.sh"
need_duct
have openssl || skip_all "openssl(1) needed (data, hashes, certificates)"
C=$T_TMP/certs
make_certs "$C" || skip_all "could not make test certificates"

BIG=${DUCT_INTEGRITY_SIZE:-1G}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
gen() { openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0 -in /dev/zero 2>/dev/null | head -c "$1"; }
t0=$(now_ms)
H_BIG=$(gen "$BIG" | tee "$T_TMP/big" | sha256_stdin)
head -c 16M "$T_TMP/big" >"$T_TMP/mid"
H_MID=$(sha256_stdin <"$T_TMP/mid")
head -c 64K "$T_TMP/big" >"$T_TMP/small"
H_SMALL=$(sha256_stdin <"$T_TMP/small")
head -c 1M "$T_TMP/big" >"$T_TMP/one"
H_ONE=$(sha256_stdin <"$T_TMP/one")
diag "data made in $(( $(now_ms) - t0 )) ms"
# hashto FILE: the EXEC destination's program (stdin -> sha256 hex into FILE)
cat >"$T_TMP/hashto" <<'SH'
#!/bin/sh
if command -v openssl >/dev/null; then openssl dgst -sha256 -r | cut -d' ' -f1 >"$1.tmp"
else sha256sum | cut -d' ' -f1 >"$1.tmp"; fi
mv "$1.tmp" "$1"
SH
chmod +x "$T_TMP/hashto"
export -f sha256_stdin have

N=0
# src_setup TYPE DATAFILE [OPTS]: start the feeder; sets SRC (the relay's read address)
src_setup() {
	local t=$1 data=$2 o=${3:-}
	N=$((N + 1))
	case $t in
	file) SRC="OPEN:$data$o" ;;
	TCP)
		local p; p=$(free_port)
		bg "$DUCT" -u OPEN:"$data" TCP-LISTEN:$p,reuseaddr$o
		wait_for 10 tcp_listening "$p"
		SRC="TCP:127.0.0.1:$p$o" ;;
	UNIX)
		bg "$DUCT" -u OPEN:"$data" UNIX-LISTEN:"$T_TMP/s$N"$o
		wait_for 10 unix_listening "$T_TMP/s$N"
		SRC="UNIX-CONNECT:$T_TMP/s$N$o" ;;
	PIPE)
		mkfifo "$T_TMP/f$N"
		bg "$DUCT" -u OPEN:"$data" PIPE:"$T_TMP/f$N"$o
		SRC="PIPE:$T_TMP/f$N$o" ;;
	EXEC) SRC="EXEC:cat $data$o" ;;
	TLS)
		local p; p=$(free_port)
		bg "$DUCT" -u OPEN:"$data" OPENSSL-LISTEN:$p,reuseaddr,cert=$C/server.pem,verify=0$o
		wait_for 10 tcp_listening "$p"
		SRC="OPENSSL:localhost:$p,cafile=$C/ca.pem$o" ;;
	esac
}
# drain ADDRESS READY-CHECK...: a duct that reads ADDRESS (shell-quoted text) and hashes what
# arrives into $HF; sets DRAIN; waits until READY-CHECK succeeds
drain() {
	local a=$1; shift
	bg bash -c "\"$DUCT\" -u $a STDOUT | sha256_stdin >\"$HF\""
	DRAIN=$BG_PID
	wait_for 10 "$@"
}
# dst_setup TYPE [OPTS]: start the drain; sets DST (the relay's write address) and HF (the file
# that will hold the hash of what arrived)
dst_setup() {
	local t=$1 o=${2:-}
	N=$((N + 1))
	HF=$T_TMP/h$N
	DRAIN=""
	case $t in
	file) DST="CREATE:$T_TMP/out$N$o"; OUTF=$T_TMP/out$N ;;
	TCP)
		local p; p=$(free_port)
		drain "TCP-LISTEN:$p,reuseaddr$o" tcp_listening "$p"
		DST="TCP:127.0.0.1:$p$o" ;;
	UNIX)
		drain "UNIX-LISTEN:\"$T_TMP/s$N\"$o" unix_listening "$T_TMP/s$N"
		DST="UNIX-CONNECT:$T_TMP/s$N$o" ;;
	PIPE)
		mkfifo "$T_TMP/f$N"
		drain "PIPE:\"$T_TMP/f$N\"$o" true
		DST="PIPE:$T_TMP/f$N$o" ;;
	EXEC) DST="EXEC:$T_TMP/hashto $HF$o" ;;
	TLS)
		local p; p=$(free_port)
		drain "OPENSSL-LISTEN:$p,reuseaddr,cert=$C/server.pem,verify=0$o" tcp_listening "$p"
		DST="OPENSSL:localhost:$p,cafile=$C/ca.pem$o" ;;
	esac
}
# finish TYPE: wait for the drain, print the hash that arrived
finish() {
	case $1 in
	file) sha256_stdin <"$OUTF"; rm -f "$OUTF" ;;
	EXEC) wait_for 20 test -s "$HF"; cat "$HF" 2>/dev/null ;;
	*) wait_pid 60 "$DRAIN" >/dev/null; cat "$HF" 2>/dev/null ;;
	esac
}
# pair SRC DST DATAFILE WANT LABEL [RELAY-OPTS...]
pair() {
	local s=$1 d=$2 data=$3 want=$4 label=$5; shift 5
	local t1; t1=$(now_ms)
	src_setup "$s" "$data"
	dst_setup "$d"
	timeout -k 2 120 "$DUCT" -u "$@" "$SRC" "$DST" 2>"$T_TMP/relay.err"
	local rc=$?
	local got; got=$(finish "$d")
	is "$rc:$got" "0:$want" "$label $s -> $d: sha256 identical ($(( $(now_ms) - t1 )) ms)"
	[ -s "$T_TMP/relay.err" ] && diag "relay: $(head -3 "$T_TMP/relay.err")"
	return 0
}

TYPES="file TCP UNIX PIPE EXEC TLS"
# 1 GiB ring
set -- $TYPES
ring=("$@" "$1")
for i in 0 1 2 3 4 5; do
	pair "${ring[$i]}" "${ring[$((i + 1))]}" "$T_TMP/big" "$H_BIG" "$BIG"
done
rm -f "$T_TMP/big"
# 16 MiB, every pair
for s in $TYPES; do
	for d in $TYPES; do
		pair "$s" "$d" "$T_TMP/mid" "$H_MID" "16M"
	done
done
# 64 KiB, -b 1
for i in 0 1 2 3 4 5; do
	pair "${ring[$i]}" "${ring[$((i + 1))]}" "$T_TMP/small" "$H_SMALL" "64K -b 1" -b 1
done

# crnl round trips: base64 text (LF line ends, no CR)
openssl base64 -in "$T_TMP/mid" 2>/dev/null | head -n 16000 >"$T_TMP/text"
H_TEXT=$(sha256_stdin <"$T_TMP/text")
H_CRLF=$(sed 's/$/\r/' "$T_TMP/text" | sha256_stdin)
for t in TCP UNIX PIPE TLS; do
	dst_setup "$t" ",crnl"
	timeout -k 2 30 "$DUCT" -u OPEN:"$T_TMP/text" "$DST,crnl" 2>"$T_TMP/relay.err"
	rc=$?
	is "$rc:$(finish "$t")" "0:$H_TEXT" "crnl round trip over $t: LF text back byte-identical"
done
# ... and the wire carries CRLF: the receiving side without crnl sees CR LF line ends
for t in TCP UNIX; do
	dst_setup "$t"
	timeout -k 2 30 "$DUCT" -u OPEN:"$T_TMP/text" "$DST,crnl" 2>"$T_TMP/relay.err"
	rc=$?
	is "$rc:$(finish "$t")" "0:$H_CRLF" "crnl over $t: the bytes in between end their lines with CR LF"
done
# a file: written with crnl (CRLF on disk), read back with crnl
timeout -k 2 30 "$DUCT" -u OPEN:"$T_TMP/text" CREATE:"$T_TMP/crlf.txt",crnl
is "$(sha256_stdin <"$T_TMP/crlf.txt")" "$H_CRLF" "crnl into a file: CR LF on disk"
got=$(timeout -k 2 30 "$DUCT" -u OPEN:"$T_TMP/crlf.txt",crnl STDOUT | sha256_stdin)
is "$got" "$H_TEXT" "crnl from that file: LF text back byte-identical"
# an EXEC child echoing: duct writes LF->CRLF into cat, reads CRLF->LF back
got=$(timeout -k 2 30 "$DUCT" - EXEC:cat,crnl <"$T_TMP/text" | sha256_stdin)
is "$got" "$H_TEXT" "crnl round trip through EXEC:cat: LF text back byte-identical"

# A peer that talks while duct only writes (-u): closing a socket with unread input makes the
# kernel send an RST and drop what is still queued for sending, so duct reads such input away
# before it closes (it once lost the last ~4 MB of 16 here, with exit status 0).
if have python3; then
	cat >"$T_TMP/greeter.py" <<'PY'
import hashlib, socket, sys, time
fam = socket.AF_UNIX if sys.argv[1] == "unix" else socket.AF_INET
s = socket.socket(fam)
s.bind(sys.argv[2] if fam == socket.AF_UNIX else ("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1] if fam == socket.AF_INET else "ready", flush=True)
c, _ = s.accept()
c.sendall(b"220 hello, I talk first\r\n" * 100)
time.sleep(0.3)  # let duct send (and finish) before we read
h = hashlib.sha256(); n = 0
try:
    while True:
        b = c.recv(65536)
        if not b: break
        h.update(b); n += len(b)
except OSError as e:
    print("error", e)
print(h.hexdigest())
PY
	for fam in tcp unix; do
		bg python3 "$T_TMP/greeter.py" $fam "$T_TMP/greet.sock" >"$T_TMP/greet.out"
		G=$BG_PID
		wait_for 10 test -s "$T_TMP/greet.out"
		if [ $fam = tcp ]; then a=TCP:127.0.0.1:$(head -1 "$T_TMP/greet.out"); else a=UNIX-CONNECT:$T_TMP/greet.sock; fi
		timeout -k 2 30 "$DUCT" -u OPEN:"$T_TMP/mid" "$a" 2>"$T_TMP/relay.err"
		rc=$?
		wait_pid 20 "$G" >/dev/null
		is "$rc:$(tail -1 "$T_TMP/greet.out")" "0:$H_MID" "-u 16M into a ${fam^^} peer that talks first: all of it arrives"
		rm -f "$T_TMP/greet.sock"
	done
	# A peer that talks only after duct has sent everything and closed: a byte arriving on a
	# closed socket makes the kernel reset the connection and drop what is still queued, so
	# duct keeps the socket open (reading) until the peer has the last byte (relay/linger.c).
	# Before that, 128 KiB of 1 MiB arrived and both sides said nothing.
	cat >"$T_TMP/late.py" <<'PY'
import socket, sys, time, hashlib
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
time.sleep(0.5)  # duct writes what fits, reaches EOF and closes meanwhile
c.sendall(b"late\r\n")
h = hashlib.sha256()
try:
    while True:
        b = c.recv(65536)
        if not b: break
        h.update(b)
except OSError as e:
    print("error", e)
print(h.hexdigest(), flush=True)
PY
	bg python3 "$T_TMP/late.py" >"$T_TMP/late.out"
	G=$BG_PID
	wait_for 10 test -s "$T_TMP/late.out"
	timeout -k 2 30 "$DUCT" -u OPEN:"$T_TMP/one" TCP:127.0.0.1:$(head -1 "$T_TMP/late.out") 2>"$T_TMP/relay.err"
	rc=$?
	wait_pid 20 "$G" >/dev/null
	is "$rc:$(tail -1 "$T_TMP/late.out")" "0:$H_ONE" "-u 1M into a TCP peer that talks after duct's EOF: all of it arrives"
else
	skip "python3 needed"; skip "python3 needed"; skip "python3 needed"
fi

# TLS 1.3 servers send their session tickets after the handshake; arriving after duct had
# closed, they reset the connection (the crnl round trip above lost its tail 1 run in 4).
# 10 one-way sends of 1 MiB into an OPENSSL-LISTEN that starts reading late.
bad=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	dst_setup TLS
	timeout -k 2 30 "$DUCT" -u OPEN:"$T_TMP/one" "$DST" 2>"$T_TMP/relay.err"
	rc=$?
	got=$(finish TLS)
	[ "$rc:$got" = "0:$H_ONE" ] || { bad=$((bad + 1)); diag "send $i: rc $rc, hash $got"; }
done
is "$bad" 0 "-u 1M into OPENSSL-LISTEN, 10 times: every byte arrives every time"

# A peer that never reads: duct gives up after the -T time without progress, says how many
# bytes were still queued, and exits (it does not wait forever).
if have python3; then
	cat >"$T_TMP/mute.py" <<'PY'
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
time.sleep(20)
PY
	bg python3 "$T_TMP/mute.py" >"$T_TMP/mute.out"
	G=$BG_PID
	wait_for 10 test -s "$T_TMP/mute.out"
	t1=$(now_ms)
	timeout -k 2 30 "$DUCT" -T 1 -u OPEN:"$T_TMP/mid" TCP:127.0.0.1:$(head -1 "$T_TMP/mute.out") 2>"$T_TMP/relay.err"
	rc=$?
	el=$(( $(now_ms) - t1 ))
	kill_group "$G"
	like "$(cat "$T_TMP/relay.err")" "bytes not delivered: the peer has read nothing for 1 s" \
		"a peer that never reads: duct warns how much was not delivered"
	[ "$rc" -eq 0 ] && [ "$el" -lt 10000 ]
	ok $? "... and ends after -T without progress (rc $rc, $el ms)"
	# while it waits for such a peer (no -T: up to 10 s), SIGTERM ends it at once
	bg python3 "$T_TMP/mute.py" >"$T_TMP/mute.out"
	G=$BG_PID
	wait_for 10 test -s "$T_TMP/mute.out"
	bg "$DUCT" -d -d -d -u OPEN:"$T_TMP/one" TCP:127.0.0.1:$(head -1 "$T_TMP/mute.out") 2>"$T_TMP/linger.err"
	L=$BG_PID
	wait_for 10 grep -q "closes once the peer has its last" "$T_TMP/linger.err"
	t1=$(now_ms)
	kill -TERM "$L"
	wait_pid 5 "$L"
	rc=$?
	el=$(( $(now_ms) - t1 ))
	kill_group "$G"
	[ "$rc" = 143 ] && [ "$el" -lt 3000 ]
	ok $? "SIGTERM during the final wait for a peer that reads nothing: exit 143 at once (rc $rc, $el ms)"
else
	skip "python3 needed"; skip "python3 needed"; skip "python3 needed"
fi

done_testing
