#!/bin/sh
exec "${UNIT_DIR:-$(dirname "$0")/../build/tests}/nc_args"
