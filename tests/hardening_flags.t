#!/usr/bin/env bash
# Issue 8 (hardening): the binary is built with -fstack-protector-strong -D_FORTIFY_SOURCE=3
# -fPIE -pie -Wl,-z,relro,-z,now, checked checksec-style with readelf on $DUCT:
# PIE (ELF type DYN, FLAGS_1 PIE), full RELRO (GNU_RELRO + BIND_NOW), no executable stack,
# no RPATH/RUNPATH, the stack protector and FORTIFY's checked functions linked in.
# Then the Makefile: the compile and link lines carry the flags, and FORTIFY level 3 really
# takes effect with this compiler at the build's -O level (a memcpy into a buffer whose size is
# only known at run time becomes __memcpy_chk — level 2 leaves it alone).
# A sanitizer build (make asan) drops FORTIFY (ASan replaces those functions): the FORTIFY
# checks on the binary are skipped for it.
. "$(dirname "$0")/lib/tap.sh"
need_duct
have readelf || skip_all "readelf (binutils) needed"
cd "$TESTS_DIR/.." || exit 1

hdr=$(readelf -hW "$DUCT")
dyn=$(readelf -dW "$DUCT")
seg=$(readelf -lW "$DUCT")
syms=$(readelf --dyn-syms -W "$DUCT")
like "$hdr" "Type: +DYN" "PIE: ELF type DYN"
like "$dyn" "FLAGS_1.*PIE" "PIE: FLAGS_1 has PIE"
like "$seg" "GNU_RELRO" "RELRO: a GNU_RELRO segment"
like "$dyn" "(FLAGS\\).*BIND_NOW|FLAGS_1.*NOW)" "full RELRO: BIND_NOW (-z now)"
like "$(printf '%s\n' "$seg" | grep GNU_STACK)" "GNU_STACK( +[^ ]+){5} +RW " "no executable stack (GNU_STACK is RW)"
unlike "$dyn" "RPATH|RUNPATH" "no RPATH/RUNPATH"
like "$syms" "__stack_chk_fail" "stack protector: __stack_chk_fail is linked"
if printf '%s\n' "$syms" | grep -q '__asan_init'; then
	skip "FORTIFY: a sanitizer build ($DUCT)"
	skip "FORTIFY: a sanitizer build ($DUCT)"
else
	nchk=$(printf '%s\n' "$syms" | grep -oE '__[a-z]+_chk\b' | grep -vc '__stack_chk')
	ok "$([ "$nchk" -ge 5 ]; echo $?)" "FORTIFY: $nchk checked libc functions (__*_chk) linked"
	like "$syms" "__memcpy_chk" "FORTIFY: __memcpy_chk among them"
fi

# the Makefile's own lines
if have make && [ -f Makefile ]; then
	b=$T_TMP/b
	cc_line=$(make -s -n -B BUILD="$b" "$b/obj/src/main.o" 2>/dev/null | grep -- ' -c ' | head -1)
	ld_line=$(make -s -n -B BUILD="$b" "$b/duct" 2>/dev/null | grep -- "-o $b/duct" | head -1)
	for f in -fstack-protector-strong -D_FORTIFY_SOURCE=3 -fPIE -O2; do
		like "$cc_line" "(^| )$f( |$)" "compile line has $f"
	done
	for f in -pie -Wl,-z,relro,-z,now; do
		like "$ld_line" "(^| )$f( |$)" "link line has $f"
	done
	cc=$(make -s -n -B BUILD="$b" "$b/obj/src/main.o" 2>/dev/null | grep -- ' -c ' | head -1 | awk '{print $1}')
	cat >"$T_TMP/probe.c" <<'C'
#include <stdlib.h>
#include <string.h>
void *dup_n(const void *src, size_t n)
{
	char *d = malloc(n);
	if (d)
		memcpy(d, src, n + (n > 1000)); /* the size of d is only known at run time */
	return d;
}
C
	flags=$(printf '%s\n' "$cc_line" | grep -oE -- '(-std=[^ ]+|-D_[A-Z_]+(=[^ ]+)?|-O[0-9s]|-fstack-protector-strong)' | tr '\n' ' ')
	# shellcheck disable=SC2086
	if "${cc:-cc}" $flags -c -o "$T_TMP/probe.o" "$T_TMP/probe.c" 2>"$T_TMP/probe.err"; then
		like "$(readelf -sW "$T_TMP/probe.o")" "__memcpy_chk" "FORTIFY level 3 takes effect with ${cc:-cc} ($flags)"
	else
		ok 1 "probe compiles with the build's flags: $(head -2 "$T_TMP/probe.err")"
	fi
else
	skip "make not available"
fi

done_testing
