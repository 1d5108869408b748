#!/bin/sh
exec "${UNIT_DIR:-$(dirname "$0")/../build/tests}/proxy_proto"
