#!/usr/bin/env bash
# Issue 19: the nc, ncat and ss faces' help is ours (their models' texts are not copied); each
# still names every flag the face takes. Where the model is installed, count shared lines.
. "$(dirname "$0")/lib/tap.sh"
need_duct

# shared_lines "OURS" CMD...: lines of CMD's help (stdout+stderr) that OURS has too
shared_lines() {
	local ours=$1; shift
	comm -12 <(printf '%s\n' "$ours" | sort -u | grep .) <("$@" 2>&1 | sort -u | grep .) | grep -c .
}

nc_h=$("$DUCT" nc -h 2>&1); rc=$?
is "$rc" 0 "duct nc -h exits 0"
like "$nc_h" '^Usage: nc ' "duct nc -h: a usage line"
for f in -4 -6 -b -C -D -d -F -h -I -i -k -l -M -m -N -n -O -P -p -q -r -S -s -T -t -U -u -V -v -W -w -X -x -Z -z -e -c -o --udp-strict; do
	like "$nc_h" "(^|[[:space:],])$f([[:space:],]|$)" "duct nc -h names $f"
done
if have nc.openbsd; then
	n=$(shared_lines "$nc_h" nc.openbsd -h)
	ok "$([ "$n" -le 3 ]; echo $?)" "duct nc -h shares $n lines with nc.openbsd -h (at most 3)"
else
	skip "nc.openbsd not installed"
fi

ncat_h=$("$DUCT" ncat -h 2>&1); rc=$?
is "$rc" 0 "duct ncat -h exits 0"
for f in --listen --keep-open --max-conns --udp --unixsock --nodns --source --source-port --wait --idle-timeout \
	--exec --sh-exec --broker --chat --send-only --recv-only --no-shutdown --crlf --telnet --delay --allow \
	--allowfile --deny --denyfile --proxy --proxy-type --proxy-auth --proxy-dns --ssl --ssl-cert --ssl-key \
	--ssl-verify --ssl-trustfile --ssl-ciphers --ssl-servername --ssl-alpn --verbose --output --hex-dump \
	--append-output --udp-strict --help --version; do
	like "$ncat_h" "(^|[[:space:],])$f([[:space:],=]|$)" "duct ncat -h names $f"
done
if have ncat; then
	n=$(shared_lines "$ncat_h" ncat -h)
	ok "$([ "$n" -le 3 ]; echo $?)" "duct ncat -h shares $n lines with ncat -h (at most 3)"
else
	skip "ncat not installed"
fi

ss_h=$("$DUCT" ss -h 2>&1); rc=$?
is "$rc" 0 "duct ss -h exits 0"
for f in -t -u -w -x -0 -S -d -M -4 -6 -f -A -a -l -N -n -r -p -T -e -o -m -i -b --tos --cgroup --inet-sockopt --duct \
	--tipcinfo -Z -z -s -H -O -E -K -D -F -V -h -j --vsock --tipc --xdp; do
	like "$ss_h" "(^|[[:space:],])$f([[:space:],=]|$)" "duct ss -h names $f"
done
if have ss; then
	n=$(shared_lines "$ss_h" ss -h)
	ok "$([ "$n" -le 3 ]; echo $?)" "duct ss -h shares $n lines with iproute2's ss -h (at most 3)"
else
	skip "ss not installed"
fi

done_testing
