#!/usr/bin/env bash
# Issue 15, defect 5: values that used to be taken silently are refused with one error line
# and exit 1, in socat's words where socat 1.7.4 has words:
#   an empty port (TCP4-LISTEN:, UDP4-LISTEN:, TCP4:host:, ...-RECVFROM:)  "empty port"
#   an empty value for a flag (fork=) or a count (max-children=)         "missing numerical value"
#   a flag value other than 0/1 (o-trunc=2), a negative count (max-children=-1)
#   -b too large                                                          "buffer size option (-b) to big"
#   an unclosed quote in the address head / in an option                  "unexpected end" / "syntax error"
# Where socat refuses too, it is run on the same arguments: both exit non-zero (the same
# status) and both messages hold the key phrase. Where socat accepts (o-trunc=2,
# max-children=-1, backlog=-1: it takes any number), duct is stricter and only duct is run.
. "$(dirname "$0")/lib/tap.sh"
need_duct

SOCAT=$(command -v socat || true)
F="$T_TMP/file"

# refuse DESCRIPTION REGEX ARGS...: duct (and socat, when installed) refuse ARGS promptly
refuse() {
	local desc=$1 re=$2; shift 2
	cap 5 "$DUCT" "$@"
	local drc=$RC derr=$ERR
	is "$drc" 1 "$desc: duct exits 1 (no hang, no signal)"
	like "$derr" "$re" "$desc: duct says '$re'"
	is "$(printf '%s\n' "$derr" | grep -c .)" 1 "$desc: duct prints one line"
	if [ -n "$SOCAT" ]; then
		cap 5 "$SOCAT" "$@"
		is "$RC" "$drc" "$desc: socat exits $drc as well"
		like "$ERR" "$re" "$desc: socat says '$re' too"
	else
		skip "$desc: no socat"; skip "$desc: no socat"
	fi
}
# refuse_duct DESCRIPTION REGEX ARGS...: duct refuses (socat 1.7.4 accepts these)
refuse_duct() {
	local desc=$1 re=$2; shift 2
	cap 5 "$DUCT" "$@"
	is "$RC" 1 "$desc: duct exits 1 (no hang, no signal)"
	like "$ERR" "$re" "$desc: duct says '$re'"
	is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "$desc: duct prints one line"
}

# ---- empty ports: no random port bound, no connect to port 0
refuse "TCP4-LISTEN: (empty port)" 'empty port' TCP4-LISTEN: -
refuse "TCP6-LISTEN: (empty port)" 'empty port' TCP6-LISTEN: -
refuse "TCP-LISTEN: (empty port)" 'empty port' TCP-LISTEN: -
refuse "TCP4:127.0.0.1: (empty port)" 'empty port' TCP4:127.0.0.1: -
refuse "UDP4-RECVFROM: (empty port)" 'empty port' UDP4-RECVFROM: -
refuse "UDP4-RECV: (empty port)" 'empty port' UDP4-RECV: -
refuse "UDP4-SENDTO:127.0.0.1: (empty port)" 'empty port' UDP4-SENDTO:127.0.0.1: -
refuse "UDP4:127.0.0.1: (empty port)" 'empty port' UDP4:127.0.0.1: -
# socat 1.7.4 fails UDP4-LISTEN: with 'cannot resolve service "/17"'; duct names the empty port
refuse_duct "UDP4-LISTEN: (empty port)" 'empty port' UDP4-LISTEN: -
refuse "bind=127.0.0.1: on a client (empty port)" 'empty port' TCP4:127.0.0.1:1,bind=127.0.0.1: -
refuse "proxyport= (empty port)" 'empty port' PROXY:127.0.0.1:h:80,proxyport= -
refuse "socksport= (empty port)" 'empty port' SOCKS4:127.0.0.1:h:80,socksport= -
# socat 1.7.4: 'getaddrinfo("127.0.0.1:", ...)' / 'cannot resolve service "/6"'; duct names the empty port
refuse_duct "bind=127.0.0.1: on a listener (empty port)" 'bind="127.0.0.1:": empty port' \
	TCP4-LISTEN:0,bind=127.0.0.1: -
