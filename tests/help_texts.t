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

# at_most_3_shared "OURS" LABEL CMD...: a test that OURS shares at most 3 lines with CMD's help
# (skipped when CMD is not installed)
at_most_3_shared() {
	local ours=$1 label=$2; shift 2
	if have "$1"; then
		local n
		n=$(shared_lines "$ours" "$@")
		ok "$([ "$n" -le 3 ]; echo $?)" "$label shares $n lines with $* (at most 3)"
	else
		skip "$1 not installed"
	fi
}

nc_h=$("$DUCT" nc -h 2>&1); rc=$?
is "$rc" 0 "duct nc -h exits 0"
like "$nc_h" '^Usage: nc ' "duct nc -h: a usage line"
for f in -4 -6 -b -C -D -d -F -h -I -i -k -l -M -m -N -n -O -P -p -q -r -S -s -T -t -U -u -V -v -W -w -X -x -Z -z -e -c -o --udp-strict; do
	like "$nc_h" "(^|[[:space:],])$f([[:space:],]|$)" "duct nc -h names $f"
done
at_most_3_shared "$nc_h" "duct nc -h" nc.openbsd -h

ncat_h=$("$DUCT" ncat -h 2>&1); rc=$?
is "$rc" 0 "duct ncat -h exits 0"
for f in --listen --keep-open --max-conns --udp --unixsock --nodns --source --source-port --wait --idle-timeout \
	--exec --sh-exec --broker --chat --send-only --recv-only --no-shutdown --crlf --telnet --delay --allow \
	--allowfile --deny --denyfile --proxy --proxy-type --proxy-auth --proxy-dns --ssl --ssl-cert --ssl-key \
	--ssl-verify --ssl-trustfile --ssl-ciphers --ssl-servername --ssl-alpn --verbose --output --hex-dump \
	--append-output --udp-strict --help --version; do
	like "$ncat_h" "(^|[[:space:],])$f([[:space:],=]|$)" "duct ncat -h names $f"
done
at_most_3_shared "$ncat_h" "duct ncat -h" ncat -h

ss_h=$("$DUCT" ss -h 2>&1); rc=$?
is "$rc" 0 "duct ss -h exits 0"
for f in -t -u -w -x -0 -S -d -M -4 -6 -f -A -a -l -N -n -r -p -T -e -o -m -i -b --tos --cgroup --inet-sockopt --duct \
	--tipcinfo -Z -z -s -H -O -E -K -D -F -V -h -j --vsock --tipc --xdp; do
	like "$ss_h" "(^|[[:space:],])$f([[:space:],=]|$)" "duct ss -h names $f"
done
at_most_3_shared "$ss_h" "duct ss -h" ss -h

done_testing
