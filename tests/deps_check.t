#!/usr/bin/env bash
# Issue 20: `make deps-check` holds the layering of src/LAYERS, and fails on a wrong include.
. "$(dirname "$0")/lib/tap.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
check=$root/tests/lib/deps_check.sh
out=$(sh "$check" "$root/src" 2>&1); rc=$?
is "$rc:$out" "0:" "src/ keeps the rules of src/LAYERS"
# a copy with wrong includes: the engine including a family, ss including the relay
cp -r "$root/src" "$T_TMP/src"
echo '#include "xio/xio.h"' >>"$T_TMP/src/relay/session.c"
echo '#include "relay/session.h"' >>"$T_TMP/src/ss/ss.c"
out=$(sh "$check" "$T_TMP/src" 2>&1); rc=$?
is "$rc" 1 "a wrong include fails the check"
like "$out" '^relay/session\.c:[0-9]+: includes xio/, but .*LAYERS lets relay/ include only: loop common$' "the engine -> a family, named with its line"
like "$out" '^ss/ss\.c:[0-9]+: includes relay/, but .*LAYERS lets ss/ include only: common$' "ss -> the relay, named"
is "$(printf '%s\n' "$out" | grep -c .)" 2 "nothing else is reported"
# an exception line covers one file only
printf 'relay/session.c: xio\n' >>"$T_TMP/src/LAYERS"
out=$(sh "$check" "$T_TMP/src" 2>&1)
unlike "$out" '^relay/session' "an exception line for a file allows its include"
like "$out" '^ss/ss\.c' "... and nothing else"
done_testing
