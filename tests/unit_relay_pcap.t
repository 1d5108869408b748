#!/bin/sh
exec "${UNIT_DIR:-$(dirname "$0")/../build/tests}/relay_pcap"