refuse_duct "bind=[::1]: (empty port)" 'empty port' TCP6:[::1]:1,bind=[::1]: -
refuse_duct "PROXY:...:host: (empty port)" 'empty port' PROXY:127.0.0.1:h: -
refuse_duct "SOCKS4:...:host: (empty port)" 'empty port' SOCKS4:127.0.0.1:h: -
refuse_duct "SOCKS5 with an empty socks-port parameter" 'empty port' SOCKS5:127.0.0.1::h:80 -
refuse_duct "VSOCK-LISTEN: (empty port)" 'empty port' VSOCK-LISTEN: -
cap 5 "$DUCT" TCP4-LISTEN: -
like "$ERR" 'TCP4-LISTEN.*usage: TCP4-LISTEN:<port>' "the empty-port message names the address and its usage"
cap 5 "$DUCT" TCP4:127.0.0.1: -
like "$ERR" 'parameter 2' "the empty-port message says which parameter"

# ---- empty values for flags and counts
refuse "fork= (empty flag value)" 'missing numerical value of option "fork="' TCP4-LISTEN:0,bind=127.0.0.1,fork= -
refuse "o-trunc= (empty flag value)" 'missing numerical value of option "o-trunc="' OPEN:"$F",o-trunc= -
refuse "max-children= (empty count)" 'missing numerical value of option "max-children="' \
	TCP4-LISTEN:0,bind=127.0.0.1,fork,max-children= -
refuse "backlog= (empty count)" 'missing numerical value of option "backlog="' TCP4-LISTEN:0,bind=127.0.0.1,backlog= -
refuse "fork=yes (a word, not a number)" 'missing numerical value of option "fork=yes"' \
	TCP4-LISTEN:0,bind=127.0.0.1,fork=yes -
refuse "o-trunc=1x (trailing garbage)" 'trailing garbage in numerical arg of option "o-trunc' OPEN:"$F",o-trunc=1x -

# ---- stricter than socat: flags are 0 or 1, counts are not negative
refuse_duct "o-trunc=2 (not a boolean)" 'o-trunc.*not a boolean \(expected 0 or 1' OPEN:"$F",o-trunc=2 -
refuse_duct "o-trunc=-1 (not a boolean)" 'o-trunc.*not a boolean' OPEN:"$F",o-trunc=-1 -
refuse_duct "fork=2 (not a boolean)" 'fork.*not a boolean' TCP4-LISTEN:0,bind=127.0.0.1,fork=2 -
refuse_duct "max-children=-1 (negative count)" 'max-children.*"-1" is negative' \
	TCP4-LISTEN:0,bind=127.0.0.1,fork,max-children=-1 -
refuse_duct "backlog=-1 (negative count)" 'backlog.*"-1" is negative' TCP4-LISTEN:0,bind=127.0.0.1,backlog=-1 -
# the valid spellings still work
cap 5 "$DUCT" -u /dev/null OPEN:"$F",creat,o-trunc=1
is "$RC" 0 "o-trunc=1 is still accepted"
cap 5 "$DUCT" -u /dev/null OPEN:"$F",creat,o-trunc=0
is "$RC" 0 "o-trunc=0 is still accepted"

# ---- -b and the timeouts
refuse "-b -1 (to big)" 'buffer size option \(-b\) to big' -b -1 - -
refuse "-b 2^64 (to big)" 'buffer size option \(-b\) to big' -b 99999999999999999999 - -
refuse "-b 2^63 (to big)" 'buffer size option \(-b\) to big' -b 9223372036854775808 - -
refuse "-b abc" 'missing numerical value of option "-b"' -b abc - -
refuse "-b 12x" 'trailing garbage in numerical arg of option "-b"' -b 12x - -
refuse "-T abc" 'missing numerical value of option "-T"' -T abc - -

# ---- unclosed quotes
refuse 'TCP4-LISTEN:"12 (unclosed quote in the head)' 'unexpected end of address' 'TCP4-LISTEN:"12' -
refuse 'OPEN:"... (unclosed quote in the head)' 'unexpected end of address' "OPEN:\"$F" -
refuse 'bind="x (unclosed quote in an option)' 'syntax error' 'TCP4-LISTEN:12,bind="x' -

done_testing
