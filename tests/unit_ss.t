#!/bin/sh
# ss face unit tests: filter grammar, bytecode vs user-space evaluation, sock_diag parsers.
bin="${UNIT_DIR:-$(dirname "$0")/../build/tests}/ss_units"
if [ ! -x "$bin" ]; then
	echo "1..0 # skip ss_units not built (make unit)"
	exit 0
fi
exec "$bin"
