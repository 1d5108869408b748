#!/usr/bin/env bash
# PROCESS options: chroot, chroot-early, su, su-d, setuid, setgid (+early), umask, chdir,
# setsid, netns. A tiny static program reports what the child ends up with: uid, gid, groups,
# root (a marker file only inside the jail), cwd, umask, and whether it can become root again.
# Needs root (CI runs as root); the order (chroot before setuid, groups before gid before uid)
# shows in the results: a chroot after dropping root would fail.
. "$(dirname "$0")/lib/tap.sh"
need_duct
[ "$(id -u)" = 0 ] || skip_all "needs root (chroot, setuid); CI runs the suite as root"
have cc || skip_all "no C compiler to build the static probe"
getent passwd nobody >/dev/null || skip_all "no user nobody"
NOBODY_UID=$(id -u nobody) NOBODY_GID=$(id -g nobody)

cat >"$T_TMP/probe.c" <<'EOF'
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void)
{
	gid_t g[64];
	int n = getgroups(64, g);
	printf("uid=%d euid=%d gid=%d egid=%d groups=", (int)getuid(), (int)geteuid(), (int)getgid(), (int)getegid());
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)g[i]);
	char cwd[512];
	if (!getcwd(cwd, sizeof cwd))
		snprintf(cwd, sizeof cwd, "?");
	mode_t m = umask(0);
	printf(" cwd=%s jail=%s umask=%03o sid=%s", cwd, access("/JAIL", F_OK) == 0 ? "yes" : "no", (unsigned)m,
	       getsid(0) == getpid() ? "own" : "inherited");
	int back = setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || setegid(0) == 0;
	printf(" back=%s\n", back ? "yes" : "no");
	return 0;
}
EOF
cc -static -O -o "$T_TMP/probe" "$T_TMP/probe.c" 2>"$T_TMP/cc.err" ||
	skip_all "cannot build a static program (libc.a missing?): $(head -1 "$T_TMP/cc.err")"
