#include "xio/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

/* The option lists the strings come from do not live as long as the proc_opts: a listener
 * swaps its list for each connection and frees the old one, and the session's process applies
 * chroot=, su=... later. Keep a copy; the values come from the command line, so interning
 * them (one copy per distinct value, never freed) bounds the memory. */
static const char *keep(const char *s)
{
	static struct kept {
		struct kept *next;
		char s[];
	} *list;
	if (!s)
		return NULL;
	for (struct kept *k = list; k; k = k->next)
		if (!strcmp(k->s, s))
			return k->s;
	size_t n = strlen(s) + 1;
	struct kept *k = malloc(sizeof *k + n);
	if (!k)
		return NULL;
	memcpy(k->s, s, n);
	k->next = list;
	list = k;
	return k->s;
}

static void take_str(struct opt_list *l, enum opt_id id, const char **out, bool *oom)
{
	const char *s = NULL;
	if (opt_take_str(l, id, &s) && s) {
		*out = keep(s);
		if (!*out)
			*oom = true;
	}
}

static void take_user(struct opt_list *l, enum opt_id id, const char **out, bool *oom)
{
	struct opt_value *ov = opt_take(l, id);
	if (ov) {
		*out = keep(ov->s ? ov->s : ov->text);
		if (!*out)
			*oom = true;
	}
}

int proc_opts_take(struct opt_list *l, struct proc_opts *po, const char *addrname)
{
	long long v;
	bool oom = false;
	memset(po, 0, sizeof *po);
	po->saved_cwd = po->saved_netns = -1;
	take_str(l, OPT_CHROOT, &po->chroot_dir, &oom);
	take_str(l, OPT_CHROOT_EARLY, &po->chroot_early_dir, &oom);
	if ((po->has_setuid = opt_take_int(l, OPT_SETUID, &v)))
		po->setuid = (uid_t)v;
	if ((po->has_setuid_early = opt_take_int(l, OPT_SETUID_EARLY, &v)))
		po->setuid_early = (uid_t)v;
	if ((po->has_setgid = opt_take_int(l, OPT_SETGID, &v)))
		po->setgid = (gid_t)v;
	if ((po->has_setgid_early = opt_take_int(l, OPT_SETGID_EARLY, &v)))
		po->setgid_early = (gid_t)v;
	take_user(l, OPT_SU, &po->su, &oom);
	take_user(l, OPT_SU_EARLY, &po->su_early, &oom);
	take_user(l, OPT_SU_DELAYED, &po->su_delayed, &oom);
	opt_take_bool(l, OPT_SETSID, &po->setsid);
	take_str(l, OPT_NETNS, &po->netns, &oom);
	take_str(l, OPT_CHDIR, &po->chdir_dir, &oom);
	if ((po->has_umask = opt_take_int(l, OPT_UMASK, &v)))
		po->umask = (mode_t)v;
	if (oom) {
		ERR("%s: out of memory", addrname);
		return -1;
	}
	return 0;
}

bool proc_opts_need_process(const struct proc_opts *po)
{
	return po->chroot_dir || po->chroot_early_dir || po->has_setuid || po->has_setuid_early ||
	       po->has_setgid || po->has_setgid_early || po->su || po->su_early || po->su_delayed ||
	       po->setsid;
}

/* su=NAME takes a user name or number; the option value parser may already have turned a
 * name into a uid (OT_UID), so accept both spellings. */
static const struct passwd *lookup_user(const char *who)
{
	const struct passwd *pw = getpwnam(who);
	if (!pw) {
		char *end;
		unsigned long n = strtoul(who, &end, 10);
		if (!*end && end != who)
			pw = getpwuid((uid_t)n);
	}
	return pw;
}

