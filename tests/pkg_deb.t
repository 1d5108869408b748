#!/usr/bin/env bash
# Issue 19: the Debian package. From a clean clone of this repository's HEAD (committed files
# only), `dpkg-buildpackage -b -us -uc` builds ../duct_VERSION_ARCH.deb (VERSION = DUCT_VERSION,
# which debian/changelog must match); the package holds /usr/bin/duct (and nothing else in
# /usr/bin), the man page, the bash and zsh completions, and the links
# socat, nc, netcat, ncat, ss -> /usr/bin/duct in /usr/lib/duct/bin; lintian reports no error;
# the package unpacked into a scratch root (never installed on this machine) relays
# `duct - EXEC:cat`, and each link starts the face it is named after.
# Needs root, git, dpkg-buildpackage (dpkg-dev), dh (debhelper), lintian and the build
# dependencies; about 30 s on 2 cores (one compile: DEB_BUILD_OPTIONS=parallel=2 nocheck).
. "$(dirname "$0")/lib/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (dpkg-buildpackage as root, no fakeroot)"
for t in git dpkg-buildpackage dpkg-deb dpkg-checkbuilddeps dpkg-parsechangelog dh lintian; do
	have "$t" || skip_all "$t not installed (apt-get install git dpkg-dev debhelper lintian)"
done
repo=$(cd "$TESTS_DIR/.." && pwd)
head=$(git -C "$repo" rev-parse -q --verify HEAD 2>/dev/null) || skip_all "$repo is not a git checkout"
git -C "$repo" ls-files --error-unmatch debian/rules >/dev/null 2>&1 ||
	skip_all "debian/ is not committed (the test builds HEAD from a clean clone)"
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ] ||
	diag "uncommitted changes in $repo are not in the package built here (HEAD $head)"

# A clean clone of HEAD (--shared: no copy of the objects; a detached HEAD works too).
src=$T_TMP/src/duct
git clone -q --shared --no-checkout "$repo" "$src" && git -C "$src" checkout -q --detach "$head" ||
	skip_all "git clone of $repo failed"
(cd "$src" && dpkg-checkbuilddeps >/dev/null 2>&1) ||
	skip_all "build dependencies missing: $(cd "$src" && dpkg-checkbuilddeps 2>&1 | head -1)"

ver=$(sed -n 's/^#define DUCT_VERSION "\(.*\)"/\1/p' "$src/src/common/version.h")
arch=$(dpkg --print-architecture)
like "$ver" '^[0-9]+\.[0-9]+' "DUCT_VERSION is read from src/common/version.h ($ver)"
is "$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)" "$ver" \
	"debian/changelog's version is DUCT_VERSION"

# The build, in an environment of its own: nothing from the make that runs this test (MAKEFLAGS,
# CC, OPT, LDFLAGS, BUILD of `make asan` ...) may leak into it. CI=true keeps -Werror in CI.
(cd "$src" && run_to 240 env -i PATH="$PATH" HOME="$T_TMP" TMPDIR="$T_TMP" LANG=C.UTF-8 \
	${CI:+CI="$CI"} DEB_BUILD_OPTIONS="parallel=2 nocheck" \
	dpkg-buildpackage -b -us -uc) >"$T_TMP/build.log" 2>&1
rc=$?
ok $rc "dpkg-buildpackage -b -us -uc on a clean clone (exit $rc)"
[ $rc -eq 0 ] || tail -20 "$T_TMP/build.log" | sed 's/^/# /'
deb=$T_TMP/src/duct_${ver}_${arch}.deb
ok "$([ -f "$deb" ]; echo $?)" "it wrote ../duct_${ver}_${arch}.deb"
[ -f "$deb" ] || done_testing

# The file list: "path" or "path -> target" per line, without the leading "."
list=$(dpkg-deb -c "$deb" | awk '{ p = substr($6, 2); if ($7 == "->") p = p " -> " $8; print p }')
own=$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')
is "$own" "" "every file is owned by root/root"
like "$list" '^/usr/bin/duct$' "/usr/bin/duct"
is "$(printf '%s\n' "$list" | grep '^/usr/bin/.' )" "/usr/bin/duct" "nothing else in /usr/bin (no socat, nc, ss there)"
like "$list" '^/usr/share/man/man1/duct\.1\.gz$' "the man page, /usr/share/man/man1/duct.1.gz"
like "$list" '^/usr/share/doc/duct/copyright$' "/usr/share/doc/duct/copyright"
unlike "$list" '^/(etc|bin|sbin|lib|var|opt)/|^/usr/local/' "nothing outside /usr (nor in /usr/local)"
for n in socat nc netcat ncat ss; do
	like "$list" "^/usr/lib/duct/bin/$n -> (/usr/bin/duct|\.\./\.\./\.\./bin/duct)\$" \
		"/usr/lib/duct/bin/$n is a link to /usr/bin/duct"
done
# The completions `make install` installs; zsh's where Debian's zsh reads packaged ones
like "$list" '^/usr/share/bash-completion/completions/duct$' "bash completion in /usr/share/bash-completion/completions"
like "$list" '^/usr/share/zsh/vendor-completions/_duct$' "zsh completion in /usr/share/zsh/vendor-completions"
unlike "$list" 'site-functions' "nothing left in /usr/share/zsh/site-functions"
deps=$(dpkg-deb -f "$deb" Depends)
like "$deps" 'libssl' "Depends names libssl ($deps)"
like "$deps" 'libreadline' "Depends names libreadline"

# lintian: no errors (warnings are listed here as diagnostics)
lint=$(run_to 120 lintian "$deb" 2>&1 | grep -v '^running with root privileges')
is "$(printf '%s\n' "$lint" | grep '^E:')" "" "lintian reports no E: lines"
printf '%s\n' "$lint" | grep '^[WI]:' | head -20 | sed 's/^/# lintian: /'

# Unpacked into a scratch root (not installed): the relay works, and each link is its face.
root=$T_TMP/root
dpkg-deb -x "$deb" "$root"
d=$root/usr/bin/duct
is "$(printf hi | run_to 10 "$d" - EXEC:cat 2>&1)" "hi" "the packaged duct: printf hi | duct - EXEC:cat"
is "$(printf hi | run_to 10 "$root/usr/lib/duct/bin/socat" - EXEC:cat 2>&1)" "hi" \
	"through /usr/lib/duct/bin/socat: the relay"
for n in nc netcat ncat ss; do
	want=$(run_to 10 "$d" "$n" -h 2>&1)
	got=$(run_to 10 "$root/usr/lib/duct/bin/$n" -h 2>&1)
	ok "$([ -n "$want" ] && [ "$got" = "$want" ]; echo $?)" \
		"/usr/lib/duct/bin/$n -h is duct $n -h"
done
done_testing