J=$T_TMP/jail
mkdir -p "$J" && cp "$T_TMP/probe" "$J/probe" && touch "$J/JAIL"
chmod 755 "$T_TMP" "$J"
# run the probe through duct with extra supplementary groups (4, 24) that must be dropped
groups_cmd=()
have setpriv && groups_cmd=(setpriv --groups 4,24)
probe() { cap 5 "${groups_cmd[@]}" "$DUCT" -u "$@" STDOUT; }
field() { printf '%s\n' "$OUT" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

probe EXEC:/probe,chroot="$J",su-d=nobody
is "$RC" 0 "EXEC,chroot,su-d=nobody runs"
is "$(field uid) $(field euid) $(field gid) $(field egid)" "$NOBODY_UID $NOBODY_UID $NOBODY_GID $NOBODY_GID" "chroot+su-d: uid and gid of nobody"
is "$(field groups)" "$(id -G nobody | tr ' ' ',')" "chroot+su-d: supplementary groups are nobody's, ours dropped"
is "$(field jail) $(field cwd)" "yes /" "chroot: the child's root is the jail, cwd /"
is "$(field back)" "no" "chroot+su-d: no way back to root"

probe EXEC:"$T_TMP/probe",su=nobody
is "$(field uid) $(field gid) $(field groups) $(field back)" "$NOBODY_UID $NOBODY_GID $(id -G nobody | tr ' ' ',') no" "su=nobody: uid, gid, groups of nobody, no way back"
is "$(field jail)" "no" "without chroot the root is unchanged"

probe EXEC:/probe,chroot="$J",su=nobody
isnt "$RC" 0 "chroot+su: the user is looked up inside the jail (no /etc/passwd there): fails"
like "$ERR" 'su=nobody: no such user inside the new root.*su-d=nobody' "... and the message points to su-d"

probe EXEC:/probe,chroot="$J",setuid=4242,setgid=4343
is "$(field uid) $(field euid) $(field gid) $(field egid)" "4242 4242 4343 4343" "chroot,setuid=4242,setgid=4343: numeric ids (no passwd entry needed)"
is "$(field groups)" "4343" "setuid+setgid: the supplementary groups are reduced to the new gid"
is "$(field jail) $(field back)" "yes no" "chroot happened before setuid (it needs root); no way back"

probe EXEC:"$T_TMP/probe",setuid="$NOBODY_UID"
is "$(field uid) $(field gid) $(field groups)" "$NOBODY_UID $NOBODY_GID $NOBODY_GID" "setuid alone: the user's primary group, no supplementary groups of ours"

probe EXEC:"$T_TMP/probe",setgid=4343
is "$(field uid) $(field gid) $(field groups)" "0 4343 4343" "setgid alone: gid and groups change, uid stays"

probe EXEC:"$T_TMP/probe",chdir=/var,umask=027
is "$(field cwd) $(field umask)" "/var 027" "chdir=, umask= reach the child"
probe EXEC:"$T_TMP/probe"
is "$(field sid)" "inherited" "without setsid the child stays in duct's session"
probe EXEC:"$T_TMP/probe",setsid
is "$(field sid)" "own" "setsid: the child leads a session of its own"

probe EXEC:"$T_TMP/probe",setuid-early="$NOBODY_UID"
is "$(field uid)" "$NOBODY_UID" "setuid-early: the child (and duct before opening) run as nobody"
probe EXEC:/probe,chroot-early="$J"
is "$(field jail)" "yes" "chroot-early: duct itself enters the jail before the open, the program is found there"

# ---- on an ordinary address the options change duct itself, after that address is open
printf 'secret\n' >"$T_TMP/rootonly"
chmod 600 "$T_TMP/rootonly"
printf 'in\n' >"$T_TMP/in"
chmod 644 "$T_TMP/in"
cap 5 "$DUCT" -u "OPEN:$T_TMP/in,su=nobody" "OPEN:$T_TMP/rootonly"
isnt "$RC" 0 "su= on address 1: duct runs as nobody before address 2 opens (a root-only file is refused)"
like "$ERR" 'Permission denied' "... with EACCES"
cap 5 "$DUCT" -u "OPEN:$T_TMP/in,chroot=$J" "OPEN:/out,creat"
is "$RC" 0 "chroot= on address 1"
ok "$( [ -f "$J/out" ]; echo $? )" "... address 2's /out is created inside the jail"
cap 5 "$DUCT" -u "OPEN:/JAIL,chroot-early=$J" STDOUT
is "$RC" 0 "chroot-early: the address's own path is inside the jail"

# ---- a fork listener: every connection's process gets the identity and root
port=$(free_port)
bg "${groups_cmd[@]}" "$DUCT" "TCP-LISTEN:$port,reuseaddr,fork,bind=127.0.0.1,chroot=$J,su-d=nobody" EXEC:/probe 2>/dev/null
L=$BG_PID
wait_for 5 tcp_listening "$port"
for n in 1 2; do
	cap 5 "$DUCT" -u "TCP:127.0.0.1:$port" STDOUT
	is "$(field uid) $(field gid) $(field groups) $(field jail) $(field back)" "$NOBODY_UID $NOBODY_GID $(id -G nobody | tr ' ' ',') yes no" "TCP-LISTEN,fork,chroot,su-d: connection $n served as nobody in the jail"
done
is "$(stat -c %u /proc/$L/status 2>/dev/null)" "0" "the listener itself stays root"
kill_group "$L"
wait_pid 5 "$L"

# ---- netns: enter a named network namespace
if have ip && ip netns add "duct-test-$$" 2>/dev/null; then
	NS=duct-test-$$
	ip netns exec "$NS" ip link set lo up
	cap 5 "$DUCT" -u SYSTEM:'ip -o link',netns="$NS" STDOUT
	is "$(printf '%s\n' "$OUT" | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo " "netns=: the child sees the namespace's interfaces (lo only)"
	hport=$(free_port)
	bg "$DUCT" "TCP-LISTEN:$hport,reuseaddr,bind=127.0.0.1" SYSTEM:'echo from-host' 2>/dev/null
	H=$BG_PID
	wait_for 5 tcp_listening "$hport"
	nport=$(free_port)
	bg "$DUCT" "TCP-LISTEN:$nport,reuseaddr,bind=127.0.0.1,netns=$NS" "TCP:127.0.0.1:$hport" 2>/dev/null
	N=$BG_PID
	wait_for 5 sh -c "ip netns exec $NS ss -Htln 'sport = :$nport' | grep -q ."
	ok $? "TCP-LISTEN,netns=: listening inside the namespace"
	ok "$(tcp_listening "$nport" && echo 1 || echo 0)" "... not in ours"
	cap 5 ip netns exec "$NS" "$DUCT" -u "TCP:127.0.0.1:$nport" STDOUT
	is "$OUT" "from-host" "... and address 2 connects from duct's own namespace again"
	wait_pid 5 "$N"
	wait_pid 5 "$H"
	ip netns del "$NS"
	cap 5 "$DUCT" -u SYSTEM:true,netns=no-such-ns-$$ STDOUT
	like "$ERR" 'ip netns add' "a missing namespace: the message says how to create it"
else
	skip "cannot create a network namespace here"
	skip "cannot create a network namespace here"
	skip "cannot create a network namespace here"
	skip "cannot create a network namespace here"
	skip "cannot create a network namespace here"
fi

done_testing