int proc_drop_privileges(const char *name, uid_t uid, gid_t gid, const char *addrname)
{
	if (geteuid() == 0) {
		int r = name ? initgroups(name, gid) : setgroups(1, &gid);
		if (r < 0) {
			ERR("%s: dropping supplementary groups: %s", addrname, strerror(errno));
			return -1;
		}
	}
	if (setgid(gid) < 0) {
		ERR("%s: setgid(%u): %s (only root can change its group)", addrname, (unsigned)gid, strerror(errno));
		return -1;
	}
	if (setuid(uid) < 0) {
		ERR("%s: setuid(%u): %s (only root can change its user)", addrname, (unsigned)uid, strerror(errno));
		return -1;
	}
	/* No way back: once we are someone else, becoming root again must fail. */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		ERR("%s: privileges could be regained after setuid(%u); refusing to continue", addrname, (unsigned)uid);
		return -1;
	}
	return 0;
}

static int do_su(const char *who, const char *addrname, const char *newroot)
{
	const struct passwd *pw = lookup_user(who);
	if (!pw) {
		if (newroot)
			ERR("%s: su=%s: no such user inside the new root \"%s\" (su looks the user up after chroot; su-d=%s looks it up before)",
			    addrname, who, newroot, who);
		else
			ERR("%s: su=%s: no such user", addrname, who);
		return -1;
	}
	char name[64], home[256], shell[256];
	snprintf(name, sizeof name, "%s", pw->pw_name);
	snprintf(home, sizeof home, "%s", pw->pw_dir);
	snprintf(shell, sizeof shell, "%s", pw->pw_shell);
	if (proc_drop_privileges(name, pw->pw_uid, pw->pw_gid, addrname) < 0)
		return -1;
	setenv("HOME", home, 1);
	setenv("USER", name, 1);
	setenv("LOGNAME", name, 1);
	setenv("SHELL", shell, 1);
	return 0;
}

static int do_chroot(const char *dir, const char *addrname)
{
	if (chroot(dir) < 0) {
		ERR("%s: chroot(\"%s\"): %s%s", addrname, dir, strerror(errno),
		    errno == EPERM ? " (chroot needs root or CAP_SYS_CHROOT)" : "");
		return -1;
	}
	if (chdir("/") < 0) {
		ERR("%s: chdir(\"/\") after chroot: %s", addrname, strerror(errno));
		return -1;
	}
	return 0;
}

static int do_setuid(bool has_gid, gid_t gid, uid_t uid, const char *addrname)
{
	const struct passwd *pw = getpwuid(uid);
	gid_t g = has_gid ? gid : pw ? pw->pw_gid : getgid();
	return proc_drop_privileges(NULL, uid, g, addrname);
}

int proc_netns_open(const char *netns, const char *addrname)
{
	char path[300];
	snprintf(path, sizeof path, "%s%s", strchr(netns, '/') ? "" : "/run/netns/", netns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ERR("%s: netns=%s: open(\"%s\"): %s (create it with: ip netns add %s)", addrname, netns, path,
		    strerror(errno), netns);
	return fd;
}

int proc_netns_enter(int nsfd, const char *addrname)
{
	int saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		ERR("%s: netns=: open(\"/proc/self/ns/net\"): %s", addrname, strerror(errno));
		return -1;
	}
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ERR("%s: netns=: setns(): %s", addrname, strerror(errno));
		close(saved);
		return -1;
	}
	return saved;
}

void proc_netns_leave(int saved)
{
	if (saved < 0)
		return;
	if (setns(saved, CLONE_NEWNET) < 0)
		WARN("cannot return to the previous network namespace: %s", strerror(errno));
	close(saved);
}

