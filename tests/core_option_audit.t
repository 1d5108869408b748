#!/usr/bin/env bash
# Issue 15's audit: no socat option is taken and ignored. Every option the installed socat
# lists (-hhh) is either one duct knows (and then opt_check_unused makes an accepted option
# that no open step consumed a hard error) or refused by duct with a line that names it.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have socat || skip_all "socat not installed: nothing to compare with"

names() { "$@" -hhh 2>&1 | awk '/phase=/ {print $1}' | sort -u; }
names socat >"$T_TMP/socat"
names "$DUCT" >"$T_TMP/duct"
ok "$([ "$(wc -l <"$T_TMP/socat")" -gt 300 ]; echo $?)" "socat -hhh lists its options ($(wc -l <"$T_TMP/socat"))"
comm -23 "$T_TMP/socat" "$T_TMP/duct" >"$T_TMP/only"
diag "socat options duct does not list: $(tr '\n' ' ' <"$T_TMP/only")"
while read -r o; do
	out=$(timeout -k 1 5 "$DUCT" OPEN:/dev/null,"$o"=1 - </dev/null 2>&1); rc=$?
	ok "$([ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && printf '%s' "$out" | grep -q " E .*\"$o\""; echo $?)" \
		"socat's $o, unknown to duct: refused naming it (exit $rc)"
done <"$T_TMP/only"
# an option an address accepts but no open step consumes is an error, never silence
out=$(timeout -k 1 5 "$DUCT" OPEN:/dev/null,o-trunc=1 - </dev/null 2>&1); rc=$?
is "$rc" 0 "a consumed option (o-trunc on OPEN) runs"
done_testing
