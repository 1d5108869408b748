#!/usr/bin/env bash
# Issue 8 (faults): writes that fail for lack of space. To /dev/full (every write ENOSPC) and
# to a file on a 1 MiB tmpfs that fills up in the middle of a 3 MiB transfer: the error is
# reported on one line, exit 1, and what was written before is intact (the first 1 MiB of the
# file is exactly the first 1 MiB of the data). The tmpfs part needs mount(2) (root in a
# container that allows it) and is skipped otherwise.
. "$(dirname "$0")/lib/tap.sh"
need_duct

one_error() { [ "$(grep -c ' E ' "$1")" = 1 ] && grep ' E ' "$1" | grep -Eq -- "$2"; }

# /dev/full, through several address forms and both a short and a long input
for a in /dev/full OPEN:/dev/full GOPEN:/dev/full,append; do
	printf 'hello\n' >"$T_TMP/in"
	CAP_IN=$T_TMP/in cap 10 "$DUCT" -u - "$a"
	is "$RC" 1 "$a, one line: exit 1"
	one_error "$T_TMP/cap.err" "No space left on device"
	ok $? "$a: one error line naming ENOSPC"
done
head -c 5000000 /dev/urandom >"$T_TMP/big"
CAP_IN=$T_TMP/big cap 10 "$DUCT" -u - /dev/full
is "$RC" 1 "/dev/full, 5 MB: exit 1"
one_error "$T_TMP/cap.err" "No space left on device"
ok $? "/dev/full, 5 MB: one error line"
# bidirectional: the write to /dev/full fails while the other side still has data to say
CAP_IN=$T_TMP/big cap 10 "$DUCT" - /dev/full
is "$RC" 1 "- /dev/full (both directions): exit 1"

# a full tmpfs
mnt=$T_TMP/mnt
mkdir -p "$mnt"
if mount -t tmpfs -o size=1m,mode=0700 duct-test "$mnt" 2>/dev/null; then
	trap 'umount "$mnt" 2>/dev/null; t_cleanup' EXIT
	head -c 3145728 /dev/urandom >"$T_TMP/data"
	full_case() { # full_case DESC ARGS... (the write address CREATE:$mnt/out is appended)
		local how=$1; shift
		rm -f "$mnt/out"
		cap 20 "$DUCT" "$@" CREATE:"$mnt/out"
		is "$RC" 1 "full tmpfs ($how): exit 1"
		one_error "$T_TMP/cap.err" "No space left on device"
		ok $? "full tmpfs ($how): one error line naming ENOSPC"
		sz=$(stat -c %s "$mnt/out" 2>/dev/null || echo 0)
		[ "$sz" -gt 900000 ] && cmp -s -n "$sz" "$mnt/out" "$T_TMP/data"
		ok $? "full tmpfs ($how): the $sz bytes written are exactly the data's first bytes"
	}
	full_case "from a file" -u OPEN:"$T_TMP/data"
	full_case "from a file, -b 1000" -u -b 1000 OPEN:"$T_TMP/data"
	full_case "from a child program" -u EXEC:"cat $T_TMP/data"
	# the file system has room again: the same relay succeeds
	rm -f "$mnt/out"
	head -c 500000 "$T_TMP/data" >"$T_TMP/half"
	cap 20 "$DUCT" -u OPEN:"$T_TMP/half" CREATE:"$mnt/out"
	is "$RC" 0 "with room again: exit 0"
	same_file "$mnt/out" "$T_TMP/half" "with room again: the file is complete"
	umount "$mnt"
else
	for i in $(seq 11); do skip "cannot mount a tmpfs here (needs root/CAP_SYS_ADMIN)"; done
fi

done_testing
