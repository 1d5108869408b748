#!/usr/bin/env bash
# Issue 8 (hardening): malformed address strings, option values and command lines. Each must
# end with exit status 1 — never a signal, never a hang (every run is bounded by 5 s) — and
# exactly one clear error line on stderr ("... duct[pid] E <message>").
# socat 1.8 segfaults on READLINE:x:y; that one leads the list.
# No case depends on the network: addresses point at 127.0.0.1:1 or at files in $T_TMP, and
# each case fails while the command line/address is parsed or the address is opened.
. "$(dirname "$0")/lib/tap.sh"
need_duct

F=$T_TMP/file
: >"$F"
LONG=$(head -c 100000 /dev/zero | tr '\0' a)

# bad DESC ARG...: duct ARG... must exit 1 with one "E" line
bad() {
	local desc=$1; shift
	cap 5 "$DUCT" "$@"
	local lines
	lines=$(wc -l <"$T_TMP/cap.err")
	local clear=0
	head -n1 "$T_TMP/cap.err" | grep -Eq '^[0-9/]+ [0-9:.]+ duct\[[0-9]+\] E .{8,}' || clear=1
	is "$RC:$lines:$clear" "1:1:0" "$desc: exit 1, one clear error line"
	[ "$RC" = 1 ] && [ "$lines" = 1 ] && [ $clear = 0 ] || diag "rc=$RC stderr: $(head -c 300 "$T_TMP/cap.err")"
}

# ---- malformed address strings (second address a harmless file)
while IFS= read -r a; do
	[ -n "$a" ] || continue
	bad "address '${a:0:60}'" "$a" "$F"
done <<ADDRS
READLINE:x:y
READLINE:x
STDIO:x
TCP:
TCP:127.0.0.1
TCP:127.0.0.1:99999
TCP:127.0.0.1:1%
TCP:127.0.0.1:-1
UDP:127.0.0.1:0x
TCP-LISTEN:abc
TCP-LISTEN:1:2
TCP4:[::1]:80
UNIX-CONNECT:a:b
PIPE:a:b:c
FOO:bar
%
:
,
!!
TCP:127.0.0.1:1!!
!!TCP:127.0.0.1:1
TCP:"unterminated
TCP:'x
TCP:(
TCP:[
TCP:127.0.0.1:1,
EXEC:
SYSTEM:
EXEC:"unterm
GOPEN:
SOCKS4:a:b
SOCKS5:127.0.0.1:a:b:c
PROXY:
IP:127.0.0.1:999
IP-SENDTO:127.0.0.1:300
TUN:abc/99
VSOCK-CONNECT:x:y
FD:abc
FD:-1
FD:99999999999
SCTP:a
UNIX-LISTEN:/nonexistent-duct-dir/x/y
TCP:$LONG:1
TCP:$(head -c 50000 /dev/zero | tr '\0' '(')
OPEN:$T_TMP/f$(head -c 30000 /dev/zero | tr '\0' ',' )
TCP:$(printf '\001\002\377'):1
OPEN:$F,$(printf 'mode\033[31m')
ADDRS

# an empty address
bad "address ''" "" "$F"

# ---- malformed option values
while IFS= read -r o; do
	[ -n "$o" ] || continue
	base=TCP:127.0.0.1:1
	case $o in
	mode=* | perm=* | umask=* | o-*) base=OPEN:$F ;;
	backlog=* | range=* | max-children=*) base=TCP-LISTEN:0 ;;
	verify=* | cipher=* | cert=*) base=OPENSSL:127.0.0.1:1 ;;
	esac
	bad "option value '${o:0:50}' on ${base%%:*}" "$base,$o" "$F"
done <<OPTS
mode=8
mode=
mode=abc
perm=-1
umask=9
o-append=maybe
o-trunc=1x
user=
su=nosuchuserxx-duct
group=nosuchgroupxx-duct
rcvbuf=x
sndbuf=1e
rcvbuf=99999999999999999999
keepalive=2x
keepalive=x
nodelay=yes
linger=-
linger=x
connect-timeout=abc
connect-timeout=-1
sndtimeo=1.5.5
sndtimeo=abc
ttl=256x
tos=0x
bind
bind=[
bind=127.0.0.1:99999
sourceport=70000
lowport=x
retry=abc
interval=x
ip-options=zz
setsockopt=1:2
setsockopt=1:2:xq
setsockopt-int=1
setsockopt-int=a:b:c
setsockopt-bin=1:2:x
pf=inet9
so-type=x
cloexec=maybe
readbytes=-5
readbytes=abc
escape=0x
crnl=x
crlf=1
end-close=2
mss=x
priority=1.5
keepidle=
keepcnt=-x
null-eof=x
nosuchoption
b=1
ip-add-membership=1.2.3
backlog=x
range=1.2.3.4/40
range=300.1.1.1
max-children=x
verify=maybe
cipher=NOSUCH
cert=/nonexistent-duct-cert.pem
OPTS

# ---- malformed global options and command lines
bad "-b x" -b x - "$F"
bad "-b 0" -b 0 - "$F"
bad "-b -5" -b -5 - "$F"
bad "-b 2^67" -b 99999999999999999999 - "$F"
bad "-T x" -T x - "$F"
bad "-t abc" -t abc - "$F"
bad "-d5x" -d5x - "$F"
bad "unknown long option" --nosuch - "$F"
bad "-L in a missing directory" -L /nonexistent-duct-dir/x - "$F"
bad "one address" -
bad "three addresses" - - "$F"

done_testing