static int enter_netns(struct proc_opts *po, const char *addrname)
{
	int fd = proc_netns_open(po->netns, addrname);
	if (fd < 0)
		return -1;
	po->saved_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (setns(fd, CLONE_NEWNET) < 0) {
		ERR("%s: netns=%s: setns(): %s%s", addrname, po->netns, strerror(errno),
		    errno == EPERM ? " (entering a network namespace needs CAP_SYS_ADMIN)" : "");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int proc_opts_apply(struct proc_opts *po, enum opt_phase ph, const char *addrname)
{
	switch (ph) {
	case PH_INIT:
		if (po->su_delayed) {
			const struct passwd *pw = lookup_user(po->su_delayed);
			if (!pw) {
				ERR("%s: su-d=%s: no such user", addrname, po->su_delayed);
				return -1;
			}
			po->su_d.valid = true;
			po->su_d.uid = pw->pw_uid;
			po->su_d.gid = pw->pw_gid;
			snprintf(po->su_d.name, sizeof po->su_d.name, "%s", pw->pw_name);
			snprintf(po->su_d.home, sizeof po->su_d.home, "%s", pw->pw_dir);
			snprintf(po->su_d.shell, sizeof po->su_d.shell, "%s", pw->pw_shell);
		}
		if (po->has_umask) {
			po->saved_umask = umask(po->umask);
		}
		if (po->chdir_dir) {
			po->saved_cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (chdir(po->chdir_dir) < 0) {
				ERR("%s: chdir(\"%s\"): %s", addrname, po->chdir_dir, strerror(errno));
				return -1;
			}
		}
		if (po->netns && enter_netns(po, addrname) < 0)
			return -1;
		return 0;
	case PH_EARLY:
		if (po->chroot_early_dir && do_chroot(po->chroot_early_dir, addrname) < 0)
			return -1;
		if (po->su_early)
			return do_su(po->su_early, addrname, po->chroot_early_dir);
		if (po->has_setuid_early)
			return do_setuid(po->has_setgid_early, po->setgid_early, po->setuid_early, addrname);
		if (po->has_setgid_early && setgid(po->setgid_early) < 0) {
			ERR("%s: setgid(%u): %s", addrname, (unsigned)po->setgid_early, strerror(errno));
			return -1;
		}
		return 0;
	case PH_LATE:
		if (po->chroot_dir && do_chroot(po->chroot_dir, addrname) < 0)
			return -1;
		if (po->setsid && setsid() < 0 && errno != EPERM) {
			ERR("%s: setsid(): %s", addrname, strerror(errno));
			return -1;
		}
		return 0;
	case PH_LATE2:
		/* After chroot (LATE): the root directory is chosen while we may still do it. */
		if (po->su)
			return do_su(po->su, addrname, po->chroot_dir ? po->chroot_dir : po->chroot_early_dir);
		if (po->su_d.valid) {
			if (proc_drop_privileges(po->su_d.name, po->su_d.uid, po->su_d.gid, addrname) < 0)
				return -1;
			setenv("HOME", po->su_d.home, 1);
			setenv("USER", po->su_d.name, 1);
			setenv("LOGNAME", po->su_d.name, 1);
			setenv("SHELL", po->su_d.shell, 1);
			return 0;
		}
		if (po->has_setuid)
			return do_setuid(po->has_setgid, po->setgid, po->setuid, addrname);
		if (po->has_setgid) {
			if (geteuid() == 0 && setgroups(1, &po->setgid) < 0) {
				ERR("%s: dropping supplementary groups: %s", addrname, strerror(errno));
				return -1;
			}
			if (setgid(po->setgid) < 0) {
				ERR("%s: setgid(%u): %s", addrname, (unsigned)po->setgid, strerror(errno));
				return -1;
			}
		}
		return 0;
	default:
		return 0;
	}
}

void proc_opts_restore(struct proc_opts *po)
{
	/* Idempotent: the open's delivery restores, and xio_open_start again when h->open returns. */
	if (po->has_umask)
		umask(po->saved_umask);
	po->has_umask = false;
	if (po->saved_cwd >= 0) {
		if (fchdir(po->saved_cwd) < 0)
			WARN("cannot return to the previous working directory: %s", strerror(errno));
		close(po->saved_cwd);
		po->saved_cwd = -1;
	}
	proc_netns_leave(po->saved_netns);
	po->saved_netns = -1;
}
