#!/usr/bin/env bash
# The man page names every address type and option that exists (its lists are generated from
# the tables; this fails when someone adds one without `make man-update`).
. "$(dirname "$0")/lib/tap.sh"
gen="${UNIT_DIR:-$TESTS_DIR/../build/tests}/gen_man"
[ -x "$gen" ] || skip_all "gen_man not built (make unit)"
"$gen" --check "$TESTS_DIR/../docs/duct.1"
ok $? "docs/duct.1 lists every address type and option (make man-update)"
if have mandoc; then
	out=$(mandoc -Tlint -Wwarning "$TESTS_DIR/../docs/duct.1" 2>&1)
	ok $? "mandoc -Tlint has no warnings"
elif have groff; then
	out=$(groff -mdoc -Tutf8 -ww -Wbreak -z "$TESTS_DIR/../docs/duct.1" 2>&1)
	is "$out" "" "groff renders the man page without warnings"
else
	skip "neither mandoc nor groff installed"
fi
done_testing
