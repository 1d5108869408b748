#!/usr/bin/env bash
# make check runs bench/smoke: each benchmark script in its tiny mode must run and produce
# numbers for duct. Never a timing threshold. Scripts whose tools aren't installed skip.
. "$(dirname "$0")/lib/tap.sh"
ROOT=$(cd "$TESTS_DIR/.." && pwd)
command -v python3 >/dev/null || skip_all "python3 not installed"
command -v cc >/dev/null || skip_all "no C compiler for bench/helper.c"
out=$(DUCT=$DUCT BENCH_BIN=$T_TMP/helper "$ROOT/bench/smoke" 2>&1)
while IFS= read -r line; do
	case $line in
	"ok "*) ok 0 "bench/${line#ok }" ;;
	"skip "*) skip "bench/${line#skip }" ;;
	"FAIL "*) ok 1 "bench/${line#FAIL }" ;;
	*) diag "$line" ;;
	esac
done <<<"$out"
[ "$T_N" -gt 0 ] || ok 1 "bench/smoke printed no results"
done_testing
