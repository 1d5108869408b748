#!/usr/bin/env bash
# Every malformed address of the grammar's unit test (at least 200) given to the real binary:
# exit 1 (never a signal, never a hang), and exactly one error line naming the problem.
. "$(dirname "$0")/lib/tap.sh"
lister="${UNIT_DIR:-$TESTS_DIR/../build/tests}/addr_parse"
[ -x "$lister" ] || skip_all "addr_parse unit test not built (make unit)"

n=0 bad_exit=0 bad_lines=0
first_bad=""
while IFS= read -r -d '' a; do
	n=$((n + 1))
	err=$(run_to 5 "$DUCT" "$a" /dev/null 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" -ne 1 ]; then
		bad_exit=$((bad_exit + 1)); [ -n "$first_bad" ] || first_bad="exit $rc for [$a]: $err"
	elif [ "$lines" -ne 1 ] || ! printf '%s' "$err" | grep -q ' E '; then
		bad_lines=$((bad_lines + 1)); [ -n "$first_bad" ] || first_bad="$lines lines for [$a]: $err"
	fi
done < <("$lister" --list-bad)

ok $([ "$n" -ge 200 ]; echo $?) "at least 200 malformed addresses tried ($n)"
is "$bad_exit" 0 "each exits with status 1 (no signal, no hang)"
is "$bad_lines" 0 "each prints exactly one error line"
[ -n "$first_bad" ] && diag "first problem: $first_bad"
done_testing
