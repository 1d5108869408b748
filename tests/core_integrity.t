#!/usr/bin/env bash
# Core issue: 1 GiB of random data arrives byte-identical (sha256) through
# duct -u STDIN STDOUT, through EXEC:cat, and through a named FIFO.
# The data is made once (head -c 1G /dev/urandom, hashed on the way through tee).
. "$(dirname "$0")/lib/tap.sh"
need_duct

SIZE=${DUCT_INTEGRITY_SIZE:-1G}
big=$T_TMP/big
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
t_all=$(now_ms)
want=$(head -c "$SIZE" /dev/urandom | tee "$big" | sha256_stdin)
bytes=$(stat -c %s "$big")
diag "made $bytes bytes of random data in $(( $(now_ms) - t_all )) ms"

# 1: -u STDIN STDOUT
t0=$(now_ms)
got=$(timeout -k 2 25 "$DUCT" -u STDIN STDOUT <"$big" 2>"$T_TMP/e1" | sha256_stdin)
is "$got" "$want" "$SIZE through duct -u STDIN STDOUT: sha256 identical ($(( $(now_ms) - t0 )) ms)"
is "$(cat "$T_TMP/e1")" "" "-u STDIN STDOUT: no log output"

# 2: - EXEC:cat (both directions: stdin -> cat -> stdout)
t0=$(now_ms)
got=$(timeout -k 2 25 "$DUCT" - EXEC:cat <"$big" 2>"$T_TMP/e2" | sha256_stdin)
is "$got" "$want" "$SIZE through duct - EXEC:cat: sha256 identical ($(( $(now_ms) - t0 )) ms)"
is "$(cat "$T_TMP/e2")" "" "- EXEC:cat: no log output"

# 3: a named FIFO: one duct writes into PIPE:fifo, another reads it (duct creates the FIFO)
fifo=$T_TMP/fifo
t0=$(now_ms)
export -f sha256_stdin have
bg bash -c "timeout -k 2 25 \"$DUCT\" -u PIPE:\"$fifo\" STDOUT 2>\"$T_TMP/e3r\" | sha256_stdin >\"$T_TMP/h3\"" 
rd=$BG_PID
wait_for 10 test -p "$fifo"
ok $? "named FIFO created by the reading duct"
timeout -k 2 25 "$DUCT" -u STDIN PIPE:"$fifo" <"$big" 2>"$T_TMP/e3w"
wrc=$?
wait_pid 30 "$rd"
is "$wrc:$(cat "$T_TMP/h3" 2>/dev/null)" "0:$want" "$SIZE through a named FIFO (duct -u STDIN PIPE:fifo | duct -u PIPE:fifo STDOUT): sha256 identical ($(( $(now_ms) - t0 )) ms)"
is "$(cat "$T_TMP/e3w" "$T_TMP/e3r")" "" "named FIFO: no log output"
rm -f "$big"
diag "total $(( $(now_ms) - t_all )) ms"

done_testing
