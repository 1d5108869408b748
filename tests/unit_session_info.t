#!/bin/sh
exec "${UNIT_DIR:-$(dirname "$0")/../build/tests}/session_info"
